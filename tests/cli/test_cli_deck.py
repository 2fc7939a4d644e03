"""`trainer deck list` and `trainer deck show` through click's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import cli
from trainer.decks import catalog

TINY = """\
slug = "{slug}"
title = "{title}"
description = "A deck for the tests."
anki_deck_id = 1234567890

[[entry]]
id = "gan"
term = "GAN (Generative Adversarial Network)"
aliases = ["adversarial network"]
definition = "A GAN pits a generator against a [bold]discriminator[/bold]."
details = "GANs can suffer mode collapse."
tags = ["architecture"]
source = "glossary"

[[entry.correction]]
field = "details"
was = "GANs never fail."
now = "GANs can suffer mode collapse."
reason = "they can"
reference = "a test"

[[entry]]
id = "bytebeat"
term = "Bytebeat"
definition = "Music from one short formula of a time counter."
reverse = "Sound from one short formula of a counter."
mask = ["formula"]
source = "{source}"
origin = "ours"
"""


@pytest.fixture
def tiny_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bundled"
    folder.mkdir()
    (folder / "demoscene.toml").write_text(
        TINY.format(slug="demoscene", title="Demo Terms", source="authored"), encoding="utf-8"
    )
    (folder / "foundational.toml").write_text(
        TINY.format(slug="foundational", title="A–E: Basics", source="glossary"),
        encoding="utf-8",
    )
    monkeypatch.setattr(catalog.paths, "bundled_decks_dir", lambda: folder)
    monkeypatch.setenv("COLUMNS", "100")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_deck_list_json_exact(tiny_decks: Path) -> None:
    code, out, err = run("deck", "list", "--json")
    assert (code, err) == (0, "")
    assert out == (
        "[\n"
        "  {\n"
        '    "slug": "foundational",\n'
        '    "title": "A–E: Basics",\n'
        '    "description": "A deck for the tests.",\n'
        '    "entries": 2,\n'
        '    "cards": 4,\n'
        '    "source": "glossary",\n'
        '    "registered": false,\n'
        '    "path": null\n'
        "  },\n"
        "  {\n"
        '    "slug": "demoscene",\n'
        '    "title": "Demo Terms",\n'
        '    "description": "A deck for the tests.",\n'
        '    "entries": 2,\n'
        '    "cards": 4,\n'
        '    "source": "mixed",\n'
        '    "registered": false,\n'
        '    "path": null\n'
        "  }\n"
        "]\n"
    )


def test_deck_list_table(tiny_decks: Path) -> None:
    code, out, _ = run("deck", "list")
    assert code == 0
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines == [
        "",
        "  Slug           Title         Entries   Cards   Source",
        " " + "─" * 57,
        "  foundational   A–E: Basics         2       4   glossary",
        "  demoscene      Demo Terms          2       4   mixed",
        "",
        "2 decks · 4 entries · 8 cards",
    ]


def test_deck_show_json_exact(tiny_decks: Path) -> None:
    code, out, err = run("deck", "show", "demoscene", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "slug": "demoscene",
        "title": "Demo Terms",
        "description": "A deck for the tests.",
        "entries": [
            {
                "id": "gan",
                "term": "GAN (Generative Adversarial Network)",
                "aliases": ["adversarial network"],
                "definition": "A GAN pits a generator against a [bold]discriminator[/bold].",
                "details": "GANs can suffer mode collapse.",
                "tags": ["architecture"],
                "source": "glossary",
                "origin": "",
                "mask": [],
                "reverse": "",
                "corrections": [
                    {
                        "field": "details",
                        "was": "GANs never fail.",
                        "now": "GANs can suffer mode collapse.",
                        "reason": "they can",
                        "reference": "a test",
                    }
                ],
            },
            {
                "id": "bytebeat",
                "term": "Bytebeat",
                "aliases": [],
                "definition": "Music from one short formula of a time counter.",
                "details": "",
                "tags": [],
                "source": "authored",
                "origin": "ours",
                "mask": ["formula"],
                "reverse": "Sound from one short formula of a counter.",
                "corrections": [],
            },
        ],
        "cards": [
            {
                "id": "demoscene/gan/forward",
                "entry": "gan",
                "direction": "forward",
                "front": "GAN (Generative Adversarial Network)",
                "back": "A GAN pits a generator against a [bold]discriminator[/bold]."
                "\n\nGANs can suffer mode collapse.",
            },
            {
                "id": "demoscene/gan/reverse",
                "entry": "gan",
                "direction": "reverse",
                "front": "A(n) ____ pits a generator against a [bold]discriminator[/bold].",
                "back": "GAN (Generative Adversarial Network)",
            },
            {
                "id": "demoscene/bytebeat/forward",
                "entry": "bytebeat",
                "direction": "forward",
                "front": "Bytebeat",
                "back": "Music from one short formula of a time counter.",
            },
            {
                "id": "demoscene/bytebeat/reverse",
                "entry": "bytebeat",
                "direction": "reverse",
                "front": "Sound from one short ____ of a counter.",
                "back": "Bytebeat",
            },
        ],
    }
    assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"


def test_deck_show_readable(tiny_decks: Path) -> None:
    code, out, _ = run("deck", "show", "demoscene")
    assert code == 0
    assert [line.rstrip() for line in out.splitlines()] == [
        "Demo Terms",
        "A deck for the tests.",
        "demoscene · 2 entries · 4 cards · mixed",
        "",
        "1. GAN (Generative Adversarial Network)  corrected from the source",
        "   also: adversarial network",
        "   A GAN pits a generator against a [bold]discriminator[/bold].",
        "   GANs can suffer mode collapse.",
        "   reverse: A(n) ____ pits a generator against a [bold]discriminator[/bold].",
        "   id gan · glossary · tags architecture",
        "   corrected details: the source says “GANs never fail.”; we say “GANs can suffer mode "
        "collapse.” —",
        "   they can (see a test)",
        "",
        "2. Bytebeat",
        "   Music from one short formula of a time counter.",
        "   reverse: Sound from one short ____ of a counter.",
        "   id bytebeat · authored",
        "   origin: ours",
    ]


@pytest.mark.parametrize("args", [("deck", "show", "nope"), ("deck", "show", "nope", "--json")])
def test_unknown_slug_is_one_line_and_exit_1(tiny_decks: Path, args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert (code, out) == (1, "")
    assert err == "Error: unknown deck 'nope'; known decks: foundational, demoscene\n"


def test_a_broken_deck_file_is_one_line_and_exit_1(tiny_decks: Path) -> None:
    path = tiny_decks / "demoscene.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('id = "bytebeat"', 'id = "gan"'))
    code, out, err = run("deck", "list")
    assert (code, out) == (1, "")
    assert err == f"Error: {path}:23: duplicate entry id 'gan' (first used at line 7)\n"


def test_the_real_bundled_decks() -> None:
    code, out, _ = run("deck", "list", "--json")
    assert code == 0
    rows = [(d["slug"], d["title"], d["entries"], d["cards"], d["source"]) for d in json.loads(out)]
    assert rows[:3] == [
        ("foundational", "A–E: Foundational Terms", 10, 20, "glossary"),
        ("models-architectures", "F–L: Models and Architectures", 10, 20, "glossary"),
        ("generation-inference", "M–R: Generation and Inference", 6, 12, "glossary"),
    ]
    assert [row[0] for row in rows] == list(catalog.BUNDLED_SLUGS)
    code, out, _ = run("deck", "show", "foundational", "--json")
    shown = json.loads(out)
    assert (code, len(shown["entries"]), len(shown["cards"])) == (0, 10, 20)
    assert shown["cards"][3] == {
        "id": "foundational/attention-mechanism/reverse",
        "entry": "attention-mechanism",
        "direction": "reverse",
        "front": "The ____ is a neural network component that allows models to dynamically "
        "focus on relevant parts of input data, improving their ability to process long-range "
        "dependencies in sequences.",
        "back": "Attention Mechanism",
    }


@pytest.mark.parametrize("command", ["list", "show"])
def test_help_has_an_example(command: str) -> None:
    code, out, _ = run("deck", command, "--help")
    assert code == 0
    assert "Example:" in out
    assert "trainer deck " + command in out


def test_the_deck_commands_import_only_click_at_the_top() -> None:
    code = (
        "import sys, trainer.cli.deck; "
        "print(sorted(m for m in ('rich', 'sqlalchemy', 'genanki', 'trainer.progress.store', "
        "'trainer.decks.catalog') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"
