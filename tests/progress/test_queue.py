"""trainer.progress.queue: the queue inputs in plain SQL, their counters, `trainer status` on them.

The queue functions must give exactly what the SQLAlchemy queries they replaced gave:
`reference_*` below are those queries, kept here as the oracle, and every combination
of learner, decks, day and limit is compared on a history with overdue, due-today,
buried, suspended, retired, new and re-drill cards, an inactive deck and two learners,
through `Store` (SQLAlchemy connection) and through a bare `Reader` (the stdlib
`SQLiteReader` on SQLite), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from sqlalchemy import and_, false, func, or_, select, true
from store_helpers import ALPHA, BETA, DAY, answer, write_deck

from trainer import paths
from trainer.cli import cli
from trainer.cli.context import AppContext
from trainer.decks.format import parse_deck
from trainer.model import DayCounts, StudyCard
from trainer.progress import queue
from trainer.progress.readers import EngineReader, Reader, SQLiteReader
from trainer.progress.store import CARDS, DECKS, STATES, DeckSource, Store
from trainer.session import Limits, Session, plan_day

GAMMA = [
    ("sun", "Sun", "The star of the solar system."),
    ("moon", "Moon", "Earth's natural satellite."),
    ("mars", "Mars", "The fourth planet."),
    ("venus", "Venus", "The second planet."),
]
DELTA = [("x", "X", "A letter."), ("y", "Y", "Another letter.")]
LEARNERS = ("ada", "bob", "nobody")
DECK_CHOICES: tuple[Sequence[str] | None, ...] = (
    None,
    ["alpha"],
    ["beta", "gamma"],
    ["delta"],  # inactive: nothing
    ["gamma", "alpha"],
)
DAYS = tuple(DAY + timedelta(days=d) for d in (-1, 0, 1, 3, 10, 40))
LIMITS = (None, 0, 1, 3, 100)


# -- the oracle: the SQLAlchemy queries the store ran before trainer.progress.queue ------------


def _lid(store: Store, learner: str) -> int | None:
    """The learner's id in the store (None: never answered)."""
    with store._queue_source() as source:
        return source.learner_id(learner)


def _reference_rows(store: Store, query: Any) -> list[StudyCard]:
    from trainer.progress.states import STATE_FIELDS, state_of
    from trainer.progress.store import _card

    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [StudyCard(card=_card(row), state=state_of(row[-len(STATE_FIELDS) :])) for row in rows]


def _reference_queue(lid: int, decks: Sequence[str] | None, day: date, *, new: bool) -> Any:
    from trainer.progress.store import CARD_COLUMNS, STATE_COLUMNS

    joined = CARDS.join(DECKS, DECKS.c.slug == CARDS.c.deck_slug)
    if new:
        joined = joined.outerjoin(
            STATES, and_(STATES.c.card_id == CARDS.c.id, STATES.c.learner_id == lid)
        )
    else:
        joined = STATES.join(joined, CARDS.c.id == STATES.c.card_id)
    query = (
        select(*CARD_COLUMNS, *STATE_COLUMNS)
        .select_from(joined)
        .where(
            CARDS.c.retired == false(),
            DECKS.c.active == true(),
            or_(STATES.c.suspended.is_(None), STATES.c.suspended == false()),
            or_(STATES.c.buried_until.is_(None), STATES.c.buried_until <= day),
        )
    )
    if decks:
        query = query.where(CARDS.c.deck_slug.in_(list(decks)))
    return query


def reference_redrill(store: Store, lid: int, decks: Sequence[str] | None, day: date) -> Any:
    query = _reference_queue(lid, decks, day, new=False).where(
        STATES.c.learner_id == lid, STATES.c.redrill_day == day
    )
    return _reference_rows(store, query.order_by(DECKS.c.position, CARDS.c.ord))


def reference_due(
    store: Store, lid: int, decks: Sequence[str] | None, day: date, limit: int | None
) -> list[StudyCard]:
    query = (
        _reference_queue(lid, decks, day, new=False)
        .where(STATES.c.learner_id == lid, STATES.c.due.is_not(None), STATES.c.due <= day)
        .order_by(STATES.c.due, DECKS.c.position, CARDS.c.ord)
    )
    if limit is not None:
        query = query.limit(limit)
    return _reference_rows(store, query)


def reference_new(
    store: Store, lid: int, decks: Sequence[str] | None, day: date, limit: int | None
) -> list[StudyCard]:
    query = (
        _reference_queue(lid, decks, day, new=True)
        .where(STATES.c.due.is_(None))
        .order_by(DECKS.c.position, DECKS.c.slug, CARDS.c.ord)
    )
    if limit is not None:
        query = query.limit(limit)
    return _reference_rows(store, query)


def reference_next_due(
    store: Store, learner: str, decks: Sequence[str] | None, day: date
) -> date | None:
    from sqlalchemy import case

    from trainer.progress.store import LEARNERS

    comes_up = case(
        (
            and_(STATES.c.buried_until.is_not(None), STATES.c.buried_until > STATES.c.due),
            STATES.c.buried_until,
        ),
        else_=STATES.c.due,
    )
    query = (
        select(func.min(comes_up))
        .select_from(
            STATES.join(LEARNERS, LEARNERS.c.id == STATES.c.learner_id)
            .join(CARDS, CARDS.c.id == STATES.c.card_id)
            .join(DECKS, DECKS.c.slug == CARDS.c.deck_slug)
        )
        .where(
            LEARNERS.c.name == learner,
            STATES.c.due.is_not(None),
            comes_up > day,
            STATES.c.suspended == false(),
            CARDS.c.retired == false(),
            DECKS.c.active == true(),
        )
    )
    if decks:
        query = query.where(CARDS.c.deck_slug.in_(list(decks)))
    with store.engine.connect() as conn:
        value = conn.execute(query).scalar()
    return value if isinstance(value, date) else None


# -- a history --------------------------------------------------------------------------


def build_history(tmp_path: Path, target: str | Path) -> tuple[Store, int, int]:
    """Four decks (delta made inactive, one gamma entry retired) and two learners' answers.

    On DAY, ada has: overdue and due-today cards, a card buried until tomorrow and one
    whose burial has ended, a suspended due card and a suspended new card, a card in
    the re-drill, a retired card that was due, finished deck beta; bob has a few cards.
    """
    folder = tmp_path / "decks"
    sources = [
        DeckSource(write_deck(folder, "alpha", ALPHA), bundled=True),
        DeckSource(write_deck(folder, "beta", BETA), bundled=True),
        DeckSource(write_deck(folder, "gamma", GAMMA), bundled=True),
        DeckSource(write_deck(folder, "delta", DELTA), bundled=True),
    ]
    store = Store.open(target)
    store.sync_decks(sources)
    start = DAY - timedelta(days=20)
    # ada: every beta card (beta finished), most alpha and gamma cards, a delta card.
    for card in ("beta/red/forward", "beta/red/reverse", "beta/blue/forward", "beta/blue/reverse"):
        answer(store, card, 4, start)
    for card in ("alpha/one/forward", "alpha/two/reverse", "gamma/sun/forward"):
        answer(store, card, 5, start)  # interval 1: due start + 1, then reviewed below
    for card in ("gamma/moon/forward", "gamma/mars/reverse", "delta/x/forward"):
        answer(store, card, 3, start + timedelta(days=2))
    answer(store, "alpha/one/forward", 4, start + timedelta(days=1))  # due start + 7
    answer(store, "alpha/two/reverse", 5, DAY - timedelta(days=1))  # due DAY + 5
    answer(store, "gamma/venus/forward", 4, DAY - timedelta(days=1))  # due DAY
    answer(store, "alpha/three/forward", 4, DAY - timedelta(days=1))  # due DAY
    answer(store, "gamma/sun/reverse", 4, DAY - timedelta(days=1))  # due DAY
    store.bury("ada", "gamma/sun/reverse", DAY + timedelta(days=1))
    store.bury("ada", "alpha/three/forward", DAY)  # burial over on DAY
    store.set_suspended("ada", "gamma/venus/forward", True)
    store.set_suspended("ada", "alpha/one/reverse", True)  # a new card, suspended
    store.bury("ada", "gamma/venus/reverse", DAY + timedelta(days=2))  # a new card, buried
    answer(store, "gamma/moon/reverse", 2, DAY)  # in DAY's re-drill
    answer(store, "alpha/two/forward", 1, DAY)  # in DAY's re-drill
    answer(store, "alpha/two/forward", 2, DAY, redrill=True)
    # bob
    answer(store, "alpha/one/forward", 4, start, learner="bob")
    answer(store, "gamma/mars/forward", 2, DAY, learner="bob")
    # gamma loses "mars" (its cards retire, one was due for ada), delta becomes inactive
    write_deck(folder, "gamma", [entry for entry in GAMMA if entry[0] != "mars"])
    store.sync_decks(sources[:3])
    return store, _lid(store, "ada") or 0, _lid(store, "bob") or 0


@pytest.fixture
def history(tmp_path: Path, store_target: str | Path) -> Iterator[tuple[Store, Reader]]:
    """The history's store, and a bare Reader of it (stdlib sqlite3 on SQLite)."""
    store, _, _ = build_history(tmp_path, store_target)
    if isinstance(store_target, Path):
        reader: Reader = SQLiteReader.open(store_target)
    else:
        reader = EngineReader(store.engine.connect())
    yield store, reader
    reader.close()
    store.close()


def ids(cards: Sequence[StudyCard]) -> list[str]:
    return [c.card.id for c in cards]


def test_the_history_has_every_case(history: tuple[Store, Reader]) -> None:
    store, _reader = history
    assert ids(store.redrill_cards("ada", None, DAY)) == ["alpha/two/forward", "gamma/moon/reverse"]
    due = store.due_cards("ada", None, DAY)
    # most overdue first, then deck order (alpha, beta, gamma) and card order
    assert [(c.card.id, (c.state.due - DAY).days) for c in due] == [  # type: ignore[operator]
        ("beta/red/forward", -19),
        ("beta/red/reverse", -19),
        ("beta/blue/forward", -19),
        ("beta/blue/reverse", -19),
        ("gamma/sun/forward", -19),
        ("gamma/moon/forward", -17),
        ("alpha/one/forward", -13),
        ("alpha/three/forward", 0),  # its burial ended on DAY
    ]
    # left out: gamma/mars/reverse (retired), gamma/venus/forward (suspended),
    # gamma/sun/reverse (buried until tomorrow), delta/x/forward (inactive deck)
    assert ids(store.due_cards("ada", None, DAY + timedelta(days=1)))[8:] == [
        "gamma/sun/reverse",
        "alpha/two/forward",
        "gamma/moon/reverse",
    ]
    # beta is finished; alpha/one/reverse is suspended, gamma/venus/reverse buried
    assert ids(store.new_cards("ada", None, DAY)) == ["alpha/three/reverse"]
    assert ids(store.new_cards("ada", None, DAY + timedelta(days=2))) == [
        "alpha/three/reverse",
        "gamma/venus/reverse",
    ]
    assert ids(store.new_cards("bob", None, DAY, 3)) == [
        "alpha/one/reverse",
        "alpha/two/forward",
        "alpha/two/reverse",
    ]
    assert store.done_today("ada", DAY) == DayCounts(new=2, reviews=0, redrills=1)
    assert store.entries_studied("ada", DAY) == {("alpha", "two"), ("gamma", "moon")}


@pytest.mark.parametrize("learner", LEARNERS)
def test_the_queue_inputs_are_those_of_the_old_queries(
    history: tuple[Store, Reader], learner: str
) -> None:
    store, reader = history
    lid = _lid(store, learner)
    source = queue.QueueReader(reader)
    checked = 0
    for day in DAYS:
        for decks in DECK_CHOICES:
            slugs = list(decks or [])
            want_redrill = [] if lid is None else reference_redrill(store, lid, decks, day)
            assert store.redrill_cards(learner, decks, day) == want_redrill
            assert source.redrill_cards(learner, slugs, day) == want_redrill
            for limit in LIMITS:
                want_due = [] if lid is None else reference_due(store, lid, decks, day, limit)
                want_new = reference_new(store, lid or 0, decks, day, limit)
                assert store.due_cards(learner, decks, day, limit) == want_due, (day, decks)
                assert source.due_cards(learner, slugs, day, limit) == want_due
                assert store.new_cards(learner, decks, day, limit) == want_new, (day, decks)
                assert source.new_cards(learner, slugs, day, limit) == want_new
                checked += 1
        assert source.done_today(learner, day) == store.done_today(learner, day)
        for decks in DECK_CHOICES:
            want = reference_next_due(store, learner, decks, day)
            found = None if lid is None else queue.next_due(reader, lid, list(decks or []), day)
            assert found == want, (day, decks)
        assert source.entries_studied(learner, day) == store.entries_studied(learner, day)
    assert checked == 6 * len(DECK_CHOICES) * len(LIMITS)


def counters(reader: Reader) -> tuple[dict[str, tuple[int, int]], dict[tuple[int, str], int]]:
    sizes = {slug: (int(c), int(live)) for slug, c, live in reader.rows("SELECT * FROM deck_sizes")}
    progress = {
        (int(lid), slug): int(graded)
        for lid, slug, graded in reader.rows("SELECT * FROM deck_progress")
        if graded
    }
    return sizes, progress


def recount(reader: Reader) -> tuple[dict[str, tuple[int, int]], dict[tuple[int, str], int]]:
    sizes = {
        slug: (int(c), int(live))
        for slug, c, live in reader.rows(
            "SELECT deck_slug, COUNT(*), SUM(CASE WHEN retired THEN 0 ELSE 1 END)"
            " FROM cards GROUP BY deck_slug"
        )
    }
    progress = {
        (int(lid), slug): int(graded)
        for lid, slug, graded in reader.rows(
            "SELECT s.learner_id, c.deck_slug, COUNT(*) FROM card_states s"
            " JOIN cards c ON c.id = s.card_id WHERE s.due IS NOT NULL"
            " GROUP BY s.learner_id, c.deck_slug"
        )
    }
    return sizes, progress


def test_the_counters_follow_every_write(tmp_path: Path, store_target: str | Path) -> None:
    store, ada, bob = build_history(tmp_path, store_target)
    try:

        def check() -> tuple[dict[str, tuple[int, int]], dict[tuple[int, str], int]]:
            with store.engine.connect() as conn:
                reader = EngineReader(conn)
                found = counters(reader)
                assert found == recount(reader)
                return found

        sizes, progress = check()
        assert sizes == {"alpha": (6, 6), "beta": (4, 4), "gamma": (8, 6), "delta": (4, 4)}
        assert progress[(ada, "beta")] == 4 and progress[(bob, "gamma")] == 1
        answer(store, "alpha/three/reverse", 4, DAY)  # a first answer: +1
        assert check()[1][(ada, "alpha")] == progress[(ada, "alpha")] + 1
        store.undo_last("ada")  # -1
        assert check()[1] == progress
        answer(store, "gamma/sun/forward", 1, DAY)  # a review: no change
        assert check()[1] == progress
        store.rebuild_states("ada")
        assert check()[1] == progress
        folder = tmp_path / "decks"
        write_deck(folder, "gamma", GAMMA)  # mars comes back
        store.sync_decks([DeckSource(folder / "gamma.toml", bundled=False)])
        assert check()[0]["gamma"] == (8, 8)
    finally:
        store.close()


def test_0007_backfills_the_counters_of_a_store_with_history(
    tmp_path: Path, store_target: str | Path
) -> None:
    """Take 0007 back out of a store with history; opening it again runs 0007's backfill."""
    from sqlalchemy import text

    store, _, _ = build_history(tmp_path, store_target)
    before = store.new_cards("ada", None, DAY)
    with store.engine.connect() as conn:
        conn.execution_options(trainer_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                for function in ("trainer_count_cards", "trainer_count_graded"):
                    conn.execute(text(f"DROP FUNCTION {function}() CASCADE"))
            else:
                triggers = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).scalars()
                for name in list(triggers):
                    conn.execute(text(f"DROP TRIGGER {name}"))
            for table in ("deck_sizes", "deck_progress"):
                conn.execute(text(f"DROP TABLE {table}"))
            conn.execute(text("DROP INDEX ix_card_states_queue"))
            conn.execute(text("DELETE FROM schema_migrations WHERE name = '0007_queue_index'"))
    store.close()
    store = Store.open(store_target)
    try:
        with store.engine.connect() as conn:
            reader = EngineReader(conn)
            assert counters(reader) == recount(reader)
            assert counters(reader)[0]["gamma"] == (8, 6)
        assert store.new_cards("ada", None, DAY) == before
        answer(store, "alpha/three/reverse", 4, DAY)  # the triggers are back
        with store.engine.connect() as conn:
            assert counters(EngineReader(conn)) == recount(EngineReader(conn))
    finally:
        store.close()


def test_a_finished_deck_is_skipped_and_a_nearly_finished_one_is_not(
    tmp_path: Path, store_target: str | Path
) -> None:
    store, _, _ = build_history(tmp_path, store_target)
    try:
        assert not any(c.card.deck == "beta" for c in store.new_cards("ada", None, DAY))
        store.undo_last("ada")  # nothing of beta
        answer(store, "beta/blue/reverse", 0, DAY)  # still graded
        assert [c.card.deck for c in store.new_cards("ada", ["beta"], DAY)] == []
        with store.engine.connect() as conn:
            conn.execute(
                STATES.delete().where(STATES.c.card_id == "beta/red/reverse")
            )  # as if never graded
            conn.commit()
        assert ids(store.new_cards("ada", ["beta"], DAY)) == ["beta/red/reverse"]
    finally:
        store.close()


@pytest.mark.sqlite_only
def test_sqlite_uses_the_queue_indexes(history: tuple[Store, Reader], backend: str) -> None:
    """SQLite takes a partial index only when the query's WHERE implies the index's."""
    store, reader = history
    assert isinstance(reader, SQLiteReader)
    plans: dict[str, str] = {}

    class Explaining:
        dialect = "sqlite"
        name = ""

        def rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
            plan = reader.rows(f"EXPLAIN QUERY PLAN {sql}", params)
            plans[self.name] = plans.get(self.name, "") + " | ".join(row[3] for row in plan)
            return reader.rows(sql, params)

        def close(self) -> None:
            pass

    explaining = Explaining()
    lid = _lid(store, "ada") or 0
    for name, call in (
        ("redrill", lambda: queue.redrill_cards(explaining, lid, [], DAY)),
        ("due", lambda: queue.due_cards(explaining, lid, [], DAY, 10)),
        ("due_deck", lambda: queue.due_cards(explaining, lid, ["alpha", "gamma"], DAY)),
        ("new", lambda: queue.new_cards(explaining, lid, [], DAY, 10)),
        ("next_due", lambda: queue.next_due(explaining, lid, [], DAY)),
        ("studied", lambda: queue.entries_studied(explaining, lid, DAY)),
        ("done", lambda: queue.done_today(explaining, lid, DAY)),
    ):
        explaining.name = name
        call()
    assert "COVERING INDEX ix_card_states_queue" in plans["due"], plans["due"]
    assert "COVERING INDEX ix_card_states_queue" in plans["due_deck"], plans["due_deck"]
    assert "ix_card_states_learner_redrill" in plans["redrill"], plans["redrill"]
    assert "ix_cards_deck_ord" in plans["new"], plans["new"]
    assert "ix_card_states_queue" in plans["next_due"], plans["next_due"]
    # a day's answers by the (learner, day, ...) index, never a walk of the whole log
    assert "ix_reviews_learner_day_kind (learner_id=? AND day=?)" in plans["studied"]
    assert "ix_reviews_learner_day_kind (learner_id=? AND day=?)" in plans["done"]


def test_next_due(history: tuple[Store, Reader]) -> None:
    store, reader = history
    ada = _lid(store, "ada") or 0
    # after DAY: gamma/sun/reverse is buried until DAY + 1 (due DAY): it comes up then
    assert queue.next_due(reader, ada, [], DAY) == DAY + timedelta(days=1)
    assert queue.next_due(reader, ada, ["beta"], DAY) is None  # all overdue
    assert queue.next_due(reader, ada, ["alpha"], DAY) == DAY + timedelta(days=1)
    assert queue.next_due(reader, ada, ["alpha"], DAY + timedelta(days=1)) == DAY + timedelta(
        days=5
    )
    assert queue.next_due(reader, ada, ["delta"], DAY) is None  # inactive


def test_deck_infos_count_the_cards_that_are_not_retired(
    history: tuple[Store, Reader],
) -> None:
    store, reader = history
    infos = {info.slug: info.cards for info in store.deck_infos(include_inactive=True)}
    assert infos == {"alpha": 6, "beta": 4, "gamma": 6, "delta": 4}
    assert [info.slug for info in queue.deck_infos(reader)] == ["alpha", "beta", "gamma"]
    assert all(info.active for info in queue.deck_infos(reader))
    assert queue.deck_infos(reader)[0].path is not None


# -- trainer status on the read path ------------------------------------------------------

MORNING = "2026-03-02 09:00:00"


def run(args: list[str], when: str = MORNING) -> Result:
    with freeze_time(when):
        return CliRunner().invoke(cli, args)


PROBE = """\
import sys
from trainer.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    code = done.code
print("exit", code, "loaded:", " ".join(m for m in ("sqlalchemy", "rich") if m in sys.modules))
"""


def run_process(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-P", "-c", PROBE, *args],  # -P: the installed trainer, not ./trainer
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )
    assert done.stderr == ""
    return done.stdout.splitlines()


def test_status_on_a_fresh_sqlite_store_never_imports_sqlalchemy_or_rich() -> None:
    assert run(["status"]).exit_code == 0  # creates the store, syncs the decks
    assert run_process("status") == [
        "0 due · 20 new · streak 0 days",
        "exit 0 loaded: ",
    ]
    lines = run_process("status", "--json")
    assert lines[-1] == "exit 0 loaded: "
    assert json.loads(lines[0])["new"] == 20


def test_status_creates_a_missing_store() -> None:
    store = paths.default_store_path()
    assert not store.exists()
    result = run(["status"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "0 due · 20 new · streak 0 days\n",
        "",
    )
    assert store.exists()


def register(tmp_path: Path) -> Path:
    mine = write_deck(tmp_path / "mine", "gamma", GAMMA[:1])
    app = AppContext(db=None, learner="ada")
    app.open_store().register_deck(mine, parse_deck(mine))
    app.close_store()
    return mine


def test_status_syncs_a_changed_deck_file_first(tmp_path: Path) -> None:
    mine = register(tmp_path)
    assert run(["status", "--json"]).exit_code == 0
    write_deck(mine.parent, "gamma", GAMMA)  # three more entries
    result = run(["status"])
    assert (result.exit_code, result.stderr) == (0, "")
    with SQLiteReader.open(paths.default_store_path()) as reader:
        assert [
            size for (size,) in reader.rows("SELECT live FROM deck_sizes WHERE deck_slug = 'gamma'")
        ] == [8]
    with freeze_time(MORNING):
        assert run_process("status")[-1] == "exit 0 loaded: "  # synced: read as it is


def test_status_warns_about_a_deck_file_it_cannot_read(tmp_path: Path) -> None:
    mine = register(tmp_path)
    mine.unlink()
    result = run(["status"])
    assert result.exit_code == 0
    assert result.stdout == "0 due · 20 new · streak 0 days\n"
    assert result.stderr == (
        f"Warning: {mine.resolve()}: cannot read the deck file: No such file or directory\n"
    )
    mine.write_text("not a deck", encoding="utf-8")
    result = run(["status"])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: {mine.resolve()}:")


def test_status_is_the_queue_trainer_quiz_asks(tmp_path: Path) -> None:
    """Same counts through the read path and through Store + Session.start."""
    store, _, _ = build_history(tmp_path, paths.default_store_path())
    try:
        session = Session.start(store, learner="ada", decks=[], day=DAY, limits=Limits(new=3))
        progress = session.progress()
    finally:
        store.close()
    with SQLiteReader.open(paths.default_store_path()) as reader:
        items = plan_day(
            queue.QueueReader(reader),
            learner="ada",
            decks=[],
            day=DAY,
            limits=Limits(new=3),
            rng=random.Random(0),
        )
    kinds = [item.kind.value for item in items]
    assert (kinds.count("review"), kinds.count("learn"), kinds.count("redrill")) == (
        progress.reviews,
        progress.new,
        progress.redrill,
    )
    # alpha/three/reverse, the one new card left, waits: its sibling is due today
    assert (progress.reviews, progress.new, progress.redrill) == (5, 0, 2)


@pytest.mark.sqlite_only
def test_a_database_error_in_a_queue_read_is_a_store_error(
    history: tuple[Store, Reader], backend: str
) -> None:
    """Store reads the queue on SQLite through the driver; errors still become StoreError."""
    from trainer.errors import StoreError

    store, _reader = history
    with store.engine.connect() as conn:
        conn.exec_driver_sql("DROP TABLE deck_progress")
        conn.commit()
    with pytest.raises(StoreError, match=r"cannot be read \(no such table: deck_progress\);"):
        store.new_cards("ada", None, DAY)
