"""Shared fixtures: no test ever touches the real data folder or the user's settings."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def trainer_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data folder at a fresh temporary folder and pin learner and timezone."""
    home = tmp_path / "trainer-home"
    monkeypatch.setenv("TRAINER_HOME", str(home))
    monkeypatch.setenv("TRAINER_LEARNER", "ada")
    monkeypatch.setenv("TRAINER_TZ", "UTC")
    for name in ("TRAINER_DB", "TRAINER_DEBUG", "NO_COLOR", "TRAINER_ROLLOVER_HOUR"):
        monkeypatch.delenv(name, raising=False)
    return home
