"""decks.format: parsing deck files (every error with its exact message), writing them back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.decks.format import deck_to_toml, file_hash, parse_deck, parse_deck_text, slugify
from trainer.errors import DeckFormatError
from trainer.model import CorrectedField, Correction, Deck, Entry, Source
from trainer.printable import safe

GOOD = """\
# A small deck.
slug = "tiny"
title = "A–E: Tiny Terms"
description = "Two entries for the tests."
anki_deck_id = 1234567890

[[entry]]
id = "audio-codec"
term = "Audio Codec"
aliases = [
    "codec",
    "neural audio codec",
]
definition = \"\"\"
An audio codec compresses digital audio. id = "not a key"
slug = "not a key either"
\"\"\"
details = "Codecs like Encodec's tokens."
tags = ["audio", "compression"]
source = "glossary"
origin = "source glossary"

[[entry]]
id = "gan"
term = "GAN (Generative Adversarial Network)"
definition = "A GAN consists of two networks."
source = "authored"
"""
PATH = Path("decks/tiny.toml")


def error_of(text: str) -> str:
    with pytest.raises(DeckFormatError) as caught:
        parse_deck_text(text, PATH)
    return str(caught.value)


def test_parses_a_good_deck() -> None:
    deck = parse_deck_text(GOOD, PATH)
    assert deck.slug == "tiny"
    assert deck.title == "A–E: Tiny Terms"
    assert deck.description == "Two entries for the tests."
    assert deck.anki_deck_id == 1234567890
    assert deck.path == PATH
    codec, gan = deck.entries
    assert codec == Entry(
        id="audio-codec",
        term="Audio Codec",
        definition='An audio codec compresses digital audio. id = "not a key"\n'
        'slug = "not a key either"',
        aliases=("codec", "neural audio codec"),
        details="Codecs like Encodec's tokens.",
        tags=("audio", "compression"),
        source=Source.GLOSSARY,
        origin="source glossary",
        line=7,
    )
    assert gan.line == 23
    assert gan.aliases == () and gan.details == "" and gan.tags == () and gan.origin == ""
    assert gan.source is Source.AUTHORED


def test_parse_deck_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert parse_deck(path) == parse_deck_text(GOOD, path)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'slug = "x"\ntitle = "caf\xe9"\n')
    with pytest.raises(DeckFormatError) as caught:
        parse_deck(path)
    assert str(caught.value) == (
        f"{path}:2: the deck file is not UTF-8 text (byte 0xe9); save it as UTF-8"
    )


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(DeckFormatError) as caught:
        parse_deck(path)
    assert str(caught.value) == f"{path}: cannot read the deck file: No such file or directory"


def test_file_hash_is_sha256_of_the_bytes() -> None:
    assert file_hash(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert file_hash(b"a") != file_hash(b"b")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # TOML syntax errors carry tomllib's line
        (
            'term = "GAN (Generative Adversarial Network)"',
            'term = "GAN',
            "decks/tiny.toml:25: invalid TOML: Illegal character '\\n' (column 12)",
        ),
        (
            'source = "authored"',
            'source = "authored"\nsource = "glossary"',
            "decks/tiny.toml:28: invalid TOML: Cannot overwrite a value (column 20)",
        ),
        # unknown fields
        (
            "anki_deck_id = 1234567890",
            "anki_deck_id = 1234567890\nauthor = 'me'",
            "decks/tiny.toml:6: unknown deck field 'author' "
            "(allowed: slug, title, description, anki_deck_id, entry)",
        ),
        (
            'source = "authored"',
            'source = "authored"\ndefinitoin = "typo"',
            "decks/tiny.toml:28: unknown entry field 'definitoin' "
            "(allowed: id, term, aliases, definition, reverse, mask, details, tags, source, "
            "origin, correction)",
        ),
        (
            '[[entry]]\nid = "gan"',
            '[meta]\nx = 1\n\n[[entry]]\nid = "gan"',
            "decks/tiny.toml:23: unknown deck field 'meta' "
            "(allowed: slug, title, description, anki_deck_id, entry)",
        ),
        # missing fields
        (
            'title = "A–E: Tiny Terms"\n',
            "",
            "decks/tiny.toml:1: missing deck field 'title'; add `title = ...` at the top",
        ),
        (
            'term = "GAN (Generative Adversarial Network)"\n',
            "",
            "decks/tiny.toml:23: entry is missing 'term'; add `term = ...`",
        ),
        (
            'definition = "A GAN consists of two networks."\n',
            "",
            "decks/tiny.toml:23: entry is missing 'definition'; add `definition = ...`",
        ),
        (
            'id = "gan"\n',
            "",
            "decks/tiny.toml:23: entry is missing 'id'; add `id = ...`",
        ),
        (
            'source = "authored"\n',
            "",
            "decks/tiny.toml:23: entry is missing 'source'; add `source = ...`",
        ),
        (
            'definition = "A GAN consists of two networks."',
            'definition = "  "',
            "decks/tiny.toml:26: 'definition' is empty; write the definition",
        ),
        # duplicates
        (
            'id = "gan"',
            'id = "audio-codec"',
            "decks/tiny.toml:24: duplicate entry id 'audio-codec' (first used at line 8)",
        ),
        (
            'term = "GAN (Generative Adversarial Network)"',
            'term = "audio codec"',
            "decks/tiny.toml:25: duplicate term 'audio codec' (first used at line 9)",
        ),
        # bad ids and slugs
        (
            'id = "gan"',
            'id = "GAN_1"',
            "decks/tiny.toml:24: bad entry id 'GAN_1': use lowercase letters, digits and "
            "single hyphens (e.g. 'audio-codec')",
        ),
        (
            'slug = "tiny"',
            'slug = "tiny--deck"',
            "decks/tiny.toml:2: bad slug 'tiny--deck': use lowercase letters, digits and "
            "single hyphens (e.g. 'models-architectures')",
        ),
        # wrong types
        (
            'id = "gan"',
            "id = 7",
            "decks/tiny.toml:24: 'id' must be a string (got a number)",
        ),
        (
            'term = "GAN (Generative Adversarial Network)"',
            'term = "GAN\\nGAN"',
            "decks/tiny.toml:25: 'term' must be a single line",
        ),
        (
            'tags = ["audio", "compression"]',
            'tags = "audio"',
            "decks/tiny.toml:19: 'tags' must be a list of strings (got a string)",
        ),
        (
            'tags = ["audio", "compression"]',
            "tags = [1, 2]",
            "decks/tiny.toml:19: 'tags' must be a list of strings (got a list of non-strings)",
        ),
        (
            'tags = ["audio", "compression"]',
            'tags = ["Audio Stuff"]',
            "decks/tiny.toml:19: bad tag 'Audio Stuff': use lowercase letters, digits, '-' or '_', "
            "no spaces (e.g. 'drum-machines')",
        ),
        (
            '    "neural audio codec",',
            '    "Codec",',
            "decks/tiny.toml:10: 'aliases' lists the same item twice",
        ),
        (
            '    "neural audio codec",',
            '    "",',
            "decks/tiny.toml:10: 'aliases' has an empty or multi-line item",
        ),
        (
            'source = "authored"',
            'source = "wikipedia"',
            'decks/tiny.toml:27: bad source \'wikipedia\': use "glossary" or "authored"',
        ),
        (
            "anki_deck_id = 1234567890",
            "anki_deck_id = 12345",
            "decks/tiny.toml:5: anki_deck_id must be a 10-digit integer chosen once (got 12345)",
        ),
        (
            "anki_deck_id = 1234567890",
            'anki_deck_id = "1234567890"',
            "decks/tiny.toml:5: anki_deck_id must be a 10-digit integer chosen once "
            "(got '1234567890')",
        ),
        (
            'description = "Two entries for the tests."',
            "description = true",
            "decks/tiny.toml:4: 'description' must be a string (got a boolean)",
        ),
        (
            '[[entry]]\nid = "gan"',
            '[entry]\nid = "gan"',
            "decks/tiny.toml:23: invalid TOML: Cannot declare ('entry',) twice (column 7)",
        ),
    ],
)
def test_errors_name_file_line_and_problem(old: str, new: str, message: str) -> None:
    assert old in GOOD
    assert error_of(GOOD.replace(old, new, 1)) == message


def test_a_deck_without_entries() -> None:
    head = GOOD.split("[[entry]]")[0]
    assert error_of(head) == "decks/tiny.toml:1: the deck has no entries; add an [[entry]] table"


def test_entry_must_be_an_array_of_tables() -> None:
    head = GOOD.split("[[entry]]")[0]
    assert error_of(head.replace("# A small deck.", 'entry = "x"')) == (
        "decks/tiny.toml:1: 'entry' must be an array of tables: write each entry under `[[entry]]`"
    )


def test_lines_inside_multiline_strings_and_arrays_are_not_keys() -> None:
    text = GOOD.replace(
        'definition = "A GAN consists of two networks."',
        "definition = '''\nid = \"x\"\n[[entry]]\n'''\nbogus = 1",
    )
    # line 26 opens the literal string; the unknown key is on line 30
    assert error_of(text).startswith("decks/tiny.toml:30: unknown entry field 'bogus'")


def test_slugify() -> None:
    assert slugify("Groove/Timing Quantization") == "groove-timing-quantization"
    assert slugify("Fréchet Audio Distance") == "frechet-audio-distance"
    assert slugify("4k/64k Intro") == "4k-64k-intro"


def test_writes_stable_readable_toml() -> None:
    deck = parse_deck_text(GOOD, PATH)
    assert deck_to_toml(deck) == (
        'slug = "tiny"\n'
        'title = "A–E: Tiny Terms"\n'
        'description = "Two entries for the tests."\n'
        "anki_deck_id = 1234567890\n"
        "\n"
        "[[entry]]\n"
        'id = "audio-codec"\n'
        'term = "Audio Codec"\n'
        'aliases = ["codec", "neural audio codec"]\n'
        'definition = """\n'
        'An audio codec compresses digital audio. id = "not a key"\n'
        'slug = "not a key either"\n'
        '"""\n'
        'details = "Codecs like Encodec\'s tokens."\n'
        'tags = ["audio", "compression"]\n'
        'source = "glossary"\n'
        'origin = "source glossary"\n'
        "\n"
        "[[entry]]\n"
        'id = "gan"\n'
        'term = "GAN (Generative Adversarial Network)"\n'
        'definition = "A GAN consists of two networks."\n'
        'source = "authored"\n'
    )


def _strip(text: str) -> str:
    # Control and bidirectional formatting characters are refused by the parser
    # (tests/test_bad_inputs.py): the round trip covers every other character.
    return safe(text).strip()


_text = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=120
    )
    .map(_strip)
    .filter(bool)
) | st.text(alphabet="\"'\\\n\t\r #=[]{}.,ab\x85\u2028", min_size=1, max_size=40).map(
    _strip
).filter(bool)  # quotes, backslashes, brackets and odd line breaks, often
_line = _text.map(lambda t: " ".join(t.split())).filter(bool)
_slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
_tag = st.from_regex(r"[a-z0-9]{1,6}([-_][a-z0-9]{1,6})?", fullmatch=True)


_corrections = st.builds(
    Correction,
    field=st.sampled_from(CorrectedField),
    was=_text,
    now=st.one_of(st.just(""), _text),
    reason=_line,
    reference=st.one_of(st.just(""), _text),
)


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    ids = draw(st.lists(_slug, min_size=1, max_size=4, unique=True))
    terms = draw(st.lists(_line, min_size=len(ids), max_size=len(ids), unique_by=str.casefold))
    entries = tuple(
        Entry(
            id=entry_id,
            term=term,
            definition=draw(_text),
            aliases=tuple(draw(st.lists(_line, max_size=3, unique_by=str.casefold))),
            details=draw(st.one_of(st.just(""), _text)),
            tags=tuple(draw(st.lists(_tag, max_size=3, unique=True))),
            source=draw(st.sampled_from(Source)),
            origin=draw(st.one_of(st.just(""), _text)),
            mask=tuple(draw(st.lists(_line, max_size=2, unique_by=str.casefold))),
            reverse=draw(st.one_of(st.just(""), _text)),
            corrections=tuple(draw(st.lists(_corrections, max_size=2))),
        )
        for entry_id, term in zip(ids, terms, strict=True)
    )
    return Deck(
        slug=draw(_slug),
        title=draw(_line),
        description=draw(_text),
        anki_deck_id=draw(st.integers(1_000_000_000, 9_999_999_999)),
        entries=entries,
    )


@settings(max_examples=150, deadline=None)
@given(decks())
def test_round_trip_through_toml(deck: Deck) -> None:
    text = deck_to_toml(deck)
    back = parse_deck_text(text, PATH)
    lines = text.split("\n")
    assert [lines[e.line - 1] for e in back.entries if e.line] == ["[[entry]]"] * len(deck.entries)
    assert back.slug == deck.slug
    assert back.title == deck.title
    assert back.description == deck.description
    assert back.anki_deck_id == deck.anki_deck_id
    assert [e.__class__(**{**e.__dict__, "line": None}) for e in back.entries] == list(deck.entries)


def test_an_inline_array_of_entries_points_at_its_key() -> None:
    head = GOOD.split("[[entry]]")[0]
    text = head + 'entry = [{id = "x", definition = "D.", source = "authored"}]\n'
    assert error_of(text) == "decks/tiny.toml:7: entry is missing 'term'; add `term = ...`"


CORRECTED = 'source = "authored"\n\n[[entry.correction]]\n'


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'field = "summary"\nwas = "x"\nnow = "y"\nreason = "z"',
            "decks/tiny.toml:30: bad correction field 'summary': "
            'use "term", "definition" or "details"',
        ),
        (
            'field = "details"\nwas = "x"\nnow = "y"\nreason = "z"\nwhy = "w"',
            "decks/tiny.toml:34: unknown correction field 'why' "
            "(allowed: field, was, now, reason, reference)",
        ),
        (
            'field = "details"\nwas = "x"\nnow = "y"',
            "decks/tiny.toml:29: correction is missing 'reason'; add `reason = ...`",
        ),
        (
            'field = "details"\nwas = ""\nnow = "y"\nreason = "z"',
            "decks/tiny.toml:31: 'was' is empty; write the was",
        ),
        (
            'field = "details"\nwas = "x"\nnow = "y"\nreason = """\ntwo\nlines\n"""',
            "decks/tiny.toml:33: 'reason' must be a single line",
        ),
    ],
)
def test_correction_errors_name_their_line(table: str, message: str) -> None:
    assert error_of(GOOD.replace('source = "authored"', CORRECTED + table, 1)) == message


def test_correction_must_be_an_array_of_tables() -> None:
    text = GOOD.replace('source = "authored"', 'source = "authored"\ncorrection = "x"', 1)
    assert error_of(text) == (
        "decks/tiny.toml:28: 'correction' must be an array of tables: write each one under "
        "`[[entry.correction]]` after the entry's own keys"
    )


def test_mask_reverse_and_corrections_parse_and_round_trip() -> None:
    text = GOOD.replace(
        'source = "authored"',
        'reverse = "A pair of rival models."\nmask = ["rival"]\n'
        + CORRECTED
        + 'field = "definition"\nwas = "the old words"\nnow = ""\nreason = "wrong"\n\n'
        "[[entry.correction]]\n"
        'field = "term"\nwas = "Gan"\nnow = "GAN"\nreason = "spelling"\nreference = "a paper"',
        1,
    )
    deck = parse_deck_text(text, PATH)
    entry = deck.entries[-1]
    assert (entry.reverse, entry.mask) == ("A pair of rival models.", ("rival",))
    assert entry.corrections == (
        Correction(CorrectedField.DEFINITION, "the old words", "", "wrong"),
        Correction(CorrectedField.TERM, "Gan", "GAN", "spelling", "a paper"),
    )
    again = parse_deck_text(deck_to_toml(deck), PATH)
    assert [replace(e, line=None) for e in again.entries] == [
        replace(e, line=None) for e in deck.entries
    ]
