"""trainer.decks.catalog: bundled deck files in section order, loading and selecting decks."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.decks import catalog
from trainer.errors import DeckFormatError, UnknownDeckError
from trainer.model import Deck

DECK = """\
slug = "{slug}"
title = "{slug} title"
description = "A deck."
anki_deck_id = 1234567890

[[entry]]
id = "one"
term = "One"
definition = "The first."
source = "authored"
"""


def write(folder: Path, name: str, slug: str) -> Path:
    path = folder / name
    path.write_text(DECK.format(slug=slug), encoding="utf-8")
    return path


def deck(slug: str) -> Deck:
    return Deck(slug=slug, title=slug, description="", anki_deck_id=1234567890, entries=())


def test_bundled_files_come_in_section_order_not_name_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for slug in (
        "demoscene",
        "zz-extra",
        "foundational",
        "evaluation-production",
        "generation-inference",
        "models-architectures",
        "aa-extra",
    ):
        write(tmp_path, f"{slug}.toml", slug)
    (tmp_path / "source-glossary.txt").write_text("not a deck", encoding="utf-8")
    monkeypatch.setattr(catalog.paths, "bundled_decks_dir", lambda: tmp_path)
    assert [p.name for p in catalog.bundled_deck_files()] == [
        "foundational.toml",
        "models-architectures.toml",
        "generation-inference.toml",
        "evaluation-production.toml",
        "demoscene.toml",
        "aa-extra.toml",
        "zz-extra.toml",
    ]


def test_load_decks_keeps_the_order_given(tmp_path: Path) -> None:
    files = [write(tmp_path, "b.toml", "bee"), write(tmp_path, "a.toml", "ay")]
    assert [d.slug for d in catalog.load_decks(files)] == ["bee", "ay"]


def test_load_decks_rejects_two_files_with_one_slug(tmp_path: Path) -> None:
    first = write(tmp_path, "a.toml", "same")
    second = write(tmp_path, "b.toml", "same")
    with pytest.raises(DeckFormatError) as caught:
        catalog.load_decks([first, second])
    assert str(caught.value) == (
        f"{second}: deck slug 'same' is already used by {first}; give this deck another slug"
    )


def test_sort_decks_puts_bundled_in_section_order_then_the_rest() -> None:
    decks = [deck("mine"), deck("demoscene"), deck("foundational"), deck("yours")]
    assert [d.slug for d in catalog.sort_decks(decks)] == [
        "foundational",
        "demoscene",
        "mine",
        "yours",
    ]


def test_select_decks() -> None:
    decks = [deck("foundational"), deck("models-architectures"), deck("demoscene")]
    assert catalog.select_decks(decks, []) == decks
    picked = catalog.select_decks(decks, ["demoscene", "foundational"])
    assert [d.slug for d in picked] == ["foundational", "demoscene"]
    with pytest.raises(UnknownDeckError) as caught:
        catalog.select_decks(decks, ["nope"])
    assert str(caught.value) == (
        "unknown deck 'nope'; known decks: foundational, models-architectures, demoscene"
    )
