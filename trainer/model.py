"""Domain values shared by every module: enums and frozen dataclasses.

Nothing here does I/O or knows about click, rich or SQLAlchemy. Identity in the
database is the store's concern; these values carry the stable ids that the deck
files and the Anki export rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum
from pathlib import Path

from trainer.printable import describe, unsafe_character


class Direction(StrEnum):
    """Which side of an entry a card asks for."""

    FORWARD = "forward"  # front: the term; back: the definition and details
    REVERSE = "reverse"  # front: the definition with the term masked; back: the term


class Source(StrEnum):
    """Where an entry's text comes from."""

    GLOSSARY = "glossary"  # the source glossary document
    AUTHORED = "authored"  # written by the trainer authors (or an instructor)


PASS_GRADE = 3  # an answer graded 3 or more passed (a successful repetition in SM-2)
MATURE_INTERVAL = 21  # days: Anki's line between young and mature cards (and reviews)
LEARNED_REPS = 2  # n >= 2 successful repetitions in a row: past SM-2's 6-day step ("review")
EF_START = 250  # SM-2's E-Factor of a card never graded: 2.50, in hundredths
EF_MIN = 130  # SM-2's lowest E-Factor: 1.30, in hundredths


class Grade(IntEnum):
    """SM-2 quality of response, 0-5, as Woźniak defines it."""

    BLACKOUT = 0  # complete blackout
    INCORRECT_REMEMBERED = 1  # incorrect, but the correct one remembered on seeing it
    INCORRECT_EASY = 2  # incorrect, but the correct one seemed easy to recall
    HARD = 3  # correct with serious difficulty
    GOOD = 4  # correct after hesitation
    PERFECT = 5  # perfect response

    @property
    def passed(self) -> bool:
        """SM-2 counts 3 and above as a successful repetition."""
        return self >= PASS_GRADE


class CardStatus(StrEnum):
    """Effective status of a card for one learner."""

    ACTIVE = "active"
    SUSPENDED = "suspended"  # per learner: the learner asked not to see it
    RETIRED = "retired"  # its entry left the deck file; progress is kept


class ReviewKind(StrEnum):
    """What an answer was, for the log and the statistics."""

    LEARN = "learn"  # first answer ever to the card
    REVIEW = "review"  # first answer of a study day to a card already studied
    REDRILL = "redrill"  # a same-day repeat of a card graded below 4 (changes no schedule)


class CorrectedField(StrEnum):
    """The part of an entry a correction to the source changes."""

    TERM = "term"
    DEFINITION = "definition"
    DETAILS = "details"


@dataclass(frozen=True)
class Correction:
    """Where an entry's text differs from its source document, and why.

    `was` is the source's words, `now` ours ("" when we removed them); `reference` names
    where to check (a paper, model card or documentation), "" if there is none.
    """

    field: CorrectedField
    was: str
    now: str
    reason: str
    reference: str = ""


@dataclass(frozen=True)
class Entry:
    """One glossary entry of a deck file."""

    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    details: str = ""
    tags: tuple[str, ...] = ()
    source: Source = Source.GLOSSARY
    origin: str = ""  # provenance beyond `source`, e.g. "foundational/audio-codec" or a note
    mask: tuple[str, ...] = ()  # more words to hide in the reverse prompt (never answers)
    reverse: str = ""  # the reverse prompt, when the definition cannot serve as one
    corrections: tuple[Correction, ...] = ()  # how the text differs from the source document
    line: int | None = None  # line of the entry in its deck file, for messages


@dataclass(frozen=True)
class Deck:
    """A parsed deck file."""

    slug: str
    title: str
    description: str
    anki_deck_id: int
    entries: tuple[Entry, ...]
    path: Path | None = None


@dataclass(frozen=True)
class Card:
    """One side of an entry, ready to show. `id` is stable: slug/entry-id/direction."""

    id: str
    deck: str
    entry: str
    direction: Direction
    front: str
    back: str
    term: str = ""
    ord: int = 0  # position in the deck, for new-card order


@dataclass(frozen=True)
class CardState:
    """A learner's SM-2 state of one card.

    `ef` is the E-Factor in hundredths (250 means 2.50) so that every step stays
    exact. `due` is a study day; None for a card never graded.
    """

    n: int = 0
    ef: int = EF_START
    interval: int = 0
    due: date | None = None
    lapses: int = 0
    stability: float | None = None  # FSRS memory state; None under SM-2
    difficulty: float | None = None

    @property
    def is_new(self) -> bool:
        return self.due is None

    @property
    def ef_value(self) -> float:
        """The E-Factor as a number with two decimals, for display and JSON."""
        return self.ef / 100


@dataclass(frozen=True)
class Review:
    """One logged answer: enough to rebuild or undo the card's state."""

    learner: str
    card_id: str
    at: datetime  # timezone-aware UTC
    day: date  # the study day the answer counts for
    grade: Grade
    kind: ReviewKind
    before: CardState
    after: CardState
    answer_ms: int = 0
    id: int | None = field(default=None, compare=False)  # assigned by the store


@dataclass(frozen=True)
class TimedAnswer:
    """An answer made elsewhere (an Anki review), to merge into a learner's log."""

    card_id: str
    at: datetime  # timezone-aware UTC
    grade: Grade
    answer_ms: int = 0


@dataclass(frozen=True)
class MergeReport:
    """What merging answers into a learner's log did (or would do)."""

    added: int  # answers added to the log
    cards: int  # cards whose state changed


@dataclass(frozen=True)
class StudyCard:
    """A card with the learner's state of it: what the study queue is made of."""

    card: Card
    state: CardState


@dataclass(frozen=True)
class DayCounts:
    """Answers a learner logged on one study day, by kind."""

    new: int = 0  # first answers ever (kind learn)
    reviews: int = 0  # first answers of the day to cards studied before (kind review)
    redrills: int = 0  # same-day repeats (kind redrill)

    @property
    def total(self) -> int:
        return self.new + self.reviews + self.redrills


@dataclass(frozen=True)
class CardListing:
    """One row of `trainer cards`: a card, its deck, and one learner's progress."""

    id: str
    deck: str
    entry: str
    term: str
    direction: Direction
    state: str  # new | learning | review | suspended | retired
    reps: int  # n, successful repetitions in a row
    ef: int  # hundredths
    interval: int
    due: date | None
    lapses: int
    leech: bool = False
    front: str = ""
    back: str = ""


@dataclass(frozen=True)
class DeckInfo:
    """A deck as the store knows it: for `deck list` and deck selection."""

    slug: str
    title: str
    description: str
    anki_deck_id: int
    bundled: bool
    path: Path | None
    active: bool
    position: int
    cards: int  # cards in the store that are not retired


#: The longest learner name the store keeps (learners.name holds 200 characters).
LEARNER_NAME_MAX = 200


def learner_name_problem(name: str) -> str | None:
    """Why `name` cannot be a learner's name (empty, too long, a control or bidirectional
    formatting character that could rewrite a screen it is shown on); None if it can."""
    if not name.strip():
        return "the learner's name is empty; give a name, e.g. --learner ada"
    if len(name) > LEARNER_NAME_MAX:
        return (
            f"the learner's name is {len(name):,} characters long; "
            f"use one of {LEARNER_NAME_MAX} characters at most"
        )
    character = unsafe_character(name) or next((c for c in name if c in "\t\n"), None)
    if character is not None:
        return (
            f"the learner's name contains {describe(character)}; "
            "use letters, digits, spaces and punctuation"
        )
    return None
