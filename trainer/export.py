"""Anki export: deck values in, `.apkg` files out (genanki underneath).

Pure of click and rich; it reads only the deck files' modification times and
writes only the packages it is asked for.

What Anki relies on, and what this module fixes for it:

- One note type of our own, `MODEL_ID`, with the frozen field list `FIELDS` and the
  two templates `Forward` and `Reverse`. Anki refuses to update notes whose note
  type changed its field or template names, so these names never change; new
  information goes into new note types, never into this one.
- Note GUID = `genanki.guid_for(deck slug, entry id)`: the stable identity of the
  entry, never its text, so an edited definition updates the note in place.
- Anki updates an existing note only when the imported note's modification time is
  newer. Every note of a deck carries the deck's *source timestamp*: the
  modification time of its deck file, in whole seconds (`deck_timestamp`). Editing
  the file makes the next export newer; exporting an unchanged file twice gives the
  same timestamp. A deck without a file gets the fixed `FALLBACK_TIMESTAMP`.
- Anki matches decks by name. Every deck is `AI Music Glossary::<deck title>` in
  both the per-deck and the combined packages, so importing either lands the cards
  in the same place.
- Field text is HTML-escaped (`<`, `>`, `&` show as text); line breaks become `<br>`.
- The reverse card shows `MaskedDefinition`: the definition with every answer form
  replaced by `____` (`trainer.cards.mask`), the same prompt the terminal quiz asks.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import secrets
import sqlite3
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import genanki  # type: ignore[import-untyped]

from trainer.cards import answers_for, mask
from trainer.errors import ExportError
from trainer.model import Deck, Entry

MODEL_ID = 1638895334  # chosen once; never change it
MODEL_NAME = "AI Music Glossary (trainer)"
PARENT_DECK_ID = 1124221118  # the combined package's parent deck; chosen once
PARENT_DECK_NAME = "AI Music Glossary"
COMBINED_FILENAME = "ai-music-glossary.apkg"

# Frozen: Anki matches a note type's schema by these names (and the template names).
FIELDS: tuple[str, ...] = (
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
TEMPLATE_NAMES: tuple[str, str] = ("Forward", "Reverse")

# 2026-01-01T00:00:00Z: the note time of a deck that has no file (built in memory).
FALLBACK_TIMESTAMP = 1767225600

_FORWARD_FRONT = '<div class="term">{{Term}}</div>'
_FORWARD_BACK = """{{FrontSide}}
<hr id="answer">
<div class="definition">{{Definition}}</div>
{{#Details}}<div class="details">{{Details}}</div>{{/Details}}
{{#Aliases}}<div class="aliases">Also: {{Aliases}}</div>{{/Aliases}}"""
_REVERSE_FRONT = """<div class="prompt">Which term is this?</div>
<div class="definition">{{MaskedDefinition}}</div>"""
_REVERSE_BACK = """{{FrontSide}}
<hr id="answer">
<div class="term">{{Term}}</div>
{{#Aliases}}<div class="aliases">Also: {{Aliases}}</div>{{/Aliases}}
{{#Details}}<div class="details">{{Details}}</div>{{/Details}}"""

CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  text-align: left;
  max-width: 36em;
  margin: 0 auto;
  padding: 0 1em;
  color: #1f2328;
  background-color: #ffffff;
}
.card.nightMode {
  color: #e6e6e6;
  background-color: #2f2f31;
}
.term { font-size: 1.4em; font-weight: 600; text-align: center; margin: 0.5em 0; }
.prompt { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.05em; color: #57606a; }
.nightMode .prompt { color: #a8a8ad; }
.definition { margin: 0.75em 0; }
.details { margin: 0.75em 0; font-size: 0.9em; color: #424a53; }
.nightMode .details { color: #c9c9cc; }
.aliases { margin: 0.75em 0; font-size: 0.85em; font-style: italic; color: #57606a; }
.nightMode .aliases { color: #a8a8ad; }
hr#answer { border: none; border-top: 1px solid #d0d7de; margin: 1em 0; }
.nightMode hr#answer { border-top-color: #4a4a4f; }
"""


@dataclass(frozen=True)
class ExportResult:
    """One written package: where it is, which decks it holds, how many notes and cards."""

    path: Path
    decks: tuple[str, ...]
    notes: int
    cards: int


def note_model() -> genanki.Model:
    """The note type every exported note uses (a fresh object: genanki mutates it when writing)."""
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[
            {"name": TEMPLATE_NAMES[0], "qfmt": _FORWARD_FRONT, "afmt": _FORWARD_BACK},
            {"name": TEMPLATE_NAMES[1], "qfmt": _REVERSE_FRONT, "afmt": _REVERSE_BACK},
        ],
        css=CSS,
        sort_field_index=0,
    )


def note_guid(deck_slug: str, entry_id: str) -> str:
    """The note's GUID, from the entry's stable identity only (never from its text)."""
    guid: str = genanki.guid_for(deck_slug, entry_id)
    return guid


def anki_deck_name(deck: Deck) -> str:
    """The deck's name in Anki: a subdeck of `AI Music Glossary`.

    `::` separates levels in Anki, so a `::` inside the title becomes `:` (one level).
    """
    title = unicodedata.normalize("NFC", _one_line(deck.title))
    while "::" in title:
        title = title.replace("::", ":")
    return f"{PARENT_DECK_NAME}::{title}"


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \x1f separates Anki's fields


def field_html(text: str) -> str:
    """Plain text as an Anki field: HTML-escaped, line breaks as `<br>`, control characters
    (other than tab and line breaks) dropped, in Unicode NFC (as Anki stores note text)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL_RE.sub("", text)
    escaped = html.escape(text.strip(), quote=False)
    return escaped.replace("\n", "<br>")


def note_fields(deck: Deck, entry: Entry) -> list[str]:
    """The note's field values, in `FIELDS` order."""
    masked = mask(entry.definition, answers_for(entry))
    values = {
        "Term": entry.term,
        "Definition": entry.definition,
        "Details": entry.details,
        "Aliases": ", ".join(entry.aliases),
        "MaskedDefinition": masked,
        "Deck": deck.slug,
        "EntryID": entry.id,
        "Source": str(entry.source),
        "Origin": entry.origin,
    }
    return [field_html(values[name]) for name in FIELDS]


def note_tags(deck: Deck, entry: Entry) -> list[str]:
    """The deck slug, then the entry's tags; whitespace becomes `_` (Anki tags have no spaces)."""
    tags: list[str] = []
    for tag in (deck.slug, *entry.tags):
        clean = re.sub(r"\s+", "_", tag.strip())
        if clean and clean not in tags:
            tags.append(clean)
    return tags


def deck_timestamp(deck: Deck) -> int:
    """The note modification time for a deck: its file's mtime in whole seconds.

    Falls back to `FALLBACK_TIMESTAMP` for a deck without a readable file.
    """
    if deck.path is not None:
        try:
            return max(deck.path.stat().st_mtime_ns // 1_000_000_000, FALLBACK_TIMESTAMP)
        except OSError:
            pass
    return FALLBACK_TIMESTAMP


Progress = Callable[[int], None]
"""Called with the number of notes just built (for a progress bar)."""


def build_anki_deck(
    deck: Deck, model: genanki.Model, on_progress: Progress | None = None
) -> genanki.Deck:
    """The genanki deck of one trainer deck: one note (two cards) per entry, in deck order."""
    anki_deck = genanki.Deck(
        deck.anki_deck_id, anki_deck_name(deck), field_html(_one_line(deck.description))
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
        if on_progress is not None:
            on_progress(1)
    return anki_deck


def export_deck(deck: Deck, out_dir: Path, on_progress: Progress | None = None) -> ExportResult:
    """Write `<slug>.apkg` with one deck into `out_dir`."""
    target = out_dir / f"{deck.slug}.apkg"
    return _write_package([deck], target, parent=False, on_progress=on_progress)


def export_combined(
    decks: Sequence[Deck],
    out_dir: Path,
    filename: str = COMBINED_FILENAME,
    on_progress: Progress | None = None,
) -> ExportResult:
    """Write one package with every deck as a subdeck of `AI Music Glossary`."""
    return _write_package(list(decks), out_dir / filename, parent=True, on_progress=on_progress)


def export_decks(
    decks: Sequence[Deck],
    out_dir: Path,
    *,
    combined: bool = False,
    on_written: Callable[[ExportResult], None] | None = None,
    on_progress: Progress | None = None,
) -> list[ExportResult]:
    """Write one package per deck (or, with `combined`, one package of all of them).

    `on_written` is called after each package is in place; `on_progress` as notes are built.
    """
    if combined:
        jobs = [(list(decks), out_dir / COMBINED_FILENAME, True)]
    else:
        jobs = [([deck], out_dir / f"{deck.slug}.apkg", False) for deck in decks]
    results: list[ExportResult] = []
    for group, target, parent in jobs:
        results.append(_write_package(group, target, parent=parent, on_progress=on_progress))
        if on_written is not None:
            on_written(results[-1])
    return results


def prepare_out_dir(out_dir: Path) -> None:
    """Create the output folder if needed; raise ExportError if it cannot be one."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(
            f"cannot write Anki packages to {out_dir}: it is a file, not a folder; "
            "choose a folder with --out DIR"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _write_error(out_dir, error) from error


def _write_error(out_dir: Path, error: OSError) -> ExportError:
    reason = error.strerror or type(error).__name__
    return ExportError(
        f"cannot write Anki packages to {out_dir}: {reason}; "
        "choose a folder you can write to with --out DIR"
    )


def _temp_error(folder: str, error: Exception) -> ExportError:
    reason = getattr(error, "strerror", None) or str(error)
    return ExportError(
        f"cannot build the Anki package in the temporary folder {folder}: {reason}; "
        "set TMPDIR to a folder with free space that you can write to"
    )


def _write_package(
    decks: list[Deck], target: Path, *, parent: bool, on_progress: Progress | None = None
) -> ExportResult:
    """Build the collection in a temporary folder, zip it to a temporary name beside
    `target`, then rename it into place: a failure leaves no partial package behind."""
    out_dir = target.parent
    _check_deck_ids(decks, parent=parent)
    prepare_out_dir(out_dir)
    model = note_model()
    stamps = [deck_timestamp(deck) for deck in decks]
    newest = max(stamps, default=FALLBACK_TIMESTAMP)
    anki_decks = [build_anki_deck(deck, model, on_progress) for deck in decks]
    notes = sum(len(anki_deck.notes) for anki_deck in anki_decks)
    cards = sum(len(note.cards) for anki_deck in anki_decks for note in anki_deck.notes)

    # genanki's own write_to_file leaves its SQLite file in the system's temporary folder;
    # we build the collection ourselves in a folder that is removed whatever happens.
    try:
        scratch_dir = tempfile.TemporaryDirectory(prefix="trainer-export-")
    except OSError as error:
        raise _temp_error(tempfile.gettempdir(), error) from error
    with scratch_dir as scratch:
        db_path = Path(scratch) / "collection.anki2"
        try:
            _write_collection(db_path, anki_decks, stamps, parent=parent)
        except (OSError, sqlite3.Error) as error:
            raise _temp_error(scratch, error) from error

        # A hidden temporary name in the output folder (same file system: the rename is
        # atomic), created like any new file so the user's umask decides its mode.
        tmp_path = out_dir / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as error:
            raise _write_error(out_dir, error) from error
        try:
            with (
                os.fdopen(fd, "wb") as handle,
                zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as package,
            ):
                when = datetime.fromtimestamp(newest, UTC).timetuple()[:6]
                for name, data in (("collection.anki2", db_path.read_bytes()), ("media", b"{}")):
                    info = zipfile.ZipInfo(name, date_time=when)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    package.writestr(info, data)
            os.replace(tmp_path, target)
        except OSError as error:
            tmp_path.unlink(missing_ok=True)
            raise _write_error(out_dir, error) from error
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise

    return ExportResult(
        path=target, decks=tuple(deck.slug for deck in decks), notes=notes, cards=cards
    )


def _write_collection(
    db_path: Path, anki_decks: list[genanki.Deck], stamps: list[int], *, parent: bool
) -> None:
    """The package's SQLite collection: each deck's notes and cards carry that deck's time."""
    newest = max(stamps, default=FALLBACK_TIMESTAMP)
    conn = sqlite3.connect(db_path)
    try:
        cursor = conn.cursor()
        id_gen = itertools.count(newest * 1000)  # note and card ids (Anki: creation time)
        genanki.Package([]).write_to_db(cursor, newest, id_gen)  # schema and collection
        if parent:
            top = genanki.Deck(
                PARENT_DECK_ID,
                PARENT_DECK_NAME,
                "The AI-music-generation glossary, exported by trainer.",
            )
            top.write_to_db(cursor, newest, id_gen)
        for anki_deck, stamp in zip(anki_decks, stamps, strict=True):
            anki_deck.write_to_db(cursor, stamp, id_gen)
        _set_model_mod(cursor, newest)
        conn.commit()
    finally:
        conn.close()


def _check_deck_ids(decks: Sequence[Deck], *, parent: bool) -> None:
    """Two decks with one id in a package would share one deck in Anki."""
    seen: dict[int, str] = {PARENT_DECK_ID: "the parent deck"} if parent else {}
    seen[1] = "Anki's Default deck"
    for deck in decks:
        other = seen.get(deck.anki_deck_id)
        if other is not None:
            raise ExportError(
                f"deck {deck.slug!r} has anki_deck_id {deck.anki_deck_id}, the id of {other}; "
                "give it a new 10-digit anki_deck_id in its deck file"
            )
        seen[deck.anki_deck_id] = f"deck {deck.slug!r}"


def _set_model_mod(cursor: sqlite3.Cursor, stamp: int) -> None:
    """genanki stamps the note type with the last deck's time; use the newest deck's."""
    (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
    models = json.loads(models_json)
    for model in models.values():
        model["mod"] = stamp
    cursor.execute("UPDATE col SET models = ?", (json.dumps(models),))


def _one_line(text: str) -> str:
    return " ".join(text.split())
