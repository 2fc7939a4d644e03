"""A deck from the Basic notes of an Anki package (`trainer import-anki --as-deck PATH`).

Pure: notes in (`trainer.anki.history.BasicNote`), a `Deck` out. The front field becomes
the term, the back field the definition, each reduced from Anki's HTML to text: tags
dropped, line-breaking tags (`<br>`, `<div>`, `<p>`, `<li>`, ...) as line breaks (a
line end in the HTML text is a space, as browsers show it),
character references decoded, `[sound:...]` references dropped, runs of spaces as one.
Notes whose front or back is empty as text are skipped, and so is a note whose term
(ignoring case) an earlier note already has; `AsDeck` says how many.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from trainer.anki.history import BasicNote
from trainer.decks.cards import split_term
from trainer.decks.format import slugify
from trainer.decks.lint import MAX_ENTRIES
from trainer.model import Deck, Entry, Source

_BREAKS = frozenset(
    {"br", "div", "p", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_HIDDEN = frozenset({"script", "style", "head", "title"})
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:  # a line end in HTML text is a space
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(value: str) -> str:
    """An Anki field's HTML as plain text (see the module docstring), in Unicode NFC."""
    parser = _Text()
    parser.feed(_SOUND.sub("", value))
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class AsDeck:
    """The deck made of the notes, and how many notes were left out and why."""

    deck: Deck
    empty: int  # notes with no front or no back text
    duplicates: int  # notes whose term an earlier note has
    over: int = 0  # notes past MAX_ENTRIES (a deck holds at most that many)


def basic_deck(
    notes: Sequence[BasicNote], *, slug: str, title: str, description: str, anki_deck_id: int
) -> AsDeck:
    """A deck of the notes (the first MAX_ENTRIES that have text and a new term)."""
    entries: list[Entry] = []
    ids: set[str] = set()
    terms: set[str] = set()
    empty = duplicates = over = 0
    for note in notes:
        term = " ".join(html_to_text(note.front).split())
        definition = html_to_text(note.back)
        if not term or not definition:
            empty += 1
            continue
        if term.casefold() in terms:
            duplicates += 1
            continue
        if len(entries) == MAX_ENTRIES:
            over += 1
            continue
        terms.add(term.casefold())
        base = slugify(split_term(term)[0]) or slugify(term) or "entry"
        entry_id, n = base, 2
        while entry_id in ids:
            entry_id, n = f"{base}-{n}", n + 1
        ids.add(entry_id)
        entries.append(Entry(id=entry_id, term=term, definition=definition, source=Source.AUTHORED))
    deck = Deck(
        slug=slug,
        title=title,
        description=description,
        anki_deck_id=anki_deck_id,
        entries=tuple(entries),
    )
    return AsDeck(deck, empty, duplicates, over)
