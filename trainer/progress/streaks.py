"""Study streaks: consecutive study days with at least one answer (a light module).

`study_streak(reader, learner, today)` reads the study days from the per-day totals
of the log (`review_days`, migration 0006: one row per learner, study day and deck,
kept with the log by the store), one seek and at most a few thousand index entries
however long the log is. `trainer stats` and `trainer status` both use it; it
imports neither SQLAlchemy nor the statistics module.

The current streak ends today or yesterday: a streak is not broken before the day is
over. Study days after `today` (a clock set back) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from trainer.progress.readers import Reader, in_params, learner_id, to_date


@dataclass(frozen=True)
class Streak:
    current: int = 0  # consecutive study days ending today or yesterday
    longest: int = 0
    longest_end: date | None = None  # last day of the longest streak (the latest if tied)
    days_studied: int = 0  # study days with at least one answer, ever
    first_day: date | None = None


def streak_of(study_days: Sequence[date], today: date) -> Streak:
    """Current and longest runs of consecutive days in sorted `study_days` (pure)."""
    if not study_days:
        return Streak()
    longest, longest_end, run = 0, study_days[0], 0
    previous: date | None = None
    for day in study_days:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        if run >= longest:
            longest, longest_end = run, day
        previous = day
    last = study_days[-1]
    current = run if (today - last).days <= 1 else 0
    return Streak(
        current=current,
        longest=longest,
        longest_end=longest_end,
        days_studied=len(study_days),
        first_day=study_days[0],
    )


def study_days(
    reader: Reader, learner_id: int, today: date, decks: Sequence[str] | None = None
) -> list[date]:
    """The learner's study days with an answer up to `today`, in order.

    `decks`: only answers to cards of those decks (None: every answer). Reads the
    primary key (learner, day, deck) of `review_days`; a row with no answer left
    (undone) does not count.
    """
    sql = (
        "SELECT DISTINCT d.day FROM review_days d WHERE d.learner_id = :learner_id"
        " AND d.day <= :today AND d.answers > 0"
    )
    params: dict[str, Any] = {"learner_id": learner_id, "today": today}
    if decks is not None:
        listed, deck_params = in_params("deck", decks)
        sql += f" AND d.deck_slug IN ({listed})"
        params.update(deck_params)
    days = (to_date(value) for (value,) in reader.rows(sql + " ORDER BY d.day", params))
    return [day for day in days if day is not None]


def study_streak(reader: Reader, learner: str, today: date, decks: Sequence[str] = ()) -> Streak:
    """The streak of `learner` as of study day `today`, over `decks` (all decks if empty).

    An unknown learner, or deck slugs without answers, give an empty streak (the
    slugs are not checked: `trainer stats` does that).
    """
    found = learner_id(reader, learner)
    if found is None:
        return Streak()
    return streak_of(study_days(reader, found, today, list(decks) or None), today)


__all__ = ["Streak", "streak_of", "study_days", "study_streak"]
