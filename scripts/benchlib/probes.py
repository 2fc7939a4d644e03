"""Measures that run inside one fresh Python process; each prints one JSON object.

    python -m benchlib.probes queue   DB LEARNER
    python -m benchlib.probes answers DB LEARNER COUNT
    python -m benchlib.probes sync    DB REPEAT
    python -m benchlib.probes export  DECK_DIR OUT_DIR REPEAT
    python -m benchlib.probes parse   DECK_DIR REPEAT
    python -m benchlib.probes anki    COLLECTION COUNT
    python -m benchlib.probes rss     CMD...
    python -m benchlib.probes first   MARKER CMD...

bench.py starts a new process per run, so "first" really is the first call in a
process (cold SQLAlchemy statement caches, cold SQLite page cache of the process).
The study day is the one trainer's CLI would use (AppContext.today()).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Grades given to the 200 answers: mostly 4-5 with some 3 and fails, like a learner.
GRADES = (4, 5, 4, 3, 4, 5, 2, 4, 4, 5)


def copy_flushed(source: Path, target: Path) -> None:
    """Copy a database file and write the copy to disk before anything is timed.

    A fresh copy is hundreds of megabytes of dirty pages; left to the kernel, their
    write-back runs during the timed answers and slows down every fsync of a commit
    (the first answers of a probe took several times longer than the rest).
    """
    shutil.copyfile(source, target)
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def durability(execute: Any) -> dict[str, Any]:
    """What a commit guarantees on this SQLite connection: the pragmas that decide it."""
    return {
        name: execute(f"PRAGMA {name}")
        for name in ("journal_mode", "synchronous", "locking_mode", "fullfsync")
    }


def _today() -> Any:
    from trainer.cli.context import AppContext

    return AppContext(db=None, learner="").today()


def _limits() -> Any:
    from trainer.session import Limits
    from trainer.settings import load_settings

    settings = load_settings()
    return Limits(new=settings.new_per_day, reviews=settings.reviews_per_day)


def _start(store: Any, learner: str, day: Any) -> tuple[Any, float, float]:
    """(session, seconds for the deck list, seconds to the first card) as `trainer quiz` does it.

    Without --deck the quiz asks every active deck (decks=[]), builds the session, then
    reads the deck list (titles and files) before it shows the first card: both timed.
    """
    from trainer.session import Session

    mark = time.perf_counter()
    session = Session.start(
        store,
        learner=learner,
        decks=[],
        day=day,
        limits=_limits(),
        rng=random.Random(0),
        scheduler=store.use_learner_scheduler(learner),  # as trainer quiz: SM-2 or FSRS
    )
    started = time.perf_counter() - mark
    mark = time.perf_counter()
    titles = {info.slug: info.title for info in store.deck_infos()}
    decks = time.perf_counter() - mark
    assert titles
    return session, decks, started + decks


def queue(db: str, learner: str) -> dict[str, Any]:
    from trainer.progress.store import Store

    day = _today()
    mark = time.perf_counter()
    store = Store.open(db)
    opened = time.perf_counter() - mark
    try:
        session, decks, first = _start(store, learner, day)
        again_session, _decks, again = _start(store, learner, day)
        progress = session.progress()
    finally:
        store.close()
    return {
        "open": opened,
        "decks": decks,
        "first": first,
        "again": again,
        "day": day.isoformat(),
        "queue": {"new": progress.new, "reviews": progress.reviews, "redrill": progress.redrill},
        "same_again": again_session.progress() == progress,
    }


def answers(db: str, learner: str, count: int) -> dict[str, Any]:
    """Answer up to `count` cards of today's queue on a copy of the store (Session.answer:
    SM-2 and Store.record, one committed transaction each)."""
    from trainer.progress.store import Store

    day = _today()
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as folder:
        copy = Path(folder) / "progress.db"
        copy_flushed(Path(db), copy)
        store = Store.open(str(copy))
        try:
            session, _decks, _first = _start(store, learner, day)
            with store.engine.connect() as conn:
                pragmas = durability(lambda sql: conn.exec_driver_sql(sql).scalar())
            times = []
            kinds: dict[str, int] = {}
            for i in range(count):
                item = session.current()
                if item is None:
                    break
                grade = GRADES[i % len(GRADES)]
                now = datetime.now(UTC)
                mark = time.perf_counter()
                review = session.answer(grade, now=now, answer_ms=4000)
                times.append(time.perf_counter() - mark)
                kinds[str(review.kind)] = kinds.get(str(review.kind), 0) + 1
        finally:
            store.close()
    return {"answers": times, "kinds": kinds, "durability": pragmas}


def sync(db: str, repeat: int) -> dict[str, Any]:
    """Store.sync_decks over the bundled and registered deck files, none of them changed."""
    from trainer.decks.catalog import bundled_deck_files
    from trainer.progress.store import DeckSource, Store

    store = Store.open(db)
    try:
        sources = [DeckSource(path, bundled=True) for path in bundled_deck_files()]
        sources += [DeckSource(path, bundled=False) for path in store.registered_paths()]
        report = store.sync_decks(sources)  # first call of the process, not counted
        times = []
        for _ in range(repeat):
            mark = time.perf_counter()
            report = store.sync_decks(sources)
            times.append(time.perf_counter() - mark)
    finally:
        store.close()
    return {
        "sync": times,
        "files": len(sources),
        "unchanged": len(report.unchanged),
        "updated": list(report.updated),
        "problems": list(report.problems),
    }


def export(deck_dir: str, out_dir: str, repeat: int) -> dict[str, Any]:
    """export_decks(combined) of the synthetic decks only (exactly the benchmark's cards)."""
    from trainer.anki.export import export_decks
    from trainer.decks.catalog import load_decks

    paths = sorted(Path(deck_dir).glob("*.toml"))
    mark = time.perf_counter()
    decks = load_decks(paths)
    parsed = time.perf_counter() - mark
    out = Path(out_dir)
    times = []
    results = []
    for _ in range(repeat):
        mark = time.perf_counter()
        results = export_decks(decks, out, combined=True)
        times.append(time.perf_counter() - mark)
    return {
        "parse": parsed,
        "export": times,
        "entries": sum(len(d.entries) for d in decks),
        "cards": sum(r.cards for r in results),
        "bytes": sum(r.path.stat().st_size for r in results),
    }


def parse(deck_dir: str, repeat: int) -> dict[str, Any]:
    """load_decks (parse and validate) of the synthetic deck files, `repeat` times."""
    from trainer.decks.catalog import load_decks

    paths = sorted(Path(deck_dir).glob("*.toml"))
    times = []
    entries = 0
    for _ in range(repeat):
        mark = time.perf_counter()
        decks = load_decks(paths)
        times.append(time.perf_counter() - mark)
        entries = sum(len(d.entries) for d in decks)
    return {"parse": times, "entries": entries, "files": len(paths)}


def anki(collection: str, count: int) -> dict[str, Any]:
    from benchlib import ankiside

    return ankiside.probe(Path(collection), answers=count)


def rss(cmd: list[str], marker: str = "") -> dict[str, Any]:
    """Peak resident memory of `cmd` (os.wait4: this child only) and how long it took.

    With a `marker` (text of the first card), standard input stays open until the
    marker shows on standard output, then it is closed (EOF ends the quiz): "first"
    is the time from starting the process to the first card on screen. Without one,
    standard input is at EOF from the start.
    """
    import os
    import selectors
    import subprocess

    mark = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdin is not None and proc.stdout is not None
    first = None
    chunks: list[bytes] = []
    if marker:
        wanted = marker.encode()
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        while True:
            selector.select()
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            chunks.append(chunk)
            if wanted in b"".join(chunks):
                first = time.perf_counter() - mark
                break
        selector.close()
    proc.stdin.close()
    chunks.append(proc.stdout.read())
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - mark
    proc.returncode = os.waitstatus_to_exitcode(status)
    kib = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return {
        "peak_mb": usage.ru_maxrss * kib / 1_000_000,
        "exit": proc.returncode,
        "seconds": elapsed,
        "first": first,
        "output": b"".join(chunks).decode(errors="replace"),
    }


def main(argv: list[str]) -> None:
    name, *args = argv
    if name == "queue":
        result = queue(args[0], args[1])
    elif name == "answers":
        result = answers(args[0], args[1], int(args[2]))
    elif name == "sync":
        result = sync(args[0], int(args[1]))
    elif name == "export":
        result = export(args[0], args[1], int(args[2]))
    elif name == "rss":
        result = rss(args)
    elif name == "first":
        result = rss(args[1:], marker=args[0])
    elif name == "parse":
        result = parse(args[0], int(args[1]))
    elif name == "anki":
        result = anki(args[0], int(args[1]))
    else:
        raise SystemExit(f"unknown probe {name!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
