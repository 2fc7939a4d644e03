"""`trainer export --with-progress` read by the official `anki` library.

The package is imported with scheduling into a fresh collection (Anki's Rust backend, as
the desktop app does it); every card's due day, interval, ease, repetitions and lapses must
equal `trainer cards --json`, the revlog must hold one row per logged answer, and Anki's
queue for today as many due reviews as `trainer status` counts.

Anki reads the real clock (it cannot be frozen), so the learner's answers are made at
times relative to the real now, passed to the store as any session passes its clock.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from anki.collection import Collection
from anki_helpers import (
    anki_cards,
    anki_cards_of,
    fresh_collection,
    import_package,
    make_store,
    run,
)

from trainer.anki.export import note_guid
from trainer.anki.mapping import (
    EASE_SQL,
    REVLOG_KIND_SQL,
    anki_ease,
    collection_timing,
    trainer_grade,
)
from trainer.model import Grade, ReviewKind
from trainer.progress.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_store(tmp_path)


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    col = fresh_collection(tmp_path / "anki")
    try:
        yield col
    finally:
        col.close()


def test_scheduling_and_log_arrive_in_anki_as_trainer_has_them(
    db: Path, tmp_path: Path, collection: Collection
) -> None:
    out = tmp_path / "out"
    printed = run(db, "export", "--with-progress", "course", "--out", str(out))
    assert printed == f"Wrote {out / 'course.apkg'} (8 notes, 16 cards, 13 answers)\n"
    import_package(collection, out / "course.apkg")

    listed = {row["id"]: row for row in json.loads(run(db, "cards", "--deck", "course", "--json"))}
    cards = anki_cards(collection)
    assert set(cards) == set(listed)
    today = date.fromisoformat(json.loads(run(db, "status", "--json"))["day"])
    anki_today = collection.sched.today
    for card_id, row in listed.items():
        card = cards[card_id]
        if row["due"] is None:
            assert (card.type, card.ivl, card.reps, card.lapses) == (0, 0, 0, 0), card_id
            continue
        due = today + timedelta(days=card.due - anki_today)
        assert due.isoformat() == row["due"], card_id
        assert card.ivl == row["interval"], card_id
        assert card.factor == round(row["ef"] * 1000), card_id
        assert card.reps == row["reps"], card_id
        assert card.lapses == row["lapses"], card_id
        assert card.type == 2, card_id
    assert cards["course/echo/forward"].queue == -1  # suspended
    assert cards["course/foxtrot/forward"].queue == -3  # buried until the next rollover
    assert cards["course/delta/forward"].queue == 2

    store = Store.open(db)
    try:
        logged = sum(len(store.history("ada", card_id)) for card_id in listed)
    finally:
        store.close()
    assert logged == 13
    assert collection.db.scalar("SELECT count() FROM revlog") == logged

    status = json.loads(run(db, "status", "--json"))
    node = next(
        child
        for child in collection.sched.deck_due_tree().children
        if child.name == "AI Music Glossary"
    )
    (course,) = node.children
    assert course.name == "Course"
    assert status["reviews"] == 4  # bravo (overdue), charlie (due today), delta, golf
    assert course.review_count == status["reviews"]


def test_revlog_rows_map_grades_kinds_times_and_intervals(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(db, "export", "--with-progress", "course", "--out", str(out))
    with zipfile.ZipFile(out / "course.apkg") as package:
        (tmp_path / "col.anki2").write_bytes(package.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "col.anki2")
    rows = conn.execute(
        "SELECT r.id, r.ease, r.ivl, r.lastIvl, r.factor, r.time, r.type FROM revlog r"
        " JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid"
        " WHERE n.guid = ? AND c.ord = 0 ORDER BY r.id",
        (note_guid("course", "bravo"),),
    ).fetchall()
    store = Store.open(db)
    try:
        history = store.history("ada", "course/bravo/forward")
    finally:
        store.close()
    assert [row[0] for row in rows] == [int(r.at.timestamp() * 1000) for r in history]
    # Good (learn), Good (review), Again (a lapse: a review of a card with n > 0)
    assert [row[1:] for row in rows] == [
        (3, 1, 0, 2500, 1500, 0),
        (3, 6, 1, 2500, 1500, 1),
        (1, 1, 6, 2500, 1500, 1),
    ]
    golf = conn.execute(
        "SELECT r.ease, r.type FROM revlog r JOIN cards c ON c.id = r.cid"
        " JOIN notes n ON n.id = c.nid WHERE n.guid = ? ORDER BY r.id",
        (note_guid("course", "golf"),),
    ).fetchall()
    assert golf == [(1, 0), (3, 0)]  # the learn and its re-drill: learning rows
    (conf,) = conn.execute("SELECT conf FROM col").fetchone()
    config = json.loads(conf)
    assert (config["schedVer"], config["sched2021"], config["rollover"]) == (2, True, 4)
    assert config["creationOffset"] == 0


def test_grades_map_both_ways() -> None:
    assert [anki_ease(g) for g in range(6)] == [1, 1, 1, 2, 3, 4]
    assert [trainer_grade(e) for e in (1, 2, 3, 4)] == [
        Grade.INCORRECT_REMEMBERED,
        Grade.HARD,
        Grade.GOOD,
        Grade.PERFECT,
    ]


@pytest.mark.parametrize(
    ("kind", "n_before", "lapses_before", "expected"),
    [
        (ReviewKind.LEARN, 0, 0, 0),
        (ReviewKind.REVIEW, 2, 0, 1),
        (ReviewKind.REVIEW, 0, 1, 2),  # back at n = 0 after a lapse: relearning
        (ReviewKind.REVIEW, 0, 0, 0),  # failed its first answers: still learning
        (ReviewKind.REDRILL, 0, 1, 2),
        (ReviewKind.REDRILL, 1, 0, 0),
    ],
)
def test_revlog_kinds(kind: ReviewKind, n_before: int, lapses_before: int, expected: int) -> None:
    conn = sqlite3.connect(":memory:")
    row = conn.execute(
        f"SELECT {REVLOG_KIND_SQL} FROM (SELECT ? AS kind, ? AS n_before, ? AS lapses_before)",
        (kind.value, n_before, lapses_before),
    ).fetchone()
    assert row == (expected,)


def test_ease_sql_is_anki_ease() -> None:
    conn = sqlite3.connect(":memory:")
    for grade in range(6):
        row = conn.execute(f"SELECT {EASE_SQL} FROM (SELECT ? AS grade)", (grade,)).fetchone()
        assert row == (anki_ease(grade),)


def test_creation_time_is_the_first_study_day_at_the_rollover_hour() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    summer = collection_timing(date(2026, 7, 1), berlin, 4)
    assert summer.crt == int(datetime(2026, 7, 1, 2, tzinfo=UTC).timestamp())
    assert summer.creation_offset == -120  # minutes west of UTC
    winter = collection_timing(date(2026, 1, 10), ZoneInfo("America/New_York"), 0)
    assert winter.crt == int(datetime(2026, 1, 10, 5, tzinfo=UTC).timestamp())
    assert winter.creation_offset == 300
    assert winter.config() == {
        "schedVer": 2,
        "sched2021": True,
        "creationOffset": 300,
        "rollover": 0,
    }


def test_an_fsrs_memory_state_goes_into_the_card_data(
    db: Path, tmp_path: Path, collection: Collection
) -> None:
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE card_states SET stability = 12.345678, difficulty = 6.54321"
        " WHERE card_id = 'course/alpha/forward'"
    )
    conn.commit()
    conn.close()
    out = tmp_path / "out"
    run(db, "export", "--with-progress", "course", "--out", str(out))
    import_package(collection, out / "course.apkg")
    cards = anki_cards(collection)
    memory = cards["course/alpha/forward"].memory_state
    assert memory is not None
    assert (round(memory.stability, 4), round(memory.difficulty, 3)) == (12.3457, 6.543)
    assert cards["course/bravo/forward"].memory_state is None  # SM-2 only: no memory state


def test_a_leech_is_tagged_and_the_combined_package_carries_every_deck(
    db: Path, tmp_path: Path, collection: Collection
) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE card_states SET leech = 1 WHERE card_id = 'course/bravo/forward'")
    conn.commit()
    conn.close()
    out = tmp_path / "out"
    printed = run(db, "export", "--with-progress", "--combined", "--out", str(out))
    assert printed.startswith(f"Wrote {out / 'ai-music-glossary.apkg'} (")
    assert ", 13 answers, " in printed
    import_package(collection, out / "ai-music-glossary.apkg")
    cards = anki_cards_of(collection, "course")
    assert cards["course/bravo/forward"].note().tags == ["course", "leech"]
    assert cards["course/alpha/forward"].note().tags == ["course"]
    assert collection.db.scalar("SELECT count() FROM revlog") == 13
    assert cards["course/delta/forward"].queue == 2
