"""Cards from deck entries, and masking an entry's names out of its definition.

Each entry yields a forward card (front: the term; back: the definition, then the
details) and a reverse card (front: the definition, or the entry's own `reverse`
prompt, with every name of the entry and its `mask` words masked as "____"; back:
the term). Card ids are `slug/entry-id/direction`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from trainer.model import Card, Deck, Direction, Entry

MASK = "____"

# "(in AI Music)" qualifies a term; "(Generative Adversarial Network)" expands it.
_QUALIFIER_WORDS = frozenset({"in", "for", "of", "as", "on", "at", "from", "with", "e.g.", "i.e."})
_PAREN_RE = re.compile(r"^(?P<base>.+?)\s*\((?P<inner>[^()]+)\)\s*$")


def split_term(term: str) -> tuple[str, list[str]]:
    """The base of a term and its parenthesised expansions (qualifiers are dropped).

    "GAN (Generative Adversarial Network)" -> ("GAN", ["Generative Adversarial Network"]);
    "Hallucination (in AI Music)" -> ("Hallucination", []).
    """
    found = _PAREN_RE.match(term.strip())
    if not found:
        return term.strip(), []
    base, inner = found.group("base").strip(), found.group("inner").strip()
    first = inner.split()[0] if inner.split() else ""
    if not first or first.lower() in _QUALIFIER_WORDS or first[0].islower():
        return base, []
    return base, [inner]


def slash_variants(name: str) -> list[str]:
    """Names of a term with a slash: each option, and both joined by "or".

    "Groove/Timing Quantization" -> "Groove Quantization", "Timing Quantization",
    "Groove or Timing Quantization" (the way a sentence names both).
    """
    words = name.split()
    for index, word in enumerate(words):
        if "/" in word and not word.startswith("/") and not word.endswith("/"):
            options = word.split("/")
            before, after = words[:index], words[index + 1 :]
            variants = [" ".join([*before, option, *after]) for option in options]
            variants.append(" ".join([*before, " or ".join(options), *after]))
            return variants
    return []


def answers_for(entry: Entry) -> list[str]:
    """Every name of an entry: term, aliases, their expansions and slash variants (no repeats)."""
    found: list[str] = []
    seen: set[str] = set()

    def add(name: str) -> None:
        name = name.strip()
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            found.append(name)
            base, expansions = split_term(name)
            if base != name:
                add(base)
            for expansion in expansions:
                add(expansion)
            for variant in slash_variants(name):
                add(variant)

    add(entry.term)
    for alias in entry.aliases:
        add(alias)
    return found


_SEP = r"[\s\-‐‑–]+"  # words of a name may be joined by spaces or hyphens ("fine-tuning")
_ENDINGS = ("ings", "ing", "ed", "es", "e", "s", "y")
_TAIL = r"(?:ings|ing|ies|ied|ed|es|e|s|y)?(?:['’]s|['’])?"  # inflections and possessives
# The same for an ASCII text, where the other dashes and ’ cannot occur. Python's re
# compiles a class holding a character beyond Latin-1 slowly (a few hundred µs each time),
# and a big deck compiles one pattern per entry.
_ASCII_SEP = r"[\s\-]+"
_ASCII_TAIL = r"(?:ings|ing|ies|ied|ed|es|e|s|y)?(?:'s|')?"


def _stem(word: str) -> str:
    """A crude stem for masking: drop one inflection if enough of the word remains."""
    lower = word.lower()
    for ending in _ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@functools.lru_cache(maxsize=4096)
def _words(answer: str) -> tuple[tuple[str, ...], str, str]:
    """The words of an answer but the last, the last one's stem, and the rest of it
    (a blank answer has no stem: it has no pattern)."""
    words = [w for w in re.split(_SEP, answer.strip()) if w]
    if not words:
        return (), "", ""
    last = words[-1]
    stem = _stem(last) if last.isalpha() else last
    return tuple(words[:-1]), stem, last[len(stem) :]


def answer_pattern(answer: str, *, ascii_text: bool = False) -> str:
    """A regex (without flags) for one answer with any case, spacing/hyphens and inflection.

    With `ascii_text` the pattern is only meant for ASCII texts: it leaves out the
    separators and apostrophe that cannot occur there (same matches, faster to compile).
    """
    before, stem, ending = _words(answer)
    if not stem:
        return ""
    sep, tail = (_ASCII_SEP, _ASCII_TAIL) if ascii_text else (_SEP, _TAIL)
    # The word itself stays a form: "Bus" + "es", "GPS" + "s".
    tail = (f"(?:{re.escape(ending)})?" if ending else "") + tail
    parts = [re.escape(w) for w in before] + [re.escape(stem) + tail]
    return r"(?<![\w])" + sep.join(parts) + r"(?![\w])"


@functools.lru_cache(maxsize=4096)
def _ascii_pieces(answer: str) -> tuple[str, ...] | None:
    """The literal pieces (lowercased) every match of the answer contains; None if the
    answer is not ASCII (case-insensitive matching may then pair it with ASCII letters,
    "ſ" with "s")."""
    before, stem, _ = _words(answer)
    pieces = (*before, stem)
    if not "".join(pieces).isascii():
        return None
    return tuple(piece.lower() for piece in pieces)


def _may_occur(answer: str, lowered: str) -> bool:
    """False only if the answer cannot match the ASCII text whose lowercase is `lowered`."""
    pieces = _ascii_pieces(answer)
    return pieces is None or all(piece in lowered for piece in pieces)


def mask(text: str, answers: Sequence[str]) -> str:
    """Replace every form of every answer in `text` with "____" (longest answers first).

    "An ____" / "a ____" become "A(n) ____" / "a(n) ____" so the article gives nothing away.

    In an ASCII text (the usual case), answers whose words do not all occur in the
    text (ignoring case) are left out before any regex is built: they cannot match,
    and leaving an alternative that never matches out of the alternation changes no
    match. Most definitions then need no regex at all.
    """
    ordered = tuple(a for a in sorted(set(answers), key=lambda a: (-len(a), a)) if _words(a)[1])
    if not ordered:
        return text
    ascii_text = text.isascii()
    if ascii_text:
        lowered = text.lower()
        ordered = tuple(answer for answer in ordered if _may_occur(answer, lowered))
    pattern = _answers_regex(ordered, ascii_text) if ordered else None
    masked = pattern.sub(MASK, text) if pattern is not None else text
    return _ARTICLE_RE.sub(r"\1(n) ", masked) if MASK in masked else masked


_ARTICLE_RE = re.compile(r"\b([Aa])n? (?=" + re.escape(MASK) + ")")


@functools.lru_cache(maxsize=1024)
def _answers_regex(answers: tuple[str, ...], ascii_text: bool) -> re.Pattern[str] | None:
    """One compiled alternation of the answers, longest first (so "A or B x" beats "B x")."""
    patterns = [p for p in (answer_pattern(a, ascii_text=ascii_text) for a in answers) if p]
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


def mask_words(entry: Entry) -> list[str]:
    """What the reverse prompt hides: every name of the entry, then its extra `mask` words
    (those hide a give-away word; they are never accepted as answers)."""
    return [*answers_for(entry), *entry.mask]


def reverse_prompt(entry: Entry) -> str:
    """The reverse card's front: the entry's own `reverse` prompt if it has one, else its
    definition, with every name and `mask` word replaced by "____"."""
    return mask(entry.reverse or entry.definition, mask_words(entry))


def forward_back(entry: Entry) -> str:
    """The definition, then a blank line and the details (if any)."""
    return f"{entry.definition}\n\n{entry.details}" if entry.details else entry.definition


def cards_for_entry(deck_slug: str, entry: Entry, index: int) -> list[Card]:
    forward = Card(
        id=f"{deck_slug}/{entry.id}/{Direction.FORWARD.value}",
        deck=deck_slug,
        entry=entry.id,
        direction=Direction.FORWARD,
        front=entry.term,
        back=forward_back(entry),
        term=entry.term,
        ord=index * 2,
    )
    reverse = Card(
        id=f"{deck_slug}/{entry.id}/{Direction.REVERSE.value}",
        deck=deck_slug,
        entry=entry.id,
        direction=Direction.REVERSE,
        front=reverse_prompt(entry),
        back=entry.term,
        term=entry.term,
        ord=index * 2 + 1,
    )
    return [forward, reverse]


def cards_for_deck(deck: Deck) -> list[Card]:
    """Two cards per entry in entry order: forward then reverse."""
    cards: list[Card] = []
    for index, entry in enumerate(deck.entries):
        cards += cards_for_entry(deck.slug, entry, index)
    return cards
