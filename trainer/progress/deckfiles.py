"""Deck files as the store records them: what a sync reads, and when a file needs no read.

Shared by the deck sync (`trainer.progress.sync`, which writes) and the fast read path
(`trainer.progress.readers.fresh_sqlite_reader`, which must know that a sync would write
nothing): the freshness rule and the registered-decks query are written here once.
Plain Python: no SQLAlchemy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The files of the active registered (non-bundled) decks, in registration (deck) order.
REGISTERED_SQL = (
    "SELECT path FROM decks WHERE NOT bundled AND active AND path IS NOT NULL"
    " ORDER BY position, slug"
)


@dataclass(frozen=True)
class DeckSource:
    """A deck file to sync: bundled with trainer, or registered by the learner."""

    path: Path
    bundled: bool


@dataclass(frozen=True)
class SyncReport:
    """What a deck sync did."""

    unchanged: tuple[str, ...] = ()  # slugs skipped: same content hash, not parsed
    updated: tuple[str, ...] = ()  # slugs parsed and written (new or changed)
    added_cards: int = 0
    updated_cards: int = 0
    retired_cards: int = 0
    restored_cards: int = 0  # retired cards whose entry came back
    problems: tuple[str, ...] = ()  # one line per file that could not be synced


def file_unchanged(
    *,
    active: bool,
    content_hash: str | None,
    size: int | None,
    mtime_ns: int | None,
    stat: os.stat_result,
) -> bool:
    """Whether a deck file is the one last synced, without reading it: an active deck with
    a content hash whose file still has the recorded size and modification time (in ns),
    as make and rsync judge it (touch a file to force a re-read)."""
    return bool(active and content_hash) and (size, mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def in_place(
    *, position: int, bundled: bool, was_position: int | None, was_bundled: bool | None
) -> bool:
    """Whether an unchanged deck keeps its recorded place (deck order, bundled or not)."""
    return (position, bundled) == (was_position, was_bundled)
