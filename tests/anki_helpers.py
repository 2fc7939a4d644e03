"""Helpers for the Anki export and import tests: a course deck, a learner's history, a
fresh Anki collection, packages imported with scheduling."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner
from store_helpers import answer_at

from trainer.anki.export import note_guid
from trainer.cli import cli
from trainer.progress.store import Store
from trainer.scheduling.studyday import study_day

COURSE = """\
slug = "course"
title = "Course"
description = "A deck for the progress export."
anki_deck_id = 1999999911
"""
DEFINITIONS = {
    "alpha": "The first letter of the Greek script.",
    "bravo": "A shout of approval after a performance.",
    "charlie": "A stock character of silent films with a cane.",
    "delta": "Land where a river splits before reaching the sea.",
    "echo": "Sound reflected back from a distant wall.",
    "foxtrot": "A ballroom dance with long gliding steps.",
    "golf": "A game of hitting a small ball into holes.",
    "hotel": "A building offering rooms to travellers for the night.",
}
TERMS = list(DEFINITIONS)
UTC_TZ = ZoneInfo("UTC")


def course_text() -> str:
    parts = [COURSE]
    for term in TERMS:
        parts.append(
            f'\n[[entry]]\nid = "{term}"\nterm = "{term.title()}"\n'
            f'definition = "{DEFINITIONS[term]}"\nsource = "authored"\n'
        )
    return "".join(parts)


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def make_store(tmp_path: Path, now: datetime | None = None) -> Path:
    """A store with the course deck registered and ada's answers over two weeks before
    `now` (default: the real now, the clock Anki reads)."""
    deck = tmp_path / "course.toml"
    deck.write_text(course_text(), encoding="utf-8")
    db = tmp_path / "progress.db"
    run(db, "deck", "add", str(deck))
    now = now or datetime.now(UTC).replace(microsecond=0)
    today = study_day(now, UTC_TZ, 4)
    noon = datetime.combine(today, time(12), tzinfo=UTC)  # days ago: at noon of that day
    store = Store.open(db)
    try:
        history = [
            # card, grade, days ago
            ("alpha/forward", 4, 14),
            ("alpha/forward", 5, 13),
            ("alpha/forward", 4, 7),  # interval 6 * EF: due in the future
            ("bravo/forward", 4, 10),
            ("bravo/forward", 4, 9),
            ("bravo/forward", 1, 3),  # a lapse: n = 0, due two days ago (overdue)
            ("charlie/reverse", 3, 2),  # learn: due yesterday (overdue)
            ("charlie/reverse", 2, 1),  # failed yesterday: due today
            ("delta/forward", 5, 1),  # due today
            ("echo/forward", 4, 1),  # due today, then suspended
            ("foxtrot/forward", 4, 1),  # due today, then buried until tomorrow
        ]
        for card, grade, days in history:
            answer_at(store, f"course/{card}", grade, noon - timedelta(days=days))
        # Two same-day answers to golf: a learn, then a re-drill (both learning rows in Anki).
        golf = noon - timedelta(days=4)
        answer_at(store, "course/golf/forward", 2, golf)
        answer_at(store, "course/golf/forward", 4, golf + timedelta(minutes=1), redrill=True)
        store.set_suspended("ada", "course/echo/forward", True)
        store.bury("ada", "course/foxtrot/forward", today + timedelta(days=1))
    finally:
        store.close()
    return db


def fresh_collection(folder: Path) -> Collection:
    """A new, empty Anki collection in `folder` (created)."""
    folder.mkdir(parents=True)
    return Collection(str(folder / "collection.anki2"))


def import_package(col: Collection, path: Path) -> None:
    request = ImportAnkiPackageRequest(
        package_path=str(path),
        options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False),
    )
    col.import_anki_package(request)


def anki_cards_of(col: Collection, slug: str) -> dict[str, Any]:
    """Trainer card id -> Anki card for the deck `slug`'s notes (others left out)."""
    guids = {note_guid(slug, term): term for term in TERMS}
    found = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        term = guids.get(card.note().guid)
        if term is not None:
            found[f"{slug}/{term}/{('forward', 'reverse')[card.ord]}"] = card
    return found


def anki_cards(col: Collection) -> dict[str, Any]:
    """Trainer card id -> Anki card, by the note's GUID and the card's template."""
    guids = {note_guid("course", term): term for term in TERMS}
    found = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        term = guids[card.note().guid]
        direction = ("forward", "reverse")[card.ord]
        found[f"course/{term}/{direction}"] = card
    return found
