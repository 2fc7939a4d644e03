"""review_days: the per-day totals of the log, kept by record, undo and rebuild, and migration 0006.

Every test reads the table back from a real store (SQLite file, and PostgreSQL where a
server is available) and compares it with figures written out by hand, or with the
GROUP BY of the log computed here in Python, independently of trainer.progress.reviewdays.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from store_helpers import answer_at, open_with_decks

from trainer.model import CardState, Grade, Review, ReviewKind
from trainer.progress import migrations, reviewdays
from trainer.progress.schema import MIGRATION_NAMES
from trainer.progress.store import LEARNERS, REVIEW_DAYS, REVIEWS, Store
from trainer.scheduling import sm2

D1 = date(2026, 3, 1)
D2 = date(2026, 3, 2)
A1F, A1R = "alpha/one/forward", "alpha/one/reverse"
A2F, A2R = "alpha/two/forward", "alpha/two/reverse"
A3F, A3R = "alpha/three/forward", "alpha/three/reverse"
BRF, BBF = "beta/red/forward", "beta/blue/forward"

Key = tuple[str, date, str]  # learner name, study day, deck slug


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Iterator[Store]:
    """Decks alpha (3 entries) and beta (2); once on SQLite and once on PostgreSQL."""
    opened, _ = open_with_decks(tmp_path, store_target)
    yield opened
    opened.close()


def table(store: Store) -> dict[Key, dict[str, int]]:
    """The review_days rows, by (learner, day, deck), each with every counter."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(LEARNERS.c.name, REVIEW_DAYS).join(
                LEARNERS, LEARNERS.c.id == REVIEW_DAYS.c.learner_id
            )
        ).all()
    return {
        (row.name, row.day, row.deck_slug): {name: int(getattr(row, name)) for name in COUNTERS}
        for row in rows
    }


COUNTERS = (
    *("answers", "passed", "learned", "reviewed", "redrilled", "answer_ms"),
    *("grade_0", "grade_1", "grade_2", "grade_3", "grade_4", "grade_5"),
    *("young_reviews", "young_passed", "mature_reviews", "mature_passed"),
)


def totals(**given: int) -> dict[str, int]:
    """A row's counters: the ones given, every other one 0."""
    assert set(given) <= set(COUNTERS)
    return {name: given.get(name, 0) for name in COUNTERS}


def grouped_log(store: Store) -> dict[Key, dict[str, int]]:
    """The GROUP BY of the log, folded here in Python (the definitions of s2-plan item 3)."""
    out: dict[Key, dict[str, int]] = {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                LEARNERS.c.name,
                REVIEWS.c.day,
                REVIEWS.c.card_id,
                REVIEWS.c.grade,
                REVIEWS.c.kind,
                REVIEWS.c.interval_before,
                REVIEWS.c.answer_ms,
            ).join(LEARNERS, LEARNERS.c.id == REVIEWS.c.learner_id)
        ).all()
    for name, day, card_id, grade, kind, interval_before, ms in rows:
        row = out.setdefault((name, day, card_id.split("/")[0]), totals())
        row["answers"] += 1
        row["passed"] += int(grade >= 3)
        row[{"learn": "learned", "review": "reviewed", "redrill": "redrilled"}[kind]] += 1
        row["answer_ms"] += ms
        row[f"grade_{grade}"] += 1
        if kind == "review":
            age = "mature" if interval_before >= 21 else "young"
            row[f"{age}_reviews"] += 1
            row[f"{age}_passed"] += int(grade >= 3)
    return out


def at(day: date, minute: int = 0) -> datetime:
    return datetime.combine(day, time(12, minute), UTC)


def say(
    store: Store,
    card_id: str,
    grade: int,
    day: date,
    ms: int,
    *,
    learner: str = "ada",
    redrill: bool = False,
) -> Review:
    """Answer as a session does, at noon of `day`, taking `ms` milliseconds."""
    return answer_at(store, card_id, grade, at(day), learner=learner, redrill=redrill, ms=ms)


def made_up(store: Store, card_id: str, grade: int, day: date, ms: int, *, interval: int) -> Review:
    """A review answer to a card whose state had `interval` days (stored as given)."""
    before = CardState(n=4, ef=250, interval=interval, due=day)
    after = sm2.review(before, Grade(grade), day)
    return store.record(
        Review("ada", card_id, at(day), day, Grade(grade), ReviewKind.REVIEW, before, after, ms),
        rebase=False,
    )


def history(store: Store) -> None:
    """Learn, review young and mature, re-drill, grades 0-5, two decks, two days, two learners."""
    say(store, A1F, 5, D1, 1000)  # learn
    say(store, A2F, 2, D1, 2000)  # learn, failed: into the re-drill
    say(store, A2F, 4, D1, 3000, redrill=True)
    say(store, BRF, 0, D1, 4000)  # beta
    say(store, BBF, 1, D1, 5000)
    say(store, A3F, 3, D1, 6000)
    say(store, A1F, 4, D1, 1500, learner="bob")
    say(store, A1F, 4, D2, 700)  # review, interval 1: young
    made_up(store, A1R, 3, D2, 800, interval=30)  # mature, passed
    say(store, A3F, 1, D2, 900)  # young, failed
    made_up(store, A2R, 2, D2, 1100, interval=21)  # mature from 21 days on: failed
    made_up(store, A3R, 5, D2, 1200, interval=20)  # young up to 20 days: passed
    say(store, BBF, 3, D2, 1300)  # beta, young, passed


EXPECTED: dict[Key, dict[str, int]] = {
    ("ada", D1, "alpha"): totals(
        answers=4,
        passed=3,
        learned=3,
        redrilled=1,
        answer_ms=12000,
        grade_2=1,
        grade_3=1,
        grade_4=1,
        grade_5=1,
    ),
    ("ada", D1, "beta"): totals(answers=2, learned=2, answer_ms=9000, grade_0=1, grade_1=1),
    ("ada", D2, "alpha"): totals(
        answers=5,
        passed=3,
        reviewed=5,
        answer_ms=4700,
        grade_1=1,
        grade_2=1,
        grade_3=1,
        grade_4=1,
        grade_5=1,
        young_reviews=3,
        young_passed=2,
        mature_reviews=2,
        mature_passed=1,
    ),
    ("ada", D2, "beta"): totals(
        answers=1, passed=1, reviewed=1, answer_ms=1300, grade_3=1, young_reviews=1, young_passed=1
    ),
    ("bob", D1, "alpha"): totals(answers=1, passed=1, learned=1, answer_ms=1500, grade_4=1),
}


def test_every_answer_adds_to_its_learner_day_and_deck(store: Store) -> None:
    history(store)
    assert table(store) == EXPECTED
    assert grouped_log(store) == EXPECTED


def test_undo_subtracts_the_answer_and_deletes_a_row_left_empty(store: Store) -> None:
    history(store)
    undone = store.undo_last("ada")  # BBF on D2: the only answer of its row
    assert undone is not None and (undone.card_id, undone.day) == (BBF, D2)
    assert table(store) == {k: v for k, v in EXPECTED.items() if k != ("ada", D2, "beta")}
    undone = store.undo_last("ada")  # A3R on D2: young, passed, grade 5, 1200 ms
    assert undone is not None and undone.card_id == A3R
    left = table(store)[("ada", D2, "alpha")]
    assert left == totals(
        answers=4,
        passed=2,
        reviewed=4,
        answer_ms=3500,
        grade_1=1,
        grade_2=1,
        grade_3=1,
        grade_4=1,
        young_reviews=2,
        young_passed=1,
        mature_reviews=2,
        mature_passed=1,
    )
    assert table(store) == grouped_log(store)
    for _ in range(20):  # everything, and once more with nothing left
        store.undo_last("ada")
    assert table(store) == {("bob", D1, "alpha"): EXPECTED[("bob", D1, "alpha")]}


def test_a_rebased_answer_counts_as_it_was_logged(store: Store, store_target: str | Path) -> None:
    """Two sessions of one learner: the totals follow the row logged, not the one asked for."""
    made_up(store, A1F, 5, D1 - timedelta(1), 500, interval=25)  # now: interval 30 or so
    with Store.open(store_target) as other:
        mature = other.card_state("ada", A1F)
        new = other.card_state("ada", A2F)
        assert mature.interval >= 21 and new.is_new
        say(store, A1F, 1, D1, 1000)  # a mature lapse: interval 1 now
        say(store, A2F, 5, D1, 1000)  # learned
        # The other session answers from the states it read.
        for card_id, before, grade, day in ((A1F, mature, 5, D2), (A2F, new, 4, D1)):
            kind = ReviewKind.LEARN if before.is_new else ReviewKind.REVIEW
            after = sm2.review(before, Grade(grade), day)
            other.record(
                Review("ada", card_id, at(day, 1), day, Grade(grade), kind, before, after, 2000)
            )
    logged = [(r.card_id, r.kind, r.before.interval) for r in store.history("ada", A1F)]
    assert logged[-1] == (A1F, ReviewKind.REVIEW, 1)  # rebased: a young review now
    assert [r.kind for r in store.history("ada", A2F)] == [ReviewKind.LEARN, ReviewKind.REDRILL]
    assert table(store)[("ada", D1, "alpha")] == totals(
        answers=3,
        passed=2,
        learned=1,
        reviewed=1,
        redrilled=1,
        answer_ms=4000,
        grade_1=1,
        grade_4=1,
        grade_5=1,
        mature_reviews=1,
    )
    assert table(store)[("ada", D2, "alpha")] == totals(
        answers=1,
        passed=1,
        reviewed=1,
        answer_ms=2000,
        grade_5=1,
        young_reviews=1,
        young_passed=1,
    )
    assert table(store) == grouped_log(store)


def test_rebuild_states_recomputes_the_learners_rows_only(store: Store) -> None:
    history(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE review_days SET answers = 99, grade_5 = 7"))
        conn.execute(text("DELETE FROM review_days WHERE deck_slug = 'beta'"))
    rebuilt = store.rebuild_states("ada")
    assert rebuilt[A1F] == store.card_state("ada", A1F)
    broken_bob = {**EXPECTED[("bob", D1, "alpha")], "answers": 99, "grade_5": 7}
    assert table(store) == EXPECTED | {("bob", D1, "alpha"): broken_bob}
    store.rebuild_states("bob")
    assert table(store) == EXPECTED
    assert store.rebuild_states("nobody") == {}


def test_migration_0006_backfills_what_record_maintains(
    store: Store, store_target: str | Path
) -> None:
    """A store made before 0006 (its log written, no review_days) gets the same rows."""
    history(store)
    store.undo_last("ada")
    maintained = table(store)
    store.close()
    with store.engine.begin() as conn:  # back to the schema of 0005, the log kept
        conn.execute(text("DROP TABLE review_days"))
        conn.execute(text("DELETE FROM schema_migrations WHERE name = '0006_review_days'"))
    store.engine.dispose()
    with Store.open(store_target) as upgraded:
        with upgraded.engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM schema_migrations")).scalars().all()
        assert "0006_review_days" in names
        assert table(upgraded) == maintained
        assert maintained == {k: v for k, v in EXPECTED.items() if k != ("ada", D2, "beta")}
        say(upgraded, BBF, 3, D2, 1300)  # and it is kept from there on
        assert table(upgraded) == EXPECTED


def test_the_migration_names_are_the_migrations() -> None:
    assert [name for name, _ in migrations.MIGRATIONS] == list(MIGRATION_NAMES)
    assert MIGRATION_NAMES[5] == "0006_review_days"
    assert [c.name for c in REVIEW_DAYS.columns] == [*reviewdays.KEY, *reviewdays.COUNTERS]
    assert reviewdays.COUNTERS == COUNTERS


def test_the_counts_of_one_answer() -> None:
    assert reviewdays.counts(grade=3, kind="review", interval_before=21, answer_ms=7) == totals(
        answers=1, passed=1, reviewed=1, answer_ms=7, grade_3=1, mature_reviews=1, mature_passed=1
    )
    assert reviewdays.counts(grade=2, kind="redrill", interval_before=40, answer_ms=0) == totals(
        answers=1, redrilled=1, grade_2=1
    )


# -- any sequence of answers and undos ---------------------------------------------------------

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("answer"),
            st.sampled_from(["ada", "bob"]),
            st.sampled_from([A1F, A1R, A2F, BRF, BBF]),
            st.integers(0, 5),
            st.integers(0, 30),  # days after the previous answer
            st.booleans(),  # a re-drill answer
        ),
        st.tuples(st.just("undo"), st.sampled_from(["ada", "bob"])),
    ),
    max_size=40,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_the_table_is_always_the_group_by_of_the_log(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[Any, ...]]
) -> None:
    store, _ = open_with_decks(tmp_path_factory.mktemp("days"))
    with store:
        day = D1
        for step in steps:
            if step[0] == "undo":
                store.undo_last(step[1])
                continue
            _, learner, card_id, grade, gap, redrill = step
            day += timedelta(gap)
            say(store, card_id, grade, day, 1000 + grade * 37, learner=learner, redrill=redrill)
        assert table(store) == grouped_log(store)
        assert all(row["answers"] > 0 for row in table(store).values())
        # The backfill SQL computes the same rows.
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM review_days"))
            reviewdays.backfill_review_days(conn)
        assert table(store) == grouped_log(store)


# -- two sessions of one learner at once ---------------------------------------------------------


def test_two_sessions_of_one_learner_add_to_the_same_row_at_once(
    tmp_path: Path, store_target: str | Path
) -> None:
    """Threads with stores of their own answer (and undo, and rebuild) for ada at once."""
    open_with_decks(tmp_path, store_target)[0].close()
    cards = [A1F, A1R, A2F, A2R]
    barrier = threading.Barrier(len(cards) + 1)
    errors: list[BaseException] = []

    def session(card_id: str) -> None:
        try:
            with Store.open(store_target) as mine:
                barrier.wait(timeout=60)
                for i in range(24):
                    say(mine, card_id, 2 + i % 4, D1, 100 + i, redrill=i > 0)
                    if i % 6 == 5:
                        mine.undo_last("ada")
        except BaseException as error:  # reported below
            errors.append(error)

    def rebuilder() -> None:
        try:
            with Store.open(store_target) as mine:
                barrier.wait(timeout=60)
                for _ in range(5):
                    mine.rebuild_states("ada")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=session, args=(card,)) for card in cards]
    threads.append(threading.Thread(target=rebuilder))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    with Store.open(store_target) as store:
        rows = table(store)
        assert rows == grouped_log(store)
        assert rows[("ada", D1, "alpha")]["answers"] == len(cards) * (24 - 4)


def test_rebuild_waits_for_an_answer_in_flight_on_postgresql(
    tmp_path: Path, pg_cluster: Any
) -> None:
    """An answer or undo holds the learner's lock shared; rebuild_states takes it exclusive, so
    it never deletes and recounts the rows while an answer is between its log row and its row."""
    store, _ = open_with_decks(tmp_path, pg_cluster.new_url())
    with store:
        history(store)
        with store.engine.connect() as conn:
            lid = conn.execute(text("SELECT id FROM learners WHERE name = 'ada'")).scalar_one()
            Store._lock(conn, lid, A1F)  # what record and undo_last take first
            done = threading.Event()
            rebuilding = threading.Thread(target=lambda: (store.rebuild_states("ada"), done.set()))
            rebuilding.start()
            try:
                assert not done.wait(0.5)
            finally:
                conn.rollback()  # the answer in flight ends
            assert done.wait(10)
            rebuilding.join()
        assert table(store) == grouped_log(store)
