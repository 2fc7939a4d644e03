"""The progress store: answers, re-drill, leeches, undo, the queue, rebuilding from the log."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import DAY, NOW, answer, open_with_decks

from trainer.errors import StoreError
from trainer.model import CardState, DayCounts, Grade, Review, ReviewKind
from trainer.progress.store import Store
from trainer.scheduling import sm2

A1F = "alpha/one/forward"
A1R = "alpha/one/reverse"
A2F = "alpha/two/forward"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Store:
    """Decks alpha and beta; once on SQLite and once on PostgreSQL (tests/conftest.py)."""
    store, _ = open_with_decks(tmp_path, store_target)
    yield store
    store.close()


def test_open_creates_the_folder_and_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "progress.db"
    with Store.open(target) as store:
        assert store.learners() == []
    assert target.read_bytes()[:16] == b"SQLite format 3\x00"
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_every_commit_is_synced_to_disk(tmp_path: Path) -> None:
    """WAL with synchronous=FULL: a commit returns once the log is on disk (as Anki's do),
    so a power cut after an answer was saved does not lose it."""
    with Store.open(tmp_path / "progress.db") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_open_takes_an_sqlalchemy_url(tmp_path: Path) -> None:
    target = tmp_path / "by-url.db"
    with Store.open(f"sqlite:///{target}") as store:
        assert store.card_state("ada", A1F) == CardState()
    assert target.exists()


def test_an_unknown_learner_starts_empty(store: Store) -> None:
    assert store.card_state("nobody", A1F) == CardState()
    assert store.due_cards("nobody", None, DAY) == []
    assert store.redrill_cards("nobody", None, DAY) == []
    assert len(store.new_cards("nobody", None, DAY)) == 10
    assert store.done_today("nobody", DAY) == DayCounts()
    assert store.undo_last("nobody") is None
    assert store.history("nobody", A1F) == []


@pytest.mark.sqlite_only
def test_record_logs_and_applies_the_state_committed(store: Store, tmp_path: Path) -> None:
    review = answer(store, A1F, 4)
    assert review.id == 1
    assert store.card_state("ada", A1F) == CardState(
        n=1, ef=250, interval=1, due=DAY + timedelta(1)
    )
    # Committed before record returns: a separate plain sqlite3 connection sees it.
    with sqlite3.connect(tmp_path / "progress.db") as conn:
        rows = conn.execute(
            "SELECT card_id, day, grade, kind, n_before, n_after, due_after, answer_ms FROM reviews"
        ).fetchall()
        state = conn.execute("SELECT n, ef, interval, due, redrill_day FROM card_states").fetchall()
    assert rows == [(A1F, "2026-03-01", 4, "learn", 0, 1, "2026-03-02", 1500)]
    assert state == [(1, 250, 1, "2026-03-02", None)]
    assert store.history("ada", A1F) == [review]


def test_a_grade_below_4_puts_the_card_in_the_days_redrill_until_it_scores_4(store: Store) -> None:
    answer(store, A1F, 3)
    answer(store, A2F, 5)
    assert [c.card.id for c in store.redrill_cards("ada", None, DAY)] == [A1F]
    assert store.redrill_cards("ada", None, DAY + timedelta(1)) == []
    scheduled = store.card_state("ada", A1F)
    answer(store, A1F, 2, redrill=True)
    assert [c.card.id for c in store.redrill_cards("ada", None, DAY)] == [A1F]
    answer(store, A1F, 4, redrill=True)
    assert store.redrill_cards("ada", None, DAY) == []
    assert store.card_state("ada", A1F) == scheduled  # re-drill changes no schedule
    assert store.done_today("ada", DAY) == DayCounts(new=2, reviews=0, redrills=2)


def test_the_redrill_survives_reopening_the_store(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    answer(store, A1F, 1)
    store.close()
    with Store.open(tmp_path / "progress.db") as again:
        assert [c.card.id for c in again.redrill_cards("ada", ["alpha"], DAY)] == [A1F]


def test_leech_tag_at_8_lapses_and_every_4_more(store: Store) -> None:
    day = DAY
    tagged_at = []
    for _ in range(13):
        answer(store, A1F, 5, day)  # learned (n = 1)
        day += timedelta(1)
        answer(store, A1F, 0, day)  # a lapse
        lapses = store.card_state("ada", A1F).lapses
        if store.list_cards("ada", leeches=True):
            tagged_at.append(lapses)
        day += timedelta(1)
    assert tagged_at[0] == 8
    assert [listing.id for listing in store.list_cards("ada", leeches=True)] == [A1F]


def test_undo_restores_the_state_before_and_the_redrill(store: Store) -> None:
    answer(store, A1F, 5)
    first = store.card_state("ada", A1F)
    answer(store, A1F, 2, DAY + timedelta(1))
    answer(store, A1F, 4, DAY + timedelta(1), redrill=True)
    assert store.redrill_cards("ada", None, DAY + timedelta(1)) == []
    undone = store.undo_last("ada")
    assert undone is not None and undone.kind == ReviewKind.REDRILL
    # Back in the re-drill: the answer left in the log for that day was a 2.
    assert [c.card.id for c in store.redrill_cards("ada", None, DAY + timedelta(1))] == [A1F]
    undone = store.undo_last("ada")
    assert undone is not None and undone.grade == Grade.INCORRECT_EASY
    assert store.card_state("ada", A1F) == first
    assert store.redrill_cards("ada", None, DAY + timedelta(1)) == []
    assert store.undo_last("ada") is not None
    assert store.card_state("ada", A1F) == CardState()
    assert [c.card.id for c in store.new_cards("ada", ["alpha"], DAY, 1)] == [A1F]
    assert store.undo_last("ada") is None


def test_undo_is_per_learner(store: Store) -> None:
    answer(store, A1F, 4, learner="ada")
    answer(store, A2F, 4, learner="bob")
    assert store.undo_last("ada") is not None
    assert store.card_state("bob", A2F).n == 1
    assert store.learners() == ["ada", "bob"]


def test_due_cards_most_overdue_first_then_deck_order(store: Store) -> None:
    answer(store, "beta/red/forward", 4, DAY)  # due DAY + 1
    answer(store, A2F, 4, DAY)  # due DAY + 1
    answer(store, A1R, 4, DAY - timedelta(3))  # due DAY - 2: most overdue
    answer(store, A1F, 5, DAY + timedelta(5))  # due later
    due = store.due_cards("ada", None, DAY + timedelta(1))
    assert [c.card.id for c in due] == [A1R, A2F, "beta/red/forward"]
    assert [c.card.id for c in store.due_cards("ada", None, DAY + timedelta(1), 2)] == [A1R, A2F]
    assert [c.card.id for c in store.due_cards("ada", ["beta"], DAY + timedelta(1))] == [
        "beta/red/forward"
    ]
    assert due[0].state == store.card_state("ada", A1R)


def test_new_cards_in_deck_order_then_card_order(store: Store) -> None:
    answer(store, A1F, 4)
    new = store.new_cards("ada", None, DAY, 4)
    assert [c.card.id for c in new] == [A1R, A2F, "alpha/two/reverse", "alpha/three/forward"]
    assert all(c.state == CardState() for c in new)
    beta = store.new_cards("ada", ["beta"], DAY)
    assert [c.card.ord for c in beta] == [0, 1, 2, 3]


def test_new_cards_skip_a_finished_deck_and_not_a_nearly_finished_one(store: Store) -> None:
    alpha = [c.card.id for c in store.new_cards("ada", ["alpha"], DAY)]
    for card_id in alpha[:-1]:
        answer(store, card_id, 4)
    store.bury("ada", alpha[-1], DAY)  # a state row without a due day: still new
    assert [c.card.id for c in store.new_cards("ada", None, DAY, 2)] == [
        alpha[-1],
        "beta/red/forward",
    ]
    answer(store, alpha[-1], 4)
    assert [c.card.id for c in store.new_cards("ada", None, DAY, 1)] == ["beta/red/forward"]
    assert store.new_cards("ada", ["alpha"], DAY) == []


def test_suspended_and_buried_cards_leave_the_queue(store: Store) -> None:
    store.set_suspended("ada", A1F, True)
    store.bury("ada", A1R, DAY + timedelta(1))
    assert [c.card.id for c in store.new_cards("ada", ["alpha"], DAY, 1)] == [A2F]
    assert [c.card.id for c in store.new_cards("ada", ["alpha"], DAY + timedelta(1), 1)] == [A1R]
    store.set_suspended("ada", A1F, False)
    assert [c.card.id for c in store.new_cards("ada", ["alpha"], DAY, 1)] == [A1F]
    answer(store, A2F, 5)
    store.set_suspended("ada", A2F, True)
    assert store.due_cards("ada", None, DAY + timedelta(10)) == []
    assert store.card_state("ada", A2F).n == 1  # suspending keeps progress


def test_entries_studied_for_sibling_burying(store: Store) -> None:
    answer(store, A1F, 4)
    answer(store, "beta/blue/reverse", 2)
    assert store.entries_studied("ada", DAY) == {("alpha", "one"), ("beta", "blue")}
    assert store.entries_studied("ada", DAY + timedelta(1)) == set()


answers = st.lists(
    st.tuples(st.sampled_from([A1F, A1R, A2F]), st.integers(0, 5), st.integers(0, 3)),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers)
def test_the_state_of_every_card_can_be_rebuilt_from_the_log(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, int]]
) -> None:
    store, _ = open_with_decks(tmp_path_factory.mktemp("rebuild"))
    with store:
        day = DAY
        answered_today: set[str] = set()
        for card_id, grade, gap in steps:
            if gap:
                day += timedelta(gap)
                answered_today = set()
            answer(store, card_id, grade, day, redrill=card_id in answered_today)
            answered_today.add(card_id)
        rebuilt = store.rebuild_states("ada")
        assert rebuilt == {card_id: store.card_state("ada", card_id) for card_id in rebuilt}
        # And the log alone replays: SM-2 over each card's scheduling answers.
        for card_id, state in rebuilt.items():
            replay = CardState()
            for review in store.history("ada", card_id):
                if review.kind != ReviewKind.REDRILL:
                    replay = sm2.review(replay, review.grade, review.day)
            assert replay == state


def sm2_fold(store: Store, card_id: str, learner: str = "ada") -> CardState:
    """SM-2 over a card's logged scheduling answers from scratch; each `before` is the fold."""
    state = CardState()
    for review in store.history(learner, card_id):
        assert review.before == state
        if review.kind != ReviewKind.REDRILL:
            state = sm2.review(state, review.grade, review.day)
        assert review.after == state
    return state


def stale(store: Store, card_id: str, grade: int, day: date, before: CardState) -> Review:
    """An answer a session builds from a state it read earlier."""
    kind = ReviewKind.LEARN if before.is_new else ReviewKind.REVIEW
    after = sm2.review(before, Grade(grade), day)
    return store.record(Review("ada", card_id, NOW, day, Grade(grade), kind, before, after))


def test_two_sessions_of_one_learner_never_lose_an_answer(
    store: Store, store_target: str | Path
) -> None:
    answer(store, A2F, 4, DAY - timedelta(1))
    with Store.open(store_target) as other:  # a second terminal of the same learner
        new, learned = store.card_state("ada", A1F), other.card_state("ada", A2F)
        # Both show A1F (new) and A2F (due); this one answers first, as read.
        first = stale(store, A1F, 2, DAY, new)
        first_a2 = stale(store, A2F, 5, DAY, learned)
        assert (first.before, first_a2.before) == (new, learned)
        # The other grades the same cards from the states it read: both had their
        # scheduling answer today, so these become re-drill answers on the stored state.
        second = stale(other, A1F, 5, DAY, new)
        assert second.kind == ReviewKind.REDRILL
        assert second.before == second.after == first.after
        second_a2 = stale(other, A2F, 3, DAY, learned)
        assert second_a2.kind == ReviewKind.REDRILL
        assert second_a2.before == second_a2.after == first_a2.after
        # A1F left the re-drill with the 5; A2F's last answer of the day was a 3.
        assert [c.card.id for c in store.redrill_cards("ada", None, DAY)] == [A2F]
        # A stale answer of a later day is SM-2 from the stored state, not from the one read.
        later = stale(other, A2F, 4, DAY + timedelta(1), learned)
        assert later.kind == ReviewKind.REVIEW
        assert later.before == first_a2.after
        assert later.after == sm2.review(first_a2.after, Grade.GOOD, DAY + timedelta(1))
    # Every answer is in the log; every state is the log's last `after` and its SM-2 fold.
    assert [r.id for r in store.history("ada", A1F)] == [first.id, second.id]
    assert [(r.id, r.kind) for r in store.history("ada", A2F)][1:] == [
        (first_a2.id, ReviewKind.REVIEW),
        (second_a2.id, ReviewKind.REDRILL),
        (later.id, ReviewKind.REVIEW),
    ]
    rebuilt = store.rebuild_states("ada")
    assert rebuilt == {card: store.card_state("ada", card) for card in (A1F, A2F)}
    assert rebuilt == {card: sm2_fold(store, card) for card in (A1F, A2F)}


def test_done_today_counts_by_kind(store: Store) -> None:
    answer(store, A1F, 4, DAY - timedelta(1))
    answer(store, A1F, 3, DAY)
    answer(store, A2F, 5, DAY)
    answer(store, A1F, 4, DAY, redrill=True)
    assert store.done_today("ada", DAY) == DayCounts(new=1, reviews=1, redrills=1)
    assert store.done_today("ada", DAY).total == 3


def test_card_lookup(store: Store) -> None:
    card = store.card(A1R)
    assert card is not None
    assert (card.front, card.back, card.ord) == ("The first number.", "One", 1)
    assert store.card("alpha/nope/forward") is None


def test_dates_and_times_come_back_aware(store: Store) -> None:
    review = answer(store, A1F, 4)
    (logged,) = store.history("ada", A1F)
    assert logged.at == review.at and logged.at.tzinfo is not None
    assert logged.day == date(2026, 3, 1)


@pytest.mark.sqlite_only
def test_record_is_one_transaction_of_three_statements(store: Store) -> None:
    """The common case: the state is still `before` (a compare-and-set UPDATE), the log row,
    and the upsert of its day's totals, in one committed transaction (run straight on the
    sqlite3 connection: progress.sqlite_answer)."""
    from sqlalchemy import event

    answer(store, A1F, 4)  # the learner exists and is known to this store
    before = store.card_state("ada", A1F)
    statements: list[str] = []

    def log(statement: str) -> None:
        words = statement.split()
        said = " ".join(words[:3] if words[0] == "INSERT" else words[:2])
        # SQLite traces a statement again as each of its triggers starts: one entry each.
        if not statements or statements[-1] != said:
            statements.append(said)

    def trace(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.set_trace_callback(log)

    store.engine.dispose()  # new connections from here on, each traced
    event.listen(store.engine, "connect", trace)
    try:
        after = sm2.review(before, Grade.GOOD, DAY + timedelta(1))
        store.record(
            Review(
                "ada", A1F, NOW, DAY + timedelta(1), Grade.GOOD, ReviewKind.REVIEW, before, after
            )
        )
    finally:
        event.remove(store.engine, "connect", trace)
    assert statements == [
        "BEGIN IMMEDIATE",
        "UPDATE card_states",
        "INSERT INTO reviews",
        "INSERT INTO review_days",
        "COMMIT",
    ]
    assert store.card_state("ada", A1F) == after


@pytest.mark.sqlite_only
def test_the_plain_sqlite_answer_writes_what_the_general_path_writes(tmp_path: Path) -> None:
    """The same answers through progress.sqlite_answer and through record's SQLAlchemy path
    (rebase=False takes it) leave the same rows, byte for byte."""
    stores = [open_with_decks(tmp_path / name, tmp_path / name / "progress.db")[0] for name in "ab"]
    grades = [4, 2, 5, 3, 1, 4]
    try:
        for index, store in enumerate(stores):
            answer(store, A1F, 4)  # the learner exists
            for step, grade in enumerate(grades):
                for card in (A1F, A1R):
                    before = store.card_state("ada", card)
                    day = DAY + timedelta(step + 1)
                    kind = ReviewKind.LEARN if before.is_new else ReviewKind.REVIEW
                    review = Review(
                        "ada",
                        card,
                        NOW + timedelta(days=step + 1, microseconds=7),
                        day,
                        Grade(grade),
                        kind,
                        before,
                        sm2.review(before, Grade(grade), day),
                        answer_ms=900 + step,
                    )
                    store.record(review, rebase=index == 0)
    finally:
        for store in stores:
            store.close()
    tables = ("card_states", "reviews", "review_days")
    rows = []
    for name in "ab":
        with sqlite3.connect(tmp_path / name / "progress.db") as conn:
            rows.append(
                [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall() for t in tables]
            )
    assert rows[0] == rows[1]
    assert rows[0][1][-1][3] == "2026-03-07 12:00:00.000007"  # `at`, as SQLAlchemy writes it


def test_a_store_locked_too_long_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trainer.progress.store

    store, _ = open_with_decks(tmp_path)
    store.close()
    monkeypatch.setattr(trainer.progress.store, "BUSY_TIMEOUT_MS", 0)
    with Store.open(tmp_path / "progress.db") as impatient:
        holder = sqlite3.connect(tmp_path / "progress.db", isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreError) as error:
                answer(impatient, A1F, 4)
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        assert str(error.value) == (
            f"{tmp_path / 'progress.db'} is busy: another trainer has held it for more than 0 s; "
            "try again when it is done"
        )
        assert impatient.history("ada", A1F) == []
        answer(impatient, A1F, 4)  # free again


card_states = st.builds(
    CardState,
    n=st.integers(0, 1000),
    ef=st.integers(130, 990),
    interval=st.integers(0, 100_000),
    due=st.none() | st.dates(date(2000, 1, 1), date(2200, 12, 31)),
    lapses=st.integers(0, 1000),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    before=card_states,
    after=card_states,
    grade=st.sampled_from(list(Grade)),
    kind=st.sampled_from(list(ReviewKind)),
    day=st.dates(date(2000, 1, 1), date(2200, 12, 31)),
    at=st.datetimes(
        datetime(2000, 1, 1),  # noqa: DTZ001  (hypothesis takes naive bounds)
        datetime(2200, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from([UTC, BERLIN]),
    ),
    answer_ms=st.integers(0, 10**9),
)
def test_a_logged_answer_reads_back_exactly(
    store: Store,
    before: CardState,
    after: CardState,
    grade: Grade,
    kind: ReviewKind,
    day: date,
    at: datetime,
    answer_ms: int,
) -> None:
    made_up = Review("ada", A2F, at, day, grade, kind, before, after, answer_ms)
    review = store.record(made_up, rebase=False)  # any `before`, stored as given
    assert store.card_state("ada", A2F) == after
    logged = store.history("ada", A2F)[-1]
    # Compared in UTC: an aware time in a DST fold never equals one in another zone (PEP 495).
    assert logged == replace(review, at=at.astimezone(UTC)) and logged.id == review.id
    assert logged.at.tzinfo == UTC
    in_redrill = [c.card.id for c in store.redrill_cards("ada", ["alpha"], day)]
    assert in_redrill == ([A2F] if grade < 4 else [])
