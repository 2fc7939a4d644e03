"""The quick deck reader agrees with the full parser: same Deck, or it steps aside.

`read_deck` may return None for any file (the full parser then reads it), but when it
returns a Deck, the full parser (tomllib, the line scanner and the validator) must
return the same one, lines included; and it must never accept a file the full parser
rejects. Checked on every shipped deck, a benchmark deck, files written by
`deck_to_toml` from generated decks, and random edits of good files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_decks import decks

from trainer.decks.format import deck_to_toml, parse_deck_text, parse_with_tomllib
from trainer.decks.quickparse import read_deck
from trainer.errors import DeckFormatError
from trainer.model import Deck

ROOT = Path(__file__).resolve().parents[2]
PATH = Path("deck.toml")
SHIPPED = sorted((ROOT / "decks").glob("*.toml"))


def full(text: str) -> Deck | DeckFormatError:
    try:
        return parse_with_tomllib(text, PATH)
    except DeckFormatError as error:
        return error


def agrees(text: str) -> Deck | None:
    """Check the contract on `text`; the quick reader's deck (None if it stepped aside)."""
    quick = read_deck(text, PATH)
    if quick is not None:
        assert quick == full(text)
    return quick


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_deck_is_read_quickly_and_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert read_deck(text, path) == parse_with_tomllib(text, path)
    assert read_deck(text, path) is not None


def test_a_benchmark_deck_is_read_quickly_and_the_same() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from benchlib import synth

    text = synth.deck_text(synth.Sizes(cards=400, decks=2), 0)
    quick = agrees(text)
    assert quick is not None and len(quick.entries) == 100
    assert [e.line for e in quick.entries[:2]] == [7, 14]


GOOD = '''# A comment
slug = "tiny"   # the slug
title = "Tiny \\"deck\\""
description = """
Two lines,
with "quotes" and ""pairs"".
"""
anki_deck_id = 1234567890

[[entry]]
id = "one"
term = "One\\tTab"
aliases = ["uno", "eins" ,]
definition = "The first.\\nSecond line."
tags = []
source = "authored"

[[entry]]  # the second
id="two"
term = "Two"
definition = """
Second."""
details = """
"""
source = "glossary"
origin = "here"
'''


def test_the_plain_layout_with_comments_escapes_and_multiline_strings() -> None:
    quick = agrees(GOOD)
    assert quick is not None
    assert quick.title == 'Tiny "deck"'
    assert quick.description == 'Two lines,\nwith "quotes" and ""pairs"".'
    first, second = quick.entries
    assert (first.term, first.aliases, first.definition, first.tags, first.line) == (
        "One\tTab",
        ("uno", "eins"),
        "The first.\nSecond line.",
        (),
        10,
    )
    assert (second.definition, second.details, second.origin, second.line) == (
        "Second.",
        "",
        "here",
        18,
    )


@pytest.mark.parametrize(
    "old, new",
    [
        ('term = "Two"', "term = 'Two'"),  # a literal string
        ('"authored"', '"\\u0061uthored"'),  # a \u escape
        ("Second.", "Second.\\\n   "),  # a line-ending backslash
        ("[[entry]]  # the second", "[[ entry ]]"),
        ("tags = []", 'tags = [\n  "a",\n]'),  # a multi-line array
        ("\n", "\r\n"),  # CRLF line ends
        ('origin = "here"', '"origin" = "here"'),  # a quoted key
        ("anki_deck_id = 1234567890", "anki_deck_id = 1_234_567_890"),
    ],
)
def test_other_toml_is_left_to_the_full_parser(old: str, new: str) -> None:
    text = GOOD.replace(old, new)
    assert read_deck(text, PATH) is None
    assert isinstance(full(text), Deck)  # still a good deck: the full parser reads it


@pytest.mark.parametrize(
    "old, new",
    [
        ('id="two"', 'id = "one"'),  # duplicate id
        ('term = "Two"', 'term = "one\\ttab"'),  # duplicate term (case-folded)
        ('term = "Two"', 'term = "Two"\nterm = "Too"'),  # duplicate key
        ('source = "glossary"', 'source = "elsewhere"'),
        ("tags = []", 'tags = ["Bad Tag"]'),
        ('aliases = ["uno", "eins" ,]', 'aliases = ["uno", "UNO"]'),
        ('aliases = ["uno", "eins" ,]', 'aliases = ["uno", " "]'),
        ('id="two"', 'id = "Two"'),
        ('term = "Two"', 'term = "  "'),
        ('origin = "here"', "colour = 1"),
        ('origin = "here"', 'colour = "red"'),
        ("anki_deck_id = 1234567890", "anki_deck_id = 123"),
        ('slug = "tiny"', 'slug = "tiny"\nslug2 = "x"'),
        ('term = "Two"', 'term = ["Two"]'),
        ('source = "glossary"\n', ""),  # a required field missing
        ('"here"', '"here\x01"'),  # a control character
        ('origin = "here"', 'origin.note = "here"'),  # a table where a string belongs
    ],
)
def test_bad_files_get_the_full_parsers_error(old: str, new: str) -> None:
    text = GOOD.replace(old, new, 1)
    assert read_deck(text, PATH) is None
    with pytest.raises(DeckFormatError):
        parse_deck_text(text, PATH)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decks())
def test_files_written_by_deck_to_toml(deck: Deck) -> None:
    agrees(deck_to_toml(deck))


_EDIT_CHARS = st.sampled_from([*list("\"'\\\n\t\r #=[]{},.ab-_\x01\x7fé"), '"""', "[[entry]]"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(GOOD)), st.integers(0, 3), _EDIT_CHARS),
        min_size=1,
        max_size=3,
    )
)
def test_random_edits_of_a_good_file(edits: list[tuple[int, int, str]]) -> None:
    text = GOOD
    for at, drop, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + drop :]
    agrees(text)


CORRECTED_DECK = '''\
slug = "tiny"
title = "Tiny"
description = "A deck."
anki_deck_id = 1234567890

[[entry]]
id = "encodec"
term = "EnCodec"
aliases = ["Encodec"]
definition = "A neural audio codec."
reverse = "Meta's neural compressor for sound."
mask = ["codec"]
source = "glossary"

[[entry.correction]]
field = "term"
was = "Encodec"
now = "EnCodec"
reason = "spelling"
reference = """
Défossez et al., arXiv:2210.13438
"""

[[entry]]
id = "gan"
term = "GAN"
definition = "Two networks."
source = "glossary"
'''


def test_reverse_mask_and_corrections_are_read_quickly_and_the_same() -> None:
    quick = agrees(CORRECTED_DECK)
    assert quick is not None
    encodec, gan = quick.entries
    assert (encodec.mask, encodec.reverse, len(encodec.corrections)) == (
        ("codec",),
        "Meta's neural compressor for sound.",
        1,
    )
    assert encodec.corrections[0].reference == "Défossez et al., arXiv:2210.13438"
    assert (gan.line, gan.corrections) == (24, ())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('field = "term"', 'field = "summary"'),
        ('reason = "spelling"', 'reason = ""'),
        ('was = "Encodec"\n', ""),
        ('reason = "spelling"', 'reason = "spelling"\nwhy = "x"'),
    ],
)
def test_a_bad_correction_is_left_to_the_full_parser(old: str, new: str) -> None:
    text = CORRECTED_DECK.replace(old, new)
    assert read_deck(text, PATH) is None
    assert isinstance(full(text), DeckFormatError)
