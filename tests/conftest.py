"""Shared fixtures: no test ever touches the real data folder or the user's settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pg import Cluster


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


# -- the store on SQLite and on PostgreSQL ------------------------------------------------
# A test that takes `store_target` (or a fixture built on it) runs once per backend: a SQLite
# file, and a fresh schema of a throwaway PostgreSQL cluster (tests/pg.py). Without a server
# the PostgreSQL runs are skipped with the reason, except in CI (CI=true), where they fail.

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: run a `backend` test on SQLite alone")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("backend", ["sqlite"] if only else list(BACKENDS))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server for the whole test run, stopped and deleted at the end."""
    from pg import ClusterUnavailable, start_cluster

    try:
        cluster = start_cluster()
    except ClusterUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs a PostgreSQL server for these tests: {error}")
        pytest.skip(f"no PostgreSQL server could be started: {error}")
    yield cluster
    cluster.stop()


@pytest.fixture
def store_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """Where a test's store lives: tmp_path/progress.db, or a new PostgreSQL schema's URL."""
    if backend == "sqlite":
        return tmp_path / "progress.db"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_url()
    if cluster.folder is None:  # TRAINER_TEST_PG_URL's server: leave it as it was
        request.addfinalizer(lambda: cluster.drop(url))
    return url
