"""The stem rule: reverse-prompt words that give part of the answer away."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.decks.glossary import parse_glossary
from trainer.decks.stems import answer_words, related, stem, stem_leaks
from trainer.model import Entry, Source

SOURCE = Path(__file__).resolve().parents[2] / "decks" / "source-glossary.txt"


def source_entry(entry_id: str) -> Entry:
    """An entry as the source glossary has it (before our corrections and prompts)."""
    imported = parse_glossary(SOURCE.read_text(encoding="utf-8"), SOURCE)
    return next(e for s in imported.sections for e in s.entries if e.id == entry_id)


# The authored entries as they were before this rule (the words that gave them away).
OLD_AUTHORED = {
    "chiptune": Entry(
        "chiptune",
        "Chiptune",
        "Music made with, or in imitation of, the sound chips of vintage computers and game "
        "consoles, such as the Commodore 64's SID.",
        aliases=("chip music", "chiptune music"),
        source=Source.AUTHORED,
    ),
    "softsynth": Entry(
        "softsynth",
        "Softsynth",
        "A synthesizer implemented as a program, generating sound on the CPU from "
        "oscillators, envelopes and filters.",
        aliases=("software synthesizer", "software synth", "soft synth"),
        source=Source.AUTHORED,
    ),
    "loudness-normalization": Entry(
        "loudness-normalization",
        "Loudness Normalization",
        "Adjusting the gain of a track so that its measured perceived loudness, rather than "
        "its peak level, matches a target value.",
        aliases=("loudness normalisation",),
        source=Source.AUTHORED,
    ),
}


@pytest.mark.parametrize(
    ("entry_id", "word"),
    [
        ("tokenization", "tokens"),
        ("chiptune", "chips"),
        ("softsynth", "synthesizer"),
        ("encodec", "codec"),
        ("riffusion", "riffs"),
        ("spectrogram", "spectrum"),
        ("latent-space", "space"),
        ("groove-timing-quantization", "timing"),
        ("loudness-normalization", "loudness"),
        ("midi-llm", "MIDI"),
        ("stable-audio", "Stability"),
    ],
)
def test_every_give_away_word_of_the_issue_is_caught(entry_id: str, word: str) -> None:
    entry = OLD_AUTHORED.get(entry_id) or source_entry(entry_id)
    assert word in [leak.word for leak in stem_leaks(entry)], entry.definition


@pytest.mark.parametrize(
    ("answer_word", "word"),
    [
        ("tokenization", "tokens"),  # same stem
        ("chiptune", "chips"),  # shared beginning
        ("spectrogram", "spectrum"),
        ("stable", "stability"),
        ("encodec", "codec"),  # a compound's part
        ("softsynth", "synthesizer"),  # parts that overlap
        ("musicgen", "music"),
        ("generative", "generator"),
    ],
)
def test_related_words(answer_word: str, word: str) -> None:
    assert related(answer_word, word)
    assert related(word, answer_word)


@pytest.mark.parametrize(
    ("answer_word", "word"),
    [
        ("gan", "organ"),  # a short word inside another
        ("mod", "model"),  # three letters share a beginning only when equal
        ("attention", "retention"),
        ("depth", "deep"),
        ("sample", "simple"),
        ("network", "netbook"),  # "net" is under four letters
    ],
)
def test_unrelated_words(answer_word: str, word: str) -> None:
    assert not related(answer_word, word)


def test_stem_drops_one_ending() -> None:
    assert [stem(w) for w in ("tokens", "tokenization", "timing", "gan", "stable")] == [
        "token",
        "token",
        "tim",
        "gan",
        "stabl",
    ]


def test_answer_words_leave_out_qualifiers_function_words_and_short_words() -> None:
    hallucination = Entry("hallucination", "Hallucination (in AI Music)", "A definition.")
    assert answer_words(hallucination) == ["hallucination"]
    module = Entry("module", "Module", "A definition.", aliases=("MOD", "IT module", "XM"))
    assert answer_words(module) == ["module", "mod"]
    fad = Entry("fad", "Fréchet Audio Distance (FAD)", "A definition.", aliases=("FAD",))
    assert answer_words(fad) == ["frechet", "audio", "distance", "fad"]


def test_masked_words_and_the_own_prompt_count() -> None:
    entry = Entry(
        "tokenization",
        "Tokenization",
        "Tokenization turns data into discrete tokens.",
        mask=("tokens",),
    )
    assert stem_leaks(entry) == []  # "tokens" is masked
    written = Entry("x", "Tokenization", "A definition.", reverse="Turning data into tokens.")
    assert [leak.word for leak in stem_leaks(written)] == ["tokens"]
