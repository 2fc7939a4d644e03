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

from trainer.decks.format import deck_to_toml, parse_deck
from trainer.decks.glossary import GlossaryImport, parse_glossary, section_deck
from trainer.model import CorrectedField, Deck, Entry
from trainer.model import Correction as DeckCorrection

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
        "Transformers) and named systems such as EnCodec, MusicGen, Riffusion and Stable Audio.",
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
    mask: tuple[str, ...] = ()  # more words to hide in the reverse prompt
    reverse: str = ""  # our reverse prompt, where the source's definition gives the answer away


CURATION: dict[str, dict[str, Curation]] = {
    "foundational": {
        "audio-codec": Curation(
            ("codec",),
            ("audio", "compression"),
            reverse="The general name for any method, from MP3 and Opus to neural networks such "
            "as SoundStream, that compresses and decompresses digital sound to reduce file size "
            "while preserving perceptual quality.",
        ),
        "attention-mechanism": Curation(("attention",), ("architecture",)),
        "autoregressive-model": Curation(("autoregressive",), ("architecture", "generation")),
        "bit-depth": Curation(
            (),
            ("audio",),
            reverse="The number of binary digits used to store each sample of a digital audio "
            "signal, which sets its dynamic range and fidelity (16 for CD quality, 24 in the "
            "studio).",
        ),
        "embedding": Curation(
            (),
            ("representation",),
            reverse="A dense vector that stands for one discrete item, such as a word, a note or "
            "an audio segment, placed so that related items get nearby vectors a model can take "
            "as input.",
        ),
        "fine-tuning": Curation(("fine-tune", "finetuning"), ("training",)),
        "groove-timing-quantization": Curation(
            (),
            ("rhythm", "midi"),
            reverse="Adjusting when musical events (notes, beats) fall so that they line up with "
            "a grid or reference tempo, optionally keeping subtle human-like variations.",
        ),
        "hallucination": Curation((), ("quality",)),
        "latent-space": Curation(
            (),
            ("representation",),
            reverse="The compressed, lower-dimensional representation a generative model (a VAE, "
            "or a diffusion model working on compressed audio) learns inside itself: data are "
            "encoded into it, and new music is made by sampling there and decoding.",
        ),
        "midi-llm": Curation(
            ("MIDI large language model",),
            ("model", "midi"),
            reverse="A Transformer trained on symbolic note data (notes, velocities, tempo "
            "changes) to generate or edit musical sequences as editable notes rather than audio.",
        ),
    },
    "models-architectures": {
        "diffusion-model": Curation(("diffusion",), ("architecture",)),
        "encodec": Curation(
            ("Encodec",),
            ("model", "compression"),
            reverse="Meta's neural compressor for sound, released in 2022: a convolutional "
            "network with residual vector quantization that turns a waveform into discrete "
            "tokens, the ones MusicGen generates.",
        ),
        "gan": Curation(
            (),
            ("architecture",),
            reverse="A pair of neural models trained against each other in a zero-sum game: one "
            "produces samples, the other judges whether they are real.",
        ),
        "musicgen": Curation(
            (),
            ("model",),
            reverse="Meta's Transformer-based model (2023) that generates songs from text or "
            "melody prompts as sequences of EnCodec tokens.",
        ),
        "riffusion": Curation((), ("model",), mask=("riffs",)),
        "spectrogram": Curation(
            (),
            ("audio", "representation"),
            reverse="A picture of a sound: how strongly each frequency is present, plotted "
            "against time, often with intensity in decibels.",
        ),
        "stable-audio": Curation(
            (),
            ("model",),
            reverse="A latent diffusion model that generates music tracks from text prompts, "
            "trained on licensed recordings; its first version (2023) made pieces of up to 95 "
            "seconds.",
        ),
        "tokenization": Curation(
            ("tokenisation",),
            ("representation",),
            reverse="Converting raw data (audio, MIDI or text) into a sequence of discrete "
            "symbols from a fixed vocabulary that a model can process.",
        ),
        "transformer-architecture": Curation(("Transformer",), ("architecture",)),
        "vae": Curation(
            ("variational auto-encoder",),
            ("architecture",),
            reverse="A generative model that learns to compress data into a latent space whose "
            "points follow a probability distribution, and to reconstruct the data from it.",
        ),
    },
    "generation-inference": {
        "audiocraft": Curation(
            (),
            ("library",),
            reverse="Meta's open-source library for training and running its generation models, "
            "including MusicGen and AudioGen, and the EnCodec codec.",
        ),
        "cfg-scale": Curation(("guidance scale",), ("diffusion", "control")),
        "conditioning": Curation((), ("control",)),
        "few-shot-learning": Curation(("few-shot",), ("training",)),
        "inference-time": Curation((), ("performance",)),
        "inpainting": Curation(("infilling",), ("editing", "generation")),
    },
}


# --- corrections to the source -------------------------------------------------------------
#
# The source states some things that are wrong or out of date. The cards teach our words
# instead; each change is listed here, with the source's words, ours, why, and where to
# check. `--check` proves that every glossary entry equals the source except exactly these.

ENCODEC = (
    "Défossez et al., High Fidelity Neural Audio Compression, arXiv:2210.13438, and "
    "https://github.com/facebookresearch/encodec (Meta's paper and code spell it EnCodec)"
)
AUDIOCRAFT = (
    "AudioCraft README: 'a PyTorch library for deep learning research on audio generation' "
    "(https://github.com/facebookresearch/audiocraft)"
)


@dataclass(frozen=True)
class Correction:
    """One change to an entry's text: the source's words (exactly once in `field`) and ours."""

    slug: str
    entry: str
    field: str  # "term", "definition" or "details"
    was: str  # the source's words, exactly as the importer reads them
    now: str  # what the cards say instead
    reason: str  # one line: what is wrong with the source's words
    reference: str = ""  # paper, model card or documentation to check it against

    def record(self) -> DeckCorrection:
        """The correction as the deck file carries it."""
        return DeckCorrection(
            CorrectedField(self.field), self.was, self.now, self.reason, self.reference
        )


CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        "foundational",
        "audio-codec",
        "details",
        "codecs like Encodec or SoundStream",
        "codecs like EnCodec or SoundStream",
        "the codec's official name is spelled EnCodec",
        ENCODEC,
    ),
    Correction(
        "foundational",
        "attention-mechanism",
        "details",
        "other audio inputs. In a demoscene context, attention mechanisms enable AI tools to "
        "maintain thematic consistency across a full tracker module — for instance, ensuring "
        "that a recurring motif introduced in pattern 0 resurfaces coherently in patterns 16 "
        "and 32 without "
        "manual intervention from the composer.",
        "other audio inputs.",
        "describes a capability of tracker tools that no real tool is shown to have",
    ),
    Correction(
        "foundational",
        "autoregressive-model",
        "details",
        "Techniques like teacher forcing during training help mitigate this issue.",
        "Training with teacher forcing (feeding the true previous element instead of the "
        "model's own output) does not prevent this: the mismatch it leaves between training "
        "and generation, called exposure bias, is what techniques like scheduled sampling "
        "address.",
        "teacher forcing is the training method that causes exposure bias; scheduled "
        "sampling and similar techniques address it",
        "Bengio et al., Scheduled Sampling for Sequence Prediction with Recurrent Neural "
        "Networks, NeurIPS 2015 (arXiv:1506.03099)",
    ),
    Correction(
        "foundational",
        "midi-llm",
        "definition",
        "(MIDI Language Model)",
        "(MIDI large language model)",
        "LLM stands for large language model",
        "Wu, Kim and Huang, MIDI-LLM: Adapting Large Language Models for Text-to-MIDI Music "
        "Generation, 2025 (arXiv:2511.03942)",
    ),
    Correction(
        "foundational",
        "midi-llm",
        "details",
        "Models like Google’s MusicLM or proprietary tools leverage MIDI-LLMs to produce "
        "structured, editable music that can be further refined in a DAW.",
        "Such models produce structured, editable music that can be further refined in a "
        "DAW; Google’s MusicLM, by contrast, generates audio, not MIDI.",
        "MusicLM generates audio (from semantic and SoundStream tokens), not MIDI",
        "Agostinelli et al., MusicLM: Generating Music From Text, arXiv:2301.11325",
    ),
    Correction(
        "foundational",
        "midi-llm",
        "details",
        "compared to audio-generation models.",
        "compared to audio-generation models. MIDI-LLM is also the name of one specific "
        "model (Wu, Kim and Huang, 2025) that adds MIDI tokens to a text LLM's vocabulary "
        "to turn text prompts into multitrack MIDI.",
        "the source does not say that MIDI-LLM is also the name of one specific 2025 model",
        "Wu, Kim and Huang, arXiv:2511.03942",
    ),
    Correction(
        "foundational",
        "fine-tuning",
        "details",
        "fine-tuning a model like AudioCraft",
        "fine-tuning a model like MusicGen (from Meta’s AudioCraft library)",
        "AudioCraft is a library, not a model",
        AUDIOCRAFT,
    ),
    Correction(
        "models-architectures",
        "diffusion-model",
        "details",
        "diffusion models like Stable Audio or Riffusion excel at producing high-quality, "
        "long-form audio",
        "diffusion models like Stable Audio can produce high-quality, long-form audio",
        "Riffusion makes clips of a few seconds, not long-form audio (as its own entry says)",
        "https://www.riffusion.com/about; Evans et al., Fast Timing-Conditioned Latent Audio "
        "Diffusion, arXiv:2402.04825",
    ),
    Correction(
        "models-architectures",
        "encodec",
        "term",
        "Encodec",
        "EnCodec",
        "the codec's official name is spelled EnCodec (the source's spelling stays an alias)",
        ENCODEC,
    ),
    Correction(
        "models-architectures",
        "encodec",
        "definition",
        "Encodec is a neural audio codec developed by Meta that compresses audio into "
        "discrete tokens using a combination of convolutional and Transformer networks.",
        "EnCodec is a neural audio codec developed by Meta that compresses audio into "
        "discrete tokens with a convolutional encoder and decoder and residual vector "
        "quantization (a small Transformer can optionally compress the tokens further).",
        "EnCodec is a convolutional encoder-decoder with residual vector quantization; a "
        "Transformer is only an optional entropy model",
        "Défossez et al., arXiv:2210.13438; the EnCodec README (https://pypi.org/project/encodec/)",
    ),
    Correction(
        "models-architectures",
        "encodec",
        "details",
        "Encodec’s tokenized output is used as input for models like AudioCraft",
        "EnCodec’s tokenized output is used as input for models like MusicGen",
        "AudioCraft is a library, not a model (MusicGen is the model); spelling EnCodec",
        AUDIOCRAFT,
    ),
    Correction(
        "models-architectures",
        "musicgen",
        "details",
        "(via Encodec)",
        "(via EnCodec)",
        "the codec's official name is spelled EnCodec",
        ENCODEC,
    ),
    Correction(
        "models-architectures",
        "musicgen",
        "details",
        "It is part of the broader AudioCraft ecosystem and is designed for both creative "
        "and commercial applications.",
        "It is part of Meta’s AudioCraft library; its code is MIT-licensed, but its released "
        "model weights are licensed CC-BY-NC 4.0, for non-commercial use only.",
        "MusicGen's released weights are licensed for non-commercial use",
        "MusicGen model card: 'Code is released under MIT, model weights are released under "
        "CC-BY-NC 4.0' (https://github.com/facebookresearch/audiocraft/blob/main/"
        "model_cards/MUSICGEN_MODEL_CARD.md)",
    ),
    Correction(
        "models-architectures",
        "riffusion",
        "definition",
        "Riffusion is an AI model that generates",
        "Riffusion is an AI model, first released in December 2022, that generates",
        "the entry describes the 2022 model and is dated: say which model it describes",
        "https://www.riffusion.com/about; https://en.wikipedia.org/wiki/Riffusion",
    ),
    Correction(
        "models-architectures",
        "riffusion",
        "details",
        "Unlike full-song generators, Riffusion focuses on bite-sized, loopable segments,",
        "Unlike full-song generators, the 2022 Riffusion model focused on bite-sized, loopable "
        "segments a few seconds long,",
        "the 2022 model's clips were a few seconds long; the present tense made it timeless",
        "https://en.wikipedia.org/wiki/Riffusion",
    ),
    Correction(
        "models-architectures",
        "stable-audio",
        "details",
        "enabling it to produce coherent, multi-instrument pieces up to 95 seconds long.",
        "enabling its first version (2023) to produce coherent, multi-instrument pieces up to "
        "95 seconds long; Stability AI's long-form model of 2024 generates full tracks of up "
        "to 4 minutes 45 seconds.",
        "95 seconds was the limit of the first version (2023); later models generate minutes",
        "Evans et al., Fast Timing-Conditioned Latent Audio Diffusion, arXiv:2402.04825 ('up "
        "to 95 sec'); Evans et al., Long-form music generation with latent diffusion, "
        "arXiv:2404.10301 ('long-form music of up to 4m45s')",
    ),
    Correction(
        "models-architectures",
        "tokenization",
        "details",
        "(e.g., Encodec’s 8 kHz tokens)",
        "(e.g., EnCodec’s tokens: 75 frames a second at 24 kHz, or 50 a second in 4 "
        "codebooks for MusicGen’s 32 kHz model)",
        "EnCodec does not produce '8 kHz tokens'",
        "Défossez et al., arXiv:2210.13438 (24 kHz model, 75 frames a second); MusicGen "
        "model card ('a 32kHz EnCodec tokenizer with 4 codebooks sampled at 50 Hz', "
        "https://huggingface.co/facebook/musicgen-melody)",
    ),
    Correction(
        "models-architectures",
        "transformer-architecture",
        "details",
        "Variants like the Perceiver or RetNet adapt Transformers for audio-specific challenges.",
        "Related architectures such as the Perceiver (a general architecture for large "
        "inputs of any modality) and RetNet (designed for large language models) rework "
        "attention to make long inputs cheaper; neither was designed for audio.",
        "the Perceiver is a general multimodal architecture and RetNet was designed for "
        "language models, not for audio",
        "Jaegle et al., Perceiver: General Perception with Iterative Attention, "
        "arXiv:2103.03206; Sun et al., Retentive Network: A Successor to Transformer for "
        "Large Language Models, arXiv:2307.08621",
    ),
    Correction(
        "generation-inference",
        "audiocraft",
        "definition",
        "multiple AI music generation models, including MusicGen, AudioGen, and Encodec.",
        "multiple AI audio generation models, including MusicGen and AudioGen, and the "
        "EnCodec codec.",
        "AudioGen generates sound effects and EnCodec is a codec, not a music generator; "
        "spelling EnCodec",
        AUDIOCRAFT,
    ),
    Correction(
        "generation-inference",
        "cfg-scale",
        "definition",
        "used in diffusion models to balance",
        "used in diffusion models, and in autoregressive models such as MusicGen, to balance",
        "classifier-free guidance is used by autoregressive models too",
        "Ho and Salimans, Classifier-Free Diffusion Guidance, arXiv:2207.12598; AudioCraft's "
        "MusicGen.set_generation_params(cfg_coef=3.0)",
    ),
    Correction(
        "generation-inference",
        "cfg-scale",
        "details",
        "(e.g., 7–12)",
        "(e.g., 7–12 in image models such as Stable Diffusion; MusicGen’s default is 3)",
        "the 7–12 range comes from image models",
        "Hugging Face diffusers StableDiffusionPipeline (guidance_scale defaults to 7.5); "
        "AudioCraft's MusicGen.set_generation_params(cfg_coef=3.0)",
    ),
    Correction(
        "generation-inference",
        "cfg-scale",
        "details",
        "too high a scale can lead to overfitting or robotic output",
        "too high a scale narrows variety and can add artefacts or robotic output",
        "overfitting is a training failure; guidance acts at sampling time, trading "
        "diversity for adherence",
        "Ho and Salimans, arXiv:2207.12598",
    ),
)


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
        "region, conditioned on the material around it. A diffusion model can take both "
        "sides of the gap into account; a plain left-to-right autoregressive model sees only "
        "what comes before it, unless it was trained for infilling.",
        origin="details completed by the trainer authors: the source breaks off mid-word "
        '("…commonly used for inpain"); everything after "inpain" is ours',
    ),
}


FIELDS = ("term", "definition", "details")


def corrections_for(slug: str, entry_id: str) -> tuple[Correction, ...]:
    return tuple(c for c in CORRECTIONS if (c.slug, c.entry) == (slug, entry_id))


def apply_corrections(entry: Entry, corrections: tuple[Correction, ...]) -> Entry:
    """The entry with each correction's source words replaced by ours (in order).

    SystemExit if a correction's words do not occur exactly once in its field: the
    source changed, or the table is wrong.
    """
    for correction in corrections:
        if correction.field not in FIELDS:
            raise SystemExit(
                f"{correction.slug}/{correction.entry}: bad field {correction.field!r}"
            )
        text = getattr(entry, correction.field)
        count = text.count(correction.was)
        if count != 1:
            raise SystemExit(
                f"{correction.slug}/{correction.entry}: the {correction.field} contains "
                f"{correction.was!r} {count} times (a correction needs it exactly once)"
            )
        entry = replace(entry, **{correction.field: text.replace(correction.was, correction.now)})
    return replace(entry, corrections=tuple(c.record() for c in corrections))


def _curate(slug: str, entry: Entry) -> Entry:
    curation = CURATION[slug].get(entry.id)
    if curation is None:
        raise SystemExit(f"no curation for {slug}/{entry.id}: add it to CURATION")
    aliases = list(entry.aliases)
    for alias in curation.aliases:
        if alias.casefold() not in (a.casefold() for a in aliases):
            aliases.append(alias)
    entry = replace(
        entry,
        aliases=tuple(aliases),
        tags=curation.tags,
        mask=curation.mask,
        reverse=curation.reverse,
    )
    entry = apply_corrections(entry, corrections_for(slug, entry.id))
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
    known = {(deck.slug, entry.id) for deck in decks for entry in deck.entries}
    for correction in CORRECTIONS:
        if (correction.slug, correction.entry) not in known:
            raise SystemExit(
                f"CORRECTIONS names {correction.slug}/{correction.entry}, which is no entry"
            )
    return decks


HEADER = (
    "# Generated by scripts/import_source.py from decks/source-glossary.txt:\n"
    "# edit the curation in that script (or the source copy) and re-run it.\n\n"
)


def rendered() -> dict[Path, str]:
    """Deck file path -> the text this script writes there."""
    return {DECKS / f"{deck.slug}.toml": HEADER + deck_to_toml(deck) for deck in build_decks()}


def readme_table() -> str:
    """The README's table of corrections (a test keeps the README equal to it)."""

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|") or "—"

    rows = [
        "| entry | the source says | we say | why | reference |",
        "|---|---|---|---|---|",
    ]
    for c in CORRECTIONS:
        rows.append(
            f"| {c.slug}/{c.entry} ({c.field}) | {cell(c.was)} | {cell(c.now)} "
            f"| {cell(c.reason)} | {cell(c.reference)} |"
        )
    return "\n".join(rows) + "\n"


def differences_from_source(path: Path) -> list[str]:
    """How a glossary deck file differs from the source beyond the corrections it lists.

    Independently of how the file was written: each entry's own listed corrections are
    applied to the source's entry, and the result must be the entry's term, definition and
    details (details may also carry the completion of a cut-off entry). The listed
    corrections must be exactly those of CORRECTIONS. One message per difference.
    """
    deck = parse_deck(path)
    imported = parse_glossary(SOURCE.read_text(encoding="utf-8"), SOURCE)
    spec = next(spec for spec in SECTIONS if spec.slug == deck.slug)
    section = next(section for section in imported.sections if section.title == spec.heading)
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    problems: list[str] = []
    if [e.id for e in deck.entries] != [e.id for e in section.entries]:
        problems.append(f"{where}: its entries are not the source section's {spec.heading!r}")
        return problems
    for shipped, source in zip(deck.entries, section.entries, strict=True):
        listed = tuple(c.record() for c in corrections_for(deck.slug, shipped.id))
        if shipped.corrections != listed:
            problems.append(
                f"{where}:{shipped.line}: {shipped.id!r} lists other corrections than "
                "CORRECTIONS in scripts/import_source.py"
            )
        expected = source
        for correction in shipped.corrections:
            text = getattr(expected, correction.field.value)
            if text.count(correction.was) != 1:
                problems.append(
                    f"{where}:{shipped.line}: {shipped.id!r}: the source's "
                    f"{correction.field.value} does not contain {correction.was!r} once"
                )
                break
            expected = replace(
                expected, **{correction.field.value: text.replace(correction.was, correction.now)}
            )
        completion = COMPLETIONS.get((deck.slug, shipped.id))
        details = expected.details
        if completion is not None and details.endswith(completion.cut):
            details = details[: -len(completion.cut)] + completion.completed
        for name, ours, theirs in (
            ("term", shipped.term, expected.term),
            ("definition", shipped.definition, expected.definition),
            ("details", shipped.details, details),
        ):
            if ours != theirs:
                problems.append(
                    f"{where}:{shipped.line}: {shipped.id!r}: its {name} differs from the "
                    "source beyond its listed corrections"
                )
    return problems


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
        differences = [
            problem for path in files if path.exists() for problem in differences_from_source(path)
        ]
        for problem in differences:
            print(problem)
        if not stale and not differences:
            count = sum(len(parse_deck(path).entries) for path in files)
            print(
                f"{count} glossary entries equal the source except {len(CORRECTIONS)} listed "
                f"corrections and {len(COMPLETIONS)} completion"
            )
        return 1 if stale or differences else 0
    if argv[1:]:
        print(__doc__)
        return 2
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
