"""`trainer stats` under FSRS: what Anki shows for FSRS (plain SQL over a Reader).

For a learner on FSRS, over the graded cards of the chosen decks that are not
suspended and have a memory state:

- the distribution of **retrievability** today (FSRS's probability of recall after
  the days since the card's last scheduling answer: due - interval), in tenths;
- the distributions of **stability** (days for recall to fall to 90 %) and of
  **difficulty** (1-10);
- the **estimated number of cards remembered today**: the sum of their
  retrievabilities, and its average (Anki's "average retention" of the FSRS stats).

The forgetting curve is FSRS-6's with the learner's decay parameter (w20).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from typing import Any

from trainer.progress.readers import Reader, to_date
from trainer.scheduling import SchedulerConfig

# Stability in days: the same ranges as the interval histogram's spirit (Anki shows a
# log-scaled axis): lower bounds.
STABILITY_RANGES = (0, 1, 2, 4, 7, 14, 30, 60, 120, 365, 730)


@dataclass(frozen=True)
class Bucket:
    """One bar of a distribution: [low, high) and the cards in it (high None: no end)."""

    low: float
    high: float | None
    cards: int


@dataclass(frozen=True)
class FSRSStats:
    retention: float  # desired retention
    cards: int  # cards with a memory state counted
    remembered: float  # expected cards recalled today
    retrievability: tuple[Bucket, ...]
    stability: tuple[Bucket, ...]
    difficulty: tuple[Bucket, ...]

    @property
    def average_retrievability(self) -> float | None:
        return self.remembered / self.cards if self.cards else None


def fsrs_stats(
    reader: Reader,
    config: SchedulerConfig,
    states_sql: str,
    params: dict[str, Any],
    today: date,
) -> FSRSStats | None:
    """The FSRS figures of the states `s` selected by `states_sql` (None unless on FSRS)."""
    if config.name != "fsrs":
        return None
    from trainer.scheduling.fsrs import DEFAULT_RETENTION, default_parameters

    parameters = config.parameters or default_parameters()
    decay = -parameters[20]
    factor = (0.9 ** (1 / decay)) - 1.0
    rows = reader.rows(
        'SELECT s.stability, s.difficulty, s.due, s."interval" FROM card_states s'
        f" WHERE {states_sql} AND s.stability IS NOT NULL AND s.due IS NOT NULL"
        " AND s.suspended = :no",
        {**params, "no": False},
    )
    r_bins = [0] * 10
    s_bins = [0] * len(STABILITY_RANGES)
    d_bins = [0] * 9
    remembered = 0.0
    today_ordinal = today.toordinal()
    ordinals: dict[Any, int] = {}
    for stability, difficulty, due, interval in rows:
        ordinal = ordinals.get(due)
        if ordinal is None:
            day = to_date(due)
            assert day is not None
            ordinal = ordinals[due] = day.toordinal()
        elapsed = max(0, today_ordinal - (ordinal - interval))
        r = (1.0 + factor * elapsed / stability) ** decay
        remembered += r
        r_bins[min(int(r * 10), 9)] += 1
        s_bins[bisect.bisect_right(STABILITY_RANGES, stability) - 1] += 1
        d_bins[min(max(int(difficulty) - 1, 0), 8)] += 1
    ends: list[float | None] = [*STABILITY_RANGES[1:], None]
    retention = config.desired_retention or DEFAULT_RETENTION
    return FSRSStats(
        retention=retention,
        cards=len(rows),
        remembered=remembered,
        retrievability=tuple(Bucket(i / 10, (i + 1) / 10, n) for i, n in enumerate(r_bins)),
        stability=tuple(
            Bucket(low, high, n)
            for low, high, n in zip(STABILITY_RANGES, ends, s_bins, strict=True)
        ),
        difficulty=tuple(Bucket(i + 1, i + 2, n) for i, n in enumerate(d_bins)),
    )


def fsrs_to_json(stats: FSRSStats | None) -> dict[str, Any] | None:
    """The "fsrs" object of `trainer stats --json` (null unless the learner is on FSRS)."""
    if stats is None:
        return None

    def buckets(values: tuple[Bucket, ...]) -> list[dict[str, Any]]:
        return [{"from": b.low, "to": b.high, "cards": b.cards} for b in values]

    average = stats.average_retrievability
    return {
        "desired_retention": stats.retention,
        "cards": stats.cards,
        "remembered_today": round(stats.remembered, 1),
        "average_retrievability": None if average is None else round(average, 4),
        "retrievability": buckets(stats.retrievability),
        "stability": buckets(stats.stability),
        "difficulty": buckets(stats.difficulty),
    }
