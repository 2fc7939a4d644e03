"""A quick reader for deck files in the plain layout that trainer itself writes.

`tomllib` is written in Python and reads about 40,000 lines a second here; the line
scanner that finds each key's line for error messages reads every line once more,
and validation a third time. A deck file of 2,500 entries took 0.2-0.5 s, the
benchmark's 50,000 entries 4 s, on every command that parses them.

Most deck files use a small part of TOML: comments, `[[entry]]` headers, and
`key = value` lines whose value is a basic string with the common escapes, a
`\"\"\"` multi-line string without backslashes, a positive integer, or a one-line
array of such strings. `read_deck` reads that part with one regular expression a
line, builds the entries and checks every rule `trainer.decks.format` checks. It
returns None as soon as anything is outside that part or breaks a rule (a duplicate
key, a missing field, a bad slug, ...): the caller then parses the file with
`tomllib` and its validator, which name the file, the line and what to do. So the
quick path never accepts a file the full parser rejects, and returns the same Deck
for a file both read (tests/decks/test_quickparse.py checks both on generated files).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from trainer.decks.limits import value_problem
from trainer.model import CorrectedField, Correction, Deck, Entry, Source

# Basic strings: no control character but tab, escapes limited to the short ones
# (\uXXXX and friends are left to tomllib, which checks their code points).
_CHARS = r'[^"\\\x00-\x08\x0a-\x1f\x7f]*'  # a run of plain characters (unrolled loops below)
_STR = rf'"{_CHARS}(?:\\[btnfr"\\]{_CHARS})*"'
# The body of a multi-line string: plain characters and newlines, quotes only in ones or
# twos followed by a plain character (so never three in a row, nor right before the end).
_BODY_CHAR = r'[^"\\\x00-\x08\x0b-\x1f\x7f]'
_BODY = _BODY_CHAR + "*"
_COMMENT = r"(?:\#[^\x00-\x08\x0a-\x1f\x7f]*)?"
# One line of the file, or one `key = """..."""` over several: 1 the whole text matched,
# 2 key, then one of 3 string (quoted), 4 integer, 5 array (bracketed), 6 multi-line
# string (with its opening quotes and first newline, which is not part of it; no
# backslash in it, and no quote right before or after its closing quotes), 7 `[[entry]]`,
# 8 `[[entry.correction]]` (a table of the entry above).
# Each value group is non-empty when it matched, so findall's "" means "not this one".
_LINE = re.compile(
    rf"""([ \t]*(?:
        ([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:
            ({_STR})
          | ([1-9][0-9]*)
          | (\[[ \t]*(?:{_STR}[ \t]*,[ \t]*)*(?:{_STR}[ \t]*)?\])
          | (\"\"\"\n{_BODY}(?:"{{1,2}}{_BODY_CHAR}+)*)\"\"\"(?!")
        )
      | (\[\[entry\]\])
      | (\[\[entry\.correction\]\])
    )?[ \t]*{_COMMENT}\n)""",
    re.VERBOSE,
)
_ITEM = re.compile(_STR)
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPE = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}

_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TAG_RE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
ANKI_ID_MIN, ANKI_ID_MAX = 1_000_000_000, 9_999_999_999

_DECK_STRINGS = frozenset({"slug", "title", "description"})
_DECK_NUMBERS = frozenset({"anki_deck_id"})
_NO_KEYS: frozenset[str] = frozenset()
_ENTRY_STRINGS = frozenset({"id", "term", "definition", "details", "source", "origin", "reverse"})
_ENTRY_LISTS = frozenset({"aliases", "tags", "mask"})
_CORRECTION_STRINGS = frozenset({"field", "was", "now", "reason", "reference"})
_FIELDS = {field.value: field for field in CorrectedField}
_SOURCES = {source.value: source for source in Source}


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPE[m.group(1)], text)


def read_deck(text: str, path: Path) -> Deck | None:
    """The deck in `text` if it is in the plain layout and valid, else None (see above)."""
    if not text.endswith("\n"):
        text += "\n"
    found = _LINE.findall(text)
    if sum(len(match[0]) for match in found) != len(text):
        return None  # some text is not in the plain layout
    top: dict[str, Any] = {}
    entries: list[tuple[int, dict[str, Any]]] = []
    table = top
    strings, lists, numbers = _DECK_STRINGS, _NO_KEYS, _DECK_NUMBERS  # the keys of each kind
    line = 1
    for whole, key, string, number, array, multiline, entry, correction in found:
        if key:
            if key in table:
                return None  # a duplicate key: TOML forbids it, tomllib says where
            if string:
                if key not in strings:
                    return None
                value = string[1:-1]
                table[key] = _unescape(value) if "\\" in value else value
            elif array:
                if key not in lists:
                    return None
                table[key] = [
                    _unescape(item[1:-1]) if "\\" in item else item[1:-1]
                    for item in _ITEM.findall(array)
                ]
            elif number:
                if key not in numbers:
                    return None
                table[key] = int(number)
            else:
                if key not in strings:
                    return None
                table[key] = multiline[4:]
                line += whole.count("\n")
                continue
        elif entry:
            table = {}
            entries.append((line, table))
            strings, lists, numbers = _ENTRY_STRINGS, _ENTRY_LISTS, _NO_KEYS
        elif correction:
            if not entries:
                return None
            table = {}
            entries[-1][1].setdefault("correction", []).append(table)
            strings, lists, numbers = _CORRECTION_STRINGS, _NO_KEYS, _NO_KEYS
        line += 1
    deck = _deck(top, entries, path)
    return deck if deck is not None and _fits(deck) else None


def _fits(deck: Deck) -> bool:
    """Every value within `trainer.decks.limits` (no control or bidirectional formatting
    character, one-line fields not too long)."""
    values = [("slug", deck.slug), ("title", deck.title), ("description", deck.description)]
    for entry in deck.entries:
        values += [("id", entry.id), ("term", entry.term), ("definition", entry.definition)]
        values += [("details", entry.details), ("origin", entry.origin)]
        values += [("reverse", entry.reverse)]
        values += [("aliases", alias) for alias in entry.aliases]
        values += [("tags", tag) for tag in entry.tags]
        values += [("mask", item) for item in entry.mask]
        for correction in entry.corrections:
            values += [("was", correction.was), ("now", correction.now)]
            values += [("reason", correction.reason), ("reference", correction.reference)]
    return not any(value_problem(key, value) for key, value in values)


def _deck(top: dict[str, Any], blocks: list[tuple[int, dict[str, Any]]], path: Path) -> Deck | None:
    if len(top) != 4 or not blocks:
        return None
    slug, title = top["slug"].strip(), top["title"].strip()
    description, anki_deck_id = top["description"].strip(), top["anki_deck_id"]
    if not _SLUG_RE.fullmatch(slug) or not title or "\n" in title or not description:
        return None
    if not ANKI_ID_MIN <= anki_deck_id <= ANKI_ID_MAX:
        return None
    entries: list[Entry] = []
    ids: set[str] = set()
    terms: set[str] = set()
    for line, raw in blocks:
        entry = _entry(raw, line)
        if entry is None or entry.id in ids:
            return None
        folded = entry.term.casefold()
        if folded in terms:
            return None
        ids.add(entry.id)
        terms.add(folded)
        entries.append(entry)
    return Deck(
        slug=slug,
        title=title,
        description=description,
        anki_deck_id=anki_deck_id,
        entries=tuple(entries),
        path=path,
    )


def _entry(raw: dict[str, Any], line: int) -> Entry | None:
    """The entry of one [[entry]] table (its values have the right types already)."""
    try:
        entry_id, term = raw["id"].strip(), raw["term"].strip()
        definition, source = raw["definition"].strip(), _SOURCES.get(raw["source"].strip())
    except KeyError:
        return None
    if source is None or not term or "\n" in term or not definition:
        return None
    if not _SLUG_RE.fullmatch(entry_id):
        return None
    aliases = _items(raw["aliases"]) if "aliases" in raw else ()
    tags = _items(raw["tags"]) if "tags" in raw else ()
    mask = _items(raw["mask"]) if "mask" in raw else ()
    if aliases is None or tags is None or mask is None:
        return None
    for tag in tags:
        if not _TAG_RE.fullmatch(tag):
            return None
    corrections = _corrections(raw.get("correction", []))
    if corrections is None:
        return None
    return Entry(
        id=entry_id,
        term=term,
        definition=definition,
        aliases=aliases,
        details=raw["details"].strip() if "details" in raw else "",
        tags=tags,
        source=source,
        origin=raw["origin"].strip() if "origin" in raw else "",
        mask=mask,
        reverse=raw["reverse"].strip() if "reverse" in raw else "",
        corrections=corrections,
        line=line,
    )


def _corrections(tables: list[dict[str, str]]) -> tuple[Correction, ...] | None:
    """The entry's correction tables; None if one breaks a rule of the full parser."""
    found: list[Correction] = []
    for table in tables:
        try:
            field, was = _FIELDS.get(table["field"].strip()), table["was"].strip()
            now, reason = table["now"].strip(), table["reason"].strip()
        except KeyError:
            return None
        if field is None or "\n" in table["field"].strip() or not was:
            return None
        if not reason or "\n" in reason:
            return None
        found.append(Correction(field, was, now, reason, table.get("reference", "").strip()))
    return tuple(found)


def _items(value: list[str]) -> tuple[str, ...] | None:
    """A list's items, stripped; None if one is empty or multi-line, or two are the same."""
    items = tuple(item.strip() for item in value)
    for item in items:
        if not item or "\n" in item:
            return None
    if len(items) > 1 and len({item.casefold() for item in items}) != len(items):
        return None
    return items
