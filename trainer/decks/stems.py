"""Stem leaks: words of a reverse prompt that share their stem with a word of the answer.

Masking hides an entry's names as whole names ("Encodec", "fine-tuned"), but a prompt can
still give the answer away through part of a word: "tokens" for Tokenization, "chips" for
Chiptune, "codec" for Encodec, "Stability AI" for Stable Audio. This module finds such
words, for `deck check` (a warning) and for the tests of the bundled decks (none allowed).

The answer's words are the words of every name of the entry (`answers_for`: the term, its
aliases, expansions and slash options; a qualifier such as "(in AI Music)" is not a name),
at least three characters long, not only digits and not a function word. A prompt word is
related to an answer word when, ignoring case and accents,

- both have the same crude stem (one inflectional or derivational ending removed:
  "tokens" and "tokenization" -> "token"),
- or their stems begin with the same four or more letters, covering at least three
  quarters of the shorter stem ("chip"/"chiptun", "riff"/"riffus", "spectrum"/"spectrogram",
  "stabl"/"stabil"),
- or one word ends with the beginning of the other, over five or more letters or all of
  the shorter word (compound parts: "codec" in "encodec", "synth" in "softsynth" and
  "synthesizer").

The rule is deliberately eager: a false alarm costs an instructor one look, a missed leak
costs every learner the card.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from trainer.decks.cards import MASK, answers_for, reverse_prompt, split_term
from trainer.model import Entry

#: Words too common to count as part of an answer.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)
_ENDINGS = (
    "izations",
    "ization",
    "isations",
    "isation",
    "ations",
    "ation",
    "ities",
    "ity",
    "ings",
    "ing",
    "ions",
    "ion",
    "ers",
    "er",
    "ies",
    "ied",
    "ed",
    "es",
    "s",
    "e",
    "y",
)
_MIN_STEM = 3  # an ending is removed only if this much of the word remains
_MIN_PREFIX = 4  # letters two stems must share at the start
_PREFIX_SHARE = 0.75  # ... covering this much of the shorter stem
_MIN_OVERLAP = 5  # letters of a compound part (or the whole shorter word)
_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class StemLeak:
    """A prompt word that gives part of the answer away, and the answer word it shares."""

    word: str  # as it appears in the prompt
    answer_word: str  # normalised (lowercase, no accents)


def normalise(word: str) -> str:
    """Lowercase without accents: "Fréchet" -> "frechet"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A normalised word with one ending removed, if enough of it remains."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _overlaps(x: str, y: str) -> bool:
    """Does `x` end with the beginning of `y` (a compound part they share)?"""
    for size in range(min(len(x), len(y)), _MIN_PREFIX - 1, -1):
        if x.endswith(y[:size]) and (size >= _MIN_OVERLAP or size in (len(x), len(y))):
            return True
    return False


def related(answer_word: str, word: str) -> bool:
    """Whether two normalised words share a stem (see the module docstring)."""
    if answer_word == word:
        return True
    a, w = stem(answer_word), stem(word)
    if a == w:
        return True
    shared = _common_prefix(a, w)
    if shared >= _MIN_PREFIX and shared >= _PREFIX_SHARE * min(len(a), len(w)):
        return True
    return _overlaps(answer_word, word) or _overlaps(word, answer_word)


def _counts(word: str) -> bool:
    """Whether a normalised word takes part: three or more characters, a letter among them,
    not a function word ("100" or "of" never give an answer away)."""
    return len(word) >= 3 and not word.isdigit() and word not in FUNCTION_WORDS


def answer_words(entry: Entry) -> list[str]:
    """The normalised words of every name of the entry (qualifiers left out)."""
    found: list[str] = []
    for name in answers_for(entry):
        base, expansions = split_term(name)
        if base != name and not expansions:  # "Hallucination (in AI Music)": a qualifier
            continue
        for word in _WORD_RE.findall(name):
            key = normalise(word)
            if _counts(key) and key not in found:
                found.append(key)
    return found


def stem_leaks(entry: Entry, prompt: str | None = None) -> list[StemLeak]:
    """The words of the reverse prompt (by default the entry's own) related to the answer."""
    text = reverse_prompt(entry) if prompt is None else prompt
    words = answer_words(entry)
    leaks: list[StemLeak] = []
    for word in _WORD_RE.findall(text.replace(MASK, " ")):
        key = normalise(word)
        if not _counts(key):
            continue
        for answer_word in words:
            if related(answer_word, key):
                leaks.append(StemLeak(word, answer_word))
                break
    return leaks
