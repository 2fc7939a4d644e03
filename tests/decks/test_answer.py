"""Typed-answer matching: the table of (typed, accepted forms) -> verdict, the diff, the grade."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.decks.answer import (
    DiffOp,
    DiffPart,
    Verdict,
    allowed_typos,
    check_answer,
    diff,
    diff_markup,
    edit_distance,
    normalize,
)
from trainer.model import Grade

CODEC = ["Audio Codec", "codec", "neural audio codec"]
GAN = ["Generative Adversarial Network (GAN)", "Generative Adversarial Network", "GAN"]
VAE = ["Variational Autoencoder", "VAE"]
MEL = ["Mel Spectrogram", "mel-spectrogram"]
TTM = ["Text-to-Music", "text to music"]
LATENT = ["Latent Diffusion", "latent diffusion model", "LDM"]
DEMO = ["Démoscène", "demo scene"]
RNB = ["R&B", "rhythm and blues"]

MATCHING_TABLE = [
    # typed, accepted forms, verdict, the form it matched
    ("Audio Codec", CODEC, Verdict.EXACT, "Audio Codec"),
    ("audio codec", CODEC, Verdict.EXACT, "Audio Codec"),
    ("  AUDIO   codec ", CODEC, Verdict.EXACT, "Audio Codec"),
    ("an audio codec", CODEC, Verdict.EXACT, "Audio Codec"),
    ("the codec.", CODEC, Verdict.EXACT, "codec"),
    ("audiocodec", CODEC, Verdict.EXACT, "Audio Codec"),
    ("neural-audio codec", CODEC, Verdict.EXACT, "neural audio codec"),
    ("audio codek", CODEC, Verdict.TYPO, "Audio Codec"),
    ("adio codec", CODEC, Verdict.TYPO, "Audio Codec"),
    ("audio cdoec", CODEC, Verdict.TYPO, "Audio Codec"),  # swapped neighbours: one edit
    ("audio codecs", CODEC, Verdict.TYPO, "Audio Codec"),  # plural
    ("vocoder", CODEC, Verdict.WRONG, "Audio Codec"),
    ("", CODEC, Verdict.WRONG, "Audio Codec"),
    ("GAN", GAN, Verdict.EXACT, "GAN"),
    ("gans", GAN, Verdict.TYPO, "GAN"),  # a plural is a typo even for a short answer
    ("generative adversarial network", GAN, Verdict.EXACT, "Generative Adversarial Network"),
    ("generative adverserial network", GAN, Verdict.TYPO, "Generative Adversarial Network"),
    ("generativ adverserial netwrk", GAN, Verdict.TYPO, "Generative Adversarial Network"),
    ("VAE", VAE, Verdict.EXACT, "VAE"),
    ("GAE", VAE, Verdict.WRONG, "Variational Autoencoder"),  # 3 letters: no typo allowed
    ("variational auto-encoder", VAE, Verdict.EXACT, "Variational Autoencoder"),
    ("variational autoencoders", VAE, Verdict.TYPO, "Variational Autoencoder"),
    ("autoencoder", VAE, Verdict.WRONG, "Variational Autoencoder"),
    ("mel spectogram", MEL, Verdict.TYPO, "Mel Spectrogram"),
    ("Mel_Spectrogram", MEL, Verdict.EXACT, "Mel Spectrogram"),
    ("text to music", TTM, Verdict.EXACT, "Text-to-Music"),
    ("texttomusic", TTM, Verdict.EXACT, "Text-to-Music"),
    ("text to speech", TTM, Verdict.WRONG, "Text-to-Music"),
    ("ldm", LATENT, Verdict.EXACT, "LDM"),
    ("latent difusion", LATENT, Verdict.TYPO, "Latent Diffusion"),
    ("latent diffusion models", LATENT, Verdict.TYPO, "latent diffusion model"),
    ("diffusion", LATENT, Verdict.WRONG, "Latent Diffusion"),
    ("demoscene", DEMO, Verdict.EXACT, "Démoscène"),
    ("DEMO-SCENE", DEMO, Verdict.EXACT, "Démoscène"),
    ("r and b", RNB, Verdict.EXACT, "R&B"),
    ("R & B", RNB, Verdict.EXACT, "R&B"),
]


@pytest.mark.parametrize(("typed", "answers", "verdict", "expected"), MATCHING_TABLE)
def test_matching_table(typed: str, answers: list[str], verdict: Verdict, expected: str) -> None:
    match = check_answer(typed, answers)
    assert (match.verdict, match.expected) == (verdict, expected)


def test_table_is_big_enough() -> None:
    assert len(MATCHING_TABLE) >= 20


@pytest.mark.parametrize(
    ("verdict", "grade"),
    [(Verdict.EXACT, Grade.PERFECT), (Verdict.TYPO, Grade.GOOD), (Verdict.WRONG, Grade(1))],
)
def test_suggested_grade(verdict: Verdict, grade: Grade) -> None:
    assert verdict.suggested_grade is grade


def test_match_carries_grade_and_acceptance() -> None:
    assert check_answer("codec", CODEC).suggested_grade == 5
    assert check_answer("codek", CODEC).suggested_grade == 4
    assert check_answer("codek", CODEC).accepted
    assert check_answer("synth", CODEC).suggested_grade == 1
    assert not check_answer("synth", CODEC).accepted


def test_no_accepted_forms_is_wrong() -> None:
    match = check_answer("anything", ["", "  ", "--"])
    assert match.verdict is Verdict.WRONG
    assert match.expected == ""


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("  The Mel-Spectrogram! ", "mel spectrogram"),
        ("Crème Brûlée", "creme brulee"),
        ("A", "a"),  # an answer made only of an article keeps it
        ("Rock & Roll", "rock and roll"),
        ("an  A/B test", "b test"),
    ],
)
def test_normalize(text: str, normal: str) -> None:
    assert normalize(text) == normal


@pytest.mark.parametrize(
    ("length", "edits"), [(1, 0), (3, 0), (4, 1), (7, 1), (8, 2), (14, 2), (15, 3), (40, 3)]
)
def test_allowed_typos_scale_with_length(length: int, edits: int) -> None:
    assert allowed_typos(length) == edits


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("", "abc", 3),
        ("codec", "codec", 0),
        ("codec", "codek", 1),
        ("codec", "cdoec", 1),
        ("kitten", "sitting", 3),
        ("abc", "", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_diff_keeps_the_answers_spelling_and_marks_changes() -> None:
    parts = diff("audio codek", "Audio Codec")
    assert parts == (
        DiffPart(DiffOp.EQUAL, "Audio Code"),
        DiffPart(DiffOp.EXTRA, "k"),
        DiffPart(DiffOp.MISSING, "c"),
    )
    assert diff_markup(parts) == "Audio Code[-k-]{+c+}"


def test_diff_of_missing_and_extra_letters() -> None:
    assert diff_markup(diff("adio codecs", "Audio Codec")) == "A{+u+}dio Codec[-s-]"
    assert diff_markup(diff("", "GAN")) == "{+GAN+}"
    assert diff_markup(diff("démoscène", "Demoscene")) == "Demoscene"


def test_diff_leaves_out_what_matching_ignores() -> None:
    assert diff_markup(diff("the auto-regresive model", "Autoregressive Model")) == (
        "Autoregre{+s+}sive Model"
    )
    assert diff_markup(diff("audiocodec", "Audio Codec")) == "Audio Codec"
    assert diff_markup(diff("loudnes war", "The Loudness War")) == "The Loudnes{+s+} War"
    assert diff_markup(diff("  a  ", "A")) == "A"


def test_match_diff_is_against_the_closest_form() -> None:
    match = check_answer("generative adverserial network", GAN)
    assert diff_markup(match.diff) == "Generative Advers[-e-]{+a+}rial Network"


_words = st.text(alphabet="abcdeéßAZ -'.&_12", min_size=0, max_size=30)


@given(_words)
def test_every_answer_matches_itself_exactly(text: str) -> None:
    if normalize(text).replace(" ", ""):
        assert check_answer(text, [text]).verdict is Verdict.EXACT
        assert check_answer(f"  {text.upper()}!", [text]).verdict is Verdict.EXACT


@given(_words)
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@given(_words, _words)
def test_diff_rebuilds_the_expected_answer(typed: str, expected: str) -> None:
    parts = diff(typed, expected)
    assert "".join(p.text for p in parts if p.op is not DiffOp.EXTRA) == expected


@given(_words, _words)
def test_edit_distance_is_a_symmetric_bound(a: str, b: str) -> None:
    d = edit_distance(a, b)
    assert d == edit_distance(b, a)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
