"""A deterministic synthetic collection: deck files, a progress store, the same cards for Anki.

Everything follows from the sizes and the seed (no `random` state, no clock): the
history is simulated day by day with trainer's own SM-2 rules (`trainer.scheduling.sm2`,
re-implemented here on plain integers for speed) for one learner over `days` study
days ending today, so every review row's state before is the state after of the
card's previous row, and each card's final state is the state after of its last
row. Re-drill rows (same-day repeats of answers graded below 4) leave the state as
it is, as in the store; they also make the row count exact.

What the collection looks like (defaults, 100,000 cards):

- cards are learned in deck order, about 116 new entries a day, so the new cards
  (15 %) are the last ones of the last decks, the worst case for a new-card query;
- the learner is sometimes late (0-9 days), so some cards are overdue, a few
  hundred fall due today, the rest in the future;
- today is half done: a few new cards and about 60 reviews already answered, some
  of them still in today's re-drill;
- 2 % of the cards are suspended (some new, some after a few reviews), a few dozen
  are buried until a later day, cards with 8 lapses or more are leeches.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

M64 = (1 << 64) - 1
ROLLOVER_HOUR = 4
LEARNER = "bench"
DECK_SLUG = "bench-{:02d}"
ENTRY_ID = "term-{:05d}"
ANKI_DECK_ID_BASE = 1_900_000_000  # ten digits, far from the bundled decks' ids

# EF change (hundredths) of a successful grade 3, 4, 5 (sm2.next_ef); unchanged below 3.
EF_DELTA = {3: -14, 4: 0, 5: 10}


@dataclass(frozen=True)
class Sizes:
    """What to build. `cards` is rounded down to a multiple of 2 * decks (two cards per entry)."""

    cards: int = 100_000
    decks: int = 20
    reviews: int = 1_000_000
    days: int = 730
    seed: int = 2026
    new_share: float = 0.15
    suspended_share: float = 0.02

    @property
    def entries_per_deck(self) -> int:
        return self.cards // (2 * self.decks)

    @property
    def card_count(self) -> int:
        return self.entries_per_deck * 2 * self.decks


@dataclass
class Collection:
    """The simulated collection, independent of any database: what both stores are built from."""

    sizes: Sizes
    today: date
    day0: date  # study day index 0
    studied: int  # cards 0..studied-1 in global order have a history
    # final state per card index (None for a card never graded)
    n: list[int]
    ef: list[int]
    interval: list[int]
    due: list[int | None]  # study day index
    lapses: list[int]
    suspended: list[bool]
    redrill_day: list[int | None]
    buried_until: list[int | None]
    counts: dict[str, int] = field(default_factory=dict)


def mix(x: int) -> int:
    """splitmix64's finaliser: a well-spread 64-bit hash of `x` (per-event randomness)."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def deck_slug(index: int) -> str:
    return DECK_SLUG.format(index + 1)


def card_key(sizes: Sizes, j: int) -> tuple[str, str, str]:
    """(deck slug, entry id, direction) of card index `j` in global (deck, ord) order."""
    per_deck = sizes.entries_per_deck * 2
    deck, ord_ = divmod(j, per_deck)
    entry, direction = divmod(ord_, 2)
    return deck_slug(deck), ENTRY_ID.format(entry + 1), "reverse" if direction else "forward"


def card_ids(sizes: Sizes) -> list[str]:
    return ["/".join(card_key(sizes, j)) for j in range(sizes.card_count)]


# --- deck files --------------------------------------------------------------------------

_WORDS = (
    *("latent", "audio", "token", "sequence", "spectrogram", "diffusion", "decoder"),
    *("encoder", "prompt", "melody", "timbre", "rhythm", "sample", "codec", "embedding"),
    *("transformer", "attention", "waveform", "loop", "tempo", "chord", "stem", "mix"),
    *("vocal", "guidance", "step", "noise", "conditioning", "frame"),
)


def _definition(deck: int, entry: int, seed: int) -> str:
    h = mix(seed * 1_000_003 + deck * 100_003 + entry)
    words = [_WORDS[(h >> (5 * i)) % len(_WORDS)] for i in range(8 + h % 9)]
    return f"Synthetic definition {deck + 1}.{entry + 1}: a " + " ".join(words) + "."


def deck_text(sizes: Sizes, deck: int) -> str:
    """Deck file `deck` (0-based) in the deck format of notes/contracts.md."""
    slug = deck_slug(deck)
    out = [
        "# Synthetic deck written by scripts/bench.py; not teaching material.",
        f'slug = "{slug}"',
        f'title = "Benchmark deck {deck + 1:02d}"',
        'description = "Synthetic entries for the benchmark."',
        f"anki_deck_id = {ANKI_DECK_ID_BASE + deck + 1}",
    ]
    for entry in range(sizes.entries_per_deck):
        out += [
            "",
            "[[entry]]",
            f'id = "{ENTRY_ID.format(entry + 1)}"',
            f'term = "Bench term {deck + 1:02d}-{entry + 1:05d}"',
            f'definition = "{_definition(deck, entry, sizes.seed)}"',
            'tags = ["bench"]',
            'source = "authored"',
        ]
    return "\n".join(out) + "\n"


def write_deck_files(folder: Path, sizes: Sizes) -> list[Path]:
    """Write the deck files into `folder` (bench-01.toml, ...); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for deck in range(sizes.decks):
        path = folder / f"{deck_slug(deck)}.toml"
        path.write_text(deck_text(sizes, deck), encoding="utf-8")
        paths.append(path)
    return paths


# --- the simulation ----------------------------------------------------------------------

# A review row while simulating: card index, day index, grade, kind,
# (n, ef, interval, due, lapses) before, the same after, answer_ms.
SimRow = tuple[int, int, int, str, int, int, int, int | None, int, int, int, int, int, int, int]


def _grade(u: int, fail_per_mille: int) -> int:
    """A grade 0-5 from 16 random bits: fail (0-2) with the card's failure rate, else 3-5."""
    threshold = fail_per_mille * 65536 // 1000
    if u < threshold:
        v = u * 10 // max(threshold, 1)
        return 0 if v < 2 else (1 if v < 6 else 2)
    v = (u - threshold) * 100 // max(65536 - threshold, 1)
    return 3 if v < 20 else (4 if v < 75 else 5)


def _delay(u: int) -> int:
    """How many days late the learner reviews a card (16 random bits)."""
    if u < 49152:  # 75 %
        return 0
    if u < 57016:  # 12 %
        return 1
    if u < 60948:  # 6 %
        return 2
    return 3 + u % 7  # 7 %: 3-9 days


class _Plan:
    """Who is studied when; the same for every pass of the simulation."""

    def __init__(self, sizes: Sizes, studied: int) -> None:
        days = sizes.days
        self.sizes = sizes
        self.studied = studied
        self.new_today = max(1, min(10, studied // 10_000))
        self.reviews_today = max(1, sizes.card_count * 6 // 10_000)
        spread = studied - self.new_today
        self.start = [j * days // max(spread, 1) for j in range(spread)] + [days] * self.new_today
        seed = sizes.seed
        self.fail = []  # per mille, per card
        self.suspend_after = []  # 0: never suspended, else after that many first answers
        for j in range(sizes.card_count):
            h = mix((seed << 32) ^ j)
            u = (h & 0xFFFF) / 65536
            self.fail.append(25 + int(180 * u * u))
            s = (h >> 16) & 0xFFFF
            self.suspend_after.append(1 + (h >> 32) % 6 if s < sizes.suspended_share * 65536 else 0)


def _simulate(
    plan: _Plan,
    *,
    redrill_rows: Callable[[int], int] | None,
    on_day: Callable[[int, list[SimRow]], None] | None,
    final: Collection | None,
) -> tuple[int, int]:
    """Run the history once; return (first answers, answers graded below 4).

    With `on_day`, each day's rows are passed to it in order (first answers, then
    the re-drill rounds); `redrill_rows(event)` says how many re-drill rows failure
    event number `event` gets. With `final`, the end states are stored in it.
    """
    sizes = plan.sizes
    days = sizes.days
    count = sizes.card_count
    seed_base = mix(sizes.seed) & 0xFFFF_FFFF_FFFF
    seed_redrill = mix(sizes.seed + 1) & 0xFFFF_FFFF_FFFF
    n = [0] * count
    ef = [250] * count
    ivl = [0] * count
    due: list[int | None] = [None] * count
    lapses = [0] * count
    answers = [0] * count
    last_day: list[int | None] = [None] * count
    last_grade = [5] * count
    buckets: list[list[int]] = [[] for _ in range(days + 1)]
    for j, start in enumerate(plan.start):
        buckets[start].append(j)
    firsts = 0
    events = 0
    learn, review, redrill = "learn", "review", "redrill"
    for d in range(days + 1):
        todays = buckets[d]
        if d == days:  # today: all of today's new cards, only some of the due reviews
            new_ones = [j for j in todays if answers[j] == 0]
            due_ones = [j for j in todays if answers[j] > 0]
            todays = new_ones + due_ones[: plan.reviews_today]
        rows: list[SimRow] = []
        rounds: list[list[SimRow]] = []
        for j in todays:
            k = answers[j]
            h = mix(seed_base ^ (j << 24) ^ k)
            fail = plan.fail[j] * 3 // 2 if k == 0 else plan.fail[j]
            grade = _grade(h & 0xFFFF, fail)
            nb, efb, ivb, dub, lab = n[j], ef[j], ivl[j], due[j], lapses[j]
            if grade >= 3:
                efa = max(130, efb + EF_DELTA[grade])
                na = nb + 1
                iva = 1 if na == 1 else (6 if na == 2 else -((-ivb * efa) // 100))
                laa = lab
            else:
                efa, na, iva = efb, 0, 1
                laa = lab + 1 if nb > 0 else lab
            dua = d + iva
            n[j], ef[j], ivl[j], due[j], lapses[j] = na, efa, iva, dua, laa
            answers[j] = k + 1
            last_day[j] = d
            last_grade[j] = grade
            firsts += 1
            if on_day is not None:
                ms = 1500 + (h >> 16) % 12000
                kind = learn if k == 0 else review
                rows.append((j, d, grade, kind, nb, efb, ivb, dub, lab, na, efa, iva, dua, laa, ms))
            if grade < 4:
                if redrill_rows is not None:
                    extra = redrill_rows(events)
                    pass_share = 58982 if d < days else 32768  # 90 % / 50 % finish the re-drill
                    for i in range(extra):
                        r = mix(seed_redrill ^ (j << 24) ^ (k << 8) ^ i)
                        u = r & 0xFFFF
                        if i == extra - 1 and (r >> 16) & 0xFFFF < pass_share:
                            g = 4 if u < 45000 else 5
                        else:
                            g = 1 + u % 3
                        last_grade[j] = g
                        if on_day is not None:
                            while len(rounds) <= i:
                                rounds.append([])
                            ms = 1000 + (r >> 32) % 8000
                            rounds[i].append(
                                (
                                    j,
                                    d,
                                    g,
                                    redrill,
                                    na,
                                    efa,
                                    iva,
                                    dua,
                                    laa,
                                    na,
                                    efa,
                                    iva,
                                    dua,
                                    laa,
                                    ms,
                                )
                            )
                events += 1
            stop = plan.suspend_after[j]
            if stop and k + 1 >= stop:
                continue
            nxt = dua + _delay((h >> 32) & 0xFFFF)
            if nxt <= days:
                buckets[nxt].append(j)
        buckets[d] = []
        if on_day is not None:
            for round_rows in rounds:
                rows += round_rows
            on_day(d, rows)
    if final is not None:
        final.n, final.ef, final.interval, final.due, final.lapses = n, ef, ivl, due, lapses
        final.redrill_day = [
            last_day[j] if last_day[j] is not None and last_grade[j] < 4 else None
            for j in range(count)
        ]
    return firsts, events


def plan_collection(sizes: Sizes, today: date) -> tuple[_Plan, Collection, Callable[[int], int]]:
    """Choose how many cards are studied and how many re-drill rows each failure gets.

    The first answers come from the simulation; the re-drill rows fill up to exactly
    `sizes.reviews`. If the first answers alone would exceed it, fewer cards are studied.
    """
    studied = max(1, round(sizes.card_count * (1 - sizes.new_share)))
    while True:
        plan = _Plan(sizes, studied)
        firsts, events = _simulate(plan, redrill_rows=None, on_day=None, final=None)
        if firsts <= sizes.reviews or studied <= 1:
            break
        studied = max(1, int(studied * sizes.reviews / firsts * 0.98))
    missing = max(0, sizes.reviews - firsts)
    if missing and not events:
        raise ValueError("the simulated history has no failed answer to add re-drill rows to")
    each, rest = divmod(missing, events) if events else (0, 0)

    def redrill_rows(event: int) -> int:
        return each + (1 if event < rest else 0)

    count = sizes.card_count
    collection = Collection(
        sizes=sizes,
        today=today,
        day0=today - timedelta(days=sizes.days),
        studied=studied,
        n=[],
        ef=[],
        interval=[],
        due=[],
        lapses=[],
        suspended=[plan.suspend_after[j] > 0 for j in range(count)],
        redrill_day=[],
        buried_until=[None] * count,
    )
    return plan, collection, redrill_rows


def _bury_some(collection: Collection) -> None:
    """Bury a few cards that are due by today until a later day (as the learner's `bury` does)."""
    days = collection.sizes.days
    want = max(1, collection.sizes.card_count // 2000)
    for j, due in enumerate(collection.due):
        if want == 0:
            break
        if due is not None and due <= days and not collection.suspended[j] and j % 7 == 3:
            collection.buried_until[j] = days + 1 + j % 3
            want -= 1


def summarise(collection: Collection) -> dict[str, int]:
    """Counts that describe the collection (for the report and the JSON)."""
    days = collection.sizes.days
    active = [not s for s in collection.suspended]
    due = collection.due
    return {
        "cards": collection.sizes.card_count,
        "studied": sum(1 for d in due if d is not None),
        "new": sum(1 for j, d in enumerate(due) if d is None and active[j]),
        "suspended": sum(collection.suspended),
        "overdue": sum(1 for j, d in enumerate(due) if d is not None and d < days and active[j]),
        "due_today": sum(1 for j, d in enumerate(due) if d == days and active[j]),
        "future": sum(1 for j, d in enumerate(due) if d is not None and d > days and active[j]),
        "redrill_today": sum(1 for r in collection.redrill_day if r == days),
        "buried": sum(1 for b in collection.buried_until if b is not None),
        "leeches": sum(1 for x in collection.lapses if x >= 8),
    }


# --- the progress store ------------------------------------------------------------------


class _DayStrings:
    """ISO strings of study days, as SQLAlchemy's SQLite Date type stores them (cached)."""

    def __init__(self, day0: date) -> None:
        self.day0 = day0
        self.cache: dict[int, str] = {}

    def __call__(self, index: int | None) -> str | None:
        if index is None:
            return None
        text = self.cache.get(index)
        if text is None:
            text = (self.day0 + timedelta(days=index)).isoformat()
            self.cache[index] = text
        return text


def _check_formats(engine: Any) -> None:
    """Fail loudly if the SQLite dialect stores dates or datetimes differently from here."""
    from sqlalchemy import Date

    from trainer.progress.store import UTCDateTime

    dialect = engine.dialect
    day = date(2024, 2, 29)
    at = datetime(2024, 2, 29, 13, 5, 7, 0, tzinfo=UTC)
    want_day = Date().dialect_impl(dialect).bind_processor(dialect)
    want_at = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    if want_day is not None and want_day(day) != day.isoformat():
        raise RuntimeError(f"unexpected Date storage {want_day(day)!r}")
    if want_at is not None and want_at(at) != "2024-02-29 13:05:07.000000":
        raise RuntimeError(f"unexpected DateTime storage {want_at(at)!r}")


def _columns(cursor: sqlite3.Cursor, table: str) -> dict[str, tuple[bool, bool]]:
    """name -> (NOT NULL, has a default or is the integer primary key)."""
    out = {}
    for _cid, name, type_, notnull, default, pk in cursor.execute(f"PRAGMA table_info({table})"):
        out[name] = (bool(notnull), default is not None or (pk == 1 and type_.upper() == "INTEGER"))
    return out


def _insert_sql(cursor: sqlite3.Cursor, table: str, names: Sequence[str]) -> str:
    columns = _columns(cursor, table)
    unknown = [name for name in names if name not in columns]
    if unknown:
        raise RuntimeError(f"table {table} has no column(s) {unknown}: update scripts/benchlib")
    needed = [c for c, (notnull, default) in columns.items() if notnull and not default]
    missing = [c for c in needed if c not in names]
    if missing:
        raise RuntimeError(f"table {table} needs column(s) {missing}: update scripts/benchlib")
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


REVIEW_COLUMNS = (
    "learner_id",
    "card_id",
    "at",
    "day",
    "grade",
    "kind",
    "n_before",
    "ef_before",
    "interval_before",
    "due_before",
    "lapses_before",
    "n_after",
    "ef_after",
    "interval_after",
    "due_after",
    "lapses_after",
    "answer_ms",
)
STATE_COLUMNS = (
    "learner_id",
    "card_id",
    "n",
    "ef",
    "interval",
    "due",
    "lapses",
    "redrill_day",
    "buried_until",
    "suspended",
    "leech",
)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000


class _AtStrings:
    """Microseconds since the epoch (UTC) -> the SQLite DateTime text of SQLAlchemy."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}

    def __call__(self, us: int) -> str:
        day, rest = divmod(us, _DAY_US)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
            self.days[day] = prefix
        hour, rest = divmod(rest, 3_600_000_000)
        minute, rest = divmod(rest, 60_000_000)
        second, micro = divmod(rest, 1_000_000)
        return f"{prefix} {hour:02d}:{minute:02d}:{second:02d}.{micro:06d}"


def _epoch_us(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def open_engine(db_path: Path) -> tuple[Any, Any]:
    """(Store or None, SQLAlchemy engine) of a new store file, schema made by trainer itself.

    Uses `Store.open` (its migrations) when the store module has it, else the ORM metadata.
    """
    from trainer.progress import store as store_module

    store_class = getattr(store_module, "Store", None)
    if store_class is not None and hasattr(store_class, "open"):
        store = store_class.open(db_path)
        return store, store.engine
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db_path}")
    store_module.Base.metadata.create_all(engine)
    return None, engine


def _card_texts(
    path: Path, sizes: Sizes, deck: int
) -> list[tuple[str, str, str, str, str, str, int]]:
    """(id, entry, direction, term, front, back, ord) of a deck file's cards, made by trainer."""
    try:
        from trainer.decks.cards import cards_for_deck
        from trainer.decks.format import parse_deck
    except ImportError:  # the decks engineer's modules are not there yet: a plain stand-in
        rows = []
        for entry in range(sizes.entries_per_deck):
            term = f"Bench term {deck + 1:02d}-{entry + 1:05d}"
            definition = _definition(deck, entry, sizes.seed)
            entry_id = ENTRY_ID.format(entry + 1)
            slug = deck_slug(deck)
            rows.append(
                (
                    f"{slug}/{entry_id}/forward",
                    entry_id,
                    "forward",
                    term,
                    term,
                    definition,
                    entry * 2,
                )
            )
            rows.append(
                (
                    f"{slug}/{entry_id}/reverse",
                    entry_id,
                    "reverse",
                    term,
                    definition,
                    term,
                    entry * 2 + 1,
                )
            )
        return rows
    return [
        (c.id, c.entry, c.direction.value, c.term, c.front, c.back, c.ord)
        for c in cards_for_deck(parse_deck(path))
    ]


def add_decks_directly(cursor: sqlite3.Cursor, paths: Sequence[Path], sizes: Sizes) -> None:
    """Deck and card rows written straight into the tables, consistent with the deck files."""
    deck_sql = _insert_sql(
        cursor,
        "decks",
        (
            "slug",
            "title",
            "description",
            "anki_deck_id",
            "bundled",
            "path",
            "active",
            "content_hash",
            "position",
        ),
    )
    card_sql = _insert_sql(
        cursor,
        "cards",
        ("id", "deck_slug", "entry_id", "direction", "term", "front", "back", "ord", "retired"),
    )
    jobs = [(path, sizes, deck) for deck, path in enumerate(paths)]
    if sizes.card_count >= 10_000:  # trainer.decks.cards.mask is slow-ish: use every core
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor() as pool:
            texts = list(pool.map(_card_texts, *zip(*jobs, strict=True)))
    else:
        texts = [_card_texts(*job) for job in jobs]
    try:  # registered decks come after the bundled ones (AppContext.open_store's order)
        from trainer.decks.catalog import bundled_deck_files

        first = len(bundled_deck_files())
    except ImportError:
        first = 0
    for deck, path in enumerate(paths):
        data = path.read_bytes()
        slug = deck_slug(deck)
        cursor.execute(
            deck_sql,
            (
                slug,
                f"Benchmark deck {deck + 1:02d}",
                "Synthetic entries for the benchmark.",
                ANKI_DECK_ID_BASE + deck + 1,
                0,
                str(path.resolve()),
                1,
                hashlib.sha256(data).hexdigest(),
                first + deck,
            ),
        )
        cursor.executemany(
            card_sql,
            (
                (cid, slug, entry, direction, term, front, back, ord_, 0)
                for cid, entry, direction, term, front, back, ord_ in texts[deck]
            ),
        )


def _learner_id(cursor: sqlite3.Cursor, name: str) -> int:
    row = cursor.execute("SELECT id FROM learners WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    cursor.execute("INSERT INTO learners (name) VALUES (?)", (name,))
    return int(cursor.lastrowid or 0)


def _drop_indexes(cursor: sqlite3.Cursor, tables: Sequence[str]) -> list[str]:
    """Drop the explicit indexes of `tables` (loads faster without them); return their SQL."""
    marks = ", ".join("?" * len(tables))
    found = cursor.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tuple(tables),
    ).fetchall()
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def write_history(
    engine: Any,
    plan: _Plan,
    collection: Collection,
    redrill_rows: Callable[[int], int],
    *,
    now: datetime,
    learner: str,
) -> int:
    """Simulate again, writing every review row and the final card states; return the row count."""
    _check_formats(engine)
    sizes = collection.sizes
    days = sizes.days
    ids = card_ids(sizes)
    day_text = _DayStrings(collection.day0)
    at_text = _AtStrings()
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("BEGIN")  # one transaction (the store's connections are in autocommit)
        learner_id = _learner_id(cursor, learner)
        review_sql = _insert_sql(cursor, "reviews", REVIEW_COLUMNS)
        state_sql = _insert_sql(cursor, "card_states", STATE_COLUMNS)
        indexes = _drop_indexes(cursor, ("reviews", "card_states"))
        written = 0
        now_us = _epoch_us(now)

        def on_day(d: int, rows: list[SimRow]) -> None:
            nonlocal written
            if not rows:
                return
            start = _epoch_us(
                datetime.combine(collection.day0 + timedelta(days=d), time(ROLLOVER_HOUR), UTC)
            )
            if d < days:  # an evening session, six seconds an answer
                first = start + (13 * 3600 + mix(sizes.seed ^ (d << 8)) % (4 * 3600)) * 1_000_000
                step = min(6_000_000, (start + 23 * 3_600_000_000 - first) // len(rows))
            else:  # today: the session ended two minutes ago
                end = max(start + 1_000_000, now_us - 120_000_000)
                first = max(start + 1, end - 6_000_000 * len(rows))
                step = max(1, (end - first) // len(rows))
            day = day_text(d)
            cursor.executemany(
                review_sql,
                (
                    (
                        learner_id,
                        ids[j],
                        at_text(first + i * step),
                        day,
                        grade,
                        kind,
                        nb,
                        efb,
                        ivb,
                        day_text(dub),
                        lab,
                        na,
                        efa,
                        iva,
                        day_text(dua),
                        laa,
                        ms,
                    )
                    for i, (
                        j,
                        _d,
                        grade,
                        kind,
                        nb,
                        efb,
                        ivb,
                        dub,
                        lab,
                        na,
                        efa,
                        iva,
                        dua,
                        laa,
                        ms,
                    ) in enumerate(rows)
                ),
            )
            written += len(rows)

        _simulate(plan, redrill_rows=redrill_rows, on_day=on_day, final=collection)
        _bury_some(collection)
        c = collection
        cursor.executemany(
            state_sql,
            (
                (
                    learner_id,
                    ids[j],
                    c.n[j],
                    c.ef[j],
                    c.interval[j],
                    day_text(c.due[j]),
                    c.lapses[j],
                    day_text(c.redrill_day[j]),
                    day_text(c.buried_until[j]),
                    int(c.suspended[j]),
                    int(c.lapses[j] >= 8),
                )
                for j in range(sizes.card_count)
                if c.due[j] is not None or c.suspended[j] or c.buried_until[j] is not None
            ),
        )
        fill_review_days(cursor)
        for sql in indexes:
            cursor.execute(sql)
        connection.commit()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
    return written


def fill_review_days(cursor: sqlite3.Cursor) -> None:
    """Per-day totals of the log just written, as migration 0006 backfills them (a store
    made by a trainer without the table is left as it is)."""
    found = cursor.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review_days'"
    ).fetchone()
    if found is None:
        return
    from trainer.progress.reviewdays import BACKFILL_SQL

    cursor.execute("DELETE FROM review_days")
    cursor.execute(BACKFILL_SQL)


def settle(db_path: Path, learner: str, sizes: Sizes, today: date) -> dict[str, Any]:
    """Sync the decks as every command does (adds the bundled ones) and check the synthetic
    decks are in line with their files; the learner suspends the bundled cards so that
    the new cards are the last of the deck order (the worst case for the new-card query)."""
    from trainer.decks.catalog import bundled_deck_files
    from trainer.progress.store import DeckSource, Store

    store = Store.open(db_path)
    try:
        sources = [DeckSource(path, bundled=True) for path in bundled_deck_files()]
        sources += [DeckSource(path, bundled=False) for path in store.registered_paths()]
        report = store.sync_decks(sources)
        ours = {deck_slug(deck) for deck in range(sizes.decks)}
        stale = sorted(ours - set(report.unchanged))
        if stale or report.problems:
            raise RuntimeError(
                f"the synthetic decks differ from their files: {stale} {list(report.problems)}"
            )
        bundled = [
            card.id
            for info in store.deck_infos()
            if info.bundled
            for card in (s.card for s in store.new_cards(learner, [info.slug], today))
        ]
        for card_id in bundled:
            store.set_suspended(learner, card_id, True)
    finally:
        store.close()
    return {"bundled_decks": len(sources) - sizes.decks, "bundled_cards_suspended": len(bundled)}


def study_today(now: datetime) -> date:
    """The study day of `now` in UTC, default rollover (the bench runs with TRAINER_TZ=UTC)."""
    return (now.astimezone(UTC) - timedelta(hours=ROLLOVER_HOUR)).date()


@dataclass
class Built:
    """What `build` made and how long each part took."""

    db_path: Path
    deck_paths: list[Path]
    collection: Collection
    reviews: int
    seconds: dict[str, float]
    summary: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "db": str(self.db_path),
            "deck_files": len(self.deck_paths),
            "reviews": self.reviews,
            "today": self.collection.today.isoformat(),
            "build_seconds": self.seconds,
            "collection": self.summary,
            "sizes": asdict(self.collection.sizes),
        }


def build(
    folder: Path,
    sizes: Sizes,
    *,
    now: datetime,
    learner: str = LEARNER,
    add_decks: Callable[[Any, Any, list[Path]], None] | None = None,
) -> Built:
    """Deck files in folder/decks, the store in folder/home/progress.db, with the history.

    `add_decks(store, engine, paths)` puts the decks and cards into the store (default:
    straight into the tables, see `add_decks_directly`).
    """
    seconds: dict[str, float] = {}
    mark = perf_counter()
    deck_paths = write_deck_files(folder / "decks", sizes)
    seconds["deck_files"] = perf_counter() - mark

    db_path = folder / "home" / "progress.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (db_path, *(db_path.with_name(db_path.name + x) for x in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    mark = perf_counter()
    store, engine = open_engine(db_path)
    if add_decks is not None:
        add_decks(store, engine, deck_paths)
    else:
        raw = engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor()
            cursor.execute("BEGIN")
            add_decks_directly(cursor, deck_paths, sizes)
            raw.driver_connection.commit()
        finally:
            raw.close()
    seconds["cards"] = perf_counter() - mark

    mark = perf_counter()
    plan, collection, redrill_rows = plan_collection(sizes, study_today(now))
    seconds["plan"] = perf_counter() - mark
    mark = perf_counter()
    reviews = write_history(engine, plan, collection, redrill_rows, now=now, learner=learner)
    seconds["history"] = perf_counter() - mark
    if store is not None:
        store.close()
    engine.dispose()
    summary = summarise(collection)
    mark = perf_counter()
    summary |= settle(db_path, learner, sizes, collection.today)
    seconds["settle"] = perf_counter() - mark
    return Built(db_path, deck_paths, collection, reviews, seconds, summary)
