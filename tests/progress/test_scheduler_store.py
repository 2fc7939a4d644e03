"""The learner's scheduler in the store, on SQLite and PostgreSQL: settings, switching, undo."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import DAY, open_with_decks

from trainer.errors import StoreError
from trainer.model import CardState, Grade, Review, ReviewKind
from trainer.progress import scheduler as ops
from trainer.progress.store import Store
from trainer.scheduling import SchedulerConfig, scheduler_for
from trainer.scheduling.fsrs import FSRSScheduler
from trainer.session import Limits, Session


def _study(store: Store, days: int, learner: str = "ada", *, first: int = 0) -> None:
    """Answer every day's queue from day DAY + first on: grade 4, except each third card
    2 and its re-drill 4."""
    for offset in range(first, first + days):
        day = DAY + timedelta(days=offset)
        session = Session.start(
            store,
            learner=learner,
            decks=[],
            day=day,
            limits=Limits(new=2, reviews=50),
            scheduler=store.use_learner_scheduler(learner),
        )
        moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        count = 0
        while (item := session.current()) is not None:
            count += 1
            grade = 2 if count % 3 == 0 and item.kind is not ReviewKind.REDRILL else 4
            moment += timedelta(seconds=5)
            session.answer(grade, now=moment, answer_ms=3000)


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Iterator[Store]:
    opened, _ = open_with_decks(tmp_path, store_target)
    yield opened
    opened.close()


def test_settings_round_trip_per_learner(store: Store) -> None:
    assert store.scheduler_config("ada") == SchedulerConfig()
    config = SchedulerConfig("fsrs", 0.87, tuple(float(i) / 10 for i in range(21)))
    store.set_scheduler("ada", config, None)
    store.set_scheduler("bob", SchedulerConfig("sm2", 0.9), None)
    assert store.scheduler_config("ada") == config
    assert store.scheduler_config("bob") == SchedulerConfig("sm2", 0.9)
    assert store.scheduler_config("cy") == SchedulerConfig()  # unknown learner: SM-2
    store.set_scheduler("ada", SchedulerConfig("sm2"), None)
    assert store.scheduler_config("ada") == SchedulerConfig("sm2")


def test_switch_round_trip_and_answers_under_fsrs(store: Store) -> None:
    _study(store, 12)
    sm2_states = store.card_states("ada")
    switch = ops.use_fsrs(store, "ada", retention=0.9)
    assert switch.cards == sum(1 for s in sm2_states.values() if not s.is_new)
    fsrs_states = store.card_states("ada")
    assert all(s.stability is not None for s in fsrs_states.values() if not s.is_new)
    assert ops.use_sm2(store, "ada").cards == len(sm2_states)
    assert store.card_states("ada") == sm2_states
    # FSRS answers, an undo that restores the memory state, then SM-2 again from the log
    ops.use_fsrs(store, "ada", retention=0.9)
    _study(store, 20, first=12)
    states = store.card_states("ada")
    last = store.undo_last("ada")
    assert last is not None and last.before.stability is not None
    assert last.after.stability is not None
    assert store.card_states("ada")[last.card_id] == last.before
    assert states[last.card_id] == last.after
    ops.use_sm2(store, "ada")
    replayed, _, _ = store.replayed_states("ada", scheduler_for(SchedulerConfig()))
    assert store.card_states("ada") == replayed
    assert all(s.stability is None for s in replayed.values())


def test_an_answer_logged_meanwhile_stops_the_switch(store: Store) -> None:
    _study(store, 3)
    states, _, upto = ops.fsrs_states(store, "ada", FSRSScheduler().parameters)
    card_id, state = next(iter(store.card_states("ada").items()))
    store.record(
        Review(
            learner="ada",
            card_id=card_id,
            at=datetime(2026, 3, 9, 9, tzinfo=UTC),
            day=DAY + timedelta(days=8),
            grade=Grade.GOOD,
            kind=ReviewKind.REVIEW,
            before=state,
            after=replace(state, n=state.n + 1),
        )
    )
    before = store.card_states("ada")
    with pytest.raises(StoreError, match="answers were logged while the card states"):
        store.set_scheduler("ada", SchedulerConfig("fsrs", 0.9), states, log_upto=upto)
    assert store.card_states("ada") == before
    assert store.scheduler_config("ada") == SchedulerConfig()


def test_new_cards_and_studied_states_for_the_simulation(store: Store) -> None:
    _study(store, 2)
    active = store.active_states("ada")
    assert len(active) == 4 and all(not s.is_new for s in active.values())
    assert store.new_card_count("ada") == 10 - 4  # decks alpha (3 entries) and beta (2)
    assert store.new_card_count("nobody") == 10
    beta = {k: v for k, v in active.items() if k.startswith("beta/")}
    assert store.active_states("ada", ["beta"]) == beta
    assert store.new_card_count("ada", ["beta"]) == 4 - len(beta)
    store.set_suspended("ada", next(iter(active)), True)
    assert len(store.active_states("ada")) == 3
    assert CardState() not in active.values()
