"""Deck sync: the store's decks and cards brought in line with deck files, and the
learner's own deck files registered or removed (writes, with the store's locks).

`Store.sync_decks`, `register_deck` and `remove_deck` call these. When a file needs no
read is `trainer.progress.deckfiles`' rule, which the fast read path shares.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, true, update
from sqlalchemy.engine import Connection

from trainer.errors import StoreError
from trainer.model import Deck
from trainer.progress.deckfiles import DeckSource, SyncReport, file_unchanged, in_place
from trainer.progress.store import CARD_COLUMNS, CARDS, DECKS

if TYPE_CHECKING:
    from trainer.progress.store import Store


def _unchanged(known: Any, stat: os.stat_result) -> bool:
    """`deckfiles.file_unchanged` for a decks row."""
    return file_unchanged(
        active=known.active,
        content_hash=known.content_hash,
        size=known.file_size,
        mtime_ns=known.file_mtime_ns,
        stat=stat,
    )


def sync_decks(store: Store, files: Sequence[DeckSource]) -> SyncReport:
    """Bring the store's decks and cards in line with deck files, cheaply.

    A file whose size and modification time (in ns) are those recorded at the
    last sync is skipped without reading it, as make and rsync do (touch a file
    to force a re-read); otherwise its bytes are hashed, and a file whose hash
    matches the one stored for its path is skipped without parsing. A new or
    changed file is parsed and
    its cards written: new entries get new cards, edited ones keep their id
    and so their progress, cards whose entry left the file are retired (and
    come back with their progress if it returns). Deck position follows the
    order of `files`. A file that cannot be read or parsed is reported in
    `problems` and its deck left as it was. Bundled decks no longer among the
    bundled files are deactivated.
    """
    from trainer.decks.format import file_hash, parse_deck_bytes, read_file_bytes
    from trainer.errors import DeckFormatError

    unchanged: list[str] = []
    updated: list[str] = []
    problems: list[str] = []
    totals = {"added": 0, "updated": 0, "retired": 0, "restored": 0}
    with store._read() as conn:
        rows = {
            row.path: row
            for row in conn.execute(
                select(
                    DECKS.c.slug,
                    DECKS.c.path,
                    DECKS.c.content_hash,
                    DECKS.c.position,
                    DECKS.c.active,
                    DECKS.c.bundled,
                    DECKS.c.file_size,
                    DECKS.c.file_mtime_ns,
                )
            )
            if row.path is not None
        }
    seen_slugs: dict[str, Path] = {}
    for position, source in enumerate(files):
        key = str(source.path)
        known = rows.get(key)
        try:
            stat = source.path.stat()
            if known is not None and _unchanged(known, stat):
                data = None  # unchanged: not even read
            else:
                data = read_file_bytes(source.path)  # as `deck check` reads it
        except (OSError, DeckFormatError) as error:
            problems.append(
                str(error)
                if isinstance(error, DeckFormatError)
                else f"{source.path}: cannot read the deck file: {error.strerror}"
            )
            if key in rows:  # keep the deck as it was
                seen_slugs.setdefault(rows[key].slug, source.path)
            continue
        digest = (
            known.content_hash if data is None and known is not None else file_hash(data or b"")
        )
        if known is not None and known.content_hash == digest and known.active:
            unchanged.append(known.slug)
            seen_slugs[known.slug] = source.path
            placed = in_place(
                position=position,
                bundled=source.bundled,
                was_position=known.position,
                was_bundled=known.bundled,
            )
            if not (placed and _unchanged(known, stat)):
                with store._write() as conn:
                    conn.execute(
                        update(DECKS)
                        .where(DECKS.c.slug == known.slug)
                        .values(
                            position=position,
                            bundled=source.bundled,
                            file_size=stat.st_size,
                            file_mtime_ns=stat.st_mtime_ns,
                        )
                    )
            continue
        try:
            deck = parse_deck_bytes(data or b"", source.path)  # the bytes hashed
        except DeckFormatError as error:
            problems.append(str(error))
            if known is not None:  # keep the deck as it was
                seen_slugs.setdefault(known.slug, source.path)
            continue
        if deck.slug in seen_slugs:
            problems.append(
                f"{source.path}: deck slug {deck.slug!r} is already used by "
                f"{seen_slugs[deck.slug]}; give this deck another slug"
            )
            continue
        seen_slugs[deck.slug] = source.path
        with store._write() as conn:
            counts = _write_deck(
                store, conn, deck, source=source, digest=digest, position=position, stat=stat
            )
        for name, count in counts.items():
            totals[name] += count
        updated.append(deck.slug)
    if any(source.bundled for source in files):
        with store._write() as conn:
            conn.execute(
                update(DECKS)
                .where(
                    DECKS.c.bundled == true(),
                    DECKS.c.active == true(),
                    DECKS.c.slug.not_in(list(seen_slugs)),
                )
                .values(active=False)
            )
    return SyncReport(
        unchanged=tuple(unchanged),
        updated=tuple(updated),
        added_cards=totals["added"],
        updated_cards=totals["updated"],
        retired_cards=totals["retired"],
        restored_cards=totals["restored"],
        problems=tuple(problems),
    )


def _write_deck(
    store: Store,
    conn: Connection,
    deck: Deck,
    *,
    source: DeckSource,
    digest: str,
    position: int,
    stat: os.stat_result | None = None,
) -> dict[str, int]:
    from trainer.decks.cards import cards_for_deck

    store._lock(conn)  # PostgreSQL: one deck writer at a time
    deck_values = {
        "title": deck.title,
        "description": deck.description,
        "anki_deck_id": deck.anki_deck_id,
        "bundled": source.bundled,
        "path": str(source.path),
        "active": True,
        "content_hash": digest,
        "position": position,
        # Recorded only after a successful read: the next sync may then skip the file.
        "file_size": stat.st_size if stat is not None else None,
        "file_mtime_ns": stat.st_mtime_ns if stat is not None else None,
    }
    found = conn.execute(
        update(DECKS).where(DECKS.c.slug == deck.slug).values(**deck_values)
    ).rowcount
    if not found:
        conn.execute(insert(DECKS).values(slug=deck.slug, **deck_values))
    # The file's slug changed: the deck it used to be is no longer in any file.
    conn.execute(
        update(DECKS)
        .where(DECKS.c.path == str(source.path), DECKS.c.slug != deck.slug)
        .values(active=False, path=None, content_hash="")
    )
    existing = {
        row.id: row
        for row in conn.execute(
            select(*CARD_COLUMNS, CARDS.c.retired).where(CARDS.c.deck_slug == deck.slug)
        )
    }
    counts = {"added": 0, "updated": 0, "retired": 0, "restored": 0}
    fresh = cards_for_deck(deck)
    for card in fresh:
        values = {
            "deck_slug": deck.slug,
            "entry_id": card.entry,
            "direction": str(card.direction),
            "term": card.term,
            "front": card.front,
            "back": card.back,
            "ord": card.ord,
            "retired": False,
        }
        old = existing.get(card.id)
        if old is None:
            conn.execute(insert(CARDS).values(id=card.id, **values))
            counts["added"] += 1
            continue
        if old.retired:
            counts["restored"] += 1
        elif (old.term, old.front, old.back, old.ord) != (
            card.term,
            card.front,
            card.back,
            card.ord,
        ):
            counts["updated"] += 1
        else:
            continue
        conn.execute(update(CARDS).where(CARDS.c.id == card.id).values(**values))
    gone = [
        card_id
        for card_id, row in existing.items()
        if not row.retired and card_id not in {card.id for card in fresh}
    ]
    if gone:
        conn.execute(update(CARDS).where(CARDS.c.id.in_(gone)).values(retired=True))
        counts["retired"] = len(gone)
    return counts


def register_deck(store: Store, path: Path, deck: Deck) -> None:
    """Add (or re-activate) a learner's own deck file, after the bundled and registered ones.

    Raises StoreError if a different active deck already uses the slug.
    """
    from trainer.decks.format import file_hash, read_file_bytes

    path = Path(path).resolve()
    with store._write() as conn:
        store._lock(conn)
        clash = conn.execute(
            select(DECKS.c.path, DECKS.c.bundled).where(
                DECKS.c.slug == deck.slug, DECKS.c.active == true()
            )
        ).first()
        if clash is not None and clash.path != str(path):
            owner = "a bundled deck" if clash.bundled else f"the deck file {clash.path}"
            raise StoreError(
                f"deck slug {deck.slug!r} is already used by {owner}; give {path} another slug"
            )
        last = conn.execute(select(func.max(DECKS.c.position))).scalar()
        position = 0 if last is None else int(last) + 1
        _write_deck(
            store,
            conn,
            deck,
            source=DeckSource(path, bundled=False),
            digest=file_hash(read_file_bytes(path)),
            position=position,
            stat=path.stat(),
        )


def remove_deck(store: Store, slug: str) -> bool:
    """Stop using a registered deck (its cards and progress stay, inactive).

    Returns False if no active deck has that slug. Raises StoreError for a bundled deck.
    """
    with store._write() as conn:
        row = conn.execute(
            select(DECKS.c.bundled).where(DECKS.c.slug == slug, DECKS.c.active == true())
        ).first()
        if row is None:
            return False
        if row.bundled:
            raise StoreError(f"{slug!r} is a bundled deck and cannot be removed")
        conn.execute(update(DECKS).where(DECKS.c.slug == slug).values(active=False))
    return True
