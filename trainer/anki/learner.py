"""A learner's progress as the Anki export and import read it: plain SQL on a `Reader`.

`trainer.progress.readers.Reader` runs the same SQL on SQLite (the standard library) and
PostgreSQL; values come back as the database gives them (`to_date`, `to_datetime`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from trainer.anki.export import note_guid
from trainer.anki.mapping import EASE_SQL, REVLOG_KIND_SQL, CardProgress, LoggedAnswer
from trainer.model import CardState
from trainer.progress.readers import Reader, learner_id, scalar, to_date


def to_datetime(value: datetime | str) -> datetime:
    """A timestamp column's value as an aware UTC datetime (SQLite gives naive UTC text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class LearnerProgress:
    """A learner's states and log for some decks' cards."""

    cards: dict[str, CardProgress]  # card id -> progress (the decks' cards with a state row)
    answers: list[LoggedAnswer]  # every answer of the learner, in log order
    first_day: date | None = None  # the study day of the first answer


def _state(row: Sequence[Any]) -> CardState:
    n, ef, interval, due, lapses, stability, difficulty = row
    return CardState(
        n=n,
        ef=ef,
        interval=interval,
        due=to_date(due),
        lapses=lapses,
        stability=stability,
        difficulty=difficulty,
    )


def epoch_ms_sql(dialect: str, column: str = "at") -> str:
    """SQL for a timestamp column as whole ms since the epoch (rounded down).

    SQLite keeps `at` as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's format, with
    six digits always): the seconds from strftime, the ms from the text. PostgreSQL's
    EXTRACT(epoch ...) of a timestamptz is absolute, with a fraction.
    """
    if dialect == "sqlite":
        return (
            f"CAST(strftime('%s', {column}) AS INTEGER) * 1000"
            f" + CAST(substr({column}, 21, 3) AS INTEGER)"
        )
    return f"CAST(floor(EXTRACT(epoch FROM {column}) * 1000) AS BIGINT)"


def read_progress(reader: Reader, learner: str, decks: Sequence[str]) -> LearnerProgress:
    """The learner's card states for the cards of `decks`, and every logged answer."""
    lid = learner_id(reader, learner)
    if lid is None or not decks:
        return LearnerProgress({}, [])
    params = {"learner_id": lid}
    prefixes = tuple(f"{slug}/" for slug in decks)
    cards: dict[str, CardProgress] = {}
    # Every row of the learner, filtered here by the card id's deck prefix: cheaper than
    # a join with cards for a million rows.
    for card_id, *state, suspended, buried, leech in reader.rows(
        "SELECT card_id, n, ef, interval, due, lapses, stability, difficulty, suspended,"
        " buried_until, leech FROM card_states WHERE learner_id = :learner_id",
        params,
    ):
        if card_id.startswith(prefixes):
            cards[card_id] = CardProgress(
                state=_state(state),
                suspended=bool(suspended),
                buried_until=to_date(buried),
                leech=bool(leech),
            )
    # Every answer of the learner: the export keeps those to the cards it writes.
    answers: list[LoggedAnswer] = reader.rows(
        f"SELECT card_id, {epoch_ms_sql(reader.dialect)}, {EASE_SQL}, interval_after,"
        f" interval_before, ef_after * 10, answer_ms, {REVLOG_KIND_SQL}"
        " FROM reviews WHERE learner_id = :learner_id",
        params,
    )
    first = to_date(
        scalar(reader, "SELECT min(day) FROM reviews WHERE learner_id = :learner_id", params)
    )
    return LearnerProgress(cards, answers, first)


def note_guids(reader: Reader) -> dict[str, tuple[str, str]]:
    """The note GUID of every entry that has cards in the store -> (deck slug, entry id)."""
    return {
        note_guid(slug, entry_id): (slug, entry_id)
        for slug, entry_id in reader.rows("SELECT DISTINCT deck_slug, entry_id FROM cards")
    }


def logged_answers(reader: Reader, learner: str) -> dict[str, list[tuple[int, int]]]:
    """The learner's logged answers: card id -> (time in ms, Anki's button) of each."""
    lid = learner_id(reader, learner)
    logged: dict[str, list[tuple[int, int]]] = {}
    if lid is None:
        return logged
    for card_id, at_ms, ease in reader.rows(
        f"SELECT card_id, {epoch_ms_sql(reader.dialect)}, {EASE_SQL}"
        " FROM reviews WHERE learner_id = :learner_id",
        {"learner_id": lid},
    ):
        logged.setdefault(card_id, []).append((at_ms, ease))
    return logged
