"""Text that reaches a person, a terminal, a spreadsheet or a shell: each rule written once.

- `unsafe_character` / `safe`: control characters (C0 other than tab and newline, DEL,
  C1) and the bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069, the
  marks U+200E, U+200F, U+061C) could move a terminal's cursor, change its colours or
  reorder a line. Deck text and learner names containing one are refused where they come
  in; whatever is printed from the store goes through `safe` (the rich console of
  `trainer.cli.output` and the class report's CSV cells do it for every value).
- `spreadsheet_cell`: a cell a spreadsheet would read as a formula is quoted.
- `command`: a command line to copy, each word quoted as a POSIX shell needs it.
- `plural`: "1 entry", "2 entries".

Standard library only: imported by `trainer --help`'s light modules.
"""

from __future__ import annotations

import re
import shlex

#: Bidirectional formatting characters: embeddings, overrides, isolates and marks.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_UNSAFE_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")

#: What `safe` puts in place of each unsafe character (one for one: a line keeps its layout).
REPLACEMENT = "\ufffd"


def unsafe_at(text: str) -> int:
    """The index of the first control or bidirectional formatting character of `text`
    (tab and newline are fine), or -1."""
    found = _UNSAFE_RE.search(text)
    return -1 if found is None else found.start()


def unsafe_character(text: str) -> str | None:
    """The first control or bidirectional formatting character of `text`, or None."""
    at = unsafe_at(text)
    return None if at < 0 else text[at]


def describe(character: str) -> str:
    """A character for a message: "the control character U+001B"."""
    kind = "bidirectional formatting" if character in BIDI_CONTROLS else "control"
    return f"the {kind} character U+{ord(character):04X}"


def safe(text: str) -> str:
    """`text` with every unsafe character replaced by U+FFFD (one for one)."""
    if _UNSAFE_RE.search(text) is None:
        return text
    return _UNSAFE_RE.sub(REPLACEMENT, text)


#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell as spreadsheets should read it: text made `safe`, and text that starts
    like a formula prefixed with a single quote (which Excel, LibreOffice and Google
    Sheets show as text). Numbers and None are left as they are."""
    if not isinstance(value, str):
        return value
    value = safe(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def command(*words: str | object) -> str:
    """A command line to copy and paste: each word quoted for a POSIX shell as needed
    ("trainer deck add 'my decks/film.toml'")."""
    return " ".join(shlex.quote(str(word)) for word in words)


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 card", "2 cards"; `many` for an irregular plural ("entry", "entries")."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
