"""The instructor's deck commands through click's CliRunner: new, import-csv,
import-glossary, check, add, remove, and list/show with registered decks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from trainer.cli import cli
from trainer.decks.format import parse_deck

CSV = (
    "term;definition;aliases;tags\n"
    "Foley;The reproduction of everyday sound effects added to film in post-production.;"
    "foley art|foley recording;film\n"
    "Room Tone;The quiet background sound of a location, recorded to fill gaps in dialogue.;"
    ";film\n"
)

GLOSSARY = """\
A short introduction.

A–C: Basic Terms

Foley
Foley is the reproduction of everyday sound effects added to film in post-production. \
Artists record footsteps in sync with the picture. Check out our guide to microphones.

Reverb
Reverb is the persistence of sound in a space after the source stops. It is measured as

D–F: Further Terms

Delay Line
A delay line plays a signal back after a set time.
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def anki_id(path: Path) -> int:
    return parse_deck(path).anki_deck_id


# --- deck new -----------------------------------------------------------------------------


def test_new_writes_a_deck_with_a_commented_example(here: Path) -> None:
    result = run("deck", "new", "week1.toml", "--title", "Week 1: Listening")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "Wrote week1.toml: deck 'week-1-listening' with a commented example entry.",
        "Next: add entries, run trainer deck check week1.toml, then trainer deck add week1.toml",
    ]
    text = (here / "week1.toml").read_text(encoding="utf-8")
    number = re.search(r"^anki_deck_id = (\d{10})$", text, re.MULTILINE)
    assert number is not None
    assert '# [[entry]]\n# id = "nyquist-frequency"' in text
    # uncommenting the example gives a deck that checks clean
    example = "\n".join(
        line[2:] if line.startswith("# ") and not line.startswith("# Add") else line
        for line in text.splitlines()
        if not line.startswith("# A trainer")
        and not line.startswith("# Check")
        and not line.startswith("# Keep")
        and line != "#"
    )
    (here / "example.toml").write_text(example, encoding="utf-8")
    check = run("deck", "check", "example.toml")
    assert (check.exit_code, check.stdout) == (0, "checked 1 deck file: no problems\n")


def test_new_ids_are_fresh(here: Path) -> None:
    run("deck", "new", "a.toml", "--title", "A")
    run("deck", "new", "b.toml", "--title", "B")
    ids = {
        int(re.search(r"anki_deck_id = (\d+)", (here / n).read_text()).group(1))  # type: ignore[union-attr]
        for n in ("a.toml", "b.toml")
    }
    assert len(ids) == 2


def test_new_from_copies_entries_by_id_or_term_with_their_origin(here: Path) -> None:
    result = run(
        "deck",
        "new",
        "w.toml",
        "--title",
        "Week 2",
        "--slug",
        "week-two",
        "--description",
        "Codecs and models.",
        "--from",
        "foundational:audio-codec,LATENT SPACE",
        "--from",
        "models-architectures:gan",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Wrote w.toml: deck 'week-two' with 3 copied entries.",
        "Next: trainer deck check w.toml, then trainer deck add w.toml",
    ]
    deck = parse_deck(here / "w.toml")
    assert (deck.slug, deck.title, deck.description) == ("week-two", "Week 2", "Codecs and models.")
    assert [(e.id, e.origin, e.source.value) for e in deck.entries] == [
        ("audio-codec", "foundational/audio-codec", "glossary"),
        ("latent-space", "foundational/latent-space", "glossary"),
        ("gan", "models-architectures/gan", "glossary"),
    ]
    from trainer.decks.catalog import load_bundled_decks

    original = next(e for d in load_bundled_decks() for e in d.entries if e.id == "gan")
    assert (deck.entries[2].definition, deck.entries[2].details) == (
        original.definition,
        original.details,
    )
    assert run("deck", "check", "w.toml").stdout == "checked 1 deck file: no problems\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--from", "foundational"),
            "Error: --from 'foundational' must look like "
            "DECK:TERM[,TERM...] (e.g. --from foundational:audio-codec,latent-space)",
        ),
        (
            ("--from", "nope:x"),
            "Error: unknown deck 'nope'; known decks: foundational, "
            "models-architectures, generation-inference, evaluation-production, demoscene",
        ),
        (
            ("--from", "foundational:reverb"),
            "Error: deck 'foundational' has no entry with the "
            "id or term 'reverb'; see `trainer deck show foundational`",
        ),
        (
            ("--slug", "Week"),
            "Error: bad slug 'Week': use lowercase letters, digits and single "
            "hyphens (e.g. 'sound-design')",
        ),
    ],
)
def test_new_refuses_bad_options(here: Path, args: tuple[str, ...], message: str) -> None:
    result = run("deck", "new", "w.toml", "--title", "W", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message + "\n")
    assert not (here / "w.toml").exists()


def test_new_never_overwrites_without_force(here: Path) -> None:
    (here / "w.toml").write_text("# mine\n", encoding="utf-8")
    result = run("deck", "new", "w.toml", "--title", "W")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: w.toml already exists; pass --force to overwrite it\n",
    )
    assert (here / "w.toml").read_text() == "# mine\n"
    assert run("deck", "new", "w.toml", "--title", "W", "--force").exit_code == 0
    assert parse_deck_text_ok(here / "w.toml")
    assert sorted(p.name for p in here.iterdir()) == ["w.toml"]  # no temporary file left


def parse_deck_text_ok(path: Path) -> bool:
    return 'slug = "w"' in path.read_text(encoding="utf-8")


# --- import-csv / import-glossary -----------------------------------------------------------


def test_import_csv(here: Path) -> None:
    (here / "terms.csv").write_text(CSV, encoding="utf-8")
    result = run(
        "deck", "import-csv", "terms.csv", "--out", "decks/film.toml", "--title", "Film Sound"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Wrote decks/film.toml: deck 'film-sound', 2 entries from terms.csv.\n"
    deck = parse_deck(here / "decks/film.toml")
    assert (deck.slug, deck.title, deck.description) == (
        "film-sound",
        "Film Sound",
        "Imported from terms.csv.",
    )
    assert [(e.id, e.aliases, e.tags, e.source.value) for e in deck.entries] == [
        ("foley", ("foley art", "foley recording"), ("film",), "authored"),
        ("room-tone", (), ("film",), "authored"),
    ]


def test_import_csv_prints_the_check_of_what_it_wrote(here: Path) -> None:
    (here / "t.csv").write_text(
        "term,definition\nSpectrogram,A picture of sound: frequency over time.\nHum,Mains.\n",
        encoding="utf-8",
    )
    result = run("deck", "import-csv", "t.csv", "--out", "t.toml", "--title", "T")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Wrote t.toml: deck 't', 2 entries from t.csv.",
        "t.toml:9: error: term 'Spectrogram' is already an entry of deck 'models-architectures' "
        "('spectrogram'); remove it here, or copy that entry with "
        "`trainer deck new --from models-architectures:spectrogram`",
        "t.toml:15: warning: the definition of 'hum' is very short (1 word); a learner needs "
        "a sentence to recall the term from",
        "1 error to fix before `trainer deck add`; then run: trainer deck check t.toml",
    ]


def test_import_glossary_writes_one_deck_per_section(here: Path) -> None:
    (here / "g.txt").write_text(GLOSSARY, encoding="utf-8")
    result = run("deck", "import-glossary", "g.txt", "--out", "out")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "Wrote out/basic-terms.toml: 'A–C: Basic Terms', 2 entries.",
        "Wrote out/further-terms.toml: 'D–F: Further Terms', 1 entry.",
        "g.txt:6: warning: left out (promotional): Check out our guide to microphones.",
        "g.txt:9: warning: the paragraph of 'Reverb' stops mid-sentence (...'source stops. "
        "It is measured as'); complete it in the deck file",
    ]
    basic = parse_deck(here / "out/basic-terms.toml")
    further = parse_deck(here / "out/further-terms.toml")
    assert [e.id for e in basic.entries] == ["foley", "reverb"]
    assert basic.entries[0].definition == (
        "Foley is the reproduction of everyday sound effects added to film in post-production."
    )
    assert basic.entries[0].details == "Artists record footsteps in sync with the picture."
    assert basic.anki_deck_id != further.anki_deck_id
    assert further.description == "The section 'D–F: Further Terms' of g.txt."


# --- check ------------------------------------------------------------------------------------

DECK = """\
slug = "film-sound"
title = "Film Sound"
description = "Terms of film sound."
anki_deck_id = 1111111111

[[entry]]
id = "foley"
term = "Foley"
definition = "The reproduction of everyday sound effects added to film in post-production."
source = "authored"

[[entry]]
id = "hum"
term = "Hum"
definition = "Mains noise."
source = "authored"
"""


def test_check_warnings_only_exit_0_and_json(here: Path) -> None:
    (here / "f.toml").write_text(DECK, encoding="utf-8")
    result = run("deck", "check", "f.toml")
    assert (result.exit_code, result.stdout) == (
        0,
        "f.toml:12: warning: the definition of 'hum' is very short (2 words); a learner needs "
        "a sentence to recall the term from\n"
        "checked 1 deck file: 0 errors, 1 warning\n",
    )
    result = run("deck", "check", "f.toml", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "path": "f.toml",
            "line": 12,
            "severity": "warning",
            "message": "the definition of 'hum' is very short (2 words); a learner needs a "
            "sentence to recall the term from",
        }
    ]


def test_check_several_files_errors_exit_1(here: Path) -> None:
    (here / "f.toml").write_text(DECK, encoding="utf-8")
    (here / "g.toml").write_text(DECK.replace('id = "hum"', 'id = "Hum"'), encoding="utf-8")
    result = run("deck", "check", "f.toml", "g.toml", "--json")
    assert result.exit_code == 1
    assert [(f["path"], f["line"], f["severity"]) for f in json.loads(result.stdout)] == [
        ("f.toml", 12, "warning"),
        ("g.toml", 13, "error"),
    ]
    result = run("deck", "check", "f.toml", "g.toml")
    assert result.stdout.splitlines()[-1] == "checked 2 deck files: 1 error, 1 warning"


# --- add / remove / list / show ------------------------------------------------------------


def test_add_list_show_remove_and_add_again(here: Path) -> None:
    (here / "f.toml").write_text(DECK, encoding="utf-8")
    result = run("deck", "add", "f.toml")
    assert result.exit_code == 0
    assert result.stderr == (
        "f.toml:12: warning: the definition of 'hum' is very short (2 words); a learner needs "
        "a sentence to recall the term from\n"
    )
    assert result.stdout == (
        f"Added deck 'film-sound' (Film Sound): 2 entries, 4 cards, from {here / 'f.toml'}.\n"
    )
    listed = json.loads(run("deck", "list", "--json").stdout)
    assert listed[-1] == {
        "slug": "film-sound",
        "title": "Film Sound",
        "description": "Terms of film sound.",
        "entries": 2,
        "cards": 4,
        "source": "authored",
        "registered": True,
        "path": str(here / "f.toml"),
    }
    assert {(d["registered"], d["path"]) for d in listed[:-1]} == {(False, None)}
    table = run("deck", "list").stdout.splitlines()
    assert [
        line.split()[-1] for line in table if line.strip().startswith(("foundational", "film"))
    ] == [
        "bundled",
        "registered",
    ]
    shown = json.loads(run("deck", "show", "film-sound", "--json").stdout)
    assert [c["id"] for c in shown["cards"]][:2] == [
        "film-sound/foley/forward",
        "film-sound/foley/reverse",
    ]

    result = run("deck", "remove", "film-sound")
    assert (result.exit_code, result.stdout) == (
        0,
        "Removed deck 'film-sound': its 4 cards are retired, progress is kept. "
        f"To bring it back: trainer deck add {here / 'f.toml'}\n",
    )
    assert [d["slug"] for d in json.loads(run("deck", "list", "--json").stdout)][-1] == "demoscene"
    assert (here / "f.toml").exists()
    result = run("deck", "add", "f.toml")
    assert result.stdout.splitlines() == [
        f"Restored deck 'film-sound' (Film Sound): 2 entries, 4 cards, from {here / 'f.toml'}.",
        "Its cards are back with the progress they had.",
    ]


def test_add_refuses_a_slug_another_registered_file_uses(here: Path) -> None:
    (here / "f.toml").write_text(DECK, encoding="utf-8")
    (here / "g.toml").write_text(DECK.replace("1111111111", "2222222222"), encoding="utf-8")
    assert run("deck", "add", "f.toml").exit_code == 0
    result = run("deck", "add", "g.toml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"g.toml:1: error: deck slug 'film-sound' is already used by {here / 'f.toml'}; "
        "choose another slug"
    )


def test_remove_refuses_bundled_and_unknown_decks(here: Path) -> None:
    result = run("deck", "remove", "foundational")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: 'foundational' is a bundled deck; only decks added with `trainer deck add` "
        "can be removed\n",
    )
    result = run("deck", "remove", "nope")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no registered deck 'nope'; registered decks: (none)\n",
    )


COMMANDS = ["new", "import-csv", "import-glossary", "check", "add", "remove", "list", "show"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_deck_command_has_help_with_an_example(command: str) -> None:
    result = run("deck", command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"trainer deck {command}" in result.stdout


def test_the_readme_shows_every_instructor_command() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For instructors") :]
    for command in COMMANDS[:6]:
        assert f"trainer deck {command}" in section, command


def test_check_works_without_a_usable_progress_store(here: Path, trainer_home: Path) -> None:
    (here / "f.toml").write_text(DECK, encoding="utf-8")
    trainer_home.mkdir(parents=True, exist_ok=True)
    (trainer_home / "progress.db").write_text("not a database\n", encoding="utf-8")
    result = run("deck", "check", "f.toml")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "checked 1 deck file: 0 errors, 1 warning"
    assert result.stderr == (
        f"Warning: registered decks left out: {trainer_home / 'progress.db'} is not a SQLite "
        "database; move it away or pass another file with --db\n"
    )


def test_new_refuses_the_slug_of_a_bundled_or_registered_deck(here: Path) -> None:
    result = run("deck", "new", "w.toml", "--title", "Foundational")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: the slug 'foundational' is already used by a bundled deck; pass --slug with "
        "another one\n",
    )
    (here / "f.toml").write_text(DECK, encoding="utf-8")
    assert run("deck", "add", "f.toml").exit_code == 0
    result = run("deck", "new", "w.toml", "--title", "Film Sound")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: the slug 'film-sound' is already used by the deck file {here / 'f.toml'}; "
        "pass --slug with another one\n",
    )
    assert not (here / "w.toml").exists()
