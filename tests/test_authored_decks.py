"""The two decks the trainer authors wrote (the source glossary announces them but lacks them).

These check content rules that the parser cannot know: the right terms, authored
provenance, short backs, and reverse prompts that never name their own answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.decks.cards import answers_for, cards_for_deck
from trainer.decks.format import parse_deck
from trainer.model import Deck, Direction, Entry, Source

DECKS_DIR = Path(__file__).resolve().parent.parent / "decks"

EXPECTED_TERMS = {
    "evaluation-production": [
        "Text-to-Music",
        "Sample Rate",
        "Temperature Sampling",
        "Top-k Sampling",
        "Nucleus Sampling (Top-p)",
        "Stem Separation",
        "Timbre Transfer",
        "Loudness Normalization",
        "Fréchet Audio Distance (FAD)",
        "CLAP Score",
        "Mean Opinion Score (MOS)",
        "Audio Watermarking",
    ],
    "demoscene": [
        "Tracker",
        "Module",
        "Pattern",
        "Chiptune",
        "Softsynth",
        "4k/64k Intro",
        "Size-coding",
        "Demoparty",
        "Bytebeat",
        "Live Coding",
    ],
}
TITLES = {
    "evaluation-production": "S–Z: Evaluation and Production",
    "demoscene": "10 Terms Every Demoscener Should Know",
}
SLUGS = sorted(EXPECTED_TERMS)
MAX_DEFINITION = 220  # characters: one concise sentence
MAX_BACK = 460  # characters of definition + details on the forward card


def load(slug: str) -> Deck:
    return parse_deck(DECKS_DIR / f"{slug}.toml")


def entries(slug: str) -> list[Entry]:
    return list(load(slug).entries)


def names_of(entry: Entry) -> list[str]:
    return [entry.term, *entry.aliases, *answers_for(entry)]


def _flat(text: str) -> str:
    """Case-folded, with hyphens and dashes read as spaces ("top-p" == "top p")."""
    return re.sub(r"[\s\-‐‑–]+", " ", text.casefold())


def names_in(text: str, names: list[str]) -> list[str]:
    """The names that occur in `text` as whole words (so "IT" is not found in "with")."""
    flat = _flat(text)
    return [
        name
        for name in names
        if re.search(r"(?<!\w)" + re.escape(_flat(name).strip()) + r"(?!\w)", flat)
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_deck_header(slug: str) -> None:
    deck = load(slug)
    assert deck.slug == slug
    assert deck.title == TITLES[slug]
    assert deck.description.endswith(".")
    assert 1_000_000_000 <= deck.anki_deck_id <= 9_999_999_999


def test_the_two_decks_have_different_anki_ids() -> None:
    assert load("evaluation-production").anki_deck_id != load("demoscene").anki_deck_id


def test_entry_counts() -> None:
    assert len(entries("evaluation-production")) >= 10
    assert len(entries("demoscene")) == 10


@pytest.mark.parametrize("slug", SLUGS)
def test_terms_in_learning_order(slug: str) -> None:
    assert [e.term for e in entries(slug)] == EXPECTED_TERMS[slug]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_entry_is_authored(slug: str) -> None:
    assert {e.source for e in entries(slug)} == {Source.AUTHORED}


@pytest.mark.parametrize("slug", SLUGS)
def test_ids_and_terms_are_unique(slug: str) -> None:
    found = entries(slug)
    assert len({e.id for e in found}) == len(found)
    assert len({e.term.casefold() for e in found}) == len(found)


@pytest.mark.parametrize("slug", SLUGS)
def test_no_name_belongs_to_two_entries(slug: str) -> None:
    """An alias shared by two entries would make a typed answer ambiguous."""
    owner: dict[str, str] = {}
    for entry in entries(slug):
        for name in {_flat(n) for n in [entry.term, *entry.aliases]}:
            assert owner.setdefault(name, entry.id) == entry.id, name


@pytest.mark.parametrize("slug", SLUGS)
def test_tags_are_lowercase_words_joined_by_hyphens(slug: str) -> None:
    for entry in entries(slug):
        assert entry.tags, entry.id
        for tag in entry.tags:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag), (entry.id, tag)


@pytest.mark.parametrize("slug", SLUGS)
def test_definitions_and_details_are_short_sentences(slug: str) -> None:
    for entry in entries(slug):
        assert entry.definition.endswith("."), entry.id
        assert entry.details.endswith("."), entry.id
        assert len(entry.definition) <= MAX_DEFINITION, entry.id
        assert len(entry.definition) + len(entry.details) <= MAX_BACK, entry.id


@pytest.mark.parametrize("slug", SLUGS)
def test_definitions_do_not_name_their_term(slug: str) -> None:
    """Written so the reverse prompt needs no masking at all to hide the answer."""
    for entry in entries(slug):
        assert names_in(entry.definition, names_of(entry)) == [], entry.id


@pytest.mark.parametrize("slug", SLUGS)
def test_no_reverse_front_gives_its_answer_away(slug: str) -> None:
    deck = load(slug)
    by_id = {e.id: e for e in deck.entries}
    reverse = [c for c in cards_for_deck(deck) if c.direction is Direction.REVERSE]
    assert len(reverse) == len(deck.entries)
    for card in reverse:
        assert names_in(card.front, names_of(by_id[card.entry])) == [], card.id
        assert card.back == by_id[card.entry].term


def test_names_in_matches_whole_words_only() -> None:
    assert names_in("played with it", ["IT"]) == ["IT"]
    assert names_in("played with samples", ["IT"]) == []
    assert names_in("uses top p here", ["top-p"]) == ["top-p"]


def test_module_is_answered_by_its_names_only() -> None:
    """ "IT" is a word, not the answer: only the deck's names for a module count."""
    from trainer.decks.answer import Verdict, check_answer

    module = next(e for e in entries("demoscene") if e.id == "module")
    assert module.term == "Module"
    answers = answers_for(module)
    assert answers == ["Module", "MOD", "MOD file", "XM module", "S3M module", "IT module"]
    for wrong in ("it", "IT", "XM", "Module (MOD", "S3M"):
        assert check_answer(wrong, answers).verdict is Verdict.WRONG, wrong
    for name in [module.term, *module.aliases]:
        assert check_answer(name.lower(), answers).verdict is Verdict.EXACT, name


def test_entry_ids_never_change() -> None:
    """Learners' progress and Anki's notes are keyed by these ids (terms may be edited)."""
    assert [e.id for e in entries("demoscene")] == [
        "tracker",
        "module",
        "pattern",
        "chiptune",
        "softsynth",
        "4k-64k-intro",
        "size-coding",
        "demoparty",
        "bytebeat",
        "live-coding",
    ]
    assert [e.id for e in entries("evaluation-production")] == [
        "text-to-music",
        "sample-rate",
        "temperature-sampling",
        "top-k-sampling",
        "nucleus-sampling",
        "stem-separation",
        "timbre-transfer",
        "loudness-normalization",
        "frechet-audio-distance",
        "clap-score",
        "mean-opinion-score",
        "audio-watermarking",
    ]
