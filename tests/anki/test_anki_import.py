"""`trainer import-anki`: Anki's reviews back into the learner's log, through the official
`anki` library (Anki's own scheduler answers the cards and Anki's own exporter writes the
packages: .apkg and .colpkg, in the current zstd format and the legacy one)."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zstandard
from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions
from anki_helpers import anki_cards, fresh_collection, import_package, make_store, run
from click.testing import CliRunner
from store_helpers import answer_at

from trainer.anki import package
from trainer.anki.asdeck import basic_deck, html_to_text
from trainer.anki.history import AnkiAnswer, BasicNote, unseen
from trainer.cli import cli
from trainer.model import CardState, Grade, TimedAnswer
from trainer.progress.store import Store
from trainer.scheduling import sm2


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_store(tmp_path)


@pytest.fixture
def collection(tmp_path: Path, db: Path) -> Iterator[Collection]:
    """A fresh Anki collection with the course exported with ada's progress imported."""
    out = tmp_path / "out"
    run(db, "export", "--with-progress", "course", "--out", str(out))
    col = fresh_collection(tmp_path / "anki")
    import_package(col, out / "course.apkg")
    try:
        yield col
    finally:
        col.close()


def answer_in_anki(col: Collection, eases: list[int]) -> list[tuple[str, int]]:
    """Answer the cards Anki's own v3 scheduler shows, with these buttons, in order."""
    by_id = {card.id: card_id for card_id, card in anki_cards(col).items()}
    col.decks.select(course_deck_id(col))
    answered = []
    for ease in eases:
        card = col.sched.getCard()
        assert card is not None, "Anki has nothing left to show"
        col.sched.answerCard(card, ease)  # type: ignore[arg-type]
        answered.append((by_id[card.id], ease))
    return answered


def course_deck_id(col: Collection) -> int:
    deck = col.decks.by_name("AI Music Glossary::Course")
    assert deck is not None
    return int(deck["id"])


def export_from_anki(col: Collection, path: Path, *, legacy: bool = False) -> Path:
    col.export_anki_package(
        out_path=str(path),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=False, legacy=legacy
        ),
        limit=DeckIdLimit(course_deck_id(col)),
    )
    return path


def log_of(db: Path, learner: str = "ada") -> list[tuple[str, datetime, int, str]]:
    """The learner's log: (card, time, grade, kind), in time order."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT r.card_id, r.at, r.grade, r.kind FROM reviews r"
            " JOIN learners l ON l.id = r.learner_id WHERE l.name = ? ORDER BY r.at",
            (learner,),
        ).fetchall()
    finally:
        conn.close()
    return [(c, datetime.fromisoformat(at).replace(tzinfo=UTC), g, k) for c, at, g, k in rows]


def replayed_state(db: Path, card_id: str, learner: str = "ada") -> CardState:
    """SM-2 over the card's logged answers in time order: the first of each day schedules."""
    store = Store.open(db)
    try:
        history = sorted(store.history(learner, card_id), key=lambda r: r.at)
    finally:
        store.close()
    state, days = CardState(), set()
    for review in history:
        if review.day not in days:
            state = sm2.review(state, review.grade, review.day)
            days.add(review.day)
    return state


def cards_json(db: Path, learner: str = "ada") -> dict[str, dict[str, object]]:
    rows = json.loads(run(db, "--learner", learner, "cards", "--deck", "course", "--json"))
    return {row["id"]: row for row in rows}


def test_round_trip_through_anki_and_back(db: Path, collection: Collection, tmp_path: Path) -> None:
    before = log_of(db)
    answered = answer_in_anki(collection, [3, 1, 4, 3, 2])
    package_path = export_from_anki(collection, tmp_path / "from-anki.apkg")
    with zipfile.ZipFile(package_path) as archive:
        assert "collection.anki21b" in archive.namelist()  # the current, zstd format

    printed = run(db, "import-anki", str(package_path))
    assert printed == (
        f"Read {package_path}: 8 notes of trainer's (16 cards), 18 answers in its review "
        "log; no other notes.\n"
        "Added 5 answers to ada's log; "
        f"{len({card for card, _ in answered})} cards changed.\n"
    )
    after = log_of(db)
    assert len(after) == len(before) + 5
    added = [row for row in after if row not in before]
    grade_of = {1: 1, 2: 3, 3: 4, 4: 5}
    assert [(card, grade) for card, _, grade, _ in added] == [
        (card, grade_of[ease]) for card, ease in answered
    ]
    # Every card's state is the replay of its merged log.
    listed = cards_json(db)
    for card_id, row in listed.items():
        state = replayed_state(db, card_id)
        assert (row["reps"], row["interval"], row["lapses"]) == (
            state.n,
            state.interval,
            state.lapses,
        ), card_id
        assert row["due"] == (state.due.isoformat() if state.due else None), card_id

    again = run(db, "import-anki", str(package_path))
    assert again.endswith("Nothing to add: ada's log has every one of these answers.\n")
    assert log_of(db) == after


def test_answers_from_both_sides_interleave_in_time_order(
    db: Path, collection: Collection, tmp_path: Path
) -> None:
    card, ease = answer_in_anki(collection, [3])[0]
    package_path = export_from_anki(collection, tmp_path / "from-anki.apkg")
    # Later, in the terminal, before the Anki answers come back: the same card again.
    store = Store.open(db)
    try:
        later = datetime.now(UTC) + timedelta(seconds=5)
        answer_at(store, card, 5, later, redrill=True)
    finally:
        store.close()
    run(db, "import-anki", str(package_path))
    rows = [row for row in log_of(db) if row[0] == card]
    assert [row[1] for row in rows] == sorted(row[1] for row in rows)
    assert rows[-2][2] == {1: 1, 2: 3, 3: 4, 4: 5}[ease]  # Anki's answer
    assert rows[-1][1:3] == (later, 5)  # then the terminal's
    # Anki's answer was the day's first: it schedules; the terminal's is now a re-drill.
    assert rows[-2][3] == ("learn" if len(rows) == 2 else "review")
    assert rows[-1][3] == "redrill"


@pytest.mark.parametrize("legacy", [False, True], ids=["latest", "legacy"])
def test_a_fresh_learner_gets_the_same_states_as_the_exporter(
    db: Path, collection: Collection, tmp_path: Path, legacy: bool
) -> None:
    answer_in_anki(collection, [3, 3, 1])
    package_path = export_from_anki(collection, tmp_path / "from-anki.apkg", legacy=legacy)
    with zipfile.ZipFile(package_path) as archive:
        assert ("collection.anki21" in archive.namelist()) is legacy
    run(db, "import-anki", str(package_path))
    printed = run(db, "--learner", "bob", "import-anki", str(package_path))
    assert "Added 16 answers to bob's log" in printed
    ada, bob = cards_json(db), cards_json(db, "bob")
    keys = ("reps", "ef", "interval", "due", "lapses")
    assert {c: [r[k] for k in keys] for c, r in bob.items()} == {
        c: [r[k] for k in keys] for c, r in ada.items()
    }
    assert len(log_of(db, "bob")) == len(log_of(db))


@pytest.mark.parametrize("legacy", [False, True], ids=["latest", "legacy"])
def test_a_collection_package_is_read_too(
    db: Path, collection: Collection, tmp_path: Path, legacy: bool
) -> None:
    answer_in_anki(collection, [4])
    path = tmp_path / "collection.colpkg"
    collection.export_collection_package(str(path), include_media=False, legacy=legacy)
    printed = run(db, "import-anki", str(path))
    assert "Added 1 answer to ada's log; 1 card changed." in printed


def test_dry_run_writes_nothing(db: Path, collection: Collection, tmp_path: Path) -> None:
    answer_in_anki(collection, [3, 3])
    package_path = export_from_anki(collection, tmp_path / "from-anki.apkg")
    data = db.read_bytes()
    printed = run(db, "import-anki", "--dry-run", str(package_path))
    assert "Would add 2 answers to ada's log; 2 cards would change." in printed
    assert printed.endswith("Nothing written (--dry-run).\n")
    assert db.read_bytes() == data


# -- other note types; --as-deck -----------------------------------------------------------


def shared_deck(tmp_path: Path) -> Path:
    """A package of someone else's Anki deck: Basic, reversed and cloze notes."""
    col = fresh_collection(tmp_path / "shared")
    try:
        deck_id = col.decks.id("Film Sound")
        assert deck_id is not None
        basic = col.models.by_name("Basic")
        reversed_ = col.models.by_name("Basic (and reversed card)")
        cloze = col.models.by_name("Cloze")
        assert basic and reversed_ and cloze
        for model, fields in [
            (basic, ["<b>Foley</b>", "Everyday sounds <i>recorded</i> in sync<br>with film."]),
            (basic, ["Reverb", "<div>Sound that persists&nbsp;after the source stops.</div>"]),
            (reversed_, ["Room tone", "The quiet sound of an empty hall [sound:room.mp3]"]),
            (basic, ["foley", "A duplicate front."]),
            (basic, ["Empty back", ""]),
            (cloze, ["{{c1::Sampling}} turns sound into numbers.", ""]),
        ]:
            note = col.new_note(model)
            for index, value in enumerate(fields):
                note.fields[index] = value
            col.add_note(note, deck_id)
        path = tmp_path / "film-sound.apkg"
        col.export_anki_package(
            out_path=str(path),
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
            ),
            limit=None,
        )
    finally:
        col.close()
    return path


def test_a_package_without_trainer_cards_is_refused(db: Path, tmp_path: Path) -> None:
    path = shared_deck(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(db), "import-anki", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: it holds none of trainer's cards, 6 notes of other note types "
        "('Basic': 4, 'Basic (and reversed card)': 1, 'Cloze': 1); import a package made "
        "from decks `trainer export` wrote, or pass --as-deck PATH to make a deck of its "
        "Basic notes\n"
    )


def test_as_deck_makes_a_deck_file_of_the_basic_notes(db: Path, tmp_path: Path) -> None:
    path = shared_deck(tmp_path)
    target = tmp_path / "film-sound.toml"
    printed = run(db, "import-anki", str(path), "--as-deck", str(target))
    assert printed.splitlines()[-2:] == [
        f"Wrote {target}: deck 'film-sound', 3 entries (left out: 1 note without text on a "
        "side; 1 note repeating a term).",
        f"Next: trainer deck check {target}, then trainer deck add {target}",
    ]
    from trainer.decks.format import parse_deck

    deck = parse_deck(target)
    assert deck.title == "Film Sound"
    assert [(e.id, e.term, e.definition) for e in deck.entries] == [
        ("foley", "Foley", "Everyday sounds recorded in sync\nwith film."),
        ("reverb", "Reverb", "Sound that persists after the source stops."),
        ("room-tone", "Room tone", "The quiet sound of an empty hall"),
    ]
    checked = CliRunner().invoke(cli, ["--db", str(db), "deck", "check", str(target)])
    assert checked.exit_code == 0, checked.output


def test_html_to_text() -> None:
    assert html_to_text("a&amp;b <b>bold</b><br>next<div>block</div>") == "a&b bold\nnext\nblock"
    assert html_to_text("<style>.x{}</style>  spaced \n out ") == "spaced out"
    assert html_to_text("&lt;tag&gt; [sound:x.mp3]") == "<tag>"


def test_basic_deck_keeps_first_of_a_term_and_counts_the_rest() -> None:
    made = basic_deck(
        [BasicNote("A", "x", ""), BasicNote("a", "y", ""), BasicNote("", "z", "")],
        slug="s",
        title="T",
        description="",
        anki_deck_id=1234567890,
    )
    assert [e.term for e in made.deck.entries] == ["A"]
    assert (made.empty, made.duplicates) == (1, 1)


def test_unseen_matches_each_logged_answer_once() -> None:
    at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    ms = int(at.timestamp() * 1000)
    logged = {"c": [(ms, 3)]}
    answers = [
        AnkiAnswer("c", ms + 2, 3, 900),  # the logged one (Good), moved on by 2 ms
        AnkiAnswer("c", ms + 3, 3, 900),  # another Good in the same second
        AnkiAnswer("c", ms, 2, 900),  # another button
        AnkiAnswer("d", ms, 3, 900),  # another card
    ]
    assert unseen(answers, logged) == [
        TimedAnswer("c", at + timedelta(milliseconds=3), Grade.GOOD, 900),
        TimedAnswer("c", at, Grade.HARD, 900),
        TimedAnswer("d", at, Grade.GOOD, 900),
    ]


# -- bad input: one line naming the file, exit 1, nothing written -------------------------


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def meta(version: int) -> bytes:
    return bytes([0x08, version])


def trainer_package(db: Path, tmp_path: Path) -> Path:
    out = tmp_path / "trainer-out"
    run(db, "export", "--with-progress", "course", "--out", str(out))
    return out / "course.apkg"


def edited(db: Path, tmp_path: Path, sql: str) -> Path:
    """trainer's package with its collection changed by `sql` (a legacy package)."""
    source = trainer_package(db, tmp_path)
    with zipfile.ZipFile(source) as archive:
        data = archive.read("collection.anki2")
    scratch = tmp_path / "edit.anki2"
    scratch.write_bytes(data)
    conn = sqlite3.connect(scratch)
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return zip_of(tmp_path / "edited.apkg", {"collection.anki2": scratch.read_bytes()})


FIRST = "id = (SELECT min(id) FROM revlog)"
BAD = {
    "not-a-zip": (
        lambda db, tmp: _write(tmp / "x.apkg", b"SQLite format 3\x00 not a zip"),
        "it is not a zip file, or it is cut short: an Anki package (.apkg, .colpkg) is a zip; "
        "export it from Anki again with File > Export",
    ),
    "no-collection": (
        lambda db, tmp: zip_of(tmp / "x.apkg", {"media": b"{}"}),
        "it holds no Anki collection (collection.anki21b, collection.anki21 or "
        "collection.anki2); export the deck from Anki with File > Export",
    ),
    "newer-package-version": (
        lambda db, tmp: zip_of(tmp / "x.apkg", {"meta": meta(4), "collection.anki21b": b""}),
        "package version 4 is newer than trainer reads (1-3); export it from Anki with "
        "'Support older Anki versions' ticked",
    ),
    "not-sqlite": (
        lambda db, tmp: zip_of(tmp / "x.apkg", {"collection.anki2": b"hello" * 10}),
        "its collection is not an Anki collection (not SQLite); export it again",
    ),
    "unknown-schema": (
        lambda db, tmp: edited(db, tmp, "UPDATE col SET ver = 19"),
        "its collection has schema version 19, which trainer does not read (11-18); "
        "export it again from an up-to-date Anki",
    ),
    "bad-zstd": (
        lambda db, tmp: zip_of(
            tmp / "x.apkg", {"meta": meta(3), "collection.anki21b": b"\x28\xb5\x2f\xfd junk"}
        ),
        None,  # "the package is damaged or cut short (...)": zstd's own reason inside
    ),
    "bad-ease": (
        lambda db, tmp: edited(
            db, tmp, "UPDATE revlog SET ease = 7 WHERE id = (SELECT min(id) FROM revlog)"
        ),
        "its review log has answer button 7 (row {id}); Anki's are 1-4: the package is "
        "damaged, export it again",
    ),
    "bad-time": (
        lambda db, tmp: edited(
            db, tmp, "UPDATE revlog SET time = -5 WHERE id = (SELECT min(id) FROM revlog)"
        ),
        "its review log has an answer time of -5 ms (row {id}); trainer takes 0-3600000 ms: "
        "the package is damaged, export it again",
    ),
    "future-answer": (
        lambda db, tmp: edited(
            db, tmp, "UPDATE revlog SET id = 4102444800000 WHERE id = (SELECT max(id) FROM revlog)"
        ),
        "its review log has an answer dated 2100-01-01 00:00 UTC (row 4102444800000), before "
        "2006 or in the future: check the clock of the device it came from, or export it again",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def first_revlog_id(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("collection.anki2")
    scratch = path.with_suffix(".check")
    scratch.write_bytes(data)
    conn = sqlite3.connect(scratch)
    try:
        return int(conn.execute("SELECT min(id) FROM revlog").fetchone()[0])
    finally:
        conn.close()


def assert_refused(db: Path, path: Path, message: str | None, tmp_path: Path) -> None:
    data = db.read_bytes()
    before = set(tmp_path.rglob("*"))
    result = CliRunner().invoke(cli, ["--db", str(db), "import-anki", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    if message is None:
        assert lines[0].startswith(f"Error: {path}: the package is damaged or cut short (")
    else:
        assert lines[0] == f"Error: {path}: {message}"
    assert db.read_bytes() == data
    assert set(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("case", list(BAD))
def test_bad_packages_are_refused_with_one_line(db: Path, tmp_path: Path, case: str) -> None:
    make, message = BAD[case]
    path = make(db, tmp_path)
    if message is not None and "{id}" in message:
        message = message.format(id=first_revlog_id(path))
    assert_refused(db, path, message, tmp_path)


def test_a_package_cut_short_is_refused(db: Path, tmp_path: Path) -> None:
    source = trainer_package(db, tmp_path)
    data = source.read_bytes()
    cut = _write(tmp_path / "cut.apkg", data[: len(data) // 2])
    assert_refused(
        db,
        cut,
        "it is not a zip file, or it is cut short: an Anki package (.apkg, .colpkg) is a zip; "
        "export it from Anki again with File > Export",
        tmp_path,
    )


def test_a_collection_over_the_limit_is_refused_before_it_is_unpacked(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = trainer_package(db, tmp_path)
    monkeypatch.setattr(package, "MAX_COLLECTION_BYTES", 4096)
    assert_refused(
        db,
        source,
        "its collection is larger than 0 MB once unpacked; export fewer decks from Anki",
        tmp_path,
    )


def test_a_zstd_bomb_stops_at_the_limit(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 64 MB of zeros in a few kB: unpacked only up to the limit, then refused.
    bomb = zstandard.ZstdCompressor().compress(bytes(64 * 1024 * 1024))
    path = zip_of(tmp_path / "bomb.apkg", {"meta": meta(3), "collection.anki21b": bomb})
    assert os.path.getsize(path) < 64 * 1024
    monkeypatch.setattr(package, "MAX_COLLECTION_BYTES", 8 * 1024 * 1024)
    assert_refused(
        db,
        path,
        "its collection is larger than 8 MB once unpacked; export fewer decks from Anki",
        tmp_path,
    )


def test_unpacking_reports_progress_up_to_the_collections_size(db: Path, tmp_path: Path) -> None:
    source = trainer_package(db, tmp_path)
    with zipfile.ZipFile(source) as archive:
        size = archive.getinfo("collection.anki2").file_size
    calls: list[tuple[int, int]] = []
    with package.open_collection(source, on_progress=lambda *call: calls.append(call)) as (
        version,
        conn,
    ):
        assert version is package.PackageVersion.LEGACY_1
        assert conn.execute("SELECT count() FROM revlog").fetchone() == (13,)
    assert calls[-1] == (size, size)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
