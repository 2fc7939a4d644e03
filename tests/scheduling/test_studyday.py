"""The study day: rollover hour, time zones, daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from trainer.cli.context import AppContext
from trainer.scheduling.studyday import study_day

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_03_59_counts_for_the_previous_day_and_04_00_starts_a_new_one() -> None:
    assert study_day(utc(2026, 3, 10, 3, 59), ZoneInfo("UTC")) == date(2026, 3, 9)
    assert study_day(utc(2026, 3, 10, 4, 0), ZoneInfo("UTC")) == date(2026, 3, 10)


def test_the_rollover_hour_is_configurable() -> None:
    assert study_day(utc(2026, 3, 10, 0, 30), ZoneInfo("UTC"), 0) == date(2026, 3, 10)
    assert study_day(utc(2026, 3, 10, 5, 59), ZoneInfo("UTC"), 6) == date(2026, 3, 9)


def test_the_same_instant_is_a_different_day_in_two_time_zones() -> None:
    instant = utc(2026, 3, 10, 6, 30)  # 07:30 in Berlin, 02:30 in New York
    assert study_day(instant, BERLIN) == date(2026, 3, 10)
    assert study_day(instant, NEW_YORK) == date(2026, 3, 9)


@pytest.mark.parametrize(
    ("tz", "before", "at"),
    [
        # Berlin springs forward on 2026-03-29 at 02:00 (UTC+1 -> UTC+2): 04:00 local is 02:00 UTC.
        (BERLIN, utc(2026, 3, 29, 1, 59), utc(2026, 3, 29, 2, 0)),
        # New York springs forward on 2026-03-08: 04:00 EDT is 08:00 UTC.
        (NEW_YORK, utc(2026, 3, 8, 7, 59), utc(2026, 3, 8, 8, 0)),
        # Berlin falls back on 2026-10-25 (UTC+2 -> UTC+1): 04:00 local is 03:00 UTC.
        (BERLIN, utc(2026, 10, 25, 2, 59), utc(2026, 10, 25, 3, 0)),
        # New York falls back on 2026-11-01: 04:00 EST is 09:00 UTC.
        (NEW_YORK, utc(2026, 11, 1, 8, 59), utc(2026, 11, 1, 9, 0)),
    ],
)
def test_rollover_stays_at_local_04_00_across_daylight_saving(
    tz: ZoneInfo, before: datetime, at: datetime
) -> None:
    day = at.date()
    assert study_day(before, tz) == date.fromordinal(day.toordinal() - 1)
    assert study_day(at, tz) == day


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        study_day(datetime(2026, 3, 10, 5, 0), ZoneInfo("UTC"))  # noqa: DTZ001


@freeze_time("2026-03-10 03:59:00")
def test_app_today_at_03_59_utc_is_yesterday() -> None:
    assert AppContext(db=None, learner="ada").today() == date(2026, 3, 9)


@freeze_time("2026-03-10 04:00:00")
def test_app_today_at_04_00_utc_is_today() -> None:
    assert AppContext(db=None, learner="ada").today() == date(2026, 3, 10)


@freeze_time("2026-03-29 01:30:00")  # 03:30 CEST in Berlin, the night of the change
def test_app_today_uses_the_configured_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_TZ", "Europe/Berlin")
    assert AppContext(db=None, learner="ada").today() == date(2026, 3, 28)
    monkeypatch.setenv("TRAINER_TZ", "America/New_York")  # 21:30 the evening before
    assert AppContext(db=None, learner="ada").today() == date(2026, 3, 28)
    monkeypatch.setenv("TRAINER_TZ", "Asia/Tokyo")  # 10:30
    assert AppContext(db=None, learner="ada").today() == date(2026, 3, 29)


@given(
    instant=st.datetimes(
        datetime(2025, 1, 1),  # noqa: DTZ001  (hypothesis takes naive bounds)
        datetime(2028, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    tz=st.sampled_from([BERLIN, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("UTC")]),
    rollover=st.integers(0, 23),
)
def test_the_study_day_is_the_local_date_before_the_rollover_hour(
    instant: datetime, tz: ZoneInfo, rollover: int
) -> None:
    local = instant.astimezone(tz)
    expected = local.date() if local.hour >= rollover else local.date() - timedelta(days=1)
    assert study_day(instant, tz, rollover) == expected
