"""trainer.decks.cards: two cards per entry, stable ids, and masking an entry's names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.decks.cards import answers_for, cards_for_deck, mask, slash_variants, split_term
from trainer.model import Card, Deck, Direction, Entry, Source


def entry(term: str, definition: str = "", *aliases: str, details: str = "") -> Entry:
    return Entry(id="x", term=term, definition=definition, aliases=aliases, details=details)


def test_two_cards_per_entry_with_stable_ids_and_order() -> None:
    deck = Deck(
        slug="tiny",
        title="Tiny",
        description="",
        anki_deck_id=1234567890,
        entries=(
            Entry(
                id="gan",
                term="GAN (Generative Adversarial Network)",
                definition="A GAN pits two networks against each other.",
                details="GANs can suffer mode collapse.",
                source=Source.GLOSSARY,
            ),
            Entry(id="vae", term="VAE", definition="A VAE encodes data."),
        ),
    )
    assert cards_for_deck(deck) == [
        Card(
            id="tiny/gan/forward",
            deck="tiny",
            entry="gan",
            direction=Direction.FORWARD,
            front="GAN (Generative Adversarial Network)",
            back="A GAN pits two networks against each other.\n\nGANs can suffer mode collapse.",
            term="GAN (Generative Adversarial Network)",
            ord=0,
        ),
        Card(
            id="tiny/gan/reverse",
            deck="tiny",
            entry="gan",
            direction=Direction.REVERSE,
            front="A(n) ____ pits two networks against each other.",
            back="GAN (Generative Adversarial Network)",
            term="GAN (Generative Adversarial Network)",
            ord=1,
        ),
        Card(
            id="tiny/vae/forward",
            deck="tiny",
            entry="vae",
            direction=Direction.FORWARD,
            front="VAE",
            back="A VAE encodes data.",
            term="VAE",
            ord=2,
        ),
        Card(
            id="tiny/vae/reverse",
            deck="tiny",
            entry="vae",
            direction=Direction.REVERSE,
            front="A(n) ____ encodes data.",
            back="VAE",
            term="VAE",
            ord=3,
        ),
    ]


def test_split_term_keeps_expansions_and_drops_qualifiers() -> None:
    assert split_term("GAN (Generative Adversarial Network)") == (
        "GAN",
        ["Generative Adversarial Network"],
    )
    assert split_term("CFG Scale (Classifier-Free Guidance Scale)") == (
        "CFG Scale",
        ["Classifier-Free Guidance Scale"],
    )
    assert split_term("Hallucination (in AI Music)") == ("Hallucination", [])
    assert split_term("Encodec") == ("Encodec", [])


def test_slash_variants() -> None:
    assert slash_variants("Groove/Timing Quantization") == [
        "Groove Quantization",
        "Timing Quantization",
        "Groove or Timing Quantization",
    ]
    assert slash_variants("Encodec") == []


def test_answers_for_collects_every_name_once() -> None:
    e = entry("VAE (Variational Autoencoder)", "", "vae", "variational auto-encoder")
    assert answers_for(e) == [
        "VAE (Variational Autoencoder)",
        "VAE",
        "Variational Autoencoder",
        "variational auto-encoder",
    ]
    assert answers_for(entry("Hallucination (in AI Music)")) == [
        "Hallucination (in AI Music)",
        "Hallucination",
    ]


@pytest.mark.parametrize(
    ("text", "answers", "masked"),
    [
        ("GANs and a GAN's loss", ["GAN"], "____ and a(n) ____ loss"),
        ("Encodec's tokens; ENCODEC too", ["Encodec"], "____ tokens; ____ too"),
        (
            "A VAE (Variational Autoencoder) is",
            ["VAE", "Variational Autoencoder"],
            "A(n) ____ (____) is",
        ),
        (
            "Groove or timing quantization refers to",
            answers_for(entry("Groove/Timing Quantization")),
            "____ refers to",
        ),
        (
            "Timing quantization and groove quantization",
            answers_for(entry("Groove/Timing Quantization")),
            "____ and ____",
        ),
        (
            "Fine-tuning, fine tuning, fine-tuned, fine-tunes",
            ["Fine-tuning"],
            "____, ____, ____, ____",
        ),
        ("An embedding is embedded", ["Embedding"], "A(n) ____ is ____"),
        ("Demoparties: a demoparty's compos", ["Demoparty"], "____: a(n) ____ compos"),
        ("Modulation of modules", ["Module"], "Modulation of ____"),
        ("organ and Riffusion-like", ["GAN"], "organ and Riffusion-like"),
        ("MIDI-LLMs work with MIDI", ["MIDI-LLM"], "____ work with MIDI"),
        ("Diffusion models generate", ["Diffusion Model"], "____ generate"),
        ("the CFG scale, CFG Scale", ["CFG Scale"], "the ____, ____"),
    ],
)
def test_mask(text: str, answers: list[str], masked: str) -> None:
    assert mask(text, answers) == masked


def test_mask_masks_the_definition_only() -> None:
    e = entry("Encodec", "Encodec is a codec.", details="Encodec's tokens feed MusicGen.")
    reverse = cards_for_deck(Deck("d", "D", "", 1234567890, (e,)))[1]
    assert reverse.front == "____ is a codec."


_word = st.from_regex(r"[A-Za-z]{3,9}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(_word, min_size=1, max_size=3),
    joiners=st.lists(st.sampled_from([" ", "-", " - ", "  "]), min_size=2, max_size=2),
    upper=st.booleans(),
    suffix=st.sampled_from(["", "s", "'s", "’s"]),
    before=st.sampled_from(["", "The ", "An ", "Using "]),
    after=st.sampled_from(["", " is a thing.", ", e.g. here", "."]),
)
def test_mask_removes_every_form_of_the_term(
    words: list[str],
    joiners: list[str],
    upper: bool,
    suffix: str,
    before: str,
    after: str,
) -> None:
    term = " ".join(words)
    form = words[0]
    for joiner, word in zip(joiners, words[1:], strict=False):
        form += joiner.strip() or joiner if joiner != " - " else "-"
        form += word
    form = (form.upper() if upper else form.lower()) + suffix
    masked = mask(f"{before}{form}{after}", answers_for(entry(term)))
    assert "____" in masked
    assert words[-1].lower() not in masked.lower()
