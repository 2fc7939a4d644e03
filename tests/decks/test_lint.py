"""trainer.decks.lint: every kind of finding, its exact line and text, and what is not a finding."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.decks.catalog import load_bundled_decks
from trainer.decks.format import deck_to_toml
from trainer.decks.lint import (
    LONG_ANSWER,
    MAX_ENTRIES,
    Finding,
    Severity,
    check_files,
    check_texts,
    records,
)
from trainer.model import Deck, Entry, Source

P = Path("my.toml")

HEAD = """\
slug = "sound-design"
title = "Sound Design"
description = "Terms for the sound design course."
anki_deck_id = 1111111111
"""


def entry(entry_id: str, term: str, definition: str, *, aliases: str = "", origin: str = "") -> str:
    text = f'\n[[entry]]\nid = "{entry_id}"\nterm = "{term}"\n'
    if aliases:
        text += f"aliases = [{aliases}]\n"
    text += f'definition = "{definition}"\nsource = "authored"\n'
    if origin:
        text += f'origin = "{origin}"\n'
    return text


FOLEY = entry(
    "foley", "Foley", "The reproduction of everyday sound effects added to film in post-production."
)
REVERB = entry("reverb", "Reverb", "The persistence of sound in a space after its source stops.")


def lines(text: str, others: list | None = None) -> list[str]:  # type: ignore[type-arg]
    return [str(f) for f in check_texts([(P, text)], others or []).findings]


def test_a_clean_deck_has_no_findings() -> None:
    result = check_texts([(P, HEAD + FOLEY + REVERB)], load_bundled_decks())
    assert result.findings == []
    assert result.summary(1) == "checked 1 deck file: no problems"
    assert [e.id for e in result.decks[P].entries] == ["foley", "reverb"]


def test_the_bundled_decks_check_clean_against_each_other() -> None:
    from trainer.decks.catalog import bundled_deck_files

    assert check_files(bundled_deck_files()).findings == []


def test_a_parse_error_is_one_error_at_its_line() -> None:
    result = check_texts([(P, HEAD + FOLEY.replace('id = "foley"', 'id = "Foley!"'))])
    assert [str(f) for f in result.findings] == [
        "my.toml:7: error: bad entry id 'Foley!': use lowercase letters, digits and single "
        "hyphens (e.g. 'audio-codec')"
    ]
    assert result.decks == {}
    assert result.summary(1) == "checked 1 deck file: 1 error, 0 warnings"


def test_finding_text_and_record() -> None:
    finding = Finding(P, 3, Severity.WARNING, "text")
    assert str(finding) == "my.toml:3: warning: text"
    assert str(Finding(P, None, Severity.ERROR, "whole file")) == "my.toml: error: whole file"
    assert records([finding]) == [
        {"path": "my.toml", "line": 3, "severity": "warning", "message": "text"}
    ]


def test_a_term_of_a_bundled_deck_is_an_error_unless_copied_from_it() -> None:
    bundled = load_bundled_decks()
    codec = entry(
        "audio-codec",
        "Audio Codec",
        "A method that turns sound into compact tokens for a music model.",
    )
    assert lines(HEAD + codec, bundled) == [
        "my.toml:6: error: term 'Audio Codec' is already an entry of deck 'foundational' "
        "('audio-codec'); remove it here, or copy that entry with "
        "`trainer deck new --from foundational:audio-codec`"
    ]
    copied = codec.replace(
        'source = "authored"', 'source = "glossary"\norigin = "foundational/audio-codec"'
    )
    assert lines(HEAD + copied, bundled) == []


def test_an_alias_that_is_another_decks_term() -> None:
    bundled = load_bundled_decks()
    text = HEAD + entry(
        "room-sound",
        "Room Sound",
        "How a recording carries the space it was made in.",
        aliases='"Spectrogram"',
    )
    assert lines(text, bundled) == [
        "my.toml:6: error: alias 'Spectrogram' is already an entry of deck "
        "'models-architectures' ('spectrogram'); remove it here, or copy that entry with "
        "`trainer deck new --from models-architectures:spectrogram`"
    ]


def test_two_checked_files_clash_on_slug_id_and_term() -> None:
    other = Path("other.toml")
    result = check_texts([(P, HEAD + FOLEY), (other, HEAD + FOLEY)])
    assert [str(f) for f in result.findings] == [
        "other.toml:1: error: deck slug 'sound-design' is already used by my.toml; "
        "choose another slug",
        "other.toml:4: error: anki_deck_id 1111111111 is already used by my.toml; Anki would "
        "merge the two decks: choose another 10-digit number",
        "other.toml:6: error: term 'Foley' is already an entry of deck 'sound-design' "
        "('foley'); remove it here, or copy that entry with "
        "`trainer deck new --from sound-design:foley`",
        "other.toml:6: warning: the definition of 'foley' is nearly the same as that of "
        "sound-design/foley (100% alike); a learner cannot tell the two cards apart",
    ]


def test_the_registered_copy_of_the_same_file_is_not_a_clash(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_text(HEAD + FOLEY, encoding="utf-8")
    (registered,) = check_files([path]).decks.values()
    assert check_files([path], [registered]).findings == []


def test_an_alias_naming_two_entries() -> None:
    text = HEAD + FOLEY.replace('term = "Foley"', 'term = "Foley"\naliases = ["Reverb"]') + REVERB
    assert lines(text) == [
        "my.toml:13: error: term 'Reverb' also names entry 'foley' (line 6); "
        "a name may belong to one entry only"
    ]


def test_a_reverse_card_that_leaks_its_answer() -> None:
    text = HEAD + entry(
        "nucleus-sampling",
        "Nucleus Sampling (top-p)",
        "Top-p keeps the smallest set of likely tokens whose probabilities add up to p.",
    )
    assert lines(text) == [
        "my.toml:6: error: the reverse card of 'nucleus-sampling' gives its answer away: "
        "'top p' is still in the masked definition; reword the definition or add that form "
        "as an alias"
    ]
    fixed = text.replace(
        'term = "Nucleus Sampling (top-p)"',
        'term = "Nucleus Sampling (top-p)"\naliases = ["top-p"]',
    )
    assert lines(fixed) == []


def test_a_reverse_card_whose_words_share_a_stem_with_the_answer_is_a_warning() -> None:
    text = (
        HEAD
        + FOLEY
        + entry(
            "tokenization",
            "Tokenization",
            "Converting audio or MIDI into discrete tokens, the chips of a model's vocabulary.",
        )
    )
    result = check_texts([(P, text)])
    assert [str(f) for f in result.findings] == [
        "my.toml:12: warning: the reverse card of 'tokenization' hints at its answer: "
        "'tokens' shares a stem with 'Tokenization'; reword the definition, list the word "
        "under `mask`, or write a `reverse` prompt"
    ]
    assert result.errors == []
    masked = text.replace('source = "authored"\n', 'mask = ["tokens"]\nsource = "authored"\n')
    assert lines(masked) == []
    own = text.replace(
        'source = "authored"\n',
        'reverse = "Turning audio or MIDI into a sequence of symbols."\nsource = "authored"\n',
    )
    assert lines(own) == []


def test_a_stem_warning_names_each_word_once_and_every_word() -> None:
    text = HEAD + entry(
        "chiptune",
        "Chiptune",
        "Music from sound chips, chips and more chips of old computers.",
        aliases='"chip music"',
    )
    assert lines(text) == [
        f"my.toml:6: warning: the reverse card of 'chiptune' hints at its answer: {word!r} "
        "shares a stem with 'Chiptune'; reword the definition, list the word under `mask`, "
        "or write a `reverse` prompt"
        for word in ("Music", "chips")
    ]


def test_long_and_short_definitions_are_warnings() -> None:
    long = "A sound " + "that goes on " * 30 + "forever."
    assert len(long) > LONG_ANSWER
    text = HEAD + entry("drone", "Drone", long) + entry("hum", "Hum", "Mains noise.")
    result = check_texts([(P, text)])
    assert [str(f) for f in result.findings] == [
        f"my.toml:6: warning: the definition of 'drone' is {len(long)} characters (over 300), "
        "a long answer to recall; keep it to one sentence and move the rest to details",
        "my.toml:12: warning: the definition of 'hum' is very short (2 words); a learner "
        "needs a sentence to recall the term from",
    ]
    assert result.errors == []
    assert result.summary(1) == "checked 1 deck file: 0 errors, 2 warnings"


def test_near_duplicate_definitions() -> None:
    text = (
        HEAD
        + FOLEY
        + entry(
            "foley-art",
            "Foley Art",
            "The reproduction of everyday sound effect added to films in post-production.",
        )
    )
    assert lines(text) == [
        "my.toml:12: warning: the definition of 'foley-art' is nearly the same as that of "
        "'foley' at line 6 (99% alike); a learner cannot tell the two cards apart"
    ]


def test_different_definitions_sharing_a_phrase_are_not_near_duplicates() -> None:
    text = (
        HEAD
        + entry("a", "Alpha Sound", "The noise of the first take recorded in the studio today.")
        + entry("b", "Beta Sound", "The noise of a door slammed in an empty concrete stairwell.")
    )
    assert lines(text) == []


def test_too_many_entries_is_one_error() -> None:
    body = "".join(
        entry(f"t{n}", f"Term {n}", f"Sound number {n} of the course library, recorded live.")
        for n in range(MAX_ENTRIES + 1)
    )
    findings = lines(HEAD + body)
    assert findings == [
        f"my.toml:{6 + 6 * MAX_ENTRIES}: error: the deck has {MAX_ENTRIES + 1} entries; "
        f"a deck holds up to {MAX_ENTRIES}: split it into several decks"
    ]


def test_a_large_deck_is_checked_quickly() -> None:
    body = "".join(
        entry(
            f"t{n}",
            f"Term {n}",
            f"Sound number {n} of the course library, recorded at station {n * 7919 % 10007}.",
        )
        for n in range(MAX_ENTRIES)
    )
    started = time.perf_counter()
    findings = lines(HEAD + body, load_bundled_decks())
    seconds = time.perf_counter() - started
    assert findings == []
    assert seconds < 15, seconds


@pytest.mark.parametrize("missing", ["nope.toml"])
def test_a_missing_file_is_an_error_finding(tmp_path: Path, missing: str) -> None:
    result = check_files([tmp_path / missing])
    assert [str(f) for f in result.findings] == [
        f"{tmp_path / missing}: error: cannot read the deck file: No such file or directory"
    ]


def test_two_copies_of_one_entry_in_two_decks_are_fine() -> None:
    bundled = load_bundled_decks()
    codec = next(e for e in bundled[0].entries if e.id == "audio-codec")
    copy = entry("audio-codec", codec.term, codec.definition, origin="foundational/audio-codec")
    copy = copy.replace("source =", f'reverse = "{codec.reverse}"\nsource =')  # as copied
    other = Path("week1.toml")
    week1 = HEAD.replace("sound-design", "week-1").replace("1111111111", "2222222222")
    result = check_texts([(other, week1 + copy), (P, HEAD + copy)], bundled)
    assert result.findings == []


def test_names_compare_in_nfc() -> None:
    text = (
        HEAD
        + entry("cafe", "Cafe\u0301 Sound", "The murmur of a busy room full of people talking.")
        + entry(
            "room", "Room Murmur", "Voices in a hall heard as one blur.", aliases='"café sound"'
        )
    )
    assert lines(text) == [
        "my.toml:12: error: alias 'café sound' also names entry 'cafe' (line 6); "
        "a name may belong to one entry only"
    ]


NAME = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(NAME, NAME, st.lists(NAME, max_size=3)),
        min_size=1,
        max_size=5,
        unique_by=lambda e: e[0].casefold(),
    )
)
def test_any_deck_the_writer_can_write_is_checked_without_crashing(
    raw: list[tuple[str, str, list[str]]],
) -> None:
    entries = []
    for number, (term, definition, aliases) in enumerate(raw):
        unique = list(
            {a.casefold(): a for a in aliases if a.casefold() != term.casefold()}.values()
        )
        entries.append(
            Entry(
                id=f"e{number}",
                term=term,
                definition=definition,
                aliases=tuple(unique),
                source=Source.AUTHORED,
            )
        )
    deck = Deck("s", "T", "D.", 1234567890, tuple(entries))
    result = check_texts([(P, deck_to_toml(deck))])
    assert all(isinstance(f, Finding) for f in result.findings)
    assert all(f.line is not None for f in result.findings)
