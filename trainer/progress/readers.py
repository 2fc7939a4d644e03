"""Plain-SQL reads of the progress store; on a SQLite file, without importing SQLAlchemy.

`trainer status` and `trainer stats` only read. Importing SQLAlchemy takes longer than
their whole time budget on a small machine, so they read through a `Reader`: plain SQL
text with `:name` parameters that runs on SQLite and on PostgreSQL.

- `SQLiteReader` talks to a SQLite file with the standard library's sqlite3, inside one
  read transaction, so every query of a command sees the same snapshot.
- `EngineReader` runs the same SQL on a SQLAlchemy connection: PostgreSQL stores, and
  SQLite stores that `Store` had to open first.
- `fresh_sqlite_reader` opens a `SQLiteReader` only when the store needs nothing
  written before it can be read: every migration applied and every deck file as it
  was when last synced. Otherwise the caller opens `Store` (which migrates and syncs,
  and reports problems) and reads through `EngineReader`.

Values come back as the database gives them: on SQLite a DATE column is ISO text and
a boolean 0 or 1; `to_date` and `bool` make them Python values on both databases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from trainer.errors import StoreError
from trainer.progress.deckfiles import REGISTERED_SQL, file_unchanged, in_place
from trainer.progress.schema import MIGRATION_NAMES, MIGRATIONS_TABLE

if TYPE_CHECKING:
    from sqlalchemy import Connection

Params = Mapping[str, Any]

# Every connection to a store, reading here or writing in trainer.progress.store:
BUSY_TIMEOUT_MS = 10_000  # a second process on the same file waits this long for the lock
CACHE_KIB = 16 * 1024  # SQLite page cache per connection (default 2 MB): aggregates read many pages


class Reader(Protocol):
    """Runs plain SQL with `:name` parameters and returns plain tuples."""

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql": for the few expressions that differ."""
        ...

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...


def one(reader: Reader, sql: str, params: Params | None = None) -> tuple[Any, ...]:
    """The single row of an aggregate query."""
    rows = reader.rows(sql, params)
    if len(rows) != 1:
        raise LookupError(f"expected one row, got {len(rows)}: {sql}")
    return rows[0]


def scalar(reader: Reader, sql: str, params: Params | None = None) -> Any:
    """The first column of the first row, or None without rows."""
    rows = reader.rows(sql, params)
    return rows[0][0] if rows else None


def learner_id(reader: Reader, name: str) -> int | None:
    """The learner's id; None for a learner who has never answered (no rows: every card new)."""
    found = scalar(reader, "SELECT id FROM learners WHERE name = :name", {"name": name})
    return None if found is None else int(found)


def to_date(value: date | str | None) -> date | None:
    """A DATE column's value as a date (SQLite gives 'YYYY-MM-DD' text).

    StoreError for text that is no such date (a store edited by hand).
    """
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise StoreError(
            f"the progress store holds {value!r} where a date (YYYY-MM-DD) belongs; "
            "correct it (a hand edit?) or restore the store from a backup"
        ) from None


def error_text(error: BaseException) -> str:
    """A database error as one line: the driver's first line (PostgreSQL adds the statement
    and a caret below it), without SQLAlchemy's background link."""
    text = str(getattr(error, "orig", None) or error).strip()
    return " ".join(text.split("\n", 1)[0].split())


def failed(error: BaseException) -> StoreError:
    """The one message for a read the database refused (a table dropped, a damaged file)."""
    message = error_text(error)
    if "locked" in message or "busy" in message or "lock timeout" in message:
        return StoreError(
            f"the progress store is busy: another trainer has held it for more than "
            f"{BUSY_TIMEOUT_MS // 1000} s; try again when it is done"
        )
    return StoreError(
        f"the progress store cannot be read ({message}); if it was changed by hand, "
        "restore it from a backup"
    )


def in_params(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`:name_0, :name_1, ...` and their values, for `col IN (...)` (sqlite3 cannot expand lists).

    Empty `values` give `NULL`, so `col IN (NULL)` matches nothing.
    """
    params = {f"{name}_{i}": value for i, value in enumerate(values)}
    return (", ".join(f":{key}" for key in params) or "NULL"), params


class SQLiteReader:
    """A read-only use of a SQLite store through the standard library."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    @classmethod
    def open(cls, path: Path) -> SQLiteReader:
        """Open an existing store file (never creates one) and start a read transaction.

        Raises sqlite3.Error if the file is missing or not a database.
        """
        uri = f"file:{quote(str(path.absolute()))}?mode=rw"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            connection.execute("BEGIN")
        except BaseException:
            connection.close()
            raise
        return cls(connection)

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        values = {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in (params or {}).items()
        }
        try:
            return self._connection.execute(sql, values).fetchall()
        except sqlite3.DatabaseError as error:
            raise failed(error) from None

    def close(self) -> None:
        try:
            self._connection.rollback()
        finally:
            self._connection.close()

    def __enter__(self) -> SQLiteReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class EngineReader:
    """The same reads on a SQLAlchemy connection (PostgreSQL, or a store `Store` opened)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> str:
        return str(self._connection.dialect.name)

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        values = dict(params or {})
        if self.dialect == "sqlite":  # as SQLAlchemy's Date type stores them
            values = {
                key: value.isoformat() if isinstance(value, date) else value
                for key, value in values.items()
            }
        from sqlalchemy.exc import DBAPIError

        try:
            return [tuple(row) for row in self._connection.execute(text(sql), values)]
        except DBAPIError as error:
            raise failed(error) from None

    def close(self) -> None:
        self._connection.close()


def fresh_sqlite_reader(path: Path, bundled: Sequence[Path]) -> SQLiteReader | None:
    """A reader on the store file at `path` if it can be read as it is, else None.

    `bundled` are the bundled deck files in deck order; the registered decks follow
    them, as `AppContext.open_store` syncs them. The store can be read as it is when
    every migration has run and each deck file has the size and mtime recorded at its
    last sync, at the same position, and no other bundled deck is active: then
    `Store.open` and `sync_decks` would write nothing. Any doubt (a missing file, a
    database error, a newer schema) gives None: `Store` then handles it, with its
    error messages.
    """
    if not path.is_file():
        return None
    try:
        reader = SQLiteReader.open(path)
    except sqlite3.Error:
        return None
    try:
        if _is_fresh(reader, bundled):
            return reader
    except (sqlite3.Error, OSError, ValueError, StoreError):
        pass
    reader.close()
    return None


def _is_fresh(reader: SQLiteReader, bundled_files: Sequence[Path]) -> bool:
    applied = {name for (name,) in reader.rows(f"SELECT name FROM {MIGRATIONS_TABLE}")}
    if applied != set(MIGRATION_NAMES):
        return False
    registered = reader.rows(REGISTERED_SQL)
    sources = [(file, True) for file in bundled_files]
    sources += [(Path(file), False) for (file,) in registered if file]
    decks = {
        path: (slug, bool(active), bool(bundled), position, size, mtime_ns, content_hash)
        for path, slug, active, bundled, position, size, mtime_ns, content_hash in reader.rows(
            "SELECT path, slug, active, bundled, position, file_size, file_mtime_ns, content_hash"
            " FROM decks WHERE path IS NOT NULL"
        )
    }
    synced: set[str] = set()
    for position, (source, bundled) in enumerate(sources):
        known = decks.get(str(source))
        if known is None:
            return False
        slug, active, was_bundled, was_position, size, mtime_ns, content_hash = known
        unchanged = file_unchanged(
            active=active,
            content_hash=content_hash,
            size=size,
            mtime_ns=mtime_ns,
            stat=source.stat(),
        )
        placed = in_place(
            position=position, bundled=bundled, was_position=was_position, was_bundled=was_bundled
        )
        if not (unchanged and placed):  # sync_decks would write
            return False
        synced.add(slug)
    if any(bundled for _, bundled in sources):
        # sync_decks would deactivate a bundled deck that is no longer shipped
        stale = reader.rows("SELECT slug FROM decks WHERE bundled AND active")
        if any(slug not in synced for (slug,) in stale):
            return False
    return True
