"""SM-2: golden sequences from the published algorithm, and properties over any grades."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from trainer.model import CardState, Grade
from trainer.scheduling import sm2

DAY = date(2026, 3, 1)


def run(grades: list[int], state: CardState | None = None) -> list[CardState]:
    """Answer once per scheduled day (each answer on the card's due day)."""
    state = state or CardState()
    day = DAY
    states = []
    for q in grades:
        state = sm2.review(state, Grade(q), day)
        states.append(state)
        assert state.due is not None
        day = state.due
    return states


def test_always_4_gives_1_6_15_38_95() -> None:
    states = run([4] * 5)
    assert [s.interval for s in states] == [1, 6, 15, 38, 95]
    assert [s.n for s in states] == [1, 2, 3, 4, 5]
    assert {s.ef for s in states} == {250}
    assert [s.due for s in states] == [
        date(2026, 3, 2),
        date(2026, 3, 8),
        date(2026, 3, 23),
        date(2026, 4, 30),
        date(2026, 8, 3),
    ]


def test_always_5_raises_ef_by_a_tenth_each_time() -> None:
    states = run([5] * 5)
    assert [s.ef for s in states] == [260, 270, 280, 290, 300]
    # 1, 6, ceil(6 * 2.8) = 17, ceil(17 * 2.9) = 50, ceil(50 * 3.0) = 150
    assert [s.interval for s in states] == [1, 6, 17, 50, 150]


def test_always_3_lowers_ef_by_0_14() -> None:
    states = run([3] * 4)
    assert [s.ef for s in states] == [236, 222, 208, 194]
    # 1, 6, ceil(6 * 2.08) = 13, ceil(13 * 1.94) = 26
    assert [s.interval for s in states] == [1, 6, 13, 26]


def test_lapse_in_the_middle_restarts_repetitions_and_keeps_ef() -> None:
    states = run([5, 4, 4, 1, 4, 4, 4])
    assert [(s.n, s.ef, s.interval, s.lapses) for s in states] == [
        (1, 260, 1, 0),
        (2, 260, 6, 0),
        (3, 260, 16, 0),  # ceil(6 * 2.6) = 16
        (0, 260, 1, 1),  # q < 3: n = 0, I = 1, EF unchanged, a lapse
        (1, 260, 1, 1),
        (2, 260, 6, 1),
        (3, 260, 16, 1),
    ]


def test_failing_a_new_card_or_failing_twice_is_one_lapse_at_most() -> None:
    assert [s.lapses for s in run([0, 0, 4, 2, 1])] == [0, 0, 0, 1, 1]


def test_ef_floor_is_1_3() -> None:
    states = run([3] * 10)
    assert [s.ef for s in states] == [236, 222, 208, 194, 180, 166, 152, 138, 130, 130]
    assert min(s.ef for s in states) == sm2.EF_MIN


def test_rounding_is_exact_75_times_2_76_is_207() -> None:
    state = CardState(n=5, ef=266, interval=75, due=DAY)
    after = sm2.review(state, Grade.PERFECT, DAY)
    assert after.ef == 276
    assert after.interval == 207
    assert math.ceil(75 * (2.66 + 0.1)) == 208  # what float EF steps would have said


def test_ef_formula_per_grade() -> None:
    assert [sm2.next_ef(250, Grade(q)) for q in range(6)] == [250, 250, 250, 236, 250, 260]


def test_preview_gives_the_interval_of_each_grade() -> None:
    state = CardState(n=2, ef=250, interval=6, due=DAY)
    assert sm2.preview(state, DAY) == {
        Grade.BLACKOUT: 1,
        Grade.INCORRECT_REMEMBERED: 1,
        Grade.INCORRECT_EASY: 1,
        Grade.HARD: 15,  # ceil(6 * 2.36) = ceil(14.16)
        Grade.GOOD: 15,  # ceil(6 * 2.50)
        Grade.PERFECT: 16,  # ceil(6 * 2.60) = ceil(15.6)
    }
    assert sm2.preview(CardState(), DAY) == {g: 1 for g in Grade}


def test_redrill_and_leech_rules() -> None:
    assert [sm2.in_redrill(Grade(q)) for q in range(6)] == [True] * 4 + [False] * 2
    leech_at = [n for n in range(1, 25) if sm2.is_leech_lapse(n - 1, n)]
    assert leech_at == [8, 12, 16, 20, 24]
    assert not sm2.is_leech_lapse(8, 8)  # no new lapse on this answer


grades = st.lists(st.integers(min_value=0, max_value=5), max_size=40)


@given(grades)
def test_ef_never_below_1_3_and_intervals_at_least_1(qs: list[int]) -> None:
    for s in run(qs):
        assert s.ef >= 130
        assert s.interval >= 1


@given(grades)
def test_a_failed_answer_always_gives_interval_1(qs: list[int]) -> None:
    for q, s in zip(qs, run(qs), strict=True):
        if q < 3:
            assert (s.n, s.interval) == (0, 1)


def reference(qs: list[int]) -> tuple[int, int, int, int]:
    """The published algorithm written independently, in Decimal arithmetic."""
    from decimal import ROUND_CEILING, Decimal

    n, ef, interval, lapses = 0, Decimal("2.5"), 0, 0
    for q in qs:
        if q >= 3:
            step = Decimal("0.1") - (5 - q) * (Decimal("0.08") + (5 - q) * Decimal("0.02"))
            ef = max(Decimal("1.3"), ef + step)
            n += 1
            if n == 1:
                interval = 1
            elif n == 2:
                interval = 6
            else:
                interval = int((interval * ef).to_integral_value(rounding=ROUND_CEILING))
                interval = min(interval, 36_500)  # our cap (100 years), see trainer.scheduling.sm2
        else:
            if n > 0:
                lapses += 1
            n, interval = 0, 1
    return n, int(ef * 100), interval, lapses


@given(grades, st.integers(min_value=0, max_value=3650))
def test_state_after_any_sequence_equals_a_reference_fold(qs: list[int], offset: int) -> None:
    day = DAY + timedelta(days=offset)
    state = CardState()
    for q in qs:
        state = sm2.review(state, Grade(q), day)
        day = day + timedelta(days=state.interval)
    n, ef, interval, lapses = reference(qs)
    assert (state.n, state.ef, state.interval, state.lapses) == (n, ef, interval, lapses)
    if qs:
        assert state.due == day
    else:
        assert state == CardState()


def test_intervals_stop_at_100_years() -> None:
    states = run([5] * 12)
    assert [s.interval for s in states][-4:] == [16698, 36500, 36500, 36500]
    assert sm2.MAX_INTERVAL == 36_500
