"""A learner's review log as FSRS sees it (pure: rows in, FSRS items and states out).

The store hands over the log as plain rows ``(card_id, day, grade)`` in the order
the answers were logged (review id), ``day`` being the study day's ordinal
(``date.toordinal()``) so that a million rows cost no date objects. Each card's
answers become FSRS reviews the way Anki builds them (rslib
``scheduler/fsrs/params.rs`` ``reviews_for_fsrs``): the rating of the grade, and
``delta_t`` = days since the card's previous answer (0 for the first answer and for
same-day re-drill answers).

- For **memory states** (switching to FSRS), each card's whole history is one item;
  fsrs-rs replays it (``memory_state_batch``), which is the same arithmetic as
  answering through `FSRSScheduler` one answer at a time (a test checks it).
- For **training and evaluation**, every answer after the first with ``delta_t > 0``
  gives one item holding the card's history up to and including that answer (its
  label is whether it was passed), in log order, as Anki sorts them by revlog id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trainer.scheduling.fsrs import library, rating_of

LogRow = tuple[str, int, int]  # (card id, study day ordinal, grade 0-5), in log order

_RATING = tuple(int(rating_of(g)) for g in range(6))


@dataclass
class CardLog:
    """One card's answers, oldest first: FSRS ratings (1-4) and delta_t in days."""

    card_id: str
    ratings: list[int] = field(default_factory=list)
    delta_ts: list[int] = field(default_factory=list)
    last_day: int = 0  # ordinal of the study day of the last answer


@dataclass
class ReviewLog:
    """The log grouped by card, and the training items' positions in log order.

    ``positions[i] = (card, k)``: item i predicts the k-th answer of ``cards[card]``
    from the answers before it.
    """

    cards: list[CardLog]
    positions: list[tuple[int, int]]
    answers: int  # rows read

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def reviews(self) -> int:
        """Answers of the cards that gave training items (every answer of theirs)."""
        used = {number for number, _ in self.positions}
        return sum(len(self.cards[n].ratings) for n in used)

    def items(self, start: int = 0, stop: int | None = None) -> list[Any]:
        """fsrs_rs_python.FSRSItem of positions[start:stop]: the history and the answer."""
        lib = library()
        review, item = lib.FSRSReview, lib.FSRSItem
        cache: dict[int, list[Any]] = {}
        out = []
        for number, k in self.positions[start:stop]:
            objs = cache.get(number)
            if objs is None:
                log = self.cards[number]
                objs = cache[number] = [
                    review(r, d) for r, d in zip(log.ratings, log.delta_ts, strict=True)
                ]
            out.append(item(objs[: k + 1]))
        return out

    def card_numbers(self, start: int = 0, stop: int | None = None) -> list[int]:
        return [number for number, _ in self.positions[start:stop]]


def review_log(rows: Iterable[LogRow]) -> ReviewLog:
    """Group rows (in log order) by card and note the training items in log order."""
    index: dict[str, CardLog] = {}
    number_of: dict[str, int] = {}
    cards: list[CardLog] = []
    positions: list[tuple[int, int]] = []
    rating = _RATING
    answers = 0
    for card_id, day, grade in rows:
        answers += 1
        log = index.get(card_id)
        if log is None:
            number_of[card_id] = len(cards)
            log = index[card_id] = CardLog(card_id, [rating[grade]], [0], day)
            cards.append(log)
            continue
        delta = day - log.last_day
        log.ratings.append(rating[grade])
        if delta > 0:
            log.delta_ts.append(delta)
            log.last_day = day
            positions.append((number_of[card_id], len(log.ratings) - 1))
        else:
            log.delta_ts.append(0)
    return ReviewLog(cards, positions, answers)


def memory_states(
    logs: Sequence[CardLog], parameters: Sequence[float]
) -> list[tuple[float, float]]:
    """(stability, difficulty) after each card's whole history, in the order of `logs`."""
    if not logs:
        return []
    lib = library()
    review = lib.FSRSReview
    items = [
        lib.FSRSItem([review(r, d) for r, d in zip(log.ratings, log.delta_ts, strict=True)])
        for log in logs
    ]
    states = lib.FSRS(list(parameters)).memory_state_batch(items)
    return [(float(s.stability), float(s.difficulty)) for s in states]
