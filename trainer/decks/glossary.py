"""Importing a glossary document into decks.

A document in the source's shape is plain text: intro text (ignored), then
sections. A section starts with a heading such as "A–E: Foundational Terms"; in it
each entry is a term line followed by its definition paragraph. The importer
splits each paragraph into the definition (its first sentence) and the details
(the rest), and reports what it leaves out or cannot trust:

- promotional lines and sentences ("our ... guide", "the ... glossary on ...")
  are never part of an entry; each is reported as `Skipped`;
- a paragraph that does not end in sentence punctuation was cut off; it is kept
  as it is and reported as `CutOff`, for a person to complete.

Aliases come from the term: "GAN (Generative Adversarial Network)" gives "GAN" and
"Generative Adversarial Network"; "Groove/Timing Quantization" gives "Groove
Quantization" and "Timing Quantization"; a qualifier such as "(in AI Music)"
gives only the bare term. An expansion right after the term in the definition
("A MIDI-LLM (MIDI Language Model) is ...") is an alias too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from trainer.decks.cards import slash_variants, split_term
from trainer.decks.format import slugify
from trainer.errors import DeckFormatError
from trainer.model import Deck, Entry, Source

HEADING_RE = re.compile(r"^(?P<range>[A-Z0-9]\s*[–—-]\s*[A-Z0-9])\s*:\s*(?P<name>\S.*)$")

# Sentences that advertise another article are not glossary text.
PROMOTION_RES = (
    re.compile(
        r"\bour\b.{0,80}?\b(guide|comparison|roundup|review|article|tutorial|post|overview)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bthe\b.{0,80}?\b(glossary|guide|article)\s+on\s+[A-Z]", re.IGNORECASE),
    re.compile(r"\b(check out|read more|click here|sign up|subscribe)\b", re.IGNORECASE),
)

# Words ending in "." that do not end a sentence ("etc." often does, so it is not here).
ABBREVIATIONS = frozenset({"e.g.", "i.e.", "vs.", "cf.", "approx.", "mr.", "dr.", "mrs.", "st."})
_BOUNDARY_RE = re.compile(r"[.!?…][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_END_RE = re.compile(r"[.!?…][\"”’')\]]*$")
_TERM_MAX_WORDS = 8


@dataclass(frozen=True)
class Section:
    """One heading of the document and the entries under it."""

    title: str
    line: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Skipped:
    """A line or sentence the importer left out, and why."""

    line: int
    text: str
    reason: str  # "promotional" | "intro" | "no term"


@dataclass(frozen=True)
class CutOff:
    """An entry whose paragraph stops without sentence punctuation."""

    line: int
    entry: str  # the entry id
    term: str
    ending: str  # the last words of the paragraph


@dataclass(frozen=True)
class GlossaryImport:
    sections: tuple[Section, ...]
    skipped: tuple[Skipped, ...]
    cut_off: tuple[CutOff, ...]


def is_promotional(text: str) -> bool:
    return any(pattern.search(text) for pattern in PROMOTION_RES)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph; "e.g.", "i.e.", "vs." and decimals do not end one."""
    sentences: list[str] = []
    start = 0
    for found in _BOUNDARY_RE.finditer(paragraph):
        word = paragraph[start : found.start() + 1].split()[-1].lstrip('("“‘[').lower()
        if word in ABBREVIATIONS or re.fullmatch(r"([a-z]\.){2,}|[a-z]\.", word):
            continue
        sentences.append(paragraph[start : found.end()].strip())
        start = found.end()
    rest = paragraph[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def first_sentence(paragraph: str) -> tuple[str, str]:
    """(the first sentence, the rest of the paragraph)."""
    sentences = split_sentences(paragraph)
    if not sentences:
        return "", ""
    return sentences[0], " ".join(sentences[1:])


def aliases_for_term(term: str, definition: str = "") -> tuple[str, ...]:
    """Other names a term line and its definition give: expansions and slash variants."""
    base, expansions = split_term(term)
    found: list[str] = []
    if base != term:
        found.append(base)
    found += expansions
    found += slash_variants(base)[:-1]  # each option; not the "A or B" phrase
    in_text = re.search(re.escape(base) + r"\s*\(([A-Z][^()]*)\)", definition)
    if in_text:
        found.append(in_text.group(1).strip())
    unique: list[str] = []
    for name in found:
        if name.casefold() != term.casefold() and name.casefold() not in map(str.casefold, unique):
            unique.append(name)
    return tuple(unique)


def _is_heading(line: str) -> re.Match[str] | None:
    return HEADING_RE.match(line)


def _looks_like_term(line: str) -> bool:
    return (
        len(line.split()) <= _TERM_MAX_WORDS
        and not _END_RE.search(line)
        and not line.endswith((",", ";", ":"))
        and not line[:1].islower()
    )


@dataclass
class _Open:
    term: str
    line: int
    paragraphs: list[tuple[int, str]]


def parse_glossary(text: str, path: Path | str = "<glossary>") -> GlossaryImport:
    """Parse a glossary document into sections of entries (see the module docstring).

    Raises DeckFormatError for a document without headings, a term line without a
    paragraph, or a term that appears twice.
    """
    path = Path(path)
    lines = [(number, line.strip()) for number, line in enumerate(text.split("\n"), start=1)]
    lines = [(number, line) for number, line in lines if line]
    sections: list[Section] = []
    skipped: list[Skipped] = []
    cut_off: list[CutOff] = []
    title: str | None = None
    title_line = 0
    entries: list[Entry] = []
    current: _Open | None = None
    seen: dict[str, int] = {}

    def close_entry() -> None:
        nonlocal current
        if current is None:
            return
        entry, ending = _make_entry(current, skipped, path)
        if ending is not None:
            cut_off.append(CutOff(current.paragraphs[0][0], entry.id, entry.term, ending))
        key = entry.id
        if key in seen:
            message = f"the term {entry.term!r} appears twice (first at line {seen[key]})"
            raise DeckFormatError(path, current.line, message)
        seen[key] = current.line
        entries.append(entry)
        current = None

    def close_section() -> None:
        nonlocal entries
        close_entry()
        if title is not None:
            sections.append(Section(title, title_line, tuple(entries)))
        entries = []

    for index, (number, line) in enumerate(lines):
        heading = _is_heading(line)
        if heading:
            close_section()
            title, title_line = line, number
            continue
        if title is None:
            reason = "promotional" if is_promotional(line) else "intro"
            skipped.append(Skipped(number, line, reason))
            continue
        following = lines[index + 1][1] if index + 1 < len(lines) else None
        if _looks_like_term(line):
            if following is None or _is_heading(following) or _looks_like_term(following):
                raise DeckFormatError(
                    path, number, f"the term {line!r} has no definition paragraph after it"
                )
            close_entry()
            current = _Open(line, number, [])
            continue
        if current is None or (current.paragraphs and is_promotional(line)):
            reason = "promotional" if is_promotional(line) else "no term"
            skipped.append(Skipped(number, line, reason))
            continue
        current.paragraphs.append((number, line))
    close_section()
    if not sections:
        raise DeckFormatError(
            path,
            None,
            "no section headings found; start each section with a line like "
            "'A–E: Foundational Terms'",
        )
    return GlossaryImport(tuple(sections), tuple(skipped), tuple(cut_off))


def _make_entry(current: _Open, skipped: list[Skipped], path: Path) -> tuple[Entry, str | None]:
    """The entry of a term and its paragraphs, and the cut-off ending (None if complete)."""
    kept_paragraphs: list[str] = []
    ending: str | None = None
    for number, paragraph in current.paragraphs:
        kept: list[str] = []
        for sentence in split_sentences(paragraph):
            if is_promotional(sentence):
                skipped.append(Skipped(number, sentence, "promotional"))
            else:
                kept.append(sentence)
        if kept:
            kept_paragraphs.append(" ".join(kept))
    if not kept_paragraphs:
        raise DeckFormatError(
            path, current.line, f"the term {current.term!r} has no definition paragraph after it"
        )
    last = kept_paragraphs[-1]
    if not _END_RE.search(last):
        ending = " ".join(last.split()[-6:])
    definition, rest = first_sentence(kept_paragraphs[0])
    details = "\n\n".join(part for part in [rest, *kept_paragraphs[1:]] if part)
    base, _ = split_term(current.term)
    entry = Entry(
        id=slugify(base),
        term=current.term,
        definition=definition,
        aliases=aliases_for_term(current.term, definition),
        details=details,
        source=Source.GLOSSARY,
        line=current.line,
    )
    return entry, ending


def default_slug(title: str) -> str:
    """A deck slug for a section heading: "A–E: Foundational Terms" -> "foundational-terms"."""
    heading = HEADING_RE.match(title)
    return slugify(heading.group("name") if heading else title)


def section_deck(section: Section, *, slug: str, description: str, anki_deck_id: int) -> Deck:
    """A deck of one imported section (entries keep the source's order)."""
    return Deck(
        slug=slug,
        title=section.title,
        description=description,
        anki_deck_id=anki_deck_id,
        entries=tuple(replace(entry, line=None) for entry in section.entries),
    )
