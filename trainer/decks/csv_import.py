"""Importing a spreadsheet export (CSV) into a deck.

What is read:

- UTF-8 text, with or without a byte-order mark; Windows (CRLF) or Unix line ends.
- Fields separated by commas, semicolons or tabs, detected from the file: the
  separator that splits every record into the same number (two or more) of fields;
  with a header row, the one that splits the header into known column names.
- Quoting as spreadsheets write it: a field in double quotes may hold separators
  and line breaks; a quote inside it is doubled (`""`).
- Either a header row naming the columns, in any order and any case: `term` and
  `definition` (required), `aliases`, `details` and `tags` (optional); or no header
  and exactly two columns, term then definition (the shape of Anki's text import).
- In the aliases and tags columns, items are separated by `;` or `|`
  ("codec; neural codec"). Tags are lowercased; they may not contain spaces.
- At most `trainer.decks.lint.MAX_ENTRIES` (5000) entries; files over 2 MB are refused
  before they are read.
- Empty records are skipped; a record may leave out trailing optional cells; a header
  column without a name is ignored as long as its cells are empty.
- Text, HTML included, is kept as written (in Unicode NFC, as Anki stores it; the
  Anki export escapes HTML, so `<b>` shows as `<b>`).

Each entry gets an id made from its term ("GAN (Generative Adversarial Network)"
-> "gan"; a second entry with the same id gets "-2"), `source = "authored"`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trainer.decks.cards import split_term
from trainer.decks.format import slugify, tag_problem
from trainer.decks.limits import MAX_LENGTHS, value_problem
from trainer.decks.lint import MAX_ENTRIES
from trainer.errors import DeckFormatError
from trainer.model import Deck, Entry, Source

COLUMNS = ("term", "definition", "aliases", "details", "tags")
REQUIRED = ("term", "definition")
SEPARATORS = ("\t", ";", ",")
_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma"}
_ITEM_SPLIT = re.compile(r"[;|]")
_SAMPLE = 200  # records used to detect the separator


@dataclass(frozen=True)
class _Record:
    line: int  # where the record starts
    fields: list[str]


def _records(text: str, separator: str, path: Path) -> list[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[_Record] = []
    start = 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                fields = [
                    unicodedata.normalize("NFC", f.replace("\r\n", "\n").replace("\r", "\n"))
                    for f in fields
                ]
                records.append(_Record(start, fields))
            start = reader.line_num + 1
    except csv.Error as error:
        message = str(error)
        if "end of data" in message or "unexpected end" in message:
            message = (
                'a quoted field is not closed (a field in double quotes must end with "; '
                'write a quote inside it as "")'
            )
        elif "expected after" in message:
            message = (
                "text follows the closing quote of a quoted field; "
                'write a quote inside a quoted field as ""'
            )
        else:
            message = f"bad quoting: {message}"
        raise DeckFormatError(path, start, message) from error
    return records


def _header_columns(fields: Sequence[str]) -> list[str] | None:
    """The column names if `fields` is a header row (any known name in it), else None."""
    names = [field.strip().casefold() for field in fields]
    return names if any(name in COLUMNS for name in names) else None


def detect_separator(text: str, path: Path) -> str:
    """The separator of a CSV text: comma, semicolon or tab (see the module docstring)."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    for separator in SEPARATORS:  # a header row decides
        fields = next(csv.reader([first_line], delimiter=separator), [])
        names = _header_columns(fields)
        if (
            names is not None
            and len([name for name in names if name]) >= 2
            and all(name in COLUMNS or not name for name in names)
        ):
            return separator
    consistent = []
    for separator in SEPARATORS:
        try:
            sample = _records(text, separator, path)[:_SAMPLE]
        except DeckFormatError:
            continue
        widths = {len(record.fields) for record in sample}
        if len(widths) == 1 and widths.pop() >= 2:
            consistent.append(separator)
    if "\t" in consistent or len(consistent) == 1:
        return consistent[0]
    if consistent:  # several split evenly: the one giving two columns (term, definition)
        for separator in consistent:
            if len(_records(text, separator, path)[0].fields) == 2:
                return separator
        return consistent[0]
    widest = max(SEPARATORS, key=lambda s: len(next(csv.reader([first_line], delimiter=s))))
    if len(next(csv.reader([first_line], delimiter=widest))) < 2:
        raise DeckFormatError(
            path,
            1,
            "found one column; separate term and definition with a comma, semicolon or tab",
        )
    return widest


def parse_csv(
    text: str, path: Path, *, slug: str, title: str, description: str, anki_deck_id: int
) -> Deck:
    """A deck from the text of a CSV file; DeckFormatError(path, line, message) if it
    cannot be one."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DeckFormatError(
            path, None, "the CSV file is empty; it needs a term and a definition on each line"
        )
    separator = detect_separator(text, path)
    records = _records(text, separator, path)
    columns = _header_columns(records[0].fields)
    if columns is not None:
        _check_header(columns, records[0].line, path)
        body = records[1:]
        if not body:
            raise DeckFormatError(
                path, records[0].line, "the CSV file has a header row but no entries"
            )
    else:
        width = len(records[0].fields)
        if width != 2:
            raise DeckFormatError(
                path,
                records[0].line,
                f"no header row and {width} columns; add a header row naming the columns "
                f"({', '.join(COLUMNS)}) or keep two: term and definition",
            )
        columns = ["term", "definition"]
        body = records
    entries: list[Entry] = []
    ids: set[str] = set()
    terms: dict[str, int] = {}
    if len(body) > MAX_ENTRIES:
        raise DeckFormatError(
            path,
            body[MAX_ENTRIES].line,
            f"more than {MAX_ENTRIES} entries; a deck holds up to {MAX_ENTRIES}: "
            "split the file into several decks",
        )
    name = _NAMES[separator]
    for record in body:
        fields = [field.strip() for field in record.fields]
        missing = columns[len(fields) :]
        if len(fields) > len(columns) or any(column in REQUIRED for column in missing):
            raise DeckFormatError(
                path,
                record.line,
                f"{len(fields)} fields where the file has {len(columns)} columns "
                f"({name}-separated); put a field that contains a {name} in double quotes",
            )
        fields += [""] * len(missing)  # trailing optional cells left out
        for column, field in zip(columns, fields, strict=True):
            if not column and field:
                raise DeckFormatError(
                    path,
                    record.line,
                    f"the value {field!r} is in a column without a name; name the column "
                    f"in the header ({', '.join(COLUMNS)}) or remove the value",
                )
        row = dict(zip(columns, fields, strict=True))
        entry = _entry(row, record.line, path, ids)
        folded = entry.term.casefold()
        if folded in terms:
            raise DeckFormatError(
                path,
                record.line,
                f"duplicate term {entry.term!r} (first at line {terms[folded]}); "
                "merge the two rows",
            )
        terms[folded] = record.line
        ids.add(entry.id)
        entries.append(entry)
    return Deck(
        slug=slug,
        title=title,
        description=description,
        anki_deck_id=anki_deck_id,
        entries=tuple(entries),
    )


def _check_header(columns: list[str], line: int, path: Path) -> None:
    for name in columns:
        if not name:
            continue  # a column without a name must be empty (checked row by row)
        if name not in COLUMNS:
            raise DeckFormatError(
                path, line, f"unknown column {name!r}; the columns are {', '.join(COLUMNS)}"
            )
        if columns.count(name) > 1:
            raise DeckFormatError(path, line, f"the column {name!r} appears twice")
    for name in REQUIRED:
        if name not in columns:
            raise DeckFormatError(
                path,
                line,
                f"missing column {name!r}; the header must name term and definition "
                "(and optionally aliases, details, tags)",
            )


def _items(value: str) -> list[str]:
    seen: set[str] = set()
    items = []
    for item in _ITEM_SPLIT.split(value):
        item = " ".join(item.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


def _entry(row: dict[str, str], line: int, path: Path, ids: set[str]) -> Entry:
    term = " ".join(row["term"].split())
    definition = row["definition"]
    if not term:
        raise DeckFormatError(path, line, "the term is empty")
    if not definition:
        raise DeckFormatError(path, line, f"the definition of {term!r} is empty")
    tags = [tag.lower() for tag in _items(row.get("tags", ""))]
    for tag in tags:
        problem = tag_problem(tag)
        if problem:
            raise DeckFormatError(path, line, problem)
    aliases = [a for a in _items(row.get("aliases", "")) if a.casefold() != term.casefold()]
    for key, value in (("term", term), *(("aliases", alias) for alias in aliases)):
        problem = value_problem(key, value)
        if problem:
            raise DeckFormatError(path, line, problem)
    base = slugify(split_term(term)[0]) or slugify(term) or "entry"
    base = base[: MAX_LENGTHS["id"]].rstrip("-")
    entry_id, n = base, 2
    while entry_id in ids:
        entry_id, n = f"{base}-{n}", n + 1
    return Entry(
        id=entry_id,
        term=term,
        definition=definition,
        aliases=tuple(aliases),
        details=row.get("details", ""),
        tags=tuple(tags),
        source=Source.AUTHORED,
        line=line,
    )
