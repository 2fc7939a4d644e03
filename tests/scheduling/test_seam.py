"""The scheduler seam: SM-2 behind the interface, and a scheduler injected into the
session and the store is the one they ask (re-drill, leech tag, rebase, undo)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from store_helpers import DAY, NOW, open_with_decks

from trainer.errors import SchedulerSettingsError
from trainer.model import CardState, Grade, Review, ReviewKind
from trainer.scheduling import DEFAULT, SchedulerConfig, is_leech, scheduler_for, sm2
from trainer.session import Session

LEARNED = CardState(n=2, ef=250, interval=6, due=date(2026, 3, 1), lapses=0)
KINDS = (ReviewKind.LEARN, ReviewKind.REVIEW)


def test_the_default_is_sm2() -> None:
    scheduler = scheduler_for(DEFAULT)
    assert scheduler.name == "sm2"
    assert isinstance(scheduler, sm2.SM2Scheduler)
    assert scheduler_for() == scheduler_for(SchedulerConfig(name="sm2"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("grade", list(Grade))
def test_sm2_reviews_the_first_answer_of_a_day(grade: Grade, kind: ReviewKind) -> None:
    scheduler = scheduler_for(DEFAULT)
    after = scheduler.review(LEARNED, grade, day=DAY, kind=kind, card_id="d/e/forward")
    assert after == sm2.review(LEARNED, grade, DAY)
    preview = scheduler.preview(LEARNED, day=DAY, kind=kind, card_id="d/e/forward")
    assert preview is not None and preview[grade] == after.interval


@pytest.mark.parametrize("grade", list(Grade))
def test_sm2_leaves_a_redrill_answer_unscheduled(grade: Grade) -> None:
    scheduler = scheduler_for(DEFAULT)
    kind = ReviewKind.REDRILL
    assert scheduler.review(LEARNED, grade, day=DAY, kind=kind, card_id="c") == LEARNED
    assert scheduler.preview(LEARNED, day=DAY, kind=kind, card_id="c") is None
    assert scheduler.in_redrill(grade) == (grade < Grade.GOOD)


def test_leech_tag_from_the_leech_rule() -> None:
    scheduler = scheduler_for(DEFAULT)
    assert [n for n in range(20) if is_leech(scheduler, n)] == list(range(8, 20))


def test_an_unknown_scheduler_is_one_error() -> None:
    with pytest.raises(SchedulerSettingsError) as raised:
        scheduler_for(SchedulerConfig(name="sm17"))
    assert str(raised.value) == "unknown scheduler 'sm17': choose one of sm2, fsrs"


@dataclass(frozen=True)
class Strict(sm2.SM2Scheduler):
    """SM-2 that re-drills every answer below 5 and calls a card a leech at its first lapse."""

    name: str = "strict"

    def in_redrill(self, grade: Grade) -> bool:
        return grade < Grade.PERFECT

    def is_leech_lapse(self, lapses_before: int, lapses_after: int) -> bool:
        return lapses_after > lapses_before


def test_the_session_asks_its_scheduler(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    session = Session.start(
        store, learner="ada", decks=["beta"], day=DAY, rng=random.Random(1), scheduler=Strict()
    )
    first = session.current()
    assert first is not None
    session.answer(Grade.GOOD, now=NOW)  # 4: "done for today" under SM-2, re-drilled here
    while (item := session.current()) is not None and item.kind is not ReviewKind.REDRILL:
        session.answer(Grade.PERFECT, now=NOW)
    assert item is not None and item.card.id == first.card.id
    assert session.preview() is None  # SM-2's re-drill: no grade changes the schedule
    assert [c.card.id for c in store.redrill_cards("ada", ["beta"], DAY)] == []  # store: SM-2


def test_the_store_asks_its_scheduler(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    store.scheduler = Strict()
    card = "alpha/one/forward"
    learned = store.record(learn(card, Grade.PERFECT, DAY))
    tomorrow = DAY + timedelta(days=1)
    lapse = store.record(learn(card, Grade.BLACKOUT, tomorrow, before=learned.after))
    assert lapse.after.lapses == 1
    [listing] = store.list_cards("ada", decks=["alpha"], leeches=True)
    assert listing.id == card  # a leech at its first lapse
    store.record(
        replace(
            learn(card, Grade.GOOD, tomorrow, before=lapse.after),
            kind=ReviewKind.REDRILL,
            after=lapse.after,
        )
    )
    assert [c.card.id for c in store.redrill_cards("ada", ["alpha"], tomorrow)] == [card]
    store.undo_last("ada")
    store.undo_last("ada")  # back to the first answer: 5, out of the re-drill, no leech
    assert store.redrill_cards("ada", ["alpha"], DAY) == []
    assert store.list_cards("ada", decks=["alpha"], leeches=True) == []
    store.close()


def learn(card: str, grade: Grade, day: date, *, before: CardState | None = None) -> Review:
    """The first answer of `day` to `card`, scheduled by SM-2."""
    state = before or CardState()
    kind = ReviewKind.LEARN if state.is_new else ReviewKind.REVIEW
    at = NOW + (day - DAY)
    return Review("ada", card, at, day, grade, kind, state, sm2.review(state, grade, day))
