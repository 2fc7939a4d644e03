"""Anki's review history of trainer's cards, read from a package, and what the log lacks.

Pure of click and rich; reads the package through `trainer.anki.package`. Trainer's cards
are found the way Anki itself matches notes on import (by GUID,
rslib/src/import_export/package/apkg/import/notes.rs): a note whose GUID is
`trainer.anki.export.note_guid(deck slug, entry id)` of a card in the store, and whose
card's template is named `Forward` or `Reverse` (the note type's template at the card's
`ord`). Every other note is counted by its note type and skipped; notes of Anki's stock
"Basic" and "Basic (and reversed card)" types are kept aside for `trainer.anki.asdeck`.

An answer is a revlog row of one of those cards with a button (`ease`) 1-4; rows with
`ease` 0 are Anki's manual reschedules, not answers, and are left out. Its time is the
row's id (ms since the epoch), its grade Again 1, Hard 3, Good 4, Easy 5, its answer time
`time` (ms). A row with a button outside 0-4, a negative time or one over an hour, or a
time before 2006 (Anki's first release) or in the future is refused: the package is then
not read at all.

Already in the log: an answer to the same card whose logged time is within a second of
the Anki row's and whose grade maps to the same button (trainer's export writes the
answer's time in ms, moved on by a few ms only when two answers share a millisecond).
Each logged answer stands for at most one Anki row.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from trainer.anki.mapping import EASE_EASY, epoch_ms, trainer_grade
from trainer.anki.package import (
    Notetype,
    NotetypeKind,
    PackageVersion,
    Progress,
    notetypes,
    open_collection,
)
from trainer.errors import AnkiPackageError
from trainer.model import Direction, TimedAnswer

#: Template names of trainer's note type, by the direction of the card they make.
TEMPLATE_DIRECTIONS = {"Forward": Direction.FORWARD, "Reverse": Direction.REVERSE}
#: Anki's stock note types whose notes can become a deck (their names in English; Anki
#: adds "-" and a suffix when it imports a changed copy of one: "Basic-1a2b3").
BASIC_NAMES = ("Basic", "Basic (and reversed card)")
MAX_ANSWER_MS = 3_600_000  # Anki caps the answer time at 1 hour at most (deck options)
MIN_REVLOG_MS = int(datetime(2006, 1, 1, tzinfo=UTC).timestamp() * 1000)
SAME_ANSWER_MS = 1000  # a logged answer within this of an Anki row is that row


class AnkiAnswer(NamedTuple):
    """One answer of Anki's review log to one of trainer's cards (a tuple: a million)."""

    card_id: str
    at_ms: int  # the revlog id: ms since the epoch
    ease: int  # 1-4
    answer_ms: int


@dataclass(frozen=True)
class BasicNote:
    """A note of Anki's Basic types: its first two fields (HTML) and its deck's name."""

    front: str
    back: str
    deck: str


@dataclass
class PackageHistory:
    """What a package holds for trainer."""

    version: PackageVersion
    notes: int = 0  # notes of trainer's cards
    cards: int = 0  # trainer's cards found
    answers: list[AnkiAnswer] = field(default_factory=list)  # oldest first
    skipped: dict[str, int] = field(default_factory=dict)  # other notes by note type name
    basic: list[BasicNote] = field(default_factory=list)

    @property
    def skipped_notes(self) -> int:
        return sum(self.skipped.values())


def is_basic(notetype: Notetype) -> bool:
    """Anki's Basic or Basic (and reversed card) note type (or a renamed import copy)."""
    if notetype.kind is not NotetypeKind.NORMAL or len(notetype.fields) < 2:
        return False
    return any(
        notetype.name == name or notetype.name.startswith(name + "-") for name in BASIC_NAMES
    )


def read_history(
    path: Path,
    guids: Mapping[str, tuple[str, str]],
    *,
    now: datetime,
    keep_basic: bool = False,
    max_bytes: int | None = None,
    on_progress: Progress | None = None,
) -> PackageHistory:
    """The answers to trainer's cards in the package at `path`.

    `guids` maps each note GUID of trainer's cards to its (deck slug, entry id); `now`
    bounds the answers' times. With `keep_basic`, the Basic notes are kept too.
    """
    with open_collection(path, max_bytes=max_bytes, on_progress=on_progress) as (version, conn):
        try:
            return _read(path, conn, version, guids, now=now, keep_basic=keep_basic)
        except sqlite3.DatabaseError as error:
            raise AnkiPackageError(
                path, f"its collection cannot be read ({error}); export it again"
            ) from None


def _read(
    path: Path,
    conn: sqlite3.Connection,
    version: PackageVersion,
    guids: Mapping[str, tuple[str, str]],
    *,
    now: datetime,
    keep_basic: bool,
) -> PackageHistory:
    history = PackageHistory(version=version)
    types = notetypes(path, conn)
    ours: dict[int, tuple[str, str, Notetype]] = {}  # note id -> slug, entry id, type
    basic_notes: dict[int, tuple[str, str]] = {}
    for nid, guid, mid, flds in conn.execute("SELECT id, guid, mid, flds FROM notes"):
        notetype = types.get(mid)
        found = guids.get(guid)
        if found is not None and notetype is not None:
            ours[nid] = (found[0], found[1], notetype)
            continue
        name = notetype.name if notetype is not None else "(a missing note type)"
        history.skipped[name] = history.skipped.get(name, 0) + 1
        if keep_basic and notetype is not None and is_basic(notetype):
            fields = str(flds).split("\x1f")
            basic_notes[nid] = (fields[0], fields[1] if len(fields) > 1 else "")
    history.notes = len(ours)
    card_ids: dict[int, str] = {}
    note_deck: dict[int, int] = {}
    for cid, nid, ord_, did in conn.execute("SELECT id, nid, ord, did FROM cards"):
        if nid in basic_notes:
            note_deck.setdefault(nid, did)
        mine = ours.get(nid)
        if mine is None:
            continue
        slug, entry_id, notetype = mine
        template = notetype.templates[ord_] if 0 <= ord_ < len(notetype.templates) else None
        direction = TEMPLATE_DIRECTIONS.get(template or "")
        if direction is not None:
            card_ids[cid] = f"{slug}/{entry_id}/{direction.value}"
    history.cards = len(card_ids)
    if basic_notes:
        names = _deck_names(conn)
        history.basic = [
            BasicNote(front, back, names.get(note_deck.get(nid, -1), ""))
            for nid, (front, back) in basic_notes.items()
        ]
    if card_ids:
        history.answers = _answers(path, conn, card_ids, now=now)
    return history


def _deck_names(conn: sqlite3.Connection) -> dict[int, str]:
    """Deck id -> name (schema 15+: the decks table; before: col.decks JSON)."""
    import json

    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decks'"
    ).fetchone()
    if has_table:
        return {
            did: str(name).replace("\x1f", "::")
            for did, name in conn.execute("SELECT id, name FROM decks")
        }
    (decks_json,) = conn.execute("SELECT decks FROM col").fetchone()
    try:
        decks = json.loads(decks_json or "{}")
        return {int(key): str(deck.get("name", "")) for key, deck in decks.items()}
    except (ValueError, AttributeError, TypeError):
        return {}


def _answers(
    path: Path, conn: sqlite3.Connection, card_ids: Mapping[int, str], *, now: datetime
) -> list[AnkiAnswer]:
    latest = epoch_ms(now + timedelta(days=1))
    answers: list[AnkiAnswer] = []
    rows = conn.execute("SELECT id, cid, ease, time FROM revlog ORDER BY id")
    for revlog_id, cid, ease, taken in rows:
        card_id = card_ids.get(cid)
        if card_id is None:
            continue
        if not isinstance(ease, int) or not 0 <= ease <= EASE_EASY:
            raise AnkiPackageError(
                path,
                f"its review log has answer button {ease!r} (row {revlog_id}); Anki's are "
                "1-4: the package is damaged, export it again",
            )
        if not isinstance(taken, int) or not 0 <= taken <= MAX_ANSWER_MS:
            raise AnkiPackageError(
                path,
                f"its review log has an answer time of {taken!r} ms (row {revlog_id}); "
                f"trainer takes 0-{MAX_ANSWER_MS} ms: the package is damaged, export it again",
            )
        if not isinstance(revlog_id, int) or not MIN_REVLOG_MS <= revlog_id <= latest:
            raise AnkiPackageError(
                path,
                f"its review log has an answer dated {_describe_ms(revlog_id)} (row "
                f"{revlog_id}), before 2006 or in the future: check the clock of the device "
                "it came from, or export it again",
            )
        if ease == 0:
            continue  # a manual reschedule, not an answer
        answers.append(AnkiAnswer(card_id, revlog_id, ease, taken))
    return answers


def _describe_ms(value: object) -> str:
    if isinstance(value, int):
        try:
            return datetime.fromtimestamp(value / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
        except (OverflowError, OSError, ValueError):
            pass
    return repr(value)


Logged = Mapping[str, Iterable[tuple[int, int]]]
"""A learner's logged answers: card id -> (time in ms, Anki's button) of each."""


def unseen(answers: Iterable[AnkiAnswer], logged: Logged) -> list[TimedAnswer]:
    """The answers that the log does not have yet (see the module docstring), as answers
    to merge: Anki's time, trainer's grade for the button, Anki's answer time."""
    by_card: dict[str, tuple[list[int], list[int], list[bool]]] = {}
    missing: list[TimedAnswer] = []
    for answer in answers:
        found = by_card.get(answer.card_id)
        if found is None and answer.card_id in logged:
            pairs = sorted(logged[answer.card_id])
            found = ([ms for ms, _ in pairs], [e for _, e in pairs], [False] * len(pairs))
            by_card[answer.card_id] = found
        if found is None or not _claim(found, answer.at_ms, answer.ease):
            at = _EPOCH + timedelta(milliseconds=answer.at_ms)
            missing.append(
                TimedAnswer(answer.card_id, at, trainer_grade(answer.ease), answer.answer_ms)
            )
    return missing


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _claim(found: tuple[list[int], list[int], list[bool]], ms: int, ease: int) -> bool:
    """Mark the nearest unclaimed logged answer with this button within SAME_ANSWER_MS."""
    times, eases, used = found
    if not times:
        return False
    start = bisect.bisect_left(times, ms - SAME_ANSWER_MS)
    best: int | None = None
    for index in range(start, len(times)):
        if times[index] > ms + SAME_ANSWER_MS:
            break
        if used[index] or eases[index] != ease:
            continue
        if best is None or abs(times[index] - ms) < abs(times[best] - ms):
            best = index
    if best is None:
        return False
    used[best] = True
    return True
