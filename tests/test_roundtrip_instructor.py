"""An instructor's deck from end to end, through the real commands:

CSV -> `deck import-csv` -> `deck check` -> `deck add` -> `quiz` one card (piped
input) -> `export` and open the .apkg (zip + SQLite) -> edit the deck file ->
every command sees the edit and the learner's progress is kept.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time

from trainer.cli import cli

CSV = (
    "\ufeffTerm,Definition,Aliases,Details,Tags\r\n"
    'Foley,"Everyday sound effects, recorded in sync with the picture <i>after</i> filming.",'
    "foley art,Named after Jack Foley.,film\r\n"
    'Room Tone,"The quiet background sound of a location, recorded to fill gaps in dialogue.",'
    ",,film\r\n"
)


def run(args: list[str], text: str = "", when: str = "2026-03-02 09:00:00") -> Result:
    with freeze_time(when):
        return CliRunner().invoke(cli, args, input=text)


def cards(*args: str, when: str = "2026-03-02 09:00:00") -> list[dict[str, object]]:
    result = run(["cards", "--deck", "film", "--json", *args], when=when)
    assert result.exit_code == 0, result.output
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "terms.csv").write_bytes(CSV.encode("utf-8"))
    return folder


def test_csv_to_quiz_to_anki_and_an_edit_keeps_progress(here: Path) -> None:
    # 1. import, check, add
    result = run(
        [
            "deck",
            "import-csv",
            "terms.csv",
            "--out",
            "film.toml",
            "--title",
            "Film",
            "--description",
            "Film sound terms.",
        ]
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "Wrote film.toml: deck 'film', 2 entries from terms.csv.\n",
    )
    result = run(["deck", "check", "film.toml"])
    assert (result.exit_code, result.stdout) == (0, "checked 1 deck file: no problems\n")
    result = run(["deck", "add", "film.toml"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Added deck 'film' (Film): 2 entries, 4 cards, from ")

    # 2. quiz one card: reveal, grade 5, end of input
    result = run(["quiz", "--deck", "film", "--new", "1", "--seed", "1"], "\n5\n")
    assert result.exit_code == 0, result.output
    assert "Foley" in result.stdout
    assert "5 easy: next in 1 day (2026-03-03)" in result.stdout
    states = {c["id"]: (c["state"], c["reps"], c["due"]) for c in cards()}
    assert states == {
        "film/foley/forward": ("learning", 1, "2026-03-03"),
        "film/foley/reverse": ("new", 0, None),
        "film/room-tone/forward": ("new", 0, None),
        "film/room-tone/reverse": ("new", 0, None),
    }

    # 3. export and open the package
    result = run(["export", "film", "--out", "anki"])
    assert (result.exit_code, result.stdout) == (0, "Wrote anki/film.apkg (2 notes, 4 cards)\n")
    with zipfile.ZipFile(here / "anki/film.apkg") as package:
        assert "collection.anki2" in package.namelist()
        package.extract("collection.anki2", here / "unzipped")
    with closing(sqlite3.connect(here / "unzipped/collection.anki2")) as db:
        notes = [row[0].split("\x1f") for row in db.execute("select flds from notes order by id")]
        decks = json.loads(db.execute("select decks from col").fetchone()[0])
    assert any(
        "Everyday sound effects, recorded in sync with the picture &lt;i&gt;after&lt;/i&gt; "
        "filming." in fields
        for fields in notes
    )
    assert "AI Music Glossary::Film" in {deck["name"] for deck in decks.values()}

    # 4. the instructor edits the file: a clearer definition, one entry dropped, one added
    path = here / "film.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "recorded in sync with the picture <i>after</i> filming.",
        "performed and recorded in sync with the picture after filming.",
    )
    start = text.index('[[entry]]\nid = "room-tone"')
    text = text[:start] + (
        '[[entry]]\nid = "walla"\nterm = "Walla"\n'
        'definition = "The murmur of a crowd recorded as background for a film scene."\n'
        'source = "authored"\n'
    )
    path.write_text(text, encoding="utf-8")
    assert run(["deck", "check", "film.toml"]).exit_code == 0

    later = "2026-03-03 09:00:00"
    edited = cards("--search", "performed and recorded", when=later)
    assert [(c["id"], c["state"], c["reps"], c["due"]) for c in edited] == [
        ("film/foley/forward", "learning", 1, "2026-03-03"),
        ("film/foley/reverse", "new", 0, None),
    ]
    states = {c["id"]: c["state"] for c in cards("--state", "retired", when=later)}
    assert states == {"film/room-tone/forward": "retired", "film/room-tone/reverse": "retired"}
    assert {c["id"] for c in cards(when=later) if c["state"] != "retired"} == {
        "film/foley/forward",
        "film/foley/reverse",
        "film/walla/forward",
        "film/walla/reverse",
    }
    # the quiz asks the due card with the new definition on its back
    result = run(["quiz", "--deck", "film", "--new", "0", "--seed", "1"], "\n4\n", when=later)
    assert result.exit_code == 0, result.output
    assert "performed and recorded in sync" in " ".join(result.stdout.split())
    foley = cards("--search", "performed and recorded", when=later)[0]
    assert (foley["id"], foley["reps"], foley["due"]) == ("film/foley/forward", 2, "2026-03-09")

    # 5. removed and added again: the progress comes back with the cards
    assert run(["deck", "remove", "film"], when=later).exit_code == 0
    result = run(["cards", "--deck", "film", "--json"], when=later)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: unknown deck 'film'; known decks: foundational, models-architectures, "
        "generation-inference, evaluation-production, demoscene\n",
    )
    assert run(["deck", "add", "film.toml"], when=later).exit_code == 0
    foley = cards("--search", "performed and recorded", when=later)[0]
    assert (foley["id"], foley["reps"], foley["due"]) == ("film/foley/forward", 2, "2026-03-09")
