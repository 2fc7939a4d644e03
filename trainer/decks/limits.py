"""What a deck field may hold: the one rule the deck parsers, the CSV importer and `deck
check` apply to every value.

No control character (other than tab and newline) and no bidirectional formatting
character (trainer.printable), and one-line fields no longer than the progress store
keeps and a person reads as a name (decks.slug holds 100 characters, a card id
"slug/entry-id/reverse" 300).
"""

from __future__ import annotations

from trainer.printable import describe, unsafe_character

#: The longest value of each one-line field, in characters. Longer text belongs in the
#: definition or the details.
MAX_LENGTHS = {"slug": 100, "id": 150, "title": 200, "term": 200, "aliases": 200, "tags": 100}


def value_problem(key: str, value: str) -> str | None:
    """Why the value of the deck field `key` cannot be kept (a control or bidirectional
    formatting character, or longer than MAX_LENGTHS allows); None if it can."""
    character = unsafe_character(value)
    if character is not None:
        return f"'{key}' contains {describe(character)}; remove it"
    limit = MAX_LENGTHS.get(key)
    if limit is not None and len(value) > limit:
        return (
            f"'{key}' is {len(value):,} characters long; it may be {limit} at most "
            "(move longer text to the definition or details)"
        )
    return None
