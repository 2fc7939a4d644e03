"""The study day: the learner's local date, shifted by a rollover hour (pure).

Due dates are study days, not timestamps. Like Anki, a day starts at the
rollover hour (4:00 by default), so an answer at 03:59 counts for the day before.
The shift is done on the local wall clock, so it stays right across a
daylight-saving change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ROLLOVER_HOUR = 4


def study_day(now: datetime, tz: ZoneInfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The study day that the aware instant `now` belongs to in time zone `tz`."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("study_day needs a timezone-aware datetime, got a naive one")
    if not 0 <= rollover_hour <= 23:
        raise ValueError(f"rollover hour must be 0-23, got {rollover_hour}")
    local = now.astimezone(tz).replace(tzinfo=None)  # the wall clock
    return (local - timedelta(hours=rollover_hour)).date()
