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
from trainer.anki.mapping import CardProgress, LoggedAnswer
from trainer.model import CardState, ReviewKind
from trainer.progress.readers import Reader, in_params, learner_id, to_date


def to_datetime(value: datetime | str) -> datetime:
    """A timestamp column's value as an aware UTC datetime (SQLite gives naive UTC text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class LearnerProgress:
    """A learner's states and log for some decks' cards."""

    cards: dict[str, CardProgress]  # card id -> progress (cards with a state row)
    answers: list[LoggedAnswer]  # in log order
    first_day: date | None = None  # the study day of the first answer


def _state(row: Sequence[Any]) -> CardState:
    n, ef, interval, due, lapses = row
    return CardState(n=n, ef=ef, interval=interval, due=to_date(due), lapses=lapses)


def read_progress(reader: Reader, learner: str, decks: Sequence[str]) -> LearnerProgress:
    """The learner's card states and logged answers for the cards of `decks`."""
    lid = learner_id(reader, learner)
    if lid is None or not decks:
        return LearnerProgress({}, [])
    placeholders, params = in_params("deck", decks)
    params = {**params, "learner_id": lid}
    cards: dict[str, CardProgress] = {}
    for card_id, n, ef, interval, due, lapses, suspended, buried, leech in reader.rows(
        "SELECT s.card_id, s.n, s.ef, s.interval, s.due, s.lapses, s.suspended,"
        " s.buried_until, s.leech FROM card_states s JOIN cards c ON c.id = s.card_id"
        f" WHERE s.learner_id = :learner_id AND c.deck_slug IN ({placeholders})",
        params,
    ):
        cards[card_id] = CardProgress(
            state=_state((n, ef, interval, due, lapses)),
            suspended=bool(suspended),
            buried_until=to_date(buried),
            leech=bool(leech),
        )
    answers: list[LoggedAnswer] = []
    first: date | None = None
    for row in reader.rows(
        "SELECT r.card_id, r.at, r.day, r.grade, r.kind, r.n_before, r.lapses_before,"
        " r.interval_before, r.interval_after, r.ef_after, r.answer_ms"
        " FROM reviews r JOIN cards c ON c.id = r.card_id"
        f" WHERE r.learner_id = :learner_id AND c.deck_slug IN ({placeholders})"
        " ORDER BY r.id",
        params,
    ):
        card_id, at, day, grade, kind, n_before, lapses_before, ivl_before, ivl_after = row[:9]
        ef_after, answer_ms = row[9:]
        answers.append(
            LoggedAnswer(
                card_id=card_id,
                at=to_datetime(at),
                grade=int(grade),
                kind=ReviewKind(kind),
                n_before=n_before,
                lapses_before=lapses_before,
                interval_before=ivl_before,
                interval_after=ivl_after,
                ef_after=ef_after,
                answer_ms=answer_ms,
            )
        )
        answer_day = to_date(day)
        if answer_day is not None and (first is None or answer_day < first):
            first = answer_day
    return LearnerProgress(cards, answers, first)


def note_guids(reader: Reader) -> dict[str, tuple[str, str]]:
    """The note GUID of every entry that has cards in the store -> (deck slug, entry id)."""
    return {
        note_guid(slug, entry_id): (slug, entry_id)
        for slug, entry_id in reader.rows("SELECT DISTINCT deck_slug, entry_id FROM cards")
    }


def logged_answers(reader: Reader, learner: str) -> dict[str, list[tuple[datetime, int]]]:
    """The learner's logged answers: card id -> (time, grade) of each."""
    lid = learner_id(reader, learner)
    logged: dict[str, list[tuple[datetime, int]]] = {}
    if lid is None:
        return logged
    for card_id, at, grade in reader.rows(
        "SELECT card_id, at, grade FROM reviews WHERE learner_id = :learner_id",
        {"learner_id": lid},
    ):
        logged.setdefault(card_id, []).append((to_datetime(at), int(grade)))
    return logged
