"""Malformed input across the three formats an instructor brings: deck files, CSV files
and glossary documents.

Every case runs the real command through CliRunner in a scratch folder and checks
the exact one-line message, the exit status, and that nothing was written (no deck
file, no temporary file) and nothing registered. A second list holds inputs that
look odd but must work (BOM, Windows line ends, HTML in a definition).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import cli
from trainer.decks.format import MAX_SOURCE_BYTES
from trainer.decks.lint import MAX_ENTRIES

GOOD_DECK = """\
slug = "sound-design"
title = "Sound Design"
description = "Terms for the sound design course."
anki_deck_id = 1111111111

[[entry]]
id = "foley"
term = "Foley"
definition = "The reproduction of everyday sound effects added to film in post-production."
source = "authored"

[[entry]]
id = "adsr-envelope"
term = "ADSR Envelope"
aliases = ["ADSR"]
definition = "Attack, decay, sustain and release: four stages that shape a sound's level."
tags = ["synthesis"]
source = "authored"
"""

GOOD_GLOSSARY = """\
An introduction that the importer leaves out.

A–C: Basic Terms

Foley
Foley is the reproduction of everyday sound effects added to film in post-production. \
Artists record footsteps and cloth movement in sync with the picture.

Reverb
Reverb is the persistence of sound in a space after the source stops.
"""


def deck_with(old: str, new: str) -> str:
    assert old in GOOD_DECK
    return GOOD_DECK.replace(old, new, 1)


def big(header: str, row: str) -> bytes:
    """A file just over 5 MB."""
    body = header + row * (5 * 1024 * 1024 // len(row) + 1)
    return body.encode("utf-8")


@dataclass(frozen=True)
class Case:
    id: str
    command: str  # "csv" | "glossary" | "check" | "add"
    data: bytes | None  # the input file's bytes (None: no file)
    error: str  # the exact error line (stderr for errors, stdout for check findings)
    code: int = 1
    args: tuple[str, ...] = ()
    existing: str | None = None  # a file already at the output path
    #: the input path is this instead of a file: "fifo" (a named pipe no one writes to),
    #: "zero" (a symbolic link to /dev/zero, endless) or "folder"
    special: str | None = None
    existing_special: str | None = None  # the same at the output path


def nested(depth: int) -> str:
    """GOOD_DECK with one more key: an array nested `depth` levels deep (1 KB at 500)."""
    return GOOD_DECK + "deep = " + "[" * depth + "]" * depth + "\n"


CASES = [
    # --- CSV files -------------------------------------------------------------------
    Case(
        "csv-latin-1",
        "csv",
        "term,definition\nCaf\xe9 sound,The murmur of a busy café.\n".encode("latin-1"),
        "Error: in.csv:2: the CSV file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    Case(
        "csv-empty",
        "csv",
        b"",
        "Error: in.csv: the CSV file is empty; it needs a term and a definition on each line",
    ),
    Case(
        "csv-blank-lines",
        "csv",
        b"\n \r\n\t\n",
        "Error: in.csv: the CSV file is empty; it needs a term and a definition on each line",
    ),
    Case(
        "csv-bom-only",
        "csv",
        b"\xef\xbb\xbf",
        "Error: in.csv: the CSV file is empty; it needs a term and a definition on each line",
    ),
    Case(
        "csv-header-only",
        "csv",
        b"term,definition\n",
        "Error: in.csv:1: the CSV file has a header row but no entries",
    ),
    Case(
        "csv-missing-definition-column",
        "csv",
        b"term,aliases\nFoley,foley art\n",
        "Error: in.csv:1: missing column 'definition'; the header must name term and "
        "definition (and optionally aliases, details, tags)",
    ),
    Case(
        "csv-missing-term-column",
        "csv",
        b"Definition;Tags\nA sound;audio\n",
        "Error: in.csv:1: missing column 'term'; the header must name term and "
        "definition (and optionally aliases, details, tags)",
    ),
    Case(
        "csv-unknown-column",
        "csv",
        b"term,definition,notes\nFoley,Everyday sounds added to film.,x\n",
        "Error: in.csv:1: unknown column 'notes'; the columns are term, definition, "
        "aliases, details, tags",
    ),
    Case(
        "csv-column-twice",
        "csv",
        b"term,definition,Term\nFoley,Everyday sounds added to film.,x\n",
        "Error: in.csv:1: the column 'term' appears twice",
    ),
    Case(
        "csv-duplicate-terms",
        "csv",
        b"term,definition\nFoley,Everyday sounds added to film.\nReverb,Sound that "
        b"persists in a room.\nFOLEY,Sound effects recorded to picture.\n",
        "Error: in.csv:4: duplicate term 'FOLEY' (first at line 2); merge the two rows",
    ),
    Case(
        "csv-unclosed-quote",
        "csv",
        b'term,definition\nFoley,"Everyday sounds added to film.\nReverb,Sound in a room.\n',
        "Error: in.csv:2: a quoted field is not closed (a field in double quotes must "
        'end with "; write a quote inside it as "")',
    ),
    Case(
        "csv-text-after-closing-quote",
        "csv",
        b'term,definition\nFoley,"Everyday" sounds added to film.\n',
        "Error: in.csv:2: text follows the closing quote of a quoted field; "
        'write a quote inside a quoted field as ""',
    ),
    Case(
        "csv-too-many-fields",
        "csv",
        b"term;definition\nFoley;Everyday sounds;added to film.\n",
        "Error: in.csv:2: 3 fields where the file has 2 columns (semicolon-separated); "
        "put a field that contains a semicolon in double quotes",
    ),
    Case(
        "csv-empty-term",
        "csv",
        b"term,definition\n  ,Everyday sounds added to film.\n",
        "Error: in.csv:2: the term is empty",
    ),
    Case(
        "csv-empty-definition",
        "csv",
        b"term\tdefinition\nFoley\t \n",
        "Error: in.csv:2: the definition of 'Foley' is empty",
    ),
    Case(
        "csv-tag-with-space",
        "csv",
        b"term,definition,tags\nFoley,Everyday sounds added to film.,film|sound design\n",
        "Error: in.csv:2: bad tag 'sound design': use lowercase letters, digits, '-' or '_', "
        "no spaces (e.g. 'drum-machines')",
    ),
    Case(
        "csv-one-column",
        "csv",
        b"Foley\nReverb\n",
        "Error: in.csv:1: found one column; separate term and definition with a comma, "
        "semicolon or tab",
    ),
    Case(
        "csv-three-columns-no-header",
        "csv",
        b"Foley,Everyday sounds,film\nReverb,Sound in a room,space\n",
        "Error: in.csv:1: no header row and 3 columns; add a header row naming the columns "
        "(term, definition, aliases, details, tags) or keep two: term and definition",
    ),
    Case(
        "csv-5-mb",
        "csv",
        big("term,definition\n", "Foley,Everyday sounds added to film in post-production.\n"),
        "Error: in.csv: the CSV file is 5.0 MB; trainer reads CSV files up to 2 MB "
        "(split it into several decks)",
    ),
    Case(
        "csv-out-exists",
        "csv",
        b"term,definition\nFoley,Everyday sounds added to film in post-production.\n",
        "Error: out.toml already exists; pass --force to overwrite it",
        existing="# my deck\n",
    ),
    Case(
        "csv-bad-slug",
        "csv",
        b"term,definition\nFoley,Everyday sounds added to film in post-production.\n",
        "Error: bad slug 'Sound Design': use lowercase letters, digits and single hyphens "
        "(e.g. 'sound-design')",
        args=("--slug", "Sound Design"),
    ),
    Case(
        "csv-slug-of-a-bundled-deck",
        "csv",
        b"term,definition\nFoley,Everyday sounds added to film in post-production.\n",
        "Error: the slug 'demoscene' is already used by a bundled deck; pass --slug with "
        "another one",
        args=("--slug", "demoscene"),
    ),
    Case(
        "csv-missing-file",
        "csv",
        None,
        "Error: in.csv: cannot read the CSV file: No such file or directory",
    ),
    # --- deck files --------------------------------------------------------------------
    Case(
        "deck-latin-1",
        "check",
        deck_with('Foley"', 'Caf\xe9"').encode("latin-1"),
        "in.toml:8: error: the deck file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    Case(
        "deck-empty",
        "check",
        b"",
        "in.toml:1: error: missing deck field 'slug'; add `slug = ...` at the top",
    ),
    Case(
        "deck-unclosed-string",
        "check",
        deck_with('term = "Foley"', 'term = "Foley'),
        "in.toml:8: error: invalid TOML: Illegal character '\\n' (column 14)",
    ),
    Case(
        "deck-duplicate-id",
        "check",
        deck_with('id = "adsr-envelope"', 'id = "foley"'),
        "in.toml:13: error: duplicate entry id 'foley' (first used at line 7)",
    ),
    Case(
        "deck-duplicate-term",
        "check",
        deck_with('term = "ADSR Envelope"', 'term = "foley"'),
        "in.toml:14: error: duplicate term 'foley' (first used at line 8)",
    ),
    Case(
        "deck-empty-definition",
        "check",
        deck_with(
            'definition = "The reproduction of everyday sound effects added to film in '
            'post-production."',
            'definition = "  "',
        ),
        "in.toml:9: error: 'definition' is empty; write the definition",
    ),
    Case(
        "deck-tag-with-space",
        "check",
        deck_with('tags = ["synthesis"]', 'tags = ["sound synthesis"]'),
        "in.toml:17: error: bad tag 'sound synthesis': use lowercase letters, digits, '-' or '_', "
        "no spaces (e.g. 'drum-machines')",
    ),
    Case(
        "deck-unknown-field",
        "check",
        deck_with('source = "authored"\n', 'source = "authored"\nhint = "f"\n'),
        "in.toml:11: error: unknown entry field 'hint' (allowed: id, term, aliases, "
        "definition, reverse, mask, details, tags, source, origin, correction)",
    ),
    Case(
        "deck-shared-alias",
        "check",
        deck_with(
            'id = "foley"\nterm = "Foley"', 'id = "foley"\nterm = "Foley"\naliases = ["adsr"]'
        ),
        "in.toml:13: error: alias 'ADSR' also names entry 'foley' (line 6); "
        "a name may belong to one entry only",
    ),
    Case(
        "deck-reverse-leak",
        "check",
        deck_with(
            'term = "ADSR Envelope"\naliases = ["ADSR"]\n'
            "definition = \"Attack, decay, sustain and release: four stages that shape a sound's "
            'level."',
            'term = "Envelope (attack-decay)"\n'
            'definition = "An attack-decay curve shapes how loud a note is over time."',
        ),
        "in.toml:12: error: the reverse card of 'adsr-envelope' gives its answer away: "
        "'attack decay' is still in the masked definition; reword the definition or add "
        "that form as an alias",
    ),
    Case(
        "deck-term-of-a-bundled-deck",
        "check",
        deck_with('term = "Foley"', 'term = "Spectrogram"'),
        "in.toml:6: error: term 'Spectrogram' is already an entry of deck "
        "'models-architectures' ('spectrogram'); remove it here, or copy that entry with "
        "`trainer deck new --from models-architectures:spectrogram`",
    ),
    Case(
        "deck-anki-id-of-a-bundled-deck",
        "check",
        deck_with("anki_deck_id = 1111111111", "anki_deck_id = 1852004117"),
        "in.toml:4: error: anki_deck_id 1852004117 is already used by {bundled}/"
        "foundational.toml; Anki would merge the two decks: choose another 10-digit number",
    ),
    Case(
        "deck-5-mb",
        "check",
        big(GOOD_DECK, "# padding padding padding padding padding padding padding\n"),
        "in.toml: error: the deck file is 5.0 MB; trainer reads deck files up to 4 MB "
        "(split it into several decks)",
    ),
    Case(
        "add-slug-of-a-bundled-deck",
        "add",
        deck_with('slug = "sound-design"', 'slug = "foundational"'),
        "in.toml:1: error: deck slug 'foundational' is already used by {bundled}/"
        "foundational.toml; choose another slug",
    ),
    Case(
        "add-broken-toml",
        "add",
        deck_with('[[entry]]\nid = "foley"', '[[entry]\nid = "foley"'),
        "in.toml:6: error: invalid TOML: Expected ']]' at the end of an array declaration "
        "(column 8)",
    ),
    Case(
        "add-missing-file",
        "add",
        None,
        "in.toml: error: cannot read the deck file: No such file or directory",
    ),
    Case(
        "deck-nested-500-deep",
        "check",
        nested(500),
        "in.toml: error: invalid TOML: arrays or inline tables nested too deeply",
    ),
    Case(
        "deck-nul-in-term",
        "check",
        deck_with('term = "Foley"', 'term = "Fo\\u0000ley"'),
        "in.toml:8: error: 'term' contains the control character U+0000; remove it",
    ),
    Case(
        "deck-escape-sequence-in-definition",
        "check",
        deck_with('definition = "The reproduction', 'definition = "The \\u001b[2Jreproduction'),
        "in.toml:9: error: 'definition' contains the control character U+001B; remove it",
    ),
    Case(
        "deck-bidi-override-in-alias",
        "check",
        deck_with('aliases = ["ADSR"]', 'aliases = ["\\u202eRSDA"]'),
        "in.toml:15: error: 'aliases' contains the bidirectional formatting character U+202E; "
        "remove it",
    ),
    Case(
        "deck-raw-bidi-override-in-a-comment",
        "check",
        deck_with("[[entry]]", "# \u202e }; return true; {\n[[entry]]"),
        "in.toml:6: error: the deck file contains the bidirectional formatting character "
        "U+202E; remove it",
    ),
    Case(
        "deck-term-of-50000-characters",
        "check",
        deck_with('term = "Foley"', 'term = "' + "F" * 50_000 + '"'),
        "in.toml:8: error: 'term' is 50,000 characters long; it may be 200 at most "
        "(move longer text to the definition or details)",
    ),
    Case(
        "deck-entry-id-longer-than-a-card-id-holds",
        "check",
        deck_with('id = "foley"', 'id = "' + "f" * 151 + '"'),
        "in.toml:7: error: 'id' is 151 characters long; it may be 150 at most "
        "(move longer text to the definition or details)",
    ),
    Case(
        "deck-fifo",
        "check",
        None,
        "in.toml: error: cannot read the deck file: it is a named pipe (FIFO), not a regular file",
        special="fifo",
    ),
    Case(
        "deck-dev-zero",
        "check",
        None,
        "in.toml: error: cannot read the deck file: it is a character device, not a regular file",
        special="zero",
    ),
    Case(
        "deck-folder",
        "check",
        None,
        "in.toml: error: cannot read the deck file: it is a folder, not a regular file",
        special="folder",
    ),
    Case(
        "add-nul-in-term",
        "add",
        deck_with('term = "Foley"', 'term = "Fo\\u0000ley"'),
        "in.toml:8: error: 'term' contains the control character U+0000; remove it",
    ),
    Case(
        "add-term-of-50000-characters",
        "add",
        deck_with('term = "Foley"', 'term = "' + "F" * 50_000 + '"'),
        "in.toml:8: error: 'term' is 50,000 characters long; it may be 200 at most "
        "(move longer text to the definition or details)",
    ),
    Case(
        "add-nested-500-deep",
        "add",
        nested(500),
        "in.toml: error: invalid TOML: arrays or inline tables nested too deeply",
    ),
    Case(
        "add-fifo",
        "add",
        None,
        "in.toml: error: cannot read the deck file: it is a named pipe (FIFO), not a regular file",
        special="fifo",
    ),
    Case(
        "add-dev-zero",
        "add",
        None,
        "in.toml: error: cannot read the deck file: it is a character device, not a regular file",
        special="zero",
    ),
    # --- special files and hostile text in CSV files ---------------------------------------
    Case(
        "csv-fifo",
        "csv",
        None,
        "Error: in.csv: cannot read the CSV file: it is a named pipe (FIFO), not a regular file",
        special="fifo",
    ),
    Case(
        "csv-dev-zero",
        "csv",
        None,
        "Error: in.csv: cannot read the CSV file: it is a character device, not a regular file",
        special="zero",
    ),
    Case(
        "csv-term-of-50000-characters",
        "csv",
        ("term,definition\n" + "F" * 50_000 + ",Everyday sounds added to film.\n").encode(),
        "Error: in.csv:2: 'term' is 50,000 characters long; it may be 200 at most "
        "(move longer text to the definition or details)",
    ),
    Case(
        "csv-escape-sequence",
        "csv",
        b"term,definition\nFoley,Everyday sounds \x1b]0;owned\x07 added to film.\n",
        "Error: in.csv:2: the CSV file contains the control character U+001B; remove it",
    ),
    Case(
        "csv-out-is-a-fifo-and-force",
        "csv",
        b"term,definition\nFoley,Everyday sounds added to film in post-production.\n",
        "Error: cannot write out.toml: it is a named pipe (FIFO), not a regular file; pass the "
        "name of a deck file",
        args=("--force",),
        existing_special="fifo",
    ),
    # --- glossary documents -----------------------------------------------------------------
    Case(
        "glossary-empty",
        "glossary",
        b"",
        "Error: in.txt: no section headings found; start each section with a line like "
        "'A–E: Foundational Terms'",
    ),
    Case(
        "glossary-no-headings",
        "glossary",
        b"Foley\nFoley is the reproduction of everyday sound effects.\n",
        "Error: in.txt: no section headings found; start each section with a line like "
        "'A–E: Foundational Terms'",
    ),
    Case(
        "glossary-term-without-paragraph",
        "glossary",
        GOOD_GLOSSARY.replace("\nReverb\n", "\nDelay\nReverb\n").encode(),
        "Error: in.txt:8: the term 'Delay' has no definition paragraph after it",
    ),
    Case(
        "glossary-duplicate-term",
        "glossary",
        (GOOD_GLOSSARY + "\nFoley\nFoley is sound recorded to picture.\n").encode(),
        "Error: in.txt:11: the term 'Foley' appears twice (first at line 5)",
    ),
    Case(
        "glossary-section-without-entries",
        "glossary",
        ("D–F: Empty Section\n\n" + GOOD_GLOSSARY).encode(),
        "Error: in.txt:1: the section 'D–F: Empty Section' has no entries",
    ),
    Case(
        "glossary-latin-1",
        "glossary",
        GOOD_GLOSSARY.replace("A–C", "A-C").replace("film", "cin\xe9ma").encode("latin-1"),
        "Error: in.txt:6: the glossary document is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    Case(
        "glossary-5-mb",
        "glossary",
        big(GOOD_GLOSSARY, "Reverb is the persistence of sound in a space after it stops.\n"),
        "Error: in.txt: the glossary document is 5.0 MB; trainer reads glossary documents "
        "up to 2 MB (split it into several decks)",
    ),
    Case(
        "glossary-fifo",
        "glossary",
        None,
        "Error: in.txt: cannot read the glossary document: it is a named pipe (FIFO), not a "
        "regular file",
        special="fifo",
    ),
    Case(
        "glossary-dev-zero",
        "glossary",
        None,
        "Error: in.txt: cannot read the glossary document: it is a character device, not a "
        "regular file",
        special="zero",
    ),
    Case(
        "glossary-bidi-override",
        "glossary",
        GOOD_GLOSSARY.replace("Reverb is", "Reverb \u202eis").encode(),
        "Error: in.txt:9: the glossary document contains the bidirectional formatting "
        "character U+202E; remove it",
    ),
    Case(
        "glossary-out-exists",
        "glossary",
        GOOD_GLOSSARY.encode(),
        "Error: out/basic-terms.toml already exists; pass --force to overwrite it",
        existing="# my deck\n",
    ),
]


def _bytes(data: bytes | str | None) -> bytes | None:
    return data.encode("utf-8") if isinstance(data, str) else data


def _prepare(case: Case, tmp_path: Path) -> list[str]:
    names = {"csv": "in.csv", "glossary": "in.txt", "check": "in.toml", "add": "in.toml"}
    source = tmp_path / names[case.command]
    data = _bytes(case.data)
    if data is not None:
        source.write_bytes(data)
    _special(source, case.special)
    target = tmp_path / ("out.toml" if case.command == "csv" else "out/basic-terms.toml")
    if case.existing is not None:
        target.parent.mkdir(exist_ok=True)
        target.write_text(case.existing, encoding="utf-8")
    _special(target, case.existing_special)
    return {
        "csv": ["deck", "import-csv", "in.csv", "--out", "out.toml", "--title", "Sound Design"],
        "glossary": ["deck", "import-glossary", "in.txt", "--out", "out"],
        "check": ["deck", "check", "in.toml"],
        "add": ["deck", "add", "in.toml"],
    }[case.command] + list(case.args)


def _special(path: Path, kind: str | None) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()


def _invoke(args: list[str]) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr, time.perf_counter() - started


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if "trainer-home" not in p.parts}


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_there_are_at_least_30_cases_across_the_three_formats() -> None:
    kinds = {"csv": 0, "deck": 0, "glossary": 0}
    for case in CASES:
        kinds["deck" if case.command in ("check", "add") else case.command] += 1
    assert len(CASES) >= 30
    assert min(kinds.values()) >= 7, kinds


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_one_line_and_writes_nothing(case: Case, scratch: Path) -> None:
    from trainer import paths

    args = _prepare(case, scratch)
    before = _files(scratch)
    code, out, err, seconds = _invoke(args)
    expected = case.error.format(bundled=paths.bundled_decks_dir())
    assert code == case.code
    if case.command == "check":
        lines = out.splitlines()
        assert lines == [expected, "checked 1 deck file: 1 error, 0 warnings"]
        assert err == ""
    elif case.command == "add":
        assert out == ""
        assert err.splitlines() == [
            expected,
            "Error: in.toml was not added: 1 error; fix it and run "
            "`trainer deck add in.toml` again",
        ]
    else:
        assert (out, err) == ("", expected + "\n")
    assert _files(scratch) == before  # nothing written, no temporary file left
    assert seconds < 5  # a 5 MB file is refused at once, not read
    listed = json.loads(CliRunner().invoke(cli, ["deck", "list", "--json"]).stdout)
    assert [d["slug"] for d in listed if d.get("registered")] == []


# --- odd but fine ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom", b"\xef\xbb\xbfterm,definition\r\nFoley,Everyday sounds added to film.\r\n"),
        (
            "crlf",
            b"term;definition\r\nFoley;Everyday sounds added to film.\r\nReverb;Sound "
            b"that persists in a room.\r\n",
        ),
        (
            "crlf-in-quoted-field",
            b'term,definition\r\nFoley,"Everyday sounds\r\nadded to film."\r\n',
        ),
        (
            "html",
            b"term\tdefinition\nFoley\t<b>Everyday</b> sounds & <i>effects</i> added to film.\n",
        ),
    ],
)
def test_odd_but_valid_csv_imports(name: str, data: bytes, scratch: Path) -> None:
    (scratch / "in.csv").write_bytes(data)
    result = CliRunner().invoke(
        cli, ["deck", "import-csv", "in.csv", "--out", "out.toml", "--title", "Sound Design"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    text = (scratch / "out.toml").read_text(encoding="utf-8")
    assert "\r" not in text
    from trainer.decks.format import parse_deck

    entries = parse_deck(scratch / "out.toml").entries
    assert entries[0].term == "Foley"
    expected = {
        "bom": "Everyday sounds added to film.",
        "crlf": "Everyday sounds added to film.",
        "crlf-in-quoted-field": "Everyday sounds\nadded to film.",
        "html": "<b>Everyday</b> sounds & <i>effects</i> added to film.",
    }[name]
    assert entries[0].definition == expected


def test_a_crlf_deck_file_with_a_bom_checks_clean(scratch: Path) -> None:
    data = b"\xef\xbb\xbf" + GOOD_DECK.replace("\n", "\r\n").encode("utf-8")
    (scratch / "in.toml").write_bytes(data)
    result = CliRunner().invoke(cli, ["deck", "check", "in.toml"])
    assert (result.exit_code, result.stdout) == (0, "checked 1 deck file: no problems\n")


def _rows(count: int) -> list[str]:
    """A header and `count` rows of about 250 bytes, each term and definition distinct."""
    rows = ["term,definition,tags"]
    for number in range(1, count + 1):
        rows.append(
            f'Term {number},"Sound number {number} of the course library: '
            + f"recorded at station {number * 7919 % 10007} "
            + "in the studio with two microphones, a preamplifier and a converter; the take "
            + 'was trimmed, faded and normalised before it went into the shared library.",lab'
        )
    return rows


def test_the_largest_deck_imports_and_checks_quickly(scratch: Path) -> None:
    text = "\n".join(_rows(MAX_ENTRIES)) + "\n"
    assert len(text.encode()) <= MAX_SOURCE_BYTES
    (scratch / "in.csv").write_text(text, encoding="utf-8")
    code, out, err, imported = _invoke(
        ["deck", "import-csv", "in.csv", "--out", "out.toml", "--title", "Big"]
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"Wrote out.toml: deck 'big', {MAX_ENTRIES} entries from in.csv."]
    code, out, _, checked = _invoke(["deck", "check", "out.toml"])
    assert (code, out) == (0, "checked 1 deck file: no problems\n")
    assert imported < 20 and checked < 20, (imported, checked)


def test_one_entry_too_many_is_refused(scratch: Path) -> None:
    (scratch / "in.csv").write_text("\n".join(_rows(MAX_ENTRIES + 1)) + "\n", encoding="utf-8")
    code, out, err, _ = _invoke(
        ["deck", "import-csv", "in.csv", "--out", "out.toml", "--title", "Big"]
    )
    assert (code, out) == (1, "")
    assert err == (
        f"Error: in.csv:{MAX_ENTRIES + 2}: more than {MAX_ENTRIES} entries; a deck holds up to "
        f"{MAX_ENTRIES}: split the file into several decks\n"
    )
    assert not (scratch / "out.toml").exists()


def test_a_glossary_with_a_bom_and_windows_line_ends_imports(scratch: Path) -> None:
    data = b"\xef\xbb\xbf" + GOOD_GLOSSARY.replace("\n", "\r\n").encode("utf-8")
    (scratch / "in.txt").write_bytes(data)
    result = CliRunner().invoke(cli, ["deck", "import-glossary", "in.txt", "--out", "out"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Wrote out/basic-terms.toml: 'A–C: Basic Terms', 2 entries.\n"
    from trainer.decks.format import parse_deck

    deck = parse_deck(scratch / "out/basic-terms.toml")
    assert [(e.term, e.definition) for e in deck.entries] == [
        (
            "Foley",
            "Foley is the reproduction of everyday sound effects added to film in post-production.",
        ),
        ("Reverb", "Reverb is the persistence of sound in a space after the source stops."),
    ]
    assert "\r" not in (scratch / "out/basic-terms.toml").read_text(encoding="utf-8")
