"""Deck sync: unchanged files are not parsed; edits keep progress; removal retires."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from store_helpers import ALPHA, BETA, DAY, answer, deck_text, open_with_decks, write_deck

import trainer.decks.format
from trainer.cli.context import AppContext
from trainer.decks.catalog import bundled_deck_files
from trainer.decks.format import file_hash, parse_deck, parse_deck_bytes
from trainer.errors import StoreError
from trainer.model import Deck
from trainer.progress.store import DeckSource, Store, SyncReport


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Store, list[DeckSource]]:
    store, sources = open_with_decks(tmp_path)
    yield store, sources
    store.close()


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []

    def spy(data: bytes, path: Path) -> Deck:
        parsed.append(path)
        return parse_deck_bytes(data, path)

    monkeypatch.setattr(trainer.decks.format, "parse_deck_bytes", spy)
    return parsed


def test_first_sync_adds_every_card_in_deck_order(tmp_path: Path) -> None:
    store, sources = open_with_decks(tmp_path)
    with store:
        infos = store.deck_infos()
        assert [(i.slug, i.position, i.cards, i.bundled) for i in infos] == [
            ("alpha", 0, 6, True),
            ("beta", 1, 4, True),
        ]
        assert infos[0].path == sources[0].path


def test_an_unchanged_file_is_not_parsed(
    synced: tuple[Store, list[DeckSource]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sources = synced
    parsed = count_parses(monkeypatch)
    assert store.sync_decks(sources) == SyncReport(unchanged=("alpha", "beta"))
    assert parsed == []


def test_an_edited_entry_keeps_its_progress(
    synced: tuple[Store, list[DeckSource]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sources = synced
    answer(store, "alpha/two/forward", 5)
    before = store.card_state("ada", "alpha/two/forward")
    edited = [("one", "One", "The first number."), ("two", "Two", "One more than one."), ALPHA[2]]
    write_deck(sources[0].path.parent, "alpha", edited)
    parsed = count_parses(monkeypatch)
    report = store.sync_decks(sources)
    assert parsed == [sources[0].path]  # only the changed file
    assert (report.updated, report.unchanged, report.updated_cards) == (("alpha",), ("beta",), 2)
    assert store.card_state("ada", "alpha/two/forward") == before
    card = store.card("alpha/two/forward")
    assert card is not None and card.back == "One more than one."


def test_a_removed_entry_is_retired_and_comes_back_with_its_progress(
    synced: tuple[Store, list[DeckSource]],
) -> None:
    store, sources = synced
    answer(store, "alpha/two/forward", 5)
    progress = store.card_state("ada", "alpha/two/forward")
    write_deck(sources[0].path.parent, "alpha", [ALPHA[0], ALPHA[2]])
    assert store.sync_decks(sources).retired_cards == 2
    listing = {c.id: c.state for c in store.list_cards("ada", decks=["alpha"])}
    assert listing["alpha/two/forward"] == listing["alpha/two/reverse"] == "retired"
    later = DAY.replace(day=20)
    assert "alpha/two/forward" not in [c.card.id for c in store.due_cards("ada", None, later)]
    assert "alpha/two/reverse" not in [c.card.id for c in store.new_cards("ada", None, DAY)]
    assert store.deck_infos()[0].cards == 4

    write_deck(sources[0].path.parent, "alpha", ALPHA)
    report = store.sync_decks(sources)
    assert (report.restored_cards, report.retired_cards, report.added_cards) == (2, 0, 0)
    assert store.card_state("ada", "alpha/two/forward") == progress
    assert [c.card.id for c in store.due_cards("ada", None, later)] == ["alpha/two/forward"]


def test_a_new_entry_gets_new_cards_and_order_follows_the_file(
    synced: tuple[Store, list[DeckSource]],
) -> None:
    store, sources = synced
    write_deck(sources[1].path.parent, "beta", [("green", "Green", "A calm colour."), *BETA])
    report = store.sync_decks(sources)
    assert report.added_cards == 2
    assert [c.card.id for c in store.new_cards("ada", ["beta"], DAY, 3)] == [
        "beta/green/forward",
        "beta/green/reverse",
        "beta/red/forward",
    ]


def test_deck_position_follows_the_order_of_the_files(
    synced: tuple[Store, list[DeckSource]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sources = synced
    parsed = count_parses(monkeypatch)
    store.sync_decks(list(reversed(sources)))
    assert parsed == []
    assert [i.slug for i in store.deck_infos()] == ["beta", "alpha"]
    assert store.new_cards("ada", None, DAY, 1)[0].card.deck == "beta"


def test_a_broken_or_missing_file_is_reported_and_its_deck_kept(
    synced: tuple[Store, list[DeckSource]],
) -> None:
    store, sources = synced
    sources[0].path.write_text('slug = "alpha"\ntitle = 3\n', encoding="utf-8")
    missing = DeckSource(sources[0].path.parent / "gone.toml", bundled=False)
    report = store.sync_decks([*sources, missing])
    assert len(report.problems) == 2
    assert report.problems[0].startswith(f"{sources[0].path}:")
    assert (
        report.problems[1]
        == f"{missing.path}: cannot read the deck file: No such file or directory"
    )
    assert store.deck_infos()[0].cards == 6


def test_a_bundled_deck_no_longer_shipped_is_deactivated(
    synced: tuple[Store, list[DeckSource]],
) -> None:
    store, sources = synced
    answer(store, "beta/red/forward", 4)
    store.sync_decks(sources[:1])
    assert [i.slug for i in store.deck_infos()] == ["alpha"]
    assert store.list_cards("ada", decks=["beta"]) == []
    store.sync_decks(sources)  # shipped again: back, with its progress
    assert store.card_state("ada", "beta/red/forward").n == 1
    assert [i.slug for i in store.deck_infos()] == ["alpha", "beta"]


def test_register_and_remove_a_deck(synced: tuple[Store, list[DeckSource]], tmp_path: Path) -> None:
    store, sources = synced
    mine = write_deck(tmp_path / "mine", "gamma", [("g", "G", "A letter.")])
    store.register_deck(mine, parse_deck(mine))
    assert store.registered_paths() == [mine.resolve()]
    info = store.deck_infos()[-1]
    assert (info.slug, info.bundled, info.cards, info.position) == ("gamma", False, 2, 2)
    registered = [DeckSource(p, bundled=False) for p in store.registered_paths()]
    assert store.sync_decks([*sources, *registered]).unchanged == ("alpha", "beta", "gamma")

    clash = write_deck(tmp_path / "other", "alpha", [("x", "X", "Another letter.")])
    with pytest.raises(StoreError) as error:
        store.register_deck(clash, parse_deck(clash))
    assert str(error.value) == (
        f"deck slug 'alpha' is already used by a bundled deck; give {clash.resolve()} another slug"
    )
    with pytest.raises(StoreError, match="'alpha' is a bundled deck and cannot be removed"):
        store.remove_deck("alpha")
    assert store.remove_deck("gamma") is True
    assert store.remove_deck("gamma") is False
    assert store.registered_paths() == []
    assert [i.slug for i in store.deck_infos()] == ["alpha", "beta"]


def test_open_store_syncs_the_bundled_decks_once_then_skips_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = bundled_deck_files()
    app = AppContext(db=None, learner="ada")
    store = app.open_store()
    assert [i.slug for i in store.deck_infos()] == [parse_deck(f).slug for f in files]
    assert app.open_store() is store
    app.close_store()
    parsed = count_parses(monkeypatch)
    again = AppContext(db=None, learner="ada")
    again.open_store()
    again.close_store()
    assert parsed == []


def test_deck_text_helper_parses() -> None:
    assert "[[entry]]" in deck_text("x", [("a", "A", "b")])


def count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    hashed: list[int] = []

    def spy(data: bytes) -> str:
        hashed.append(len(data))
        return file_hash(data)

    monkeypatch.setattr(trainer.decks.format, "file_hash", spy)
    return hashed


def test_a_file_with_the_same_size_and_mtime_is_not_even_read(
    synced: tuple[Store, list[DeckSource]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sources = synced
    hashed = count_hashes(monkeypatch)
    assert store.sync_decks(sources).unchanged == ("alpha", "beta")
    assert hashed == []


def test_a_touched_file_is_hashed_again_but_not_parsed(
    synced: tuple[Store, list[DeckSource]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sources = synced
    stat = sources[0].path.stat()
    os.utime(sources[0].path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    hashed, parsed = count_hashes(monkeypatch), count_parses(monkeypatch)
    assert store.sync_decks(sources).unchanged == ("alpha", "beta")
    assert (len(hashed), parsed) == (1, [])
    assert store.sync_decks(sources).unchanged == ("alpha", "beta")
    assert len(hashed) == 1  # the new mtime was recorded


def test_an_edit_that_keeps_size_and_mtime_is_seen_after_a_touch(
    synced: tuple[Store, list[DeckSource]],
) -> None:
    store, sources = synced
    path = sources[0].path
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("The first number.", "The 1st number.  "), encoding="utf-8")
    assert path.stat().st_size == stat.st_size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert store.sync_decks(sources).updated == ()  # the quick check cannot tell
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert store.sync_decks(sources).updated == ("alpha",)
    card = store.card("alpha/one/forward")
    assert card is not None and card.back == "The 1st number."
