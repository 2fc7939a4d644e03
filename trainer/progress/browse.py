"""The card browser's reads: cards of the active decks with one learner's progress.

Plain SQL on a `Reader` (trainer.progress.readers), so `trainer cards` on a SQLite store imports
no SQLAlchemy. Filters, order and the limit are SQL: the cards are read deck by deck
in deck order, each deck along its (deck, ord) index, so the first hundred cards of a
100,000-card store cost a few index pages instead of reading and sorting every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from trainer.model import LEARNED_REPS, CardListing, Direction
from trainer.progress.readers import Reader, learner_id, scalar
from trainer.progress.states import state_of, state_sql

#: The states of `trainer cards --state`, in the order the summary lists them.
STATES = ("new", "learning", "review", "suspended", "retired")

# learning: graded, fewer than LEARNED_REPS successful repetitions in a row; review: more.
STATE_SQL = (
    "CASE WHEN c.retired THEN 'retired' WHEN s.suspended THEN 'suspended'"
    f" WHEN s.due IS NULL THEN 'new' WHEN s.n < {LEARNED_REPS} THEN 'learning' ELSE 'review' END"
)
JOIN_STATES = "LEFT JOIN card_states s ON s.card_id = c.id AND s.learner_id = :learner_id"
COLUMNS = (
    "c.id, c.deck_slug, c.entry_id, c.term, c.direction, c.front, c.back, "
    f"{STATE_SQL}, {state_sql('s')}, s.leech"
)


def active_decks(reader: Reader) -> list[str]:
    """The slugs of the active decks, in deck order."""
    return [
        slug for (slug,) in reader.rows("SELECT slug FROM decks WHERE active ORDER BY position")
    ]


@dataclass(frozen=True)
class CardFilter:
    """Which cards to list; the default is every card of the active decks.

    `decks`: only these; `due_on`: only cards due on or before that study day
    (without `state`, not suspended or retired ones: those are in no queue);
    `state`: one of STATES; `search`: case-insensitive text in the id, term, front
    or back; `leeches`: only cards tagged as leeches.
    """

    decks: Sequence[str] = ()
    due_on: date | None = None
    state: str | None = None
    search: str | None = None
    leeches: bool = False


#: The largest integer SQLite and PostgreSQL (bigint) take.
SQL_INTEGER_MAX = 2**63 - 1


def list_cards(
    reader: Reader, learner: str, which: CardFilter, *, limit: int | None = None
) -> list[CardListing]:
    """The first `limit` cards (all if None) that pass the filter, in deck and card order.

    A limit beyond what an SQL integer holds (2**63 - 1) is no limit: no store has
    that many cards, and the database could not take the number.
    """
    if limit is not None and limit > SQL_INTEGER_MAX:
        limit = None
    where, params, _ = _conditions(which)
    params["learner_id"] = _learner_id(reader, learner)
    sql = (
        f"SELECT {COLUMNS} FROM cards c {JOIN_STATES} WHERE c.deck_slug = :deck{where}"
        " ORDER BY c.ord" + (" LIMIT :limit" if limit is not None else "")
    )
    rows: list[tuple[Any, ...]] = []
    for slug in _chosen(reader, which.decks):
        if limit is not None:
            if len(rows) >= limit:
                break
            params["limit"] = limit - len(rows)
        rows += reader.rows(sql, {**params, "deck": slug})
    return [_listing(row) for row in rows]


def count_cards(reader: Reader, learner: str, which: CardFilter) -> int:
    """How many cards `list_cards` gives without a limit (one aggregate query)."""
    where, params, needs_states = _conditions(which)
    chosen = _chosen(reader, which.decks)
    if not chosen:
        return 0
    slugs = {f"deck_{i}": slug for i, slug in enumerate(chosen)}
    params.update(slugs)
    joined = "cards c"
    if needs_states:
        joined += " " + JOIN_STATES
        params["learner_id"] = _learner_id(reader, learner)
    in_list = ", ".join(f":{key}" for key in slugs)
    sql = f"SELECT count(*) FROM {joined} WHERE c.deck_slug IN ({in_list}){where}"
    return int(scalar(reader, sql, params))


def _chosen(reader: Reader, decks: Sequence[str]) -> list[str]:
    """The decks to read, in deck order: the active ones among `decks`, or all active ones."""
    active = active_decks(reader)
    wanted = set(decks)
    return [slug for slug in active if slug in wanted] if wanted else active


def _conditions(which: CardFilter) -> tuple[str, dict[str, Any], bool]:
    """The filter as " AND ..." SQL, its parameters, and whether it reads card_states."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if which.due_on is not None:
        where.append("s.due <= :due_on")
        params["due_on"] = which.due_on
        if which.state is None:  # suspended and retired cards are in no queue
            where.append("NOT c.retired AND NOT s.suspended")
    if which.state is not None:
        where.append(f"{STATE_SQL} = :state")
        params["state"] = which.state
    if which.leeches:
        where.append("s.leech")
    needs_states = bool(where)
    if which.search:
        params["pattern"] = "%" + _escape_like(which.search.lower()) + "%"
        names = ("c.id", "c.term", "c.front", "c.back")
        where.append(
            "(" + " OR ".join(f"lower({name}) LIKE :pattern ESCAPE '\\'" for name in names) + ")"
        )
    return "".join(f" AND {condition}" for condition in where), params, needs_states


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _learner_id(reader: Reader, learner: str) -> int:
    """The learner's id; -1 for an unknown learner (no progress: every card new)."""
    found = learner_id(reader, learner)
    return -1 if found is None else found


def _listing(row: tuple[Any, ...]) -> CardListing:
    card_id, deck, entry, term, direction, front, back, state_name, *values, leech = row
    state = state_of(values)  # all NULL for a card the learner never graded
    return CardListing(
        id=card_id,
        deck=deck,
        entry=entry,
        term=term,
        direction=Direction(direction),
        state=state_name,
        reps=state.n,
        ef=state.ef,
        interval=state.interval,
        due=state.due,
        lapses=state.lapses,
        leech=bool(leech),
        front=front,
        back=back,
    )
