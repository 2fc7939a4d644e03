"""50 learners answering at the same time, on SQLite and on PostgreSQL.

Each learner is a thread with a store of its own (as a separate `trainer quiz`
would have), running a real study session; ten of them have a second session open
at the same time on the same cards. All threads start together at a barrier and
must finish within a time bound. Then every saved answer is in the log exactly once,
and every card state is the replay of its log.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from store_helpers import write_deck

from trainer.model import CardState, Review, ReviewKind
from trainer.progress.store import DeckSource, Store
from trainer.scheduling import sm2
from trainer.session import Limits, Session

LEARNERS = 50
TWICE = 10  # learners with two sessions open at once
MAX_ANSWERS = 40  # per session (the re-drill ends once every card scores 4 or 5)
TIME_BOUND_S = 120
DAY = date(2026, 11, 23)
ENTRIES = [(f"e{i}", f"Term {i}", f"Definition number {i}.") for i in range(8)]


def study(target: str | Path, learner: str, seed: int, barrier: threading.Barrier) -> list[Review]:
    """One learner's session: new cards, then the re-drill, grades from a seeded generator."""
    rng = random.Random(seed)
    with Store.open(target) as store:
        barrier.wait(timeout=TIME_BOUND_S)
        session = Session.start(
            store,
            learner=learner,
            decks=["alpha"],
            day=DAY,
            limits=Limits(new=6, reviews=50),
            rng=random.Random(seed),
        )
        saved = []
        now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        while not session.finished and len(saved) < MAX_ANSWERS:
            grade = rng.choice([1, 2, 3, 4, 4, 5, 5])
            now += timedelta(seconds=7)
            saved.append(session.answer(grade, now=now, answer_ms=rng.randrange(500, 9000)))
    return saved


def test_fifty_learners_answering_at_once(tmp_path: Path, store_target: str | Path) -> None:
    with Store.open(store_target) as store:
        deck = write_deck(tmp_path / "decks", "alpha", ENTRIES)
        store.sync_decks([DeckSource(deck, bundled=True)])

    names = [f"learner-{i:02d}" for i in range(LEARNERS)]
    sessions = [(name, i) for i, name in enumerate(names)]
    sessions += [(name, 1000 + i) for i, name in enumerate(names[:TWICE])]
    barrier = threading.Barrier(len(sessions))
    pool = ThreadPoolExecutor(max_workers=len(sessions))
    try:
        futures = [pool.submit(study, store_target, n, seed, barrier) for n, seed in sessions]
        _, pending = wait(futures, timeout=TIME_BOUND_S)
        assert not pending, f"{len(pending)} sessions still running after {TIME_BOUND_S} s"
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a stuck thread fails, not hangs
    saved: dict[str, list[Review]] = {}
    for (name, _), future in zip(sessions, futures, strict=True):
        saved.setdefault(name, []).extend(future.result())

    with Store.open(store_target) as store:
        assert store.learners() == sorted(names)
        card_ids = [
            f"alpha/{entry}/{side}" for entry, _, _ in ENTRIES for side in ("forward", "reverse")
        ]
        for name in names:
            logged = [review for card in card_ids for review in store.history(name, card)]
            # Every answer a session saved is in the log exactly once, and nothing else is.
            assert Counter(r.id for r in logged) == Counter(r.id for r in saved[name])
            assert sorted(logged, key=lambda r: r.id or 0) == sorted(
                saved[name], key=lambda r: r.id or 0
            )
            # Every card's state is the replay of its log: the last logged state...
            rebuilt = store.rebuild_states(name)
            assert rebuilt == {card: store.card_state(name, card) for card in rebuilt}
            assert set(rebuilt) == {r.card_id for r in logged}
            # ...and SM-2 over the log's scheduling answers from scratch, also with two
            # sessions (an answer built on a state the other session changed is rebased).
            for card, state in rebuilt.items():
                replay = CardState()
                for review in store.history(name, card):
                    assert review.before == replay
                    if review.kind != ReviewKind.REDRILL:
                        replay = sm2.review(replay, review.grade, review.day)
                assert replay == state
        # The re-drill of the day is what the log says: cards whose last answer was below 4.
        for name in names:
            last_grade = {r.card_id: r.grade for r in sorted(saved[name], key=lambda r: r.id or 0)}
            expected = sorted(card for card, grade in last_grade.items() if grade < 4)
            assert sorted(c.card.id for c in store.redrill_cards(name, None, DAY)) == expected
