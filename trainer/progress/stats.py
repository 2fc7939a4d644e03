"""Progress statistics as plain data, from a few aggregate SQL queries (pure: no clock, no I/O
beyond the queries; no click, no rich, no SQLAlchemy).

`compute_stats(reader, learner=..., today=..., tz=..., decks=...)` returns a `Stats` value;
`stats_to_json(stats)` gives the documented `trainer stats --json` object;
`study_streak(reader, learner, today)` is the streak alone (for `trainer status`).

The queries are plain SQL text with `:name` parameters, run through a
`trainer.progress.readers.Reader`: the standard library's sqlite3 on a SQLite store that needs
nothing migrated or synced (so `trainer stats --json` never imports SQLAlchemy there),
a SQLAlchemy connection otherwise (PostgreSQL). The only expression that differs
between the two databases is the quarter hour of an answer (`_quarter_hour`).

Nothing reads the whole review log:

1. calendar, retention, grades and time: the per-day totals of the log
   (`review_days`, migration 0006, kept with the log by the store: one row per
   learner, study day and deck), `GROUP BY day` over the longest window (a year, or
   the period if longer): a few thousand rows of its primary key range;
2. the streak: the distinct study days of `review_days` (`trainer.progress.streaks`);
3. today: the log rows of the study day (cards answered needs the card ids);
4. answers by hour over the period: the log rows of those days, `GROUP BY` the UTC
   quarter hour (see below).

The cards: the number of cards of the chosen decks; then the learner's card_states
alone (cards of other decks and retired ones left out by a short id list, or an
`IN (subquery)` when there are many): one `GROUP BY ef, interval, suspended` pass
gives the counts by state and both histograms, streamed in the order of migration
0008's index (learner, E-Factor, interval, suspended, ...) without a sort; the few
buried cards (0008's partial index) are taken out of those counts; then
`GROUP BY due` for the forecast (0005's index), the leeches (0008's partial index) and
the hardest cards (0008's index again: in E-Factor order, the top N read first).

Answers by hour of the day are in the learner's local time. The log keeps UTC
instants, and the UTC offset of a zone changes with daylight saving time, so a UTC
hour cannot be mapped to one local hour. The hours query groups by the UTC
quarter hour since the epoch instead (one group per 15 minutes with answers,
at most 96 a day); each group is converted to the local hour in Python with the
zone's offset at that instant. Quarter hours also keep zones with a :30 or :45
offset right.

Definitions (as in Anki where Anki has one):

- new: never graded; learning: graded, n < 2 (not yet past the 6-day step);
  young: n >= 2 and interval < 21 days; mature: n >= 2 and interval >= 21 days. Suspended,
  buried (hidden until a later day) and retired (its entry left the deck file)
  are counted apart, so the seven counts add up to the cards of the decks.
- true retention: among the first answers of a study day to cards already
  studied (log kind `review`; the store logs exactly one per card and study day),
  the share graded 3 or more; young/mature by the interval before the answer.
- streak: consecutive study days with at least one answer; the current one ends
  today or yesterday (a streak is not broken before the day is over).
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from trainer.errors import UnknownDeckError
from trainer.progress.fsrs_stats import FSRSStats, fsrs_stats, fsrs_to_json
from trainer.progress.readers import Reader, in_params, learner_id, one, scalar, to_date
from trainer.progress.schedulers import read_config
from trainer.progress.streaks import Streak, streak_of, study_days, study_streak

MATURE_INTERVAL = 21  # days: Anki's line between young and mature cards
LEARNED_REPS = 2  # n >= 2: past the 6-day step
RETENTION_WINDOWS = (7, 30, 365)
CALENDAR_DAYS = 365
FORECAST_DAYS = 30
DEFAULT_PERIOD_DAYS = 30
EF_MIN = 130  # hundredths
EF_BIN = 10  # hundredths: bins of 0.1
TROUBLE_LIMIT = 10
QUARTER_HOUR = 900  # seconds
# Interval histogram ranges in days (inclusive); the last one is open.
INTERVAL_RANGES: tuple[tuple[int, int | None], ...] = (
    (1, 1),
    (2, 3),
    (4, 7),
    (8, 14),
    (15, 20),
    (21, 30),
    (31, 60),
    (61, 90),
    (91, 180),
    (181, 365),
    (366, None),
)


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TodayStats:
    """The current study day."""

    day: date
    cards: int = 0  # distinct cards answered
    answers: int = 0
    passed: int = 0  # answers graded 3 or more
    learned: int = 0  # first answers ever (new cards)
    redrill_answers: int = 0
    redrill_pending: int = 0  # cards still in today's re-drill
    seconds: float = 0.0

    @property
    def passed_share(self) -> float | None:
        return self.passed / self.answers if self.answers else None


@dataclass(frozen=True)
class CardCounts:
    """Cards of the chosen decks by state; the counts are disjoint."""

    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0
    buried: int = 0
    retired: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


@dataclass(frozen=True)
class Forecast:
    """Cards due on each of the next days; overdue cards are counted today."""

    days: tuple[tuple[date, int], ...]
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(count for _, count in self.days)

    @property
    def average(self) -> float:
        return self.total / len(self.days) if self.days else 0.0


@dataclass(frozen=True)
class Share:
    """How many answers, how many graded 3 or more."""

    answers: int = 0
    passed: int = 0

    @property
    def share(self) -> float | None:
        return self.passed / self.answers if self.answers else None

    def __add__(self, other: Share) -> Share:
        return Share(self.answers + other.answers, self.passed + other.passed)


@dataclass(frozen=True)
class Retention:
    """True retention over the last `days` study days (today included)."""

    days: int
    young: Share = Share()
    mature: Share = Share()

    @property
    def total(self) -> Share:
        return self.young + self.mature


@dataclass(frozen=True)
class Bin:
    """One histogram bar: cards with a value in [low, high] (high None: open)."""

    low: float
    high: float | None
    cards: int


@dataclass(frozen=True)
class TroubleCard:
    """A leech, or the hardest card of a hard entry."""

    deck: str
    entry: str
    term: str
    ef: int  # hundredths
    lapses: int
    card: str
    direction: str
    interval: int


@dataclass(frozen=True)
class TimeStats:
    """Answer time over the period (the last `days` study days)."""

    days: int
    answers: int = 0
    seconds: float = 0.0

    @property
    def average_seconds(self) -> float | None:
        return self.seconds / self.answers if self.answers else None


@dataclass(frozen=True)
class Stats:
    learner: str
    decks: tuple[str, ...]  # the chosen deck slugs ((): all decks)
    today: TodayStats
    counts: CardCounts
    forecast: Forecast
    calendar: dict[date, int]  # answers per study day over the last 365 days (days with answers)
    retention: tuple[Retention, ...]
    streak: Streak
    ef_histogram: tuple[Bin, ...]
    interval_histogram: tuple[Bin, ...]
    period_days: int
    grades: tuple[int, ...]  # answers by grade 0-5 over the period
    hours: tuple[int, ...]  # answers by local hour 0-23 over the period
    leeches: tuple[TroubleCard, ...]
    hardest: tuple[TroubleCard, ...]
    time: TimeStats
    calendar_days: int = CALENDAR_DAYS
    timezone: str = "UTC"
    fsrs: FSRSStats | None = None  # a learner on FSRS: trainer.progress.fsrs_stats

    @property
    def empty(self) -> bool:
        """No answers at all (for the chosen decks): the CLI says what to do instead."""
        return self.streak.days_studied == 0

    @property
    def calendar_start(self) -> date:
        return self.today.day - timedelta(days=self.calendar_days - 1)


# -- queries ------------------------------------------------------------------------------

Params = dict[str, Any]
PASS_GRADE = 3  # an answer graded 3 or more passed


def _quarter_hour(dialect: str) -> str:
    """The UTC quarter hour since the epoch of an answer `r`, as an integer.

    SQLite keeps `at` as UTC text ('YYYY-MM-DD HH:MM:SS.ffffff'): `strftime('%s')` gives
    whole seconds. PostgreSQL's `EXTRACT(epoch ...)` of a timestamptz is absolute and
    has a fraction: floored first.
    """
    if dialect == "sqlite":
        if sqlite3.sqlite_version_info >= (3, 38):  # unixepoch(): 3x faster than strftime
            return f"unixepoch(r.at) / {QUARTER_HOUR}"
        return f"CAST(strftime('%s', r.at) AS INTEGER) / {QUARTER_HOUR}"
    return f"CAST(floor(EXTRACT(epoch FROM r.at)) AS BIGINT) / {QUARTER_HOUR}"


def _choose_decks(reader: Reader, decks: Sequence[str]) -> tuple[list[str], list[str]]:
    """The chosen slugs, checked (all active decks when none are chosen), and the others."""
    rows = reader.rows("SELECT slug, active FROM decks ORDER BY position")
    active = [slug for slug, is_active in rows if is_active]
    if decks:
        known = {slug for slug, _ in rows}
        for slug in decks:
            if slug not in known:
                raise UnknownDeckError(slug, active)
        chosen = list(dict.fromkeys(decks))
    else:
        chosen = active
    picked = set(chosen)
    return chosen, [slug for slug, _ in rows if slug not in picked]


def deck_slugs(reader: Reader, decks: Sequence[str]) -> list[str]:
    """The chosen slugs, checked; all active decks when none are chosen.

    Raises UnknownDeckError for a slug the store does not know.
    """
    return _choose_decks(reader, decks)[0]


def _learner_id(reader: Reader, learner: str) -> int:
    """The learner's id; -1 for an unknown learner (no rows: every card new)."""
    found = learner_id(reader, learner)
    return -1 if found is None else found


def compute_stats(
    reader: Reader,
    *,
    learner: str,
    today: date,
    tz: tzinfo = UTC,
    decks: Sequence[str] = (),
    days: int = DEFAULT_PERIOD_DAYS,
    forecast_days: int = FORECAST_DAYS,
) -> Stats:
    """Statistics of `learner` for `decks` (all active decks if empty) as of study day `today`.

    `days` is the period of the answer distributions (grades, hours, time); `tz` the
    learner's time zone (only used for answers by hour). Raises UnknownDeckError for a
    slug the store does not know.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    slugs, others = _choose_decks(reader, decks)
    learner_id = _learner_id(reader, learner)
    chosen = slugs if decks else None  # without --deck: every answer of the learner
    log = _log_scope(learner_id, chosen)
    scope = _scope(reader, learner_id, slugs, others)
    per_day = _days(reader, learner_id, chosen, today, days)
    counts, ef_histogram, interval_histogram = _cards(reader, scope, today)
    return Stats(
        learner=learner,
        decks=tuple(decks and slugs),
        today=_today(reader, log, scope, today),
        counts=counts,
        forecast=_forecast(reader, scope, today, forecast_days),
        calendar=per_day.calendar,
        retention=per_day.retention,
        streak=streak_of(study_days(reader, learner_id, today, chosen), today),
        ef_histogram=ef_histogram,
        interval_histogram=interval_histogram,
        period_days=days,
        grades=per_day.grades,
        hours=_hours(reader, log, today, days, tz),
        leeches=_leeches(reader, scope),
        hardest=_hardest(reader, scope),
        time=per_day.time,
        timezone=str(tz),
        fsrs=fsrs_stats(
            reader,
            read_config(reader, learner_id),
            scope.states.sql,
            scope.states.params,
            today,
        ),
    )


@dataclass(frozen=True)
class _Where:
    """SQL conditions (joined by AND) and their parameters."""

    sql: str
    params: Params

    def with_(self, **params: Any) -> Params:
        return {**self.params, **params}


def _log_scope(learner_id: int, slugs: list[str] | None) -> _Where:
    """The learner's answers `r`, to cards of `slugs` (None: every answer, no join needed)."""
    sql = "r.learner_id = :learner_id"
    params: Params = {"learner_id": learner_id}
    if slugs is not None:
        listed, deck_params = in_params("deck", slugs)
        sql += f" AND r.card_id IN (SELECT id FROM cards WHERE deck_slug IN ({listed}))"
        params.update(deck_params)
    return _Where(sql, params)


@dataclass(frozen=True)
class _Scope:
    """Which card states `s` count, and the cards of the chosen decks."""

    states: _Where
    cards: int  # cards of the decks that are not retired
    retired: int  # retired cards of the decks


EXCLUDE_LIMIT = 1000  # up to this many excluded cards are listed; beyond, a subquery


def _scope(reader: Reader, learner_id: int, slugs: list[str], others: list[str]) -> _Scope:
    """The state rows of the decks' cards that are not retired, without a join where possible.

    Usually every card is in a chosen deck and active, so the state queries read
    card_states alone; a short list of excluded card ids (retired cards, cards of other
    or removed decks) is cheap to leave out, a long one becomes an `IN (subquery)`.
    """
    listed, deck_params = in_params("deck", slugs)
    params: Params = {**deck_params, "yes": True, "no": False}

    def count(where: str) -> int:
        return int(scalar(reader, f"SELECT count(*) FROM cards{where}", params))

    total = count("")
    in_decks = f"deck_slug IN ({listed})"
    retired = count(f" WHERE {in_decks} AND retired = :yes")
    # Without other decks every card is in a chosen one: no need to count them.
    cards = count(f" WHERE {in_decks} AND retired = :no") if others else total - retired
    sql = "s.learner_id = :learner_id"
    states: Params = {"learner_id": learner_id}
    if total > cards:
        outside = f"NOT ({in_decks})" if slugs else "1 = 1"
        excluded = [
            card_id
            for (card_id,) in reader.rows(
                f"SELECT id FROM cards WHERE {outside} OR retired = :yes LIMIT {EXCLUDE_LIMIT + 1}",
                params,
            )
        ]
        if len(excluded) > EXCLUDE_LIMIT:
            sql += f" AND s.card_id IN (SELECT id FROM cards WHERE {in_decks} AND retired = :no)"
            states.update(params)
        else:
            ids, id_params = in_params("excluded", excluded)
            sql += f" AND s.card_id NOT IN ({ids})"
            states.update(id_params)
    return _Scope(states=_Where(sql, states), cards=cards, retired=retired)


def _today(reader: Reader, log: _Where, scope: _Scope, today: date) -> TodayStats:
    row = one(
        reader,
        "SELECT count(DISTINCT r.card_id), count(*),"
        f" count(CASE WHEN r.grade >= {PASS_GRADE} THEN 1 END),"
        " count(CASE WHEN r.kind = 'learn' THEN 1 END),"
        " count(CASE WHEN r.kind = 'redrill' THEN 1 END),"
        " coalesce(sum(r.answer_ms), 0)"
        f" FROM reviews r WHERE {log.sql} AND r.day = :today",
        log.with_(today=today),
    )
    pending = scalar(
        reader,
        f"SELECT count(*) FROM card_states s WHERE {scope.states.sql} AND s.redrill_day = :today",
        scope.states.with_(today=today),
    )
    return TodayStats(
        day=today,
        cards=row[0],
        answers=row[1],
        passed=row[2],
        learned=row[3],
        redrill_answers=row[4],
        redrill_pending=int(pending),
        seconds=int(row[5]) / 1000,
    )


def _day(value: date | str) -> date:
    day = to_date(value)
    assert day is not None
    return day


@dataclass(frozen=True)
class _Days:
    """The per-day totals of the log (`review_days`) a Stats needs, read in one query."""

    calendar: dict[date, int]
    retention: tuple[Retention, ...]
    grades: tuple[int, ...]
    time: TimeStats


_DAY_SUMS = ", ".join(
    f"sum(d.{name})"
    for name in (
        "answers",
        "answer_ms",
        *(f"grade_{grade}" for grade in range(6)),
        "young_reviews",
        "young_passed",
        "mature_reviews",
        "mature_passed",
    )
)


def _days(
    reader: Reader, learner_id: int, slugs: list[str] | None, today: date, days: int
) -> _Days:
    """Calendar, retention, grades and time from the per-day totals of the longest window.

    One row per study day of the last max(365, `days`) days: the totals of the
    learner's rows (of the chosen decks' rows with --deck), read in the order of the
    table's key (learner, day, deck).
    """
    window = max(CALENDAR_DAYS, *RETENTION_WINDOWS, days)
    sql = f"SELECT d.day, {_DAY_SUMS} FROM review_days d WHERE d.learner_id = :learner_id"
    params: Params = {
        "learner_id": learner_id,
        "start": today - timedelta(days=window),
        "today": today,
    }
    if slugs is not None:
        listed, deck_params = in_params("deck", slugs)
        sql += f" AND d.deck_slug IN ({listed})"
        params.update(deck_params)
    rows = reader.rows(sql + " AND d.day > :start AND d.day <= :today GROUP BY d.day", params)
    calendar: dict[date, int] = {}
    windows = {n: [0, 0, 0, 0] for n in RETENTION_WINDOWS}
    grades = [0] * 6
    answers = ms = 0
    for day_value, day_answers, day_ms, *rest in rows:
        age = (today - _day(day_value)).days
        if not day_answers:
            continue
        if age < CALENDAR_DAYS:
            calendar[_day(day_value)] = int(day_answers)
        young, young_passed, mature, mature_passed = (int(value) for value in rest[6:])
        for n, sums in windows.items():
            if age < n:
                sums[0] += young
                sums[1] += young_passed
                sums[2] += mature
                sums[3] += mature_passed
        if age < days:
            for grade, count in enumerate(rest[:6]):
                grades[grade] += int(count)
            answers += int(day_answers)
            ms += int(day_ms)
    return _Days(
        calendar=dict(sorted(calendar.items())),
        retention=tuple(
            Retention(days=n, young=Share(s[0], s[1]), mature=Share(s[2], s[3]))
            for n, s in windows.items()
        ),
        grades=tuple(grades),
        time=TimeStats(days=days, answers=answers, seconds=ms / 1000),
    )


def _hours(reader: Reader, log: _Where, today: date, days: int, tz: tzinfo) -> tuple[int, ...]:
    """Answers by local hour over the last `days` study days (the only read of the log's rows)."""
    quarter = _quarter_hour(reader.dialect)
    rows = reader.rows(
        f"SELECT {quarter} AS quarter, count(*) FROM reviews r"
        f" WHERE {log.sql} AND r.day > :start AND r.day <= :today GROUP BY {quarter}",
        log.with_(start=today - timedelta(days=days), today=today),
    )
    hours = [0] * 24
    for q, count in rows:
        hours[datetime.fromtimestamp(int(q) * QUARTER_HOUR, UTC).astimezone(tz).hour] += count
    return tuple(hours)


def _forecast(reader: Reader, scope: _Scope, today: date, horizon: int) -> Forecast:
    end = today + timedelta(days=horizon)
    rows = reader.rows(
        "SELECT s.due, s.buried_until, count(*) FROM card_states s"
        f" WHERE {scope.states.sql} AND s.due < :end AND s.suspended = :no"
        " GROUP BY s.due, s.buried_until",
        scope.states.with_(end=end, no=False),
    )
    due_on = {today + timedelta(days=i): 0 for i in range(horizon)}
    overdue = 0
    for due_value, buried_value, count in rows:
        day = to_date(due_value) or today
        buried_until = to_date(buried_value)
        if buried_until is not None and buried_until > day:
            day = buried_until  # hidden until then
        if day < today:
            overdue += count
            day = today
        if day in due_on:
            due_on[day] += count
    return Forecast(days=tuple(due_on.items()), overdue=overdue)


def ef_bin(ef: int) -> int:
    """Index of the 0.1-wide E-Factor bin of `ef` (hundredths): 0 is [1.3, 1.4)."""
    return max(0, (ef - EF_MIN) // EF_BIN)


_INTERVAL_HIGHS = [high for _, high in INTERVAL_RANGES if high is not None]


def interval_range(interval: int) -> int:
    """Index in INTERVAL_RANGES of an interval in days (0 and below count as 1 day)."""
    return bisect_left(_INTERVAL_HIGHS, interval)


def _cards(
    reader: Reader, scope: _Scope, today: date
) -> tuple[CardCounts, tuple[Bin, ...], tuple[Bin, ...]]:
    """The learner's states of the decks' cards: counts and both histograms.

    Cards without a state row are new. The histograms cover the graded cards (suspended
    and buried ones included: they keep their E-Factor and interval). One pass groups
    the states by E-Factor, interval and suspended (a few thousand groups, streamed in
    the order of migration 0008's index, no sort); each group counts its states, the
    graded ones and the graded ones still learning. The buried cards (few: hidden
    until a later day) are counted by a second query and taken out of the groups'
    new, learning, young and mature counts.
    """
    rows = reader.rows(
        "SELECT s.ef, s.interval, s.suspended, count(*), count(s.due),"
        f" count(CASE WHEN s.n < {LEARNED_REPS} THEN s.due END)"
        f" FROM card_states s WHERE {scope.states.sql}"
        " GROUP BY s.ef, s.interval, s.suspended",
        scope.states.params,
    )
    with_state = n_suspended = n_new = n_learning = n_young = n_mature = 0
    ef_counts: dict[int, int] = {}
    interval_counts = [0] * len(INTERVAL_RANGES)
    for ef, interval, suspended, states, graded, learning in rows:
        with_state += states
        if graded:
            ef_counts[ef_bin(ef)] = ef_counts.get(ef_bin(ef), 0) + graded
            interval_counts[interval_range(interval)] += graded
        if suspended:
            n_suspended += states
            continue
        n_new += states - graded
        n_learning += learning
        if interval < MATURE_INTERVAL:
            n_young += graded - learning
        else:
            n_mature += graded - learning
    buried, buried_graded, buried_learning, buried_young = one(
        reader,
        "SELECT count(*), count(s.due),"
        f" count(CASE WHEN s.n < {LEARNED_REPS} THEN s.due END),"
        f" count(CASE WHEN s.n >= {LEARNED_REPS} AND s.interval < {MATURE_INTERVAL}"
        " THEN s.due END)"
        f" FROM card_states s WHERE {scope.states.sql}"
        " AND s.suspended = :no AND s.buried_until > :today",
        scope.states.with_(no=False, today=today),
    )
    counts = CardCounts(
        new=scope.cards - with_state + n_new - (buried - buried_graded),
        learning=n_learning - buried_learning,
        young=n_young - buried_young,
        mature=n_mature - (buried_graded - buried_learning - buried_young),
        suspended=n_suspended,
        buried=buried,
        retired=scope.retired,
    )
    if not ef_counts:
        return counts, (), ()
    top = max(max(ef_counts), ef_bin(250))  # always show up to the starting E-Factor 2.5
    ef_histogram = tuple(
        Bin(
            low=(EF_MIN + i * EF_BIN) / 100,
            high=(EF_MIN + (i + 1) * EF_BIN) / 100,
            cards=ef_counts.get(i, 0),
        )
        for i in range(top + 1)
    )
    interval_histogram = tuple(
        Bin(low=low, high=high, cards=interval_counts[i])
        for i, (low, high) in enumerate(INTERVAL_RANGES)
    )
    return counts, ef_histogram, interval_histogram


_TROUBLE_COLUMNS = "c.id, c.deck_slug, c.entry_id, c.term, c.direction, t.ef, t.lapses, t.interval"


def _trouble_cards(reader: Reader, states: str, params: Params) -> tuple[TroubleCard, ...]:
    """The cards (with their deck, entry and term) of a small, ordered state subquery `t`."""
    rows = reader.rows(
        f"SELECT {_TROUBLE_COLUMNS} FROM ({states}) t JOIN cards c ON c.id = t.card_id"
        " ORDER BY t.ef, t.lapses DESC, c.id",
        params,
    )
    return tuple(
        TroubleCard(
            card=card_id,
            deck=deck,
            entry=entry,
            term=term,
            direction=direction,
            ef=ef,
            lapses=lapses,
            interval=interval,
        )
        for card_id, deck, entry, term, direction, ef, lapses, interval in rows
    )


def _leeches(reader: Reader, scope: _Scope) -> tuple[TroubleCard, ...]:
    """Cards tagged leech (by the store, at 8 lapses and every 4 more), most lapses first."""
    leeches = _trouble_cards(
        reader,
        "SELECT s.card_id, s.ef, s.lapses, s.interval FROM card_states s"
        f" WHERE {scope.states.sql} AND s.leech",
        scope.states.params,
    )
    return tuple(sorted(leeches, key=lambda card: (-card.lapses, card.ef, card.card)))


def _hardest(reader: Reader, scope: _Scope) -> tuple[TroubleCard, ...]:
    """Entries with the lowest E-Factor, then the most lapses (only below 2.5 or lapsed).

    The graded cards are ranked in SQL (a top-N sort, no grouping); an entry is listed
    once, at its hardest card.
    """
    # A card never graded has E-Factor 2.5 and no lapses: the condition leaves it out too.
    states = (
        "SELECT s.card_id, s.ef, s.lapses, s.interval FROM card_states s"
        f" WHERE {scope.states.sql} AND (s.ef < 250 OR s.lapses > 0)"
        f" ORDER BY s.ef, s.lapses DESC, s.card_id LIMIT {TROUBLE_LIMIT * 2}"
    )
    hardest: dict[tuple[str, str], TroubleCard] = {}
    for card in _trouble_cards(reader, states, scope.states.params):
        if (card.deck, card.entry) not in hardest and len(hardest) < TROUBLE_LIMIT:
            hardest[card.deck, card.entry] = card
    return tuple(hardest.values())


# -- JSON ---------------------------------------------------------------------------------


def _share(value: Share) -> dict[str, Any]:
    share = value.share
    return {
        "answers": value.answers,
        "passed": value.passed,
        "share": None if share is None else round(share, 4),
    }


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _trouble(card: TroubleCard) -> dict[str, Any]:
    return {
        "card": card.card,
        "deck": card.deck,
        "entry": card.entry,
        "term": card.term,
        "direction": card.direction,
        "ef": card.ef / 100,
        "lapses": card.lapses,
        "interval": card.interval,
    }


def stats_to_json(stats: Stats) -> dict[str, Any]:
    """The `trainer stats --json` object (documented in the README, section Statistics)."""
    today = stats.today
    return {
        "learner": stats.learner,
        "decks": list(stats.decks) or None,
        "today": {
            "day": today.day.isoformat(),
            "cards": today.cards,
            "answers": today.answers,
            "passed": today.passed,
            "passed_share": None if today.passed_share is None else round(today.passed_share, 4),
            "learned": today.learned,
            "redrill_answers": today.redrill_answers,
            "redrill_pending": today.redrill_pending,
            "seconds": _seconds(today.seconds),
        },
        "counts": {**asdict(stats.counts), "total": stats.counts.total},
        "forecast": {
            "days": [{"day": day.isoformat(), "due": count} for day, count in stats.forecast.days],
            "overdue": stats.forecast.overdue,
            "total": stats.forecast.total,
            "average": round(stats.forecast.average, 2),
        },
        "calendar": {
            "from": stats.calendar_start.isoformat(),
            "to": today.day.isoformat(),
            "days": {day.isoformat(): count for day, count in stats.calendar.items()},
        },
        "retention": [
            {
                "days": r.days,
                "young": _share(r.young),
                "mature": _share(r.mature),
                "total": _share(r.total),
            }
            for r in stats.retention
        ],
        "streak": {
            "current": stats.streak.current,
            "longest": stats.streak.longest,
            "days_studied": stats.streak.days_studied,
        },
        "ef_histogram": [
            {"from": b.low, "to": b.high, "cards": b.cards} for b in stats.ef_histogram
        ],
        "interval_histogram": [
            {"from": int(b.low), "to": None if b.high is None else int(b.high), "cards": b.cards}
            for b in stats.interval_histogram
        ],
        "period_days": stats.period_days,
        "grades": list(stats.grades),
        "hours": list(stats.hours),
        "timezone": stats.timezone,
        "leeches": [_trouble(card) for card in stats.leeches],
        "hardest": [_trouble(card) for card in stats.hardest],
        "time": {
            "days": stats.time.days,
            "answers": stats.time.answers,
            "seconds": _seconds(stats.time.seconds),
            "average_seconds": _seconds(stats.time.average_seconds),
        },
        "fsrs": fsrs_to_json(stats.fsrs),
    }


__all__ = [
    "Bin",
    "CardCounts",
    "Forecast",
    "Retention",
    "Share",
    "Stats",
    "Streak",
    "TimeStats",
    "TodayStats",
    "TroubleCard",
    "compute_stats",
    "deck_slugs",
    "ef_bin",
    "interval_range",
    "stats_to_json",
    "streak_of",
    "study_streak",
]
