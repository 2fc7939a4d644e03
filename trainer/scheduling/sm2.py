"""SM-2, exactly as P. Woźniak published it (pure: no I/O, no clock).

Source: P. A. Woźniak, "Application of a computer to improve the results obtained
in working with the SuperMemo method" (1990), algorithm SM-2, on super-memory.com.

For the first graded answer of a study day `d` to a card with repetitions `n`,
E-Factor `EF` and interval `I` (grade `q`, 0-5):

- q >= 3: ``EF := max(1.3, EF + 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))``;
  ``n := n + 1``; ``I := 1`` if n = 1, ``6`` if n = 2, else ``ceil(I * EF)``;
  ``due := d + I``.
- q < 3: ``n := 0``; ``I := 1``; ``due := d + 1``; EF unchanged; the card's
  lapse count grows by one if it had been learned (see below).
- q < 4: the card joins day `d`'s re-drill (kept by the store; the session asks
  it again until it scores 4 or 5).

The published text leaves three points open. This module reads them so:

1. **EF is unchanged on q < 3.** The text says to "start repetitions for the item
   from the beginning without changing the E-Factor"; the EF formula is applied
   only to successful answers (q >= 3).
2. **I(n) uses the E-Factor just updated.** Step 5 (update EF) comes before the
   interval is used again, so ``ceil(I * EF)`` multiplies by the new EF.
3. **Re-drill answers are not repetitions.** Same-day repeats of items that scored
   below 4 are logged but change neither n, EF, the interval nor the due day;
   only the first answer of a study day schedules the card.

Two more choices of ours, not in the paper:

- A *lapse* is a failed answer (q < 3) to a card in a run of successful
  repetitions (n > 0 before the answer). Failing a new card, or failing again a
  card already reset to n = 0, is not another lapse.
- Arithmetic is exact: the E-Factor is an integer in hundredths (every step is a
  multiple of 0.02), so ``ceil(75 * 2.76)`` is 207, not the 208 floats give.
- Intervals stop growing at 36,500 days (100 years, Anki's default maximum
  interval). SM-2 has no cap; without one, ten perfect answers in a row already
  give about 160 years and due dates soon leave the calendar. No learner meets
  the cap in a lifetime of study.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from trainer.model import CardState, Grade, ReviewKind
from trainer.scheduling.base import MAX_INTERVAL

NAME = "sm2"
EF_MIN = 130  # 1.30, in hundredths
EF_START = CardState().ef  # 2.50, in hundredths: the E-Factor of a card never graded


def next_ef(ef: int, grade: Grade) -> int:
    """The E-Factor (hundredths) after a successful answer of `grade`; unchanged below 3."""
    if grade < Grade.HARD:
        return ef
    miss = 5 - int(grade)
    # EF + 0.1 - (5-q)(0.08 + (5-q)0.02), everything times 100.
    return max(EF_MIN, ef + 10 - miss * (8 + miss * 2))


def next_interval(n: int, interval: int, ef: int) -> int:
    """I(n) in days for the n-th successful repetition in a row, with the updated EF."""
    if n <= 1:
        return 1
    if n == 2:
        return 6
    return min(MAX_INTERVAL, -((-interval * ef) // 100))  # exact ceil(interval * ef / 100)


def review(state: CardState, grade: Grade, day: date) -> CardState:
    """The card's state after the first graded answer of study day `day`.

    Later answers the same day (the re-drill) must not come here: they leave the
    schedule as it is.
    """
    grade = Grade(grade)
    if grade < Grade.HARD:
        lapses = state.lapses + 1 if state.n > 0 else state.lapses
        return replace(state, n=0, interval=1, due=day + timedelta(days=1), lapses=lapses)
    ef = next_ef(state.ef, grade)
    n = state.n + 1
    interval = next_interval(n, state.interval, ef)
    return replace(state, n=n, ef=ef, interval=interval, due=day + timedelta(days=interval))


def preview(state: CardState, day: date) -> dict[Grade, int]:
    """The interval in days each grade would give, for the grade prompt."""
    return {grade: review(state, grade, day).interval for grade in Grade}


def in_redrill(grade: Grade) -> bool:
    """Whether an answer of `grade` puts (or keeps) the card in the day's re-drill."""
    return grade < Grade.GOOD


def is_leech_lapse(lapses_before: int, lapses_after: int) -> bool:
    """Anki's leech rule: tag the card when its lapses reach 8, and every 4 more (12, 16, ...)."""
    return lapses_after > lapses_before and lapses_after >= 8 and (lapses_after - 8) % 4 == 0


@dataclass(frozen=True)
class SM2Scheduler:
    """SM-2 behind the scheduler interface (`trainer.scheduling.base.Scheduler`).

    Only the first answer of a study day schedules the card; a re-drill answer leaves its
    state as it is, so the re-drill has no preview.
    """

    name: str = NAME

    def review(
        self, state: CardState, grade: Grade, *, day: date, kind: ReviewKind, card_id: str
    ) -> CardState:
        """The card's state after an answer of `grade`: `review`, or unchanged in the re-drill."""
        return state if kind is ReviewKind.REDRILL else review(state, grade, day)

    def preview(
        self, state: CardState, *, day: date, kind: ReviewKind, card_id: str
    ) -> dict[Grade, int] | None:
        """The interval each grade would give; None in the re-drill (no grade changes it)."""
        return None if kind is ReviewKind.REDRILL else preview(state, day)

    def in_redrill(self, grade: Grade) -> bool:
        return in_redrill(grade)

    def is_leech_lapse(self, lapses_before: int, lapses_after: int) -> bool:
        return is_leech_lapse(lapses_before, lapses_after)
