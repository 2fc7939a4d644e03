"""Named schema migrations of the progress store, run in order whenever it is opened.

Each migration is a function over a connection, recorded by name in the
`schema_migrations` table once it has run (in the same transaction). A store
whose table names a migration this list does not know was written by a newer
trainer: the store refuses to open it instead of guessing.

Migrations are frozen: 0001 spells out the first release's tables itself (it
does not use the ORM classes in trainer.progress.store, which follow the latest schema),
so a store made by any release upgrades the same way. Everything here is
SQLAlchemy Core, portable across dialects.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
)

from trainer.progress.schema import MIGRATION_NAMES, MIGRATIONS_TABLE


def _migrations_table(metadata: MetaData) -> Table:
    return Table(
        MIGRATIONS_TABLE,
        metadata,
        Column("name", String(100), primary_key=True),
        Column("applied_at", DateTime(timezone=True), nullable=False),
    )


def _initial(conn: Connection) -> None:
    """0001: decks, cards, learners, card_states, reviews (the first release's schema)."""
    md = MetaData()
    Table(
        "decks",
        md,
        Column("slug", String(100), primary_key=True),
        Column("title", Text, nullable=False),
        Column("description", Text, nullable=False),
        Column("anki_deck_id", BigInteger, nullable=False),
        Column("bundled", Boolean, nullable=False),
        Column("path", Text, nullable=True),
        Column("active", Boolean, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("position", Integer, nullable=False),
    )
    Table(
        "cards",
        md,
        Column("id", String(300), primary_key=True),
        Column("deck_slug", String(100), ForeignKey("decks.slug"), nullable=False, index=True),
        Column("entry_id", String(200), nullable=False),
        Column("direction", String(10), nullable=False),
        Column("term", Text, nullable=False),
        Column("front", Text, nullable=False),
        Column("back", Text, nullable=False),
        Column("ord", Integer, nullable=False),
        Column("retired", Boolean, nullable=False),
        Index("ix_cards_deck_entry", "deck_slug", "entry_id"),
    )
    Table(
        "learners",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(200), nullable=False, unique=True),
    )
    Table(
        "card_states",
        md,
        Column("learner_id", Integer, ForeignKey("learners.id"), primary_key=True),
        Column("card_id", String(300), ForeignKey("cards.id"), primary_key=True),
        Column("n", Integer, nullable=False),
        Column("ef", SmallInteger, nullable=False),
        Column("interval", Integer, nullable=False),
        Column("due", Date, nullable=True),
        Column("lapses", Integer, nullable=False),
        Column("redrill_day", Date, nullable=True),
        Column("buried_until", Date, nullable=True),
        Column("suspended", Boolean, nullable=False),
        Column("leech", Boolean, nullable=False),
        Index("ix_card_states_learner_due", "learner_id", "due"),
    )
    Table(
        "reviews",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("learner_id", Integer, ForeignKey("learners.id"), nullable=False),
        Column("card_id", String(300), ForeignKey("cards.id"), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("day", Date, nullable=False),
        Column("grade", SmallInteger, nullable=False),
        Column("kind", String(10), nullable=False),
        Column("n_before", Integer, nullable=False),
        Column("ef_before", SmallInteger, nullable=False),
        Column("interval_before", Integer, nullable=False),
        Column("due_before", Date, nullable=True),
        Column("lapses_before", Integer, nullable=False),
        Column("n_after", Integer, nullable=False),
        Column("ef_after", SmallInteger, nullable=False),
        Column("interval_after", Integer, nullable=False),
        Column("due_after", Date, nullable=True),
        Column("lapses_after", Integer, nullable=False),
        Column("answer_ms", Integer, nullable=False),
        Index("ix_reviews_learner_day", "learner_id", "day"),
        Index("ix_reviews_learner_card", "learner_id", "card_id", "id"),
    )
    md.create_all(conn)


def _queue_indexes(conn: Connection) -> None:
    """0002: indexes for the study queue (re-drill of a day, new cards in deck order, undo)."""
    md = MetaData()
    md.reflect(conn, only=["cards", "card_states", "reviews"])
    cards, states, reviews = md.tables["cards"], md.tables["card_states"], md.tables["reviews"]
    # Partial: almost every row has no re-drill day, and the planner should know it.
    in_redrill = states.c.redrill_day.is_not(None)
    Index(
        "ix_card_states_learner_redrill",
        states.c.learner_id,
        states.c.redrill_day,
        sqlite_where=in_redrill,
        postgresql_where=in_redrill,
    ).create(conn)
    Index("ix_cards_deck_ord", cards.c.deck_slug, cards.c.ord).create(conn)
    Index("ix_reviews_learner_id", reviews.c.learner_id, reviews.c.id).create(conn)


def _deck_file_stat(conn: Connection) -> None:
    """0003: the size and modification time of each deck file when last synced.

    An unchanged file (same size, same mtime) is then skipped without reading it.
    """
    bigint = BigInteger().compile(dialect=conn.dialect)
    for column in ("file_size", "file_mtime_ns"):
        conn.execute(text(f"ALTER TABLE decks ADD COLUMN {column} {bigint}"))


def _finished_deck_index(conn: Connection) -> None:
    """0004: (learner, card id, due) on card states, so counting a learner's graded cards
    of one deck (a range of card ids) reads the index only."""
    md = MetaData()
    md.reflect(conn, only=["card_states"])
    states = md.tables["card_states"]
    Index(
        "ix_card_states_learner_card_due", states.c.learner_id, states.c.card_id, states.c.due
    ).create(conn)


def _stats_indexes(conn: Connection) -> None:
    """0005: covering indexes for `trainer stats`, so its aggregates read indexes only.

    - reviews (learner, day, kind, interval before, grade): true retention reads the
      `review` answers of a year without touching the table (day before kind: with kind
      first, SQLite used the index for one day's answers on the learner alone and
      scanned the whole log: `done_today` 0.07 -> 130 ms at 1,000,000 rows); it
      replaces 0001's (learner, day) index, its prefix;
    - cards (deck, retired): the card totals per deck;
    - card_states (learner, suspended, due, buried until, n, interval, E-Factor, lapses,
      leech, card id): the counts, histograms, forecast, leeches and hardest cards.
    """
    md = MetaData()
    md.reflect(conn, only=["cards", "card_states", "reviews"])
    cards, states, reviews = md.tables["cards"], md.tables["card_states"], md.tables["reviews"]
    r, s = reviews.c, states.c
    Index(
        "ix_reviews_learner_day_kind", r.learner_id, r.day, r.kind, r.interval_before, r.grade
    ).create(conn)
    # Its prefix (learner, day) from 0001 now only costs a write per answer.
    Index("ix_reviews_learner_day", r.learner_id, r.day).drop(conn)
    Index("ix_cards_deck_retired", cards.c.deck_slug, cards.c.retired).create(conn)
    Index(
        "ix_card_states_learner_stats",
        *(s.learner_id, s.suspended, s.due, s.buried_until, s.n, s.interval),
        *(s.ef, s.lapses, s.leech, s.card_id),
    ).create(conn)


def _review_days(conn: Connection) -> None:
    """0006: `review_days`, per-day totals of the log (see trainer.progress.reviewdays), backfilled.

    One row per learner, study day and deck, filled from the log in one
    INSERT ... SELECT ... GROUP BY. The backfill SQL is trainer.progress.reviewdays' own: if a
    later migration changes the table's columns, freeze a copy of today's SQL here.
    """
    from trainer.progress.reviewdays import backfill_review_days

    md = MetaData()
    Table("learners", md, Column("id", Integer, primary_key=True))  # for the foreign key
    counters = [
        Column(name, BigInteger if name == "answer_ms" else Integer, nullable=False)
        for name in _REVIEW_DAYS_COUNTERS
    ]
    Table(
        "review_days",
        md,
        Column("learner_id", Integer, ForeignKey("learners.id"), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("deck_slug", String(100), primary_key=True),
        *counters,
    ).create(conn)
    backfill_review_days(conn)


# The counter columns of 0006, frozen (trainer.progress.reviewdays.COUNTERS may grow later).
_REVIEW_DAYS_COUNTERS = (
    *("answers", "passed", "learned", "reviewed", "redrilled", "answer_ms"),
    *(f"grade_{grade}" for grade in range(6)),
    *("young_reviews", "young_passed", "mature_reviews", "mature_passed"),
)


# 0007: the queue's counters, kept by triggers (SQLite and PostgreSQL spell them apart).
_QUEUE_COUNTER_BACKFILL = (
    "INSERT INTO deck_sizes (deck_slug, cards, live)"
    " SELECT deck_slug, COUNT(*), SUM(CASE WHEN retired THEN 0 ELSE 1 END)"
    " FROM cards GROUP BY deck_slug",
    "INSERT INTO deck_progress (learner_id, deck_slug, graded)"
    " SELECT s.learner_id, c.deck_slug, COUNT(*) FROM card_states s"
    " JOIN cards c ON c.id = s.card_id WHERE s.due IS NOT NULL"
    " GROUP BY s.learner_id, c.deck_slug",
)
# What one card (OLD or NEW) takes from or adds to its deck's sizes, and one graded
# state to its learner's deck progress. SQLite: INSERT OR IGNORE, then UPDATE.
_SQLITE_CARD_OUT = (
    "UPDATE deck_sizes SET cards = cards - 1,"
    " live = live - (CASE WHEN OLD.retired THEN 0 ELSE 1 END)"
    " WHERE deck_slug = OLD.deck_slug;"
)
_SQLITE_CARD_IN = (
    "INSERT OR IGNORE INTO deck_sizes (deck_slug, cards, live) VALUES (NEW.deck_slug, 0, 0);"
    " UPDATE deck_sizes SET cards = cards + 1,"
    " live = live + (CASE WHEN NEW.retired THEN 0 ELSE 1 END)"
    " WHERE deck_slug = NEW.deck_slug;"
)
_SQLITE_GRADED_OUT = (
    "UPDATE deck_progress SET graded = graded - 1 WHERE learner_id = OLD.learner_id"
    " AND deck_slug = (SELECT deck_slug FROM cards WHERE id = OLD.card_id);"
)
_SQLITE_GRADED_IN = (
    "INSERT OR IGNORE INTO deck_progress (learner_id, deck_slug, graded)"
    " SELECT NEW.learner_id, deck_slug, 0 FROM cards WHERE id = NEW.card_id;"
    " UPDATE deck_progress SET graded = graded + 1 WHERE learner_id = NEW.learner_id"
    " AND deck_slug = (SELECT deck_slug FROM cards WHERE id = NEW.card_id);"
)
_SQLITE_QUEUE_TRIGGERS = (
    f"CREATE TRIGGER trg_cards_insert_count AFTER INSERT ON cards BEGIN {_SQLITE_CARD_IN} END",
    f"CREATE TRIGGER trg_cards_delete_count AFTER DELETE ON cards BEGIN {_SQLITE_CARD_OUT} END",
    "CREATE TRIGGER trg_cards_update_count AFTER UPDATE OF retired, deck_slug ON cards"
    " WHEN OLD.retired <> NEW.retired OR OLD.deck_slug <> NEW.deck_slug"
    f" BEGIN {_SQLITE_CARD_OUT} {_SQLITE_CARD_IN} END",
    "CREATE TRIGGER trg_card_states_insert_count AFTER INSERT ON card_states"
    f" WHEN NEW.due IS NOT NULL BEGIN {_SQLITE_GRADED_IN} END",
    "CREATE TRIGGER trg_card_states_delete_count AFTER DELETE ON card_states"
    f" WHEN OLD.due IS NOT NULL BEGIN {_SQLITE_GRADED_OUT} END",
    # A state row's learner and card never change (its primary key): only due matters.
    "CREATE TRIGGER trg_card_states_graded_count AFTER UPDATE OF due ON card_states"
    f" WHEN OLD.due IS NULL AND NEW.due IS NOT NULL BEGIN {_SQLITE_GRADED_IN} END",
    "CREATE TRIGGER trg_card_states_ungraded_count AFTER UPDATE OF due ON card_states"
    f" WHEN OLD.due IS NOT NULL AND NEW.due IS NULL BEGIN {_SQLITE_GRADED_OUT} END",
)
_POSTGRESQL_QUEUE_TRIGGERS = (
    """CREATE FUNCTION trainer_count_cards() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE deck_sizes SET cards = cards - 1,
            live = live - (CASE WHEN OLD.retired THEN 0 ELSE 1 END)
        WHERE deck_slug = OLD.deck_slug;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO deck_sizes AS z (deck_slug, cards, live)
        VALUES (NEW.deck_slug, 1, CASE WHEN NEW.retired THEN 0 ELSE 1 END)
        ON CONFLICT (deck_slug)
        DO UPDATE SET cards = z.cards + 1, live = z.live + EXCLUDED.live;
    END IF;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION trainer_count_graded() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.due IS NOT NULL THEN
        UPDATE deck_progress SET graded = graded - 1
        WHERE learner_id = OLD.learner_id
        AND deck_slug = (SELECT deck_slug FROM cards WHERE id = OLD.card_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.due IS NOT NULL THEN
        INSERT INTO deck_progress AS p (learner_id, deck_slug, graded)
        SELECT NEW.learner_id, deck_slug, 1 FROM cards WHERE id = NEW.card_id
        ON CONFLICT (learner_id, deck_slug) DO UPDATE SET graded = p.graded + 1;
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER trg_cards_count AFTER INSERT OR DELETE ON cards"
    " FOR EACH ROW EXECUTE PROCEDURE trainer_count_cards()",
    "CREATE TRIGGER trg_cards_update_count AFTER UPDATE OF retired, deck_slug ON cards"
    " FOR EACH ROW WHEN (OLD.retired IS DISTINCT FROM NEW.retired"
    " OR OLD.deck_slug IS DISTINCT FROM NEW.deck_slug)"
    " EXECUTE PROCEDURE trainer_count_cards()",
    "CREATE TRIGGER trg_card_states_count AFTER INSERT OR DELETE ON card_states"
    " FOR EACH ROW EXECUTE PROCEDURE trainer_count_graded()",
    "CREATE TRIGGER trg_card_states_update_count AFTER UPDATE OF due ON card_states"
    " FOR EACH ROW WHEN ((OLD.due IS NULL) IS DISTINCT FROM (NEW.due IS NULL))"
    " EXECUTE PROCEDURE trainer_count_graded()",
)


def _queue_index(conn: Connection) -> None:
    """0007: what today's queue reads, cheaply.

    - ix_card_states_queue: a partial covering index of the learner's due states (not
      suspended), in due order with everything the due query reads, so the queue reads
      no table row of card_states. Text SQL: the WHERE must be written the same way on
      both databases, and SQLite uses it only when a query names `due IS NOT NULL AND
      NOT suspended` itself (trainer.progress.queue does). `suspended` is a column too, so
      SQLite can check that term from the index;
    - deck_sizes (cards of a deck, and those not retired) and deck_progress (a
      learner's graded cards of a deck), kept by triggers on cards and card_states and
      backfilled here: the new-card query skips a deck whose every card the learner
      has graded without counting its cards, and the deck list has its card counts.
    """
    conn.execute(
        text(
            "CREATE INDEX ix_card_states_queue ON card_states"
            ' (learner_id, due, buried_until, card_id, n, ef, "interval", lapses, suspended)'
            " WHERE due IS NOT NULL AND NOT suspended"
        )
    )
    md = MetaData()
    Table(
        "deck_sizes",
        md,
        Column("deck_slug", String(100), primary_key=True),
        Column("cards", Integer, nullable=False),
        Column("live", Integer, nullable=False),
    )
    Table(
        "deck_progress",
        md,
        Column("learner_id", Integer, primary_key=True),
        Column("deck_slug", String(100), primary_key=True),
        Column("graded", Integer, nullable=False),
    )
    md.create_all(conn)
    for sql in _QUEUE_COUNTER_BACKFILL:
        conn.execute(text(sql))
    postgresql = conn.dialect.name == "postgresql"
    for sql in _POSTGRESQL_QUEUE_TRIGGERS if postgresql else _SQLITE_QUEUE_TRIGGERS:
        conn.exec_driver_sql(sql)


def _stats_card_indexes(conn: Connection) -> None:
    """0008: card_states indexes for `trainer stats` (trainer.progress.stats reads them).

    CPU times of each query on the bench store's 85,394 states, without -> with:

    - (learner, E-Factor, interval, suspended, n, due, lapses, card id): the counts by
      state and both histograms are one `GROUP BY ef, interval, suspended` that streams
      in this order, without a temp b-tree (83 -> 17 ms); the hardest cards are read in
      E-Factor order, the first few only (18 -> 0.2 ms);
    - (learner, buried until) WHERE buried_until IS NOT NULL: the few buried cards
      (6 -> 0.2 ms);
    - (learner, leech, card id, E-Factor, lapses, interval) WHERE leech: the leeches, from
      this small covering index (13 -> 2 ms; SQLite takes it when the query says `s.leech`).

    Text SQL: the partial WHEREs are written the same way on both databases. About
    0.1 ms more per recorded answer (one more index entry to move).
    """
    conn.execute(
        text(
            "CREATE INDEX ix_card_states_learner_ef ON card_states"
            ' (learner_id, ef, "interval", suspended, n, due, lapses, card_id)'
        )
    )
    conn.execute(
        text(
            "CREATE INDEX ix_card_states_learner_buried ON card_states"
            " (learner_id, buried_until) WHERE buried_until IS NOT NULL"
        )
    )
    conn.execute(
        text(
            "CREATE INDEX ix_card_states_learner_leech ON card_states"
            ' (learner_id, leech, card_id, ef, lapses, "interval") WHERE leech'
        )
    )


def _fsrs(conn: Connection) -> None:
    """0009: FSRS beside SM-2: memory states, and each learner's choice of scheduler.

    - card_states.stability, .difficulty: the card's FSRS memory state (NULL under SM-2);
    - reviews.stability_before/_after, .difficulty_before/_after: the same around each
      answer, so that undo restores it exactly (NULL for answers given under SM-2);
    - learner_schedulers: per learner (a learner column, like every per-learner table)
      the scheduler ("sm2" or "fsrs"), the desired retention and the FSRS parameters
      (JSON list of 21 numbers; NULL: fsrs-rs's defaults). No row: SM-2.

    Adding nullable columns rewrites nothing on either database.
    """
    for table in ("card_states",):
        for column in ("stability", "difficulty"):
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} FLOAT"))
    for column in ("stability_before", "difficulty_before", "stability_after", "difficulty_after"):
        conn.execute(text(f"ALTER TABLE reviews ADD COLUMN {column} FLOAT"))
    md = MetaData()
    Table("learners", md, Column("id", Integer, primary_key=True))
    Table(
        "learner_schedulers",
        md,
        Column("learner_id", Integer, ForeignKey("learners.id"), primary_key=True),
        Column("scheduler", String(10), nullable=False),
        Column("desired_retention", Float, nullable=True),
        Column("parameters", Text, nullable=True),
    )
    md.tables["learner_schedulers"].create(conn)


def _fsrs_queue_index(conn: Connection) -> None:
    """0010: the queue's covering index (0007) also holds the FSRS memory state.

    Today's queue reads each due card's whole state, stability and difficulty included
    since 0009; without them in ix_card_states_queue SQLite would read a table row per
    due card. Rebuilt with the two columns last (the same partial WHERE as 0007).
    """
    conn.execute(text("DROP INDEX ix_card_states_queue"))
    conn.execute(
        text(
            "CREATE INDEX ix_card_states_queue ON card_states"
            ' (learner_id, due, buried_until, card_id, n, ef, "interval", lapses, suspended,'
            " stability, difficulty)"
            " WHERE due IS NOT NULL AND NOT suspended"
        )
    )


#: The steps of the migrations named in trainer.progress.schema.MIGRATION_NAMES, in the same order.
#: Never rename or reorder; only append (a name there, its step here).
STEPS: list[Callable[[Connection], None]] = [
    _initial,  # 0001_initial
    _queue_indexes,  # 0002_queue_indexes
    _deck_file_stat,  # 0003_deck_file_stat
    _finished_deck_index,  # 0004_finished_deck_index
    _stats_indexes,  # 0005_stats_indexes
    _review_days,  # 0006_review_days
    _queue_index,  # 0007_queue_index
    _stats_card_indexes,  # 0008_stats_indexes
    _fsrs,  # 0009_fsrs
    _fsrs_queue_index,  # 0010_fsrs_queue_index
]

#: Every migration, in the order it runs.
MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = list(
    zip(MIGRATION_NAMES, STEPS, strict=True)
)

KNOWN = {name for name, _ in MIGRATIONS}


def applied(conn: Connection) -> list[str] | None:
    """Names of the migrations recorded in the store; None if it has no migrations table."""
    if not inspect(conn).has_table(MIGRATIONS_TABLE):
        return None
    table = _migrations_table(MetaData())
    return [row[0] for row in conn.execute(select(table.c.name).order_by(table.c.name))]


def unknown(names: list[str]) -> list[str]:
    """Applied migrations this version of trainer does not know (the store is newer)."""
    return [name for name in names if name not in KNOWN]


def migrate(connect: Callable[[], Connection], upto: str | None = None) -> list[str]:
    """Run the pending migrations (up to and including `upto`), each in its own transaction.

    Returns the names of the migrations run.
    """
    ran: list[str] = []
    table = _migrations_table(MetaData())
    wanted = [name for name, _ in MIGRATIONS]
    if upto is not None:
        wanted = wanted[: wanted.index(upto) + 1]
    with connect() as conn:
        done = set(applied(conn) or [])
        conn.rollback()
        if all(name in done for name in wanted):
            return ran
        # Another process may be migrating the same file: take the write lock for each
        # step and check again inside it.
        conn.execution_options(trainer_write=True)
        for name, step in MIGRATIONS:
            if name not in wanted:
                break
            with conn.begin():
                table.create(conn, checkfirst=True)
                if name in set(applied(conn) or []):
                    continue
                step(conn)
                conn.execute(table.insert().values(name=name, applied_at=func.current_timestamp()))
            ran.append(name)
    return ran
