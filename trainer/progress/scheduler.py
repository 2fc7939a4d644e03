"""A learner's scheduler over the store: the choice, switching, fitting FSRS, simulating.

The typed core of `trainer scheduler`, `trainer optimize` and `trainer simulate`. The
review log is the truth:

- switching to FSRS computes each studied card's memory state (stability, difficulty)
  from its whole history with the learner's parameters, and keeps every due date;
- switching to SM-2 replays the log through SM-2 from scratch (re-drill answers change
  nothing), which is exactly what SM-2 would have made of the same answers: so
  sm2 -> fsrs -> sm2 gives back the same card states, card for card;
- changing FSRS parameters (``optimize --apply``) recomputes the memory states.

Each of these writes the learner's settings and all card states in one transaction.
FSRS needs the optional extra (`trainer.scheduling.fsrs.library` says how to install it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from trainer.errors import NotEnoughReviewsError, SchedulerSettingsError
from trainer.model import CardState
from trainer.scheduling import SchedulerConfig, scheduler_for
from trainer.scheduling.fsrs import (
    DEFAULT_RETENTION,
    check_retention,
    default_parameters,
    fill_parameters,
)
from trainer.scheduling.simulate import Habits

if TYPE_CHECKING:
    from trainer.progress.store import Store
    from trainer.scheduling.optimize import Fit
    from trainer.scheduling.simulate import Outcome

MAX_SIMULATED_DAYS = 3650
MAX_NEW_PER_DAY = 1000
DEFAULT_SIMULATED_RETENTIONS = (0.80, 0.85, 0.90, 0.95)


@dataclass(frozen=True)
class Switch:
    """What a switch did."""

    config: SchedulerConfig
    cards: int  # card states rewritten
    answers: int  # log rows they came from
    switched: bool = True  # False: FSRS already, only the retention changed


def effective(config: SchedulerConfig) -> SchedulerConfig:
    """`config` with FSRS's defaults filled in (retention 0.90, fsrs-rs's parameters)."""
    if config.name != "fsrs":
        return SchedulerConfig()
    retention = DEFAULT_RETENTION if config.desired_retention is None else config.desired_retention
    return SchedulerConfig("fsrs", retention, config.parameters or default_parameters())


def current(store: Store, learner: str) -> SchedulerConfig:
    """The learner's scheduler and its settings as stored (SM-2 when none is)."""
    return store.scheduler_config(learner)


def use_fsrs(store: Store, learner: str, *, retention: float | None) -> Switch:
    """Switch the learner to FSRS (or change the retention): memory states from the log."""
    stored = store.scheduler_config(learner)
    if retention is None:
        retention = stored.desired_retention or DEFAULT_RETENTION
    check_retention(retention)
    config = SchedulerConfig("fsrs", float(retention), stored.parameters)
    if stored.name == "fsrs" and stored.parameters == config.parameters:
        store.set_scheduler(learner, config, None)  # same memory states: only the retention
        return Switch(config, 0, 0, switched=False)
    states, answers, upto = fsrs_states(store, learner, config.parameters or default_parameters())
    store.set_scheduler(learner, config, states, log_upto=upto)
    return Switch(config, len(states), answers)


def use_sm2(store: Store, learner: str) -> Switch:
    """Switch the learner to SM-2: every card's state replayed from the log through SM-2.

    FSRS's retention and parameters stay stored for a later switch back.
    """
    stored = store.scheduler_config(learner)
    config = SchedulerConfig("sm2", stored.desired_retention, stored.parameters)
    states, answers, upto = store.replayed_states(learner, scheduler_for(SchedulerConfig()))
    store.set_scheduler(learner, config, states, log_upto=upto)
    return Switch(config, len(states), answers)


def fsrs_states(
    store: Store, learner: str, parameters: Sequence[float]
) -> tuple[dict[str, CardState], int, int]:
    """Each studied card's current state with the FSRS memory state of its whole log;
    the answers read and the id of the last (for `Store.set_scheduler`'s check)."""
    from trainer.scheduling.history import memory_states, review_log

    rows, upto = store.log_rows(learner)
    log = review_log(rows)
    memory = memory_states(log.cards, parameters)
    states = store.card_states(learner)
    out: dict[str, CardState] = {}
    for card, (stability, difficulty) in zip(log.cards, memory, strict=True):
        state = states.get(card.card_id)
        if state is not None and not state.is_new:
            out[card.card_id] = replace(state, stability=stability, difficulty=difficulty)
    return out, log.answers, upto


# --- optimize ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Optimized:
    """What `trainer optimize` found (and did)."""

    fit: Fit | None  # None when only given parameters were stored (too few reviews)
    parameters: tuple[float, ...]  # fitted, or the ones given
    given: bool  # the parameters came from --parameters
    applied: bool
    needed: int = 0  # when fit is None: the items needed to evaluate


def optimize(
    store: Store, learner: str, *, apply: bool, parameters: Sequence[float] | None = None
) -> Optimized:
    """Fit FSRS to the learner's log (or evaluate `parameters`) and optionally store them.

    Raises NotEnoughReviewsError (nothing stored) when the log is too short to fit;
    given parameters are stored even then (with `apply`), unevaluated.
    """
    from trainer.scheduling import optimize as fitting
    from trainer.scheduling.history import review_log

    given = None if parameters is None else fill_parameters(list(parameters))
    log = review_log(store.log_rows(learner)[0])
    try:
        fit = fitting.fit(log, parameters=given)
    except NotEnoughReviewsError:
        if given is None or not apply:
            raise
        fit = None
    chosen = given if given is not None else fit.parameters if fit is not None else ()
    if apply:
        stored = store.scheduler_config(learner)
        config = SchedulerConfig(stored.name, stored.desired_retention, chosen)
        states, upto = None, None
        if stored.name == "fsrs":
            states, _, upto = fsrs_states(store, learner, chosen or default_parameters())
        store.set_scheduler(learner, config, states, log_upto=upto)
    return Optimized(fit, chosen, given is not None, apply, fitting.MIN_ITEMS)


# --- simulate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    """`trainer simulate`'s rows and what they rest on."""

    outcomes: list[Outcome]
    days: int
    model: str  # "stored" | "fitted" | "default": where the recall model's parameters came from
    cards: int  # studied cards the simulation started from
    new_cards: int  # new cards available
    new_per_day: int
    reviews_per_day: int


def habits(shares: Sequence[tuple[str, int, int, float]]) -> Habits:
    """The learner's grade shares and mean answer times from (kind, grade, answers, ms)
    groups of the log; fsrs-rs's defaults for whatever the log has no answer of."""
    from trainer.scheduling.simulate import DEFAULT_FIRST, DEFAULT_REVIEW, DEFAULT_SECONDS

    first: list[float] = [0, 0, 0, 0]
    passed: list[float] = [0, 0, 0]
    # answers and seconds, in DEFAULT_SECONDS' order: learn, pass, fail, re-drill
    time: dict[str, list[float]] = {
        "learn": [0, 0.0],
        "pass": [0, 0.0],
        "fail": [0, 0.0],
        "redrill": [0, 0.0],
    }
    for kind, grade, count, ms in shares:
        rating = 0 if grade < 3 else grade - 2
        if kind == "learn":
            first[rating] += count
            bucket = "learn"
        elif kind == "redrill":
            bucket = "redrill"
        else:
            if rating:
                passed[rating - 1] += count
            bucket = "pass" if rating else "fail"
        time[bucket][0] += count
        time[bucket][1] += count * ms / 1000
    s = [
        (total / n) if n else default
        for (n, total), default in zip(time.values(), DEFAULT_SECONDS, strict=True)
    ]
    f, p = first, passed
    return Habits(
        first_ratings=(f[0], f[1], f[2], f[3]) if sum(f) else DEFAULT_FIRST,
        review_ratings=(p[0], p[1], p[2]) if sum(p) else DEFAULT_REVIEW,
        seconds=(s[0], s[1], s[2], s[3]),
    )


def parse_retentions(text: str) -> tuple[float, ...]:
    """ "0.80,0.85" -> (0.8, 0.85), each within what FSRS supports; else SchedulerSettingsError."""
    values = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            value = float(item)
        except ValueError:
            raise SchedulerSettingsError(
                f"--retention takes numbers separated by commas (e.g. 0.80,0.90), got {item[:20]!r}"
            ) from None
        values.append(check_retention(value))
    if not values:
        raise SchedulerSettingsError("--retention needs at least one number (e.g. 0.90)")
    return tuple(sorted(set(values)))


def simulate(
    store: Store,
    learner: str,
    *,
    today: date,
    days: int,
    retentions: Sequence[float],
    new_per_day: int,
    reviews_per_day: int,
    decks: Sequence[str] = (),
    seed: int = 2026,
) -> Simulation:
    """SM-2 and FSRS at each retention from the learner's cards today (see simulate.py)."""
    from trainer.scheduling import optimize as fitting
    from trainer.scheduling.history import memory_states, review_log
    from trainer.scheduling.simulate import SimCard, Start, compare

    if not 1 <= days <= MAX_SIMULATED_DAYS:
        raise SchedulerSettingsError(f"--days must be 1-{MAX_SIMULATED_DAYS}, got {days}")
    if not 0 <= new_per_day <= MAX_NEW_PER_DAY:
        raise SchedulerSettingsError(
            f"--new-per-day must be 0-{MAX_NEW_PER_DAY}, got {new_per_day}"
        )
    for retention in retentions:
        check_retention(retention)
    log = review_log(store.log_rows(learner)[0])
    if log.answers == 0:
        raise NotEnoughReviewsError(
            "no reviews to simulate from: answer some cards with `trainer quiz` first"
        )
    stored = store.scheduler_config(learner)
    if stored.parameters:
        parameters, model = stored.parameters, "stored"
    else:
        try:
            parameters, model = fitting.fit(log, evaluate=False).parameters, "fitted"
        except NotEnoughReviewsError:
            parameters, model = default_parameters(), "default"
    memory = memory_states(log.cards, parameters)
    states = store.active_states(learner, decks)
    cards = tuple(
        SimCard(card.card_id, states[card.card_id], s, d, date.fromordinal(card.last_day))
        for card, (s, d) in zip(log.cards, memory, strict=True)
        if card.card_id in states and not states[card.card_id].is_new
    )
    start = Start(
        today=today,
        cards=cards,
        new_cards=store.new_card_count(learner, decks),
        new_per_day=new_per_day,
        reviews_per_day=reviews_per_day,
        parameters=parameters,
        habits=habits(store.answer_shares(learner)),
    )
    outcomes = compare(start, days=days, retentions=retentions, seed=seed)
    return Simulation(
        outcomes, days, model, len(cards), start.new_cards, new_per_day, reviews_per_day
    )
