"""The instructor's class report: one row per learner and the entries the class finds hardest.

Plain data from a few aggregate SQL queries over the whole store (portable SQL: SQLite
and PostgreSQL; no clock, no click, no rich). `class_report(engine, today=...,
decks=..., since=...)` returns a `ClassReport`; `report_to_json` gives the
`trainer class report --json` object and `write_csv` the `--csv` file.

Definitions follow `trainer stats` (trainer.progress.stats) and reuse its code:

- answers, study days: answers to cards of the decks on study days from `since`
  (all history without it) up to `today`; a study day has at least one answer.
- current streak: consecutive study days with an answer (any day, not only since
  `since`), ending today or yesterday (`trainer.progress.stats.streak_of`).
- cards seen: cards of the decks (not retired) the learner has graded;
  mature: graded, not suspended, n >= 2 and an interval of 21 days or more.
- true retention: among the first answers of a study day to cards already studied
  (log kind `review`) in the period, the share graded 3 or more.
- overdue: cards due before today, not suspended, not retired, and not buried
  until today or later: the backlog (as in the forecast of `trainer stats`; cards
  due today are not overdue yet).
- last study day: the learner's latest study day with an answer to the decks.

Hardest entries (an entry is one glossary term: its forward and reverse cards
together, over every learner who graded them): the lowest average E-Factor of
the graded cards, the most lapses, and the lowest share of answers graded 3 or
more among the first answers of a study day (log kinds `learn` and `review`; the
re-drill repeats are left out) in the period.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true
from sqlalchemy.engine import Connection, Engine

from trainer.errors import ExportError
from trainer.files import atomic_write, check_replaceable
from trainer.model import LEARNED_REPS, MATURE_INTERVAL, PASS_GRADE
from trainer.printable import spreadsheet_cell
from trainer.progress.readers import EngineReader
from trainer.progress.schedulers import scheduler_names
from trainer.progress.stats import Share, deck_slugs, streak_of
from trainer.progress.store import CardRow, CardStateRow, LearnerRow, ReviewRow

HARDEST_LIMIT = 10  # entries in each hardest list

R = ReviewRow
S = CardStateRow
C = CardRow


@dataclass(frozen=True)
class LearnerReport:
    """One learner's row of the class report."""

    learner: str
    answers: int = 0
    study_days: int = 0
    current_streak: int = 0
    cards_seen: int = 0
    mature: int = 0
    retention: Share = field(
        default_factory=Share
    )  # answers of kind review in the period, passed = graded 3+
    overdue: int = 0
    last_day: date | None = None
    scheduler: str = "sm2"  # the learner's choice (trainer scheduler): "sm2" | "fsrs"


@dataclass(frozen=True)
class HardEntry:
    """An entry (both its cards) over every learner who graded it."""

    deck: str
    entry: str
    term: str
    learners: int  # learners with a graded card of the entry
    ef_sum: int  # hundredths, over the graded cards
    graded: int  # graded cards (learner x card)
    lapses: int
    first_answers: Share = field(
        default_factory=Share
    )  # first answers of a study day in the period

    @property
    def average_ef(self) -> float | None:
        """The average E-Factor of the graded cards (2.5 is the starting value)."""
        return self.ef_sum / self.graded / 100 if self.graded else None


@dataclass(frozen=True)
class ClassReport:
    today: date
    since: date | None
    decks: tuple[str, ...]  # the chosen slugs ((): every active deck)
    cards: int  # cards of the decks that are not retired
    learners: tuple[LearnerReport, ...]  # by name
    lowest_ef: tuple[HardEntry, ...]
    most_lapses: tuple[HardEntry, ...]
    lowest_passed: tuple[HardEntry, ...]
    deck_slugs: tuple[str, ...] = field(default=())  # the decks counted

    @property
    def empty(self) -> bool:
        """No learner has answered a card of the decks."""
        return not any(row.last_day for row in self.learners)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


def class_report(
    bind: Engine | Connection,
    *,
    today: date,
    decks: Sequence[str] = (),
    since: date | None = None,
    limit: int = HARDEST_LIMIT,
) -> ClassReport:
    """The report of every learner in the store for `decks` (all active decks if empty).

    Raises UnknownDeckError for a slug the store does not know.
    """
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return _report(conn, today, decks, since, limit)
    return _report(bind, today, decks, since, limit)


def _report(
    conn: Connection, today: date, decks: Sequence[str], since: date | None, limit: int
) -> ClassReport:
    slugs = deck_slugs(EngineReader(conn), decks)
    deck_cards = select(C.id).where(C.deck_slug.in_(slugs))
    live_cards = select(C.id).where(C.deck_slug.in_(slugs), C.retired == false())
    cards = conn.execute(select(func.count()).select_from(live_cards.subquery())).scalar_one()
    names = dict(conn.execute(select(LearnerRow.id, LearnerRow.name)).all())
    schedulers = scheduler_names(EngineReader(conn))

    in_period: list[ColumnElement[bool]] = [R.day <= today, R.card_id.in_(deck_cards)]
    if since is not None:
        in_period.append(R.day >= since)

    # 1. Answers by learner and study day (the whole history: streaks and last days).
    days: dict[int, list[tuple[date, int, int, int]]] = {}
    for lid, day, answers, reviews, passed in conn.execute(
        select(
            R.learner_id,
            R.day,
            func.count(),
            _count(R.kind == "review"),
            _count(and_(R.kind == "review", R.grade >= PASS_GRADE)),
        )
        .where(R.day <= today, R.card_id.in_(deck_cards))
        .group_by(R.learner_id, R.day)
        .order_by(R.learner_id, R.day)
    ):
        days.setdefault(lid, []).append((day, answers, reviews, passed))

    # 2. Card states by learner: seen, mature, overdue.
    suspended = S.suspended == true()
    states = {
        lid: (seen, mature, overdue)
        for lid, seen, mature, overdue in conn.execute(
            select(
                S.learner_id,
                _count(S.due.is_not(None)),
                _count(
                    and_(
                        S.due.is_not(None),
                        ~suspended,
                        S.n >= LEARNED_REPS,
                        S.interval >= MATURE_INTERVAL,
                    )
                ),
                _count(
                    and_(
                        S.due.is_not(None),
                        S.due < today,
                        ~suspended,
                        or_(S.buried_until.is_(None), S.buried_until < today),
                    )
                ),
            )
            .where(S.card_id.in_(live_cards))
            .group_by(S.learner_id)
        )
    }

    rows = []
    for lid, name in names.items():
        history = days.get(lid, [])
        period = [d for d in history if since is None or d[0] >= since]
        seen, mature, overdue = states.get(lid, (0, 0, 0))
        rows.append(
            LearnerReport(
                learner=name,
                answers=sum(d[1] for d in period),
                study_days=len(period),
                current_streak=streak_of([d[0] for d in history], today).current,
                cards_seen=seen,
                mature=mature,
                retention=Share(sum(d[2] for d in period), sum(d[3] for d in period)),
                overdue=overdue,
                last_day=history[-1][0] if history else None,
                scheduler=schedulers.get(lid, "sm2"),
            )
        )
    rows.sort(key=lambda row: row.learner)

    entries = _entries(conn, slugs, in_period)
    graded = [e for e in entries if e.graded]
    lowest_ef = sorted(
        (e for e in graded if e.ef_sum < 250 * e.graded),
        key=lambda e: (e.ef_sum / e.graded, -e.lapses, e.deck, e.entry),
    )
    most_lapses = sorted(
        (e for e in graded if e.lapses),
        key=lambda e: (-e.lapses, e.ef_sum / e.graded, e.deck, e.entry),
    )
    answered = [e for e in entries if e.first_answers.answers]
    lowest_passed = sorted(
        (e for e in answered if e.first_answers.passed < e.first_answers.answers),
        key=lambda e: (
            e.first_answers.passed / e.first_answers.answers,
            -e.first_answers.answers,
            e.deck,
            e.entry,
        ),
    )
    return ClassReport(
        today=today,
        since=since,
        decks=tuple(decks and slugs),
        cards=cards,
        learners=tuple(rows),
        lowest_ef=tuple(lowest_ef[:limit]),
        most_lapses=tuple(most_lapses[:limit]),
        lowest_passed=tuple(lowest_passed[:limit]),
        deck_slugs=tuple(slugs),
    )


def _entries(
    conn: Connection, slugs: list[str], in_period: list[ColumnElement[bool]]
) -> list[HardEntry]:
    """Every entry of the decks with its graded states and first answers, over all learners."""
    entry_key = (C.deck_slug, C.entry_id)
    graded = S.due.is_not(None)
    state_rows = {
        (deck, entry): (learners, ef_sum, count, lapses)
        for deck, entry, learners, ef_sum, count, lapses in conn.execute(
            select(
                *entry_key,
                func.count(func.distinct(S.learner_id)),
                func.coalesce(func.sum(S.ef), 0),
                func.count(),
                func.coalesce(func.sum(S.lapses), 0),
            )
            .select_from(S.__table__.join(C.__table__, C.id == S.card_id))
            .where(graded, C.deck_slug.in_(slugs), C.retired == false())
            .group_by(*entry_key)
        )
    }
    answer_rows = {
        (deck, entry): (answers, passed)
        for deck, entry, answers, passed in conn.execute(
            select(*entry_key, func.count(), _count(R.grade >= PASS_GRADE))
            .select_from(R.__table__.join(C.__table__, C.id == R.card_id))
            .where(*in_period, R.kind != "redrill", C.retired == false())
            .group_by(*entry_key)
        )
    }
    terms = {
        (deck, entry): term
        for deck, entry, term in conn.execute(
            select(*entry_key, func.min(C.term))
            .where(C.deck_slug.in_(slugs), C.retired == false())
            .group_by(*entry_key)
        )
    }
    out = []
    for key in sorted(set(state_rows) | set(answer_rows)):
        learners, ef_sum, count, lapses = state_rows.get(key, (0, 0, 0, 0))
        answers, passed = answer_rows.get(key, (0, 0))
        out.append(
            HardEntry(
                deck=key[0],
                entry=key[1],
                term=terms.get(key, key[1]),
                learners=int(learners),
                ef_sum=int(ef_sum),
                graded=int(count),
                lapses=int(lapses),
                first_answers=Share(int(answers), int(passed)),
            )
        )
    return out


# -- JSON and CSV -----------------------------------------------------------------------------

CSV_COLUMNS = (
    "learner",
    "answers",
    "study_days",
    "current_streak",
    "cards_seen",
    "cards",
    "mature",
    "review_answers",
    "review_passed",
    "true_retention",
    "overdue",
    "last_study_day",
    "scheduler",
)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def learner_record(row: LearnerReport, cards: int) -> dict[str, Any]:
    """One learner as a flat record: the CSV row and the JSON object have the same keys."""
    return {
        "learner": row.learner,
        "answers": row.answers,
        "study_days": row.study_days,
        "current_streak": row.current_streak,
        "cards_seen": row.cards_seen,
        "cards": cards,
        "mature": row.mature,
        "review_answers": row.retention.answers,
        "review_passed": row.retention.passed,
        "true_retention": _ratio(row.retention.share),
        "overdue": row.overdue,
        "last_study_day": row.last_day.isoformat() if row.last_day else None,
        "scheduler": row.scheduler,
    }


def _entry(entry: HardEntry) -> dict[str, Any]:
    average = entry.average_ef
    return {
        "deck": entry.deck,
        "entry": entry.entry,
        "term": entry.term,
        "learners": entry.learners,
        "average_ef": None if average is None else round(average, 2),
        "lapses": entry.lapses,
        "first_answers": entry.first_answers.answers,
        "passed": entry.first_answers.passed,
        "passed_share": _ratio(entry.first_answers.share),
    }


def report_to_json(report: ClassReport) -> dict[str, Any]:
    """The `trainer class report --json` object (documented in the README, "For classes")."""
    return {
        "today": report.today.isoformat(),
        "since": report.since.isoformat() if report.since else None,
        "decks": list(report.deck_slugs),
        "cards": report.cards,
        "learners": [learner_record(row, report.cards) for row in report.learners],
        "hardest": {
            "lowest_ef": [_entry(e) for e in report.lowest_ef],
            "most_lapses": [_entry(e) for e in report.most_lapses],
            "lowest_passed_share": [_entry(e) for e in report.lowest_passed],
        },
    }


def write_csv(report: ClassReport, path: Path) -> None:
    """One row per learner under a header row, UTF-8 with a byte order mark.

    Text is written as `trainer.printable.spreadsheet_cell` makes it safe: a learner name
    such as `=cmd|' /C calc'!A0` is text in the spreadsheet, not a formula. Only a
    regular file (or a new one) is written: a device or pipe at `path` is refused.

    The mark makes Excel read the names as UTF-8; LibreOffice and Google Sheets
    ignore it. Written to a temporary file in the same folder, then renamed, so the
    file is never half written. Raises ExportError if it cannot be written.
    """
    path = Path(path)
    try:
        check_replaceable(path)
    except OSError as error:
        raise ExportError(
            f"cannot write {path}: {error.strerror}; pass the name of a file"
        ) from None
    try:
        with atomic_write(path, encoding="utf-8-sig", newline="", mode=0o644) as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for row in report.learners:
                record = learner_record(row, report.cards)
                writer.writerow(
                    {k: "" if v is None else spreadsheet_cell(v) for k, v in record.items()}
                )
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from None
