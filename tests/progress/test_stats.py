"""trainer.progress.stats: exact figures from known histories written through the store's API."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from store_helpers import answer_at

from trainer.errors import UnknownDeckError
from trainer.model import CardState, Grade, Review, ReviewKind
from trainer.progress import stats as stats_module
from trainer.progress.readers import EngineReader, Reader
from trainer.progress.stats import (
    INTERVAL_RANGES,
    Stats,
    Streak,
    compute_stats,
    ef_bin,
    interval_range,
    stats_to_json,
    streak_of,
    study_streak,
)
from trainer.progress.store import DeckSource, Store
from trainer.scheduling import sm2
from trainer.scheduling.studyday import study_day

TODAY = date(2026, 11, 23)
UTC_TZ = ZoneInfo("UTC")
LEARNER = "ada"


def deck_file(folder: Path, slug: str, entries: int, anki_id: int) -> Path:
    lines = [
        f'slug = "{slug}"',
        f'title = "Deck {slug}"',
        'description = "A deck for the statistics tests."',
        f"anki_deck_id = {anki_id}",
    ]
    for i in range(entries):
        lines += [
            "",
            "[[entry]]",
            f'id = "e{i}"',
            f'term = "Term {slug} {i}"',
            f'definition = "Definition number {i} of {slug}."',
            'source = "authored"',
        ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Iterator[Store]:
    """A store with deck alpha (10 entries: 20 cards) and beta (5 entries: 10 cards).

    Once on a SQLite file and once on PostgreSQL (`store_target` in tests/conftest.py; a
    throwaway server, or TRAINER_TEST_PG_URL's): the queries are portable SQL.
    """
    opened = Store.open(store_target)
    opened.sync_decks(
        [
            DeckSource(deck_file(tmp_path / "decks", "alpha", 10, 1_000_000_001), bundled=False),
            DeckSource(deck_file(tmp_path / "decks", "beta", 5, 1_000_000_002), bundled=False),
        ]
    )
    yield opened
    opened.close()


def card(i: int, deck: str = "alpha", direction: str = "forward") -> str:
    return f"{deck}/e{i}/{direction}"


def nth(i: int) -> str:
    """The i-th card of deck alpha (0-19): forward cards first, then reverse ones."""
    return card(i % 10, direction="forward" if i < 10 else "reverse")


def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def answer(
    store: Store,
    card_id: str,
    grade: int,
    at: datetime,
    *,
    tz: ZoneInfo = UTC_TZ,
    redrill: bool = False,
    ms: int = 2000,
    learner: str = LEARNER,
) -> Review:
    """Answer as a session does: the study day from `at`; the first answer of a day schedules."""
    return answer_at(store, card_id, grade, at, tz=tz, redrill=redrill, ms=ms, learner=learner)


def logged(
    store: Store,
    card_id: str,
    grade: int,
    day: date,
    *,
    interval_before: int,
    kind: ReviewKind = ReviewKind.REVIEW,
    ms: int = 1000,
) -> Review:
    """A log row with a chosen state before (for retention), the state after from SM-2."""
    before = CardState(n=3, ef=250, interval=interval_before, due=day, lapses=0)
    after = sm2.review(before, Grade(grade), day) if kind != ReviewKind.REDRILL else before
    return store.record(
        Review(LEARNER, card_id, at_noon(day), day, Grade(grade), kind, before, after, ms),
        rebase=False,  # the chosen state before is kept
    )


def stats(store: Store, **options: object) -> Stats:
    options.setdefault("today", TODAY)
    with store.engine.connect() as conn:
        return compute_stats(EngineReader(conn), learner=LEARNER, **options)  # type: ignore[arg-type]


# -- streaks ----------------------------------------------------------------------------------


def test_streak_of_current_and_longest_across_a_gap() -> None:
    days = [date(2026, 11, d) for d in (1, 2, 3, 4, 5, 10, 11, 12, 22, 23)]
    streak = streak_of(days, TODAY)
    assert (streak.current, streak.longest, streak.longest_end) == (2, 5, date(2026, 11, 5))
    assert streak.days_studied == 10
    assert streak.first_day == date(2026, 11, 1)


def test_streak_of_current_ends_yesterday_or_is_broken() -> None:
    days = [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)]
    assert streak_of(days, TODAY).current == 3  # today not studied yet: not broken
    assert streak_of(days, TODAY + timedelta(days=1)).current == 0
    assert streak_of(days, TODAY + timedelta(days=1)).longest == 3
    assert streak_of([], TODAY).current == 0


def test_streak_across_a_gap_from_the_store(store: Store) -> None:
    for offset in (12, 11, 10, 9, 8, 7, 6, 3, 2, 1, 0):  # a gap on days -5 and -4
        answer(store, card(0), 4, at_noon(TODAY - timedelta(days=offset)))
    result = stats(store)
    assert (result.streak.current, result.streak.longest) == (4, 7)
    assert result.streak.longest_end == TODAY - timedelta(days=6)
    assert result.streak.days_studied == 11


def test_streak_across_the_rollover_hour(store: Store) -> None:
    # 03:59 counts for the day before (04:00 starts the study day), so these three
    # answers make two study days, not three, and the streak is 2, current today.
    answer(store, card(0), 4, datetime(2026, 11, 22, 22, 0, tzinfo=UTC))  # day 22
    answer(store, card(1), 4, datetime(2026, 11, 23, 3, 59, tzinfo=UTC))  # still day 22
    answer(store, card(2), 4, datetime(2026, 11, 23, 4, 0, tzinfo=UTC))  # day 23
    result = stats(store)
    assert result.calendar == {date(2026, 11, 22): 2, date(2026, 11, 23): 1}
    assert (result.streak.current, result.streak.longest) == (2, 2)
    # At 03:59 on the 25th it is still the 24th: the streak is not broken yet.
    today = study_day(datetime(2026, 11, 25, 3, 59, tzinfo=UTC), UTC_TZ, 4)
    assert stats(store, today=today).streak.current == 2
    today = study_day(datetime(2026, 11, 25, 4, 0, tzinfo=UTC), UTC_TZ, 4)
    assert stats(store, today=today).streak.current == 0


def test_streak_in_a_time_zone_across_the_rollover(store: Store) -> None:
    berlin = ZoneInfo("Europe/Berlin")  # UTC+1 in November
    # 02:30 UTC = 03:30 in Berlin: still the 22nd there; 03:00 UTC = 04:00: the 23rd.
    answer(store, card(0), 4, datetime(2026, 11, 23, 2, 30, tzinfo=UTC), tz=berlin)
    answer(store, card(1), 4, datetime(2026, 11, 23, 3, 0, tzinfo=UTC), tz=berlin)
    result = stats(store, tz=berlin)
    assert result.calendar == {date(2026, 11, 22): 1, date(2026, 11, 23): 1}
    assert result.streak.current == 2


# -- retention --------------------------------------------------------------------------------


def test_retention_first_answer_of_the_day_young_and_mature(store: Store) -> None:
    day = TODAY - timedelta(days=2)
    # young (interval before 20): failed first, then re-drilled to 5: counts as one fail
    logged(store, card(0), 2, day, interval_before=20)
    logged(store, card(0), 5, day, interval_before=1, kind=ReviewKind.REDRILL)
    logged(store, card(0), 5, day, interval_before=1, kind=ReviewKind.REDRILL)
    logged(store, card(1), 3, day, interval_before=6)  # young, passed (3 counts)
    logged(store, card(2), 5, day, interval_before=21)  # mature, passed
    logged(store, card(3), 1, day, interval_before=40)  # mature, failed
    logged(store, card(4), 4, day, interval_before=100)  # mature, passed
    # First answers ever (learn) are not reviews: not counted.
    answer(store, card(5), 0, at_noon(day))
    answer(store, card(6), 5, at_noon(day))
    week = stats(store).retention[0]
    assert week.days == 7
    assert (week.young.answers, week.young.passed) == (2, 1)
    assert (week.mature.answers, week.mature.passed) == (3, 2)
    assert (week.total.answers, week.total.passed) == (5, 3)
    assert week.young.share == 0.5
    assert week.mature.share == pytest.approx(2 / 3)


def test_retention_windows_7_30_365(store: Store) -> None:
    for i, age in enumerate((0, 6, 7, 29, 30, 364, 365)):
        logged(store, card(i), 4, TODAY - timedelta(days=age), interval_before=30)
    logged(store, card(9), 1, TODAY - timedelta(days=6), interval_before=30)  # a fail in week 1
    windows = {r.days: r for r in stats(store).retention}
    assert sorted(windows) == [7, 30, 365]
    assert (windows[7].mature.answers, windows[7].mature.passed) == (3, 2)
    assert (windows[30].mature.answers, windows[30].mature.passed) == (5, 4)
    assert (windows[365].mature.answers, windows[365].mature.passed) == (7, 6)
    assert windows[365].young.answers == 0
    assert windows[365].young.share is None


# -- card counts, forecast, histograms --------------------------------------------------------


def set_state(store: Store, card_id: str, state: CardState, day: date = TODAY) -> None:
    """Give a card an exact state with one logged answer (the store keeps state after)."""
    before = store.card_state(LEARNER, card_id)
    kind = ReviewKind.LEARN if before.is_new else ReviewKind.REVIEW
    store.record(Review(LEARNER, card_id, at_noon(day), day, Grade.GOOD, kind, before, state, 1000))


def test_card_counts(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_state(store, card(0), CardState(n=1, ef=250, interval=1, due=TODAY))  # learning
    set_state(store, card(1), CardState(n=0, ef=200, interval=1, due=TODAY, lapses=1))  # learning
    set_state(store, card(2), CardState(n=2, ef=250, interval=6, due=TODAY))  # young
    set_state(store, card(3), CardState(n=4, ef=250, interval=20, due=TODAY))  # young
    set_state(store, card(4), CardState(n=5, ef=250, interval=21, due=TODAY))  # mature
    set_state(store, card(5), CardState(n=5, ef=250, interval=21, due=TODAY))
    store.set_suspended(LEARNER, card(5), True)  # suspended (was mature)
    store.set_suspended(LEARNER, card(6), True)  # suspended new card
    store.bury(LEARNER, card(7), TODAY + timedelta(days=1))  # buried new card
    store.bury(LEARNER, card(8), TODAY)  # buried until today: shown again, new
    # Retire alpha's entry e9 (two cards) by removing it from the deck file.
    path = deck_file(tmp_path / "decks", "alpha", 9, 1_000_000_001)
    store.sync_decks(
        [DeckSource(path, bundled=False), DeckSource(tmp_path / "decks" / "beta.toml", False)]
    )
    counts = stats(store).counts
    assert counts.learning == 2
    assert counts.young == 2
    assert counts.mature == 1
    assert counts.suspended == 2
    assert counts.buried == 1
    assert counts.retired == 2
    assert counts.new == 30 - 2 - 2 - 1 - 2 - 1 - 2
    assert counts.total == 30
    alpha = stats(store, decks=["alpha"]).counts
    assert (alpha.new, alpha.total) == (20 - 10, 20)
    beta = stats(store, decks=["beta"]).counts
    assert (beta.new, beta.learning, beta.total) == (10, 0, 10)
    # Many excluded cards: an IN (subquery) instead of a list; the same counts.
    monkeypatch.setattr(stats_module, "EXCLUDE_LIMIT", 0)
    assert stats(store).counts == counts
    assert stats(store, decks=["alpha"]).counts == alpha


def test_forecast_counts_overdue_today(store: Store) -> None:
    def due(i: int, day: date) -> None:
        set_state(
            store, card(i), CardState(n=3, ef=250, interval=10, due=day), TODAY - timedelta(10)
        )

    due(0, TODAY - timedelta(days=5))  # overdue
    due(1, TODAY - timedelta(days=1))  # overdue
    due(2, TODAY)
    due(3, TODAY + timedelta(days=1))
    due(4, TODAY + timedelta(days=29))  # the last day of the forecast
    due(5, TODAY + timedelta(days=30))  # beyond it
    due(6, TODAY)
    store.set_suspended(LEARNER, card(6), True)  # suspended: never due
    due(7, TODAY - timedelta(days=2))
    store.bury(LEARNER, card(7), TODAY + timedelta(days=2))  # overdue but hidden until +2
    forecast = stats(store).forecast
    assert len(forecast.days) == 30
    assert forecast.days[0] == (TODAY, 3)
    assert forecast.overdue == 2
    assert forecast.days[1] == (TODAY + timedelta(days=1), 1)
    assert forecast.days[2] == (TODAY + timedelta(days=2), 1)
    assert forecast.days[29] == (TODAY + timedelta(days=29), 1)
    assert forecast.total == 6
    assert forecast.average == pytest.approx(6 / 30)


def test_ef_histogram_bins_of_a_tenth_from_1_3(store: Store) -> None:
    for i, ef in enumerate((130, 139, 140, 149, 150, 250, 251, 260, 300)):
        set_state(store, card(i), CardState(n=3, ef=ef, interval=10, due=TODAY))
    store.set_suspended(LEARNER, nth(10), True)  # new and suspended: no E-Factor yet
    bins = stats(store).ef_histogram
    assert [(b.low, b.high) for b in bins[:3]] == [(1.3, 1.4), (1.4, 1.5), (1.5, 1.6)]
    assert bins[-1].low == 3.0
    by_low = {b.low: b.cards for b in bins}
    assert by_low[1.3] == 2
    assert by_low[1.4] == 2
    assert by_low[1.5] == 1
    assert by_low[2.5] == 2
    assert by_low[2.6] == 1
    assert by_low[3.0] == 1
    assert sum(by_low.values()) == 9
    assert ef_bin(130) == 0 and ef_bin(139) == 0 and ef_bin(140) == 1 and ef_bin(250) == 12


def test_interval_histogram_ranges(store: Store) -> None:
    intervals = (1, 2, 3, 4, 7, 8, 20, 21, 365, 366, 1000)
    for i, interval in enumerate(intervals):
        set_state(store, nth(i), CardState(n=3, ef=250, interval=interval, due=TODAY))
    bins = {(b.low, b.high): b.cards for b in stats(store).interval_histogram}
    assert list(bins) == list(INTERVAL_RANGES)
    assert bins[1, 1] == 1
    assert bins[2, 3] == 2
    assert bins[4, 7] == 2
    assert bins[8, 14] == 1
    assert bins[15, 20] == 1
    assert bins[21, 30] == 1
    assert bins[181, 365] == 1
    assert bins[366, None] == 2
    assert [interval_range(d) for d in (1, 3, 21, 366)] == [0, 1, 5, 10]


# -- leeches and hardest entries --------------------------------------------------------------


def lapse(store: Store, card_id: str, times: int, start: date) -> date:
    """Pass then fail the card `times` times on consecutive days: one lapse each."""
    day = start
    for _ in range(times):
        answer(store, card_id, 4, at_noon(day))
        answer(store, card_id, 1, at_noon(day + timedelta(days=1)))
        day += timedelta(days=2)
    return day


def test_leech_at_8_and_12_lapses(store: Store) -> None:
    start = TODAY - timedelta(days=60)
    lapse(store, card(0), 7, start)
    lapse(store, card(1), 8, start)
    lapse(store, card(2), 12, start)
    result = stats(store)
    assert [(leech.card, leech.lapses) for leech in result.leeches] == [
        (card(2), 12),
        (card(1), 8),
    ]
    assert result.leeches[0].term == "Term alpha 2"
    assert result.leeches[0].ef == 250  # a grade 4 keeps the E-Factor; fails leave it alone
    assert store.card_state(LEARNER, card(0)).lapses == 7


def test_hardest_entries_lowest_ef_then_most_lapses(store: Store) -> None:
    set_state(store, card(0), CardState(n=3, ef=130, interval=5, due=TODAY, lapses=1))
    set_state(store, card(0, direction="reverse"), CardState(n=3, ef=140, interval=5, due=TODAY))
    set_state(store, card(1), CardState(n=3, ef=130, interval=5, due=TODAY, lapses=4))
    set_state(store, card(2), CardState(n=3, ef=250, interval=5, due=TODAY, lapses=2))
    set_state(store, card(3), CardState(n=3, ef=250, interval=5, due=TODAY))  # not hard
    set_state(store, card(4), CardState(n=3, ef=270, interval=5, due=TODAY))  # not hard
    hardest = stats(store).hardest
    assert [(h.entry, h.ef, h.lapses) for h in hardest] == [
        ("e1", 130, 4),
        ("e0", 130, 1),
        ("e2", 250, 2),
    ]


# -- today, grades, hours, time ---------------------------------------------------------------


def test_today_grades_and_time(store: Store) -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    answer(store, card(0), 5, now, ms=4000)  # learn
    answer(store, card(1), 2, now, ms=6000)  # learn, into the re-drill
    answer(store, card(1), 3, now, redrill=True, ms=3000)  # still in the re-drill
    answer(store, card(2), 3, now, ms=2000)  # learn, into the re-drill
    answer(store, card(2), 4, now, redrill=True, ms=1000)  # out of the re-drill
    answer(store, card(3), 4, at_noon(TODAY - timedelta(days=3)), ms=10000)  # in the period
    answer(store, card(4), 4, at_noon(TODAY - timedelta(days=30)), ms=10000)  # before it
    result = stats(store)
    today = result.today
    assert (today.cards, today.answers, today.passed, today.learned) == (3, 5, 4, 3)
    assert (today.redrill_answers, today.redrill_pending) == (2, 1)
    assert today.seconds == 16.0
    assert today.passed_share == 0.8
    assert result.grades == (0, 0, 1, 2, 2, 1)
    assert (result.time.answers, result.time.seconds) == (6, 26.0)
    assert result.time.average_seconds == pytest.approx(26 / 6)
    assert stats(store, days=31).time.answers == 7


def test_hours_in_local_time_across_daylight_saving(store: Store) -> None:
    berlin = ZoneInfo("Europe/Berlin")  # CET until 29 March 2026 01:00 UTC, then CEST
    today = date(2026, 3, 30)
    answer(store, card(0), 4, datetime(2026, 3, 28, 10, 0, tzinfo=UTC), tz=berlin)  # 11:00 CET
    answer(store, card(1), 4, datetime(2026, 3, 30, 10, 0, tzinfo=UTC), tz=berlin)  # 12:00 CEST
    answer(store, card(2), 4, datetime(2026, 3, 30, 10, 59, tzinfo=UTC), tz=berlin)  # 12:59
    hours = stats(store, today=today, tz=berlin).hours
    assert hours[11] == 1
    assert hours[12] == 2
    assert sum(hours) == 3


def test_hours_in_a_half_hour_time_zone(store: Store) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30
    answer(store, card(0), 4, datetime(2026, 11, 23, 10, 20, tzinfo=UTC), tz=kolkata)  # 15:50
    answer(store, card(1), 4, datetime(2026, 11, 23, 10, 40, tzinfo=UTC), tz=kolkata)  # 16:10
    hours = stats(store, tz=kolkata).hours
    assert (hours[15], hours[16], sum(hours)) == (1, 1, 2)


# -- scope, empty history, JSON ---------------------------------------------------------------


def test_empty_history_and_unknown_learner(store: Store) -> None:
    with store.engine.connect() as conn:
        result = compute_stats(EngineReader(conn), learner="nobody", today=TODAY)
    assert result.empty
    assert result.counts.new == 30
    assert result.streak.current == 0
    assert result.retention[0].total.answers == 0
    assert result.forecast.total == 0
    assert result.ef_histogram == ()


def test_deck_filter_and_unknown_deck(store: Store) -> None:
    answer(store, card(0), 4, at_noon(TODAY))
    answer(store, card(1, deck="beta"), 4, at_noon(TODAY - timedelta(days=1)))
    assert stats(store).calendar == {TODAY - timedelta(days=1): 1, TODAY: 1}
    beta = stats(store, decks=["beta"])
    assert beta.decks == ("beta",)
    assert beta.calendar == {TODAY - timedelta(days=1): 1}
    assert beta.today.answers == 0
    assert beta.streak.current == 1
    with pytest.raises(UnknownDeckError, match="unknown deck 'gamma'; known decks: alpha, beta"):
        stats(store, decks=["gamma"])


def test_other_learners_are_not_counted(store: Store) -> None:
    answer(store, card(0), 4, at_noon(TODAY))
    answer(store, card(1), 4, at_noon(TODAY), learner="bob")
    assert stats(store).today.answers == 1
    assert stats(store).counts.new == 29


def test_json_keys(store: Store) -> None:
    answer(store, card(0), 4, at_noon(TODAY - timedelta(days=1)))
    data = stats_to_json(stats(store))
    for key in (
        "today",
        "counts",
        "forecast",
        "calendar",
        "retention",
        "streak",
        "ef_histogram",
        "interval_histogram",
        "grades",
        "hours",
        "leeches",
        "hardest",
        "time",
    ):
        assert key in data
    assert data["streak"] == {"current": 1, "longest": 1, "days_studied": 1}
    assert data["calendar"]["days"] == {"2026-11-22": 1}
    assert data["calendar"]["from"] == "2025-11-24"
    assert data["forecast"]["days"][0] == {"day": "2026-11-23", "due": 1}
    assert data["counts"]["learning"] == 1
    assert data["grades"] == [0, 0, 0, 0, 1, 0]
    assert len(data["hours"]) == 24
    assert [r["days"] for r in data["retention"]] == [7, 30, 365]


class RecordingReader:
    """A Reader that keeps the SQL it runs (one line each)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.statements: list[str] = []

    @property
    def dialect(self) -> str:
        return self.reader.dialect

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        self.statements.append(" ".join(sql.split()))
        return self.reader.rows(sql, params)

    def close(self) -> None:
        self.reader.close()


def test_a_few_aggregate_queries_filtered_by_learner_and_day(store: Store) -> None:
    for offset in range(39, -1, -1):  # oldest first
        day = TODAY - timedelta(days=offset)
        for i in range(10):
            grade = 1 if (offset + i) % 3 == 0 else 4  # lapses keep the intervals short
            answer(store, nth(i), grade, at_noon(day) + timedelta(minutes=i))
    with store.engine.connect() as conn:
        reader = RecordingReader(EngineReader(conn))
        result = compute_stats(reader, learner=LEARNER, today=TODAY)
    assert result.time.answers == 300  # the last 30 days, 10 answers each
    queries = reader.statements
    assert len(queries) <= 16
    # The log's rows are read for today and for the hours of the period only; the
    # calendar, retention, streak, grades and time come from the per-day totals.
    on_log = [sql for sql in queries if "FROM reviews" in sql]
    assert len(on_log) == 2
    per_day = [sql for sql in queries if "FROM review_days" in sql]
    assert len(per_day) == 2
    for sql in on_log:
        assert "r.learner_id = :learner_id AND r.day" in sql
    for sql in per_day:
        assert "d.learner_id = :learner_id" in sql and "d.day <= :today" in sql
        assert "GROUP BY d.day" in sql or "DISTINCT d.day" in sql


# -- per-day totals (review_days) against the log ---------------------------------------------


def figures_from_log(
    store: Store, *, today: date, days: int, decks: tuple[str, ...] = ()
) -> dict[str, object]:
    """Calendar, retention, streak, grades and time computed from every log row, in Python."""
    from sqlalchemy import select

    from trainer.progress.store import CardRow, LearnerRow, ReviewRow

    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ReviewRow.day, ReviewRow.grade, ReviewRow.kind)
            .add_columns(ReviewRow.interval_before, ReviewRow.answer_ms, CardRow.deck_slug)
            .join(CardRow, CardRow.id == ReviewRow.card_id)
            .join(LearnerRow, LearnerRow.id == ReviewRow.learner_id)
            .where(LearnerRow.name == LEARNER)
        ).all()
    rows = [row for row in rows if not decks or row.deck_slug in decks]
    calendar: dict[date, int] = {}
    for row in rows:
        if 0 <= (today - row.day).days < 365:
            calendar[row.day] = calendar.get(row.day, 0) + 1
    retention = []
    for window in (7, 30, 365):
        shares = []
        for mature in (False, True):
            reviews = [
                row
                for row in rows
                if row.kind == "review"
                and 0 <= (today - row.day).days < window
                and (row.interval_before >= 21) == mature
            ]
            shares.append((len(reviews), sum(row.grade >= 3 for row in reviews)))
        retention.append((window, *shares))
    period = [row for row in rows if 0 <= (today - row.day).days < days]
    return {
        "calendar": dict(sorted(calendar.items())),
        "retention": retention,
        "streak": streak_of(sorted({row.day for row in rows if row.day <= today}), today),
        "grades": tuple(sum(row.grade == g for row in period) for g in range(6)),
        "time": (len(period), sum(row.answer_ms for row in period) / 1000),
    }


def figures(result: Stats) -> dict[str, object]:
    return {
        "calendar": result.calendar,
        "retention": [
            (r.days, (r.young.answers, r.young.passed), (r.mature.answers, r.mature.passed))
            for r in result.retention
        ],
        "streak": result.streak,
        "grades": result.grades,
        "time": (result.time.answers, result.time.seconds),
    }


def test_per_day_totals_equal_the_log_after_answers_and_undos(store: Store) -> None:
    """The figures read from review_days are the ones the log gives, undos included."""
    for offset in range(50, -1, -1):
        if offset % 7 in (3, 4):
            continue  # gaps in the streak
        day = TODAY - timedelta(days=offset)
        for i in range(offset % 5 + 1):
            deck = "beta" if i % 3 == 2 else "alpha"
            grade = (offset + i) % 6
            answer(
                store, card(i % 5, deck), grade, at_noon(day) + timedelta(minutes=i), ms=1000 + i
            )
            if grade < 3:
                answer(store, card(i % 5, deck), 4, at_noon(day), redrill=True, ms=500)
    logged(store, card(7), 4, TODAY - timedelta(days=2), interval_before=30)  # mature review
    logged(store, card(8), 1, TODAY - timedelta(days=40), interval_before=25)
    # Undo: the last answers of today, then a day whose only answer is taken back.
    assert store.undo_last(LEARNER) is not None
    assert store.undo_last(LEARNER) is not None
    lone = TODAY + timedelta(days=1)
    answer(store, card(4, "beta"), 4, at_noon(lone))
    assert store.undo_last(LEARNER) is not None
    for today in (TODAY, TODAY - timedelta(days=3), lone):
        for decks in ((), ("beta",), ("alpha", "beta")):
            for days in (1, 30, 400):
                expected = figures_from_log(store, today=today, days=days, decks=decks)
                result = stats(store, today=today, decks=list(decks), days=days)
                assert figures(result) == expected, (today, decks, days)
    assert stats(store).streak.current > 0


def test_per_day_totals_after_rebuild_states(store: Store) -> None:
    for offset in (5, 4, 2, 0):
        answer(store, card(offset), 4 if offset else 2, at_noon(TODAY - timedelta(days=offset)))
    before = figures(stats(store, days=400))
    store.rebuild_states(LEARNER)
    assert (
        figures(stats(store, days=400)) == before == figures_from_log(store, today=TODAY, days=400)
    )


# -- study_streak (trainer status) -------------------------------------------------------------


def test_study_streak_is_the_stats_streak(store: Store) -> None:
    for offset in (9, 8, 7, 3, 2, 1):
        answer(store, card(0), 4, at_noon(TODAY - timedelta(days=offset)))
    answer(store, card(1, "beta"), 4, at_noon(TODAY))
    with store.engine.connect() as conn:
        reader = EngineReader(conn)
        streak = study_streak(reader, LEARNER, TODAY)
        assert (streak.current, streak.longest, streak.days_studied) == (4, 4, 7)
        assert streak == stats(store).streak
        alpha = study_streak(reader, LEARNER, TODAY, ["alpha"])
        assert (alpha.current, alpha.longest, alpha.days_studied) == (3, 3, 6)
        assert alpha == stats(store, decks=["alpha"]).streak
        assert study_streak(reader, LEARNER, TODAY - timedelta(days=5)).current == 0
        assert study_streak(reader, "nobody", TODAY) == Streak()
        assert study_streak(reader, LEARNER, TODAY, ["no-such-deck"]) == Streak()


@pytest.mark.sqlite_only
def test_card_state_queries_read_migration_0008s_indexes(store: Store) -> None:
    """SQLite streams the card-state pass in index order (no sort) and reads the small indexes."""
    set_state(store, card(0), CardState(n=3, ef=130, interval=5, due=TODAY, lapses=1))
    lapse(store, card(1), 8, TODAY - timedelta(days=30))
    with store.engine.connect() as conn:
        recorder = RecordingReader(EngineReader(conn))
        compute_stats(recorder, learner=LEARNER, today=TODAY)
        params: dict[str, Any] = {"learner_id": 1, "today": TODAY.isoformat(), "no": False}

        def plan(fragment: str) -> str:
            (sql,) = [sql for sql in recorder.statements if fragment in sql]
            rows = recorder.reader.rows(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(row[-1]) for row in rows)

        grouped = plan("GROUP BY s.ef, s.interval, s.suspended")
        assert "ix_card_states_learner_ef" in grouped and "TEMP B-TREE" not in grouped
        assert "ix_card_states_learner_buried" in plan("s.buried_until > :today")
        assert "COVERING INDEX ix_card_states_learner_leech" in plan("AND s.leech")
        hardest = plan("LIMIT")
        assert "ix_card_states_learner_ef" in hardest
        assert "TEMP B-TREE FOR RIGHT PART OF ORDER BY" in hardest  # ranked in E-Factor order
