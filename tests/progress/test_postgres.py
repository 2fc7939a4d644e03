"""The store on PostgreSQL: URLs, locks, concurrent opening, and study sessions on both databases.

The PostgreSQL server is the throwaway cluster of tests/pg.py (see tests/conftest.py).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from store_helpers import ALPHA, BETA, write_deck

from trainer.errors import StoreError, UndoError
from trainer.model import CardState, Grade, ReviewKind
from trainer.progress.store import DeckSource, Store
from trainer.session import Limits, Session

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
A1F = "alpha/one/forward"


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Iterator[Store]:
    opened = Store.open(store_target)
    opened.sync_decks(
        [
            DeckSource(write_deck(tmp_path / "decks", "alpha", ALPHA), bundled=True),
            DeckSource(write_deck(tmp_path / "decks", "beta", BETA), bundled=True),
        ]
    )
    yield opened
    opened.close()


@pytest.fixture
def pg_url(pg_cluster: object) -> str:
    return pg_cluster.new_url()  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def pg_store(tmp_path: Path, pg_url: str) -> Iterator[Store]:
    opened = Store.open(pg_url)
    opened.sync_decks([DeckSource(write_deck(tmp_path / "d", "alpha", ALPHA), bundled=True)])
    yield opened
    opened.close()


# -- opening --------------------------------------------------------------------------------


def test_a_new_database_gets_the_schema_and_reopens(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        assert store.engine.dialect.name == "postgresql"
        assert store.engine.dialect.driver == "psycopg"
        assert store.learners() == []
        with store.engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM schema_migrations ORDER BY name"))
            applied = [name for (name,) in names]
    assert applied[:2] == ["0001_initial", "0002_queue_indexes"]
    with Store.open(pg_url) as again:
        assert again.learners() == []


def test_postgresql_urls_mean_psycopg_3(pg_url: str) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with Store.open(plain) as store:
        assert store.engine.dialect.driver == "psycopg"
        assert store.where == pg_url


def test_a_password_never_shows_in_messages() -> None:
    with pytest.raises(StoreError) as error:
        Store.open("postgresql://teacher:s3cret@127.0.0.1:1/class")
    message = str(error.value)
    assert message.startswith(
        "cannot connect to the store postgresql+psycopg://teacher:***@127.0.0.1:1/class: "
    )
    assert "s3cret" not in message and "\n" not in message


def test_many_trainers_opening_a_new_database_at_once(pg_url: str) -> None:
    """One creates the schema; the others wait for it and find it done."""
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            barrier.wait(timeout=30)
            Store.open(pg_url).close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Store.open(pg_url) as store, store.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar_one()
        assert count == len(set(conn.execute(text("SELECT name FROM schema_migrations"))))


# -- locks ----------------------------------------------------------------------------------


def _hold(store: Store, learner: str, card_id: str) -> tuple[object, object]:
    """Another session's open transaction holding the lock of a learner's card."""
    engine = create_engine(store.engine.url)
    conn = engine.connect()
    lid = conn.execute(text("SELECT id FROM learners WHERE name = :n"), {"n": learner}).scalar()
    conn.execute(text("SELECT pg_advisory_xact_lock(:l, hashtext(:c))"), {"l": lid, "c": card_id})
    return engine, conn


def _record(store: Store, learner: str, card_id: str, grade: int) -> None:
    from trainer.model import Review
    from trainer.scheduling import sm2

    before = store.card_state(learner, card_id)
    after = sm2.review(before, Grade(grade), DAY)
    kind = ReviewKind.LEARN if before.is_new else ReviewKind.REVIEW
    store.record(Review(learner, card_id, NOW, DAY, Grade(grade), kind, before, after))


def test_another_learner_does_not_wait_and_the_same_card_waits(pg_store: Store) -> None:
    store = pg_store
    _record(store, "ada", A1F, 4)
    _record(store, "bob", A1F, 4)
    engine, conn = _hold(store, "ada", A1F)
    try:
        started = time.monotonic()
        _record(store, "bob", A1F, 5)  # bob's lock is another one
        _record(store, "ada", "alpha/two/forward", 5)  # and so is ada's other card
        assert time.monotonic() - started < 2

        finished = threading.Event()

        def answer_the_held_card() -> None:
            _record(store, "ada", A1F, 5)
            finished.set()

        waiting = threading.Thread(target=answer_the_held_card)
        waiting.start()
        assert not finished.wait(0.5)  # blocked by the open transaction
        conn.rollback()  # type: ignore[attr-defined]  # the other session ends
        assert finished.wait(10)
        waiting.join()
    finally:
        conn.close()  # type: ignore[attr-defined]
        engine.dispose()  # type: ignore[attr-defined]
    assert [r.grade for r in store.history("ada", A1F)] == [4, 5]


def test_a_lock_held_too_long_is_one_line(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trainer.progress.store

    monkeypatch.setattr(trainer.progress.store, "BUSY_TIMEOUT_MS", 200)
    with Store.open(pg_url) as store:
        store.sync_decks([DeckSource(write_deck(tmp_path / "d", "alpha", ALPHA), bundled=True)])
        _record(store, "ada", A1F, 4)
        engine, conn = _hold(store, "ada", A1F)
        try:
            with pytest.raises(StoreError) as error:
                _record(store, "ada", A1F, 5)
        finally:
            conn.close()  # type: ignore[attr-defined]
            engine.dispose()  # type: ignore[attr-defined]
        assert str(error.value) == (
            f"{pg_url} is busy: another trainer has held it for more than 0 s; "
            "try again when it is done"
        )
        assert len(store.history("ada", A1F)) == 1
        _record(store, "ada", A1F, 5)  # free again
        assert len(store.history("ada", A1F)) == 2


def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait for another connection to reach a state (a lock wait), polling the server."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_an_answer_queued_for_the_learner_lock_holds_no_card_lock(pg_store: Store) -> None:
    """An undo may lock a second card while it holds the learner's lock (shared). If an answer
    held that card's lock while it waited for the learner's lock (queued behind a rebuild's
    exclusive request), the three would wait in a cycle until PostgreSQL's deadlock check
    (after deadlock_timeout) reordered the queue. The learner's lock comes first instead."""
    store = pg_store
    _record(store, "ada", A1F, 4)
    engine = store.engine

    def advisory(condition: str) -> int:
        with engine.connect() as conn:
            sql = f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND {condition}"
            return int(conn.execute(text(sql)).scalar_one())

    def waiting() -> int:
        return advisory("NOT granted")

    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> threading.Thread:
        def target() -> None:
            try:
                action()
            except BaseException as error:  # reported below
                errors.append(error)

        thread = threading.Thread(target=target)
        thread.start()
        return thread

    def answer_other_card() -> None:
        with engine.connect() as conn:
            Store._lock(conn, lid, "alpha/two/forward")
            conn.rollback()

    with engine.connect() as undo:
        lid = undo.execute(text("SELECT id FROM learners WHERE name = 'ada'")).scalar_one()
        Store._lock(undo, lid, A1F)  # an undo's first card
        rebuild = run(lambda: store.rebuild_states("ada"))
        _until(lambda: waiting() == 1, "the rebuild to queue")
        answer = run(answer_other_card)
        _until(lambda: waiting() == 2, "the answer to queue")
        # Card locks are the two-key form (objsubid 2): only the undo's is held.
        assert advisory("granted AND objsubid = 2") == 1
        Store._lock(undo, lid, "alpha/two/forward")  # the undo's second card: free
        undo.rollback()
    rebuild.join(timeout=60)
    answer.join(timeout=60)
    assert errors == []
    assert not rebuild.is_alive() and not answer.is_alive()


def test_two_sessions_of_one_learner_undo_their_own_answers(store: Store) -> None:
    one = Session.start(store, learner="ada", decks=["alpha"], day=DAY, rng=random.Random(1))
    two = Session.start(store, learner="ada", decks=["beta"], day=DAY, rng=random.Random(2))
    first = one.answer(5, now=NOW)
    second = two.answer(5, now=NOW + timedelta(seconds=1))
    assert two.undo() is not None  # the learner's last answer is the second session's
    assert store.history("ada", second.card_id) == []
    assert store.history("ada", first.card_id) == [first]
    assert store.rebuild_states("ada") == {first.card_id: first.after}


def test_a_session_undoes_its_own_answer_not_the_later_one_of_another(store: Store) -> None:
    one = Session.start(store, learner="ada", decks=["alpha"], day=DAY, rng=random.Random(1))
    two = Session.start(store, learner="ada", decks=["beta"], day=DAY, rng=random.Random(2))
    first = one.answer(5, now=NOW)
    second = two.answer(5, now=NOW + timedelta(seconds=1))
    undone = one.undo()
    assert undone is not None and undone.card.id == first.card_id
    assert store.history("ada", first.card_id) == []
    assert store.history("ada", second.card_id) == [second]
    assert store.rebuild_states("ada") == {second.card_id: second.after}


def test_an_answer_to_a_card_answered_again_elsewhere_is_not_undone(store: Store) -> None:
    one = Session.start(store, learner="ada", decks=["alpha"], day=DAY, rng=random.Random(1))
    two = Session.start(store, learner="ada", decks=["alpha"], day=DAY, rng=random.Random(1))
    first = one.answer(2, now=NOW)
    second = two.answer(4, now=NOW + timedelta(seconds=1))  # the same card, rebased
    assert first.card_id == second.card_id == A1F
    with pytest.raises(UndoError) as raised:
        one.undo()
    assert str(raised.value) == "another session of this learner answered 'One' since"
    assert store.history("ada", A1F) == [first, second]  # nothing changed
    assert one.can_undo
    assert two.undo() is not None  # the later answer can go, then the earlier one
    assert one.undo() is not None
    assert store.history("ada", A1F) == []
    assert store.card_state("ada", A1F) == CardState()
    with pytest.raises(UndoError) as raised:
        store.undo_last("ada", review_id=first.id)
    assert str(raised.value) == "that answer was already taken back in another session"


# -- a study session on the real store, on both databases --------------------------------------


def test_a_day_of_study_then_the_next_day(store: Store) -> None:
    session = Session.start(
        store,
        learner="ada",
        decks=["alpha", "beta"],
        day=DAY,
        limits=Limits(new=4),
        rng=random.Random(7),
    )
    grades = iter([5, 2, 4, 3, 4, 4])  # two cards join the re-drill, then pass it
    shown = []
    while not session.finished:
        item = session.current()
        assert item is not None
        shown.append((item.card.id, item.kind))
        session.answer(next(grades), now=NOW)
    assert shown[:4] == [
        (A1F, ReviewKind.LEARN),
        ("alpha/two/forward", ReviewKind.LEARN),
        ("alpha/three/forward", ReviewKind.LEARN),
        ("beta/red/forward", ReviewKind.LEARN),
    ]
    assert sorted(shown[4:]) == [
        ("alpha/two/forward", ReviewKind.REDRILL),
        ("beta/red/forward", ReviewKind.REDRILL),
    ]
    assert store.redrill_cards("ada", None, DAY) == []
    assert store.done_today("ada", DAY).total == 6
    # The re-drill changed no schedule: each card is due one day later.
    assert {card: state.due for card, state in store.rebuild_states("ada").items()} == {
        A1F: DAY + timedelta(1),
        "alpha/two/forward": DAY + timedelta(1),
        "alpha/three/forward": DAY + timedelta(1),
        "beta/red/forward": DAY + timedelta(1),
    }
    # Next day: the four reviews first (most overdue, then deck order), then new cards,
    # with the sibling of each reviewed entry left for another day.
    tomorrow = Session.start(
        store,
        learner="ada",
        decks=["alpha", "beta"],
        day=DAY + timedelta(1),
        limits=Limits(new=2),
        rng=random.Random(7),
    )
    queue = []
    while not tomorrow.finished:
        item = tomorrow.current()
        assert item is not None
        queue.append((item.card.id, item.kind))
        tomorrow.answer(4, now=NOW + timedelta(days=1))
    assert queue == [
        (A1F, ReviewKind.REVIEW),
        ("alpha/two/forward", ReviewKind.REVIEW),
        ("alpha/three/forward", ReviewKind.REVIEW),
        ("beta/red/forward", ReviewKind.REVIEW),
        ("beta/blue/forward", ReviewKind.LEARN),
    ]
    assert store.card_state("ada", A1F) == CardState(
        n=2, ef=260, interval=6, due=DAY + timedelta(7)
    )


def test_bury_suspend_and_undo_in_a_session(store: Store) -> None:
    session = Session.start(store, learner="ada", decks=["alpha"], day=DAY, rng=random.Random(3))
    buried = session.bury()
    suspended = session.suspend()
    answered = session.answer(4, now=NOW)
    assert (buried.id, suspended.id, answered.card_id) == (
        A1F,
        "alpha/two/forward",
        "alpha/three/forward",
    )
    assert session.undo() is not None
    assert store.card_state("ada", answered.card_id) == CardState()
    assert store.history("ada", answered.card_id) == []
    assert [c.card.id for c in store.new_cards("ada", ["alpha"], DAY)] == [
        "alpha/one/reverse",
        "alpha/two/reverse",
        "alpha/three/forward",
        "alpha/three/reverse",
    ]
    assert [c.card.id for c in store.new_cards("ada", ["alpha"], DAY + timedelta(1), 1)] == [A1F]


# -- without a server ------------------------------------------------------------------------


@pytest.mark.parametrize("ci", ["", "true"])
def test_without_a_server_skip_outside_ci_and_fail_in_ci(tmp_path: Path, ci: str) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TRAINER_TEST_PG_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    if ci:
        env["CI"] = ci
    here = Path(__file__).resolve()
    test = f"{here}::test_a_new_database_gets_the_schema_and_reopens"
    inner = f"--basetemp={tmp_path / 'inner'}"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rsE", "-q", test, inner],
        cwd=here.parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    reason = (
        "TRAINER_TEST_PG_URL cannot be used: connection failed: connection to server at "
        '"127.0.0.1", port 1 failed: Connection refused'
    )
    if ci:
        assert done.returncode == 1, done.stdout
        assert "ERROR tests/progress/test_postgres.py::test_a_new_database" in done.stdout
        assert "CI needs a PostgreSQL server for these tests: " + reason in done.stdout
    else:
        assert done.returncode == 0, done.stdout
        assert "SKIPPED [1] tests/progress/test_postgres.py" in done.stdout
        assert "no PostgreSQL server could be started: " + reason in done.stdout
