"""trainer.decks.glossary: the importer, on small documents and on the source glossary."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trainer.decks.format import slugify
from trainer.decks.glossary import (
    ABBREVIATIONS,
    CutOff,
    GlossaryImport,
    Skipped,
    aliases_for_term,
    default_slug,
    first_sentence,
    is_promotional,
    parse_glossary,
    section_deck,
    split_sentences,
)
from trainer.errors import DeckFormatError
from trainer.model import Source

SOURCE = Path(__file__).resolve().parents[2] / "decks" / "source-glossary.txt"

DOC = """\
Introduction
Some intro text. Read our complete guide to everything.
A–E: First Things
GAN (Generative Adversarial Network)
A GAN pits a generator against a discriminator. GANs can suffer mode collapse.
To see GANs at work, our comparison of GAN tools shows them side by side.

Hallucination (in AI Music)
Hallucination is output that sounds plausible but is wrong (e.g. odd chords). It happens.
F–L: Second Things
Groove/Timing Quantization
Groove or timing quantization moves notes onto a grid, e.g. 1/16 notes at 2.5 ms. More text
"""


def test_parses_sections_entries_and_reports() -> None:
    result = parse_glossary(DOC, "doc.txt")
    assert [(s.title, s.line, len(s.entries)) for s in result.sections] == [
        ("A–E: First Things", 3, 2),
        ("F–L: Second Things", 10, 1),
    ]
    gan, hallucination = result.sections[0].entries
    assert gan.id == "gan"
    assert gan.term == "GAN (Generative Adversarial Network)"
    assert gan.aliases == ("GAN", "Generative Adversarial Network")
    assert gan.definition == "A GAN pits a generator against a discriminator."
    assert gan.details == "GANs can suffer mode collapse."
    assert gan.source is Source.GLOSSARY
    assert gan.line == 4
    assert hallucination.id == "hallucination"
    assert hallucination.aliases == ("Hallucination",)
    assert hallucination.definition == (
        "Hallucination is output that sounds plausible but is wrong (e.g. odd chords)."
    )
    (groove,) = result.sections[1].entries
    assert groove.id == "groove-timing-quantization"
    assert groove.aliases == ("Groove Quantization", "Timing Quantization")
    assert groove.definition == (
        "Groove or timing quantization moves notes onto a grid, e.g. 1/16 notes at 2.5 ms."
    )
    assert groove.details == "More text"
    assert result.skipped == (
        Skipped(1, "Introduction", "intro"),
        Skipped(2, "Some intro text. Read our complete guide to everything.", "promotional"),
        Skipped(
            6,
            "To see GANs at work, our comparison of GAN tools shows them side by side.",
            "promotional",
        ),
    )
    assert result.cut_off == (
        CutOff(
            12,
            "groove-timing-quantization",
            "Groove/Timing Quantization",
            "notes at 2.5 ms. More text",
        ),
    )


def test_a_promotional_sentence_inside_a_paragraph_is_dropped() -> None:
    doc = "A–E: X\nTerm\nTerm is a thing. See our guide to things for more. It is nice.\n"
    (entry,) = parse_glossary(doc).sections[0].entries
    assert (entry.definition, entry.details) == ("Term is a thing.", "It is nice.")
    assert parse_glossary(doc).skipped == (
        Skipped(3, "See our guide to things for more.", "promotional"),
    )


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            "Just text.\nMore text.\n",
            "doc.txt: no section headings found; start each section "
            "with a line like 'A–E: Foundational Terms'",
        ),
        (
            "A–E: X\nTerm\nB–C: Y\n",
            "doc.txt:2: the term 'Term' has no definition paragraph after it",
        ),
        ("A–E: X\nTerm\n", "doc.txt:2: the term 'Term' has no definition paragraph after it"),
        (
            "A–E: X\nTerm\nTerm is a thing.\nTerm\nTerm again.\n",
            "doc.txt:4: the term 'Term' appears twice (first at line 2)",
        ),
        (
            "A–E: X\nAd\nRead our guide to it.\n",
            "doc.txt:2: the term 'Ad' has no definition paragraph after it",
        ),
    ],
)
def test_errors(doc: str, message: str) -> None:
    with pytest.raises(DeckFormatError) as caught:
        parse_glossary(doc, "doc.txt")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("One (e.g. Two) three. Four.", ["One (e.g. Two) three.", "Four."]),
        ("Use i.e. This and vs. That. Next.", ["Use i.e. This and vs. That.", "Next."]),
        ("It is 2.5 dB. Next one.", ["It is 2.5 dB.", "Next one."]),
        (
            "A paper “Attention Is All You Need,” said so. Then.",
            ["A paper “Attention Is All You Need,” said so.", "Then."],
        ),
        ("He said “stop.” Then left!", ["He said “stop.”", "Then left!"]),
        ("No end here", ["No end here"]),
        ("Made in the U.S. Army labs. Yes.", ["Made in the U.S. Army labs.", "Yes."]),
        ("Notes, chords, etc. The end.", ["Notes, chords, etc.", "The end."]),
    ],
)
def test_split_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_first_sentence() -> None:
    assert first_sentence("One. Two. Three.") == ("One.", "Two. Three.")
    assert first_sentence("Only one.") == ("Only one.", "")


def test_aliases_for_term() -> None:
    assert aliases_for_term("CFG Scale (Classifier-Free Guidance Scale)") == (
        "CFG Scale",
        "Classifier-Free Guidance Scale",
    )
    assert aliases_for_term("Hallucination (in AI Music)") == ("Hallucination",)
    assert aliases_for_term("MIDI-LLM", "A MIDI-LLM (MIDI Language Model) is a model.") == (
        "MIDI Language Model",
    )
    assert aliases_for_term("Encodec", "Encodec (e.g. this) is.") == ()


@pytest.mark.parametrize(
    "line",
    [
        "To see these terms in action, our AI music generation complete guide walks through it.",
        "Understanding terminology is the first step; our guide to prompt engineering helps.",
        "Now that you have mastered the vocabulary, our roundup of the best AI tools helps.",
        "Terms like temperature sampling behave differently — our comparison of models shows it.",
        "Understanding hardware matters — the GPU specs glossary on ComputerHeaven covers it.",
    ],
)
def test_promotional_lines(line: str) -> None:
    assert is_promotional(line)


def test_definitions_are_not_promotional() -> None:
    assert not is_promotional("A GAN consists of two neural networks that compete.")
    assert not is_promotional("This glossary serves as a foundational guide to the field.")


# --- the source glossary ---------------------------------------------------------------


@pytest.fixture(scope="module")
def source() -> GlossaryImport:
    return parse_glossary(SOURCE.read_text(encoding="utf-8"), SOURCE)


def test_source_sections_and_counts(source: GlossaryImport) -> None:
    assert [(s.title, len(s.entries)) for s in source.sections] == [
        ("A–E: Foundational Terms", 10),
        ("F–L: Models and Architectures", 10),
        ("M–R: Generation and Inference", 6),
    ]


def test_source_terms_in_order(source: GlossaryImport) -> None:
    terms = [[e.term for e in s.entries] for s in source.sections]
    assert terms == [
        [
            "Audio Codec",
            "Attention Mechanism",
            "Autoregressive Model",
            "Bit Depth",
            "Embedding",
            "Fine-tuning",
            "Groove/Timing Quantization",
            "Hallucination (in AI Music)",
            "Latent Space",
            "MIDI-LLM",
        ],
        [
            "Diffusion Model",
            "Encodec",
            "GAN (Generative Adversarial Network)",
            "MusicGen",
            "Riffusion",
            "Spectrogram",
            "Stable Audio",
            "Tokenization",
            "Transformer Architecture",
            "VAE (Variational Autoencoder)",
        ],
        [
            "AudioCraft",
            "CFG Scale (Classifier-Free Guidance Scale)",
            "Conditioning",
            "Few-shot Learning",
            "Inference Time",
            "Inpainting",
        ],
    ]


def test_source_promotional_lines_are_skipped_and_in_no_entry(source: GlossaryImport) -> None:
    promotional = [s for s in source.skipped if s.reason == "promotional"]
    assert [s.line for s in promotional] == [3, 6, 34, 65, 66, 67]
    texts = [s.text for s in promotional]
    assert texts[2].startswith("To see how these model architectures translate")
    assert texts[3].startswith("Terms like temperature sampling and CFG scale")
    for section in source.sections:
        for entry in section.entries:
            for text in texts:
                assert text not in entry.definition and text not in entry.details
            assert "our " not in entry.definition + entry.details


def test_source_cut_off_entry_is_detected(source: GlossaryImport) -> None:
    assert source.cut_off == (
        CutOff(64, "inpainting", "Inpainting", "models are commonly used for inpain"),
    )


def test_source_definitions_are_first_sentences(source: GlossaryImport) -> None:
    gen = {e.id: e for e in source.sections[2].entries}
    assert gen["cfg-scale"].definition == (
        "CFG Scale is a hyperparameter used in diffusion models to balance adherence to the "
        "prompt and sample diversity."
    )
    assert gen["cfg-scale"].details.startswith("A higher CFG scale (e.g., 7–12) makes")
    models = {e.id: e for e in source.sections[1].entries}
    assert models["diffusion-model"].definition.endswith(
        "through a series of reverse diffusion steps."
    )


def test_section_deck(source: GlossaryImport) -> None:
    deck = section_deck(
        source.sections[0],
        slug="foundational",
        description="D.",
        anki_deck_id=1234567890,
    )
    assert (deck.slug, deck.title, len(deck.entries)) == (
        "foundational",
        "A–E: Foundational Terms",
        10,
    )
    assert all(entry.line is None for entry in deck.entries)


# --- property: a generated document comes back as written -----------------------------

_lower = st.from_regex(r"[a-z]{2,8}", fullmatch=True)
_cap = _lower.map(str.capitalize)


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    words = [draw(_cap), *draw(st.lists(_lower, min_size=2, max_size=9))]
    extra = draw(st.sampled_from(["", " (e.g. Foo bar)", " at 2.5 kHz", ", i.e. Abc", " vs. Xyz"]))
    end = draw(st.sampled_from([".", "!", "?", ".”"]))
    text = " ".join(words) + extra + end
    assume(not is_promotional(text))
    assume(f"{words[-1]}." not in ABBREVIATIONS)
    return text


@st.composite
def _document(draw: st.DrawFn) -> tuple[str, list[tuple[str, list[tuple[str, str, str]]]]]:
    """A document and what it holds: [(heading, [(term, definition, details)])]."""
    lines = ["Introduction", "Some intro. Read our guide to things."]
    expected = []
    terms = draw(
        st.lists(
            st.lists(_cap, min_size=1, max_size=4).map(" ".join),
            min_size=1,
            max_size=8,
            unique_by=lambda term: slugify(term),
        )
    )
    cut = (
        sorted(draw(st.sets(st.integers(1, len(terms) - 1), max_size=2))) if len(terms) > 1 else []
    )
    groups = [terms[i:j] for i, j in zip([0, *cut], [*cut, len(terms)], strict=True)]
    for number, group in enumerate(groups):
        heading = f"{'ABCDEFGH'[number]}–{'MNOPQRST'[number]}: {draw(_cap)} Terms"
        lines.append(heading)
        entries = []
        for term in group:
            sentences = draw(st.lists(_sentence(), min_size=1, max_size=4))
            lines += [term, " ".join(sentences)]
            if draw(st.booleans()):
                lines.append("To learn more, our comparison of tools helps.")
            if draw(st.booleans()):
                lines.append("")
            entries.append((term, sentences[0], " ".join(sentences[1:])))
        expected.append((heading, entries))
    return "\n".join(lines) + "\n", expected


@settings(max_examples=200, deadline=None)
@given(_document())
def test_a_generated_document_comes_back(
    document: tuple[str, list[tuple[str, list[tuple[str, str, str]]]]],
) -> None:
    text, expected = document
    result = parse_glossary(text)
    got = [
        (s.title, [(e.term, e.definition, e.details) for e in s.entries]) for s in result.sections
    ]
    assert got == expected
    assert result.cut_off == ()
    promotional = [s for s in result.skipped if s.reason == "promotional"]
    assert len(promotional) == 1 + text.count("our comparison of tools")


def test_default_slug() -> None:
    assert default_slug("A–E: Foundational Terms") == "foundational-terms"
    assert default_slug("M–R: Generation and Inference") == "generation-and-inference"
    assert default_slug("Other Things") == "other-things"
