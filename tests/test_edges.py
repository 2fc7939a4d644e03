"""Bad input at the edges (issue 14, part 2): each case is one clear line, a non-zero exit,
no traceback, and the store as it was.

The deck, CSV and glossary files themselves are in tests/test_bad_inputs.py; here are the
cases around them: a registered deck file that turns bad, hostile text in the store reaching
a terminal or a spreadsheet, values the store cannot keep, numbers too large, a settings
file that is a folder, a full disk, a damaged store, copy-paste hints.
"""

from __future__ import annotations

import csv
import errno
import os
import shlex
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from trainer.cli import cli
from trainer.printable import spreadsheet_cell

DECK = """\
slug = "sound-design"
title = "Sound Design"
description = "Terms for the sound design course."
anki_deck_id = 1111111111

[[entry]]
id = "foley"
term = "Foley"
definition = "The reproduction of everyday sound effects added to film in post-production."
source = "authored"
"""


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def store_path(home: Path) -> Path:
    return home / "progress.db"


def dump(path: Path) -> list[str]:
    """Every row of every table of a SQLite store, for 'the store is as it was'."""
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


# --- a registered deck file that turns bad -----------------------------------------------


def _turn(path: Path, into: str) -> None:
    path.unlink()
    if into == "nested":
        path.write_text(DECK + "deep = " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    elif into == "fifo":
        os.mkfifo(path)
    elif into == "zero":
        path.symlink_to("/dev/zero")
    elif into == "folder":
        path.mkdir()


BAD_DECK_WARNINGS = {
    "nested": "invalid TOML: arrays or inline tables nested too deeply",
    "fifo": "cannot read the deck file: it is a named pipe (FIFO), not a regular file",
    "zero": "cannot read the deck file: it is a character device, not a regular file",
    "folder": "cannot read the deck file: it is a folder, not a regular file",
}


@pytest.mark.parametrize("into", list(BAD_DECK_WARNINGS))
def test_a_registered_deck_that_turns_bad_is_one_warning_and_everything_else_works(
    into: str, tmp_path: Path
) -> None:
    mine = tmp_path / "film.toml"
    mine.write_text(DECK, encoding="utf-8")
    assert run("deck", "add", str(mine)).exit_code == 0
    warning = f"Warning: {mine.resolve()}: {BAD_DECK_WARNINGS[into]}"
    _turn(mine, into)
    for args in (
        ("status",),
        ("cards", "--limit", "1"),
        ("stats", "--json"),
        ("quiz", "--new", "0"),
        ("export", "--out", str(tmp_path / "anki")),
    ):
        result = run(*args, input="")
        assert result.exit_code == 0, (args, result.output)
        assert result.stderr.splitlines() == [warning], args
    assert (tmp_path / "anki" / "foundational.apkg").is_file()  # the other decks export
    result = run("deck", "remove", "sound-design")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [warning]
    assert result.stdout.startswith("Removed deck 'sound-design': its 2 cards are retired")
    result = run("status")  # removed: no more warnings
    assert (result.exit_code, result.stderr) == (0, "")


# --- learner names, TRAINER_HOME, settings ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "the learner's name is empty; give a name, e.g. --learner ada"),
        ("  ", "the learner's name is empty; give a name, e.g. --learner ada"),
        ("x" * 201, "the learner's name is 201 characters long; use one of 200 characters at most"),
        (
            "ev\x1b[2Jil",
            "the learner's name contains the control character U+001B; use letters, digits, "
            "spaces and punctuation",
        ),
        (
            "eve\u202elive",
            "the learner's name contains the bidirectional formatting character U+202E; use "
            "letters, digits, spaces and punctuation",
        ),
    ],
)
@pytest.mark.parametrize("command", [("status",), ("quiz", "--new", "1"), ("cards",), ("stats",)])
def test_a_learner_name_that_cannot_be_one_is_refused_before_anything_is_written(
    name: str, problem: str, command: tuple[str, ...], trainer_home: Path
) -> None:
    result = run("--learner", name, *command, input="\n4\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: --learner (or TRAINER_LEARNER): {problem}\n"
    if store_path(trainer_home).exists():  # opened, maybe: no learner, no answer
        with sqlite3.connect(store_path(trainer_home)) as conn:
            assert conn.execute("SELECT count(*) FROM learners").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM reviews").fetchone() == (0,)


def test_deck_commands_and_help_do_not_need_a_learner_name() -> None:
    assert run("--learner", "", "deck", "list", "--json").exit_code == 0
    assert run("--learner", "", "quiz", "--help").exit_code == 0


def test_an_empty_trainer_home_is_refused_not_the_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRAINER_HOME", "")
    result = run("status")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: TRAINER_HOME is set but empty; set it to a folder for trainer's data, "
        "or unset it to use the default folder\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_settings_file_that_is_a_folder_is_one_line(trainer_home: Path) -> None:
    (trainer_home / "settings.toml").mkdir(parents=True)
    result = run("status")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {trainer_home / 'settings.toml'}: cannot read the settings file: it is a "
        "folder, not a regular file; fix or delete it\n"
    )


# --- numbers too large ---------------------------------------------------------------------


def test_quiz_new_too_large_is_a_usage_error_before_the_store_is_opened(
    trainer_home: Path,
) -> None:
    result = run("quiz", "--new", "99999999999999999999")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for --new: 99999999999999999999 is more than a study day holds "
        "(at most 10000)"
    )
    assert not store_path(trainer_home).exists()
    result = run("quiz", "--reviews", "100001")
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for --reviews: 100001 is more than a study day holds (at most 100000)"
    )


def test_cards_limit_beyond_an_sql_integer_lists_every_card() -> None:
    result = run("cards", "--limit", "99999999999999999999", "--json")
    everything = run("cards", "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == everything.stdout


# --- a damaged store ------------------------------------------------------------------------


def _answered(home: Path) -> Path:
    assert run("quiz", "--new", "1", input="\n4\n").exit_code == 0
    return store_path(home)


@pytest.mark.parametrize("command", [("status",), ("stats",), ("quiz",)])
def test_a_dropped_table_is_one_line(command: tuple[str, ...], trainer_home: Path) -> None:
    path = _answered(trainer_home)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE review_days")
    before = dump(path)
    result = run(*command, input="")
    assert (result.exit_code, result.stdout.count("Traceback")) == (1, 0)
    assert result.stderr.splitlines()[-1] == (
        "Error: the progress store cannot be read (no such table: review_days); if it was "
        "changed by hand, restore it from a backup"
    )
    assert dump(path) == before


@pytest.mark.parametrize(
    ("command", "value"),
    [
        (("cards", "--json"), "2026-13-45"),
        (("stats",), "2026-02-30"),
        (("class", "report"), "2026-02-30"),
        (("status",), "2026-02-30"),
    ],
)
def test_a_hand_edited_invalid_date_is_one_line(
    command: tuple[str, ...], value: str, trainer_home: Path
) -> None:
    path = _answered(trainer_home)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE card_states SET due = '2026-13-45'")
        conn.execute("UPDATE reviews SET day = '2026-02-30'")
        conn.execute("UPDATE review_days SET day = '2026-02-30'")
    before = dump(path)
    result = run(*command, input="")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: the progress store holds {value!r} where a date (YYYY-MM-DD) belongs; "
        "correct it (a hand edit?) or restore the store from a backup\n"
    )
    assert dump(path) == before


def test_a_new_store_on_a_full_disk_is_one_line_and_leaves_no_file(
    trainer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer.progress import migrations

    def full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(migrations, "migrate", full)
    result = run("status")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot open the store {store_path(trainer_home)}: the disk is full; free some "
        "space or pass a file on another disk with --db\n"
    )
    assert not store_path(trainer_home).exists()


def test_a_data_folder_that_cannot_be_created_on_a_full_disk_is_one_line(
    trainer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def mkdir(self: Path, *_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = run("status")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot create the folder {trainer_home} for the progress store: "
        "No space left on device; pass another file with --db\n"
    )


# --- hostile text from the store: terminals and spreadsheets ---------------------------------


def test_control_characters_in_the_store_never_reach_the_terminal(trainer_home: Path) -> None:
    path = _answered(trainer_home)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO learners (name) VALUES ('mallory\x1b[2J\x1b]0;owned\x07\u202e')")
        card = conn.execute("SELECT card_id FROM card_states").fetchone()[0]
        conn.execute(
            "UPDATE cards SET term = 'Ev\x1b[31mil\u202e', front = 'Ev\x1b[31mil\u202e'"
            " WHERE id = ?",
            (card,),
        )
    for args in (("class", "report"), ("cards",), ("stats",), ("cards", "--json")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        for bad in ("\x1b", "\x07", "\u202e"):
            assert bad not in result.stdout, (args, bad)
    assert "mallory\ufffd[2J" in run("class", "report").stdout
    assert "Ev\ufffd[31mil" in run("cards").stdout
    assert '"term": "Ev\\u001b[31mil\\u202e"' in run("cards", "--json").stdout


def test_the_class_report_csv_writes_formulas_as_text(tmp_path: Path, trainer_home: Path) -> None:
    names = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "plain"]
    for name in names:
        assert run("--learner", name, "quiz", "--new", "1", input="\n4\n").exit_code == 0
    out = tmp_path / "class.csv"
    result = run("class", "report", "--csv", str(out))
    assert result.stdout == f"Wrote 5 rows (one per learner) to {out}\n"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        learners = [row["learner"] for row in csv.DictReader(handle)]
    assert sorted(learners) == sorted(["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1)", "plain"])
    # tab and CR cannot start a learner's name; cells from elsewhere are escaped alike
    assert [spreadsheet_cell(v) for v in ("\tx", "\rx", "x=1", 3, None)] == [
        "'\tx",
        "\ufffdx",
        "x=1",
        3,
        None,
    ]


def test_the_class_report_csv_replaces_only_a_regular_file(tmp_path: Path) -> None:
    out = tmp_path / "pipe.csv"
    os.mkfifo(out)
    result = run("class", "report", "--csv", str(out))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot write {out}: it is a named pipe (FIFO), not a regular file; pass the "
        "name of a file\n"
    )
    assert out.is_fifo()


# --- hints to copy are quoted as a shell would -----------------------------------------------


def test_hints_to_copy_quote_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "my decks $(touch pwned)"
    folder.mkdir()
    mine = folder / "film.toml"
    mine.write_text(DECK, encoding="utf-8")
    added = run("deck", "add", str(mine))
    assert added.stdout == (
        f"Added deck 'sound-design' (Sound Design): 1 entry, 2 cards, from {mine}.\n"
    )
    removed = run("deck", "remove", "sound-design")
    hint = removed.stdout.split("To bring it back: ", 1)[1].strip()
    assert hint == f"trainer deck add {shlex.quote(str(mine))}"
    assert shlex.split(hint) == ["trainer", "deck", "add", str(mine)]
    mine.write_text(DECK.replace('id = "foley"', 'id = "Foley"'), encoding="utf-8")
    refused = run("deck", "add", str(mine))
    assert refused.stderr.splitlines()[-1] == (
        f"Error: {mine} was not added: 1 error; fix it and run "
        f"`trainer deck add {shlex.quote(str(mine))}` again"
    )


# --- values the store cannot keep (PostgreSQL checks lengths and refuses NUL) -----------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "f" * 250}, "value too long for type character varying(200)"),
        ({"term": "Fo\x00ley"}, "PostgreSQL text fields cannot contain NUL (0x00) bytes"),
    ],
)
def test_a_value_the_store_cannot_keep_is_about_that_value(
    change: dict[str, str], message: str, store_target: str | Path, backend: str, tmp_path: Path
) -> None:
    """Behind `deck check` (which refuses both), the store's own message names the value."""
    from dataclasses import replace

    from trainer.decks.format import parse_deck
    from trainer.errors import StoreError
    from trainer.progress.store import Store

    mine = tmp_path / "film.toml"
    mine.write_text(DECK, encoding="utf-8")
    good = parse_deck(mine)
    bad = replace(good, entries=(replace(good.entries[0], **change),))
    with Store.open(store_target) as store:
        if backend == "sqlite":  # SQLite keeps any length and NUL: nothing to refuse
            return
        with pytest.raises(StoreError) as caught:
            store.register_deck(mine, bad)
        assert str(caught.value) == (
            f"a value does not fit the store {store.where} ({message}); nothing was changed: "
            "shorten or correct that value"
        )
        assert [info.slug for info in store.deck_infos() if not info.bundled] == []


def test_a_learner_name_too_long_for_the_store_gives_no_card_to_answer(
    store_target: str | Path,
) -> None:
    from trainer.progress.store import Store

    result = run(
        "--db", str(store_target), "--learner", "x" * 201, "quiz", "--new", "1", input="\n4\n"
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: --learner (or TRAINER_LEARNER): the learner's name is 201 characters long; "
        "use one of 200 characters at most\n"
    )
    with Store.open(store_target) as store:
        assert store.learners() == []
