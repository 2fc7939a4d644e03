"""Helpers for the store tests: small deck files, an opened store, answering cards."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from trainer.model import Grade, Review, ReviewKind
from trainer.progress.store import DeckSource, Store
from trainer.scheduling import sm2
from trainer.scheduling.studyday import study_day

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = date(2026, 3, 1)
UTC_TZ = ZoneInfo("UTC")


def deck_text(slug: str, entries: list[tuple[str, str, str]], anki_id: int = 1_000_000_001) -> str:
    """A deck file with entries (id, term, definition)."""
    lines = [
        f'slug = "{slug}"',
        f'title = "{slug.title()}"',
        'description = "A deck for tests."',
        f"anki_deck_id = {anki_id}",
    ]
    for entry_id, term, definition in entries:
        lines += [
            "",
            "[[entry]]",
            f'id = "{entry_id}"',
            f'term = "{term}"',
            f'definition = "{definition}"',
            'source = "authored"',
        ]
    return "\n".join(lines) + "\n"


ALPHA = [
    ("one", "One", "The first number."),
    ("two", "Two", "The second number."),
    ("three", "Three", "The third number."),
]
BETA = [("red", "Red", "A warm colour."), ("blue", "Blue", "A cool colour.")]


def write_deck(folder: Path, slug: str, entries: list[tuple[str, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.toml"
    path.write_text(deck_text(slug, entries, 1_000_000_000 + len(slug)), encoding="utf-8")
    return path


def open_with_decks(
    tmp_path: Path, target: str | Path | None = None
) -> tuple[Store, list[DeckSource]]:
    """A store synced with decks alpha (3 entries) and beta (2).

    At `target` (a path or URL, e.g. the `store_target` fixture), else tmp_path/progress.db.
    """
    sources = [
        DeckSource(write_deck(tmp_path / "decks", "alpha", ALPHA), bundled=True),
        DeckSource(write_deck(tmp_path / "decks", "beta", BETA), bundled=True),
    ]
    store = Store.open(target or tmp_path / "progress.db")
    store.sync_decks(sources)
    return store, sources


def answer_at(
    store: Store,
    card_id: str,
    grade: int,
    at: datetime,
    *,
    tz: ZoneInfo = UTC_TZ,
    learner: str = "ada",
    redrill: bool = False,
    ms: int = 1500,
) -> Review:
    """Answer a card the way a session does at `at` (the study day from the time, rollover 4).

    The answer schedules the card; a re-drill answer is logged and changes nothing.
    """
    day = study_day(at, tz, 4)
    before = store.card_state(learner, card_id)
    if redrill:
        after, kind = before, ReviewKind.REDRILL
    else:
        after = sm2.review(before, Grade(grade), day)
        kind = ReviewKind.LEARN if before.is_new else ReviewKind.REVIEW
    return store.record(Review(learner, card_id, at, day, Grade(grade), kind, before, after, ms))


def answer(
    store: Store,
    card_id: str,
    grade: int,
    day: date = DAY,
    *,
    learner: str = "ada",
    redrill: bool = False,
) -> Review:
    """Answer a card at noon UTC of `day`, as `answer_at` does."""
    at = datetime.combine(day, NOW.timetz())
    return answer_at(store, card_id, grade, at, learner=learner, redrill=redrill)
