"""A card's scheduling state as the store keeps it: columns <-> `CardState`, written once.

`card_states` holds the fields of STATE_FIELDS, the review log holds them twice (suffixes
`_before` and `_after`). The store's writes and every reader (queue, browse) convert through
these functions, so a scheduler with more state adds its columns here and in a migration.
Plain Python: no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from trainer.model import CardState
from trainer.progress.readers import to_date

#: The CardState fields that are columns of card_states (and of reviews, twice), in order.
STATE_FIELDS: tuple[str, ...] = ("n", "ef", "interval", "due", "lapses", "stability", "difficulty")
BEFORE, AFTER = "_before", "_after"  # the review log's column suffixes


def state_sql(alias: str) -> str:
    """The state columns for a SELECT list, quoted ("interval" is a PostgreSQL keyword)."""
    return ", ".join(f'{alias}."{name}"' for name in STATE_FIELDS)


def state_of(values: Sequence[Any], *, day: Callable[[Any], date | None] = to_date) -> CardState:
    """The CardState of STATE_FIELDS' values in order; all NULL (no row) is a card never graded.

    `day` turns the `due` column into a date (SQLite gives text; `to_date` by default).
    """
    fields = dict(zip(STATE_FIELDS, values, strict=True))
    if fields["n"] is None:
        return CardState()
    fields["due"] = day(fields["due"])
    return CardState(**fields)


def state_values(state: CardState, suffix: str = "") -> dict[str, Any]:
    """The columns of `state` and their values, named with `suffix` (BEFORE, AFTER or none)."""
    return {name + suffix: getattr(state, name) for name in STATE_FIELDS}


def logged_state(row: Any, suffix: str) -> CardState:
    """The state before or after (`suffix`) an answer, from a row of the review log."""
    return state_of([getattr(row, name + suffix) for name in STATE_FIELDS])
