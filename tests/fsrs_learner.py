"""A learner who studies the bundled decks for some days through the real Session.

Each study day the session's queue is answered in full (re-drill included) with grades
drawn from a seeded generator: a card due after a long interval fails more often, so
the log carries something for FSRS to fit. Answers are committed by the store as the
quiz commits them; time is given, never read.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from trainer.decks.catalog import bundled_deck_files
from trainer.progress.store import DeckSource, Store
from trainer.session import Limits, Session

START = date(2026, 1, 5)


def study(
    store: Store,
    *,
    days: int,
    start: date = START,
    learner: str = "ada",
    new_per_day: int = 12,
    seed: int = 11,
    every: int = 1,
) -> int:
    """Answer each day's queue on study days start, start+every, ...; the answers given."""
    store.sync_decks([DeckSource(path, bundled=True) for path in bundled_deck_files()])
    rng = random.Random(seed)
    count = 0
    for offset in range(0, days, every):
        day = start + timedelta(days=offset)
        scheduler = store.use_learner_scheduler(learner)
        session = Session.start(
            store,
            learner=learner,
            decks=[],
            day=day,
            limits=Limits(new=new_per_day, reviews=200),
            rng=random.Random(offset),
            scheduler=scheduler,
        )
        moment = datetime.combine(day, time(9, 0), tzinfo=UTC)
        while (item := session.current()) is not None:
            state = item.state
            overdue = 0 if state.due is None else (day - state.due).days
            fail = 0.08 + 0.02 * min(state.interval + overdue, 30) / 3
            if item.kind.value == "redrill":
                grade = rng.choice((4, 4, 5))
            elif rng.random() < fail:
                grade = rng.choice((0, 1, 2))
            else:
                grade = rng.choice((3, 4, 4, 4, 5))
            moment += timedelta(seconds=7)
            session.answer(grade, now=moment, answer_ms=rng.randint(2000, 9000))
            count += 1
    return count
