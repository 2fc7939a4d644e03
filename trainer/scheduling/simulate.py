"""Workload against memory: SM-2 and FSRS at several retentions, for one learner (pure).

The simulation starts from the learner's cards as they are today (their schedule,
their memory state) and runs the trainer's study day `days` times:

1. due cards, most overdue first, up to the learner's review limit; then new cards
   in order up to the new-card limit (what the session does, without siblings);
2. each answer is recalled with the probability the learner's **fitted FSRS model**
   gives (its forgetting curve at the days since the card's last answer) — for both
   schedulers, so that they are compared on the same memory, not on their own
   predictions; which passing grade (Hard, Good, Easy) and which first grade of a new
   card follow the learner's own shares in the log;
3. the scheduler under test schedules the answer: SM-2 exactly as the trainer runs
   it, or `FSRSScheduler` with the fitted parameters at the retention asked for;
4. an answer below 4 is re-drilled the same day, as the quiz does: the simulation
   assumes the repeat, right after seeing the answer, is a Good; it costs one more
   answer and updates the memory state (and, under FSRS, the schedule) as the
   trainer does;
5. each answer costs the learner's mean answer time for its kind (new card, passed
   review, failed review, re-drill) from the log.

Random draws come from one seeded generator per run, the same seed for every
scheduler (common random numbers), so differences come from the schedules.
"Memorized" at the end is the sum over studied cards of their probability of recall
on the last day (what fsrs-rs's simulator calls memorized_cnt_per_day).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from trainer.model import CardState, Grade, ReviewKind
from trainer.scheduling.fsrs import FSRSScheduler, Rating, forgetting_curve, library
from trainer.scheduling.sm2 import review as sm2_review

# Fallback answer times and grade shares when the learner's log has none: fsrs-rs's
# default simulator config (default_simulator_config(): state_rating_costs in
# seconds, rows learning/review/relearning x Again/Hard/Good/Easy; first_rating_prob
# and review_rating_prob).
# learn (Good), review Good, review Again, relearning Good
DEFAULT_SECONDS = (13.78, 12.38, 19.38, 12.32)
DEFAULT_FIRST = (0.24, 0.094, 0.495, 0.171)
DEFAULT_REVIEW = (0.224, 0.631, 0.145)
GRADE_OF = {
    Rating.AGAIN: Grade.INCORRECT_REMEMBERED,
    Rating.HARD: Grade.HARD,
    Rating.GOOD: Grade.GOOD,
    Rating.EASY: Grade.PERFECT,
}


@dataclass(frozen=True)
class Habits:
    """How the learner answers, from the log (or fsrs-rs's defaults)."""

    first_ratings: tuple[float, float, float, float] = DEFAULT_FIRST  # Again..Easy, new cards
    review_ratings: tuple[float, float, float] = DEFAULT_REVIEW  # Hard, Good, Easy of passes
    seconds: tuple[float, float, float, float] = DEFAULT_SECONDS  # learn, pass, fail, re-drill


@dataclass(frozen=True)
class SimCard:
    """A studied card: its schedule now, and its memory state under the recall model."""

    card_id: str
    state: CardState
    stability: float
    difficulty: float
    last_day: date


@dataclass(frozen=True)
class Start:
    """What every run starts from."""

    today: date
    cards: tuple[SimCard, ...]
    new_cards: int  # cards never studied, introduced in order
    new_per_day: int
    reviews_per_day: int
    parameters: tuple[float, ...]  # the recall model (the learner's fitted FSRS)
    habits: Habits = Habits()


@dataclass(frozen=True)
class Outcome:
    """One scheduler's run."""

    scheduler: str  # "sm2" | "fsrs"
    retention: float | None
    reviews_per_day: float  # answers per day, re-drills included
    minutes_per_day: float
    memorized: float  # expected cards recalled on the last day
    daily_reviews: tuple[int, ...]


def simulate(
    start: Start, *, days: int, scheduler: str, retention: float | None = None, seed: int = 0
) -> Outcome:
    """Run `days` study days from `start` under SM-2 (`retention` None) or FSRS."""
    lib = library()
    model = lib.FSRS(list(start.parameters))
    memory_cls = lib.MemoryState
    fsrs = FSRSScheduler(retention, start.parameters) if scheduler == "fsrs" and retention else None
    rng = random.Random(seed)
    habits = start.habits
    params = start.parameters
    t_learn, t_pass, t_fail, t_redrill = habits.seconds

    ids: list[str] = []
    states: list[CardState] = []
    mem: list[tuple[float, float]] = []
    last: list[int] = []
    heap: list[tuple[int, int]] = []
    for card in start.cards:
        i = len(ids)
        ids.append(card.card_id)
        state = card.state
        if fsrs is not None:  # the switch: FSRS takes over the memory state, dues stay
            state = replace(state, stability=card.stability, difficulty=card.difficulty)
        states.append(state)
        mem.append((card.stability, card.difficulty))
        last.append(card.last_day.toordinal())
        if card.state.due is not None:
            heap.append((card.state.due.toordinal(), i))
    heapq.heapify(heap)
    new_left = start.new_cards
    daily: list[int] = []
    seconds = 0.0
    first_day = start.today.toordinal()

    def answer(i: int, day: date, ordinal: int, rating: Rating, kind: ReviewKind) -> None:
        state = states[i]
        elapsed = 0 if kind is ReviewKind.REDRILL or state.due is None else ordinal - last[i]
        grade = GRADE_OF[rating]
        if fsrs is not None:
            new = fsrs.review(state, grade, day=day, kind=kind, card_id=ids[i])
            assert new.stability is not None and new.difficulty is not None
            mem[i] = (new.stability, new.difficulty)
        else:
            s, d = mem[i]
            current = None if state.due is None and kind is ReviewKind.LEARN else memory_cls(s, d)
            nxt = model.next_states(current, 0.9, max(elapsed, 0))
            m = (nxt.again, nxt.hard, nxt.good, nxt.easy)[rating - 1].memory
            mem[i] = (float(m.stability), float(m.difficulty))
            new = state if kind is ReviewKind.REDRILL else sm2_review(state, grade, day)
        states[i] = new
        last[i] = ordinal

    def study(i: int, day: date, ordinal: int, kind: ReviewKind) -> int:
        """One card's answers today: the first, and the re-drill if it was below 4."""
        nonlocal seconds
        if kind is ReviewKind.LEARN:
            rating = Rating(_draw(rng, habits.first_ratings) + 1)
            seconds += t_learn
        else:
            s, _ = mem[i]
            recall = forgetting_curve(params, ordinal - last[i], s)
            if rng.random() < recall:
                rating = Rating(_draw(rng, habits.review_ratings) + 2)
                seconds += t_pass
            else:
                rating = Rating.AGAIN
                seconds += t_fail
        answer(i, day, ordinal, rating, kind)
        count = 1
        if GRADE_OF[rating] < Grade.GOOD:
            answer(i, day, ordinal, Rating.GOOD, ReviewKind.REDRILL)
            seconds += t_redrill
            count += 1
        due = states[i].due
        assert due is not None
        heapq.heappush(heap, (due.toordinal(), i))
        return count

    for offset in range(days):
        ordinal = first_day + offset
        day = date.fromordinal(ordinal)
        done = 0
        reviewed = 0
        seen: set[int] = set()
        while heap and heap[0][0] <= ordinal and reviewed < start.reviews_per_day:
            due, i = heapq.heappop(heap)
            state_due = states[i].due
            if state_due is None or state_due.toordinal() != due or i in seen:
                continue  # a stale entry: the card was rescheduled since
            seen.add(i)
            done += study(i, day, ordinal, ReviewKind.REVIEW)
            reviewed += 1
        for _ in range(min(start.new_per_day, new_left)):
            i = len(ids)
            ids.append(f"new-{i}")
            states.append(CardState())
            mem.append((0.0, 0.0))
            last.append(ordinal)
            new_left -= 1
            done += study(i, day, ordinal, ReviewKind.LEARN)
        daily.append(done)

    end = first_day + days - 1
    memorized = sum(
        forgetting_curve(params, max(end - last[i], 0), mem[i][0])
        for i in range(len(ids))
        if states[i].due is not None and mem[i][0] > 0
    )
    return Outcome(
        scheduler=scheduler,
        retention=retention if fsrs is not None else None,
        reviews_per_day=sum(daily) / days if days else 0.0,
        minutes_per_day=seconds / 60 / days if days else 0.0,
        memorized=memorized,
        daily_reviews=tuple(daily),
    )


def _draw(rng: random.Random, shares: Sequence[float]) -> int:
    """An index drawn with probabilities proportional to `shares`."""
    u = rng.random() * sum(shares)
    acc = 0.0
    for index, share in enumerate(shares):
        acc += share
        if u < acc:
            return index
    return len(shares) - 1


def compare(
    start: Start, *, days: int, retentions: Sequence[float], seed: int = 0
) -> list[Outcome]:
    """SM-2, then FSRS at each retention (in the order given), all from `start`."""
    outcomes = [simulate(start, days=days, scheduler="sm2", seed=seed)]
    for retention in retentions:
        outcomes.append(
            simulate(start, days=days, scheduler="fsrs", retention=retention, seed=seed)
        )
    return outcomes
