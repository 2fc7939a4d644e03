"""The Anki side: the same cards and due spread in an Anki collection, and its probe.

Needs the official `anki` package (`pip install -e '.[bench]'`). The collection is
built with Anki's own API (one "Basic (and reversed card)" note per entry, so each
entry gives a forward and a reverse card like trainer's), then the scheduling
columns are set straight in the SQLite file, the way Anki stores a review card:
type 2 / queue 2, `due` in days since the collection's creation, `ivl`, `factor` in
permille. The collection's creation time is put `days` study days back, so Anki's
day number of today equals trainer's day index of today. Suspended cards get queue
-1, buried ones -2, cards in today's re-drill are relearning cards due now (Anki's
equivalent). The review log is copied from trainer's store into `revlog`, and the
decks' "done today" counters are set, so the day's limits leave the same room.
Siblings are buried in both programs (Anki's bury options on).
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchlib import synth

PARENT = "Bench"
MODEL = "Basic (and reversed card)"
# trainer grade -> Anki ease (1 again, 2 hard, 3 good, 4 easy)
EASE = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
# trainer review kind -> Anki revlog type (0 learn, 1 review, 2 relearn)
REVLOG_TYPE = {"learn": 0, "review": 1, "redrill": 2}


def available() -> str | None:
    """The installed anki version, or None when the library is missing."""
    try:
        from anki.buildinfo import version
    except ImportError:
        return None
    return str(version)


def _epoch(day_index: int, collection: synth.Collection) -> int:
    start = datetime.combine(
        collection.day0 + timedelta(days=day_index), datetime.min.time(), UTC
    ) + timedelta(hours=synth.ROLLOVER_HOUR)
    return int(start.timestamp())


def build(
    path: Path, collection: synth.Collection, store_db: Path, *, now: datetime, revlog: bool = True
) -> dict[str, Any]:
    """Write the Anki collection at `path`; return counts and how long each part took."""
    from anki.collection import AddNoteRequest, Collection

    sizes = collection.sizes
    seconds: dict[str, float] = {}
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)

    mark = time.perf_counter()
    col = Collection(str(path))
    try:
        model = col.models.by_name(MODEL)
        if model is None:
            raise RuntimeError(f"this anki has no {MODEL!r} note type")
        front, back = (field["name"] for field in model["flds"][:2])
        config = col.decks.config_dict_for_deck_id(col.decks.id(PARENT))
        config["new"]["perDay"] = 20  # trainer's defaults (Settings.new_per_day, reviews_per_day)
        config["rev"]["perDay"] = 200
        config["new"]["bury"] = True
        config["rev"]["bury"] = True
        col.decks.update_config(config)
        deck_ids = []
        for deck in range(sizes.decks):
            did = col.decks.id(f"{PARENT}::{synth.deck_slug(deck)}")
            deck_ids.append(did)
        col.decks.select(col.decks.id(PARENT))
        requests = []
        for deck in range(sizes.decks):
            slug = synth.deck_slug(deck)
            for entry in range(sizes.entries_per_deck):
                note = col.new_note(model)
                note[front] = f"Bench term {deck + 1:02d}-{entry + 1:05d}"
                note[back] = synth._definition(deck, entry, sizes.seed)
                note.guid = f"{slug}/{synth.ENTRY_ID.format(entry + 1)}"
                requests.append(AddNoteRequest(note=note, deck_id=deck_ids[deck]))
        col.add_notes(requests)
        card_count = col.card_count()
    finally:
        col.close()
    seconds["notes"] = time.perf_counter() - mark
    if card_count != sizes.card_count:
        raise RuntimeError(f"anki made {card_count} cards, expected {sizes.card_count}")

    # Day numbers: make Anki's "today" trainer's day index of today. Every write goes
    # through Anki's own connection (col.db): a second SQLite library on the same
    # file while Anki has it in WAL mode corrupts it.
    mark = time.perf_counter()
    col = Collection(str(path))
    try:
        col.db.execute("UPDATE col SET crt = ?", _epoch(0, collection))
    finally:
        col.close()
    col = Collection(str(path))
    try:
        today_anki = col.sched.today
        offset = today_anki - sizes.days
        days = sizes.days
        now_s = int(now.timestamp())
        ids = {
            (guid, ord_): cid
            for cid, guid, ord_ in col.db.execute(
                "SELECT c.id, n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.nid"
            )
        }
        cid_of: list[int] = []
        for j in range(sizes.card_count):
            slug, entry, direction = synth.card_key(sizes, j)
            cid_of.append(ids[(f"{slug}/{entry}", 1 if direction == "reverse" else 0)])
        c = collection
        updates = []
        for j in range(sizes.card_count):
            if c.due[j] is None and not c.suspended[j] and c.buried_until[j] is None:
                continue
            due_day = c.due[j]
            if due_day is None:  # a new card, suspended or buried
                ctype, queue, due, ivl, factor, left = 0, 0, None, 0, 0, 0
            elif c.redrill_day[j] == days:  # failed today: relearning, due now
                ctype, queue, due, ivl, factor, left = 3, 1, now_s - 60, c.interval[j], 0, 1001
            else:
                ctype, queue, due, ivl, factor, left = 2, 2, due_day + offset, c.interval[j], 0, 0
            if due_day is not None:
                factor = c.ef[j] * 10
            if c.suspended[j]:
                queue = -1
            elif c.buried_until[j] is not None:
                queue = -2
            updates.append((ctype, queue, due, ivl, factor, c.lapses[j], left, now_s, cid_of[j]))
        col._backend.db_begin()  # one transaction: a statement each is very slow
        col.db.executemany(
            "UPDATE cards SET type = ?, queue = ?, due = coalesce(?, due), ivl = ?, factor = ?, "
            "lapses = ?, left = ?, mod = ?, usn = -1 WHERE id = ?",
            updates,
        )
        seconds["schedule"] = time.perf_counter() - mark

        mark = time.perf_counter()
        today_new: Counter[int] = Counter()
        today_rev: Counter[int] = Counter()
        revlog_rows = 0
        if revlog:
            per_deck = 2 * sizes.entries_per_deck
            card_index = {cid: j for j, cid in enumerate(synth.card_ids(sizes))}
            today = collection.today.isoformat()
            last_id = 0
            source = sqlite3.connect(store_db)
            try:
                rows = source.execute(
                    "SELECT card_id, at, day, grade, kind, interval_before, interval_after, "
                    "ef_after, answer_ms FROM reviews ORDER BY id"
                )
                while batch := rows.fetchmany(50_000):
                    out = []
                    for card_id, at, day, grade, kind, ivl_b, ivl_a, ef_a, ms in batch:
                        j = card_index.get(card_id)
                        if j is None:
                            continue
                        stamp = datetime.fromisoformat(at).replace(tzinfo=UTC)
                        last_id = max(last_id + 1, int(stamp.timestamp() * 1000))
                        if day == today and kind != "redrill":
                            (today_new if kind == "learn" else today_rev)[j // per_deck] += 1
                        out.append(
                            (
                                last_id,
                                cid_of[j],
                                EASE[grade],
                                ivl_a,
                                ivl_b,
                                ef_a * 10,
                                ms,
                                REVLOG_TYPE[kind],
                            )
                        )
                    col.db.executemany(
                        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                        " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                        out,
                    )
                    revlog_rows += len(out)
            finally:
                source.close()
        col._backend.db_commit()
        seconds["revlog"] = time.perf_counter() - mark

        # What was already done today counts against the day's limits, as in trainer.
        parent = col.decks.get(col.decks.id(PARENT))
        assert parent is not None
        parent["newToday"] = [today_anki, sum(today_new.values())]
        parent["revToday"] = [today_anki, sum(today_rev.values())]
        col.decks.save(parent)
        for deck, did in enumerate(deck_ids):
            child = col.decks.get(did)
            assert child is not None
            child["newToday"] = [today_anki, today_new[deck]]
            child["revToday"] = [today_anki, today_rev[deck]]
            col.decks.save(child)
        col.decks.select(col.decks.id(PARENT))
    finally:
        col.close()
    return {
        "cards": card_count,
        "revlog": revlog_rows,
        "today": today_anki,
        "done_today": {"new": sum(today_new.values()), "reviews": sum(today_rev.values())},
        "build_seconds": seconds,
    }


def probe(path: Path, *, answers: int) -> dict[str, Any]:
    """In this (fresh) process: open a copy of the collection, time the first and a second
    `get_queued_cards`, then `answers` answers (Good) with `answer_card`."""
    from benchlib.probes import copy_flushed, durability

    work = path.with_name("probe-" + path.name)
    copy_flushed(path, work)
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    mark = time.perf_counter()
    col = Collection(str(work))
    opened = time.perf_counter() - mark
    from anki.cards import Card  # after anki.collection has loaded (circular imports)

    try:
        mark = time.perf_counter()
        queued = col.sched.get_queued_cards()
        first = time.perf_counter() - mark
        mark = time.perf_counter()
        queued = col.sched.get_queued_cards()
        again = time.perf_counter() - mark
        assert col.db is not None
        pragmas = durability(col.db.scalar)
        counts = {
            "new": queued.new_count,
            "learning": queued.learning_count,
            "review": queued.review_count,
        }
        answer_times = []
        for _ in range(answers):
            queued = col.sched.get_queued_cards()
            if not queued.cards:
                break
            top = queued.cards[0]
            card = Card(col)
            card._load_from_backend_card(top.card)
            card.start_timer()
            answer = col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.GOOD)
            mark = time.perf_counter()
            col.sched.answer_card(answer)
            answer_times.append(time.perf_counter() - mark)
    finally:
        col.close()
        for stale in (work, work.with_name(work.name + "-wal"), work.with_name(work.name + "-shm")):
            stale.unlink(missing_ok=True)
    return {
        "open": opened,
        "queue_first": first,
        "queue_again": again,
        "queue_counts": counts,
        "answers": answer_times,
        "durability": pragmas,
    }
