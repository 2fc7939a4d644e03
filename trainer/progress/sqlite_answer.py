"""The usual answer on SQLite, straight on the sqlite3 connection: five statements, one commit.

`Store.record` builds its statements with SQLAlchemy Core; on the benchmark store that
cost about 1 ms of CPU an answer (statement objects, cache keys, compilation lookups,
the result layer), several times the SQL itself. For the usual answer (the card's state
is still the one the session read, or a new card has no state row yet) the same rows
are written here with cached SQL text: BEGIN IMMEDIATE, the compare-and-set UPDATE of
the card's state (or its INSERT), the log row, the per-day totals, COMMIT. Anything else
(another session changed the card meanwhile: the answer must be rebased) rolls back,
having written nothing, and `record` takes its general path.

The values are the ones `Store.record` writes (its `_state_values`, `_review_values`,
`_review_day_values`), bound as SQLAlchemy stores them on SQLite: dates as ISO text,
times as naive UTC `YYYY-MM-DD HH:MM:SS.ffffff`, booleans as 0/1.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from trainer.model import CardState
from trainer.progress import reviewdays
from trainer.progress.states import state_values


def _bind(value: Any) -> Any:
    """A value as SQLAlchemy binds it on SQLite (UTCDateTime, Date, Boolean)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        moment = value.astimezone(UTC)
        return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond:06d}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _quoted(names: tuple[str, ...]) -> list[str]:
    return [f'"{name}"' for name in names]


@lru_cache(maxsize=16)
def _update_sql(columns: tuple[str, ...], compared: tuple[str, ...]) -> str:
    sets = ", ".join(f"{name} = ?" for name in _quoted(columns))
    same = " AND ".join(f"{name} IS ?" for name in _quoted(compared))  # IS: NULL-safe
    return f"UPDATE card_states SET {sets} WHERE learner_id = ? AND card_id = ? AND {same}"


@lru_cache(maxsize=16)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(_quoted(columns))
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"


_HAS_STATE = "SELECT 1 FROM card_states WHERE learner_id = ? AND card_id = ?"


def record(
    db: sqlite3.Connection,
    *,
    learner_id: int,
    card_id: str,
    before: CardState,
    state: Mapping[str, Any],
    log: Mapping[str, Any],
    day_totals: Mapping[str, Any],
) -> int | None:
    """Write one answer in one committed transaction; its log id, or None (rolled back,
    nothing written) when the card's state is no longer `before`."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if before == CardState():
            if db.execute(_HAS_STATE, (learner_id, card_id)).fetchone() is not None:
                db.execute("ROLLBACK")
                return None
            row = {
                "learner_id": learner_id,
                "card_id": card_id,
                "buried_until": None,
                "suspended": False,
                "leech": False,
                **state,
            }
            columns = tuple(row)
            db.execute(_insert_sql("card_states", columns), [_bind(v) for v in row.values()])
        else:
            compared = state_values(before)  # the compare-and-set: the state is still `before`
            params = [_bind(v) for v in state.values()]
            params += [learner_id, card_id, *(_bind(v) for v in compared.values())]
            if db.execute(_update_sql(tuple(state), tuple(compared)), params).rowcount != 1:
                db.execute("ROLLBACK")
                return None
        cursor = db.execute(_insert_sql("reviews", tuple(log)), [_bind(v) for v in log.values()])
        review_id = cursor.lastrowid
        db.execute(reviewdays.ADD_SQL, {k: _bind(v) for k, v in day_totals.items()})
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    assert review_id is not None
    return review_id
