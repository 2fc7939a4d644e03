"""Typed answers: lenient matching against every accepted form, and a diff for display.

`check_answer(typed, answers)` compares what the learner typed with every form of the
answer (`trainer.decks.cards.answers_for`: the term, its aliases, parenthesised expansions,
slash variants). Matching ignores case, accents, punctuation, spacing and the articles
"a", "an" and "the", so "the Auto-Encoder" matches "autoencoder". A small typo is
accepted: the edit distance (insertions, deletions, substitutions and swaps of two
neighbouring letters) may be at most 0 for answers of up to 3 letters, 1 up to 7,
2 up to 14 and 3 beyond; adding or dropping a final plural "s" also counts as a typo.

The verdict suggests an SM-2 grade: exact 5, typo 4, wrong 1. The learner confirms
or overrides it. Pure: no I/O, no rich.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from trainer.model import Grade

ARTICLES = frozenset({"a", "an", "the"})


class Verdict(StrEnum):
    """How a typed answer compares with the accepted forms."""

    EXACT = "exact"  # equal after normalising case, accents, punctuation, spacing, articles
    TYPO = "typo"  # accepted with a small typo
    WRONG = "wrong"

    @property
    def suggested_grade(self) -> Grade:
        return {
            Verdict.EXACT: Grade.PERFECT,
            Verdict.TYPO: Grade.GOOD,
            Verdict.WRONG: Grade.INCORRECT_REMEMBERED,
        }[self]


class DiffOp(StrEnum):
    EQUAL = "equal"  # typed as in the answer (up to case and accents)
    EXTRA = "extra"  # typed, but not in the answer
    MISSING = "missing"  # in the answer, but not typed


@dataclass(frozen=True)
class DiffPart:
    op: DiffOp
    text: str


@dataclass(frozen=True)
class Match:
    """The result of checking one typed answer."""

    verdict: Verdict
    typed: str
    expected: str  # the form matched (closest one), or the main form when wrong ("" if none)
    distance: int  # edit distance between the normalised forms
    diff: tuple[DiffPart, ...]  # typed -> expected, character by character

    @property
    def suggested_grade(self) -> Grade:
        return self.verdict.suggested_grade

    @property
    def accepted(self) -> bool:
        return self.verdict is not Verdict.WRONG


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, no articles, single spaces.

    >>> normalize("  The Mel-Spectrogram! ")
    'mel spectrogram'
    """
    folded = _strip_accents(text).casefold().replace("&", " and ")
    words = re.sub(r"[\W_]+", " ", folded).split()
    kept = [w for w in words if w not in ARTICLES]
    return " ".join(kept or words)


def _key(text: str) -> str:
    """The form compared for equality: normalised, with spacing ignored."""
    return normalize(text).replace(" ", "")


def allowed_typos(length: int) -> int:
    """How many edits a normalised answer of `length` letters tolerates."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 14:
        return 2
    return 3


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swap of two neighbours counts as one edit."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _is_plural_of(a: str, b: str) -> bool:
    return a == b + "s" or a == b + "es" or b == a + "s" or b == a + "es"


def _ignorable(text: str, *, words: bool = True) -> bool:
    """Text the matching ignores: punctuation and spacing (and, if `words`, articles)."""
    found = re.sub(r"[\W_]+", " ", text.casefold()).split()
    return all(words and word in ARTICLES for word in found)


def diff(typed: str, expected: str) -> tuple[DiffPart, ...]:
    """Character diff from `typed` to `expected`, comparing case- and accent-insensitively.

    Equal stretches keep the expected text (so the display shows the answer's spelling);
    a replaced stretch gives EXTRA (what was typed) then MISSING (what was expected).
    What the matching ignores is not marked: articles, punctuation and spacing typed
    in excess are left out, and those missing are shown as equal.
    """
    a = typed.strip()
    without_articles = re.sub(r"(?i)\b(?:a|an|the)\b", " ", a)
    if not _ignorable(without_articles):
        a = " ".join(without_articles.split())
    fa = [_fold_char(c) for c in a]
    fb = [_fold_char(c) for c in expected]
    parts: list[DiffPart] = []

    def add(op: DiffOp, text: str) -> None:
        if not text:
            return
        if parts and parts[-1].op is op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    def whole_words(j1: int, j2: int) -> bool:
        """Whether the letters in expected[j1:j2] are whole words of `expected`."""
        alnum = [j for j in range(j1, j2) if expected[j].isalnum()]
        if not alnum:
            return True
        k1, k2 = alnum[0], alnum[-1] + 1
        before = k1 == 0 or not expected[k1 - 1].isalnum()
        after = k2 == len(expected) or not expected[k2].isalnum()
        return before and after

    matcher = difflib.SequenceMatcher(None, fa, fb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(DiffOp.EQUAL, expected[j1:j2])
            continue
        extra, missing = a[i1:i2], expected[j1:j2]
        if not _ignorable(extra, words=False):
            add(DiffOp.EXTRA, extra)
        ignored = _ignorable(missing, words=whole_words(j1, j2))
        add(DiffOp.EQUAL if ignored else DiffOp.MISSING, missing)
    return tuple(parts)


def _fold_char(c: str) -> str:
    folded = _strip_accents(c).casefold()
    return folded if len(folded) == 1 else c


def check_answer(typed: str, answers: Sequence[str]) -> Match:
    """Compare `typed` with every accepted form; the closest form decides the verdict."""
    forms = [a for a in dict.fromkeys(a.strip() for a in answers) if a and _key(a)]
    typed_key = _key(typed)
    if not forms:
        return Match(Verdict.WRONG, typed, "", len(typed_key), diff(typed, ""))
    if not typed_key:
        first = forms[0]
        return Match(Verdict.WRONG, typed, first, len(_key(first)), diff(typed, first))

    best: tuple[int, int, str] | None = None  # (rank, distance, form); rank 0 exact 1 typo 2 wrong
    for form in forms:
        form_key = _key(form)
        distance = edit_distance(typed_key, form_key)
        if distance == 0:
            rank = 0
        elif distance <= allowed_typos(len(form_key)) or _is_plural_of(typed_key, form_key):
            rank = 1
        else:
            rank = 2
        candidate = (rank, distance, form)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    assert best is not None
    rank, distance, form = best
    if rank == 2:  # nothing close: show the main form, not the least distant one
        form = forms[0]
        distance = edit_distance(typed_key, _key(form))
    verdict = (Verdict.EXACT, Verdict.TYPO, Verdict.WRONG)[rank]
    return Match(verdict, typed, form, distance, diff(typed, form))


def diff_markup(parts: Sequence[DiffPart]) -> str:
    """Plain-text diff readable without colour: `[-typed-]` was extra, `{+answer+}` was missing."""
    out = []
    for part in parts:
        if part.op is DiffOp.EQUAL:
            out.append(part.text)
        elif part.op is DiffOp.EXTRA:
            out.append(f"[-{part.text}-]")
        else:
            out.append(f"{{+{part.text}+}}")
    return "".join(out)
