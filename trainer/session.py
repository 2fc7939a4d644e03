"""A study session: the day's queue, limits, sibling burying, the re-drill rounds, undo.

Pure logic, no I/O of its own: it talks to a store object passed in (anything with
the methods of `StudyStore`, in practice `trainer.progress.store.Store`) and never reads the
clock; the caller passes `now` with each answer.

The queue of a study day `d`:

1. the re-drill left over from earlier today (cards graded below 4 that have not yet
   scored 4 or 5), in shuffled order;
2. due reviews, most overdue first, up to the review limit minus the reviews already
   done today;
3. new cards in deck order, up to the new-card limit minus the new cards already
   learned today.

Sibling burying: one entry gives two cards (forward and reverse). Once one side has
been studied on day `d`, or is already in the queue, the other side waits for a later
day, so one card never gives the other's answer away. Skipped siblings are not written
anywhere; they simply stay due.

Every answer goes to the session's scheduler (`trainer.scheduling.Scheduler`, injected;
SM-2 by default): the first answer of the day to a card has kind LEARN for a new card,
REVIEW otherwise; a same-day repeat has kind REDRILL (SM-2 leaves the state unchanged
then, before == after). A card the scheduler puts in the re-drill (under SM-2: graded
below 4) is asked again after the first pass, round after round, each round in a fresh
shuffled order (an injectable `random.Random`), until it leaves the re-drill.

Every answer goes through `store.record` (one committed transaction) before the
session moves on, so quitting at any moment loses nothing that was graded. Undo takes
back this session's last answer (`store.undo_last`) and shows that card again.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from trainer.model import Card, CardState, Direction, Grade, Review, ReviewKind
from trainer.scheduling import DEFAULT, Scheduler, scheduler_for


class StudyCardLike(Protocol):
    """A card with the learner's state (`trainer.model.StudyCard`)."""

    @property
    def card(self) -> Card: ...

    @property
    def state(self) -> CardState: ...


class DayCountsLike(Protocol):
    """What a learner already did on a study day (`trainer.progress.store.DayCounts`)."""

    @property
    def new(self) -> int: ...

    @property
    def reviews(self) -> int: ...


class QueueSource(Protocol):
    """The store methods a day's queue is built from (`trainer.progress.store.Store`, or
    `trainer.progress.queue.QueueReader` for commands that only read)."""

    def redrill_cards(
        self, learner: str, decks: Sequence[str], day: date
    ) -> Sequence[StudyCardLike]: ...

    def due_cards(
        self, learner: str, decks: Sequence[str], day: date, limit: int | None = None
    ) -> Sequence[StudyCardLike]: ...

    def new_cards(
        self, learner: str, decks: Sequence[str], day: date, limit: int | None = None
    ) -> Sequence[StudyCardLike]: ...

    def done_today(self, learner: str, day: date) -> DayCountsLike: ...

    def entries_studied(self, learner: str, day: date) -> set[tuple[str, str]]: ...


class StudyStore(QueueSource, Protocol):
    """The store methods a session uses (see `trainer.progress.store.Store`)."""

    def record(self, review: Review) -> Review: ...

    def undo_last(self, learner: str, *, review_id: int | None = None) -> Review | None: ...

    def bury(self, learner: str, card_id: str, until: date) -> None: ...

    def set_suspended(self, learner: str, card_id: str, suspended: bool) -> None: ...

    def history(self, learner: str, card_id: str) -> list[Review]: ...


class SessionOver(Exception):
    """An action needs a current card but the queue is empty (a programming error)."""


@dataclass(frozen=True)
class Limits:
    """Per study day and learner: new cards to introduce, due reviews to do."""

    new: int = 20
    reviews: int = 200


@dataclass(frozen=True)
class Item:
    """A card in the queue, with its state and what an answer to it now would be."""

    card: Card
    state: CardState
    kind: ReviewKind  # LEARN (new card), REVIEW (due card) or REDRILL


@dataclass(frozen=True)
class Progress:
    """What is left: new and review cards of the first pass, re-drill answers pending."""

    new: int
    reviews: int
    redrill: int

    @property
    def total(self) -> int:
        return self.new + self.reviews + self.redrill


@dataclass(frozen=True)
class Summary:
    """The end of a session: what was saved (undone answers are not counted)."""

    studied: int  # distinct cards answered
    new: int  # answers of kind LEARN
    reviews: int  # answers of kind REVIEW
    redrills: int  # answers of kind REDRILL
    answers: int
    passed: int  # answers graded 3 or more
    buried: int
    suspended: int
    seconds: int
    streak: int  # study days in a row with at least one answer, up to today
    due_tomorrow: int

    @property
    def passed_share(self) -> float | None:
        return self.passed / self.answers if self.answers else None


@dataclass(frozen=True)
class _Done:
    item: Item
    review: Review
    round: int
    joined_redrill: bool


def _direction_ok(card: Card, directions: frozenset[Direction]) -> bool:
    return card.direction in directions


def build_queue(
    *,
    redrill: Iterable[StudyCardLike],
    due: Iterable[StudyCardLike],
    new: Iterable[StudyCardLike],
    studied_entries: Iterable[tuple[str, str]],
    directions: frozenset[Direction] = frozenset(Direction),
    new_limit: int,
    review_limit: int,
    rng: random.Random,
) -> list[Item]:
    """The first pass of a study day: leftover re-drill (shuffled), due cards, new cards.

    `due` and `new` come in the store's order (most overdue first; deck order) and may
    hold more cards than the limits: siblings of entries already studied today or already
    queued are skipped before a limit is counted.
    """
    seen = set(studied_entries)
    leftover = [
        Item(s.card, s.state, ReviewKind.REDRILL)
        for s in redrill
        if _direction_ok(s.card, directions)
    ]
    rng.shuffle(leftover)
    for item in leftover:
        seen.add((item.card.deck, item.card.entry))
    queue = list(leftover)
    for cards, limit in ((due, review_limit), (new, new_limit)):
        taken = 0
        for s in cards:
            if taken >= limit:
                break
            key = (s.card.deck, s.card.entry)
            if key in seen or not _direction_ok(s.card, directions):
                continue
            seen.add(key)
            kind = ReviewKind.LEARN if s.state.is_new else ReviewKind.REVIEW
            queue.append(Item(s.card, s.state, kind))
            taken += 1
    return queue


def current_streak(days: Iterable[date], today: date) -> int:
    """Study days in a row with an answer, ending today (or yesterday if today has none yet)."""
    studied = set(days)
    day = today if today in studied else today - timedelta(days=1)
    streak = 0
    while day in studied:
        streak += 1
        day -= timedelta(days=1)
    return streak


def plan_day(
    store: QueueSource,
    *,
    learner: str,
    decks: Sequence[str],
    day: date,
    limits: Limits = Limits(),
    directions: frozenset[Direction] = frozenset(Direction),
    rng: random.Random,
) -> list[Item]:
    """The first pass of study day `day` (`build_queue`), from the store's queue inputs.

    `Session.start` runs it; `trainer status` counts its items without a session.
    """
    done = store.done_today(learner, day)
    new_left = max(0, limits.new - done.new)
    reviews_left = max(0, limits.reviews - done.reviews)
    studied = store.entries_studied(learner, day)
    redrill = store.redrill_cards(learner, decks, day)

    # Fetch a little more than the limits, since siblings are skipped, and fetch again
    # (that part alone, four times as many) when a fetch came back full and still left
    # its part of the queue short. A due card is skipped as the sibling of an entry
    # studied today, in the re-drill, or queued before it; sibling burying keeps the
    # two sides of an entry on different schedules, so the first fetch counts on the
    # first two only. New cards come in deck order, both sides of an entry together,
    # so with both directions every other one is skipped: twice the new cards left.
    def build(
        due: Sequence[StudyCardLike], new: Sequence[StudyCardLike], shuffle: random.Random
    ) -> list[Item]:
        return build_queue(
            redrill=redrill,
            due=due,
            new=new,
            studied_entries=studied,
            directions=directions,
            new_limit=new_left,
            review_limit=reviews_left,
            rng=shuffle,
        )

    due_limit = reviews_left + len(studied) + len(redrill)
    new_limit = 2 * new_left + len(studied) + len(redrill)
    due = store.due_cards(learner, decks, day, due_limit) if reviews_left else []
    new = store.new_cards(learner, decks, day, new_limit) if new_left else []
    shuffled = rng.getstate()
    while True:
        queue = build(due, new, rng)
        kinds = [item.kind for item in queue]
        short_due = kinds.count(ReviewKind.REVIEW) < reviews_left and len(due) == due_limit
        short_new = kinds.count(ReviewKind.LEARN) < new_left and len(new) == new_limit
        if not (short_due or short_new):
            return queue
        rng.setstate(shuffled)  # the queue is built again: shuffle as if the first time
        if short_due:
            due_limit *= 4
            due = store.due_cards(learner, decks, day, due_limit)
        if short_new:
            new_limit *= 4
            new = store.new_cards(learner, decks, day, new_limit)


class Session:
    """One sitting of a learner on study day `day`. Create it with `Session.start`."""

    def __init__(
        self,
        store: StudyStore,
        *,
        learner: str,
        day: date,
        queue: Sequence[Item],
        rng: random.Random,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.store = store
        self.learner = learner
        self.day = day
        self.rng = rng
        self.scheduler = scheduler_for(DEFAULT) if scheduler is None else scheduler
        self.round = 0  # 0: the first pass; 1, 2, ...: re-drill rounds
        self._queue: list[Item] = list(queue)
        self._next: list[Item] = []  # put in the re-drill in this round: the next round
        self._done: list[_Done] = []
        self._last_card: str | None = None
        self.buried: list[Card] = []
        self.suspended: list[Card] = []

    @classmethod
    def start(
        cls,
        store: StudyStore,
        *,
        learner: str,
        decks: Sequence[str],
        day: date,
        limits: Limits = Limits(),
        directions: frozenset[Direction] = frozenset(Direction),
        rng: random.Random | None = None,
        scheduler: Scheduler | None = None,
    ) -> Session:
        """Build the day's queue from the store, counting what was already done today."""
        rng = rng or random.Random()
        queue = plan_day(
            store,
            learner=learner,
            decks=decks,
            day=day,
            limits=limits,
            directions=directions,
            rng=rng,
        )
        return cls(store, learner=learner, day=day, queue=queue, rng=rng, scheduler=scheduler)

    # -- the queue ---------------------------------------------------------------

    def current(self) -> Item | None:
        """The card to show now; starts the next re-drill round when a round is over."""
        if not self._queue and self._next:
            batch = list(self._next)
            self.rng.shuffle(batch)
            if len(batch) > 1 and batch[0].card.id == self._last_card:
                batch.append(batch.pop(0))  # never the same card twice in a row
            self._queue, self._next = batch, []
            self.round += 1
        return self._queue[0] if self._queue else None

    @property
    def finished(self) -> bool:
        return self.current() is None

    def progress(self) -> Progress:
        """Cards left: first-pass new and reviews, and re-drill answers pending."""
        self.current()
        kinds = [item.kind for item in self._queue]
        return Progress(
            new=kinds.count(ReviewKind.LEARN),
            reviews=kinds.count(ReviewKind.REVIEW),
            redrill=kinds.count(ReviewKind.REDRILL) + len(self._next),
        )

    def _require(self) -> Item:
        item = self.current()
        if item is None:
            raise SessionOver("no card left in this session")
        return item

    # -- actions -----------------------------------------------------------------

    def preview(self) -> dict[Grade, int] | None:
        """The next interval each grade would give the current card; None when no grade
        changes its schedule (SM-2's re-drill)."""
        item = self._require()
        return self.scheduler.preview(
            item.state, day=self.day, kind=item.kind, card_id=item.card.id
        )

    def answer(self, grade: Grade | int, *, now: datetime, answer_ms: int = 0) -> Review:
        """Grade the current card; the answer is committed before this returns."""
        item = self._require()
        grade = Grade(grade)
        before = item.state
        after = self.scheduler.review(
            before, grade, day=self.day, kind=item.kind, card_id=item.card.id
        )
        review = Review(
            learner=self.learner,
            card_id=item.card.id,
            at=now,
            day=self.day,
            grade=grade,
            kind=item.kind,
            before=before,
            after=after,
            answer_ms=max(0, answer_ms),
        )
        saved = self.store.record(review)
        self._queue.pop(0)
        joins = self.scheduler.in_redrill(grade)
        if joins:
            # The state as stored: another session may have answered the card meanwhile.
            self._next.append(Item(item.card, saved.after, ReviewKind.REDRILL))
        self._done.append(_Done(item, saved, self.round, joins))
        self._last_card = item.card.id
        return saved

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    def undo(self) -> Item | None:
        """Take back this session's last answer; its card becomes the current card again.

        Returns the card to show, or None when this session has no answer to undo
        (answers of earlier sessions are not undone from here). Raises UndoError, and
        changes nothing, if another session of the learner answered that card since.
        """
        if not self._done:
            return None
        done = self._done[-1]
        self.store.undo_last(self.learner, review_id=done.review.id)
        self._done.pop()
        if done.round < self.round:
            # The answer closed its round and the next one had begun (with no answers yet).
            self._next = self._queue + self._next
            self._queue = []
            self.round = done.round
        if done.joined_redrill:
            for i in range(len(self._next) - 1, -1, -1):
                if self._next[i].card.id == done.item.card.id:
                    del self._next[i]
                    break
        self._queue.insert(0, done.item)
        self._last_card = self._done[-1].item.card.id if self._done else None
        return done.item

    def _drop(self, card_id: str) -> None:
        self._queue = [i for i in self._queue if i.card.id != card_id]
        self._next = [i for i in self._next if i.card.id != card_id]

    def bury(self) -> Card:
        """Hide the current card until tomorrow (it leaves this session)."""
        card = self._require().card
        self.store.bury(self.learner, card.id, self.day + timedelta(days=1))
        self._drop(card.id)
        self.buried.append(card)
        return card

    def suspend(self) -> Card:
        """Suspend the current card for this learner (it leaves this session)."""
        card = self._require().card
        self.store.set_suspended(self.learner, card.id, True)
        self._drop(card.id)
        self.suspended.append(card)
        return card

    def history(self) -> list[Review]:
        """The logged answers of the current card, oldest first."""
        return self.store.history(self.learner, self._require().card.id)

    # -- the end -----------------------------------------------------------------

    @property
    def reviews(self) -> list[Review]:
        """This session's saved answers, oldest first (undone ones removed)."""
        return [d.review for d in self._done]

    def summary(self, *, seconds: int, streak: int, due_tomorrow: int) -> Summary:
        reviews = self.reviews
        kinds = [r.kind for r in reviews]
        return Summary(
            studied=len({r.card_id for r in reviews}),
            new=kinds.count(ReviewKind.LEARN),
            reviews=kinds.count(ReviewKind.REVIEW),
            redrills=kinds.count(ReviewKind.REDRILL),
            answers=len(reviews),
            passed=sum(1 for r in reviews if r.grade.passed),
            buried=len(self.buried),
            suspended=len(self.suspended),
            seconds=max(0, seconds),
            streak=streak,
            due_tomorrow=due_tomorrow,
        )
