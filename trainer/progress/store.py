"""The progress store: SQLAlchemy 2 typed ORM over SQLite (or PostgreSQL).

ORM rows live in this module only; everything else sees the dataclasses of
`trainer.model`. Datetimes are stored in UTC and come back timezone-aware.

Schema (migration "0001_initial", plus the queue indexes of "0002_queue_indexes";
the migrations themselves are in trainer.progress.migrations):

- decks: one row per bundled or registered deck (slug, title, Anki deck id,
  where it comes from, the content hash of the file last synced).
- cards: one row per card (stable id slug/entry/direction); `retired` when its
  entry left the deck file. Text is kept so browsing needs no deck parsing.
- learners: names of the people sharing the store (on a class store, each is also the
  learner's PostgreSQL role: trainer.progress.classroles).
- card_states: a learner's SM-2 state of a card (a row exists once the learner
  has graded, buried or suspended the card; no row means new).
- reviews: the log, one row per answer, with the state before and after, so the
  current state of every card can be rebuilt from it alone.
- review_days (0006): per learner, study day and deck, the totals of the log that
  `trainer stats` reads (trainer.progress.reviewdays), kept in the same transaction as the log.

Queries are SQLAlchemy Core over the ORM tables (fast enough to record an answer
in about a millisecond on a store of 100,000 cards and 1,000,000 log rows). Every
write is one transaction, committed before the method returns. SQLite-only
statements (PRAGMAs, BEGIN IMMEDIATE) are confined to `_sqlite_engine_events` and
`Store._prepare`, behind a dialect check.

On PostgreSQL (a class sharing one store) writers do not queue behind one lock as
on SQLite. `Store._lock` takes a transaction-level advisory lock instead: per
learner and card for an answer, undo, bury or suspend (two sessions of one learner
are applied one after the other, and the last logged answer of a card is always its
state; different learners never wait for each other), and one store-wide key for
deck syncs and migrations. Answers and undos also hold their learner's key shared,
which `rebuild_states` takes exclusive while it recounts the learner's review_days.
New learners are inserted with ON CONFLICT DO NOTHING. On a class store the database itself
limits each learner's role to its own rows (row-level security, trainer.progress.classroles);
the queries here are the same for every role.
Under that lock (or SQLite's), `Store.record` rebases an answer built on a state
another session has changed since (see its docstring), so no answer is lost.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from sqlalchemy import (
    URL,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    exc,
    false,
    func,
    insert,
    inspect,
    make_url,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import Select

from trainer.errors import StoreError, UndoError
from trainer.model import (
    LEARNER_NAME_MAX,
    Card,
    CardListing,
    CardState,
    DayCounts,
    Deck,
    DeckInfo,
    Grade,
    MergeReport,
    Review,
    ReviewKind,
    StudyCard,
    TimedAnswer,
)
from trainer.progress import migrations, queue, reviewdays, schedulers, sqlite_answer
from trainer.progress.deckfiles import REGISTERED_SQL
from trainer.progress.deckfiles import DeckSource as DeckSource  # also for the callers of sync
from trainer.progress.deckfiles import SyncReport as SyncReport
from trainer.progress.readers import (
    BUSY_TIMEOUT_MS,
    CACHE_KIB,
    EngineReader,
    Params,
    Reader,
    SQLiteReader,
    error_text,
    to_date,
)
from trainer.progress.states import (
    AFTER,
    BEFORE,
    CARD_FIELDS,
    STATE_FIELDS,
    card_of,
    logged_state,
    state_of,
    state_values,
)
from trainer.progress.stats import deck_slugs
from trainer.scheduling import DEFAULT, Scheduler, SchedulerConfig, is_leech, scheduler_for

if TYPE_CHECKING:
    from trainer.progress.front import Progress


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; gives aware UTC datetimes back (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StoreDate(TypeDecorator[date]):
    """A DATE column read with `sqlread.to_date`: on SQLite, where a date is ISO text that a
    hand edit can break, a value that is no date is a StoreError naming it."""

    impl = Date
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":  # stored as SQLAlchemy's Date stores it: 'YYYY-MM-DD'
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(Date())

    def process_bind_param(self, value: date | None, dialect: Dialect) -> Any:
        if dialect.name == "sqlite" and isinstance(value, date):
            return value.isoformat()
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        return to_date(value)


class Base(DeclarativeBase):
    pass


class MigrationRow(Base):
    __tablename__ = "schema_migrations"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeckRow(Base):
    __tablename__ = "decks"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    anki_deck_id: Mapped[int] = mapped_column(BigInteger)
    bundled: Mapped[bool] = mapped_column(Boolean, default=False)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)  # registered decks
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False after `deck remove`
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)  # deck order for new cards
    # The file's size and mtime when last synced (0003): unchanged ones are not even read.
    file_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    file_mtime_ns: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class CardRow(Base):
    __tablename__ = "cards"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)  # slug/entry-id/direction
    deck_slug: Mapped[str] = mapped_column(ForeignKey("decks.slug"), index=True)
    entry_id: Mapped[str] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(String(10))  # Direction value
    term: Mapped[str] = mapped_column(Text)
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    ord: Mapped[int] = mapped_column(Integer, default=0)  # position in the deck
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_cards_deck_entry", "deck_slug", "entry_id"),
        Index("ix_cards_deck_ord", "deck_slug", "ord"),
        Index("ix_cards_deck_retired", "deck_slug", "retired"),  # 0005
    )


class LearnerRow(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(LEARNER_NAME_MAX), unique=True)


class LearnerSchedulerRow(Base):
    """0009: a learner's scheduler and its settings (no row: SM-2)."""

    __tablename__ = "learner_schedulers"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    scheduler: Mapped[str] = mapped_column(String(10))  # "sm2" | "fsrs"
    desired_retention: Mapped[float | None] = mapped_column(Float, nullable=True)
    parameters: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list


class CardStateRow(Base):
    __tablename__ = "card_states"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    ef: Mapped[int] = mapped_column(SmallInteger, default=250)  # hundredths
    interval: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[date | None] = mapped_column(StoreDate, nullable=True)  # None: never graded
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    # in that day's re-drill; hidden before that day:
    redrill_day: Mapped[date | None] = mapped_column(StoreDate, nullable=True)
    buried_until: Mapped[date | None] = mapped_column(StoreDate, nullable=True)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0009: FSRS only
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        Index("ix_card_states_learner_due", "learner_id", "due"),
        Index("ix_card_states_learner_card_due", "learner_id", "card_id", "due"),
        Index(  # 0005: trainer stats' forecast
            "ix_card_states_learner_stats",
            *("learner_id", "suspended", "due", "buried_until", "n", "interval"),
            *("ef", "lapses", "leech", "card_id"),
        ),
        Index(  # 0008: trainer stats' counts, histograms and hardest cards
            "ix_card_states_learner_ef",
            *("learner_id", "ef", "interval", "suspended", "n", "due", "lapses", "card_id"),
        ),
        # Partial in the database (0008): WHERE buried_until IS NOT NULL, and WHERE leech.
        Index("ix_card_states_learner_buried", "learner_id", "buried_until"),
        Index(
            "ix_card_states_learner_leech",
            *("learner_id", "leech", "card_id", "ef", "lapses", "interval"),
        ),
        # Partial in the database: WHERE redrill_day IS NOT NULL (migration 0002 creates it).
        # Dialect options here (sqlite_where=...) would import SQLAlchemy's SQLite and
        # PostgreSQL dialects when this module is imported; the schema comes from the
        # migrations, not from these classes.
        Index("ix_card_states_learner_redrill", "learner_id", "redrill_day"),
        # 0007: partial, WHERE due IS NOT NULL AND NOT suspended (progress.queue's due query).
        Index(  # 0010: with the FSRS memory state
            "ix_card_states_queue",
            *("learner_id", "due", "buried_until", "card_id", "n", "ef", "interval"),
            *("lapses", "suspended", "stability", "difficulty"),
        ),
    )


class DeckSizeRow(Base):
    """0007: cards of a deck (retired too) and those not retired; kept by triggers."""

    __tablename__ = "deck_sizes"

    deck_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    cards: Mapped[int] = mapped_column(Integer)
    live: Mapped[int] = mapped_column(Integer)


class DeckProgressRow(Base):
    """0007: a learner's cards of a deck with a graded state (due set); kept by triggers."""

    __tablename__ = "deck_progress"

    learner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    graded: Mapped[int] = mapped_column(Integer)


class ReviewRow(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[date] = mapped_column(StoreDate)
    grade: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(10))  # ReviewKind value
    n_before: Mapped[int] = mapped_column(Integer)
    ef_before: Mapped[int] = mapped_column(SmallInteger)
    interval_before: Mapped[int] = mapped_column(Integer)
    due_before: Mapped[date | None] = mapped_column(StoreDate, nullable=True)
    lapses_before: Mapped[int] = mapped_column(Integer)
    n_after: Mapped[int] = mapped_column(Integer)
    ef_after: Mapped[int] = mapped_column(SmallInteger)
    interval_after: Mapped[int] = mapped_column(Integer)
    due_after: Mapped[date | None] = mapped_column(StoreDate, nullable=True)
    lapses_after: Mapped[int] = mapped_column(Integer)
    answer_ms: Mapped[int] = mapped_column(Integer, default=0)
    stability_before: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0009: FSRS
    difficulty_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    stability_after: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty_after: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        Index("ix_reviews_learner_card", "learner_id", "card_id", "id"),
        Index("ix_reviews_learner_id", "learner_id", "id"),
        # 0005: true retention reads this index only; day before kind, or SQLite would
        # pick it for "answers of one day" with the learner alone and scan the whole log.
        # It replaces 0001's (learner_id, day), which is its prefix.
        Index(
            "ix_reviews_learner_day_kind", "learner_id", "day", "kind", "interval_before", "grade"
        ),
    )


class ReviewDayRow(Base):
    """Per-day totals of the log (0006), kept by record, undo_last and rebuild_states.

    What each counter counts: trainer.progress.reviewdays.
    """

    __tablename__ = "review_days"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    day: Mapped[date] = mapped_column(StoreDate, primary_key=True)  # reviews.day
    deck_slug: Mapped[str] = mapped_column(String(100), primary_key=True)  # cards.deck_slug
    answers: Mapped[int] = mapped_column(Integer)
    passed: Mapped[int] = mapped_column(Integer)
    learned: Mapped[int] = mapped_column(Integer)
    reviewed: Mapped[int] = mapped_column(Integer)
    redrilled: Mapped[int] = mapped_column(Integer)
    answer_ms: Mapped[int] = mapped_column(BigInteger)
    grade_0: Mapped[int] = mapped_column(Integer)
    grade_1: Mapped[int] = mapped_column(Integer)
    grade_2: Mapped[int] = mapped_column(Integer)
    grade_3: Mapped[int] = mapped_column(Integer)
    grade_4: Mapped[int] = mapped_column(Integer)
    grade_5: Mapped[int] = mapped_column(Integer)
    young_reviews: Mapped[int] = mapped_column(Integer)
    young_passed: Mapped[int] = mapped_column(Integer)
    mature_reviews: Mapped[int] = mapped_column(Integer)
    mature_passed: Mapped[int] = mapped_column(Integer)


# --------------------------------------------------------------------------------------
# The store: opening, answers, the queue, decks, browsing.

SQLITE_MAGIC = b"SQLite format 3\x00"
CONNECT_TIMEOUT_S = 10  # PostgreSQL: give up on an unreachable server after this long
DECKS_LOCK = 0x7472_6E72  # PostgreSQL advisory lock key of deck writes and migrations
# PostgreSQL: a learner's lock is this plus the learner id (shared by answers and undo,
# exclusive while rebuild_states recomputes the learner's review_days rows).
LEARNER_LOCK_BASE = DECKS_LOCK << 32

DECKS = cast(Table, DeckRow.__table__)
CARDS = cast(Table, CardRow.__table__)
LEARNERS = cast(Table, LearnerRow.__table__)
STATES = cast(Table, CardStateRow.__table__)
REVIEWS = cast(Table, ReviewRow.__table__)
REVIEW_DAYS = cast(Table, ReviewDayRow.__table__)

# review_days: one answer added to, or taken from, its row (SQL in trainer.progress.reviewdays).
# `day` is bound as a Date, stored as SQLAlchemy stores dates (ISO text on SQLite).
ADD_REVIEW_DAY = text(reviewdays.ADD_SQL).bindparams(bindparam("day", type_=Date()))
SUBTRACT_REVIEW_DAY = text(reviewdays.SUBTRACT_SQL).bindparams(bindparam("day", type_=Date()))
DELETE_EMPTY_REVIEW_DAY = text(reviewdays.DELETE_EMPTY_SQL).bindparams(
    bindparam("day", type_=Date())
)


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _describe(path: Path | None, target: str) -> str:
    return str(path) if path is not None else target


def _split_target(target: str | Path) -> tuple[URL, Path | None]:
    """The SQLAlchemy URL of `target` and, for a SQLite file, its path."""
    if isinstance(target, str) and "://" in target:
        try:
            url = make_url(target)
        except ArgumentError:
            raise StoreError(
                f"{target!r} is not a valid SQLAlchemy URL; pass a file path or a URL "
                "such as sqlite:///progress.db"
            ) from None
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return url, Path(url.database).expanduser()
        if url.drivername == "postgresql":  # SQLAlchemy's default would be psycopg2
            url = url.set(drivername="postgresql+psycopg")
        return url, None
    path = Path(target).expanduser()
    return URL.create("sqlite+pysqlite", database=str(path)), path


def _check_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not a writable SQLite database."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot create the folder {path.parent} for the progress store: "
            f"{error.strerror}; pass another file with --db"
        ) from None
    if not path.exists():
        if not os.access(path.parent, os.W_OK):
            raise StoreError(f"{path.parent} is read-only; pass another file with --db")
        return
    if not path.is_file():
        raise StoreError(f"{path} is not a file; pass a SQLite file with --db")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    if header and header != SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not a SQLite database; move it away or pass another file with --db"
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path} is read-only; make it (and its folder) writable or pass another file with --db"
        )


def _remove_empty(path: Path) -> None:
    """Remove the store file (and its journal files) that a failed first open left, if it
    holds no table (0 bytes, or only the header the WAL switch wrote)."""
    try:
        if path.stat().st_size:
            uri = f"file:{quote(str(path.absolute()))}?mode=ro"
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
                if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    return
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    except (OSError, sqlite3.Error):
        pass


def _sqlite_engine_events(engine: Engine) -> None:
    """Per-connection pragmas, and real transactions (BEGIN IMMEDIATE for writes)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # FULL: every commit syncs the write-ahead log to disk before it returns, so an
        # answer the quiz has saved survives a power cut (NORMAL only syncs at checkpoints:
        # the last commits could be lost). Anki commits the same way (WAL, FULL).
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Keep more pages cached: aggregate queries (trainer stats) read a few hundred
        # thousand index entries, and the default cache is 2 MB. An upper bound: only pages
        # read take memory. No memory map (mmap_size): every mapped page a query touches
        # counts in the process's resident memory (trainer quiz: 77 -> 152 MB on the bench
        # store) and trainer stats was no faster with it.
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write takes the lock up front, so a second writer waits (busy timeout)
        # instead of failing on a read-to-write upgrade.
        immediate = conn.get_execution_options().get("trainer_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgresql_engine_events(engine: Engine) -> None:
    """Per-connection settings: waiting for a lock ends after the same time as on SQLite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.close()
        dbapi_connection.autocommit = autocommit


def _permission_denied(error: exc.DatabaseError) -> bool:
    """PostgreSQL refused for want of a privilege, or row security refused a row (42501)."""
    return getattr(error.orig, "sqlstate", None) == "42501"


def _schema_usable(conn: Connection) -> bool:
    """PostgreSQL: the search_path names a schema this role may use (else it has none)."""
    return conn.exec_driver_sql("SELECT current_schema()").scalar() is not None


def _message(error: exc.DBAPIError | sqlite3.Error) -> str:
    """The database's own message (SQLAlchemy wraps the driver's error)."""
    orig = getattr(error, "orig", None)
    return str(orig) if orig is not None else str(error)


def _card(row: Any) -> Card:
    """The Card of a row that starts with CARD_COLUMNS."""
    return card_of(row[: len(CARD_FIELDS)])


def _slugs(decks: Sequence[str | Deck | DeckInfo] | None) -> list[str]:
    return [d if isinstance(d, str) else d.slug for d in decks or ()]


class _DriverReader(SQLiteReader):
    """progress.queue's SQL straight on the sqlite3 connection a SQLAlchemy Connection holds.

    The queue runs a dozen small statements before the first card; through the driver
    they skip SQLAlchemy's compile and result layers (a session starts ~20% faster on
    the bench store). Errors come back as SQLAlchemy's, so Store._errors reports them.
    """

    def __init__(self, conn: Connection) -> None:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        super().__init__(driver)

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        try:
            return super().rows(sql, params)
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(sql, dict(params or {}), error, sqlite3.Error) from None

    def close(self) -> None:  # the connection is the Store's
        pass


def _queue_reader(conn: Connection) -> Reader:
    """A Reader for trainer.progress.queue on one of the store's connections."""
    return _DriverReader(conn) if conn.dialect.name == "sqlite" else EngineReader(conn)


def _review_day_values(lid: int, review: Review) -> dict[str, Any]:
    """The parameters of ADD_REVIEW_DAY / SUBTRACT_REVIEW_DAY for a logged answer."""
    return {
        "learner_id": lid,
        "day": review.day,
        "card_id": review.card_id,
        **reviewdays.counts(
            grade=int(review.grade),
            kind=str(review.kind),
            interval_before=review.before.interval,
            answer_ms=review.answer_ms,
        ),
    }


def _review_values(lid: int, review: Review) -> dict[str, Any]:
    """The reviews row of a logged answer."""
    return {
        "learner_id": lid,
        "card_id": review.card_id,
        "at": review.at,
        "day": review.day,
        "grade": int(review.grade),
        "kind": str(review.kind),
        **state_values(review.before, BEFORE),
        **state_values(review.after, AFTER),
        "answer_ms": review.answer_ms,
    }


def _state_values(review: Review, scheduler: Scheduler) -> dict[str, Any]:
    """The card_states columns an answer sets: its state after, re-drill day, leech tag."""
    after = review.after
    values: dict[str, Any] = {
        **state_values(after),
        "redrill_day": review.day if scheduler.in_redrill(review.grade) else None,
    }
    if scheduler.is_leech_lapse(review.before.lapses, after.lapses):
        values["leech"] = True
    return values


def _insert_many(
    conn: Connection, table: Table, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT many rows of values for the columns `names`.

    On SQLite through the driver's executemany, each value converted by its column's
    dialect bind processor (dates and times: the text `conn.execute(insert(...))` stores),
    each distinct date once: a million imported answers without SQLAlchemy's work per row.
    """
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(names):
        column_type = table.c[name].type
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        if processor is None:
            continue
        convert: Callable[[Any], Any] = processor
        if isinstance(column_type, Date):
            convert = functools.lru_cache(maxsize=4096)(processor)
        converters.append((index, convert))
    values: list[tuple[Any, ...]] = []
    for row in rows:
        converted = list(row)
        for index, to_db in converters:
            converted[index] = to_db(converted[index])
        values.append(tuple(converted))
    placeholders = ", ".join("?" * len(names))
    conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders})", values
    )


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """`values` in slices small enough for one IN list."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _replay(
    learner: str,
    card_id: str,
    history: Sequence[tuple[datetime, date, Grade, int]],
    scheduler: Scheduler,
) -> list[Review]:
    """A card's answers (time, study day, grade, ms; in time order) replayed from a new
    state: the first ever is a learn answer, a day's first a review, later ones that day
    re-drills that change nothing (the rules `Store.record` rebases an answer by)."""
    state = CardState()
    scheduled: set[date] = set()
    reviews: list[Review] = []
    for at, day, grade, answer_ms in history:
        if day in scheduled:
            kind = ReviewKind.REDRILL
        else:
            kind = ReviewKind.LEARN if state.is_new else ReviewKind.REVIEW
            scheduled.add(day)
        after = scheduler.review(state, grade, day=day, kind=kind, card_id=card_id)
        reviews.append(
            Review(
                learner=learner,
                card_id=card_id,
                at=at,
                day=day,
                grade=grade,
                kind=kind,
                before=state,
                after=after,
                answer_ms=answer_ms,
            )
        )
        state = after
    return reviews


CARD_COLUMNS = tuple(CARDS.c[name] for name in CARD_FIELDS)
STATE_COLUMNS = tuple(STATES.c[name] for name in STATE_FIELDS)


class Store:
    """A learner-aware progress store over one database (see the module docstring)."""

    def __init__(self, engine: Engine, where: str, *, scheduler: Scheduler | None = None) -> None:
        self.engine = engine
        self.where = where  # the file or URL, for messages
        # Rebases answers, sets re-drill days and leech tags (record, undo_last).
        self.scheduler = scheduler_for(DEFAULT) if scheduler is None else scheduler
        self._learner_ids: dict[str, int] = {}

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path, *, scheduler: Scheduler | None = None) -> Store:
        """Open (creating if needed) the store at a file path or SQLAlchemy URL and migrate it.

        Raises StoreError, leaving the file untouched, if it is not a SQLite
        database, is corrupt or read-only, or was written by a newer trainer.
        """
        url, path = _split_target(target)
        where = _describe(path, url.render_as_string(hide_password=True))
        new_file = False
        if path is not None:
            _check_file(path)
            new_file = not path.exists()
        options: dict[str, Any] = {}
        if url.get_backend_name() == "postgresql":
            options["connect_args"] = {
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "trainer",
            }
        try:
            engine = create_engine(url, **options)
        except ImportError as error:
            hint = (
                "; install the postgres extra: pip install 'trainer[postgres]'"
                if url.get_backend_name() == "postgresql"
                else ""
            )
            raise StoreError(f"cannot use the store {where}: {error}{hint}") from None
        except ArgumentError as error:
            raise StoreError(f"cannot use the store {where}: {error}") from None
        if engine.dialect.name == "sqlite":
            _sqlite_engine_events(engine)
        elif engine.dialect.name == "postgresql":
            _postgresql_engine_events(engine)
        store = cls(engine, where, scheduler=scheduler)
        try:
            store._prepare()
        except BaseException:
            engine.dispose()
            if new_file and path is not None:
                _remove_empty(path)
            raise
        return store

    def _prepare(self) -> None:
        if self.engine.dialect.name != "postgresql":
            self._prepare_store()
            return
        # Several trainers may open a new class store at once: one migrates, the others
        # wait for it (a session-level lock, held on a connection of its own).
        try:
            holder = self.engine.connect()
        except exc.OperationalError as error:
            message = " ".join(str(error.orig if error.orig is not None else error).split())
            raise StoreError(f"cannot connect to the store {self.where}: {message}") from None
        try:
            with self._errors():  # held too long (a class store's learner can hold it): busy
                holder.exec_driver_sql(f"SELECT pg_advisory_lock({DECKS_LOCK})")
            holder.commit()
            self._prepare_store()
        finally:
            try:
                holder.rollback()  # after a lock timeout the transaction is aborted
                holder.exec_driver_sql(f"SELECT pg_advisory_unlock({DECKS_LOCK})")
                holder.commit()
            finally:
                holder.close()

    def _prepare_store(self) -> None:
        try:
            with self.engine.connect() as conn:
                if conn.dialect.name == "postgresql" and not _schema_usable(conn):
                    raise StoreError(
                        f"{self.where} has no schema this role may use (a class store lets in "
                        "only its learners and instructors); ask the instructor to add you"
                    )
                names = migrations.applied(conn)
                if names is None and inspect(conn).get_table_names():
                    raise StoreError(
                        f"{self.where} is a database but not a trainer progress store; "
                        "pass another file with --db"
                    )
                newer = migrations.unknown(names or [])
                if newer:
                    raise StoreError(
                        f"{self.where} was written by a newer trainer (unknown schema migration "
                        f"{newer[0]!r}); upgrade trainer to use it"
                    )
            if self.engine.dialect.name == "sqlite":
                raw = self.engine.raw_connection()  # outside any transaction
                try:
                    raw.cursor().execute("PRAGMA journal_mode = WAL")
                finally:
                    raw.close()
            migrations.migrate(self.engine.connect)
        except StoreError:
            raise
        except (exc.OperationalError, sqlite3.OperationalError) as error:
            message = str(getattr(error, "orig", None) or error)
            if "readonly" in message or "read-only" in message:
                raise StoreError(
                    f"{self.where} is read-only; make it writable or pass another file with --db"
                ) from None
            if "disk is full" in message or "No space left" in message:
                raise StoreError(
                    f"cannot open the store {self.where}: the disk is full; free some space "
                    "or pass a file on another disk with --db"
                ) from None
            raise StoreError(f"cannot open the store {self.where}: {message}") from None
        except exc.DataError as error:
            raise self._unfit(error) from None
        except (exc.DatabaseError, sqlite3.DatabaseError) as error:
            if isinstance(error, exc.DatabaseError) and _permission_denied(error):
                # a class store's learner opening a newer trainer
                raise StoreError(
                    f"the class store {self.where} needs upgrading to this trainer's schema, "
                    "which your role may not do; ask its owner to run trainer class setup"
                ) from None
            raise self._corrupt(error) from None

    def _unfit(self, error: exc.DataError) -> StoreError:
        """A value the database would not keep (too long for its column, a NUL on
        PostgreSQL): about that value, not the store, which is as it was."""
        message = error_text(error)
        return StoreError(
            f"a value does not fit the store {self.where} ({message}); nothing was "
            "changed: shorten or correct that value"
        )

    def _corrupt(self, error: exc.DatabaseError | sqlite3.DatabaseError) -> StoreError:
        """The one message for a store SQLite cannot read, whenever that shows."""
        message = error_text(error)
        return StoreError(
            f"{self.where} is corrupt ({message}); restore it from a backup "
            "or pass another file with --db"
        )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite), committed on leaving."""
        with self._errors(), self.engine.connect() as conn:
            conn.execution_options(trainer_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._errors(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database failures in use (locked too long, disk full, corrupt page) as StoreError."""
        try:
            yield
        except (exc.OperationalError, sqlite3.OperationalError) as error:
            message = _message(error)
            if "locked" in message or "busy" in message or "lock timeout" in message:
                raise StoreError(
                    f"{self.where} is busy: another trainer has held it for more than "
                    f"{BUSY_TIMEOUT_MS // 1000} s; try again when it is done"
                ) from None
            raise StoreError(f"the store {self.where} failed: {message}") from None
        except exc.DataError as error:
            raise self._unfit(error) from None
        except exc.DatabaseError as error:
            if _permission_denied(error):  # the class store's privileges or row security
                message = " ".join(str(error.orig).split())
                raise StoreError(
                    f"the class store {self.where} refused: {message} (a learner changes only "
                    "their own progress; decks and the schema are the instructor's)"
                ) from None
            raise self._corrupt(error) from None
        except sqlite3.DatabaseError as error:  # from progress.sqlite_answer
            raise self._corrupt(error) from None

    # -- locks (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers) -------------

    @staticmethod
    def _lock(conn: Connection, learner_id: int | None = None, card_id: str | None = None) -> None:
        """Wait for the transaction-level advisory lock of a learner's card (else: of the decks).

        Taken before the first write of the transaction, so answers to one card are
        logged (their ids drawn) and applied in the same order. A card's lock comes after
        the learner's lock, shared (see `_lock_learner`), in two statements so the order
        is certain: a transaction holding a card's lock while it waited for the learner's
        (queued behind a rebuild's exclusive request) could close a cycle with an undo
        that holds the learner's lock and waits for that card.
        """
        if conn.dialect.name != "postgresql":
            return
        if learner_id is None or card_id is None:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DECKS_LOCK})
            return
        conn.execute(
            text("SELECT pg_advisory_xact_lock_shared(:key)"),
            {"key": LEARNER_LOCK_BASE + learner_id},
        )
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:learner, hashtext(:card))"),
            {"learner": learner_id, "card": card_id},
        )

    @staticmethod
    def _lock_learner(conn: Connection, learner_id: int) -> None:
        """Wait until no other transaction answers or undoes for the learner (PostgreSQL).

        For recomputing all of a learner's review_days rows: an answer committed
        between deleting them and reading the log could otherwise be counted twice.
        """
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": LEARNER_LOCK_BASE + learner_id},
            )

    # -- learners -----------------------------------------------------------------------

    def _learner_id(self, conn: Connection, name: str, *, create: bool) -> int | None:
        cached = self._learner_ids.get(name)
        if cached is not None:
            return cached
        found = conn.execute(select(LEARNERS.c.id).where(LEARNERS.c.name == name)).scalar()
        if found is None and create and conn.dialect.name == "postgresql":
            # Another session may be adding the same learner right now.
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(
                pg_insert(LEARNERS)
                .values(name=name)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            return int(
                conn.execute(select(LEARNERS.c.id).where(LEARNERS.c.name == name)).scalar_one()
            )
        if found is None and create:
            # Cached by the caller once its transaction has committed.
            return _new_id(conn.execute(insert(LEARNERS).values(name=name)))
        if found is not None:
            self._learner_ids[name] = int(found)
        return None if found is None else int(found)

    def learners(self) -> list[str]:
        with self._read() as conn:
            return list(conn.execute(select(LEARNERS.c.name).order_by(LEARNERS.c.name)).scalars())

    # -- answers ------------------------------------------------------------------------

    def card_state(self, learner: str, card_id: str) -> CardState:
        """The learner's state of a card (a fresh CardState for a new card or unknown learner)."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return CardState()
            row = conn.execute(
                select(*STATE_COLUMNS).where(
                    STATES.c.learner_id == lid, STATES.c.card_id == card_id
                )
            ).first()
        return CardState() if row is None else state_of(row)

    def card(self, card_id: str) -> Card | None:
        with self._read() as conn:
            row = conn.execute(select(*CARD_COLUMNS).where(CARDS.c.id == card_id)).first()
        return None if row is None else _card(row)

    def record(self, review: Review, *, rebase: bool = True) -> Review:
        """Log one answer and apply its new state, in one committed transaction.

        Sets the card's re-drill day (grade < 4: in `review.day`'s re-drill; 4-5: out)
        and tags it a leech when this answer brings its lapses to 8, 12, 16, ...

        Under the card's lock (BEGIN IMMEDIATE on SQLite, the advisory lock on
        PostgreSQL) the state is written only if it is still `review.before`. If
        another session of the learner answered the card in between, the answer is
        rebased on the card's current state instead (the scheduler's review of it: a
        re-drill answer when the card already had its scheduling answer, learn or
        review, on `review.day`). So no answer is lost and every card's state is the
        scheduler's replay of its log. Returns the review as stored, with its log id.

        `rebase=False` stores the review exactly as given, whatever the card's state
        (for building a made-up history, as the statistics tests do).
        """
        if rebase and self.engine.dialect.name == "sqlite":
            saved = self._record_sqlite(review)
            if saved is not None:
                return saved
        with self._write() as conn:
            lid = self._learner_id(conn, review.learner, create=True)
            assert lid is not None
            self._lock(conn, lid, review.card_id)
            mine = and_(STATES.c.learner_id == lid, STATES.c.card_id == review.card_id)
            before = review.before
            # A card seen before: one compare-and-set UPDATE (the state is still `before`).
            # A new card usually has no state row yet: read it, then insert one.
            applied = 0
            if not before.is_new:
                applied = conn.execute(
                    update(STATES)
                    .where(
                        mine,
                        *(
                            STATES.c[name].is_not_distinct_from(value)
                            for name, value in state_values(before).items()
                        ),
                    )
                    .values(**_state_values(review, self.scheduler))
                ).rowcount
            if not applied:
                row = conn.execute(select(*STATE_COLUMNS).where(mine)).first()
                current = CardState() if row is None else state_of(row)
                if rebase and current != before:
                    review = self._rebase(conn, lid, review, current)
                values = _state_values(review, self.scheduler)
                if row is None:
                    values.setdefault("leech", False)
                    conn.execute(
                        insert(STATES).values(
                            learner_id=lid,
                            card_id=review.card_id,
                            buried_until=None,
                            suspended=False,
                            **values,
                        )
                    )
                else:
                    conn.execute(update(STATES).where(mine).values(**values))
            review_id = _new_id(conn.execute(insert(REVIEWS).values(**_review_values(lid, review))))
            conn.execute(ADD_REVIEW_DAY, _review_day_values(lid, review))
        self._learner_ids[review.learner] = lid
        return replace(review, id=review_id)

    def _record_sqlite(self, review: Review) -> Review | None:
        """`record`'s usual case on SQLite, on the sqlite3 connection (progress.sqlite_answer);
        None (nothing written) when it needs the general path: a learner not seen yet in
        this process, or a card whose state changed since the session read it."""
        lid = self._learner_ids.get(review.learner)
        if lid is None:
            return None
        with self._errors():
            raw = self.engine.raw_connection()
            try:
                driver = raw.driver_connection
                assert isinstance(driver, sqlite3.Connection)
                review_id = sqlite_answer.record(
                    driver,
                    learner_id=lid,
                    card_id=review.card_id,
                    before=review.before,
                    state=_state_values(review, self.scheduler),
                    log=_review_values(lid, review),
                    day_totals=_review_day_values(lid, review),
                )
            finally:
                raw.close()
        return None if review_id is None else replace(review, id=review_id)

    def _rebase(self, conn: Connection, lid: int, review: Review, current: CardState) -> Review:
        """The answer on the card's `current` state (another session answered it meanwhile):
        a re-drill answer if the card already had its scheduling answer on `review.day`."""
        kind = ReviewKind.REDRILL
        if review.kind is not ReviewKind.REDRILL:
            scheduled = conn.execute(
                select(REVIEWS.c.id)
                .where(
                    REVIEWS.c.learner_id == lid,
                    REVIEWS.c.card_id == review.card_id,
                    REVIEWS.c.day == review.day,
                    REVIEWS.c.kind.in_([ReviewKind.LEARN.value, ReviewKind.REVIEW.value]),
                )
                .limit(1)
            ).first()
            if scheduled is None:
                kind = ReviewKind.LEARN if current.is_new else ReviewKind.REVIEW
        after = self.scheduler.review(
            current, review.grade, day=review.day, kind=kind, card_id=review.card_id
        )
        return replace(review, kind=kind, before=current, after=after)

    def _review(self, learner: str, row: Any) -> Review:
        return Review(
            learner=learner,
            card_id=row.card_id,
            at=row.at,
            day=row.day,
            grade=Grade(row.grade),
            kind=ReviewKind(row.kind),
            before=logged_state(row, BEFORE),
            after=logged_state(row, AFTER),
            answer_ms=row.answer_ms,
            id=row.id,
        )

    def undo_last(self, learner: str, *, review_id: int | None = None) -> Review | None:
        """Take back the learner's last logged answer: restore the state before it.

        With `review_id`, take back that answer instead (a session undoes its own
        answer, not one another terminal of the same learner logged since); it must
        still be the last answer to its card, else UndoError. Deletes the log row and
        recomputes the card's re-drill day from the answers left in the log, in one
        transaction. Returns the undone review (None if the learner has no answer to
        undo).
        """
        with self._write() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return None
            last = select(REVIEWS).where(REVIEWS.c.learner_id == lid).order_by(REVIEWS.c.id.desc())
            if review_id is not None:
                last = self._undoable(conn, lid, review_id)
            row = conn.execute(last).first()
            locked: set[str] = set()
            while row is not None and row.card_id not in locked:
                # PostgreSQL: lock the card, then look again (another session may have
                # answered or undone meanwhile). SQLite holds the write lock already.
                if conn.dialect.name != "postgresql":
                    break
                self._lock(conn, lid, row.card_id)
                locked.add(row.card_id)
                row = conn.execute(last).first()
            if row is None:
                return None
            review = self._review(learner, row)
            previous = conn.execute(
                select(REVIEWS.c.grade, REVIEWS.c.day)
                .where(
                    REVIEWS.c.learner_id == lid,
                    REVIEWS.c.card_id == review.card_id,
                    REVIEWS.c.id < review.id,
                )
                .order_by(REVIEWS.c.id.desc())
                .limit(1)
            ).first()
            redrill_day = (
                previous.day
                if previous is not None and self.scheduler.in_redrill(Grade(previous.grade))
                else None
            )
            before = review.before
            conn.execute(
                update(STATES)
                .where(STATES.c.learner_id == lid, STATES.c.card_id == review.card_id)
                .values(
                    **state_values(before),
                    redrill_day=redrill_day,
                    leech=is_leech(self.scheduler, before.lapses),
                )
            )
            conn.execute(delete(REVIEWS).where(REVIEWS.c.id == review.id))
            values = _review_day_values(lid, review)
            conn.execute(SUBTRACT_REVIEW_DAY, values)
            conn.execute(
                DELETE_EMPTY_REVIEW_DAY,
                {key: values[key] for key in ("learner_id", "day", "card_id")},
            )
        return review

    def _undoable(self, conn: Connection, lid: int, review_id: int) -> Select[Any]:
        """The query of the last answer to the card of answer `review_id`, checked to be it.

        On PostgreSQL the card is locked first, so no other session answers it between
        this check and the undo.
        """
        card_id = conn.execute(
            select(REVIEWS.c.card_id).where(REVIEWS.c.learner_id == lid, REVIEWS.c.id == review_id)
        ).scalar()
        if card_id is None:
            raise UndoError("that answer was already taken back in another session")
        if conn.dialect.name == "postgresql":
            self._lock(conn, lid, card_id)
        last = (
            select(REVIEWS)
            .where(REVIEWS.c.learner_id == lid, REVIEWS.c.card_id == card_id)
            .order_by(REVIEWS.c.id.desc())
            .limit(1)
        )
        row = conn.execute(last).first()
        if row is None:
            raise UndoError("that answer was already taken back in another session")
        if row.id != review_id:
            term = conn.execute(select(CARDS.c.term).where(CARDS.c.id == card_id)).scalar()
            raise UndoError(f"another session of this learner answered {term or card_id!r} since")
        return last

    # -- the learner's scheduler (trainer.progress.scheduler) ----------------------------

    def scheduler_config(self, learner: str) -> SchedulerConfig:
        """The learner's stored scheduler and settings (SM-2 when none are stored)."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return DEFAULT
            row = conn.execute(text(schedulers.CONFIG_SQL), {"learner_id": lid}).first()
            return schedulers.config_of(row)

    def use_learner_scheduler(self, learner: str) -> Scheduler:
        """Make the learner's chosen scheduler this store's (record, undo and rebase use
        it) and return it. FSRS without its extra raises FSRSUnavailableError."""
        self.scheduler = scheduler_for(self.scheduler_config(learner))
        return self.scheduler

    def log_rows(self, learner: str) -> tuple[list[tuple[str, int, int]], int]:
        """The learner's log as (card id, study day ordinal, grade) in log order, and the
        id of its last row (0: none), for `set_scheduler(..., log_upto=)`."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return [], 0
            result = conn.exec_driver_sql(
                "SELECT id, card_id, day, grade FROM reviews WHERE learner_id = "
                + ("?" if conn.dialect.name == "sqlite" else "%(lid)s")
                + " ORDER BY id",
                (lid,) if conn.dialect.name == "sqlite" else {"lid": lid},
            )
            ordinals: dict[Any, int] = {}
            rows = []
            last = 0
            for review_id, card_id, day, grade in result:
                ordinal = ordinals.get(day)
                if ordinal is None:
                    value = to_date(day)
                    assert value is not None
                    ordinal = ordinals[day] = value.toordinal()
                rows.append((card_id, ordinal, grade))
                last = review_id
            return rows, last

    def card_states(self, learner: str) -> dict[str, CardState]:
        """Every state row of the learner (suspended and retired cards too)."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return {}
            rows = conn.execute(
                select(STATES.c.card_id, *STATE_COLUMNS).where(STATES.c.learner_id == lid)
            )
            return {card_id: state_of(values) for card_id, *values in rows}

    def active_states(self, learner: str, decks: Sequence[str] = ()) -> dict[str, CardState]:
        """The learner's states of cards that are studied now: in the decks (every active
        deck when none are given), not retired, not suspended."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return {}
            rows = conn.execute(
                select(STATES.c.card_id, *STATE_COLUMNS)
                .join(CARDS, CARDS.c.id == STATES.c.card_id)
                .where(
                    STATES.c.learner_id == lid,
                    STATES.c.suspended == false(),
                    CARDS.c.retired == false(),
                    CARDS.c.deck_slug.in_(self._deck_choice(conn, decks)),
                )
            )
            return {card_id: state_of(values) for card_id, *values in rows}

    def new_card_count(self, learner: str, decks: Sequence[str] = ()) -> int:
        """Cards of the decks (active ones when none are given) the learner never graded
        and did not suspend, retired ones left out: what new-card limits draw from."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            slugs = self._deck_choice(conn, decks)
            cards = (
                select(func.count())
                .select_from(CARDS)
                .where(CARDS.c.deck_slug.in_(slugs), CARDS.c.retired == false())
            )
            total = int(conn.execute(cards).scalar_one())
            if lid is None:
                return total
            seen = conn.execute(
                select(func.count())
                .select_from(STATES)
                .join(CARDS, CARDS.c.id == STATES.c.card_id)
                .where(
                    STATES.c.learner_id == lid,
                    CARDS.c.deck_slug.in_(slugs),
                    CARDS.c.retired == false(),
                    or_(STATES.c.due.is_not(None), STATES.c.suspended == true()),
                )
            ).scalar_one()
            return total - int(seen)

    @staticmethod
    def _deck_choice(conn: Connection, decks: Sequence[str]) -> list[str]:
        return deck_slugs(_queue_reader(conn), decks)

    def answer_shares(self, learner: str) -> list[tuple[str, int, int, float]]:
        """(kind, grade, answers, mean answer ms) over the learner's whole log."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return []
            rows = conn.execute(
                select(
                    REVIEWS.c.kind,
                    REVIEWS.c.grade,
                    func.count(),
                    func.avg(REVIEWS.c.answer_ms),
                )
                .where(REVIEWS.c.learner_id == lid)
                .group_by(REVIEWS.c.kind, REVIEWS.c.grade)
            )
            return [(str(k), int(g), int(n), float(ms or 0)) for k, g, n, ms in rows]

    def replayed_states(
        self, learner: str, scheduler: Scheduler
    ) -> tuple[dict[str, CardState], int, int]:
        """Each card's state after its whole log replayed through `scheduler` from a new
        state (the day's first answer schedules, later ones that day are re-drills, as
        `_replay` and `record` read the log), the log rows read and the last one's id."""
        rows, upto = self.log_rows(learner)
        states: dict[str, CardState] = {}
        scheduled: dict[str, int] = {}
        grades = list(Grade)
        for card_id, day, grade in rows:
            state = states.get(card_id, CardState())
            if scheduled.get(card_id) == day:
                kind = ReviewKind.REDRILL
            else:
                kind = ReviewKind.LEARN if state.is_new else ReviewKind.REVIEW
                scheduled[card_id] = day
            states[card_id] = scheduler.review(
                state, grades[grade], day=date.fromordinal(day), kind=kind, card_id=card_id
            )
        return states, len(rows), upto

    def set_scheduler(
        self,
        learner: str,
        config: SchedulerConfig,
        states: dict[str, CardState] | None,
        *,
        log_upto: int | None = None,
    ) -> None:
        """Store the learner's scheduler settings and (unless None) these card states, in
        one transaction under the learner's lock.

        Only the scheduling columns of existing state rows change (re-drill days, burying,
        suspension and leech tags stay). With `log_upto`, refuses (StoreError, nothing
        changed) if the learner's log has grown past that review id since the states
        were computed: an answer given meanwhile would be overwritten.
        """
        with self._write() as conn:
            lid = self._learner_id(conn, learner, create=True)
            assert lid is not None
            self._lock_learner(conn, lid)
            if log_upto is not None:
                last = conn.execute(
                    select(func.coalesce(func.max(REVIEWS.c.id), 0)).where(
                        REVIEWS.c.learner_id == lid
                    )
                ).scalar_one()
                if int(last) != log_upto:
                    raise StoreError(
                        "answers were logged while the card states were being computed;"
                        " nothing changed: run the command again"
                    )
            conn.execute(text(schedulers.DELETE_SQL), {"learner_id": lid})
            conn.execute(text(schedulers.INSERT_SQL), schedulers.row_values(lid, config))
            if states:
                statement = (
                    update(STATES)
                    .where(
                        STATES.c.learner_id == bindparam("lid"),
                        STATES.c.card_id == bindparam("cid"),
                    )
                    .values({name: bindparam("v_" + name) for name in STATE_FIELDS})
                )
                batch = [
                    {
                        "lid": lid,
                        "cid": card_id,
                        **{"v_" + k: v for k, v in state_values(state).items()},
                    }
                    for card_id, state in states.items()
                ]
                for start in range(0, len(batch), 5000):
                    conn.execute(statement, batch[start : start + 5000])
        self._learner_ids[learner] = lid

    def history(self, learner: str, card_id: str) -> list[Review]:
        """The learner's logged answers to a card, oldest first."""
        with self._read() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return []
            rows = conn.execute(
                select(REVIEWS)
                .where(REVIEWS.c.learner_id == lid, REVIEWS.c.card_id == card_id)
                .order_by(REVIEWS.c.id)
            )
            return [self._review(learner, row) for row in rows]

    def rebuild_states(self, learner: str) -> dict[str, CardState]:
        """Every card's current state, from the review log alone (the last `after` per card).

        Also recomputes the learner's review_days rows from the log, in one committed
        transaction.
        """
        states: dict[str, CardState] = {}
        with self._write() as conn:
            lid = self._learner_id(conn, learner, create=False)
            if lid is None:
                return states
            self._lock_learner(conn, lid)
            conn.execute(text(reviewdays.DELETE_LEARNER_SQL), {"learner_id": lid})
            reviewdays.backfill_review_days(conn, lid)
            rows = conn.execute(
                select(REVIEWS.c.card_id, *(REVIEWS.c[name + AFTER] for name in STATE_FIELDS))
                .where(REVIEWS.c.learner_id == lid)
                .order_by(REVIEWS.c.id)
            )
            for card_id, *values in rows:
                states[card_id] = state_of(values)
        return states

    def merge_answers(
        self,
        learner: str,
        answers: Sequence[TimedAnswer],
        *,
        day_of: Callable[[datetime], date],
        dry_run: bool = False,
    ) -> MergeReport:
        """Add answers made elsewhere (Anki's reviews) to the learner's log and rebuild the
        states of their cards by replaying each card's merged log in time order, in one
        committed transaction (with `dry_run`, only say what it would do).

        `day_of` gives an answer's study day. In the replay, a card's first answer ever
        is a learn answer, a study day's first answer to it a review, and any later
        answer that day a re-drill (it schedules nothing), as `record` rebases them; each
        of those cards' log rows is written again in time order with its new before and
        after states (so its ids change). Suspension and burying stay as they were. The
        caller passes only answers the log does not have yet.
        """
        mine = sorted(answers, key=lambda a: (a.at, a.card_id))
        cards = sorted({a.card_id for a in mine})
        if not cards:
            return MergeReport(0, 0)
        connect = self._read if dry_run else self._write
        with connect() as conn:
            lid = self._learner_id(conn, learner, create=not dry_run)
            if lid is not None and not dry_run:
                self._lock_learner(conn, lid)
            known = {
                card_id
                for chunk in _chunks(cards)
                for (card_id,) in conn.execute(select(CARDS.c.id).where(CARDS.c.id.in_(chunk)))
            }
            unknown = [card_id for card_id in cards if card_id not in known]
            if unknown:
                raise StoreError(f"the store {self.where} has no card {unknown[0]!r}")
            logged: dict[str, list[tuple[datetime, date, Grade, int]]] = {}
            current: dict[str, tuple[CardState, bool]] = {}
            if lid is not None:
                for chunk in _chunks(cards):
                    rows = conn.execute(
                        select(
                            REVIEWS.c.card_id,
                            REVIEWS.c.at,
                            REVIEWS.c.day,
                            REVIEWS.c.grade,
                            REVIEWS.c.answer_ms,
                        )
                        .where(REVIEWS.c.learner_id == lid, REVIEWS.c.card_id.in_(chunk))
                        .order_by(REVIEWS.c.id)
                    )
                    for card_id, at, day, grade, answer_ms in rows:
                        logged.setdefault(card_id, []).append((at, day, Grade(grade), answer_ms))
                    states = conn.execute(
                        select(STATES.c.card_id, *STATE_COLUMNS, STATES.c.leech).where(
                            STATES.c.learner_id == lid, STATES.c.card_id.in_(chunk)
                        )
                    )
                    for card_id, *columns, leech in states:
                        current[card_id] = (state_of(columns), bool(leech))
            for answer in mine:
                logged.setdefault(answer.card_id, []).append(
                    (answer.at, day_of(answer.at), answer.grade, answer.answer_ms)
                )
            replayed: list[Review] = []
            finals: dict[str, dict[str, Any]] = {}
            changed = 0
            for card_id in cards:
                history = sorted(logged[card_id], key=lambda row: row[0])
                reviews = _replay(learner, card_id, history, self.scheduler)
                replayed += reviews
                final = _state_values(reviews[-1], self.scheduler)
                final["leech"] = any(
                    self.scheduler.is_leech_lapse(r.before.lapses, r.after.lapses) for r in reviews
                )
                finals[card_id] = final
                if current.get(card_id) != (reviews[-1].after, final["leech"]):
                    changed += 1
            report = MergeReport(added=len(mine), cards=changed)
            if dry_run:
                return report
            assert lid is not None
            for chunk in _chunks(cards):
                conn.execute(
                    delete(REVIEWS).where(REVIEWS.c.learner_id == lid, REVIEWS.c.card_id.in_(chunk))
                )
            replayed.sort(key=lambda r: r.at)
            logged_rows = [_review_values(lid, r) for r in replayed]
            if logged_rows:
                names = tuple(logged_rows[0])
                _insert_many(conn, REVIEWS, names, [tuple(row.values()) for row in logged_rows])
            updates = [
                {"b_card_id": card_id, **values}
                for card_id, values in finals.items()
                if card_id in current
            ]
            if updates:
                conn.execute(
                    update(STATES)
                    .where(STATES.c.learner_id == lid, STATES.c.card_id == bindparam("b_card_id"))
                    .values({key: bindparam(key) for key in updates[0] if key != "b_card_id"}),
                    updates,
                )
            inserts = [
                {
                    "learner_id": lid,
                    "card_id": card_id,
                    "buried_until": None,
                    "suspended": False,
                    **values,
                }
                for card_id, values in finals.items()
                if card_id not in current
            ]
            if inserts:
                names = tuple(inserts[0])
                _insert_many(conn, STATES, names, [tuple(row.values()) for row in inserts])
            conn.execute(text(reviewdays.DELETE_LEARNER_SQL), {"learner_id": lid})
            reviewdays.backfill_review_days(conn, lid)
        self._learner_ids[learner] = lid
        return report

    def _set_flags(self, learner: str, card_id: str, **values: Any) -> None:
        with self._write() as conn:
            lid = self._learner_id(conn, learner, create=True)
            assert lid is not None
            self._lock(conn, lid, card_id)
            updated = conn.execute(
                update(STATES)
                .where(STATES.c.learner_id == lid, STATES.c.card_id == card_id)
                .values(**values)
            )
            if updated.rowcount == 0:
                row = {
                    **state_values(CardState()),
                    "redrill_day": None,
                    "buried_until": None,
                    "suspended": False,
                    "leech": False,
                }
                row.update(values)
                conn.execute(insert(STATES).values(learner_id=lid, card_id=card_id, **row))
        self._learner_ids[learner] = lid

    def bury(self, learner: str, card_id: str, until: date) -> None:
        """Hide the card from the learner's queues before study day `until`."""
        self._set_flags(learner, card_id, buried_until=until)

    def set_suspended(self, learner: str, card_id: str, suspended: bool) -> None:
        self._set_flags(learner, card_id, suspended=suspended)

    # -- queue inputs -------------------------------------------------------------------

    # The queue's SQL is trainer.progress.queue's, shared with `trainer status` (which reads a
    # fresh SQLite store without SQLAlchemy): here it runs on the store's connection.

    @contextmanager
    def _queue_source(self) -> Iterator[queue.QueueReader]:
        """progress.queue's reads on one read connection, sharing the store's learner ids."""
        with self._read() as conn:
            yield queue.QueueReader(_queue_reader(conn), ids=self._learner_ids)

    @contextmanager
    def reading(self) -> Iterator[Progress]:
        """The read front on one of this store's connections, for a command that also
        writes (each use sees the answers committed before it)."""
        from trainer.progress.front import Progress

        with self._read() as conn:
            yield Progress(_queue_reader(conn), ids=self._learner_ids)

    def reader(self) -> Reader:
        """A plain-SQL reader on a new connection of this store (the caller closes it)."""
        return EngineReader(self.engine.connect())

    def redrill_cards(
        self, learner: str, decks: Sequence[str | Deck | DeckInfo] | None, day: date
    ) -> list[StudyCard]:
        """Cards in the learner's re-drill of `day` (graded below 4 and not yet 4+ again)."""
        with self._queue_source() as source:
            return source.redrill_cards(learner, _slugs(decks), day)

    def due_cards(
        self,
        learner: str,
        decks: Sequence[str | Deck | DeckInfo] | None,
        day: date,
        limit: int | None = None,
    ) -> list[StudyCard]:
        """Cards due on or before `day`, most overdue first, then deck order.

        `decks` (slugs or decks) limits the decks; None or empty means every active deck.
        """
        with self._queue_source() as source:
            return source.due_cards(learner, _slugs(decks), day, limit)

    def new_cards(
        self,
        learner: str,
        decks: Sequence[str | Deck | DeckInfo] | None,
        day: date,
        limit: int | None = None,
    ) -> list[StudyCard]:
        """Cards the learner has never graded, in deck order then card order.

        Decks the learner has finished are skipped without reading their cards
        (trainer.progress.queue.new_cards).
        """
        with self._queue_source() as source:
            return source.new_cards(learner, _slugs(decks), day, limit)

    def done_today(self, learner: str, day: date) -> DayCounts:
        """How many answers of each kind the learner logged on study day `day`."""
        with self._queue_source() as source:
            return source.done_today(learner, day)

    def entries_studied(self, learner: str, day: date) -> set[tuple[str, str]]:
        """(deck, entry) pairs the learner answered on `day`, for burying sibling cards."""
        with self._queue_source() as source:
            return source.entries_studied(learner, day)

    # -- decks --------------------------------------------------------------------------

    # -- decks: sync and registration live in trainer.progress.sync -------------------------

    def sync_decks(self, files: Sequence[DeckSource]) -> SyncReport:
        """Bring the store's decks and cards in line with deck files (`sync.sync_decks`)."""
        from trainer.progress import sync

        return sync.sync_decks(self, files)

    def register_deck(self, path: Path, deck: Deck) -> None:
        """Add (or re-activate) a learner's own deck file (`sync.register_deck`)."""
        from trainer.progress import sync

        sync.register_deck(self, path, deck)

    def remove_deck(self, slug: str) -> bool:
        """Stop using a registered deck (`sync.remove_deck`)."""
        from trainer.progress import sync

        return sync.remove_deck(self, slug)

    def registered_paths(self) -> list[Path]:
        """Files of the active registered (non-bundled) decks, in registration order."""
        with self._read() as conn:
            rows = conn.execute(text(REGISTERED_SQL)).scalars()
            return [Path(path) for path in rows if path]

    def deck_infos(self, *, include_inactive: bool = False) -> list[DeckInfo]:
        """Decks in deck order, with their count of cards that are not retired."""
        with self._read() as conn:
            return queue.deck_infos(_queue_reader(conn), include_inactive=include_inactive)

    # -- browsing -----------------------------------------------------------------------

    def list_cards(
        self,
        learner: str,
        *,
        decks: Sequence[str | Deck | DeckInfo] | None = None,
        due_on: date | None = None,
        state: str | None = None,
        search: str | None = None,
        leeches: bool = False,
    ) -> list[CardListing]:
        """Cards of active decks with the learner's progress, in deck and card order.

        `due_on`: only cards due on or before that study day (without `state`, not
        suspended or retired ones: those are in no queue); `state`: new, learning,
        review, suspended or retired; `search`: case-insensitive text in the id,
        term, front or back; `leeches`: only cards tagged as leeches.
        """
        from trainer.progress import browse
        from trainer.progress.readers import EngineReader

        with self._read() as conn:
            which = browse.CardFilter(_slugs(decks), due_on, state, search, leeches)
            return browse.list_cards(EngineReader(conn), learner, which)
