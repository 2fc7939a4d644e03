"""Schema migrations and bad store files: blank store, upgrade from the first schema, refusals."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from store_helpers import DAY, answer, open_with_decks

from trainer.errors import StoreError
from trainer.model import CardState
from trainer.progress import migrations
from trainer.progress.store import Base, Store

SCHEMA_0001 = Path(__file__).parents[1] / "data" / "schema_0001.sql"
ALL = [name for name, _ in migrations.MIGRATIONS]


def applied(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]


def schema(path: Path) -> dict[str, tuple[set[str], set[tuple[str, tuple[str, ...]]]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        found = inspect(engine)
        return {
            table: (
                {column["name"] for column in found.get_columns(table)},
                {
                    (str(index["name"]), tuple(str(c) for c in index["column_names"]))
                    for index in found.get_indexes(table)
                },
            )
            for table in found.get_table_names()
        }
    finally:
        engine.dispose()


def orm_schema() -> dict[str, tuple[set[str], set[tuple[str, tuple[str, ...]]]]]:
    return {
        name: (
            {column.name for column in table.columns},
            {(str(index.name), tuple(c.name for c in index.columns)) for index in table.indexes},
        )
        for name, table in Base.metadata.tables.items()
    }


def test_a_blank_store_runs_every_migration_and_matches_the_orm(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    Store.open(path).close()
    assert applied(path) == ALL
    assert schema(path) == orm_schema()
    Store.open(path).close()  # opening again runs nothing
    assert applied(path) == ALL


def test_migration_0001_is_the_first_release_schema(tmp_path: Path) -> None:
    """The frozen 0001 builds exactly what the first release's dump holds."""
    built, dumped = tmp_path / "built.db", tmp_path / "dumped.db"
    engine = create_engine(f"sqlite:///{built}")
    migrations.migrate(engine.connect, upto="0001_initial")
    engine.dispose()
    with sqlite3.connect(dumped) as conn:
        conn.executescript(SCHEMA_0001.read_text(encoding="utf-8"))

    def ddl(path: Path) -> list[tuple[str, str]]:
        with sqlite3.connect(path) as conn:
            return sorted(conn.execute("SELECT name, sql FROM sqlite_master").fetchall())

    assert ddl(built) == ddl(dumped)
    assert applied(built) == applied(dumped) == ["0001_initial"]


def test_a_store_made_with_the_first_schema_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_0001.read_text(encoding="utf-8"))
        conn.executescript(
            """
            INSERT INTO decks VALUES ('alpha', 'Alpha', '', 1000000006, 1, NULL, 1, '', 0);
            INSERT INTO cards VALUES ('alpha/one/forward', 'alpha', 'one', 'forward', 'One',
                                      'One', 'The first number.', 0, 0);
            INSERT INTO learners (id, name) VALUES (1, 'ada');
            INSERT INTO card_states VALUES (1, 'alpha/one/forward', 2, 260, 6, '2026-03-07', 0,
                                            NULL, NULL, 0, 0);
            INSERT INTO reviews VALUES (1, 1, 'alpha/one/forward', '2026-03-01 12:00:00.000000',
                                        '2026-03-01', 5, 'review', 1, 250, 1, '2026-03-01', 0,
                                        2, 260, 6, '2026-03-07', 0, 2100);
            """
        )
    with Store.open(path) as store:
        assert store.card_state("ada", "alpha/one/forward") == CardState(
            n=2, ef=260, interval=6, due=DAY.replace(day=7)
        )
        assert store.rebuild_states("ada") == {
            "alpha/one/forward": store.card_state("ada", "alpha/one/forward")
        }
        assert [c.card.id for c in store.due_cards("ada", None, DAY.replace(day=7))] == [
            "alpha/one/forward"
        ]
    assert applied(path) == ALL
    assert schema(path) == orm_schema()


def refused(target: Path) -> str:
    before = target.read_bytes()
    with pytest.raises(StoreError) as error:
        Store.open(target)
    assert target.read_bytes() == before, "the store file was changed"
    return str(error.value)


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("my shopping list\n", encoding="utf-8")
    assert refused(target) == (
        f"{target} is not a SQLite database; move it away or pass another file with --db"
    )


def test_a_corrupt_store_is_refused_untouched(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    store.close()
    target = tmp_path / "progress.db"
    data = bytearray(target.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema table's page, past the header
    target.write_bytes(bytes(data))
    assert refused(target) == (
        f"{target} is corrupt (database disk image is malformed); restore it from a backup "
        "or pass another file with --db"
    )


def test_a_truncated_store_is_refused_untouched(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    store.close()
    target = tmp_path / "progress.db"
    target.write_bytes(target.read_bytes()[:5000])
    message = refused(target)
    assert message.startswith(f"{target} is corrupt (")


def test_a_store_of_a_newer_trainer_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "progress.db"
    Store.open(target).close()
    with sqlite3.connect(target) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES ('0003_from_the_future', '2030-01-01')")
    assert refused(target) == (
        f"{target} was written by a newer trainer (unknown schema migration "
        "'0003_from_the_future'); upgrade trainer to use it"
    )


def test_another_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "other.db"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    assert refused(target) == (
        f"{target} is a database but not a trainer progress store; pass another file with --db"
    )


def test_a_read_only_store_is_refused_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "progress.db"
    Store.open(target).close()
    target.chmod(0o444)
    if os.geteuid() == 0:  # root may write anyway: make the permission check see what a user sees
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda path, mode: False if mode == os.W_OK else real_access(path, mode),
        )
    assert refused(target) == (
        f"{target} is read-only; make it (and its folder) writable or pass another file with --db"
    )


def test_a_bad_url_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as error:
        Store.open("nosuchdialect://x/y")
    assert str(error.value).startswith("cannot use the store nosuchdialect://x/y:")


WRITER = """
import sys
from store_helpers import answer, DAY
from trainer.progress.store import Store
from pathlib import Path
store = Store.open(Path(sys.argv[1]) / "progress.db")
for _ in range(150):
    answer(store, "alpha/one/forward", 4, DAY, learner=sys.argv[2])
    store.undo_last(sys.argv[2])
    answer(store, "alpha/two/forward", 4, DAY, learner=sys.argv[2], redrill=True)
store.close()
"""


def test_two_processes_write_the_same_store_without_locking_errors(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    store.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), learner],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for learner in ("ada", "bob")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    with sqlite3.connect(tmp_path / "progress.db") as conn:
        counts = conn.execute(
            "SELECT l.name, count(*) FROM reviews r JOIN learners l ON l.id = r.learner_id "
            "GROUP BY l.name ORDER BY l.name"
        ).fetchall()
    assert counts == [("ada", 150), ("bob", 150)]
    with Store.open(tmp_path / "progress.db") as again:
        assert answer(again, "alpha/one/forward", 4).id is not None
