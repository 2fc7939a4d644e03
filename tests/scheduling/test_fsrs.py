"""FSRS as a scheduler: golden intervals against fsrs-rs's own next_states, Anki's fuzz."""

from __future__ import annotations

from datetime import date, timedelta

import fsrs_rs_python as lib
import pytest

from trainer.errors import SchedulerSettingsError
from trainer.model import CardState, Grade, ReviewKind
from trainer.scheduling import fsrs
from trainer.scheduling.fsrs import (
    FSRSScheduler,
    Rating,
    format_parameters,
    fuzz_bounds,
    minimum_review_interval,
    parse_parameters,
    rating_of,
    with_fuzz,
)

DAY = date(2026, 3, 2)
CARD = "genai/diffusion/forward"


def test_grades_map_as_the_fsrs_authors_mapped_supermemo() -> None:
    assert [rating_of(g) for g in Grade] == [
        Rating.AGAIN,
        Rating.AGAIN,
        Rating.AGAIN,
        Rating.HARD,
        Rating.GOOD,
        Rating.EASY,
    ]


# Anki's own fuzz tests (rslib/src/scheduler/states/fuzz.rs, with_review_fuzz):
# (interval, minimum, maximum) -> the days for fuzz factors 0.0, 0.5, 0.99.
ANKI_FUZZ = [
    ((1.0, 1, 1000), (1, 1, 1)),
    ((2.49, 1, 1000), (2, 2, 2)),
    ((2.5, 1, 1000), (2, 3, 4)),
    ((7.0, 1, 1000), (5, 7, 9)),
    ((17.0, 1, 1000), (14, 17, 20)),
    ((37.0, 1, 1000), (33, 37, 41)),
    ((2.0, 2, 1000), (2, 2, 2)),
    ((2.0, 3, 1000), (3, 4, 4)),
    ((2.0, 3, 3), (3, 3, 3)),
    ((6.9, 3, 1000), (5, 7, 9)),
    ((7.1, 3, 1000), (5, 7, 9)),
    ((19.9, 3, 1000), (17, 20, 23)),
    ((20.0, 3, 1000), (17, 20, 23)),
    ((20.1, 3, 1000), (17, 20, 23)),
    ((100.0, 101, 1000), (101, 105, 108)),
    ((100.0, 1, 99), (92, 96, 99)),
    ((100.0, 97, 103), (97, 100, 103)),
]


@pytest.mark.parametrize(("args", "expected"), ANKI_FUZZ)
def test_fuzz_matches_ankis_tests(args: tuple[float, int, int], expected: tuple[int, ...]) -> None:
    assert tuple(with_fuzz(*args, factor) for factor in (0.0, 0.5, 0.99)) == expected


def test_minimum_review_interval_matches_ankis_tests() -> None:
    assert minimum_review_interval(2.7269483, 4, 36500) == 4
    assert minimum_review_interval(2.7269483, 5, 36500) == 0
    assert minimum_review_interval(4.591988, 4, 36500) == 5
    assert fuzz_bounds(1.0, 3, 2) == (2, 2)  # invalid bounds do not fail (Anki: no panic)


def test_fuzz_factor_is_fixed_by_card_and_day() -> None:
    a = fsrs.fuzz_factor(CARD, DAY)
    assert a == fsrs.fuzz_factor(CARD, DAY)
    assert 0 <= a < 1
    assert a != fsrs.fuzz_factor(CARD, DAY + timedelta(days=1))
    assert a != fsrs.fuzz_factor("genai/diffusion/reverse", DAY)


# A fixed history: (days after the previous first answer, grade, then re-drill grades).
HISTORY = [
    (0, 4, []),
    (None, 4, []),
    (None, 3, [4]),
    (None, 5, []),
    (None, 1, [2, 4]),
    (None, 4, []),
    (None, 0, [4]),
    (None, 4, []),
]


def _replay(scheduler: FSRSScheduler) -> list[tuple[ReviewKind, int, CardState]]:
    """Answer HISTORY on each due day; (kind, days elapsed, state after) per answer."""
    state = CardState()
    day = DAY
    out = []
    for _, grade, redrills in HISTORY:
        kind = ReviewKind.LEARN if state.is_new else ReviewKind.REVIEW
        if state.due is not None:
            day = state.due
        elapsed = scheduler.days_elapsed(state, day=day, kind=kind)
        state = scheduler.review(state, Grade(grade), day=day, kind=kind, card_id=CARD)
        out.append((kind, elapsed, state))
        for g in redrills:
            state = scheduler.review(
                state, Grade(g), day=day, kind=ReviewKind.REDRILL, card_id=CARD
            )
            out.append((ReviewKind.REDRILL, 0, state))
    return out


def test_memory_states_are_fsrs_rs_next_states_answer_by_answer() -> None:
    scheduler = FSRSScheduler()
    model = lib.FSRS(lib.DEFAULT_PARAMETERS)
    memory = None
    grades = [g for _, g, r in HISTORY for g in [g, *r]]
    for (_, elapsed, state), grade in zip(_replay(scheduler), grades, strict=True):
        nxt = model.next_states(memory, 0.9, elapsed)
        expected = (nxt.again, nxt.hard, nxt.good, nxt.easy)[rating_of(grade) - 1]
        assert state.stability == pytest.approx(expected.memory.stability, rel=1e-6)
        assert state.difficulty == pytest.approx(expected.memory.difficulty, rel=1e-6)
        memory = expected.memory
        # the interval is the library's, fuzzed within Anki's range (and rounded, at least 1)
        lower, upper = fuzz_bounds(max(round(expected.interval), 1), 1, 36_500)
        assert lower - 1 <= state.interval <= upper + 1  # +1: Good above Hard, Easy above Good


def test_golden_sequence_with_default_parameters() -> None:
    got = [(k.value, e, s.interval, s.n, s.lapses) for k, e, s in _replay(FSRSScheduler())]
    assert got == GOLDEN


GOLDEN = [  # (kind, days elapsed, interval, n, lapses) per answer of HISTORY
    ("learn", 0, 2, 1, 0),
    ("review", 2, 12, 2, 0),
    ("review", 12, 32, 3, 0),  # Hard: into the re-drill
    ("redrill", 0, 32, 3, 0),
    ("review", 32, 153, 4, 0),
    ("review", 153, 4, 0, 1),  # a lapse
    ("redrill", 0, 1, 0, 1),  # same-day Again: short-term stability shrinks
    ("redrill", 0, 1, 0, 1),
    ("review", 1, 3, 1, 1),
    ("review", 3, 1, 0, 2),
    ("redrill", 0, 1, 0, 2),
    ("review", 1, 2, 1, 2),
]


def test_retention_changes_intervals_as_fsrs_says() -> None:
    state = CardState(n=3, interval=40, due=DAY, stability=40.0, difficulty=5.0)
    days = {
        r: FSRSScheduler(desired_retention=r).preview(
            state, day=DAY, kind=ReviewKind.REVIEW, card_id=CARD
        )[Grade.GOOD]
        for r in (0.80, 0.90, 0.95)
    }
    assert days[0.80] > days[0.90] > days[0.95]


@pytest.mark.parametrize("kind", [ReviewKind.LEARN, ReviewKind.REVIEW, ReviewKind.REDRILL])
def test_preview_is_what_review_gives(kind: ReviewKind) -> None:
    scheduler = FSRSScheduler(desired_retention=0.85)
    if kind is ReviewKind.LEARN:
        state = CardState()
    else:
        state = CardState(n=2, interval=12, due=DAY, stability=11.0, difficulty=6.5)
    for offset in range(30):
        day = DAY + timedelta(days=offset)
        preview = scheduler.preview(state, day=day, kind=kind, card_id=CARD)
        for grade in Grade:
            after = scheduler.review(state, grade, day=day, kind=kind, card_id=CARD)
            assert preview[grade] == after.interval
            assert after.due == day + timedelta(days=after.interval)


def test_passing_intervals_are_ordered_and_capped() -> None:
    scheduler = FSRSScheduler()
    state = CardState(n=9, interval=30_000, due=DAY, stability=30_000.0, difficulty=1.0)
    preview = scheduler.preview(state, day=DAY, kind=ReviewKind.REVIEW, card_id=CARD)
    assert max(preview.values()) == 36_500
    state = CardState(n=2, interval=10, due=DAY, stability=10.0, difficulty=5.0)
    p = scheduler.preview(state, day=DAY, kind=ReviewKind.REVIEW, card_id=CARD)
    assert p[Grade.HARD] < p[Grade.GOOD] < p[Grade.PERFECT]


def test_redrill_changes_memory_but_not_counters() -> None:
    scheduler = FSRSScheduler()
    state = CardState(n=4, interval=20, due=DAY, lapses=1, stability=20.0, difficulty=5.0)
    failed = scheduler.review(state, Grade.BLACKOUT, day=DAY, kind=ReviewKind.REVIEW, card_id=CARD)
    assert (failed.n, failed.lapses) == (0, 2)
    again = scheduler.review(failed, Grade.GOOD, day=DAY, kind=ReviewKind.REDRILL, card_id=CARD)
    assert (again.n, again.lapses) == (0, 2)
    assert again.stability != failed.stability
    assert scheduler.in_redrill(Grade.HARD) and not scheduler.in_redrill(Grade.GOOD)


def test_parameters_in_ankis_format_both_ways() -> None:
    text = format_parameters(lib.DEFAULT_PARAMETERS)
    assert text.startswith("0.2120, 1.2931, 2.3065, 8.2956, ")
    assert len(text.split(", ")) == 21
    assert parse_parameters(text) == pytest.approx(lib.DEFAULT_PARAMETERS, abs=1e-4)
    # FSRS-5's 19 numbers are filled to 21 as fsrs-rs does
    assert len(parse_parameters(format_parameters(lib.DEFAULT_PARAMETERS[:19]))) == 21


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.2, 1.2", "FSRS needs 17, 19 or 21 parameters (as Anki shows them), got 2"),
        ("0.2, x, 3", "FSRS parameter 2 is not a number: 'x'"),
        ("", "FSRS needs 17, 19 or 21 parameters (as Anki shows them), got 0"),
        (", ".join(["nan"] * 21), "FSRS parameter 1 is not finite: 'nan'"),
    ],
)
def test_malformed_parameters_are_refused(text: str, message: str) -> None:
    with pytest.raises(SchedulerSettingsError) as err:
        parse_parameters(text)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("retention", [0.69, 0.98, 1.5, float("nan")])
def test_retention_outside_what_fsrs_supports(retention: float) -> None:
    with pytest.raises(SchedulerSettingsError, match=r"between 0\.70 and 0\.97"):
        FSRSScheduler(desired_retention=retention)
