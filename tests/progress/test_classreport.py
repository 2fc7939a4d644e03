"""progress.classreport: exact figures of a known four-learner history, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from class_history import ALPHA, BETA, TODAY, day, write_history
from store_helpers import write_deck

from trainer.errors import ExportError, UnknownDeckError
from trainer.progress.classreport import (
    CSV_COLUMNS,
    HardEntry,
    LearnerReport,
    class_report,
    report_to_json,
    write_csv,
)
from trainer.progress.stats import Share
from trainer.progress.store import DeckSource, Store


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Iterator[Store]:
    """Decks alpha (4 entries, 8 cards) and beta (2 entries, 4 cards) and the history."""
    opened = Store.open(store_target)
    opened.sync_decks(
        [
            DeckSource(write_deck(tmp_path / "decks", "alpha", ALPHA), bundled=False),
            DeckSource(write_deck(tmp_path / "decks", "beta", BETA), bundled=False),
        ]
    )
    write_history(opened)
    yield opened
    opened.close()


ADA = LearnerReport(
    learner="ada",
    answers=7,
    study_days=3,
    current_streak=3,
    cards_seen=2,
    mature=0,
    retention=Share(3, 2),  # the 22nd: 4 and 3; the 23rd: 1
    overdue=0,
    last_day=day(23),
)
BOB = LearnerReport(
    learner="bob",
    answers=4,
    study_days=2,
    current_streak=0,
    cards_seen=4,
    mature=1,
    retention=Share(1, 1),
    overdue=1,
    last_day=day(2),
)
CY = LearnerReport(learner="cy")
DEE = LearnerReport(
    learner="dee",
    answers=6,
    study_days=3,
    current_streak=2,
    cards_seen=2,
    mature=0,
    retention=Share(2, 2),
    overdue=0,
    last_day=day(23),
)


def entry(
    key: str, term: str, learners: int, efs: list[int], lapses: int, share: Share
) -> HardEntry:
    deck, name = key.split("/")
    return HardEntry(deck, name, term, learners, sum(efs), len(efs), lapses, share)


# ef: ada's e0 cards 2.60 (5 then 4) and 2.36 (2, then 3: -0.14, then 1: unchanged).
E0 = entry("alpha/e0", "Alpha 0", 1, [260, 236], 1, Share(5, 3))
E1 = entry("alpha/e1", "Alpha 1", 1, [250], 0, Share(1, 1))
E2 = entry("alpha/e2", "Alpha 2", 1, [250, 236], 0, Share(2, 2))
B0 = entry("beta/e0", "Beta 0", 1, [250], 0, Share(1, 0))
B1 = entry("beta/e1", "Beta 1", 1, [250], 0, Share(2, 1))  # the re-drill is left out


def test_one_row_per_learner_with_exact_figures(store: Store) -> None:
    report = class_report(store.engine, today=TODAY)
    assert report.learners == (ADA, BOB, CY, DEE)
    assert report.cards == 12
    assert report.decks == ()
    assert report.deck_slugs == ("alpha", "beta")
    assert not report.empty


def test_hardest_entries(store: Store) -> None:
    report = class_report(store.engine, today=TODAY)
    assert report.lowest_ef == (E2, E0)  # 2.43, 2.48; the others are at 2.5 or above
    assert [e.average_ef for e in report.lowest_ef] == [2.43, 2.48]
    assert report.most_lapses == (E0,)
    assert report.lowest_passed == (B0, B1, E0)  # 0/1, 1/2, 3/5
    assert class_report(store.engine, today=TODAY, limit=2).lowest_passed == (B0, B1)


def test_since_limits_answers_days_and_retention_not_states_or_streaks(store: Store) -> None:
    report = class_report(store.engine, today=TODAY, since=day(20))
    bob = LearnerReport(
        learner="bob", current_streak=0, cards_seen=4, mature=1, overdue=1, last_day=day(2)
    )
    dee = LearnerReport(
        learner="dee",
        answers=5,
        study_days=2,
        current_streak=2,
        cards_seen=2,
        retention=Share(2, 2),
        last_day=day(23),
    )
    assert report.learners == (ADA, bob, CY, dee)
    assert report.since == day(20)
    assert report.lowest_passed == (B1, E0)  # bob's answers are before the 20th
    # States are as of today; the answers in the period are of the period.
    assert [(e.entry, e.average_ef, e.first_answers) for e in report.lowest_ef] == [
        ("e2", 2.43, Share(0, 0)),
        ("e0", 2.48, Share(5, 3)),
    ]


def test_deck_filter(store: Store) -> None:
    report = class_report(store.engine, today=TODAY, decks=["beta"])
    assert report.cards == 4
    assert report.decks == ("beta",)
    assert [
        (r.learner, r.answers, r.cards_seen, r.overdue, r.last_day) for r in report.learners
    ] == [
        ("ada", 0, 0, 0, None),
        ("bob", 1, 1, 0, day(1)),
        ("cy", 0, 0, 0, None),
        ("dee", 4, 1, 0, day(23)),
    ]
    assert report.lowest_passed == (B0, B1)
    assert report.lowest_ef == () and report.most_lapses == ()
    with pytest.raises(UnknownDeckError) as error:
        class_report(store.engine, today=TODAY, decks=["gamma"])
    assert str(error.value) == "unknown deck 'gamma'; known decks: alpha, beta"


def test_today_leaves_out_later_answers_and_counts_the_backlog(store: Store) -> None:
    report = class_report(store.engine, today=day(22))
    ada = report.learners[0]
    assert (ada.answers, ada.study_days, ada.current_streak, ada.last_day) == (6, 2, 2, day(22))
    # On the 29th ada's e0 cards are due (the 24th, the 28th): both overdue.
    later = class_report(store.engine, today=day(29))
    assert [r.overdue for r in later.learners] == [2, 1, 0, 2]
    assert [r.current_streak for r in later.learners] == [0, 0, 0, 0]


def test_each_learner_shows_its_scheduler(store: Store) -> None:
    from trainer.scheduling import SchedulerConfig

    store.set_scheduler("bob", SchedulerConfig("fsrs", 0.85), None)
    report = class_report(store.engine, today=TODAY)
    assert [(r.learner, r.scheduler) for r in report.learners] == [
        ("ada", "sm2"),
        ("bob", "fsrs"),
        ("cy", "sm2"),
        ("dee", "sm2"),
    ]
    assert [r["scheduler"] for r in report_to_json(report)["learners"]] == [
        "sm2",
        "fsrs",
        "sm2",
        "sm2",
    ]
    from trainer.ui.classreport import schedulers_line

    assert schedulers_line(report).plain == "Schedulers: SM-2: ada, cy, dee; FSRS: bob"


def test_an_empty_store(tmp_path: Path, store_target: str | Path) -> None:
    with Store.open(store_target) as empty:
        empty.sync_decks([DeckSource(write_deck(tmp_path / "d", "alpha", ALPHA), bundled=False)])
        report = class_report(empty.engine, today=TODAY)
    assert report.learners == ()
    assert report.empty
    assert report.lowest_ef == report.most_lapses == report.lowest_passed == ()


@pytest.mark.sqlite_only
def test_json_object(store: Store) -> None:
    data = json.loads(json.dumps(report_to_json(class_report(store.engine, today=TODAY))))
    assert list(data) == ["today", "since", "decks", "cards", "learners", "hardest"]
    assert data["learners"][0] == {
        "learner": "ada",
        "answers": 7,
        "study_days": 3,
        "current_streak": 3,
        "cards_seen": 2,
        "cards": 12,
        "mature": 0,
        "review_answers": 3,
        "review_passed": 2,
        "true_retention": 0.6667,
        "overdue": 0,
        "last_study_day": "2026-11-23",
        "scheduler": "sm2",
    }
    assert list(data["learners"][0]) == list(CSV_COLUMNS)
    assert data["learners"][2]["true_retention"] is None
    assert data["hardest"]["lowest_ef"][0] == {
        "deck": "alpha",
        "entry": "e2",
        "term": "Alpha 2",
        "learners": 1,
        "average_ef": 2.43,
        "lapses": 0,
        "first_answers": 2,
        "passed": 2,
        "passed_share": 1.0,
    }
    assert [e["entry"] for e in data["hardest"]["lowest_passed_share"]] == ["e0", "e1", "e0"]


@pytest.mark.sqlite_only
def test_csv_file_a_spreadsheet_opens(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out" / "class.csv"
    path.parent.mkdir()
    write_csv(class_report(store.engine, today=TODAY), path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, for Excel
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1:] == [
        ["ada", "7", "3", "3", "2", "12", "0", "3", "2", "0.6667", "0", "2026-11-23", "sm2"],
        ["bob", "4", "2", "0", "4", "12", "1", "1", "1", "1.0", "1", "2026-11-02", "sm2"],
        ["cy", "0", "0", "0", "0", "12", "0", "0", "0", "", "0", "", "sm2"],
        ["dee", "6", "3", "2", "2", "12", "0", "2", "2", "1.0", "0", "2026-11-23", "sm2"],
    ]
    assert data.count(b"\r\n") == 5  # the csv module's line ends, as RFC 4180 has them
    assert [p.name for p in path.parent.iterdir()] == ["class.csv"]  # no temporary left
    assert path.stat().st_mode & 0o777 == 0o644


def test_csv_into_a_missing_folder_is_one_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "missing" / "class.csv"
    with pytest.raises(ExportError) as error:
        write_csv(class_report(store.engine, today=TODAY), path)
    assert str(error.value) == f"cannot write {path}: No such file or directory"


def test_time_runs_only_as_an_argument(store: Store) -> None:
    first = class_report(store.engine, today=TODAY)
    assert class_report(store.engine, today=TODAY) == first
    assert class_report(store.engine, today=TODAY + timedelta(days=1)) != first
