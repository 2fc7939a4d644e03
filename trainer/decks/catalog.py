"""The bundled decks: where their files are, their order, loading and selecting decks.

Deck order (for `deck list`, new cards and export) is the order of the glossary's
sections. It is a fixed list of the bundled slugs here, not a field of the deck
files and not their file names: a deck file stays the same however the sections
are arranged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from trainer import paths
from trainer.errors import DeckFormatError, UnknownDeckError

if TYPE_CHECKING:
    from trainer.model import Deck

# The parser and the card maker are imported where decks are parsed: `bundled_deck_files`
# is on the path of `trainer status`, which must start fast.

#: The bundled decks in the glossary's section order; each lives in decks/<slug>.toml.
BUNDLED_SLUGS: tuple[str, ...] = (
    "foundational",
    "models-architectures",
    "generation-inference",
    "evaluation-production",
    "demoscene",
)


def _rank(slug: str) -> tuple[int, str]:
    try:
        return BUNDLED_SLUGS.index(slug), slug
    except ValueError:
        return len(BUNDLED_SLUGS), slug


def bundled_deck_files() -> list[Path]:
    """The bundled deck files in section order (any extra file after them, by name)."""
    folder = paths.bundled_decks_dir()
    return sorted(folder.glob("*.toml"), key=lambda path: _rank(path.stem))


def sort_decks(decks: Sequence[Deck]) -> list[Deck]:
    """Bundled decks in section order first, then the others in the order given."""
    bundled = sorted((d for d in decks if d.slug in BUNDLED_SLUGS), key=lambda d: _rank(d.slug))
    return bundled + [d for d in decks if d.slug not in BUNDLED_SLUGS]


def load_decks(paths_: Sequence[Path]) -> list[Deck]:
    """Parse each file in order; two files with the same slug are an error."""
    from trainer.decks.format import parse_deck

    decks: list[Deck] = []
    seen: dict[str, Path] = {}
    for path in paths_:
        deck = parse_deck(path)
        if deck.slug in seen:
            raise DeckFormatError(
                path,
                None,
                f"deck slug {deck.slug!r} is already used by {seen[deck.slug]}; "
                "give this deck another slug",
            )
        seen[deck.slug] = Path(path)
        decks.append(deck)
    return decks


def load_bundled_decks() -> list[Deck]:
    """Every bundled deck, parsed, in section order."""
    return load_decks(bundled_deck_files())


def select_decks(decks: Sequence[Deck], slugs: Sequence[str]) -> list[Deck]:
    """The decks named by `slugs` in the order of `decks` (all of them if `slugs` is empty).

    Raises UnknownDeckError for a slug no deck has.
    """
    known = [deck.slug for deck in decks]
    for slug in slugs:
        if slug not in known:
            raise UnknownDeckError(slug, known)
    if not slugs:
        return list(decks)
    wanted = set(slugs)
    return [deck for deck in decks if deck.slug in wanted]


# --- serialised forms (for --json) ------------------------------------------------------


class DeckSummary(TypedDict):
    slug: str
    title: str
    description: str
    entries: int
    cards: int
    source: str  # "glossary" | "authored" | "mixed"
    registered: bool  # added with `trainer deck add` (False: bundled)
    path: str | None  # the registered deck file; None for a bundled deck


class CorrectionRecord(TypedDict):
    field: str  # "term" | "definition" | "details"
    was: str  # the source's words
    now: str  # ours ("" when removed)
    reason: str
    reference: str  # "" if none


class EntryRecord(TypedDict):
    id: str
    term: str
    aliases: list[str]
    definition: str
    details: str
    tags: list[str]
    source: str
    origin: str
    mask: list[str]
    reverse: str
    corrections: list[CorrectionRecord]


class CardRecord(TypedDict):
    id: str
    entry: str
    direction: str
    front: str
    back: str


class DeckRecord(TypedDict):
    slug: str
    title: str
    description: str
    entries: list[EntryRecord]
    cards: list[CardRecord]


def deck_source(deck: Deck) -> str:
    """The deck's source: "glossary" or "authored" when every entry agrees, else "mixed"."""
    sources = {entry.source.value for entry in deck.entries}
    return sources.pop() if len(sources) == 1 else "mixed"


def deck_summary(deck: Deck, *, registered: bool = False) -> DeckSummary:
    """A deck for `trainer deck list --json`; every deck has the same keys."""
    from trainer.decks.cards import cards_for_deck

    return {
        "slug": deck.slug,
        "title": deck.title,
        "description": deck.description,
        "entries": len(deck.entries),
        "cards": len(cards_for_deck(deck)),
        "source": deck_source(deck),
        "registered": registered,
        "path": str(deck.path) if registered and deck.path is not None else None,
    }


def deck_record(deck: Deck) -> DeckRecord:
    from trainer.decks.cards import cards_for_deck

    return {
        "slug": deck.slug,
        "title": deck.title,
        "description": deck.description,
        "entries": [
            {
                "id": entry.id,
                "term": entry.term,
                "aliases": list(entry.aliases),
                "definition": entry.definition,
                "details": entry.details,
                "tags": list(entry.tags),
                "source": entry.source.value,
                "origin": entry.origin,
                "mask": list(entry.mask),
                "reverse": entry.reverse,
                "corrections": [
                    {
                        "field": correction.field.value,
                        "was": correction.was,
                        "now": correction.now,
                        "reason": correction.reason,
                        "reference": correction.reference,
                    }
                    for correction in entry.corrections
                ],
            }
            for entry in deck.entries
        ],
        "cards": [
            {
                "id": card.id,
                "entry": card.entry,
                "direction": card.direction.value,
                "front": card.front,
                "back": card.back,
            }
            for card in cards_for_deck(deck)
        ],
    }
