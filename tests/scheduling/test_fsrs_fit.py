"""FSRS from a learner's log: memory states, the optimizer and its evaluation, the simulator."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import fsrs_rs_python as lib
import pytest
from fsrs_history import DAY0, seeded_log

from trainer.errors import NotEnoughReviewsError
from trainer.model import CardState, Grade, ReviewKind
from trainer.scheduling import optimize
from trainer.scheduling.fsrs import FSRSScheduler, default_parameters
from trainer.scheduling.history import CardLog, ReviewLog, memory_states, review_log
from trainer.scheduling.simulate import SimCard, Start, compare, simulate


@pytest.fixture(scope="module")
def log() -> tuple[ReviewLog, dict[str, CardState]]:
    rows, states = seeded_log()
    return review_log(rows), states


def test_review_log_follows_ankis_delta_t() -> None:
    rows = [("a", 10, 4), ("a", 10, 2), ("b", 11, 0), ("a", 13, 5), ("b", 11, 3), ("b", 12, 4)]
    log = review_log(rows)
    assert log.cards == [
        CardLog("a", [3, 1, 4], [0, 0, 3], 13),
        CardLog("b", [1, 2, 3], [0, 0, 1], 12),
    ]
    assert log.positions == [(0, 2), (1, 2)]  # later-day answers, in log order
    assert (log.answers, log.reviews, len(log)) == (6, 6, 2)


def test_memory_states_equal_answering_through_the_scheduler(log) -> None:
    logs = log[0].cards
    scheduler = FSRSScheduler()
    got = memory_states(logs[:25], default_parameters())
    for card_log, (s, d) in zip(logs[:25], got, strict=True):
        state = CardState()
        day = DAY0
        for k, (rating, delta) in enumerate(zip(card_log.ratings, card_log.delta_ts, strict=True)):
            # the scheduler counts elapsed days from due - interval: make that the last day
            state = replace(state, due=day, interval=0) if k else state
            day += timedelta(days=delta)
            kind = ReviewKind.LEARN if k == 0 else ReviewKind.REVIEW
            if k > 0 and delta == 0:
                kind = ReviewKind.REDRILL
            grade = Grade(1 if rating == 1 else rating + 1)
            state = scheduler.review(state, grade, day=day, kind=kind, card_id=card_log.card_id)
        assert (state.stability, state.difficulty) == pytest.approx((s, d), rel=1e-5)


def test_training_items_are_later_day_answers(log) -> None:
    data = log[0]
    assert all(data.cards[n].delta_ts[k] > 0 and k > 0 for n, k in data.positions)
    logs = data.cards
    assert len(data) == sum(1 for g in logs for k in range(1, len(g.ratings)) if g.delta_ts[k])
    items = data.items(0, 3)
    assert [len(item.reviews) for item in items] == [k + 1 for _, k in data.positions[:3]]


def test_fit_on_a_seeded_history(log) -> None:
    fit = optimize.fit(log[0])
    assert fit.reviews == sum(len(g.ratings) for g in log[0].cards if any(g.delta_ts[1:]))
    assert len(fit.parameters) == 21
    assert fit.parameters != pytest.approx(default_parameters())
    ev = fit.evaluation
    assert ev.train_items + ev.test_items == fit.items
    assert ev.test_items == fit.items - int(fit.items * optimize.TRAIN_SHARE)
    # the seeded learner's memory is FSRS: both FSRS models predict it better than SM-2
    assert ev.fsrs.log_loss < ev.sm2.log_loss and ev.fsrs_default.log_loss < ev.sm2.log_loss
    assert ev.fsrs.rmse_bins < ev.sm2.rmse_bins
    assert 0 < ev.fsrs.rmse_bins < 1 and 0 < ev.fsrs.log_loss < 1


def test_our_measures_are_fsrs_rs_evaluate(log) -> None:
    data = log[0]
    split = int(len(data) * optimize.TRAIN_SHARE)
    test = optimize.TestSet.of(data, split)
    for params in (default_parameters(), optimize.fit(data).parameters):
        ours = test.measure(optimize.predict_fsrs(test, params))
        theirs = lib.FSRS(list(params)).evaluate(data.items(split))
        assert ours.log_loss == pytest.approx(theirs.log_loss, rel=1e-4)
        assert ours.rmse_bins == pytest.approx(theirs.rmse_bins, rel=1e-4)


def test_sm2_prediction_is_srs_benchmarks_curve() -> None:
    # learn 4 (I=1), +1 day 4 (I=6), +6 days 2 (fail, I=1), redrill 4, +1 day predicted
    ratings, deltas = (3, 3, 1, 3, 3), (0, 1, 6, 0, 1)
    assert optimize.sm2_intervals(ratings, deltas) == [0, 1, 6, 1, 1]


def test_too_few_reviews_say_how_many_are_needed() -> None:
    with pytest.raises(NotEnoughReviewsError) as err:
        optimize.fit(review_log([("a", 1, 4), ("a", 2, 4), ("a", 8, 4)]))
    assert str(err.value) == (
        "too few reviews to fit FSRS: 2 answers to cards seen on an earlier day, 10 needed;"
        " the current parameters are kept"
    )


def _start(log, *, new: int = 200, reviews_per_day: int = 10_000) -> Start:
    data, states = log
    params = optimize.fit(data).parameters
    logs = data.cards
    memory = memory_states(logs, params)
    cards = tuple(
        SimCard(g.card_id, states[g.card_id], s, d, date.fromordinal(g.last_day))
        for g, (s, d) in zip(logs, memory, strict=True)
    )
    today = DAY0 + timedelta(days=200)
    return Start(today, cards, new, 10, reviews_per_day, params)


def test_workload_grows_with_retention(log) -> None:
    start = _start(log)
    outcomes = compare(start, days=120, retentions=(0.75, 0.80, 0.85, 0.90, 0.95))
    assert [o.scheduler for o in outcomes] == ["sm2"] + ["fsrs"] * 5
    assert outcomes[0].retention is None
    fsrs_rows = outcomes[1:]
    work = [o.reviews_per_day for o in fsrs_rows]
    assert work == sorted(work) and len(set(work)) == len(work)
    minutes = [o.minutes_per_day for o in fsrs_rows]
    assert minutes == sorted(minutes)
    memorized = [o.memorized for o in fsrs_rows]
    assert memorized == sorted(memorized)
    assert all(len(o.daily_reviews) == 120 for o in outcomes)


def test_simulation_is_deterministic_and_respects_limits(log) -> None:
    start = _start(log, reviews_per_day=15)
    a = simulate(start, days=60, scheduler="fsrs", retention=0.9, seed=3)
    b = simulate(start, days=60, scheduler="fsrs", retention=0.9, seed=3)
    assert a == b
    # at most 15 reviews + 10 new cards a day, each answered at most twice (re-drill)
    assert max(a.daily_reviews) <= 2 * (15 + 10)
    sm2 = simulate(start, days=60, scheduler="sm2", seed=3)
    assert sm2.retention is None and sm2.daily_reviews != a.daily_reviews
