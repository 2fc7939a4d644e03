"""What a scheduler is: the interface every scheduler implements, and its settings.

A scheduler turns a card's state and a graded answer on a study day into the card's next
state. The session, the store (rebase, undo, the leech tag, the re-drill day) and the quiz
ask it through this interface only; `trainer.scheduling.scheduler_for` builds one from a
`SchedulerConfig`. SM-2 (`trainer.scheduling.sm2.SM2Scheduler`) is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date

    from trainer.model import CardState, Grade, ReviewKind

# Intervals stop growing at 36,500 days (100 years, Anki's default maximum interval), so
# due dates stay on the calendar whatever the scheduler (see trainer.scheduling.sm2).
MAX_INTERVAL = 36_500


class Scheduler(Protocol):
    """A scheduling algorithm with its settings (see the module docstring)."""

    @property
    def name(self) -> str:
        """"sm2", "fsrs": what the store keeps per learner."""
        ...

    def review(
        self, state: CardState, grade: Grade, *, day: date, kind: ReviewKind, card_id: str
    ) -> CardState:
        """The card's state after an answer of `grade` on study day `day`.

        `kind` is LEARN or REVIEW for the first answer of the day, REDRILL for a same-day
        repeat (SM-2 leaves the state as it is; FSRS updates its memory state).
        """
        ...

    def preview(
        self, state: CardState, *, day: date, kind: ReviewKind, card_id: str
    ) -> dict[Grade, int] | None:
        """Days until due that each grade would give (the grade prompt), exactly what
        `review` gives; None when no grade changes the schedule (SM-2's re-drill)."""
        ...

    def in_redrill(self, grade: Grade) -> bool:
        """Whether an answer of `grade` puts or keeps the card in the day's re-drill."""
        ...

    def is_leech_lapse(self, lapses_before: int, lapses_after: int) -> bool:
        """Whether the lapse that took a card from `lapses_before` to `lapses_after` tags
        it a leech."""
        ...


def is_leech(scheduler: Scheduler, lapses: int) -> bool:
    """Whether a card with `lapses` lapses carries the leech tag (some lapse tagged it)."""
    return any(scheduler.is_leech_lapse(k - 1, k) for k in range(1, lapses + 1))


@dataclass(frozen=True)
class SchedulerConfig:
    """A learner's choice of scheduler: its name and, for FSRS, its settings."""

    name: str = "sm2"
    desired_retention: float | None = None  # FSRS: the recall probability aimed at
    parameters: tuple[float, ...] = ()  # FSRS: the model's weights (empty: the defaults)


DEFAULT = SchedulerConfig()
