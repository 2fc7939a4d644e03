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
- genanki writes the collection's schema, decks and note type; the notes and cards rows
  (the same columns and values genanki's `Note`/`Card.write_to_db` write) are inserted
  here with executemany in one transaction (genanki inserts a row at a time).
- The reverse card shows `MaskedDefinition`: the reverse prompt with every answer form
  replaced by `____` (`trainer.decks.cards.reverse_prompt`), the same prompt the terminal
  quiz asks.
- A corrected entry says so on the back of both cards, in a quiet line under the rest:
  the `Origin` field carries "Corrected from the source: the term and the details." (what
  was corrected) after any origin note (`origin_text`). Only template text changed for
  it, never a field or template name, so Anki updates the note type and notes in place.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
import sqlite3
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import genanki  # type: ignore[import-untyped]

from trainer.anki.mapping import (
    AnkiScheduling,
    CollectionTiming,
    card_scheduling,
    collection_timing,
    revlog_rows,
)
from trainer.decks.cards import reverse_prompt
from trainer.errors import ExportError
from trainer.files import atomic_write, check_replaceable
from trainer.model import CorrectedField, Deck, Entry

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from trainer.anki.learner import LearnerProgress

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
{{#Aliases}}<div class="aliases">Also: {{Aliases}}</div>{{/Aliases}}
{{#Origin}}<div class="origin">{{Origin}}</div>{{/Origin}}"""
_REVERSE_FRONT = """<div class="prompt">Which term is this?</div>
<div class="definition">{{MaskedDefinition}}</div>"""
_REVERSE_BACK = """{{FrontSide}}
<hr id="answer">
<div class="term">{{Term}}</div>
{{#Aliases}}<div class="aliases">Also: {{Aliases}}</div>{{/Aliases}}
{{#Details}}<div class="details">{{Details}}</div>{{/Details}}
{{#Origin}}<div class="origin">{{Origin}}</div>{{/Origin}}"""

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
.origin { margin: 1em 0 0; font-size: 0.75em; color: #6e7781; }
.nightMode .origin { color: #8b8b90; }
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
    answers: int = 0  # review log rows (an export with progress)


@dataclass(frozen=True)
class ExportProgress:
    """A learner's progress to write into the packages (`trainer export --with-progress`).

    `today` is the learner's study day; `timezone` and `rollover_hour` are theirs.
    """

    learner: LearnerProgress
    today: date
    timezone: ZoneInfo
    rollover_hour: int

    @property
    def creation_day(self) -> date:
        """The collection's creation day: the first study day (today without answers)."""
        first = self.learner.first_day
        return min(first, self.today) if first is not None else self.today


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
    # genanki.guid_for(deck_slug, entry_id), computed directly (it is called per note): the
    # first 8 bytes of SHA-256 of "slug__id" as a big-endian integer, in Anki's base 91.
    number = int.from_bytes(hashlib.sha256(f"{deck_slug}__{entry_id}".encode()).digest()[:8])
    digits: list[str] = []
    while number:
        number, digit = divmod(number, 91)
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


_BASE91 = "".join(genanki.util.BASE91_TABLE)


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
    if text.isascii() and text.isprintable():
        # The usual case, and the same result: NFC leaves ASCII alone, and printable ASCII
        # has no control characters or line breaks; only spaces can be stripped.
        return text.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _field_html(text)


def _field_html(text: str) -> str:
    """`field_html` for any text (the general path)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL_RE.sub("", text)
    escaped = html.escape(text.strip(), quote=False)
    return escaped.replace("\n", "<br>")


def note_fields(deck: Deck, entry: Entry) -> list[str]:
    """The note's field values, in `FIELDS` order."""
    return _note_fields(entry, field_html(deck.slug))


def _note_fields(entry: Entry, deck_field: str) -> list[str]:
    """`note_fields` with the deck's own field (the same for every note) given."""
    return [
        field_html(entry.term),
        field_html(entry.definition),
        field_html(entry.details),
        field_html(", ".join(entry.aliases)),
        field_html(reverse_prompt(entry)),
        deck_field,
        field_html(entry.id),
        field_html(str(entry.source)),
        field_html(origin_text(entry)),
    ]


def origin_text(entry: Entry) -> str:
    """The Origin field: the entry's origin note, then for an entry whose text differs from
    its source one short line naming what was corrected ("Corrected from the source: the
    term and the details."); `trainer deck show` lists each change with its reason."""
    parts = [entry.origin] if entry.origin else []
    if entry.corrections:
        changed = {correction.field for correction in entry.corrections}
        names = [f"the {field.value}" for field in CorrectedField if field in changed]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"Corrected from the source: {listed}.")
    return "\n".join(parts)


def note_tags(deck: Deck, entry: Entry) -> list[str]:
    """The deck slug, then the entry's tags; whitespace becomes `_` (Anki tags have no spaces)."""
    tags: list[str] = []
    for tag in (deck.slug, *entry.tags):
        clean = "_".join(tag.split())  # runs of whitespace as one "_", none at the ends
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


class _Note(NamedTuple):
    """One note as it goes into the collection (a tuple: 50,000 of them are built at once)."""

    guid: str
    tags: str  # Anki's form: " a b "
    flds: str  # the fields joined with "\x1f"
    sfld: str  # the sort field (Term)
    ords: tuple[int, ...]  # its cards' template ords
    entry_id: str


def _card_ords(model: genanki.Model) -> Callable[[list[str]], tuple[int, ...]]:
    """Which cards a note gets from its fields: genanki's rule (a template's required
    fields all filled, or any of them), with the requirements worked out once."""
    rules = [
        (card_ord, any if kind == "any" else all, tuple(required))
        for card_ord, kind, required in model._req
    ]

    def ords(fields: list[str]) -> tuple[int, ...]:
        return tuple(
            card_ord for card_ord, op, required in rules if op(map(fields.__getitem__, required))
        )

    return ords


def _deck_notes(
    deck: Deck, ords: Callable[[list[str]], tuple[int, ...]], on_progress: Progress | None
) -> list[_Note]:
    """Every note of one trainer deck, in deck order (a note's position is its new-card due)."""
    slug = deck.slug
    deck_field = field_html(slug)
    notes: list[_Note] = []
    for entry in deck.entries:
        fields = _note_fields(entry, deck_field)
        tags = " ".join(note_tags(deck, entry))
        notes.append(
            _Note(
                note_guid(slug, entry.id),
                f" {tags} ",
                "\x1f".join(fields),
                fields[0],
                ords(fields),
                entry.id,
            )
        )
        if on_progress is not None:
            on_progress(1)
    return notes


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
    progress: ExportProgress | None = None,
) -> list[ExportResult]:
    """Write one package per deck (or, with `combined`, one package of all of them).

    `on_written` is called after each package is in place; `on_progress` as notes are built.
    With `progress`, each package carries the learner's scheduling and review log of its
    cards (see `trainer.anki.mapping`).
    """
    if combined:
        jobs = [(list(decks), out_dir / COMBINED_FILENAME, True)]
    else:
        jobs = [([deck], out_dir / f"{deck.slug}.apkg", False) for deck in decks]
    results: list[ExportResult] = []
    for group, target, parent in jobs:
        results.append(
            _write_package(group, target, parent=parent, on_progress=on_progress, progress=progress)
        )
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
    decks: list[Deck],
    target: Path,
    *,
    parent: bool,
    on_progress: Progress | None = None,
    progress: ExportProgress | None = None,
) -> ExportResult:
    """Build the collection in a temporary folder, zip it to a temporary name beside
    `target`, then rename it into place: a failure leaves no partial package behind."""
    out_dir = target.parent
    _check_deck_ids(decks, parent=parent)
    prepare_out_dir(out_dir)
    try:
        check_replaceable(target)  # a package replaces a regular file only, never a device
    except OSError as error:
        raise ExportError(
            f"cannot write {target}: {error.strerror}; move it away or choose another --out DIR"
        ) from None
    model = note_model()
    stamps = [deck_timestamp(deck) for deck in decks]
    newest = max(stamps, default=FALLBACK_TIMESTAMP)
    ords = _card_ords(model)
    deck_notes = [_deck_notes(deck, ords, on_progress) for deck in decks]
    notes = sum(len(group) for group in deck_notes)
    cards = sum(len(note.ords) for group in deck_notes for note in group)

    # genanki's own write_to_file leaves its SQLite file in the system's temporary folder;
    # we build the collection ourselves in a folder that is removed whatever happens.
    try:
        scratch_dir = tempfile.TemporaryDirectory(prefix="trainer-export-")
    except OSError as error:
        raise _temp_error(tempfile.gettempdir(), error) from error
    with scratch_dir as scratch:
        db_path = Path(scratch) / "collection.anki2"
        try:
            answers = _write_collection(
                db_path, model, decks, deck_notes, stamps, parent=parent, progress=progress
            )
        except (OSError, sqlite3.Error) as error:
            raise _temp_error(scratch, error) from error

        # Created like any new file, so the user's umask decides its mode.
        try:
            with (
                atomic_write(target, binary=True) as handle,
                zipfile.ZipFile(
                    handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL
                ) as package,
            ):
                when = datetime.fromtimestamp(newest, UTC).timetuple()[:6]
                for name, data in (("collection.anki2", db_path.read_bytes()), ("media", b"{}")):
                    info = zipfile.ZipInfo(name, date_time=when)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    package.writestr(info, data, compresslevel=_ZIP_LEVEL)
        except OSError as error:
            raise _write_error(out_dir, error) from error

    return ExportResult(
        path=target,
        decks=tuple(deck.slug for deck in decks),
        notes=notes,
        cards=cards,
        answers=answers,
    )


def _write_collection(
    db_path: Path,
    model: genanki.Model,
    decks: list[Deck],
    deck_notes: list[list[_Note]],
    stamps: list[int],
    *,
    parent: bool,
    progress: ExportProgress | None = None,
) -> int:
    """The package's SQLite collection: each deck's notes and cards carry that deck's time.

    genanki writes the schema, the collection row, the decks and the note type; the notes
    and cards are inserted here with the same columns genanki's Note/Card.write_to_db
    write (a row at a time there), in one transaction. With `progress`, the cards carry
    the learner's scheduling, the revlog their answers, and the collection row the
    creation time and scheduler settings that keep Anki's day count on the learner's
    study days (`trainer.anki.mapping`). Returns the number of revlog rows.
    """
    newest = max(stamps, default=FALLBACK_TIMESTAMP)
    conn = sqlite3.connect(db_path)
    try:
        cursor = conn.cursor()
        # A scratch file: it is zipped only after the commit, and removed on any failure.
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        id_gen = itertools.count(newest * 1000)  # note and card ids (Anki: creation time)
        genanki.Package([]).write_to_db(cursor, newest, id_gen)  # schema and collection
        if parent:
            top = genanki.Deck(
                PARENT_DECK_ID,
                PARENT_DECK_NAME,
                "The AI-music-generation glossary, exported by trainer.",
            )
            top.write_to_db(cursor, newest, id_gen)
        note_rows: list[tuple[object, ...]] = []
        card_rows: list[tuple[object, ...]] = []
        anki_ids: dict[str, int] = {}  # trainer card id -> Anki card id (with progress)
        _scheduling = _scheduler_of(progress)
        for deck, group, stamp in zip(decks, deck_notes, stamps, strict=True):
            anki_deck = genanki.Deck(
                deck.anki_deck_id, anki_deck_name(deck), field_html(_one_line(deck.description))
            )
            if group:
                anki_deck.add_model(model)
            anki_deck.write_to_db(cursor, stamp, id_gen)  # the deck and the note type
            deck_id = deck.anki_deck_id
            prefix = f"{deck.slug}/"
            for due, note in enumerate(group):
                note_id = next(id_gen)
                schedules = [
                    _scheduling(f"{prefix}{note.entry_id}/{_DIRECTIONS[o]}", due) for o in note.ords
                ]
                tags = note.tags
                if progress is not None and any(leech for _, leech in schedules):
                    tags = f"{tags}leech "
                # id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data
                note_rows.append(
                    (
                        note_id,
                        note.guid,
                        MODEL_ID,
                        stamp,
                        -1,
                        tags,
                        note.flds,
                        note.sfld,
                        0,
                        0,
                        "",
                    )
                )
                for card_ord, (sched, _) in zip(note.ords, schedules, strict=True):
                    card_id = next(id_gen)
                    if progress is not None:
                        anki_ids[f"{prefix}{note.entry_id}/{_DIRECTIONS[card_ord]}"] = card_id
                    # id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps,
                    # lapses, left, odue, odid, flags, data
                    card_rows.append(
                        (
                            card_id,
                            note_id,
                            deck_id,
                            card_ord,
                            stamp,
                            -1,
                            sched.type,
                            sched.queue,
                            sched.due,
                            sched.ivl,
                            sched.factor,
                            sched.reps,
                            sched.lapses,
                            0,
                            0,
                            0,
                            0,
                            sched.data,
                        )
                    )
        # genanki's indexes on notes, cards and revlog, built once after the rows instead
        # of row by row: the same schema, a third less time.
        for name, _ in _ROW_INDEXES:
            cursor.execute(f"DROP INDEX {name}")
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", note_rows)
        cursor.executemany(
            "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows
        )
        answers = 0
        if progress is not None:
            rows = revlog_rows(progress.learner.answers, anki_ids)
            cursor.executemany("INSERT INTO revlog VALUES(?,?,?,?,?,?,?,?,?)", rows)
            answers = len(rows)
            _set_timing(
                cursor,
                collection_timing(progress.creation_day, progress.timezone, progress.rollover_hour),
            )
        for _, create in _ROW_INDEXES:
            cursor.execute(create)
        _set_model_mod(cursor, newest)
        conn.commit()
    finally:
        conn.close()
    return answers


_DIRECTIONS = {0: "forward", 1: "reverse"}  # template ord -> trainer's card direction


def _scheduler_of(
    progress: ExportProgress | None,
) -> Callable[[str, int], tuple[AnkiScheduling, bool]]:
    """card id, new position -> the card's Anki scheduling and whether it is a leech."""
    if progress is None:

        def new_card(card_id: str, position: int) -> tuple[AnkiScheduling, bool]:
            return AnkiScheduling(0, 0, position, 0, 0, 0, 0, ""), False

        return new_card
    cards, today, creation_day = progress.learner.cards, progress.today, progress.creation_day

    def scheduled(card_id: str, position: int) -> tuple[AnkiScheduling, bool]:
        found = cards.get(card_id)
        sched = card_scheduling(found, position=position, today=today, creation_day=creation_day)
        return sched, found is not None and found.leech

    return scheduled


def _set_timing(cursor: sqlite3.Cursor, timing: CollectionTiming) -> None:
    """The collection's creation time and scheduler settings (col.crt, col.conf)."""
    (conf_json,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_json)
    conf.update(timing.config())
    cursor.execute("UPDATE col SET crt = ?, conf = ?", (timing.crt, json.dumps(conf)))


# Deflate level 1: for 100,000 cards about 10% larger than the default level 6, in a
# fifth of the time (0.12 s instead of 0.56 s); Anki reads any deflate level.
_ZIP_LEVEL = 1


# (name, CREATE statement) of each index genanki's schema puts on the notes, cards and revlog
# tables.
_ROW_INDEXES: tuple[tuple[str, str], ...] = tuple(
    (line.split()[2], line.rstrip(";"))
    for line in genanki.apkg_schema.APKG_SCHEMA.splitlines()
    if line.startswith("CREATE INDEX") and line.split()[4] in ("notes", "cards", "revlog")
)


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
