"""A known four-learner history, shared by the class report's tests (progress and CLI)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from trainer.model import CardState, Grade, Review, ReviewKind
from trainer.progress.store import Store
from trainer.scheduling import sm2

TODAY = date(2026, 11, 23)
ALPHA = [(f"e{i}", f"Alpha {i}", f"Alpha definition {i}.") for i in range(4)]
BETA = [(f"e{i}", f"Beta {i}", f"Beta definition {i}.") for i in range(2)]


def day(n: int) -> date:
    """November n, 2026."""
    return date(2026, 11, n)


def answer(
    store: Store,
    learner: str,
    card: str,
    grade: int,
    on: date,
    *,
    redrill: bool = False,
    before: CardState | None = None,
) -> Review:
    """Answer as a session does: the first answer of a study day schedules with SM-2."""
    state = store.card_state(learner, card) if before is None else before
    if redrill:
        after, kind = state, ReviewKind.REDRILL
    else:
        after = sm2.review(state, Grade(grade), on)
        kind = ReviewKind.LEARN if state.is_new else ReviewKind.REVIEW
    at = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    review = Review(learner, card, at, on, Grade(grade), kind, state, after, 3000)
    return store.record(review, rebase=False)  # a made-up `before` is kept


def write_history(store: Store) -> None:
    """ada studies three days in a row; bob had a mature card, then stopped; cy only buried
    a card; dee studied on the 10th, then the 22nd and the 23rd."""
    a0f, a0r = "alpha/e0/forward", "alpha/e0/reverse"
    answer(store, "ada", a0f, 5, day(21))
    answer(store, "ada", a0r, 2, day(21))
    answer(store, "ada", a0r, 4, day(21), redrill=True)
    answer(store, "ada", a0f, 4, day(22))
    answer(store, "ada", a0r, 3, day(22))
    answer(store, "ada", a0r, 4, day(22), redrill=True)
    answer(store, "ada", a0r, 1, day(23))  # a lapse

    # A card in its fourth repetition: 20 days * 2.5 = an interval of 50 days (mature).
    mature_before = CardState(n=3, ef=250, interval=20, due=day(1), lapses=0)
    answer(store, "bob", "alpha/e1/forward", 4, day(1), before=mature_before)
    answer(store, "bob", "alpha/e2/forward", 4, day(1))  # due on the 2nd: overdue
    answer(store, "bob", "beta/e0/forward", 0, day(1))  # due on the 2nd, but suspended
    store.set_suspended("bob", "beta/e0/forward", True)
    answer(store, "bob", "alpha/e2/reverse", 3, day(2))  # due on the 3rd, but buried
    store.bury("bob", "alpha/e2/reverse", day(30))

    store.bury("cy", "alpha/e3/forward", day(24))

    answer(store, "dee", "alpha/e3/forward", 5, day(10))
    answer(store, "dee", "alpha/e3/forward", 5, day(22))
    answer(store, "dee", "beta/e1/forward", 2, day(22))
    answer(store, "dee", "beta/e1/forward", 2, day(22), redrill=True)
    answer(store, "dee", "beta/e1/forward", 5, day(22), redrill=True)
    answer(store, "dee", "beta/e1/forward", 4, day(23))
