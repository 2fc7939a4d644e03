"""Settings: defaults, the settings file, environment overrides, bad values."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from trainer import paths
from trainer.errors import SettingsError
from trainer.settings import Settings, load_settings


def write(text: str) -> Path:
    path = paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    assert load_settings() == Settings(ZoneInfo("UTC"), 4, 20, 200)


def test_the_file_sets_every_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAINER_TZ")
    write('timezone = "Europe/Berlin"\nrollover_hour = 5\nnew_per_day = 10\nreviews_per_day = 50\n')
    assert load_settings() == Settings(ZoneInfo("Europe/Berlin"), 5, 10, 50)


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    write('timezone = "Europe/Berlin"\nrollover_hour = 5\n')
    monkeypatch.setenv("TRAINER_TZ", "Asia/Tokyo")
    monkeypatch.setenv("TRAINER_ROLLOVER_HOUR", "0")
    settings = load_settings()
    assert (settings.timezone, settings.rollover_hour) == (ZoneInfo("Asia/Tokyo"), 0)


def test_system_zone_is_used_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAINER_TZ")
    monkeypatch.setenv("TZ", "America/New_York")
    assert load_settings().timezone == ZoneInfo("America/New_York")


def test_unknown_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_TZ", "Mars/Olympus")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value) == (
        "TRAINER_TZ: unknown time zone 'Mars/Olympus'; use an IANA name such as 'Europe/Berlin'"
    )


def test_bad_rollover_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_ROLLOVER_HOUR", "24")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert (
        str(error.value)
        == "TRAINER_ROLLOVER_HOUR: rollover_hour must be a whole number from 0 to 23"
    )


def test_unknown_key_and_bad_toml() -> None:
    path = write("new_cards = 5\n")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value) == (
        f"{path}: unknown setting 'new_cards'; known settings: "
        "timezone, rollover_hour, new_per_day, reviews_per_day"
    )
    write("new_per_day = \n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings()
    write("new_per_day = -1\n")
    with pytest.raises(SettingsError, match="new_per_day must be a whole number from 0 to 10000"):
        load_settings()
