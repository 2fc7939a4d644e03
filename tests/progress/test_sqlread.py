"""The plain-SQL read path: when a store can be read without SQLAlchemy, and what it reads."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from store_helpers import ALPHA, BETA, write_deck

from trainer.decks.catalog import bundled_deck_files
from trainer.progress.readers import (
    EngineReader,
    SQLiteReader,
    fresh_sqlite_reader,
    in_params,
    one,
    scalar,
    to_date,
)
from trainer.progress.schema import MIGRATION_NAMES
from trainer.progress.store import DeckSource, Store


def synced_store(path: Path, registered: list[Path] = ()) -> None:  # type: ignore[assignment]
    """A store at `path` synced as `AppContext.open_store` does it: bundled, then registered."""
    with Store.open(path) as store:
        for deck_file in registered:
            from trainer.decks.format import parse_deck

            store.register_deck(deck_file, parse_deck(deck_file))
        sources = [DeckSource(file, bundled=True) for file in bundled_deck_files()]
        sources += [DeckSource(file, bundled=False) for file in store.registered_paths()]
        assert store.sync_decks(sources).problems == ()


def fresh(path: Path) -> bool:
    reader = fresh_sqlite_reader(path, bundled_deck_files())
    if reader is None:
        return False
    reader.close()
    return True


def test_a_synced_store_is_fresh(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db, [write_deck(tmp_path / "decks", "alpha", ALPHA)])
    assert fresh(db)


def test_a_missing_store_is_not_fresh_and_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    assert not fresh(db)
    assert not db.exists()


def test_a_file_that_is_not_a_database_is_not_fresh_and_stays_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    db.write_bytes(b"not a database at all\n" * 10)
    assert not fresh(db)
    assert db.read_bytes() == b"not a database at all\n" * 10


def test_a_touched_deck_file_makes_the_store_not_fresh_until_synced(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "alpha", ALPHA)
    db = tmp_path / "progress.db"
    synced_store(db, [deck])
    stat = deck.stat()
    os.utime(deck, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert not fresh(db)
    synced_store(db)
    assert fresh(db)


def test_a_missing_registered_deck_file_makes_the_store_not_fresh(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "alpha", ALPHA)
    db = tmp_path / "progress.db"
    synced_store(db, [deck])
    deck.unlink()
    assert not fresh(db)


def test_a_removed_registered_deck_is_not_a_source(tmp_path: Path) -> None:
    alpha = write_deck(tmp_path / "decks", "alpha", ALPHA)
    beta = write_deck(tmp_path / "decks", "beta", BETA)
    db = tmp_path / "progress.db"
    synced_store(db, [alpha, beta])
    with Store.open(db) as store:
        assert store.remove_deck("alpha")
    synced_store(db)  # beta moves up to alpha's position
    alpha.unlink()
    assert fresh(db)


def test_a_bundled_deck_no_longer_shipped_makes_the_store_not_fresh(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db)
    shipped = bundled_deck_files()
    reader = fresh_sqlite_reader(db, shipped[:-1])  # as if the last deck left the package
    assert reader is None


def test_a_store_missing_a_migration_is_not_fresh(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE name = ?", (MIGRATION_NAMES[-1],))
    conn.close()
    assert not fresh(db)


def test_a_store_of_a_newer_trainer_is_not_fresh(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future', '2030-01-01')"
        )
    conn.close()
    assert not fresh(db)


def test_the_sqlite_reader_passes_dates_as_the_store_keeps_them(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO learners (name) VALUES ('ada')")
        conn.execute(
            "INSERT INTO card_states (learner_id, card_id, n, ef, interval, due, lapses,"
            " suspended, leech) VALUES (1, 'foundational/encodec/forward', 1, 250, 1,"
            " '2026-03-02', 0, 0, 0)"
        )
    conn.close()
    with SQLiteReader.open(db) as reader:
        sql = "SELECT due, suspended FROM card_states WHERE due <= :day"
        assert reader.rows(sql, {"day": date(2026, 3, 1)}) == []
        (due, suspended) = one(reader, sql, {"day": date(2026, 3, 2)})
    assert (to_date(due), bool(suspended)) == (date(2026, 3, 2), False)


def test_the_sqlite_reader_reads_one_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db)
    with SQLiteReader.open(db) as reader:
        before = scalar(reader, "SELECT count(*) FROM learners")
        with sqlite3.connect(db) as conn:
            conn.execute("INSERT INTO learners (name) VALUES ('bob')")
        conn.close()
        assert scalar(reader, "SELECT count(*) FROM learners") == before == 0
    with SQLiteReader.open(db) as reader:
        assert scalar(reader, "SELECT count(*) FROM learners") == 1


def test_in_params() -> None:
    assert in_params("slug", ["a", "b"]) == (":slug_0, :slug_1", {"slug_0": "a", "slug_1": "b"})
    assert in_params("slug", []) == ("NULL", {})


def test_one_needs_exactly_one_row(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db)
    with SQLiteReader.open(db) as reader, pytest.raises(LookupError):
        one(reader, "SELECT name FROM learners")


def test_the_engine_reader_gives_the_same_rows(store_target: str | Path, tmp_path: Path) -> None:
    with Store.open(store_target) as store:
        store.sync_decks([DeckSource(write_deck(tmp_path / "decks", "alpha", ALPHA), bundled=True)])
        with store.engine.connect() as conn:
            reader = EngineReader(conn)
            slugs, params = in_params("slug", ["alpha", "zeta"])
            rows = reader.rows(
                f"SELECT id, retired FROM cards WHERE deck_slug IN ({slugs})"
                " AND NOT retired ORDER BY ord",
                params,
            )
    assert [(card, bool(retired)) for card, retired in rows] == [
        ("alpha/one/forward", False),
        ("alpha/one/reverse", False),
        ("alpha/two/forward", False),
        ("alpha/two/reverse", False),
        ("alpha/three/forward", False),
        ("alpha/three/reverse", False),
    ]


def test_reading_a_fresh_store_imports_no_sqlalchemy(tmp_path: Path) -> None:
    db = tmp_path / "progress.db"
    synced_store(db)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from trainer.decks.catalog import bundled_deck_files\n"
        "from trainer.progress.readers import fresh_sqlite_reader, scalar\n"
        f"reader = fresh_sqlite_reader(Path({str(db)!r}), bundled_deck_files())\n"
        "print(reader is not None, scalar(reader, 'SELECT count(*) FROM decks'),"
        " 'sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "True 5 False\n"
