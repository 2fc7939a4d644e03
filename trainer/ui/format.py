"""Formatting shared by the screens: durations (counts with their noun: trainer.printable.plural).

Plain strings, no rich: the quiz, statistics and class report screens use them.
"""

from __future__ import annotations


def duration(seconds: float, *, short: bool = False) -> str:
    """A duration for people: 45 s, 6 min 12 s, 1 h 05 min; `short`: 45s, 6m 12s, 1h 05m."""
    s, m, h = ("s", "m", "h") if short else (" s", " min", " h")
    total = max(0, round(seconds))
    if total < 60:
        return f"{total}{s}"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}{m} {secs:02d}{s}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}{h} {minutes:02d}{m}"
