"""`trainer cards` through click's CliRunner, against the default store in TRAINER_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from store_helpers import answer

from trainer import paths
from trainer.cli import cli
from trainer.cli.context import AppContext

DAY = date(2026, 3, 1)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def ids() -> list[str]:
    """Progress in the default store: 0 learning (n 1), 1 review (n 2), 2 leech, 3 suspended."""
    app = AppContext(db=None, learner="ada")
    store = app.open_store()
    cards = [s.card.id for s in store.new_cards("ada", ["demoscene"], DAY, 5)]
    answer(store, cards[0], 4, DAY)
    answer(store, cards[1], 5, DAY - timedelta(7))
    answer(store, cards[1], 4, DAY - timedelta(6))  # n 2, interval 6, due DAY
    day = DAY - timedelta(40)
    for _ in range(8):
        answer(store, cards[2], 5, day)
        answer(store, cards[2], 1, day + timedelta(1))
        day += timedelta(2)
    store.set_suspended("ada", cards[3], True)
    answer(store, cards[4], 4, DAY, learner="bob")
    app.close_store()
    return cards


def as_json(*args: str) -> list[dict[str, object]]:
    result = run("cards", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@freeze_time("2026-03-02 10:00:00")
def test_json_has_every_key_with_exact_values(ids: list[str]) -> None:
    rows = {row["id"]: row for row in as_json("--deck", "demoscene")}
    assert rows[ids[1]] == {
        "id": ids[1],
        "deck": "demoscene",
        "term": rows[ids[1]]["term"],
        "direction": ids[1].rsplit("/", 1)[1],
        "state": "review",
        "reps": 2,
        "ef": 2.6,
        "interval": 6,
        "due": "2026-03-01",
        "lapses": 0,
        "leech": False,
    }
    assert rows[ids[0]]["state"] == "learning"
    assert (rows[ids[0]]["due"], rows[ids[0]]["reps"]) == ("2026-03-02", 1)
    assert rows[ids[2]]["leech"] is True and rows[ids[2]]["lapses"] == 8
    assert rows[ids[3]]["state"] == "suspended"
    assert rows[ids[4]]["state"] == "new"  # bob's answer is not ada's
    assert rows[ids[4]]["due"] is None and rows[ids[4]]["ef"] == 2.5


@freeze_time("2026-03-02 10:00:00")
def test_filters(ids: list[str]) -> None:
    assert [row["id"] for row in as_json("--state", "learning")] == [ids[0], ids[2]]
    assert [row["id"] for row in as_json("--state", "review")] == [ids[1]]
    assert [row["id"] for row in as_json("--leeches")] == [ids[2]]
    assert [row["id"] for row in as_json("--state", "suspended")] == [ids[3]]
    # Due on study day 2026-03-02: card 0 (due that day) and card 1 (due the day before).
    due = {row["id"] for row in as_json("--due")}
    assert {ids[0], ids[1]} <= due and ids[4] not in due
    assert [row["id"] for row in as_json("--search", ids[1])] == [ids[1]]
    assert as_json("--search", "no such text anywhere 123") == []
    assert (
        len(as_json("--deck", "demoscene", "--state", "new"))
        == len(as_json("--deck", "demoscene")) - 4
    )


@freeze_time("2026-03-02 03:59:00")
def test_due_uses_the_study_day(ids: list[str]) -> None:
    """At 03:59 it is still study day 2026-03-01: card 0 (due 03-02) is not due yet."""
    due = {row["id"] for row in as_json("--due")}
    assert ids[1] in due and ids[0] not in due


def test_learner_option_selects_whose_progress(ids: list[str]) -> None:
    rows = {row["id"]: row for row in as_json("--deck", "demoscene")}
    assert rows[ids[4]]["state"] == "new"
    result = run("--learner", "bob", "cards", "--json", "--state", "learning")
    assert [row["id"] for row in json.loads(result.stdout)] == [ids[4]]


@freeze_time("2026-03-02 10:00:00")
def test_table(ids: list[str]) -> None:
    result = run("cards", "--deck", "demoscene")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "demoscene"
    assert lines[2].split() == ["Term", "Dir", "State", "Reps", "EF", "Ivl", "Due", "Lapses"]
    assert lines[-1].startswith(f"{len(as_json('--deck', 'demoscene'))} cards · ")
    assert lines[-1].endswith(" · 2 learning · 1 review · 1 suspended · 1 leech")
    row = next(line for line in lines if "review" in line)
    assert row.split()[-6:] == ["review", "2", "2.60", "6d", "2026-03-01", "0"]
    assert any(line.split()[-1:] == ["8!"] for line in lines)


def test_unknown_deck_is_one_line() -> None:
    result = run("cards", "--deck", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown deck 'nope'; known decks: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_bad_store_file_is_one_line_and_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "progress.db"
    bad.write_bytes(b"not a database at all")
    result = run("--db", str(bad), "cards")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bad} is not a SQLite database; move it away or pass another file with --db\n"
    )
    assert bad.read_bytes() == b"not a database at all"


def test_trainer_db_env_and_default_location(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert run("cards", "--json").exit_code == 0
    assert paths.default_store_path().exists()
    target = tmp_path / "elsewhere" / "mine.db"
    monkeypatch.setenv("TRAINER_DB", str(target))
    assert run("cards", "--json").exit_code == 0
    assert target.exists()


@freeze_time("2026-03-20 10:00:00")
def test_due_leaves_out_suspended_cards_unless_asked(ids: list[str]) -> None:
    app = AppContext(db=None, learner="ada")
    app.open_store().set_suspended("ada", ids[1], True)
    app.close_store()
    assert ids[1] not in {row["id"] for row in as_json("--due")}
    assert [row["id"] for row in as_json("--due", "--state", "suspended")] == [ids[1]]


def test_the_store_is_closed_when_the_command_ends() -> None:
    assert run("cards", "--json").exit_code == 0
    store = paths.default_store_path()
    # The last connection closing checkpoints the WAL and removes it.
    assert store.exists() and not Path(f"{store}-wal").exists()


def test_a_registered_deck_that_cannot_be_read_is_a_warning(tmp_path: Path) -> None:
    from store_helpers import write_deck

    from trainer.decks.format import parse_deck

    mine = write_deck(tmp_path / "mine", "gamma", [("g", "G", "A letter.")])
    app = AppContext(db=None, learner="ada")
    app.open_store().register_deck(mine, parse_deck(mine))
    app.close_store()
    assert [row["id"] for row in as_json("--deck", "gamma")] == [
        "gamma/g/forward",
        "gamma/g/reverse",
    ]
    mine.unlink()
    result = run("cards", "--deck", "gamma", "--json")
    assert result.exit_code == 0
    assert result.stderr == (
        f"Warning: {mine.resolve()}: cannot read the deck file: No such file or directory\n"
    )
    assert len(json.loads(result.stdout)) == 2  # its cards stay as they were


def test_limit_shows_the_first_cards_and_says_how_many_match() -> None:
    result = run("cards", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "foundational",
        "",
        "  Term                  Dir   State   Reps     EF   Ivl   Due   Lapses",
        " ──────────────────────────────────────────────────────────────────────",
        "  Audio Codec           fwd   new        0   2.50     -   -          0",
        "  Audio Codec           rev   new        0   2.50     -   -          0",
        "  Attention Mechanism   fwd   new        0   2.50     -   -          0",
        "",
        "3 cards · 3 new",
        "These are the first 3 of 96 cards: --limit N shows N, --limit 0 shows all.",
    ]


def test_limit_with_json_and_filters() -> None:
    assert [row["id"] for row in as_json("--limit", "2")] == [
        "foundational/audio-codec/forward",
        "foundational/audio-codec/reverse",
    ]
    assert [row["id"] for row in as_json("--deck", "demoscene", "--limit", "1")] == [
        "demoscene/tracker/forward"
    ]
    assert len(as_json()) == 96  # --json lists every card by default
    assert len(as_json("--limit", "0")) == 96


def test_the_table_shows_100_cards_unless_told(tmp_path: Path) -> None:
    from store_helpers import write_deck

    from trainer.decks.format import parse_deck

    mine = write_deck(tmp_path / "mine", "gamma", [(f"g{i}", f"G{i}", "A letter.") for i in "123"])
    app = AppContext(db=None, learner="ada")
    app.open_store().register_deck(mine, parse_deck(mine))
    app.close_store()
    lines = run("cards").stdout.splitlines()
    assert lines[-2:] == [
        "100 cards · 100 new",
        "These are the first 100 of 102 cards: --limit N shows N, --limit 0 shows all.",
    ]
    assert run("cards", "--limit", "0").stdout.splitlines()[-1] == "102 cards · 102 new"
    assert run("cards", "--limit", "102").stdout.splitlines()[-1] == "102 cards · 102 new"
    assert run("cards", "--deck", "gamma").stdout.splitlines()[-1] == "6 cards · 6 new"


def test_a_negative_limit_is_a_usage_error() -> None:
    result = run("cards", "--limit", "-1")
    assert result.exit_code == 2
    assert "Invalid value for '-n' / '--limit': -1 is not in the range x>=0." in result.stderr


CARDS_PROBE = """\
import contextlib, io, json, sys

from trainer.cli import main

out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(["cards", "--json", "--limit", "2"])
    except SystemExit as done:
        assert not done.code, done.code
print(json.dumps({"sqlalchemy": "sqlalchemy" in sys.modules, "output": json.loads(out.getvalue())}))
"""


def test_cards_on_a_fresh_sqlite_store_reads_without_sqlalchemy() -> None:
    """A synced, migrated SQLite store is browsed with the standard library's sqlite3."""
    assert run("cards", "--limit", "1").exit_code == 0  # the store is created and synced
    done = subprocess.run(
        [sys.executable, "-P", "-c", CARDS_PROBE],  # -P: the installed trainer, not ./trainer
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sqlalchemy"] is False
    assert [card["id"] for card in result["output"]] == [
        "foundational/audio-codec/forward",
        "foundational/audio-codec/reverse",
    ]
