"""Unit tests of the Anki export: ids, GUIDs, escaping, tags, timestamps, files on disk.

The packages are real .apkg files read back with zipfile and sqlite3; the import into
Anki itself is tested in test_export_anki.py.
"""

from __future__ import annotations

import errno
import html
import itertools
import json
import os
import re
import sqlite3
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import genanki  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from trainer.anki import export as export_module
from trainer.anki.export import (
    FALLBACK_TIMESTAMP,
    FIELDS,
    MODEL_ID,
    PARENT_DECK_ID,
    TEMPLATE_NAMES,
    anki_deck_name,
    deck_timestamp,
    export_combined,
    export_deck,
    export_decks,
    field_html,
    note_fields,
    note_guid,
    note_model,
    note_tags,
)
from trainer.cli import cli
from trainer.cli import export as export_cli
from trainer.cli.context import AppContext
from trainer.errors import ExportError
from trainer.model import Deck, Entry, Source

T0 = 1780000000  # 2026-05-28T20:26:40Z: a fixed deck file time

CODEC = Entry(
    id="audio-codec",
    term="Audio Codec",
    definition="An audio codec compresses audio into <tokens> & back.",
    aliases=("codec", "neural audio codec"),
    details="Line one.\nLine two.",
    tags=("audio", "compression"),
)
GAN = Entry(
    id="gan",
    term="GAN (Generative Adversarial Network)",
    definition="A GAN trains a generator against a discriminator.",
    source=Source.AUTHORED,
    origin="written by the trainer authors",
)
FOUNDATIONAL = Deck(
    slug="foundational",
    title="A–E: Foundational Terms",
    description="Terms that everything else builds on.",
    anki_deck_id=1484201735,
    entries=(CODEC, GAN),
)
DEMO = Deck(
    slug="demoscene",
    title="10 Terms Every Demoscener Should Know",
    description="Demoscene words.",
    anki_deck_id=1290511213,
    entries=(Entry(id="demo", term="Demo", definition="A real-time audiovisual work."),),
)


def read_package(path: Path, tmp_path: Path) -> dict[str, Any]:
    """The notes, cards, decks and models of an .apkg, read with sqlite3."""
    with zipfile.ZipFile(path) as package:
        assert sorted(package.namelist()) == ["collection.anki2", "media"]
        assert package.read("media") == b"{}"
        db = tmp_path / f"read-{path.name}.anki2"
        db.write_bytes(package.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        notes = conn.execute(
            "SELECT id, guid, mid, mod, tags, flds, sfld FROM notes ORDER BY id"
        ).fetchall()
        cards = conn.execute("SELECT nid, did, ord, mod, due FROM cards ORDER BY id").fetchall()
        decks_json, models_json = conn.execute("SELECT decks, models FROM col").fetchone()
    finally:
        conn.close()
    db.unlink()
    return {
        "notes": notes,
        "cards": cards,
        "decks": json.loads(decks_json),
        "models": json.loads(models_json),
    }


def deck_file(tmp_path: Path, deck: Deck, mtime: int = T0) -> Deck:
    """The same deck with a real file behind it, modified at `mtime`."""
    path = tmp_path / f"{deck.slug}.toml"
    path.write_text(f"# {deck.slug}\n", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return Deck(deck.slug, deck.title, deck.description, deck.anki_deck_id, deck.entries, path)


# --- ids and GUIDs ---------------------------------------------------------------------


def test_note_type_is_frozen() -> None:
    # Changing any of these makes Anki refuse to update notes already imported.
    assert MODEL_ID == 1638895334
    assert PARENT_DECK_ID == 1124221118
    assert FIELDS == (
        "Term",
        "Definition",
        "Details",
        "Aliases",
        "MaskedDefinition",
        "Deck",
        "EntryID",
        "Source",
        "Origin",
    )
    assert TEMPLATE_NAMES == ("Forward", "Reverse")
    model = note_model()
    assert model.model_id == MODEL_ID
    assert [field["name"] for field in model.fields] == list(FIELDS)
    assert [template["name"] for template in model.templates] == list(TEMPLATE_NAMES)


def test_guid_is_genanki_guid_of_slug_and_entry_id() -> None:
    assert note_guid("foundational", "audio-codec") == genanki.guid_for(
        "foundational", "audio-codec"
    )
    assert note_guid("foundational", "audio-codec") == "oY!%7T*#Tf"  # pinned: never changes
    assert note_guid("foundational", "gan") != note_guid("foundational", "audio-codec")
    assert note_guid("demoscene", "audio-codec") != note_guid("foundational", "audio-codec")


def test_guid_ignores_field_contents(tmp_path: Path) -> None:
    edited = Entry(id=CODEC.id, term="Neural Audio Codec", definition="Something else entirely.")
    first = export_deck(FOUNDATIONAL, tmp_path / "a")
    second = export_deck(
        Deck("foundational", "New title", "", 1484201735, (edited, GAN)), tmp_path / "b"
    )
    guids_first = [row[1] for row in read_package(first.path, tmp_path)["notes"]]
    guids_second = [row[1] for row in read_package(second.path, tmp_path)["notes"]]
    assert (
        guids_first
        == guids_second
        == [note_guid("foundational", "audio-codec"), note_guid("foundational", "gan")]
    )


def test_package_uses_fixed_deck_and_model_ids(tmp_path: Path) -> None:
    result = export_deck(FOUNDATIONAL, tmp_path)
    package = read_package(result.path, tmp_path)
    assert {row[2] for row in package["notes"]} == {MODEL_ID}
    assert {row[1] for row in package["cards"]} == {1484201735}
    assert package["decks"]["1484201735"]["name"] == "AI Music Glossary::A–E: Foundational Terms"
    assert list(package["models"]) == [str(MODEL_ID)]
    assert package["models"][str(MODEL_ID)]["name"] == "AI Music Glossary (trainer)"


# --- fields, escaping, tags ------------------------------------------------------------


def test_field_html_escapes_markup_and_keeps_quotes() -> None:
    assert field_html('a < b && c > "d" it\'s') == 'a &lt; b &amp;&amp; c &gt; "d" it\'s'
    assert field_html("<b>bold</b>") == "&lt;b&gt;bold&lt;/b&gt;"
    assert field_html("  one\ntwo\r\nthree  ") == "one<br>two<br>three"
    assert field_html("") == ""


def test_note_fields_in_field_order() -> None:
    assert note_fields(FOUNDATIONAL, CODEC) == [
        "Audio Codec",
        "An audio codec compresses audio into &lt;tokens&gt; &amp; back.",
        "Line one.<br>Line two.",
        "codec, neural audio codec",
        "A(n) ____ compresses audio into &lt;tokens&gt; &amp; back.",
        "foundational",
        "audio-codec",
        "glossary",
        "",
    ]
    assert note_fields(FOUNDATIONAL, GAN) == [
        "GAN (Generative Adversarial Network)",
        "A GAN trains a generator against a discriminator.",
        "",
        "",
        "A(n) ____ trains a generator against a discriminator.",
        "foundational",
        "gan",
        "authored",
        "written by the trainer authors",
    ]


def test_tags_are_deck_slug_then_entry_tags_without_spaces() -> None:
    assert note_tags(FOUNDATIONAL, CODEC) == ["foundational", "audio", "compression"]
    assert note_tags(FOUNDATIONAL, GAN) == ["foundational"]
    odd = Entry(id="x", term="X", definition="d", tags=("two words", "foundational", " a\tb "))
    assert note_tags(FOUNDATIONAL, odd) == ["foundational", "two_words", "a_b"]


def test_package_notes_and_cards(tmp_path: Path) -> None:
    result = export_deck(FOUNDATIONAL, tmp_path)
    assert result.path == tmp_path / "foundational.apkg"
    assert (result.decks, result.notes, result.cards) == (("foundational",), 2, 4)
    package = read_package(result.path, tmp_path)
    notes = package["notes"]
    assert [row[5].split("\x1f") for row in notes] == [
        note_fields(FOUNDATIONAL, CODEC),
        note_fields(FOUNDATIONAL, GAN),
    ]
    assert [row[4] for row in notes] == [" foundational audio compression ", " foundational "]
    assert [row[6] for row in notes] == ["Audio Codec", "GAN (Generative Adversarial Network)"]
    # Two cards per note, forward (ord 0) and reverse (ord 1); new-card order = deck order.
    note_ids = [row[0] for row in notes]
    assert [(nid, ord_, due) for nid, _, ord_, _, due in package["cards"]] == [
        (note_ids[0], 0, 0),
        (note_ids[0], 1, 0),
        (note_ids[1], 0, 1),
        (note_ids[1], 1, 1),
    ]


def test_anki_deck_name_is_one_line_subdeck() -> None:
    deck = Deck("x", "  Two\n lines ", "", 1, ())
    assert anki_deck_name(deck) == "AI Music Glossary::Two lines"
    nested = Deck("x", "Part 1::Intro:::More", "", 1, ())
    assert anki_deck_name(nested) == "AI Music Glossary::Part 1:Intro:More"


def test_field_html_is_nfc() -> None:
    # Anki stores note text in NFC; exporting NFC keeps the package and Anki in step.
    assert field_html("Cafe\u0301") == "Caf\u00e9"
    assert anki_deck_name(Deck("x", "Cafe\u0301", "", 1, ())) == "AI Music Glossary::Caf\u00e9"


def test_field_html_drops_control_characters() -> None:
    # \x1f separates fields inside Anki's notes table.
    assert field_html("a\x1fb\x00c\td\r\ne\rf") == "abc\td<br>e<br>f"


@given(st.text())
def test_field_html_shows_any_text_as_text(text: str) -> None:
    field = field_html(text)
    assert "<" not in field.replace("<br>", "")
    assert ">" not in field.replace("<br>", "")
    assert "\x1f" not in field
    expected = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    expected = "".join(c for c in expected if c in "\t\n" or not (c < " " or c == "\x7f"))
    assert html.unescape(field.replace("<br>", "\n")) == expected.strip()


def test_combined_package_refuses_shared_deck_ids(tmp_path: Path) -> None:
    twin = Deck("twin", "Twin", "", FOUNDATIONAL.anki_deck_id, (GAN,))
    with pytest.raises(ExportError) as raised:
        export_combined([FOUNDATIONAL, twin], tmp_path)
    assert str(raised.value) == (
        "deck 'twin' has anki_deck_id 1484201735, the id of deck 'foundational'; "
        "give it a new 10-digit anki_deck_id in its deck file"
    )
    parentish = Deck("p", "P", "", PARENT_DECK_ID, (GAN,))
    with pytest.raises(ExportError, match="the id of the parent deck"):
        export_combined([parentish], tmp_path)
    default = Deck("d", "D", "", 1, (GAN,))
    with pytest.raises(ExportError, match="the id of Anki's Default deck"):
        export_deck(default, tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- timestamps ------------------------------------------------------------------------


def test_deck_timestamp_is_file_mtime_in_seconds(tmp_path: Path) -> None:
    deck = deck_file(tmp_path, FOUNDATIONAL, T0)
    assert deck_timestamp(deck) == T0
    os.utime(deck.path, ns=(T0 * 10**9 + 999_999_999, T0 * 10**9 + 999_999_999))
    assert deck_timestamp(deck) == T0  # whole seconds, as Anki compares them


def test_deck_timestamp_without_file_is_fixed() -> None:
    assert deck_timestamp(FOUNDATIONAL) == FALLBACK_TIMESTAMP == 1767225600
    missing = Deck("x", "X", "", 1, (), Path("/nonexistent/x.toml"))
    assert deck_timestamp(missing) == FALLBACK_TIMESTAMP


def test_notes_cards_and_note_type_carry_the_deck_timestamp(tmp_path: Path) -> None:
    deck = deck_file(tmp_path, FOUNDATIONAL, T0)
    package = read_package(export_deck(deck, tmp_path / "out").path, tmp_path)
    assert {row[3] for row in package["notes"]} == {T0}
    assert {row[3] for row in package["cards"]} == {T0}
    assert package["models"][str(MODEL_ID)]["mod"] == T0
    # Note ids (Anki's "created" time) start at the timestamp in milliseconds.
    assert package["notes"][0][0] == T0 * 1000


def test_re_export_after_an_edit_is_newer(tmp_path: Path) -> None:
    deck = deck_file(tmp_path, FOUNDATIONAL, T0)
    before = read_package(export_deck(deck, tmp_path / "out").path, tmp_path)
    os.utime(deck.path, (T0 + 1, T0 + 1))  # the file was saved again, one second later
    after = read_package(export_deck(deck, tmp_path / "out").path, tmp_path)
    assert {row[3] for row in before["notes"]} == {T0}
    assert {row[3] for row in after["notes"]} == {T0 + 1}


def test_unchanged_deck_exports_byte_identical_packages(tmp_path: Path) -> None:
    deck = deck_file(tmp_path, FOUNDATIONAL, T0)
    first = export_deck(deck, tmp_path / "a").path.read_bytes()
    second = export_deck(deck, tmp_path / "b").path.read_bytes()
    assert first == second


def test_combined_package_keeps_each_decks_timestamp(tmp_path: Path) -> None:
    older = deck_file(tmp_path, FOUNDATIONAL, T0)
    newer = deck_file(tmp_path, DEMO, T0 + 500)
    result = export_combined([older, newer], tmp_path / "out")
    assert result.path == tmp_path / "out" / "ai-music-glossary.apkg"
    assert (result.decks, result.notes, result.cards) == (("foundational", "demoscene"), 3, 6)
    package = read_package(result.path, tmp_path)
    by_guid = {row[1]: row[3] for row in package["notes"]}
    assert by_guid == {
        note_guid("foundational", "audio-codec"): T0,
        note_guid("foundational", "gan"): T0,
        note_guid("demoscene", "demo"): T0 + 500,
    }
    assert package["models"][str(MODEL_ID)]["mod"] == T0 + 500
    names = {deck["id"]: deck["name"] for deck in package["decks"].values()}
    assert names == {
        1: "Default",
        PARENT_DECK_ID: "AI Music Glossary",
        1484201735: "AI Music Glossary::A–E: Foundational Terms",
        1290511213: "AI Music Glossary::10 Terms Every Demoscener Should Know",
    }
    assert sorted({row[1] for row in package["cards"]}) == [1290511213, 1484201735]


# --- files on disk ---------------------------------------------------------------------


def test_no_temporary_files_are_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    out = tmp_path / "out"
    export_decks([FOUNDATIONAL, DEMO], out)
    export_decks([FOUNDATIONAL, DEMO], out, combined=True)
    assert list(system_tmp.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == [
        "ai-music-glossary.apkg",
        "demoscene.apkg",
        "foundational.apkg",
    ]


def test_output_folder_is_created(tmp_path: Path) -> None:
    results = export_decks([DEMO], tmp_path / "new" / "folder")
    assert [r.path for r in results] == [tmp_path / "new" / "folder" / "demoscene.apkg"]


def test_failed_rename_leaves_old_package_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = export_deck(DEMO, tmp_path).path.read_bytes()

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_module.os, "replace", disk_full)
    with pytest.raises(ExportError) as raised:
        export_deck(Deck("demoscene", "Other", "", 1290511213, (GAN,)), tmp_path)
    assert str(raised.value) == (
        f"cannot write Anki packages to {tmp_path}: No space left on device; "
        "choose a folder you can write to with --out DIR"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["demoscene.apkg"]
    assert (tmp_path / "demoscene.apkg").read_bytes() == old


def test_interrupted_write_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, "writestr", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_deck(DEMO, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "exports"
    target.write_text("not a folder")
    with pytest.raises(ExportError) as raised:
        export_decks([DEMO], target)
    assert str(raised.value) == (
        f"cannot write Anki packages to {target}: it is a file, not a folder; "
        "choose a folder with --out DIR"
    )


def test_output_folder_inside_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError) as raised:
        export_decks([DEMO], tmp_path / "file" / "sub")
    assert str(raised.value) == (
        f"cannot write Anki packages to {tmp_path / 'file' / 'sub'}: Not a directory; "
        "choose a folder you can write to with --out DIR"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only folders")
def test_read_only_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError) as raised:
            export_decks([DEMO], folder)
    finally:
        folder.chmod(0o700)
    assert str(raised.value) == (
        f"cannot write Anki packages to {folder}: Permission denied; "
        "choose a folder you can write to with --out DIR"
    )
    assert list(folder.iterdir()) == []


def test_permission_denied_while_creating_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same failure as a read-only folder, simulated so it also runs as root.
    real_open = os.open

    def denied(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(export_module.os, "open", denied)
    with pytest.raises(ExportError) as raised:
        export_decks([DEMO], tmp_path)
    assert str(raised.value) == (
        f"cannot write Anki packages to {tmp_path}: Permission denied; "
        "choose a folder you can write to with --out DIR"
    )
    assert list(tmp_path.iterdir()) == []


def test_package_mode_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = export_deck(DEMO, tmp_path).path
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


# --- the command -----------------------------------------------------------------------


@pytest.fixture
def decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Deck]:
    """The command sees exactly these two decks (files in tmp_path)."""
    found = [deck_file(tmp_path, FOUNDATIONAL), deck_file(tmp_path, DEMO)]
    monkeypatch.setattr(AppContext, "all_decks", lambda app: found)
    return found


def test_command_writes_one_package_per_deck(
    decks: list[Deck], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--out", "anki"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Wrote anki/foundational.apkg (2 notes, 4 cards)",
        "Wrote anki/demoscene.apkg (1 note, 2 cards)",
    ]
    assert sorted(p.name for p in (tmp_path / "anki").iterdir()) == [
        "demoscene.apkg",
        "foundational.apkg",
    ]


def test_command_defaults_to_current_folder_and_selected_slugs(
    decks: list[Deck], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "here"
    out.mkdir()
    monkeypatch.chdir(out)
    result = CliRunner().invoke(cli, ["export", "demoscene"])
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote demoscene.apkg (1 note, 2 cards)\n"
    assert [p.name for p in out.iterdir()] == ["demoscene.apkg"]


def test_command_combined(decks: list[Deck], tmp_path: Path) -> None:
    out = tmp_path / "anki"
    result = CliRunner().invoke(cli, ["export", "--combined", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}/ai-music-glossary.apkg (3 notes, 6 cards, 2 decks)\n"
    assert [p.name for p in out.iterdir()] == ["ai-music-glossary.apkg"]


def test_command_unknown_slug(decks: list[Deck], tmp_path: Path) -> None:
    out = tmp_path / "anki"
    result = CliRunner().invoke(cli, ["export", "demoscene", "nope", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output == ("Error: unknown deck 'nope'; known decks: foundational, demoscene\n")
    assert not out.exists()


def test_command_unwritable_folder(decks: list[Deck], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "anki"
    result = CliRunner().invoke(cli, ["export", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot write Anki packages to {out}: Not a directory; "
        "choose a folder you can write to with --out DIR\n"
    )


def test_command_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"], prog_name="trainer")
    assert result.exit_code == 0
    assert "Usage: trainer export [OPTIONS] [SLUG]..." in result.output
    assert "    trainer export --combined\n" in result.output


def test_progress_is_reported_per_note(tmp_path: Path) -> None:
    steps: list[int] = []
    written: list[str] = []
    export_decks(
        [FOUNDATIONAL, DEMO],
        tmp_path,
        on_progress=steps.append,
        on_written=lambda result: written.append(result.path.name),
    )
    assert steps == [1, 1, 1]
    assert written == ["foundational.apkg", "demoscene.apkg"]


def test_command_shows_a_progress_bar_on_large_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = tuple(
        Entry(id=f"term-{i}", term=f"Term {i}", definition=f"Definition number {i}.")
        for i in range(export_cli.LARGE_EXPORT_NOTES)
    )
    big = Deck("big", "Big", "", 1234567890, entries)
    monkeypatch.setattr(AppContext, "all_decks", lambda app: [big])
    monkeypatch.setattr(export_cli, "_stderr_is_terminal", lambda: True)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # let rich draw on the runner's stderr
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out}/big.apkg (500 notes, 1000 cards)\n"
    assert "Exporting" in result.stderr
    assert "500/500" in result.stderr


def test_command_exports_bundled_and_registered_decks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trainer import paths
    from trainer.decks.catalog import load_bundled_decks
    from trainer.decks.format import parse_deck
    from trainer.progress.store import Store

    course = tmp_path / "course.toml"
    course.write_text(
        'slug = "course"\ntitle = "Course"\ndescription = "Mine."\nanki_deck_id = 1999999902\n'
        '\n[[entry]]\nid = "hop-size"\nterm = "Hop Size"\n'
        'definition = "The step between analysis frames."\nsource = "authored"\n',
        encoding="utf-8",
    )
    store = Store.open(paths.default_store_path())
    try:
        store.register_deck(course, parse_deck(course))
    finally:
        store.close()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--out", "anki"])
    assert result.exit_code == 0, result.output
    bundled = load_bundled_decks()
    sizes = [(d.slug, len(d.entries), 2 * len(d.entries)) for d in bundled]
    assert result.output.splitlines() == [
        *(f"Wrote anki/{slug}.apkg ({notes} notes, {cards} cards)" for slug, notes, cards in sizes),
        "Wrote anki/course.apkg (1 note, 2 cards)",
    ]


def test_unusable_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "no-such-tmp"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    out = tmp_path / "out"
    with pytest.raises(ExportError) as raised:
        export_decks([DEMO], out)
    assert str(raised.value) == (
        f"cannot build the Anki package in the temporary folder {missing}: "
        "No such file or directory; set TMPDIR to a folder with free space that you can write to"
    )
    assert list(out.iterdir()) == []


# --- the fast path writes what genanki writes ------------------------------------------


@given(st.text())
def test_field_html_fast_path_matches_the_general_one(text: str) -> None:
    assert field_html(text) == export_module._field_html(text)


@given(st.text(), st.text())
def test_guid_matches_genanki_for_any_text(slug: str, entry_id: str) -> None:
    assert note_guid(slug, entry_id) == genanki.guid_for(slug, entry_id)


@given(st.lists(st.text(), max_size=4))
def test_tags_collapse_whitespace_as_a_regex_would(tags: list[str]) -> None:
    entry = Entry(id="x", term="X", definition="An x.", tags=tuple(tags))
    expected: list[str] = []
    for tag in ("foundational", *tags):
        clean = re.sub(r"\s+", "_", tag.strip())
        if clean and clean not in expected:
            expected.append(clean)
    assert note_tags(FOUNDATIONAL, entry) == expected


def _genanki_collection(decks: list[Deck], db: Path, *, parent: bool) -> None:
    """The collection genanki itself writes for these decks, note by note (the reference)."""
    model = note_model()
    stamps = [deck_timestamp(deck) for deck in decks]
    newest = max(stamps)
    conn = sqlite3.connect(db)
    cursor = conn.cursor()
    id_gen = itertools.count(newest * 1000)
    genanki.Package([]).write_to_db(cursor, newest, id_gen)
    if parent:
        top = genanki.Deck(
            PARENT_DECK_ID,
            "AI Music Glossary",
            "The AI-music-generation glossary, exported by trainer.",
        )
        top.write_to_db(cursor, newest, id_gen)
    for deck, stamp in zip(decks, stamps, strict=True):
        anki_deck = genanki.Deck(
            deck.anki_deck_id, anki_deck_name(deck), field_html(" ".join(deck.description.split()))
        )
        for position, entry in enumerate(deck.entries):
            anki_deck.add_note(
                genanki.Note(
                    model=model,
                    fields=note_fields(deck, entry),
                    tags=note_tags(deck, entry),
                    guid=note_guid(deck.slug, entry.id),
                    due=position,
                )
            )
        anki_deck.write_to_db(cursor, stamp, id_gen)
    conn.commit()
    conn.close()


def _rows(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        decks_json, models_json = conn.execute("SELECT decks, models FROM col").fetchone()
        models = json.loads(models_json)
        for model in models.values():
            model.pop("mod")  # ours is the newest deck's time, genanki's the last deck's
        return {
            "notes": conn.execute("SELECT * FROM notes ORDER BY id").fetchall(),
            "cards": conn.execute("SELECT * FROM cards ORDER BY id").fetchall(),
            "schema": conn.execute(
                "SELECT type, name, sql FROM sqlite_master ORDER BY name"
            ).fetchall(),
            "decks": json.loads(decks_json),
            "models": models,
        }
    finally:
        conn.close()


@pytest.mark.parametrize("combined", [False, True])
def test_collection_rows_are_the_ones_genanki_writes(tmp_path: Path, combined: bool) -> None:
    decks = [deck_file(tmp_path, FOUNDATIONAL, T0), deck_file(tmp_path, DEMO, T0 + 60)]
    out = tmp_path / "out"
    results = export_decks(decks, out, combined=combined)
    groups = [decks] if combined else [[deck] for deck in decks]
    for result, group in zip(results, groups, strict=True):
        ours = tmp_path / f"ours-{result.path.name}.anki2"
        with zipfile.ZipFile(result.path) as package:
            ours.write_bytes(package.read("collection.anki2"))
        reference = tmp_path / f"genanki-{result.path.name}.anki2"
        _genanki_collection(group, reference, parent=combined)
        assert _rows(ours) == _rows(reference)
        assert len(_rows(ours)["cards"]) == result.cards == 2 * result.notes
