"""A learner's review log as FSRS sees it (pure: rows in, FSRS items and states out).

The store hands over the log as plain rows ``(review_id, card_id, day, grade)``
ordered by card and then by review id, ``day`` being the study day's ordinal
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
  label is whether it was passed); items are sorted by review id, i.e. by time, as
  Anki sorts them by revlog id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from trainer.scheduling.fsrs import library, rating_of

LogRow = tuple[int, str, int, int]  # (review id, card id, study day ordinal, grade 0-5)


@dataclass(frozen=True)
class CardLog:
    """One card's answers, oldest first: review ids, FSRS ratings (1-4) and delta_t."""

    card_id: str
    review_ids: tuple[int, ...]
    ratings: tuple[int, ...]
    delta_ts: tuple[int, ...]
    last_day: int  # ordinal of the study day of the last answer


def card_logs(rows: Iterable[LogRow]) -> Iterator[CardLog]:
    """Group rows (ordered by card, then review id) into one CardLog per card."""
    card: str | None = None
    ids: list[int] = []
    ratings: list[int] = []
    deltas: list[int] = []
    previous_day = 0
    for review_id, card_id, day, grade in rows:
        if card_id != card:
            if card is not None:
                yield CardLog(card, tuple(ids), tuple(ratings), tuple(deltas), previous_day)
            card, ids, ratings, deltas = card_id, [], [], []
            previous_day = day
        ids.append(review_id)
        ratings.append(int(rating_of(grade)))
        deltas.append(max(0, day - previous_day))
        previous_day = day
    if card is not None:
        yield CardLog(card, tuple(ids), tuple(ratings), tuple(deltas), previous_day)


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


@dataclass(frozen=True)
class TrainingSet:
    """FSRS items for fitting/evaluating, in time order.

    Item ``i`` predicts answer ``positions[i] = (log, k)``: the ``k``-th answer of
    ``logs[log]``, from the answers before it.
    """

    logs: list[CardLog]
    positions: list[tuple[int, int]]
    reviews: int  # answers of the cards that gave items (every answer of theirs)

    def __len__(self) -> int:
        return len(self.positions)

    def items(self, start: int = 0, stop: int | None = None) -> list[Any]:
        """fsrs_rs_python.FSRSItem objects of positions[start:stop] (history + answer)."""
        return self._items(start, stop, last=1)

    def histories(self, start: int = 0, stop: int | None = None) -> list[Any]:
        """The same items without their last answer: what a prediction is made from."""
        return self._items(start, stop, last=0)

    def card_ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        return [log for log, _ in self.positions[start:stop]]

    def _items(self, start: int, stop: int | None, *, last: int) -> list[Any]:
        lib = library()
        review, item = lib.FSRSReview, lib.FSRSItem
        cache: dict[int, list[Any]] = {}
        out = []
        for number, k in self.positions[start:stop]:
            objs = cache.get(number)
            if objs is None:
                log = self.logs[number]
                objs = [review(r, d) for r, d in zip(log.ratings, log.delta_ts, strict=True)]
                cache[number] = objs
            out.append(item(objs[: k + last]))
        return out


def training_set(logs: Iterable[CardLog]) -> TrainingSet:
    """One item per answer after the first with delta_t > 0 (Anki's fsrs_items_for_training)."""
    kept: list[CardLog] = []
    tagged: list[tuple[int, int, int]] = []
    reviews = 0
    for log in logs:
        number = len(kept)
        used = False
        for k in range(1, len(log.ratings)):
            if log.delta_ts[k] > 0:
                tagged.append((log.review_ids[k], number, k))
                used = True
        if used:
            kept.append(log)
            reviews += len(log.ratings)
    tagged.sort()
    return TrainingSet(logs=kept, positions=[(n, k) for _, n, k in tagged], reviews=reviews)
