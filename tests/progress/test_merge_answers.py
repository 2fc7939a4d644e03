"""Store.merge_answers: answers made elsewhere (Anki) merged into a learner's log, each
touched card replayed in time order; on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from store_helpers import answer_at, open_with_decks

from trainer.model import CardState, Grade, MergeReport, ReviewKind, TimedAnswer
from trainer.progress.store import Store
from trainer.scheduling import sm2
from trainer.scheduling.studyday import study_day

UTC_TZ = ZoneInfo("UTC")
T0 = datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)
CARD = "alpha/one/forward"


def day_of(at: datetime) -> date:
    return study_day(at, UTC_TZ, 4)


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Iterator[Store]:
    opened, _ = open_with_decks(tmp_path, store_target)
    yield opened
    opened.close()


def test_answers_interleave_with_the_log_and_the_state_is_the_replay(store: Store) -> None:
    answer_at(store, CARD, 4, T0)  # day 1: learn
    answer_at(store, CARD, 4, T0 + timedelta(days=6))  # day 7
    merged = [
        TimedAnswer(CARD, T0 + timedelta(days=1), Grade.PERFECT, 700),  # day 2, in between
        TimedAnswer(CARD, T0 + timedelta(days=6, hours=-1), Grade.INCORRECT_REMEMBERED, 900),
    ]
    assert store.merge_answers("ada", merged, day_of=day_of, dry_run=True) == MergeReport(2, 1)
    assert len(store.history("ada", CARD)) == 2  # the dry run wrote nothing
    assert store.merge_answers("ada", merged, day_of=day_of) == MergeReport(2, 1)

    history = store.history("ada", CARD)
    assert [(r.at, int(r.grade), r.kind) for r in history] == [
        (T0, 4, ReviewKind.LEARN),
        (T0 + timedelta(days=1), 5, ReviewKind.REVIEW),
        (T0 + timedelta(days=6, hours=-1), 1, ReviewKind.REVIEW),  # day 7's first: a lapse
        (T0 + timedelta(days=6), 4, ReviewKind.REDRILL),  # the terminal's, now a re-drill
    ]
    assert [r.answer_ms for r in history] == [1500, 700, 900, 1500]
    state = CardState()
    for review, first in zip(history, (True, True, True, False), strict=True):
        assert review.before == state
        if first:
            state = sm2.review(state, review.grade, review.day)
        assert review.after == state
    assert store.card_state("ada", CARD) == state == CardState(0, 260, 1, date(2026, 3, 8), 1)
    with store.engine.connect() as conn:
        redrill = conn.execute(text("SELECT redrill_day FROM card_states")).scalar()
        days = conn.execute(
            text("SELECT day, answers, redrilled FROM review_days ORDER BY day")
        ).all()
    assert redrill is None  # the last answer, a 4, took the card out of the re-drill
    assert [(str(d), a, r) for d, a, r in days] == [
        ("2026-03-01", 1, 0),
        ("2026-03-02", 1, 0),
        ("2026-03-07", 2, 1),
    ]


def test_a_fresh_learner_gets_rows_and_states(store: Store) -> None:
    answers = [
        TimedAnswer(CARD, T0, Grade.GOOD, 100),
        TimedAnswer("beta/red/reverse", T0 + timedelta(seconds=5), Grade.HARD, 200),
        TimedAnswer(CARD, T0 + timedelta(days=1), Grade.GOOD, 300),
    ]
    assert store.merge_answers("bob", answers, day_of=day_of) == MergeReport(3, 2)
    assert store.card_state("bob", CARD) == CardState(2, 250, 6, date(2026, 3, 8), 0)
    assert store.card_state("bob", "beta/red/reverse") == CardState(1, 236, 1, date(2026, 3, 2))
    assert [r.kind for r in store.history("bob", CARD)] == [ReviewKind.LEARN, ReviewKind.REVIEW]


@pytest.mark.sqlite_only
def test_rows_are_stored_as_record_stores_them(store: Store, backend: str) -> None:
    answer_at(store, CARD, 4, T0)
    store.merge_answers("ada", [TimedAnswer("alpha/two/forward", T0, Grade.GOOD)], day_of=day_of)
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT at, day, due_after FROM reviews ORDER BY id")).all()
    for at, day, due in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", at)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", day) and re.fullmatch(r"\d{4}-\d\d-\d\d", due)
    assert rows[0] == rows[1]


def test_an_unknown_card_is_refused_and_nothing_is_written(store: Store) -> None:
    from trainer.errors import StoreError

    with pytest.raises(StoreError, match="has no card 'gamma/x/forward'"):
        store.merge_answers(
            "ada",
            [TimedAnswer(CARD, T0, Grade.GOOD), TimedAnswer("gamma/x/forward", T0, Grade.GOOD)],
            day_of=day_of,
        )
    assert store.history("ada", CARD) == []


def test_nothing_to_merge_changes_nothing(store: Store) -> None:
    assert store.merge_answers("ada", [], day_of=day_of) == MergeReport(0, 0)
    assert store.learners() == []
