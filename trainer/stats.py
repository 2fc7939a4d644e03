"""Progress statistics as plain data, from a few aggregate SQL queries (pure: no clock, no I/O
beyond the queries; no click, no rich).

`compute_stats(engine, learner=..., decks=..., today=..., tz=...)` returns a `Stats` value;
`stats_to_json(stats)` gives the documented `trainer stats --json` object.

Every query on the review log filters by learner and study-day range (the index
`reviews(learner_id, day)`), groups in SQL and returns at most a few thousand rows:

1. study days ever answered: a recursive "skip scan" (the next `MIN(day)` after the
   previous one), one index seek per study day instead of reading every row;
2. the calendar: the last 365 days `GROUP BY day`, read from the index alone;
3. retention: the `review` answers of the last 365 days `GROUP BY day`;
4. the period (the last `days` days): `GROUP BY grade, quarter hour` for grades,
   hours and time;
5. today: cards, answers, passes, time, re-drills;
6. the cards: totals `GROUP BY deck, retired`; then the learner's card_states alone
   (cards of other decks and retired ones left out by a short id list, or an
   `IN (subquery)` when there are many): the counts in one pass of `COUNT(CASE ...)`,
   `GROUP BY ef` and `GROUP BY` interval range for the histograms, `GROUP BY due`
   for the forecast, the leeches, and the hardest cards (a top-N sort).

On SQLite the store's connections keep a 16 MB page cache, and migration
0005 gives these queries covering indexes (reviews by learner, kind and day; card_states
by learner with every column they read), so retention and every card_states query read
an index only. The period query still reads the log rows of its days (time and hour).

Answers by hour of the day are in the learner's local time. The log keeps UTC
instants, and the UTC offset of a zone changes with daylight saving time, so a UTC
hour cannot be mapped to one local hour. The period query groups by the UTC
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

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    case,
    cast,
    extract,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection, Engine

from trainer.errors import UnknownDeckError
from trainer.store import CardRow, CardStateRow, DeckRow, LearnerRow, ReviewRow

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
class Streak:
    current: int = 0  # consecutive study days ending today or yesterday
    longest: int = 0
    longest_end: date | None = None  # last day of the longest streak (the latest if tied)
    days_studied: int = 0  # study days with at least one answer, ever
    first_day: date | None = None


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

    @property
    def empty(self) -> bool:
        """No answers at all (for the chosen decks): the CLI says what to do instead."""
        return self.streak.days_studied == 0

    @property
    def calendar_start(self) -> date:
        return self.today.day - timedelta(days=self.calendar_days - 1)


# -- queries ------------------------------------------------------------------------------

R = ReviewRow
S = CardStateRow
C = CardRow


def _quarter_hour(dialect: str) -> ColumnElement[int]:
    """The UTC quarter hour since the epoch of an answer, as an integer (portable SQL).

    SQLAlchemy compiles `extract('epoch', ...)` to `strftime('%s', ...)` (an integer) on
    SQLite and to `EXTRACT(epoch FROM ...)` (a fraction, absolute for timestamptz) on
    PostgreSQL, where it is floored first.
    """
    epoch: ColumnElement[Any] = extract("epoch", R.at)
    if dialect != "sqlite":
        epoch = func.floor(epoch)
    return cast(epoch, BigInteger) // QUARTER_HOUR


def _deck_slugs(conn: Connection, decks: Sequence[str]) -> list[str]:
    """The chosen slugs, checked; all active decks when none are chosen."""
    rows = conn.execute(select(DeckRow.slug, DeckRow.active).order_by(DeckRow.position)).all()
    active = [slug for slug, is_active in rows if is_active]
    if not decks:
        return active
    known = {slug for slug, _ in rows}
    for slug in decks:
        if slug not in known:
            raise UnknownDeckError(slug, active)
    return list(dict.fromkeys(decks))


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


def compute_stats(
    bind: Engine | Connection,
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
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return _compute(conn, learner, today, tz, decks, days, forecast_days)
    return _compute(bind, learner, today, tz, decks, days, forecast_days)


def _compute(
    conn: Connection,
    learner: str,
    today: date,
    tz: tzinfo,
    decks: Sequence[str],
    days: int,
    forecast_days: int,
) -> Stats:
    slugs = _deck_slugs(conn, decks)
    lid = conn.execute(select(LearnerRow.id).where(LearnerRow.name == learner)).scalar()
    learner_id = -1 if lid is None else int(lid)  # an unknown learner has no rows: all new
    # Without --deck the history is every answer of the learner (no join needed).
    review_filter: list[ColumnElement[bool]] = [R.learner_id == learner_id]
    if decks:
        review_filter.append(R.card_id.in_(select(C.id).where(C.deck_slug.in_(slugs))))
    scope = _scope(conn, learner_id, slugs)
    calendar_start = today - timedelta(days=CALENDAR_DAYS - 1)
    grades, hours, period_time = _period(conn, review_filter, today, days, tz)
    counts, ef_histogram, interval_histogram = _cards(conn, scope, today)
    return Stats(
        learner=learner,
        decks=tuple(decks and slugs),
        today=_today(conn, review_filter, scope, today),
        counts=counts,
        forecast=_forecast(conn, scope, today, forecast_days),
        calendar=_calendar(conn, review_filter, today, calendar_start),
        retention=_retention(conn, review_filter, today),
        streak=_streak(conn, review_filter, today),
        ef_histogram=ef_histogram,
        interval_histogram=interval_histogram,
        period_days=days,
        grades=grades,
        hours=hours,
        leeches=_leeches(conn, scope),
        hardest=_hardest(conn, scope),
        time=TimeStats(days=days, answers=period_time[0], seconds=period_time[1]),
        timezone=str(tz),
    )


@dataclass(frozen=True)
class _Scope:
    """Which card states count, and the cards of the chosen decks."""

    states: list[ColumnElement[bool]]  # WHERE clauses on card_states
    cards: int  # cards of the decks that are not retired
    retired: int  # retired cards of the decks


EXCLUDE_LIMIT = 1000  # up to this many excluded cards are listed; beyond, a subquery


def _scope(conn: Connection, learner_id: int, slugs: list[str]) -> _Scope:
    """The state rows of the decks' cards that are not retired, without a join where possible.

    Usually every card is in a chosen deck and active, so the state queries read
    card_states alone; a short list of excluded card ids (retired cards, cards of other
    or removed decks) is cheap to leave out, a long one becomes an `IN (subquery)`.
    """
    inside = C.deck_slug.in_(slugs)
    chosen = set(slugs)
    totals: dict[tuple[bool, bool], int] = {}
    for slug, retired, count in conn.execute(
        select(C.deck_slug, C.retired, func.count()).group_by(C.deck_slug, C.retired)
    ):
        key = (slug in chosen, bool(retired))
        totals[key] = totals.get(key, 0) + count
    cards = totals.get((True, False), 0)
    states: list[ColumnElement[bool]] = [S.learner_id == learner_id]
    if sum(totals.values()) > cards:
        excluded = (
            conn.execute(
                select(C.id).where(or_(~inside, C.retired == true())).limit(EXCLUDE_LIMIT + 1)
            )
            .scalars()
            .all()
        )
        if len(excluded) > EXCLUDE_LIMIT:
            states.append(S.card_id.in_(select(C.id).where(inside, C.retired == false())))
        else:
            states.append(S.card_id.not_in(excluded))
    return _Scope(states=states, cards=cards, retired=totals.get((True, True), 0))


def _today(
    conn: Connection, review_filter: list[ColumnElement[bool]], scope: _Scope, today: date
) -> TodayStats:
    row = conn.execute(
        select(
            func.count(func.distinct(R.card_id)),
            func.count(),
            _count(R.grade >= 3),
            _count(R.kind == "learn"),
            _count(R.kind == "redrill"),
            func.coalesce(func.sum(R.answer_ms), 0),
        ).where(*review_filter, R.day == today)
    ).one()
    pending = conn.execute(
        select(func.count()).select_from(S).where(*scope.states, S.redrill_day == today)
    ).scalar_one()
    return TodayStats(
        day=today,
        cards=row[0],
        answers=row[1],
        passed=row[2],
        learned=row[3],
        redrill_answers=row[4],
        redrill_pending=pending,
        seconds=row[5] / 1000,
    )


def _calendar(
    conn: Connection, review_filter: list[ColumnElement[bool]], today: date, start: date
) -> dict[date, int]:
    """Answers per study day from `start` to `today` (only the (learner, day) index is read)."""
    rows = conn.execute(
        select(R.day, func.count())
        .where(*review_filter, R.day >= start, R.day <= today)
        .group_by(R.day)
        .order_by(R.day)
    ).all()
    return {day: count for day, count in rows}


def _retention(
    conn: Connection, review_filter: list[ColumnElement[bool]], today: date
) -> tuple[Retention, ...]:
    """True retention over each window, from the review answers of the longest one by day."""
    mature = R.interval_before >= MATURE_INTERVAL
    passed = R.grade >= 3
    longest = max(RETENTION_WINDOWS)
    rows = conn.execute(
        select(R.day, func.count(), _count(mature), _count(passed), _count(and_(mature, passed)))
        .where(
            *review_filter,
            R.kind == "review",
            R.day > today - timedelta(days=longest),
            R.day <= today,
        )
        .group_by(R.day)
    ).all()
    windows = {n: [0, 0, 0, 0] for n in RETENTION_WINDOWS}
    for day, answers, mature_answers, passes, mature_passes in rows:
        age = (today - day).days
        for n, sums in windows.items():
            if age < n:
                sums[0] += answers - mature_answers
                sums[1] += passes - mature_passes
                sums[2] += mature_answers
                sums[3] += mature_passes
    return tuple(
        Retention(days=n, young=Share(s[0], s[1]), mature=Share(s[2], s[3]))
        for n, s in windows.items()
    )


def _period(
    conn: Connection,
    review_filter: list[ColumnElement[bool]],
    today: date,
    days: int,
    tz: tzinfo,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, float]]:
    """Grades, local hours and time over the last `days` study days."""
    quarter = _quarter_hour(conn.dialect.name).label("quarter")
    rows = conn.execute(
        select(R.grade, quarter, func.count(), func.coalesce(func.sum(R.answer_ms), 0))
        .where(*review_filter, R.day > today - timedelta(days=days), R.day <= today)
        .group_by(R.grade, quarter)
    ).all()
    grades = [0] * 6
    hours = [0] * 24
    local_hour: dict[int, int] = {}
    answers, ms = 0, 0
    for grade, q, count, q_ms in rows:
        if 0 <= grade <= 5:
            grades[grade] += count
        hour = local_hour.get(q)
        if hour is None:
            hour = datetime.fromtimestamp(int(q) * QUARTER_HOUR, UTC).astimezone(tz).hour
            local_hour[q] = hour
        hours[hour] += count
        answers += count
        ms += q_ms
    return tuple(grades), tuple(hours), (answers, ms / 1000)


def _streak(conn: Connection, review_filter: list[ColumnElement[bool]], today: date) -> Streak:
    """Every study day with an answer, by a recursive skip scan over the (learner, day) index."""
    first = select(func.min(R.day).label("day")).where(*review_filter)
    study_days = first.cte("study_days", recursive=True)
    following = (
        select(func.min(R.day)).where(*review_filter, R.day > study_days.c.day).scalar_subquery()
    )
    study_days = study_days.union_all(select(following).where(study_days.c.day.is_not(None)))
    found = [
        day
        for day in conn.execute(
            select(study_days.c.day).where(study_days.c.day.is_not(None))
        ).scalars()
        if day <= today
    ]
    return streak_of(found, today)


def streak_of(study_days: Sequence[date], today: date) -> Streak:
    """Current and longest runs of consecutive days in sorted `study_days` (pure)."""
    if not study_days:
        return Streak()
    longest, longest_end, run = 0, study_days[0], 0
    previous: date | None = None
    for day in study_days:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        if run >= longest:
            longest, longest_end = run, day
        previous = day
    last = study_days[-1]
    current = run if (today - last).days <= 1 else 0
    return Streak(
        current=current,
        longest=longest,
        longest_end=longest_end,
        days_studied=len(study_days),
        first_day=study_days[0],
    )


def _forecast(conn: Connection, scope: _Scope, today: date, horizon: int) -> Forecast:
    end = today + timedelta(days=horizon)
    rows = conn.execute(
        select(S.due, S.buried_until, func.count())
        .where(*scope.states, S.due < end, S.suspended == false())
        .group_by(S.due, S.buried_until)
    ).all()
    due_on = {today + timedelta(days=i): 0 for i in range(horizon)}
    overdue = 0
    for due, buried_until, count in rows:
        day: date = due if due is not None else today
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


def interval_range(interval: int) -> int:
    """Index in INTERVAL_RANGES of an interval in days (0 and below count as 1 day)."""
    for i, (_, high) in enumerate(INTERVAL_RANGES):
        if high is None or interval <= high:
            return i
    return len(INTERVAL_RANGES) - 1


def _interval_case() -> ColumnElement[int]:
    """Index in INTERVAL_RANGES of a card's interval, in SQL."""
    whens = [
        (S.interval <= high, i) for i, (_, high) in enumerate(INTERVAL_RANGES) if high is not None
    ]
    return case(*whens, else_=len(INTERVAL_RANGES) - 1)


def _cards(
    conn: Connection, scope: _Scope, today: date
) -> tuple[CardCounts, tuple[Bin, ...], tuple[Bin, ...]]:
    """The learner's states of the decks' cards: counts and both histograms.

    Cards without a state row are new. The histograms cover the graded cards (suspended
    and buried ones included: they keep their E-Factor and interval). Three simple
    aggregates over card_states are cheaper than one GROUP BY over all the keys.
    """
    suspended = S.suspended == true()
    buried = and_(~suspended, S.buried_until > today)
    shown = and_(~suspended, or_(S.buried_until.is_(None), S.buried_until <= today))
    graded = S.due.is_not(None)
    row = conn.execute(
        select(
            func.count(),
            _count(suspended),
            _count(buried),
            _count(and_(shown, S.due.is_(None))),
            _count(and_(shown, graded, S.n < LEARNED_REPS)),
            _count(and_(shown, graded, S.n >= LEARNED_REPS, S.interval < MATURE_INTERVAL)),
            _count(and_(shown, graded, S.n >= LEARNED_REPS, S.interval >= MATURE_INTERVAL)),
        ).where(*scope.states)
    ).one()
    with_state, n_suspended, n_buried, n_new, n_learning, n_young, n_mature = row
    counts = CardCounts(
        new=scope.cards - with_state + n_new,
        learning=n_learning,
        young=n_young,
        mature=n_mature,
        suspended=n_suspended,
        buried=n_buried,
        retired=scope.retired,
    )
    ef_rows = conn.execute(select(S.ef, _count(graded)).where(*scope.states).group_by(S.ef)).all()
    ef_counts: dict[int, int] = {}
    for ef, count in ef_rows:
        if count:
            ef_counts[ef_bin(ef)] = ef_counts.get(ef_bin(ef), 0) + count
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
    interval = _interval_case().label("interval_range")
    interval_counts = [0] * len(INTERVAL_RANGES)
    for index, count in conn.execute(
        select(interval, _count(graded)).where(*scope.states).group_by(interval)
    ):
        interval_counts[index] += count
    interval_histogram = tuple(
        Bin(low=low, high=high, cards=interval_counts[i])
        for i, (low, high) in enumerate(INTERVAL_RANGES)
    )
    return counts, ef_histogram, interval_histogram


def _trouble_cards(conn: Connection, states: Any) -> tuple[TroubleCard, ...]:
    """The cards (with their deck, entry and term) of a small, ordered state subquery."""
    rows = conn.execute(
        select(
            C.id,
            C.deck_slug,
            C.entry_id,
            C.term,
            C.direction,
            states.c.ef,
            states.c.lapses,
            states.c.interval,
        )
        .join(C, C.id == states.c.card_id)
        .order_by(states.c.ef, states.c.lapses.desc(), C.id)
    ).all()
    return tuple(
        TroubleCard(
            card=row.id,
            deck=row.deck_slug,
            entry=row.entry_id,
            term=row.term,
            direction=row.direction,
            ef=row.ef,
            lapses=row.lapses,
            interval=row.interval,
        )
        for row in rows
    )


def _leeches(conn: Connection, scope: _Scope) -> tuple[TroubleCard, ...]:
    """Cards tagged leech (by the store, at 8 lapses and every 4 more), most lapses first."""
    states = (
        select(S.card_id, S.ef, S.lapses, S.interval)
        .where(*scope.states, S.leech == true())
        .subquery()
    )
    leeches = _trouble_cards(conn, states)
    return tuple(sorted(leeches, key=lambda card: (-card.lapses, card.ef, card.card)))


def _hardest(conn: Connection, scope: _Scope) -> tuple[TroubleCard, ...]:
    """Entries with the lowest E-Factor, then the most lapses (only below 2.5 or lapsed).

    The graded cards are ranked in SQL (a top-N sort, no grouping); an entry is listed
    once, at its hardest card.
    """
    states = (
        select(S.card_id, S.ef, S.lapses, S.interval)
        # A card never graded has E-Factor 2.5 and no lapses: this leaves it out too
        # (and keeps SQLite off the due index, which is slower here than a plain scan).
        .where(*scope.states, or_(S.ef < 250, S.lapses > 0))
        .order_by(S.ef, S.lapses.desc(), S.card_id)
        .limit(TROUBLE_LIMIT * 2)
        .subquery()
    )
    hardest: dict[tuple[str, str], TroubleCard] = {}
    for card in _trouble_cards(conn, states):
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
    "ef_bin",
    "interval_range",
    "stats_to_json",
    "streak_of",
]
