"""Per-day totals of the review log: the `review_days` table (migration 0006_review_days).

One row per learner, study day and deck with the counts `trainer stats` reads for
its calendar, retention, streaks, grades and time, so it reads a few thousand rows
instead of the whole log. The store keeps the table in line with the log in the
same transaction as the log row: `Store.record` adds the answer it logged,
`Store.undo_last` subtracts the answer it deletes (a row whose `answers` falls to
0 is deleted), `Store.rebuild_states` recomputes the learner's rows from the log.
So at any commit the table equals the GROUP BY of the log (`BACKFILL_SQL`).

Columns (every counter is over the answers of that learner, day and deck):

- answers: every logged answer; passed: graded >= 3;
- learned, reviewed, redrilled: answers of kind learn, review, redrill;
- answer_ms: the sum of the answers' times in milliseconds;
- grade_0 .. grade_5: answers by grade;
- young_reviews, young_passed: kind review with interval_before < 21 days (and >= 3);
- mature_reviews, mature_passed: kind review with interval_before >= 21 days (and >= 3).

A light module (no SQLAlchemy import at module level): the SQL is plain text, portable
between SQLite (3.24+ for the upsert) and PostgreSQL, with `:name` parameters that
both SQLAlchemy's `text()` and the stdlib `sqlite3` understand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

TABLE = "review_days"
KEY = ("learner_id", "day", "deck_slug")
PASS_GRADE = 3  # an answer graded 3 or more passed
MATURE_INTERVAL = 21  # days: a review of a card with a longer interval is a mature one
GRADES = range(6)

#: The counter columns, in table order (after the key).
COUNTERS: tuple[str, ...] = (
    "answers",
    "passed",
    "learned",
    "reviewed",
    "redrilled",
    "answer_ms",
    *(f"grade_{grade}" for grade in GRADES),
    "young_reviews",
    "young_passed",
    "mature_reviews",
    "mature_passed",
)


def counts(*, grade: int, kind: str, interval_before: int, answer_ms: int) -> dict[str, int]:
    """What one logged answer adds to its row: every counter of `COUNTERS`."""
    passed = int(grade >= PASS_GRADE)
    review = kind == "review"
    mature = review and interval_before >= MATURE_INTERVAL
    young = review and not mature
    return {
        "answers": 1,
        "passed": passed,
        "learned": int(kind == "learn"),
        "reviewed": int(review),
        "redrilled": int(kind == "redrill"),
        "answer_ms": answer_ms,
        **{f"grade_{g}": int(grade == g) for g in GRADES},
        "young_reviews": int(young),
        "young_passed": int(young) * passed,
        "mature_reviews": int(mature),
        "mature_passed": int(mature) * passed,
    }


def _when(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


_YOUNG = f"r.kind = 'review' AND r.interval_before < {MATURE_INTERVAL}"
_MATURE = f"r.kind = 'review' AND r.interval_before >= {MATURE_INTERVAL}"
_PASSED = f"r.grade >= {PASS_GRADE}"
# The same counters as `counts`, as aggregates over the log `reviews r`.
_SUMS = {
    "answers": "COUNT(*)",
    "passed": _when(_PASSED),
    "learned": _when("r.kind = 'learn'"),
    "reviewed": _when("r.kind = 'review'"),
    "redrilled": _when("r.kind = 'redrill'"),
    "answer_ms": "SUM(r.answer_ms)",
    **{f"grade_{g}": _when(f"r.grade = {g}") for g in GRADES},
    "young_reviews": _when(_YOUNG),
    "young_passed": _when(f"{_YOUNG} AND {_PASSED}"),
    "mature_reviews": _when(_MATURE),
    "mature_passed": _when(f"{_MATURE} AND {_PASSED}"),
}
_COLUMNS = ", ".join((*KEY, *COUNTERS))


def _backfill(where: str) -> str:
    return (
        f"INSERT INTO {TABLE} ({_COLUMNS}) "
        f"SELECT r.learner_id, r.day, c.deck_slug, {', '.join(_SUMS[n] for n in COUNTERS)} "
        f"FROM reviews r JOIN cards c ON c.id = r.card_id{where} "
        "GROUP BY r.learner_id, r.day, c.deck_slug"
    )


#: Every learner's rows from the log, into an empty table (no parameters).
BACKFILL_SQL = _backfill("")
#: One learner's rows from the log (`:learner_id`), once that learner's rows are deleted.
LEARNER_BACKFILL_SQL = _backfill(" WHERE r.learner_id = :learner_id")
#: Delete one learner's rows (`:learner_id`).
DELETE_LEARNER_SQL = f"DELETE FROM {TABLE} WHERE learner_id = :learner_id"

# The row of an answer: its learner, day and the deck of its card (`:card_id`).
_ROW = (
    "learner_id = :learner_id AND day = :day "
    "AND deck_slug = (SELECT c.deck_slug FROM cards c WHERE c.id = :card_id)"
)

#: Add one answer (`:learner_id`, `:day`, `:card_id` and every counter of `counts`).
ADD_SQL = (
    f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (:learner_id, :day, "
    "(SELECT c.deck_slug FROM cards c WHERE c.id = :card_id), "
    f"{', '.join(':' + n for n in COUNTERS)}) "
    f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
    + ", ".join(f"{n} = {TABLE}.{n} + excluded.{n}" for n in COUNTERS)
)
#: Subtract one answer (the same parameters as `ADD_SQL`); then run `DELETE_EMPTY_SQL`.
SUBTRACT_SQL = (
    f"UPDATE {TABLE} SET " + ", ".join(f"{n} = {n} - :{n}" for n in COUNTERS) + f" WHERE {_ROW}"
)
#: Delete the answer's row if no answer is left in it (`:learner_id`, `:day`, `:card_id`).
DELETE_EMPTY_SQL = f"DELETE FROM {TABLE} WHERE {_ROW} AND answers <= 0"


def backfill_review_days(conn: Connection, learner_id: int | None = None) -> int:
    """Fill `review_days` from the log, for every learner or one; returns the rows written.

    The rows it writes must not exist yet: call it on an empty table, or after
    deleting the learner's rows (`DELETE_LEARNER_SQL`), in the same transaction.
    """
    from sqlalchemy import text

    if learner_id is None:
        result = conn.execute(text(BACKFILL_SQL))
    else:
        result = conn.execute(text(LEARNER_BACKFILL_SQL), {"learner_id": learner_id})
    return int(result.rowcount)
