"""Deck files: parse and validate a TOML deck file, write one back, hash its bytes.

The format (README "Deck file format") is plain TOML read with `tomllib`. tomllib
does not say where a key is, so a small line scanner maps every top-level key,
every `[[entry]]` table and every key inside it to its line: each error names the
file and the line (`DeckFormatError(path, line, message)`). A file in the plain
layout trainer writes is read about four times faster by `trainer.decks.quickparse`,
which hands every other file, and every file with a problem, to this parser.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.decks.limits import value_problem
from trainer.decks.quickparse import read_deck
from trainer.errors import DeckFormatError
from trainer.files import TooLargeError, read_regular
from trainer.model import CorrectedField, Correction, Deck, Entry, Source
from trainer.printable import describe, unsafe_at

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TAG_RE = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")

ANKI_ID_MIN, ANKI_ID_MAX = 1_000_000_000, 9_999_999_999  # "10 digits"

DECK_KEYS = ("slug", "title", "description", "anki_deck_id")
ENTRY_KEYS = (
    "id",
    "term",
    "aliases",
    "definition",
    "reverse",
    "mask",
    "details",
    "tags",
    "source",
    "origin",
    "correction",
)
REQUIRED_ENTRY_KEYS = ("id", "term", "definition", "source")
#: The keys of a `[[entry.correction]]` table (`reference` is optional, `now` may be "").
CORRECTION_KEYS = ("field", "was", "now", "reason", "reference")


def file_hash(data: bytes) -> str:
    """sha256 hex digest of a deck file's raw bytes (the store skips unchanged files)."""
    return hashlib.sha256(data).hexdigest()


def slugify(text: str) -> str:
    """ASCII lowercase words of `text` joined by '-': "Fréchet Audio" -> "frechet-audio"."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def slug_problem(value: str, *, what: str, example: str) -> str | None:
    """Why `value` is no slug or id (lowercase letters, digits, single hyphens); None if it is."""
    if SLUG_RE.match(value):
        return None
    return (
        f"bad {what} {value!r}: use lowercase letters, digits and single hyphens (e.g. {example!r})"
    )


def tag_problem(tag: str) -> str | None:
    """Why `tag` is no tag (lowercase letters, digits, '-' or '_'); None if it is one."""
    if TAG_RE.match(tag):
        return None
    return (
        f"bad tag {tag!r}: use lowercase letters, digits, '-' or '_', no spaces "
        "(e.g. 'drum-machines')"
    )


# --- the line scanner ------------------------------------------------------------------


@dataclass
class _Block:
    """Where a table and its keys are: the header line and key -> first line."""

    line: int
    keys: dict[str, int] = field(default_factory=dict)
    corrections: list[_Block] = field(default_factory=list)  # its [[entry.correction]] tables


@dataclass
class _LineMap:
    top: _Block
    entries: list[_Block]
    tables: dict[str, int]  # other [table] / [[array]] headers: name -> line


_KEY_RE = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*[.=]""")
_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _scan(text: str) -> _LineMap:
    """Map keys and tables to 1-based line numbers (the text is already valid TOML)."""
    top = _Block(line=1)
    entries: list[_Block] = []
    tables: dict[str, int] = {}
    current = top
    in_string: str | None = None  # the delimiter of an open multi-line string
    depth = 0  # open brackets of a multi-line array
    for number, line in enumerate(text.split("\n"), start=1):
        rest = line
        if in_string is not None:
            closed = _close_index(rest, in_string)
            if closed < 0:
                continue
            rest = rest[closed + 3 :]
            in_string = None
        elif depth == 0:
            header = _HEADER_RE.match(line)
            if header and not line.lstrip().startswith("#"):
                name = header.group(2).strip().strip('"')
                if header.group(1) == "[[" and name == "entry":
                    current = _Block(line=number)
                    entries.append(current)
                elif header.group(1) == "[[" and name == "entry.correction" and entries:
                    current = _Block(line=number)
                    entries[-1].corrections.append(current)
                else:
                    tables.setdefault(name, number)
                    current = _Block(line=number)  # keys of an unknown table go nowhere useful
                continue
            key = _KEY_RE.match(line)
            if key:
                name = key.group(1).strip("\"'")
                current.keys.setdefault(name, number)
                rest = line[key.end() :]
        in_string, depth = _after_value(rest, depth)
    return _LineMap(top=top, entries=entries, tables=tables)


def _close_index(text: str, delimiter: str) -> int:
    """Index of the closing delimiter of a multi-line string in `text`, or -1."""
    start = 0
    while True:
        index = text.find(delimiter, start)
        if index < 0:
            return -1
        if delimiter == '"""':
            before = text[:index]
            if (len(before) - len(before.rstrip("\\"))) % 2:  # an escaped quote
                start = index + 1
                continue
        while text.startswith(delimiter[0], index + 3):  # up to two quotes may precede it
            index += 1
        return index


# What matters on a value's line: multi-line string openers, strings, a comment, brackets.
_TOKEN_RE = re.compile(r"""\"\"\"|'''|"(?:[^"\\]|\\.)*"|'[^']*'|[#\[\]{}]""")


def _after_value(text: str, depth: int) -> tuple[str | None, int]:
    """Scan a value's text: is a multi-line string left open, how deep are the brackets?"""
    position = 0
    while True:
        token = _TOKEN_RE.search(text, position)
        if token is None:
            return None, depth
        kind = token.group()
        position = token.end()
        if kind == "#":
            return None, depth
        if kind in ('"""', "'''"):
            closed = _close_index(text[position:], kind)
            if closed < 0:
                return kind, depth
            position += closed + 3
        elif kind in "[{":
            depth += 1
        elif kind in "]}":
            depth = max(0, depth - 1)


# --- parsing -------------------------------------------------------------------------


#: CSV files and glossary documents larger than this are refused before they are read.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: Deck files larger than this are refused (a deck file is larger than the CSV it came from).
MAX_DECK_BYTES = 4 * 1024 * 1024


def size_error(path: Path, size: int | None, what: str = "deck file") -> DeckFormatError | None:
    """A DeckFormatError for a file over its limit (MAX_DECK_BYTES for a deck file,
    MAX_SOURCE_BYTES for anything else), or None; `size` None: over it, size unknown."""
    limit = MAX_DECK_BYTES if what == "deck file" else MAX_SOURCE_BYTES
    if size is not None and size <= limit:
        return None
    megabytes = limit // 1024 // 1024
    how_big = f"over {megabytes} MB" if size is None else f"{size / 1024 / 1024:.1f} MB"
    return DeckFormatError(
        path,
        None,
        f"the {what} is {how_big}; trainer reads {what}s up to {megabytes} MB "
        "(split it into several decks)",
    )


def read_file_bytes(path: Path, what: str = "deck file") -> bytes:
    """The bytes of a deck file, CSV file or glossary document, within its size limit.

    DeckFormatError, after reading at most the limit and one byte, if it cannot be
    read, is not a regular file (a folder, a named pipe, a device) or is too large.
    """
    limit = MAX_DECK_BYTES if what == "deck file" else MAX_SOURCE_BYTES
    try:
        return read_regular(Path(path), limit)
    except TooLargeError as error:
        too_big = size_error(Path(path), error.size, what)
        assert too_big is not None
        raise too_big from None
    except OSError as error:
        raise DeckFormatError(path, None, f"cannot read the {what}: {error.strerror}") from None


def decode_text(data: bytes, path: Path, what: str = "deck file") -> str:
    """A file's bytes as text (a UTF-8 BOM removed); DeckFormatError if it is not UTF-8
    or holds a control character other than tab and line ends."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DeckFormatError(
            path,
            line,
            f"the {what} is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8",
        ) from None
    # Control and bidirectional formatting characters (trainer.printable) are refused
    # anywhere in the file: a terminal or an editor would show the text otherwise than it is.
    lines = text.replace("\r\n", "\n")
    at = unsafe_at(lines)
    if at >= 0:
        raise DeckFormatError(
            path,
            lines.count("\n", 0, at) + 1,
            f"the {what} contains {describe(lines[at])}; remove it",
        )
    return text


def read_text_file(path: Path, what: str = "deck file") -> str:
    """The text of a deck file, CSV file or glossary document (see read_file_bytes)."""
    return decode_text(read_file_bytes(path, what), path, what)


def parse_deck(path: Path) -> Deck:
    """Read and validate one deck file; raise DeckFormatError naming file and line."""
    return parse_deck_text(read_text_file(Path(path)), Path(path))


def parse_deck_bytes(data: bytes, path: Path) -> Deck:
    """Validate the bytes of a deck file already read (with read_file_bytes)."""
    return parse_deck_text(decode_text(data, path), Path(path))


_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def parse_deck_text(text: str, path: Path) -> Deck:
    """Parse the text of a deck file (`path` is only used in messages and kept on the Deck)."""
    path = Path(path)
    text = text.removeprefix("\ufeff")
    quick = read_deck(text, path)  # the plain layout, valid: no tomllib, no line scan
    if quick is not None:
        return quick
    return parse_with_tomllib(text, path)


def parse_with_tomllib(text: str, path: Path) -> Deck:
    """The full parser: any TOML, every error named with its line (what `read_deck` is
    checked against; parse_deck_text tries the quick reader first)."""
    try:
        raw = tomllib.loads(text)
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise DeckFormatError(
            path, None, "invalid TOML: arrays or inline tables nested too deeply"
        ) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POS_RE.search(message)
        line = int(found.group(1)) if found else None
        if found:
            message = f"{message[: found.start()]} (column {found.group(2)})"
        else:
            message = message.rstrip()
        raise DeckFormatError(path, line, f"invalid TOML: {message}") from error
    lines = _scan(text)
    return _Validator(path, lines).deck(raw)


class _Validator:
    def __init__(self, path: Path, lines: _LineMap) -> None:
        self.path = path
        self.lines = lines

    def fail(self, line: int | None, message: str) -> DeckFormatError:
        return DeckFormatError(self.path, line, message)

    def deck(self, raw: dict[str, Any]) -> Deck:
        top = self.lines.top
        for key in raw:
            if key not in (*DECK_KEYS, "entry"):
                line = top.keys.get(key, self.lines.tables.get(key))
                raise self.fail(line, _unknown(key, "deck", (*DECK_KEYS, "entry")))
        for key in DECK_KEYS:
            if key not in raw:
                raise self.fail(1, f"missing deck field '{key}'; add `{key} = ...` at the top")
        slug = self._string(raw, "slug", top, one_line=True)
        problem = slug_problem(slug, what="slug", example="models-architectures")
        if problem:
            raise self.fail(top.keys["slug"], problem)
        title = self._string(raw, "title", top, one_line=True)
        description = self._string(raw, "description", top)
        anki_deck_id = raw["anki_deck_id"]
        if type(anki_deck_id) is not int or not ANKI_ID_MIN <= anki_deck_id <= ANKI_ID_MAX:
            raise self.fail(
                top.keys["anki_deck_id"],
                f"anki_deck_id must be a 10-digit integer chosen once (got {anki_deck_id!r})",
            )
        entries_raw = raw.get("entry")
        if entries_raw is None:
            raise self.fail(1, "the deck has no entries; add an [[entry]] table")
        if not isinstance(entries_raw, list) or not all(isinstance(e, dict) for e in entries_raw):
            raise self.fail(
                top.keys.get("entry", self.lines.tables.get("entry")),
                "'entry' must be an array of tables: write each entry under `[[entry]]`",
            )
        entries: list[Entry] = []
        ids: dict[str, int] = {}
        terms: dict[str, int] = {}
        for index, entry_raw in enumerate(entries_raw):
            if index < len(self.lines.entries):
                block = self.lines.entries[index]
            else:  # an inline array of tables (`entry = [{...}]`): point at its key
                block = _Block(top.keys.get("entry", 1))
            entry = self.entry(entry_raw, block)
            if entry.id in ids:
                raise self.fail(
                    block.keys["id"],
                    f"duplicate entry id {entry.id!r} (first used at line {ids[entry.id]})",
                )
            ids[entry.id] = block.keys["id"]
            folded = entry.term.casefold()
            if folded in terms:
                raise self.fail(
                    block.keys["term"],
                    f"duplicate term {entry.term!r} (first used at line {terms[folded]})",
                )
            terms[folded] = block.keys["term"]
            entries.append(entry)
        return Deck(
            slug=slug,
            title=title,
            description=description,
            anki_deck_id=anki_deck_id,
            entries=tuple(entries),
            path=self.path,
        )

    def entry(self, raw: dict[str, Any], block: _Block) -> Entry:
        for key in raw:
            if key not in ENTRY_KEYS:
                raise self.fail(block.keys.get(key, block.line), _unknown(key, "entry", ENTRY_KEYS))
        for key in REQUIRED_ENTRY_KEYS:
            if key not in raw:
                raise self.fail(block.line, f"entry is missing '{key}'; add `{key} = ...`")
        entry_id = self._string(raw, "id", block, one_line=True)
        problem = slug_problem(entry_id, what="entry id", example="audio-codec")
        if problem:
            raise self.fail(block.keys["id"], problem)
        term = self._string(raw, "term", block, one_line=True)
        definition = self._string(raw, "definition", block)
        source_text = self._string(raw, "source", block, one_line=True)
        try:
            source = Source(source_text)
        except ValueError:
            raise self.fail(
                block.keys["source"],
                f'bad source {source_text!r}: use "glossary" or "authored"',
            ) from None
        aliases = self._strings(raw, "aliases", block)
        tags = self._strings(raw, "tags", block)
        for tag in tags:
            problem = tag_problem(tag)
            if problem:
                raise self.fail(block.keys["tags"], problem)
        details = self._string(raw, "details", block, required=False)
        origin = self._string(raw, "origin", block, required=False)
        reverse = self._string(raw, "reverse", block, required=False)
        mask = self._strings(raw, "mask", block)
        corrections = self._corrections(raw.get("correction", []), block)
        return Entry(
            id=entry_id,
            term=term,
            definition=definition,
            aliases=aliases,
            details=details,
            tags=tags,
            source=source,
            origin=origin,
            mask=mask,
            reverse=reverse,
            corrections=corrections,
            line=block.line,
        )

    def _corrections(self, value: object, block: _Block) -> tuple[Correction, ...]:
        """The entry's `[[entry.correction]]` tables: what differs from the source, and why."""
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(
                block.keys.get("correction", block.line),
                "'correction' must be an array of tables: write each one under "
                "`[[entry.correction]]` after the entry's own keys",
            )
        found: list[Correction] = []
        for index, raw in enumerate(value):
            where = block.corrections[index] if index < len(block.corrections) else block
            for key in raw:
                if key not in CORRECTION_KEYS:
                    raise self.fail(
                        where.keys.get(key, where.line),
                        _unknown(key, "correction", CORRECTION_KEYS),
                    )
            for key in ("field", "was", "now", "reason"):
                if key not in raw:
                    raise self.fail(where.line, f"correction is missing '{key}'; add `{key} = ...`")
            field_name = self._string(raw, "field", where, one_line=True)
            try:
                corrected = CorrectedField(field_name)
            except ValueError:
                raise self.fail(
                    where.keys["field"],
                    f'bad correction field {field_name!r}: use "term", "definition" or "details"',
                ) from None
            found.append(
                Correction(
                    field=corrected,
                    was=self._string(raw, "was", where),
                    now=self._string(raw, "now", where, required=False),
                    reason=self._string(raw, "reason", where, one_line=True),
                    reference=self._string(raw, "reference", where, required=False),
                )
            )
        return tuple(found)

    def _string(
        self,
        raw: dict[str, Any],
        key: str,
        block: _Block,
        *,
        one_line: bool = False,
        required: bool = True,
    ) -> str:
        value = raw.get(key, "")
        line = block.keys.get(key, block.line)
        if not isinstance(value, str):
            raise self.fail(line, f"'{key}' must be a string (got {_kind(value)})")
        value = value.strip()
        if required and not value:
            raise self.fail(line, f"'{key}' is empty; write the {key.replace('_', ' ')}")
        if one_line and "\n" in value:
            raise self.fail(line, f"'{key}' must be a single line")
        problem = value_problem(key, value)
        if problem:
            raise self.fail(line, problem)
        return value

    def _strings(self, raw: dict[str, Any], key: str, block: _Block) -> tuple[str, ...]:
        value = raw.get(key, [])
        line = block.keys.get(key, block.line)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(line, f"'{key}' must be a list of strings (got {_kind(value)})")
        items = tuple(item.strip() for item in value)
        if any(not item or "\n" in item for item in items):
            raise self.fail(line, f"'{key}' has an empty or multi-line item")
        if len({item.casefold() for item in items}) != len(items):
            raise self.fail(line, f"'{key}' lists the same item twice")
        for item in items:
            problem = value_problem(key, item)
            if problem:
                raise self.fail(line, problem)
        return items


def _unknown(key: str, where: str, allowed: tuple[str, ...]) -> str:
    return f"unknown {where} field {key!r} (allowed: {', '.join(allowed)})"


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list" if all(isinstance(item, str) for item in value) else "a list of non-strings"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


# --- writing -------------------------------------------------------------------------

_LONG = 72  # strings longer than this (or with a newline) are written as multi-line strings


def deck_to_toml(deck: Deck) -> str:
    """The deck as a TOML deck file: stable key order, multi-line strings for long text.

    `parse_deck_text(deck_to_toml(deck), path)` gives back an equal deck (up to `path`
    and entry `line`s).
    """
    out = [
        f"slug = {_basic(deck.slug)}",
        f"title = {_basic(deck.title)}",
        f"description = {_text(deck.description)}",
        f"anki_deck_id = {deck.anki_deck_id}",
    ]
    for entry in deck.entries:
        out += ["", "[[entry]]", f"id = {_basic(entry.id)}", f"term = {_basic(entry.term)}"]
        if entry.aliases:
            out.append(f"aliases = {_array(entry.aliases)}")
        out.append(f"definition = {_text(entry.definition)}")
        if entry.reverse:
            out.append(f"reverse = {_text(entry.reverse)}")
        if entry.mask:
            out.append(f"mask = {_array(entry.mask)}")
        if entry.details:
            out.append(f"details = {_text(entry.details)}")
        if entry.tags:
            out.append(f"tags = {_array(entry.tags)}")
        out.append(f"source = {_basic(entry.source.value)}")
        if entry.origin:
            out.append(f"origin = {_text(entry.origin)}")
        for correction in entry.corrections:
            out += ["", "[[entry.correction]]", f"field = {_basic(correction.field.value)}"]
            out.append(f"was = {_text(correction.was)}")
            out.append(f"now = {_text(correction.now)}")
            out.append(f"reason = {_basic(correction.reason)}")
            if correction.reference:
                out.append(f"reference = {_text(correction.reference)}")
    return "\n".join(out) + "\n"


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _control(ch: str) -> str:
    return f"\\u{ord(ch):04X}"


def _is_control(ch: str) -> bool:
    return ord(ch) < 0x20 or ord(ch) == 0x7F


def _basic(value: str) -> str:
    """A one-line TOML basic string."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _is_control(ch):
            out.append(_control(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _multiline(value: str) -> str:
    """A multi-line TOML basic string on lines of its own (the parser strips the newlines)."""
    out = []
    quotes = 0
    for ch in value:
        if ch == '"':
            if quotes == 2:  # never three quotes in a row
                out.append('\\"')
                quotes = 0
            else:
                out.append('"')
                quotes += 1
            continue
        quotes = 0
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\n\t":
            out.append(ch)
        elif ch == "\r":
            out.append("\\r")
        elif _is_control(ch):
            out.append(_control(ch))
        else:
            out.append(ch)
    return '"""\n' + "".join(out) + '\n"""'


def _text(value: str) -> str:
    return _multiline(value) if len(value) > _LONG or "\n" in value else _basic(value)


def _array(values: tuple[str, ...]) -> str:
    """An inline array, or one item per line when it would make a long line."""
    items = [_basic(v) for v in values]
    inline = "[" + ", ".join(items) + "]"
    if len(inline) <= _LONG:
        return inline
    return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
