"""A learner's progress in Anki's terms: card scheduling, review log rows, the day count.

Pure (no I/O, no clock). What Anki's columns mean, from its own code (ankitects/anki):

- Cards (rslib/src/card/mod.rs): `type` 0 new, 1 learning, 2 review, 3 relearning;
  `queue` 0 new, 1 learning (due a timestamp), 2 review (due in days since the
  collection's creation), 3 day-learning, -1 suspended, -2 buried by the scheduler,
  -3 buried by the user; `ivl` days; `factor` the ease in permille (2500 = 250%);
  `reps`, `lapses`; `data` JSON whose `s` and `d` are FSRS stability and difficulty
  (rslib/src/storage/card/data.rs, rounded there to 4 and 3 places).
- Review log (rslib/src/revlog/mod.rs): `id` the answer's time in ms (the primary key,
  so unique), `cid`, `ease` 1 Again, 2 Hard, 3 Good, 4 Easy (0: a manual reschedule, no
  answer), `ivl`/`lastIvl` days if positive, seconds if negative, `factor` permille,
  `time` the answer time in ms, `type` 0 learning, 1 review, 2 relearning, 3 filtered,
  4 manual, 5 rescheduled.
- The day count (rslib/src/scheduler/timing.rs, `sched_timing_today_v2_new`): with the
  v2/v3 scheduler and a `creationOffset`, today is the number of rollovers between the
  calendar date of `crt` (in `creationOffset`, minutes west of UTC) and now; review due
  days count from that date. On import Anki shifts each review card's due by the source
  collection's day count minus the target's (package/apkg/import/cards.rs,
  `shift_collection_relative_dates`), so a due day relative to today survives.

How trainer's state becomes Anki's (the choices of this module):

- A graded card is a review card (type 2, queue 2) due on its study day: trainer's
  schedule is in days and has no minute-long learning steps, so a card that trainer has
  back at n = 0 after a lapse arrives as a review card with interval 1. New cards are
  type 0, queue 0, due their position in the deck.
- `reps` is trainer's n (successful repetitions in a row, what `trainer cards` shows as
  reps), `lapses` its lapses, `factor` the E-Factor x 10, `ivl` the interval.
- A suspended card has queue -1; a card buried until a later study day has queue -3
  (Anki unburies it at its next rollover).
- Grades: 0-2 are Again (1), 3 Hard (2), 4 Good (3), 5 Easy (4); back from Anki,
  Again is 1, Hard 3, Good 4, Easy 5.
- Log kinds: the first answer ever is learning (0); a day's first answer to a card with
  n > 0 is a review (1); to a card back at n = 0, relearning (2) once it has lapsed,
  else learning; a same-day re-drill answer is relearning after a lapse, else learning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from trainer.model import CardState, Grade, ReviewKind

# Anki's numbers (rslib/src/card/mod.rs, rslib/src/revlog/mod.rs).
TYPE_NEW, TYPE_REVIEW = 0, 2
QUEUE_NEW, QUEUE_REVIEW, QUEUE_SUSPENDED, QUEUE_USER_BURIED = 0, 2, -1, -3
REVLOG_LEARNING, REVLOG_REVIEW, REVLOG_RELEARNING = 0, 1, 2
EASE_AGAIN, EASE_HARD, EASE_GOOD, EASE_EASY = 1, 2, 3, 4

_EASE_OF_GRADE = {0: EASE_AGAIN, 1: EASE_AGAIN, 2: EASE_AGAIN, 3: EASE_HARD, 4: EASE_GOOD}
_GRADE_OF_EASE = {
    EASE_AGAIN: Grade.INCORRECT_REMEMBERED,
    EASE_HARD: Grade.HARD,
    EASE_GOOD: Grade.GOOD,
    EASE_EASY: Grade.PERFECT,
}


def anki_ease(grade: int) -> int:
    """Anki's answer button for a trainer grade: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    return _EASE_OF_GRADE.get(int(grade), EASE_EASY)


#: `anki_ease` in SQL, for the million rows of a log (the same table: `_EASE_OF_GRADE`).
EASE_SQL = (
    "CASE grade "
    + " ".join(f"WHEN {grade} THEN {ease}" for grade, ease in _EASE_OF_GRADE.items())
    + f" ELSE {EASE_EASY} END"
)


def trainer_grade(ease: int) -> Grade:
    """Trainer's grade for an Anki answer button: Again 1, Hard 3, Good 4, Easy 5."""
    return _GRADE_OF_EASE[ease]


@dataclass(frozen=True)
class CardProgress:
    """One learner's progress on one card, as the export writes it."""

    state: CardState
    suspended: bool = False
    buried_until: date | None = None
    leech: bool = False


@dataclass(frozen=True)
class AnkiScheduling:
    """The scheduling columns of one Anki card row."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    data: str


def memory_data(state: CardState) -> str:
    """The card's `data` JSON: its FSRS memory state when it has one, else empty.

    Stability in days and difficulty 1-10, as Anki keeps them (rounded as Anki rounds
    them, to 4 and 3 places).
    """
    if state.stability is None or state.difficulty is None:
        return ""
    return json.dumps(
        {"s": round(state.stability, 4), "d": round(state.difficulty, 3)},
        separators=(",", ":"),
    )


def card_scheduling(
    progress: CardProgress | None, *, position: int, today: date, creation_day: date
) -> AnkiScheduling:
    """Anki's scheduling of a card with `progress` (None: never seen) on study day `today`.

    `position` is the new card's place in the deck; due days count from `creation_day`.
    """
    if progress is None or progress.state.due is None:
        queue = QUEUE_NEW
        if progress is not None and progress.suspended:
            queue = QUEUE_SUSPENDED
        elif progress is not None and _buried(progress, today):
            queue = QUEUE_USER_BURIED
        return AnkiScheduling(TYPE_NEW, queue, position, 0, 0, 0, 0, "")
    state = progress.state
    queue = QUEUE_REVIEW
    if progress.suspended:
        queue = QUEUE_SUSPENDED
    elif _buried(progress, today):
        queue = QUEUE_USER_BURIED
    assert state.due is not None
    return AnkiScheduling(
        type=TYPE_REVIEW,
        queue=queue,
        due=(state.due - creation_day).days,
        ivl=state.interval,
        factor=state.ef * 10,
        reps=state.n,
        lapses=state.lapses,
        data=memory_data(state),
    )


def _buried(progress: CardProgress, today: date) -> bool:
    return progress.buried_until is not None and progress.buried_until > today


#: The log kind of an answer of trainer's log (a `reviews` row) as Anki's revlog type, in
#: SQL (see the module docstring).
REVLOG_KIND_SQL = (
    f"CASE WHEN kind = '{ReviewKind.LEARN.value}' THEN {REVLOG_LEARNING}"
    f" WHEN kind = '{ReviewKind.REVIEW.value}' AND n_before > 0 THEN {REVLOG_REVIEW}"
    f" WHEN lapses_before > 0 THEN {REVLOG_RELEARNING} ELSE {REVLOG_LEARNING} END"
)

#: Anki keeps `time` as an unsigned 32-bit number of milliseconds.
MAX_ANSWER_MS = 2**32 - 1


LoggedAnswer = tuple[str, int, int, int, int, int, int, int]
"""One answer of trainer's log in Anki's terms, as the query gives it (a plain tuple: a
million of them): card id, time (ms since the epoch), Anki's button, interval after,
interval before, E-Factor after x 10, answer time (ms), revlog kind."""


def revlog_rows(
    answers: list[LoggedAnswer], card_ids: dict[str, int]
) -> list[tuple[int, int, int, int, int, int, int, int, int]]:
    """Revlog rows (id, cid, usn, ease, ivl, lastIvl, factor, time, type) of the answers
    to the cards in `card_ids` (trainer card id -> Anki card id), oldest first.

    The id is the answer's time in ms; answers in the same millisecond get the next free
    one, as the primary key needs.
    """
    rows: list[tuple[int, int, int, int, int, int, int, int, int]] = []
    last_id = -1
    for card_id, at_ms, ease, ivl, last_ivl, factor, answer_ms, kind in sorted(
        answers, key=itemgetter(1)
    ):
        cid = card_ids.get(card_id)
        if cid is None:
            continue
        last_id = at_ms if at_ms > last_id else last_id + 1
        taken = (
            answer_ms if 0 <= answer_ms <= MAX_ANSWER_MS else min(max(answer_ms, 0), MAX_ANSWER_MS)
        )
        rows.append((last_id, cid, -1, ease, ivl, last_ivl, factor, taken, kind))
    return rows


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_ms(at: datetime) -> int:
    """An aware instant as whole milliseconds since the Unix epoch (rounded down)."""
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


@dataclass(frozen=True)
class CollectionTiming:
    """The collection's creation time and the config keys that fix Anki's day count."""

    crt: int  # seconds
    creation_offset: int  # minutes west of UTC at crt
    rollover: int  # hour

    def config(self) -> dict[str, object]:
        """The col.conf keys: the v2 scheduler with v3 on (no upgrade of cards or log on
        import: rslib/src/scheduler/upgrade.rs is a no-op on v2), its timezone handling
        (creationOffset) and rollover hour (rslib/src/config/mod.rs: schedVer,
        sched2021, creationOffset, rollover)."""
        return {
            "schedVer": 2,
            "sched2021": True,
            "creationOffset": self.creation_offset,
            "rollover": self.rollover,
        }


def collection_timing(creation_day: date, tz: ZoneInfo, rollover_hour: int) -> CollectionTiming:
    """A creation time on `creation_day` at the learner's rollover hour, in their zone:
    Anki's day count then starts on that study day and ticks at the learner's rollover."""
    local = datetime.combine(creation_day, time(hour=rollover_hour), tzinfo=tz)
    offset = local.utcoffset() or timedelta(0)
    return CollectionTiming(
        crt=int(local.timestamp()),
        creation_offset=-int(offset.total_seconds() // 60),
        rollover=rollover_hour,
    )
