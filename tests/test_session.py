"""The study session against an in-memory store: queue, limits, siblings, re-drill, undo."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from trainer.model import Card, CardState, Direction, Grade, Review, ReviewKind
from trainer.scheduling import sm2
from trainer.session import (
    Item,
    Limits,
    Progress,
    Session,
    SessionOver,
    build_queue,
    current_streak,
)

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEARNER = "ada"


@dataclass(frozen=True)
class SC:
    card: Card
    state: CardState


@dataclass(frozen=True)
class Counts:
    new: int = 0
    reviews: int = 0


def make_card(
    entry: str, direction: Direction = Direction.FORWARD, deck: str = "d", ord: int = 0
) -> Card:
    return Card(
        id=f"{deck}/{entry}/{direction.value}",
        deck=deck,
        entry=entry,
        direction=direction,
        front=f"front of {entry}",
        back=f"back of {entry}",
        term=entry.title(),
        ord=ord,
    )


@dataclass
class FakeStore:
    """The Store's study methods over dicts, with the same re-drill and undo rules."""

    cards: list[Card]
    states: dict[str, CardState] = field(default_factory=dict)
    redrill: dict[str, date] = field(default_factory=dict)
    buried: dict[str, date] = field(default_factory=dict)
    suspended: set[str] = field(default_factory=set)
    log: list[Review] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def state(self, card_id: str) -> CardState:
        return self.states.get(card_id, CardState())

    def _visible(self, card: Card, decks: Sequence[str], day: date) -> bool:
        hidden = card.id in self.suspended or self.buried.get(card.id, day) > day
        return card.deck in decks and not hidden

    def redrill_cards(self, learner: str, decks: Sequence[str], day: date) -> list[SC]:
        return [
            SC(c, self.state(c.id))
            for c in self.cards
            if self.redrill.get(c.id) == day and self._visible(c, decks, day)
        ]

    def due_cards(
        self, learner: str, decks: Sequence[str], day: date, limit: int | None = None
    ) -> list[SC]:
        due = [
            SC(c, self.state(c.id))
            for c in self.cards
            if self._visible(c, decks, day) and (d := self.state(c.id).due) and d <= day
        ]
        due.sort(key=lambda s: (s.state.due, s.card.ord))
        return due[:limit]

    def new_cards(
        self, learner: str, decks: Sequence[str], day: date, limit: int | None = None
    ) -> list[SC]:
        new = [
            SC(c, self.state(c.id))
            for c in self.cards
            if self._visible(c, decks, day) and self.state(c.id).is_new
        ]
        return new[:limit]

    def done_today(self, learner: str, day: date) -> Counts:
        kinds = [r.kind for r in self.log if r.day == day]
        return Counts(new=kinds.count(ReviewKind.LEARN), reviews=kinds.count(ReviewKind.REVIEW))

    def entries_studied(self, learner: str, day: date) -> set[tuple[str, str]]:
        by_id = {c.id: c for c in self.cards}
        return {(by_id[r.card_id].deck, by_id[r.card_id].entry) for r in self.log if r.day == day}

    def record(self, review: Review) -> Review:
        self.calls.append(f"record {review.card_id} {int(review.grade)} {review.kind.value}")
        saved = replace(review, id=len(self.log) + 1)
        self.log.append(saved)
        self.states[review.card_id] = review.after
        if review.grade < 4:
            self.redrill[review.card_id] = review.day
        else:
            self.redrill.pop(review.card_id, None)
        return saved

    def undo_last(self, learner: str, *, review_id: int | None = None) -> Review | None:
        if not self.log:
            return None
        assert review_id in (None, self.log[-1].id)  # this fake has one session
        last = self.log.pop()
        self.calls.append(f"undo {last.card_id}")
        self.states[last.card_id] = last.before
        earlier = [r for r in self.log if r.card_id == last.card_id and r.day == last.day]
        if earlier and earlier[-1].grade < 4:
            self.redrill[last.card_id] = last.day
        else:
            self.redrill.pop(last.card_id, None)
        return last

    def bury(self, learner: str, card_id: str, until: date) -> None:
        self.calls.append(f"bury {card_id} {until}")
        self.buried[card_id] = until

    def set_suspended(self, learner: str, card_id: str, suspended: bool) -> None:
        self.calls.append(f"suspend {card_id} {suspended}")
        (self.suspended.add if suspended else self.suspended.discard)(card_id)

    def history(self, learner: str, card_id: str) -> list[Review]:
        return [r for r in self.log if r.card_id == card_id]


def deck_of(n: int) -> list[Card]:
    """n entries, two cards each, in deck order."""
    cards = []
    for i in range(n):
        for k, direction in enumerate(Direction):
            cards.append(make_card(f"e{i}", direction, ord=2 * i + k))
    return cards


def start(
    store: FakeStore, *, day: date = DAY, seed: int = 1, limits: Limits | None = None
) -> Session:
    return Session.start(
        store,
        learner=LEARNER,
        decks=["d"],
        day=day,
        limits=limits or Limits(),
        rng=random.Random(seed),
    )


def ids(items: Sequence[Item]) -> list[str]:
    return [i.card.id for i in items]


def run(session: Session, grades: Sequence[int], now: datetime = NOW) -> list[str]:
    shown = []
    for grade in grades:
        item = session.current()
        assert item is not None
        shown.append(f"{item.card.id} {item.kind.value}")
        session.answer(grade, now=now)
    return shown


# -- the queue -----------------------------------------------------------------------


def test_first_day_new_cards_in_deck_order_one_side_per_entry() -> None:
    store = FakeStore(deck_of(3))
    session = start(store)
    assert session.progress() == Progress(new=3, reviews=0, redrill=0)
    assert run(session, [5, 5, 5]) == [
        "d/e0/forward learn",
        "d/e1/forward learn",
        "d/e2/forward learn",
    ]
    assert session.current() is None
    assert session.finished


def test_queue_order_redrill_then_most_overdue_then_new() -> None:
    cards = deck_of(4)
    store = FakeStore(cards)
    learned = CardState(n=2, ef=250, interval=6, due=DAY)
    store.states["d/e0/forward"] = replace(learned, due=DAY - timedelta(days=1))
    store.states["d/e1/reverse"] = replace(learned, due=DAY - timedelta(days=5))
    store.states["d/e2/forward"] = replace(learned, due=DAY + timedelta(days=1))  # not due
    store.states["d/e2/reverse"] = replace(learned, due=DAY + timedelta(days=2))
    store.states["d/e3/forward"] = replace(learned, due=DAY + timedelta(days=1))
    store.redrill["d/e3/forward"] = DAY
    session = start(store)
    queue = ids(session._queue)
    assert queue == ["d/e3/forward", "d/e1/reverse", "d/e0/forward"]
    assert [i.kind for i in session._queue] == [
        ReviewKind.REDRILL,
        ReviewKind.REVIEW,
        ReviewKind.REVIEW,
    ]
    assert session.progress() == Progress(new=0, reviews=2, redrill=1)


def test_build_queue_skips_siblings_of_studied_and_queued_entries() -> None:
    cards = deck_of(3)
    as_new = [SC(c, CardState()) for c in cards]
    queue = build_queue(
        redrill=[],
        due=[],
        new=as_new,
        studied_entries={("d", "e1")},
        new_limit=10,
        review_limit=10,
        rng=random.Random(0),
    )
    assert ids(queue) == ["d/e0/forward", "d/e2/forward"]


def test_build_queue_direction_filter() -> None:
    as_new = [SC(c, CardState()) for c in deck_of(3)]
    queue = build_queue(
        redrill=[],
        due=[],
        new=as_new,
        studied_entries=(),
        directions=frozenset({Direction.REVERSE}),
        new_limit=2,
        review_limit=10,
        rng=random.Random(0),
    )
    assert ids(queue) == ["d/e0/reverse", "d/e1/reverse"]


def test_reverse_due_today_waits_when_forward_was_studied_today() -> None:
    cards = deck_of(2)
    store = FakeStore(cards)
    store.states["d/e0/reverse"] = CardState(n=1, interval=1, due=DAY)
    store.states["d/e1/reverse"] = CardState(n=1, interval=1, due=DAY)
    first = start(store, limits=Limits(new=1, reviews=0))
    assert run(first, [5]) == ["d/e0/forward learn"]
    second = start(store, limits=Limits(new=0, reviews=10))
    assert ids(second._queue) == ["d/e1/reverse"]  # e0's reverse waits for tomorrow
    tomorrow = start(store, day=DAY + timedelta(days=1), limits=Limits(new=0, reviews=10))
    # most overdue first; e0's forward (learned today) waits behind its sibling
    assert ids(tomorrow._queue) == ["d/e0/reverse", "d/e1/reverse"]


def test_limits_count_what_was_done_today() -> None:
    store = FakeStore(deck_of(10))
    first = start(store, limits=Limits(new=3, reviews=200))
    run(first, [5, 5])  # two new cards learned, then the learner quits
    second = start(store, limits=Limits(new=3, reviews=200))
    assert second.progress() == Progress(new=1, reviews=0, redrill=0)
    run(second, [4])
    assert start(store, limits=Limits(new=3, reviews=200)).finished
    tomorrow = start(store, day=DAY + timedelta(days=1), limits=Limits(new=3, reviews=1))
    assert tomorrow.progress() == Progress(new=3, reviews=1, redrill=0)


def test_review_limit_counts_reviews_done_today() -> None:
    store = FakeStore(deck_of(5))
    for i in range(5):
        store.states[f"d/e{i}/forward"] = CardState(n=1, interval=1, due=DAY)
    session = start(store, limits=Limits(new=0, reviews=3))
    run(session, [4])
    again = start(store, limits=Limits(new=0, reviews=3))
    assert again.progress() == Progress(new=0, reviews=2, redrill=0)


# -- answers and the re-drill --------------------------------------------------------


def test_first_answer_schedules_with_sm2_and_is_recorded_first() -> None:
    store = FakeStore(deck_of(1))
    store.states["d/e0/forward"] = CardState(n=2, ef=250, interval=6, due=DAY)
    session = start(store)
    review = session.answer(Grade.GOOD, now=NOW, answer_ms=1234)
    assert review.kind is ReviewKind.REVIEW
    assert review.before == CardState(n=2, ef=250, interval=6, due=DAY)
    assert review.after == sm2.review(review.before, Grade.GOOD, DAY)
    assert review.after.interval == 15
    assert (review.at, review.day, review.answer_ms, review.learner) == (NOW, DAY, 1234, "ada")
    assert review.id == 1  # the stored copy comes back
    assert store.calls == ["record d/e0/forward 4 review"]


def test_redrill_rounds_until_each_card_scores_four() -> None:
    store = FakeStore(deck_of(3))
    session = start(store, seed=7)
    shown = run(session, [2, 3, 5])  # first pass: e0 fails, e1 hard, e2 perfect
    assert shown == ["d/e0/forward learn", "d/e1/forward learn", "d/e2/forward learn"]
    assert session.progress() == Progress(new=0, reviews=0, redrill=2)
    round1 = [session.current().card.id, session._queue[1].card.id]  # type: ignore[union-attr]
    assert sorted(round1) == ["d/e0/forward", "d/e1/forward"]
    first = session.current()
    assert first is not None and first.kind is ReviewKind.REDRILL
    r = session.answer(3, now=NOW)  # still below 4: stays for round 2
    assert r.kind is ReviewKind.REDRILL and r.before == r.after
    assert r.after == store.state(first.card.id)  # schedule unchanged by the re-drill
    r = session.answer(4, now=NOW)  # leaves
    assert session.round == 1
    assert session.progress() == Progress(new=0, reviews=0, redrill=1)
    item = session.current()
    assert session.round == 2
    assert item is not None and item.card.id == first.card.id
    session.answer(5, now=NOW)
    assert session.finished
    assert [r.kind.value for r in store.log] == ["learn"] * 3 + ["redrill"] * 3
    assert store.redrill == {}


def test_redrill_order_is_shuffled_by_the_injected_random() -> None:
    def order(seed: int) -> list[str]:
        store = FakeStore(deck_of(8))
        session = start(store, seed=seed)
        run(session, [1] * 8)
        return ids(session._queue) if session.current() else []

    assert order(3) == order(3)
    orders = {tuple(order(seed)) for seed in range(6)}
    assert len(orders) > 1
    assert all(sorted(o) == sorted(f"d/e{i}/forward" for i in range(8)) for o in orders)


def test_same_card_not_twice_in_a_row_across_rounds() -> None:
    for seed in range(20):
        store = FakeStore(deck_of(2))
        session = start(store, seed=seed)
        run(session, [5, 1])  # e1 fails: round 1 is e1 alone (unavoidable repeat)
        run(session, [1])
        store2 = FakeStore(deck_of(3))
        s2 = start(store2, seed=seed)
        run(s2, [1, 1, 1])
        last = None
        while (item := s2.current()) is not None and s2.round < 4:
            assert item.card.id != last
            last = item.card.id
            s2.answer(1, now=NOW)


def test_unfinished_redrill_returns_the_same_day_only() -> None:
    store = FakeStore(deck_of(3))
    session = start(store, limits=Limits(new=2))
    run(session, [1, 5])  # e0 failed; the learner quits before the re-drill
    again = start(store, limits=Limits(new=2))
    assert [(i.card.id, i.kind) for i in again._queue] == [("d/e0/forward", ReviewKind.REDRILL)]
    review = again.answer(5, now=NOW)
    assert review.kind is ReviewKind.REDRILL and review.before == review.after
    assert again.finished
    assert start(store, limits=Limits(new=2)).finished


def test_preview_for_first_answers_not_for_redrill() -> None:
    store = FakeStore(deck_of(1))
    session = start(store)
    assert session.preview() == {g: 1 for g in Grade}  # n=1 is one day whatever the grade
    session.answer(0, now=NOW)
    assert session.preview() is None


# -- undo, bury, suspend -------------------------------------------------------------


def test_undo_goes_back_to_that_card_and_restores_the_store() -> None:
    store = FakeStore(deck_of(3))
    session = start(store)
    run(session, [5, 2])
    item = session.undo()
    assert item is not None and item.card.id == "d/e1/forward"
    assert item.kind is ReviewKind.LEARN and item.state == CardState()
    assert session.current() == item
    assert store.state("d/e1/forward") == CardState()
    assert "d/e1/forward" not in store.redrill
    assert session.progress() == Progress(new=2, reviews=0, redrill=0)
    assert [r.card_id for r in session.reviews] == ["d/e0/forward"]
    run(session, [4, 4])
    assert session.finished
    assert [r.grade for r in store.log] == [5, 4, 4]


def test_undo_across_the_start_of_a_redrill_round() -> None:
    store = FakeStore(deck_of(2))
    session = start(store)
    run(session, [1, 5])
    assert session.current() is not None and session.round == 1
    item = session.undo()  # takes back the 5 of e1, the last card of the first pass
    assert item is not None and item.card.id == "d/e1/forward"
    assert session.round == 0
    assert session.progress() == Progress(new=1, reviews=0, redrill=1)
    run(session, [2])
    assert session.progress() == Progress(new=0, reviews=0, redrill=2)


def test_undo_of_a_redrill_answer_that_joined_the_next_round() -> None:
    store = FakeStore(deck_of(1))
    session = start(store)
    run(session, [1, 2])  # learn 1, then re-drill 2 (stays)
    assert session.progress().redrill == 1
    item = session.undo()
    assert item is not None and item.kind is ReviewKind.REDRILL
    assert session.progress() == Progress(new=0, reviews=0, redrill=1)
    run(session, [5])
    assert session.finished


def test_undo_with_nothing_to_undo_leaves_earlier_sessions_alone() -> None:
    store = FakeStore(deck_of(2))
    run(start(store), [5])
    session = start(store)
    assert not session.can_undo
    assert session.undo() is None
    assert len(store.log) == 1


def test_bury_and_suspend_take_the_card_out_of_the_session() -> None:
    store = FakeStore(deck_of(3))
    session = start(store)
    assert session.bury().id == "d/e0/forward"
    assert session.suspend().id == "d/e1/forward"
    assert session.progress() == Progress(new=1, reviews=0, redrill=0)
    assert store.calls == [
        f"bury d/e0/forward {DAY + timedelta(days=1)}",
        "suspend d/e1/forward True",
    ]
    run(session, [5])
    assert session.finished
    again = start(store)  # buried and suspended cards stay out; their siblings may come
    assert ids(again._queue) == ["d/e0/reverse", "d/e1/reverse"]
    tomorrow = start(store, day=DAY + timedelta(days=1))
    assert "d/e0/forward" in ids(tomorrow._queue)
    assert "d/e1/forward" not in ids(tomorrow._queue)


def test_bury_a_card_waiting_in_the_redrill() -> None:
    store = FakeStore(deck_of(2))
    session = start(store)
    run(session, [1, 1])
    item = session.current()
    assert item is not None
    session.bury()
    assert session.progress().redrill == 1
    run(session, [5])
    assert session.finished


def test_actions_without_a_card_raise() -> None:
    session = start(FakeStore([]))
    assert session.finished
    with pytest.raises(SessionOver):
        session.answer(5, now=NOW)
    with pytest.raises(SessionOver):
        session.bury()


def test_history_of_the_current_card() -> None:
    store = FakeStore(deck_of(1))
    session = start(store)
    session.answer(1, now=NOW)
    assert [r.grade for r in session.history()] == [1]


# -- the end -------------------------------------------------------------------------


def test_summary_counts_this_sessions_saved_answers() -> None:
    store = FakeStore(deck_of(4))
    store.states["d/e3/forward"] = CardState(n=1, interval=1, due=DAY)
    session = start(store)
    run(session, [4, 2, 5, 3])  # review e3, then new e0, e1, e2
    run(session, [5, 4])  # re-drill e0 and e2
    assert session.finished
    summary = session.summary(seconds=90, streak=3, due_tomorrow=4)
    assert (summary.studied, summary.new, summary.reviews, summary.redrills) == (4, 3, 1, 2)
    assert (summary.answers, summary.passed) == (6, 5)
    assert summary.passed_share == pytest.approx(5 / 6)
    assert (summary.seconds, summary.streak, summary.due_tomorrow) == (90, 3, 4)


def test_summary_of_an_empty_session() -> None:
    summary = start(FakeStore([])).summary(seconds=-1, streak=0, due_tomorrow=0)
    assert summary.answers == 0 and summary.passed_share is None and summary.seconds == 0


@pytest.mark.parametrize(
    ("offsets", "streak"),
    [
        ([], 0),
        ([0], 1),
        ([0, 1, 2], 3),
        ([1, 2], 2),  # not yet studied today: the streak is still alive
        ([0, 2, 3], 1),
        ([2, 3], 0),
    ],
)
def test_current_streak(offsets: list[int], streak: int) -> None:
    days = [DAY - timedelta(days=o) for o in offsets]
    assert current_streak(days, DAY) == streak


def test_siblings_of_due_cards_do_not_eat_the_new_card_limit() -> None:
    store = FakeStore(deck_of(8))
    for i in range(3):
        store.states[f"d/e{i}/forward"] = CardState(n=1, interval=1, due=DAY)
    session = start(store, limits=Limits(new=3, reviews=10))
    assert ids(session._queue) == [
        "d/e0/forward",
        "d/e1/forward",
        "d/e2/forward",
        "d/e3/forward",
        "d/e4/forward",
        "d/e5/forward",
    ]


def test_one_direction_fetches_more_when_the_other_fills_the_first_fetch() -> None:
    store = FakeStore(deck_of(10))
    for i in range(10):  # every forward card is more overdue than every reverse card
        store.states[f"d/e{i}/forward"] = CardState(n=1, interval=1, due=DAY - timedelta(days=9))
        store.states[f"d/e{i}/reverse"] = CardState(n=1, interval=1, due=DAY - timedelta(days=1))
    session = Session.start(
        store,
        learner=LEARNER,
        decks=["d"],
        day=DAY,
        limits=Limits(new=0, reviews=3),
        directions=frozenset({Direction.REVERSE}),
        rng=random.Random(1),
    )
    assert ids(session._queue) == ["d/e0/reverse", "d/e1/reverse", "d/e2/reverse"]


def test_only_the_short_fetch_is_repeated() -> None:
    store = FakeStore(deck_of(8))
    for i in range(3):
        store.states[f"d/e{i}/forward"] = CardState(n=1, interval=1, due=DAY)
    fetched: list[tuple[str, int | None]] = []
    due_cards, new_cards = store.due_cards, store.new_cards

    def due(learner: str, decks: Sequence[str], day: date, limit: int | None = None) -> list[SC]:
        fetched.append(("due", limit))
        return due_cards(learner, decks, day, limit)

    def new(learner: str, decks: Sequence[str], day: date, limit: int | None = None) -> list[SC]:
        fetched.append(("new", limit))
        return new_cards(learner, decks, day, limit)

    store.due_cards, store.new_cards = due, new  # type: ignore[method-assign]
    session = start(store, limits=Limits(new=3, reviews=10))
    # 6 new cards fetched: three are siblings of the due cards, so 4 x 6 more
    assert fetched == [("due", 10), ("new", 6), ("new", 24)]
    assert ids(session._queue)[3:] == ["d/e3/forward", "d/e4/forward", "d/e5/forward"]
