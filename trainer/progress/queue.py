"""The inputs of a study day's queue, in plain SQL over a `trainer.progress.readers.Reader`.

`trainer.progress.store.Store` answers its queue methods with these functions (through an
`EngineReader` on its connection), and `trainer status` reads them through the
stdlib-only `SQLiteReader` of a fresh store, so it never imports SQLAlchemy.
`QueueReader` wraps a reader with the read methods `trainer.session` asks a store for.

What the queue is made of (learner `lid`, study day `day`; only cards that are not
retired, of active decks, not suspended and not buried after `day`):

- `redrill_cards`: the cards in the learner's re-drill of `day`, in deck order;
- `due_cards`: graded cards due on or before `day`, most overdue first, then deck order;
- `new_cards`: cards the learner has never graded, in deck order then card order;
- `done_today`, `entries_studied`: what the learner answered on `day` (limits, siblings).

The SQL is written for the indexes of migration 0007_queue_index, and in the shape
SQLite needs to use them: the due query names `due IS NOT NULL AND NOT suspended`
literally (SQLite uses a partial index only when the query's WHERE implies the index's
WHERE term by term) and reads the states from that covering index in due order.
`new_cards` skips, without scanning them, the decks whose every card the learner has
graded: `deck_sizes` and `deck_progress` are counters that triggers keep in line with
`cards` and `card_states` (see trainer.progress.migrations).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from trainer.model import (
    Card,
    DayCounts,
    DeckInfo,
    Direction,
    ReviewKind,
    StudyCard,
)
from trainer.progress.readers import Reader, in_params, learner_id, scalar, to_date
from trainer.progress.states import state_of, state_sql

CARD_COLUMNS = "c.id, c.deck_slug, c.entry_id, c.direction, c.front, c.back, c.term, c.ord"
STATE_COLUMNS = state_sql("s")


def deck_infos(reader: Reader, *, include_inactive: bool = False) -> list[DeckInfo]:
    """Decks in deck order, with their count of cards that are not retired (`deck_sizes`)."""
    where = "" if include_inactive else " WHERE d.active"
    rows = reader.rows(
        "SELECT d.slug, d.title, d.description, d.anki_deck_id, d.bundled, d.path, d.active,"
        " d.position, z.live FROM decks d"
        f" LEFT JOIN deck_sizes z ON z.deck_slug = d.slug{where}"
        " ORDER BY d.position, d.slug"
    )
    return [
        DeckInfo(
            slug=slug,
            title=title,
            description=description,
            anki_deck_id=int(anki_deck_id),
            bundled=bool(bundled),
            path=Path(path) if path else None,
            active=bool(active),
            position=position,
            cards=int(live or 0),
        )
        for slug, title, description, anki_deck_id, bundled, path, active, position, live in rows
    ]


def _deck_filter(column: str, slugs: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """` AND <column> IN (...)` for the chosen decks; nothing for every active deck."""
    if not slugs:
        return "", {}
    if len(slugs) == 1:
        return f" AND {column} = :deck", {"deck": slugs[0]}
    marks, params = in_params("deck", slugs)
    return f" AND {column} IN ({marks})", params


def _study_cards(rows: Sequence[Sequence[Any]]) -> list[StudyCard]:
    """Rows of CARD_COLUMNS then STATE_COLUMNS (state columns NULL: a new card)."""
    directions = {direction.value: direction for direction in Direction}
    days: dict[Any, date | None] = {}  # a queue has few distinct due days

    def day(value: Any) -> date | None:
        if value not in days:
            days[value] = to_date(value)
        return days[value]

    out = []
    for card_id, deck, entry, direction, front, back, term, ord_, *state in rows:
        card = Card(
            id=card_id,
            deck=deck,
            entry=entry,
            direction=directions[direction],
            front=front,
            back=back,
            term=term,
            ord=ord_,
        )
        out.append(StudyCard(card=card, state=state_of(state, day=day)))
    return out


def redrill_cards(reader: Reader, lid: int, decks: Sequence[str], day: date) -> list[StudyCard]:
    """Cards in the learner's re-drill of `day` (graded below 4, not yet 4+ again)."""
    where, params = _deck_filter("c.deck_slug", decks)
    sql = (
        f"SELECT {CARD_COLUMNS}, {STATE_COLUMNS}"
        " FROM card_states s"
        " JOIN cards c ON c.id = s.card_id"
        " JOIN decks d ON d.slug = c.deck_slug"
        " WHERE s.learner_id = :lid AND s.redrill_day = :day AND NOT s.suspended"
        " AND (s.buried_until IS NULL OR s.buried_until <= :day)"
        f" AND NOT c.retired AND d.active{where}"
        " ORDER BY d.position, c.ord, c.id"
    )
    rows = reader.rows(sql, {"lid": lid, "day": day, **params})
    return _study_cards(rows)


def due_cards(
    reader: Reader, lid: int, decks: Sequence[str], day: date, limit: int | None = None
) -> list[StudyCard]:
    """Graded cards due on or before `day`: most overdue first, then deck order.

    The states come from the partial covering index (learner, due, ...) WHERE due IS
    NOT NULL AND NOT suspended, in due order, so SQLite stops reading once `limit`
    cards and the rest of their due day are sorted; each needs one card lookup.
    """
    where, params = _deck_filter("c.deck_slug", decks)
    limit_sql = "" if limit is None else " LIMIT :limit"
    sql = (
        f"SELECT {CARD_COLUMNS}, {STATE_COLUMNS}"
        " FROM card_states s"
        " JOIN cards c ON c.id = s.card_id"
        " JOIN decks d ON d.slug = c.deck_slug"
        " WHERE s.learner_id = :lid AND s.due IS NOT NULL AND NOT s.suspended"
        " AND s.due <= :day AND (s.buried_until IS NULL OR s.buried_until <= :day)"
        f" AND NOT c.retired AND d.active{where}"
        f" ORDER BY s.due, d.position, c.ord, c.id{limit_sql}"
    )
    values: dict[str, Any] = {"lid": lid, "day": day, **params}
    if limit is not None:
        values["limit"] = limit
    return _study_cards(reader.rows(sql, values))


def _decks_with_new_cards(reader: Reader, lid: int | None, decks: Sequence[str]) -> list[str]:
    """Active decks in deck order, but those whose every card the learner has graded.

    `deck_sizes.cards` counts every card of a deck (retired ones too) and
    `deck_progress.graded` the learner's graded states of them: equal counts mean no
    new card is left. A deck without counters is kept (its cards are then read).
    """
    where, params = _deck_filter("d.slug", decks)
    rows = reader.rows(
        "SELECT d.slug, z.cards, p.graded FROM decks d"
        " LEFT JOIN deck_sizes z ON z.deck_slug = d.slug"
        " LEFT JOIN deck_progress p ON p.deck_slug = d.slug AND p.learner_id = :lid"
        f" WHERE d.active{where}"
        " ORDER BY d.position, d.slug",
        {"lid": lid or 0, **params},
    )
    return [
        slug
        for slug, cards, graded in rows
        if cards is None or graded is None or int(graded) < int(cards)
    ]


def new_cards(
    reader: Reader, lid: int | None, decks: Sequence[str], day: date, limit: int | None = None
) -> list[StudyCard]:
    """Cards the learner has never graded, in deck order then card order.

    Asked deck by deck (the (deck, ord) index stops at `limit` cards), skipping the
    decks the learner has finished without reading them. `lid` None: a learner who
    has not started, for whom every card is new.
    """
    out: list[StudyCard] = []
    for slug in _decks_with_new_cards(reader, lid, decks):
        if limit is not None and len(out) >= limit:
            break
        limit_sql = "" if limit is None else " LIMIT :limit"
        sql = (
            f"SELECT {CARD_COLUMNS}, {STATE_COLUMNS}"
            " FROM cards c"
            " LEFT JOIN card_states s ON s.card_id = c.id AND s.learner_id = :lid"
            " WHERE c.deck_slug = :slug AND NOT c.retired AND s.due IS NULL"
            " AND (s.suspended IS NULL OR NOT s.suspended)"
            " AND (s.buried_until IS NULL OR s.buried_until <= :day)"
            f" ORDER BY c.ord, c.id{limit_sql}"
        )
        values: dict[str, Any] = {"lid": lid or 0, "slug": slug, "day": day}
        if limit is not None:
            values["limit"] = limit - len(out)
        out += _study_cards(reader.rows(sql, values))
    return out


def done_today(reader: Reader, lid: int, day: date) -> DayCounts:
    """How many answers of each kind the learner logged on study day `day`."""
    rows = reader.rows(
        "SELECT kind, COUNT(*) FROM reviews WHERE learner_id = :lid AND day = :day GROUP BY kind",
        {"lid": lid, "day": day},
    )
    counts = {kind: int(count) for kind, count in rows}
    return DayCounts(
        new=counts.get(ReviewKind.LEARN.value, 0),
        reviews=counts.get(ReviewKind.REVIEW.value, 0),
        redrills=counts.get(ReviewKind.REDRILL.value, 0),
    )


def entries_studied(reader: Reader, lid: int, day: date) -> set[tuple[str, str]]:
    """(deck, entry) pairs the learner answered on `day`, for burying sibling cards.

    Read from the card ids alone (slug/entry/direction; slugs and entry ids hold no
    "/"), so the day's answers need no card lookups.
    """
    rows = reader.rows(  # no DISTINCT: SQLite would walk (learner, card) over the whole log
        "SELECT card_id FROM reviews WHERE learner_id = :lid AND day = :day",
        {"lid": lid, "day": day},
    )
    pairs = (str(card_id).split("/") for (card_id,) in set(rows))
    return {(parts[0], parts[1]) for parts in pairs}


def next_due(reader: Reader, lid: int, decks: Sequence[str], day: date) -> date | None:
    """The first study day after `day` on which one of the learner's cards comes up.

    A buried card comes up on the later of its due day and the end of its burial. Two
    reads: the first card due after `day` not buried past its due day (a walk of the
    due index that stops at the first row), and the cards buried past their due day
    and past `day` (few: the index holds buried_until, so only they are joined).
    """
    where, params = _deck_filter("c.deck_slug", decks)
    joins = (
        " FROM card_states s"
        " JOIN cards c ON c.id = s.card_id"
        " JOIN decks d ON d.slug = c.deck_slug"
        " WHERE s.learner_id = :lid AND s.due IS NOT NULL AND NOT s.suspended"
        f" AND NOT c.retired AND d.active{where}"
    )
    values = {"lid": lid, "day": day, **params}
    due = scalar(
        reader,
        f"SELECT s.due{joins} AND s.due > :day"
        " AND (s.buried_until IS NULL OR s.buried_until <= s.due)"
        " ORDER BY s.due LIMIT 1",
        values,
    )
    buried = scalar(
        reader,
        f"SELECT MIN(s.buried_until){joins} AND s.buried_until > s.due AND s.buried_until > :day",
        values,
    )
    found = [value for value in (to_date(due), to_date(buried)) if value is not None]
    return min(found) if found else None


class QueueReader:
    """The read methods of a store that `trainer.session` builds a queue from, on a Reader.

    `trainer status` plans the day through it without `trainer.progress.store`; `Store`'s queue
    methods use it on their own connection. A learner who never answered has no cards
    in the re-drill, none due, and every card new.
    """

    def __init__(self, reader: Reader, *, ids: dict[str, int] | None = None) -> None:
        self.reader = reader
        self._ids = {} if ids is None else ids  # learner ids found (`Store` shares its own)

    def learner_id(self, learner: str) -> int | None:
        """The learner's id; None (looked up again next time) for one who never answered."""
        if learner not in self._ids:
            found = learner_id(self.reader, learner)
            if found is None:
                return None
            self._ids[learner] = found
        return self._ids[learner]

    def redrill_cards(self, learner: str, decks: Sequence[str], day: date) -> list[StudyCard]:
        lid = self.learner_id(learner)
        return [] if lid is None else redrill_cards(self.reader, lid, decks, day)

    def due_cards(
        self, learner: str, decks: Sequence[str], day: date, limit: int | None = None
    ) -> list[StudyCard]:
        lid = self.learner_id(learner)
        return [] if lid is None else due_cards(self.reader, lid, decks, day, limit)

    def new_cards(
        self, learner: str, decks: Sequence[str], day: date, limit: int | None = None
    ) -> list[StudyCard]:
        return new_cards(self.reader, self.learner_id(learner), decks, day, limit)

    def done_today(self, learner: str, day: date) -> DayCounts:
        lid = self.learner_id(learner)
        return DayCounts() if lid is None else done_today(self.reader, lid, day)

    def entries_studied(self, learner: str, day: date) -> set[tuple[str, str]]:
        lid = self.learner_id(learner)
        return set() if lid is None else entries_studied(self.reader, lid, day)
