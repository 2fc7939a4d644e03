"""Every shipped deck file is a test case: it parses, is complete, its cards give nothing away."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from trainer.decks import catalog
from trainer.decks.cards import answers_for, cards_for_deck
from trainer.decks.format import deck_to_toml, parse_deck, parse_deck_text
from trainer.decks.glossary import is_promotional, parse_glossary
from trainer.decks.stems import stem_leaks
from trainer.model import Card, Deck, Direction, Source

ROOT = Path(__file__).resolve().parent.parent
DECKS_DIR = ROOT / "decks"
SOURCE = DECKS_DIR / "source-glossary.txt"
DECK_FILES = sorted(DECKS_DIR.glob("*.toml"))
GLOSSARY_DECKS = {  # slug -> the source heading it comes from
    "foundational": "A–E: Foundational Terms",
    "models-architectures": "F–L: Models and Architectures",
    "generation-inference": "M–R: Generation and Inference",
}
AUTHORED_DECKS = {
    "evaluation-production": "S–Z: Evaluation and Production",
    "demoscene": "10 Terms Every Demoscener Should Know",
}
COMPLETED = {("generation-inference", "inpainting")}  # entries the source cuts off


def load(slug: str) -> Deck:
    path = DECKS_DIR / f"{slug}.toml"
    if not path.exists():
        pytest.skip(f"{path.name} is not written yet")
    return parse_deck(path)


def all_decks() -> list[Deck]:
    return [parse_deck(path) for path in DECK_FILES]


def test_the_bundled_files_are_the_decks_folder() -> None:
    """Editable or not, the package finds the same files as decks/ holds."""
    bundled = catalog.bundled_deck_files()
    assert sorted(p.name for p in bundled) == [p.name for p in DECK_FILES]
    for path in bundled:
        assert path.read_bytes() == (DECKS_DIR / path.name).read_bytes(), path.name


def test_the_five_decks_are_shipped_in_section_order() -> None:
    assert [p.stem for p in catalog.bundled_deck_files()] == list(catalog.BUNDLED_SLUGS)


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_deck_file_parses_and_is_named_after_its_slug(path: Path) -> None:
    deck = parse_deck(path)
    assert deck.slug == path.stem
    assert deck.entries
    assert deck.description


def test_titles() -> None:
    titles = {deck.slug: deck.title for deck in all_decks()}
    assert titles == {**GLOSSARY_DECKS, **AUTHORED_DECKS}


def test_anki_deck_ids_are_unique() -> None:
    ids = [deck.anki_deck_id for deck in all_decks()]
    assert len(set(ids)) == len(ids)


def test_anki_deck_ids_never_change() -> None:
    ids = {deck.slug: deck.anki_deck_id for deck in all_decks()}
    assert ids["foundational"] == 1852004117
    assert ids["models-architectures"] == 1852004229
    assert ids["generation-inference"] == 1852004331


@pytest.mark.parametrize(
    ("slug", "count"),
    [
        ("foundational", 10),
        ("models-architectures", 10),
        ("generation-inference", 6),
        ("demoscene", 10),
    ],
)
def test_entry_counts(slug: str, count: int) -> None:
    assert len(load(slug).entries) == count


def test_evaluation_production_has_at_least_ten_entries() -> None:
    assert len(load("evaluation-production").entries) >= 10


@pytest.mark.parametrize("slug", sorted(AUTHORED_DECKS))
def test_authored_decks_are_marked_authored(slug: str) -> None:
    assert {entry.source for entry in load(slug).entries} == {Source.AUTHORED}


@pytest.mark.parametrize("slug", sorted(GLOSSARY_DECKS))
def test_glossary_decks_are_marked_glossary(slug: str) -> None:
    assert {entry.source for entry in load(slug).entries} == {Source.GLOSSARY}


def test_every_source_entry_appears_once_in_its_sections_deck_with_the_sources_text(
    import_source: ModuleType,
) -> None:
    """The source's text exactly, except the corrections each entry lists (undone here, last
    first) and the completion of the entry the source cuts off."""
    imported = parse_glossary(SOURCE.read_text(encoding="utf-8"), SOURCE)
    by_title = {section.title: section for section in imported.sections}
    assert set(by_title) == set(GLOSSARY_DECKS.values())
    everywhere = [(deck.slug, entry.id) for deck in all_decks() for entry in deck.entries]
    for slug, title in GLOSSARY_DECKS.items():
        deck = load(slug)
        source_entries = by_title[title].entries
        assert [e.id for e in deck.entries] == [e.id for e in source_entries]
        for shipped, source in zip(deck.entries, source_entries, strict=True):
            assert everywhere.count((slug, shipped.id)) == 1
            assert set(source.aliases) <= set(shipped.aliases)
            listed = import_source.corrections_for(slug, shipped.id)
            assert [(c.field, c.was, c.now) for c in listed] == [
                (c.field.value, c.was, c.now) for c in shipped.corrections
            ]
            for correction in reversed(shipped.corrections):
                name = correction.field.value
                text = getattr(shipped, name)
                assert text.count(correction.now) == 1, (shipped.id, correction.now)
                shipped = replace(shipped, **{name: text.replace(correction.now, correction.was)})
            assert shipped.term == source.term
            assert shipped.definition == source.definition
            if (slug, shipped.id) in COMPLETED:
                assert shipped.details.startswith(source.details)
                assert len(shipped.details) > len(source.details)
                assert shipped.details.endswith(".")
                assert "completed by the trainer authors" in shipped.origin
            else:
                assert shipped.details == source.details


def test_every_listed_correction_has_a_reason_and_changes_something(
    import_source: ModuleType,
) -> None:
    for correction in import_source.CORRECTIONS:
        assert correction.reason and "\n" not in correction.reason
        assert correction.was != correction.now
        assert correction.field in ("term", "definition", "details")


def test_check_proves_the_decks_equal_the_source_but_the_corrections(
    import_source: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert import_source.main(["import_source.py", "--check"]) == 0
    count = len(import_source.CORRECTIONS)
    assert capsys.readouterr().out == (
        f"26 glossary entries equal the source except {count} listed corrections and 1 completion\n"
    )


def test_check_finds_an_unlisted_change(
    import_source: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A deck file edited by hand (the corrections it lists unchanged) fails the check."""
    monkeypatch.setattr(import_source, "DECKS", tmp_path / "decks")
    monkeypatch.setattr(import_source, "ROOT", tmp_path)
    (tmp_path / "decks").mkdir()
    assert import_source.main(["import_source.py"]) == 0
    path = tmp_path / "decks" / "models-architectures.toml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("VAEs provide a smoother latent space", "VAEs provide a rougher one")
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert import_source.main(["import_source.py", "--check"]) == 1
    out = capsys.readouterr().out.splitlines()
    line = next(e.line for e in parse_deck(path).entries if e.id == "vae")
    assert out == [
        "decks/models-architectures.toml is not what scripts/import_source.py writes",
        f"decks/models-architectures.toml:{line}: 'vae': its details differs from the source "
        "beyond its listed corrections",
    ]


def test_the_source_copy_is_the_provenance() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    assert text.startswith("Introduction\n")
    assert "Diffusion models and autoregressive models are commonly used for inpain\n" in text


@pytest.fixture
def import_source() -> Iterator[ModuleType]:
    """scripts/import_source.py as a module."""
    spec = importlib.util.spec_from_file_location(
        "import_source", ROOT / "scripts" / "import_source.py"
    )
    assert spec and spec.loader
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules["import_source"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["import_source"]


def test_glossary_decks_are_what_the_import_script_writes(import_source: ModuleType) -> None:
    for path, text in import_source.rendered().items():
        assert path.read_text(encoding="utf-8") == text, path.name


def test_import_script_writes_and_checks(
    import_source: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(import_source, "DECKS", tmp_path / "decks")
    monkeypatch.setattr(import_source, "ROOT", tmp_path)
    (tmp_path / "decks").mkdir()
    assert import_source.main(["import_source.py", "--check"]) == 1
    assert import_source.main(["import_source.py"]) == 0
    assert import_source.main(["import_source.py", "--check"]) == 0
    written = tmp_path / "decks" / "foundational.toml"
    assert written.read_bytes() == (DECKS_DIR / "foundational.toml").read_bytes()
    written.write_text(written.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert import_source.main(["import_source.py", "--check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "decks/foundational.toml is not what scripts/import_source.py writes"
    assert out[3:6] == [
        "wrote decks/foundational.toml",
        "wrote decks/models-architectures.toml",
        "wrote decks/generation-inference.toml",
    ]


def test_no_entry_contains_promotional_text() -> None:
    for deck in all_decks():
        for entry in deck.entries:
            assert not is_promotional(entry.definition), (deck.slug, entry.id)
            assert not is_promotional(entry.details), (deck.slug, entry.id)


# --- cards -----------------------------------------------------------------------------

_SEP = re.compile(r"[\s\-‐‑–]+")


def _forms(name: str) -> list[str]:
    """The name and its stem, lowercased with hyphens as spaces ("Fine-tuning" -> "fine tun")."""
    words = _SEP.split(name.lower().strip())
    forms = [" ".join(words)]
    last = words[-1]
    for ending in ("ings", "ing", "ies", "ied", "ed", "es", "e", "s", "y"):
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            forms.append(" ".join([*words[:-1], last[: -len(ending)]]))
            break
    return forms


def _names(deck: Deck, entry_id: str) -> list[str]:
    entry = next(e for e in deck.entries if e.id == entry_id)
    names = [entry.term, *entry.aliases, *answers_for(entry)]
    # parenthesised parts and slash options, found here independently of trainer.decks.cards
    for name in list(names):
        names += re.findall(r"\(([^()]+)\)", name)
        names.append(re.sub(r"\s*\([^()]*\)", "", name))
        names += [part for part in re.split(r"[/()]", name) if len(part.strip()) > 2]
    return [n for n in names if n.strip() and not n.strip().startswith("in ")]


CARDS = [
    pytest.param(deck, card, id=card.id)
    for deck in all_decks()
    for card in cards_for_deck(deck)
    if card.direction is Direction.REVERSE
]


@pytest.mark.parametrize(("deck", "card"), CARDS)
def test_reverse_front_gives_no_name_away(deck: Deck, card: Card) -> None:
    front = " ".join(_SEP.split(card.front.lower()))
    for name in _names(deck, card.entry):
        for form in _forms(name):
            pattern = r"(?<![\w])" + re.escape(form.strip())
            assert not re.search(pattern, front), f"{card.id}: {form!r} in {card.front!r}"


@pytest.mark.parametrize(("deck", "card"), CARDS)
def test_reverse_front_shares_no_stem_with_its_answer(deck: Deck, card: Card) -> None:
    """No word of a shipped reverse prompt shares its stem with a word of the answer
    (plurals, inflections, compounds and their parts: trainer.decks.stems)."""
    entry = next(e for e in deck.entries if e.id == card.entry)
    assert stem_leaks(entry, card.front) == [], card.id


def test_the_pairs_that_looked_alike_have_prompts_that_tell_them_apart() -> None:
    """Audio Codec vs EnCodec, Latent Space vs Embedding: each prompt names what only its
    own answer is (a kind vs one product; a space to sample from vs one item's vector)."""
    fronts = {
        card.entry: card.front
        for deck in all_decks()
        for card in cards_for_deck(deck)
        if card.direction is Direction.REVERSE
    }
    assert fronts["audio-codec"].startswith("The general name for any method")
    assert fronts["encodec"].startswith("Meta's neural compressor for sound, released in 2022")
    assert "sampling there and decoding" in fronts["latent-space"]
    assert fronts["embedding"].startswith("A dense vector that stands for one discrete item")


def test_every_entry_has_a_forward_and_a_reverse_card() -> None:
    for deck in all_decks():
        cards = cards_for_deck(deck)
        assert len(cards) == 2 * len(deck.entries)
        assert len({card.id for card in cards}) == len(cards)
        for card in cards:
            if card.direction is Direction.FORWARD:
                entry = next(e for e in deck.entries if e.id == card.entry)
                assert card.front == entry.term
                assert card.back.startswith(entry.definition)
            else:
                assert card.back == card.term


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_every_deck_file_round_trips_through_the_writer(path: Path) -> None:
    deck = parse_deck(path)
    again = parse_deck_text(deck_to_toml(deck), path)
    assert [replace(e, line=None) for e in again.entries] == [
        replace(e, line=None) for e in deck.entries
    ]
    assert replace(again, entries=()) == replace(deck, entries=())


def test_the_readme_lists_every_correction(import_source: ModuleType) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Corrections to the source\n", 1)[1].split("\n## ", 1)[0]
    assert import_source.readme_table() in section
