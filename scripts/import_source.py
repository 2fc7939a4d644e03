#!/usr/bin/env python3
"""Regenerate the three glossary decks from decks/source-glossary.txt.

    python scripts/import_source.py           # write decks/<slug>.toml of the three sections
    python scripts/import_source.py --check   # exit 1 if a deck file is not what it would write

The text of every entry (term, definition, details) comes from the importer
(`trainer.decks.glossary.parse_glossary`) run on the provenance copy of the source. On top
of it this script adds our curation, kept here so that it is reviewed in one place:
deck slugs, descriptions and Anki deck ids; extra aliases (short forms, spellings)
and tags for learners; and the completion of the entry the source cuts off.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

from trainer.decks.format import deck_to_toml
from trainer.decks.glossary import GlossaryImport, parse_glossary, section_deck
from trainer.model import Deck, Entry

ROOT = Path(__file__).resolve().parent.parent
DECKS = ROOT / "decks"
SOURCE = DECKS / "source-glossary.txt"


@dataclass(frozen=True)
class DeckSpec:
    heading: str
    slug: str
    description: str
    anki_deck_id: int  # chosen once; never change it (Anki matches decks by id)


SECTIONS = (
    DeckSpec(
        heading="A–E: Foundational Terms",
        slug="foundational",
        description="Core vocabulary of AI music generation: how audio is represented and "
        "compressed, how models are trained and adapted, and how they go wrong.",
        anki_deck_id=1852004117,
    ),
    DeckSpec(
        heading="F–L: Models and Architectures",
        slug="models-architectures",
        description="The model families behind AI music (diffusion models, GANs, VAEs, "
        "Transformers) and named systems such as Encodec, MusicGen, Riffusion and Stable Audio.",
        anki_deck_id=1852004229,
    ),
    DeckSpec(
        heading="M–R: Generation and Inference",
        slug="generation-inference",
        description="Steering and running a model: frameworks, guidance and conditioning, "
        "few-shot adaptation, inference speed and inpainting.",
        anki_deck_id=1852004331,
    ),
)


@dataclass(frozen=True)
class Curation:
    aliases: tuple[str, ...] = ()  # added after the importer's aliases
    tags: tuple[str, ...] = ()


CURATION: dict[str, dict[str, Curation]] = {
    "foundational": {
        "audio-codec": Curation(("codec",), ("audio", "compression")),
        "attention-mechanism": Curation(("attention",), ("architecture",)),
        "autoregressive-model": Curation(("autoregressive",), ("architecture", "generation")),
        "bit-depth": Curation((), ("audio",)),
        "embedding": Curation((), ("representation",)),
        "fine-tuning": Curation(("fine-tune", "finetuning"), ("training",)),
        "groove-timing-quantization": Curation((), ("rhythm", "midi")),
        "hallucination": Curation((), ("quality",)),
        "latent-space": Curation((), ("representation",)),
        "midi-llm": Curation((), ("model", "midi")),
    },
    "models-architectures": {
        "diffusion-model": Curation(("diffusion",), ("architecture",)),
        "encodec": Curation((), ("model", "compression")),
        "gan": Curation((), ("architecture",)),
        "musicgen": Curation((), ("model",)),
        "riffusion": Curation((), ("model",)),
        "spectrogram": Curation((), ("audio", "representation")),
        "stable-audio": Curation((), ("model",)),
        "tokenization": Curation(("tokenisation",), ("representation",)),
        "transformer-architecture": Curation(("Transformer",), ("architecture",)),
        "vae": Curation(("variational auto-encoder",), ("architecture",)),
    },
    "generation-inference": {
        "audiocraft": Curation((), ("model",)),
        "cfg-scale": Curation(("guidance scale",), ("diffusion", "control")),
        "conditioning": Curation((), ("control",)),
        "few-shot-learning": Curation(("few-shot",), ("training",)),
        "inference-time": Curation((), ("performance",)),
        "inpainting": Curation(("infilling",), ("editing", "generation")),
    },
}


@dataclass(frozen=True)
class Completion:
    """Our ending for a paragraph the source cuts off."""

    cut: str  # how the source's text ends
    completed: str  # what replaces that ending
    origin: str


COMPLETIONS: dict[tuple[str, str], Completion] = {
    ("generation-inference", "inpainting"): Completion(
        cut="commonly used for inpain",
        completed="commonly used for inpainting: the model generates only the missing "
        "region, conditioned on the material around it, so that the new passage joins "
        "smoothly with what comes before and after.",
        origin="details completed by the trainer authors: the source breaks off mid-word "
        '("…commonly used for inpain"); everything after "inpain" is ours',
    ),
}


def _curate(slug: str, entry: Entry) -> Entry:
    curation = CURATION[slug].get(entry.id)
    if curation is None:
        raise SystemExit(f"no curation for {slug}/{entry.id}: add it to CURATION")
    aliases = list(entry.aliases)
    for alias in curation.aliases:
        if alias.casefold() not in (a.casefold() for a in aliases):
            aliases.append(alias)
    entry = replace(entry, aliases=tuple(aliases), tags=curation.tags)
    completion = COMPLETIONS.get((slug, entry.id))
    if completion is not None:
        if not entry.details.endswith(completion.cut):
            raise SystemExit(f"{slug}/{entry.id}: the source no longer ends in {completion.cut!r}")
        details = entry.details[: -len(completion.cut)] + completion.completed
        entry = replace(entry, details=details, origin=completion.origin)
    return entry


def build_decks(imported: GlossaryImport | None = None) -> list[Deck]:
    """The three curated glossary decks, in section order."""
    if imported is None:
        imported = parse_glossary(SOURCE.read_text(encoding="utf-8"), SOURCE)
    by_title = {section.title: section for section in imported.sections}
    completed = {key[1] for key in COMPLETIONS}
    for cut in imported.cut_off:
        if cut.entry not in completed:
            raise SystemExit(f"{SOURCE}:{cut.line}: {cut.term!r} is cut off: add a completion")
    decks = []
    for spec in SECTIONS:
        section = by_title[spec.heading]
        deck = section_deck(
            section,
            slug=spec.slug,
            description=spec.description,
            anki_deck_id=spec.anki_deck_id,
        )
        entries = tuple(_curate(spec.slug, entry) for entry in deck.entries)
        decks.append(replace(deck, entries=entries))
    return decks


HEADER = (
    "# Generated by scripts/import_source.py from decks/source-glossary.txt:\n"
    "# edit the curation in that script (or the source copy) and re-run it.\n\n"
)


def rendered() -> dict[Path, str]:
    """Deck file path -> the text this script writes there."""
    return {DECKS / f"{deck.slug}.toml": HEADER + deck_to_toml(deck) for deck in build_decks()}


def main(argv: list[str]) -> int:
    files = rendered()
    if argv[1:] == ["--check"]:
        stale = [
            path
            for path, text in files.items()
            if not path.exists() or path.read_text(encoding="utf-8") != text
        ]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is not what scripts/import_source.py writes")
        return 1 if stale else 0
    if argv[1:]:
        print(__doc__)
        return 2
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
