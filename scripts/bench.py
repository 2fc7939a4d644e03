#!/usr/bin/env python3
"""Benchmark trainer on a big synthetic store, side by side with Anki.

    .venv/bin/python scripts/bench.py                 # 100,000 cards, 1,000,000 answers
    .venv/bin/python scripts/bench.py --quick         # 2,000 cards, 20,000 answers (CI)
    .venv/bin/python scripts/bench.py --json out.json # every figure, the sizes, the machine

The store is built deterministically from the sizes and --seed (see
benchlib/synth.py) for the learner "bench", today being the current study day in
UTC; the Anki collection gets the same cards and due spread (benchlib/ankiside.py,
only when the `anki` library is installed: `pip install -e '.[bench]'`).

Each measure is repeated and reported as median, min and max. Whole commands run
as fresh processes of the installed `trainer` with TRAINER_HOME / TRAINER_DB
pointing at the built store; the queue, answer, sync and export measures run in
fresh Python processes (benchlib/probes.py). A measure whose command or function
does not exist yet is reported as "not available yet", never estimated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

from benchlib import ankiside, synth  # noqa: E402

NOT_AVAILABLE = "not available yet"
QUICK = {"cards": 2_000, "reviews": 20_000}


@dataclass
class Measure:
    """One figure of the report: samples in `unit`, a target, and what came of it."""

    key: str
    label: str
    unit: str  # "ms" or "MB"
    target: str  # as the issue states it
    limit: float | None = None  # the target in `unit` (None: a ratio target or none)
    samples: list[float] = field(default_factory=list)
    status: str = ""  # ok | missed | not available yet | failed: ... | info
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def judge(self) -> None:
        if self.status:
            return
        if not self.samples:
            self.status = NOT_AVAILABLE
        elif self.limit is None:
            self.status = "info"
        else:
            self.status = "ok" if (self.median or 0) <= self.limit else "missed"

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "unit": self.unit,
            "median": self.median,
            "min": min(self.samples) if self.samples else None,
            "max": max(self.samples) if self.samples else None,
            "runs": len(self.samples),
            "target": self.target,
            "status": self.status,
            "note": self.note,
            **({"extra": self.extra} if self.extra else {}),
        }


# --- running things ----------------------------------------------------------------------


def trainer_command() -> list[str]:
    """The installed `trainer` script beside this Python, else `python -m trainer`."""
    script = Path(sys.executable).with_name("trainer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "trainer"]


def trainer_env(home: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
    env.update(
        TRAINER_HOME=str(home),
        TRAINER_DB=str(db),
        TRAINER_LEARNER=synth.LEARNER,
        TRAINER_TZ="UTC",
        TRAINER_ROLLOVER_HOUR=str(synth.ROLLOVER_HOUR),
        TZ="UTC",
        NO_COLOR="1",
        COLUMNS="100",
    )
    return env


def probe_env(env: dict[str, str]) -> dict[str, str]:
    out = dict(env)
    out["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SCRIPTS), env.get("PYTHONPATH")]))
    return out


def run_probe(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run one probe in a fresh process; its JSON result (or {"error": ...})."""
    done = subprocess.run(
        [sys.executable, "-m", "benchlib.probes", *args],
        env=probe_env(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["(no output)"]
        return {"error": lines[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def unavailable(error: str) -> bool:
    """A probe error that means the code it needs is not there yet."""
    return error.startswith(("ImportError", "ModuleNotFoundError", "AttributeError"))


def command_exists(cmd: list[str], env: dict[str, str], *words: str, flag: str = "") -> bool:
    done = subprocess.run(
        [*cmd, *words, "--help"], env=env, capture_output=True, text=True, check=False
    )
    return done.returncode == 0 and (not flag or flag in done.stdout)


def time_process(
    measure: Measure, cmd: list[str], env: dict[str, str], runs: int, *, warm_up: bool = True
) -> subprocess.CompletedProcess[str] | None:
    """Run `cmd` once to warm up (unless told not to), then `runs` times, timing each
    whole process."""
    last = None
    for i in range(0 if warm_up else 1, runs + 1):
        mark = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - mark
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or ["(no output)"]
            measure.status = f"failed: exit {done.returncode}: {lines[-1]}"
            measure.samples.clear()
            return done
        if i:
            measure.samples.append(seconds * 1000)
        last = done
    return last


# --- the benchmark -----------------------------------------------------------------------


def build_all(folder: Path, sizes: synth.Sizes, *, with_anki: bool) -> dict[str, Any]:
    """Build (or reuse, if folder/build.json matches) the store, the decks and the Anki side."""
    now = datetime.now(UTC)
    manifest = folder / "build.json"
    want = {"sizes": asdict(sizes), "today": synth.study_today(now).isoformat()}
    if manifest.exists():
        info: dict[str, Any] = json.loads(manifest.read_text())
        if {k: info.get(k) for k in want} == want and (info.get("anki") or not with_anki):
            info["reused"] = True
            return info
    mark = time.perf_counter()
    built = synth.build(folder, sizes, now=now)
    info = built.as_json() | want
    info["anki"] = None
    if with_anki:
        info["anki"] = ankiside.build(
            folder / "anki" / "collection.anki2", built.collection, built.db_path, now=now
        )
    info["seconds"] = time.perf_counter() - mark
    manifest.write_text(json.dumps(info, indent=2))
    info["reused"] = False
    return info


def stats(samples: list[float]) -> tuple[float, float, float] | None:
    return (statistics.median(samples), min(samples), max(samples)) if samples else None


def cache_bytecode() -> None:
    """Write trainer's bytecode once, as installing a wheel does.

    Timed processes would otherwise compile every changed module of a source checkout
    again on each run when bytecode is not written (PYTHONDONTWRITEBYTECODE=1, as on
    our development machines), which is not what an installed trainer does.
    """
    import compileall

    import trainer

    compileall.compile_dir(str(Path(trainer.__file__).parent), quiet=1)


def _probe_failed(measures: list[Measure], result: dict[str, Any]) -> bool:
    """Mark `measures` as broken (or not there yet) if a probe returned an error."""
    if "error" not in result:
        return False
    for x in measures:
        x.status = NOT_AVAILABLE if unavailable(result["error"]) else "failed"
        x.note = result["error"]
    return True


#: What the quiz shows under every card (the first one included).
FIRST_CARD_MARKER = "Enter: show the answer"


def quiz_first_card(
    first: Measure, rss: Measure | None, cmd: list[str], env: dict[str, str], runs: int
) -> None:
    """`trainer quiz` as a whole process: start to the first card on its output, and
    (if `rss`) the peak memory of the run (first card, then end of input)."""
    for i in range(runs + 1):
        result = run_probe(env, "first", FIRST_CARD_MARKER, *cmd, "quiz")
        if "error" in result:
            _probe_failed([x for x in (first, rss) if x is not None], result)
            return
        shown = result["first"] is not None
        if result["exit"] not in (0, 1) or not shown:
            out = result["output"].strip()
            for x in (first, rss):
                if x is not None:
                    seen = "shown" if shown else "not shown"
                    x.status = f"failed: exit {result['exit']}, first card {seen}"
                    x.note = out.splitlines()[-1] if out else ""
                    x.samples.clear()
            return
        if i == 0:
            continue  # warm-up: the first run after a build reads cold files
        first.samples.append(result["first"] * 1000)
        first.extra.setdefault("process_ms", []).append(result["seconds"] * 1000)
        if rss is not None:
            rss.samples.append(result["peak_mb"])
    first.note = (
        "start to the first card on screen; whole process with EOF after it: "
        f"{statistics.median(first.extra['process_ms']):.0f} ms"
    )


def answers_and_queue(
    m: dict[str, Measure],
    anki: dict[str, Measure],
    folder: Path,
    env: dict[str, str],
    args: argparse.Namespace,
    *,
    with_anki: bool,
) -> dict[str, Any]:
    """Today's queue and the answers, trainer's and Anki's probes interleaved.

    The two sides run one after the other in alternating order, round after round, so
    that whatever else the machine does at the time (another process writing to the
    disk makes every fsync slower) falls on both alike. Each answer probe works on a
    fresh copy of its store, written to disk before the first timed answer.
    """
    db = folder / "home" / "progress.db"
    collection = folder / "anki" / "collection.anki2"
    first, again, answer = m["queue_first"], m["queue_again"], m["answer"]
    rounds = args.answer_rounds
    per_round = max(1, args.answers // rounds)
    durability: dict[str, Any] = {}

    def ours_queue() -> None:
        result = run_probe(env, "queue", str(db), synth.LEARNER)
        if _probe_failed([first, again], result):
            return
        first.samples.append(result["first"] * 1000)
        again.samples.append(result["again"] * 1000)
        first.extra = {
            "queue": result["queue"],
            "store_open_ms": result["open"] * 1000,
            "deck_list_ms": result["decks"] * 1000,
        }

    def ours_answers() -> None:
        result = run_probe(env, "answers", str(db), synth.LEARNER, str(per_round))
        if _probe_failed([answer], result):
            return
        answer.samples += [t * 1000 for t in result["answers"]]
        for kind, count in result["kinds"].items():
            answer.extra.setdefault("kinds", {}).setdefault(kind, 0)
            answer.extra["kinds"][kind] += count
        durability["trainer"] = result["durability"]

    def anki_probe(count: int) -> None:
        result = run_probe(env, "anki", str(collection), str(count))
        if _probe_failed(list(anki.values()), result):
            return
        anki["queue_first"].samples.append(result["queue_first"] * 1000)
        anki["queue_again"].samples.append(result["queue_again"] * 1000)
        anki["open"].samples.append(result["open"] * 1000)
        anki["answer"].samples += [t * 1000 for t in result["answers"]]
        c = result["queue_counts"]
        anki[
            "queue_first"
        ].note = f"{c['review']} reviews, {c['new']} new, {c['learning']} learning"
        durability["anki"] = result["durability"]

    for i in range(max(args.repeat, rounds)):
        with_answers = i < rounds
        steps: list[Any] = [ours_queue]
        if with_answers:
            steps.append(ours_answers)
        if with_anki:
            steps.append(lambda n=per_round if with_answers else 0: anki_probe(n))
        for step in steps if i % 2 == 0 else reversed(steps):
            step()
    if first.extra:
        q = first.extra["queue"]
        first.note = f"{q['reviews']} reviews, {q['new']} new, {q['redrill']} re-drill"
    if answer.samples:
        answer.note = f"median over {len(answer.samples)} answers in {rounds} rounds"
    return durability


#: PRAGMA synchronous levels (in WAL mode, FULL and EXTRA sync the log at every commit).
SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def describe_durability(pragmas: dict[str, Any] | None) -> str:
    if not pragmas:
        return "unknown"
    value = pragmas.get("synchronous")
    level = SYNCHRONOUS.get(value, str(value)) if isinstance(value, int) else str(value)
    journal = str(pragmas.get("journal_mode", "?")).upper()
    syncs = (
        "fsync of the log at every commit"
        if level in ("FULL", "EXTRA")
        else ("no fsync at commit: the last commits can be lost on power failure")
    )
    return f"{journal}, synchronous={level}, locking_mode={pragmas.get('locking_mode')} ({syncs})"


def measure_all(folder: Path, args: argparse.Namespace, anki_version: str | None) -> dict[str, Any]:
    cache_bytecode()
    home = folder / "home"
    db = home / "progress.db"
    env = trainer_env(home, db)
    cmd = trainer_command()
    runs = args.repeat
    m: dict[str, Measure] = {}

    def add(measure: Measure) -> Measure:
        m[measure.key] = measure
        return measure

    # 1. trainer --help
    help_ = add(Measure("help", "trainer --help (process)", "ms", "≤ 100 ms", 100))
    time_process(help_, [*cmd, "--help"], env, max(runs, 10))

    # The floor of every command that opens the store: Python, click, SQLAlchemy, the store.
    floor = add(
        Measure(
            "import_store", "import trainer.cli + trainer.progress.store (process)", "ms", "(floor)"
        )
    )
    import_both = "import trainer.cli, trainer.progress.store"
    time_process(floor, [sys.executable, "-c", import_both], env, runs)

    # 2. trainer status
    status = add(Measure("status", "trainer status (process)", "ms", "≤ 250 ms", 250))
    if command_exists(cmd, env, "status"):
        done = time_process(status, [*cmd, "status"], env, runs)
        if done is not None and done.returncode == 0:
            status.note = done.stdout.strip()

    # 3. trainer quiz to the first card, and its peak memory
    quiz = add(
        Measure("quiz_first", "trainer quiz to the first card (process)", "ms", "≤ 250 ms", 250)
    )
    rss = add(
        Measure("quiz_rss", "peak memory of trainer quiz to the first card", "MB", "≤ 120 MB", 120)
    )
    if command_exists(cmd, env, "quiz"):
        quiz_first_card(quiz, rss, cmd, env, runs)
        if rss.samples:
            rss.note = "whole process (first card, then EOF)"

    # 4, 5. today's queue and one answer, interleaved with Anki's
    add(Measure("queue_first", "today's queue, first call in a process", "ms", "≤ 0.25 × Anki"))
    add(Measure("queue_again", "today's queue, again", "ms", "(for information)"))
    add(Measure("answer", "one answer, committed (Session.answer)", "ms", "≤ 1.0 × Anki"))
    anki = {
        "queue_first": Measure("anki_queue_first", "Anki: first get_queued_cards", "ms", ""),
        "queue_again": Measure("anki_queue_again", "Anki: get_queued_cards again", "ms", ""),
        "answer": Measure("anki_answer", "Anki: one answer (answer_card)", "ms", ""),
        "open": Measure("anki_open", "Anki: open the collection", "ms", ""),
    }
    with_anki = bool(anki_version and (folder / "anki" / "collection.anki2").exists())
    durability = answers_and_queue(m, anki, folder, env, args, with_anki=with_anki)

    # 6. trainer stats: the terminal screen and --json
    screen = add(
        Measure("stats_screen", "trainer stats, the screen (process)", "ms", "≤ 300 ms", 300)
    )
    stats_ = add(Measure("stats", "trainer stats --json (process)", "ms", "≤ 300 ms", 300))
    if command_exists(cmd, env, "stats", flag="--json"):
        time_process(screen, [*cmd, "stats"], env, runs)
        time_process(stats_, [*cmd, "stats", "--json"], env, runs)

    # 7. deck sync, nothing changed
    sync = add(Measure("sync", "deck sync, no deck changed (Store.sync_decks)", "ms", "≤ 5 ms", 5))
    sync_probe(sync, db, env, max(runs, 20))

    # 8. deck parsing, export
    parse = add(parse_measure(args.sizes))
    parse_probe(parse, folder, env, args.export_runs)
    cards = args.sizes.card_count
    export = add(
        Measure("export", f"export of {cards:,} cards to .apkg (export_decks)", "ms", "≤ 2 s", 2000)
    )
    with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
        result = run_probe(env, "export", str(folder / "decks"), out, str(args.export_runs))
    if not _probe_failed([export], result):
        export.samples = [t * 1000 for t in result["export"]]
        export.extra = {k: result[k] for k in ("parse", "entries", "cards", "bytes")}
        export.note = f"{result['cards']:,} cards, {result['bytes'] / 1e6:.1f} MB"
    export_cli = add(
        Measure("export_process", "trainer export --combined (process)", "ms", "≤ 2 s", 2000)
    )
    export_process(export_cli, cmd, env, args.export_runs)

    # 9. progress to Anki and back
    for measure in anki_progress(folder, cmd, env, args.export_runs):
        add(measure)

    for measure in [*m.values(), *anki.values()]:
        measure.judge()

    first, again, answer = m["queue_first"], m["queue_again"], m["answer"]
    ours_sync = (durability.get("trainer") or {}).get("synchronous")
    anki_sync = (durability.get("anki") or {}).get("synchronous")
    ratios = {}
    for ours, theirs, limit in (
        (first, anki["queue_first"], 0.25),
        (again, anki["queue_again"], None),
        (answer, anki["answer"], 1.0),
    ):
        if ours.median is not None and theirs.median:
            ratio = ours.median / theirs.median
            status_ = ("ok" if ratio <= limit else "missed") if limit else "info"
            if ours is answer and (ours_sync is None or anki_sync is None or ours_sync < anki_sync):
                status_ = "not comparable: weaker durability"
            ratios[ours.key] = {
                "trainer_ms": ours.median,
                "anki_ms": theirs.median,
                "ratio": ratio,
                "target": f"≤ {limit}" if limit else "",
                "status": status_,
            }
            if limit:
                ours.status = status_
        elif ours.median is not None and limit:
            ours.status = "no Anki figure to compare"
    return {
        "measures": m,
        "anki": anki,
        "ratios": ratios,
        "durability": {k: describe_durability(v) for k, v in durability.items()}
        | {"pragmas": durability},
    }


def anki_progress(folder: Path, cmd: list[str], env: dict[str, str], runs: int) -> list[Measure]:
    """`trainer export --with-progress --combined`, then `trainer import-anki` of that
    package into the same store (every answer already there: nothing to add) and into
    a fresh learner of a copy of the store (every answer added, every state rebuilt)."""
    export = Measure(
        "export_progress",
        "trainer export --with-progress --combined (process)",
        "ms",
        "≤ 5 s",
        5000,
    )
    present = Measure(
        "import_present",
        "trainer import-anki, every answer already in the log (process)",
        "ms",
        "≤ 10 s",
        10_000,
    )
    fresh = Measure(
        "import_fresh",
        "trainer import-anki into a fresh learner (process)",
        "ms",
        "≤ 20 s",
        20_000,
    )
    measures = [export, present, fresh]
    if not command_exists(cmd, env, "export", flag="--with-progress"):
        return measures
    out = folder / "anki-progress"
    shutil.rmtree(out, ignore_errors=True)
    for _ in range(runs):
        probe = Measure(export.key, export.label, export.unit, export.target)
        time_process(
            probe,
            [*cmd, "export", "--with-progress", "--combined", "--out", str(out)],
            env,
            1,
            warm_up=False,
        )
        if probe.status:
            export.status = probe.status
            return measures
        export.samples += probe.samples
    package = out / "ai-music-glossary.apkg"
    export.note = f"{package.stat().st_size / 1e6:.1f} MB package"
    if not command_exists(cmd, env, "import-anki"):
        return measures
    done = time_process(present, [*cmd, "import-anki", str(package)], env, runs, warm_up=False)
    if done is not None and done.returncode == 0:
        present.note = done.stdout.strip().splitlines()[-1][:60]
    db = Path(env["TRAINER_DB"])
    for _ in range(max(1, runs - 1)):  # each run writes every answer again: fewer runs
        with tempfile.TemporaryDirectory(prefix="bench-import-", dir=folder) as scratch:
            copy = Path(scratch) / "progress.db"
            shutil.copyfile(db, copy)
            fresh_env = env | {"TRAINER_DB": str(copy), "TRAINER_LEARNER": "fresh"}
            probe = Measure(fresh.key, fresh.label, fresh.unit, fresh.target)
            done = time_process(
                probe, [*cmd, "import-anki", str(package)], fresh_env, 1, warm_up=False
            )
        if probe.status:
            fresh.status = probe.status
            break
        fresh.samples += probe.samples
        if done is not None:
            fresh.note = done.stdout.strip().splitlines()[-1][:60]
    return measures


def fsrs_measures(folder: Path, args: argparse.Namespace) -> dict[str, Measure]:
    """Issue 16's figures, on a copy of the store (switching and answering change it).

    SM-2 -> FSRS and back as whole `trainer scheduler use` processes (each switch of the
    learner's studied cards: memory states from the log, or the SM-2 replay); today's
    queue and one committed answer under FSRS (the same probes as for SM-2, whose
    session takes the learner's scheduler), and the queue under SM-2 on the same copy
    first; `trainer optimize --json` on the whole log; `trainer simulate` of 365 days
    for one retention (the SM-2 row comes with it).
    """
    m: dict[str, Measure] = {}

    def add(measure: Measure) -> Measure:
        m[measure.key] = measure
        return measure

    cmd = trainer_command()
    runs = max(1, min(args.repeat, 3))
    with tempfile.TemporaryDirectory(prefix="bench-fsrs-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        db = home / "progress.db"
        shutil.copyfile(folder / "home" / "progress.db", db)
        env = trainer_env(home, db)
        if not command_exists(cmd, env, "scheduler"):
            return m
        sm2_queue = add(Measure("fsrs_queue_sm2", "today's queue under SM-2 (same copy)", "ms", ""))
        to_fsrs = add(
            Measure("fsrs_switch", "switch SM-2 -> FSRS (process)", "ms", "≤ 10 s", 10_000)
        )
        to_sm2 = add(Measure("fsrs_switch_back", "switch FSRS -> SM-2 (process)", "ms", ""))
        fsrs_queue = add(
            Measure("fsrs_queue", "today's queue under FSRS, first call", "ms", "as under SM-2")
        )
        answer = add(Measure("fsrs_answer", "one FSRS answer, committed", "ms", "≤ 2 ms", 2))
        optimize = add(
            Measure("fsrs_optimize", "trainer optimize --json (process)", "ms", "≤ 10 s", 10_000)
        )
        simulate = add(
            Measure(
                "fsrs_simulate",
                "trainer simulate, 365 days, one retention (process)",
                "ms",
                "≤ 5 s",
                5_000,
            )
        )
        for _ in range(runs):
            result = run_probe(env, "queue", str(db), synth.LEARNER)
            if not _probe_failed([sm2_queue], result):
                sm2_queue.samples.append(result["first"] * 1000)
        for i in range(runs):
            done = time_process(to_fsrs, [*cmd, "scheduler", "use", "fsrs"], env, 1, warm_up=False)
            if done is not None and done.returncode == 0:
                to_fsrs.note = done.stdout.strip()
            if i < runs - 1:
                time_process(to_sm2, [*cmd, "scheduler", "use", "sm2"], env, 1, warm_up=False)
        for _ in range(runs):
            result = run_probe(env, "queue", str(db), synth.LEARNER)
            if not _probe_failed([fsrs_queue], result):
                fsrs_queue.samples.append(result["first"] * 1000)
        for _ in range(args.answer_rounds):
            per_round = max(1, args.answers // args.answer_rounds)
            result = run_probe(env, "answers", str(db), synth.LEARNER, str(per_round))
            if not _probe_failed([answer], result):
                answer.samples += [t * 1000 for t in result["answers"]]
                answer.extra = {"kinds": result["kinds"]}
        done = time_process(optimize, [*cmd, "optimize", "--json"], env, runs, warm_up=False)
        if done is not None and done.returncode == 0:
            optimize.note = f"{json.loads(done.stdout)['reviews']:,} reviews used"
        time_process(
            simulate,
            [*cmd, "simulate", "--days", "365", "--retention", "0.90", "--json"],
            env,
            runs,
            warm_up=False,
        )
    for measure in m.values():
        measure.judge()
    if sm2_queue.median and fsrs_queue.median:
        fsrs_queue.note = f"{fsrs_queue.median / sm2_queue.median:.2f} × the SM-2 queue"
    return m


def parse_measure(sizes: synth.Sizes) -> Measure:
    """Deck parsing: the issue's target is 50,000 entries in 1 s (20 µs an entry)."""
    entries = sizes.card_count // 2
    return Measure(
        "parse",
        f"deck parsing of {entries:,} entries (load_decks)",
        "ms",
        "≤ 1 s per 50,000 entries",
        1000 * entries / 50_000,
    )


def parse_probe(parse: Measure, folder: Path, env: dict[str, str], runs: int) -> None:
    result = run_probe(env, "parse", str(folder / "decks"), str(runs))
    if not _probe_failed([parse], result):
        parse.samples = [t * 1000 for t in result["parse"]]
        parse.note = f"{result['entries']:,} entries in {result['files']} files"


def sync_probe(sync: Measure, db: Path, env: dict[str, str], runs: int) -> None:
    result = run_probe(env, "sync", str(db), str(runs))
    if _probe_failed([sync], result):
        return
    sync.samples = [t * 1000 for t in result["sync"]]
    sync.note = f"{result['files']} deck files, {result['unchanged']} unchanged"
    if result["updated"] or result["problems"]:
        sync.status = f"failed: changed {result['updated']} {result['problems']}"


def export_process(measure: Measure, cmd: list[str], env: dict[str, str], runs: int) -> None:
    """`trainer export --combined` into a fresh folder each run (no warm-up run)."""
    if not command_exists(cmd, env, "export", flag="--combined"):
        return
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
            probe = Measure(measure.key, measure.label, measure.unit, measure.target)
            time_process(probe, [*cmd, "export", "--combined", "--out", out], env, 1, warm_up=False)
        if probe.status:
            measure.status, measure.samples = probe.status, []
            return
        measure.samples += probe.samples


# --- how cost grows with the store -----------------------------------------------------

SCALE_CARDS = (10_000, 30_000, 100_000, 300_000)
ANSWERS_PER_CARD = 10


def scale_sizes(cards: int, args: argparse.Namespace) -> synth.Sizes:
    return synth.Sizes(
        cards=cards,
        decks=args.decks,
        reviews=ANSWERS_PER_CARD * cards,
        days=args.days,
        seed=args.seed,
    )


#: The columns of the scale table: key, heading.
SCALE_COLUMNS = (
    ("status", "status"),
    ("queue_first", "queue, first call"),
    ("answer", "one answer"),
    ("quiz_first", "quiz to 1st card"),
    ("stats_screen", "stats screen"),
    ("stats", "stats --json"),
    ("sync", "deck sync"),
    ("parse", "deck parsing"),
    ("export_process", "export --combined"),
)


def measure_scale_size(folder: Path, args: argparse.Namespace) -> dict[str, Measure]:
    """The main measures on one store, fewer runs (see --scale)."""
    cache_bytecode()
    home = folder / "home"
    db = home / "progress.db"
    env = trainer_env(home, db)
    cmd = trainer_command()
    runs = args.scale_repeat
    m = {
        "status": Measure("status", "trainer status (process)", "ms", "≤ 250 ms", 250),
        "queue_first": Measure("queue_first", "today's queue, first call", "ms", ""),
        "queue_again": Measure("queue_again", "today's queue, again", "ms", ""),
        "answer": Measure("answer", "one answer, committed", "ms", ""),
        "quiz_first": Measure(
            "quiz_first", "trainer quiz to the first card", "ms", "≤ 250 ms", 250
        ),
        "stats_screen": Measure("stats_screen", "trainer stats (screen)", "ms", "≤ 300 ms", 300),
        "stats": Measure("stats", "trainer stats --json", "ms", "≤ 300 ms", 300),
        "sync": Measure("sync", "deck sync, nothing changed", "ms", "≤ 5 ms", 5),
        "parse": parse_measure(args.sizes),
        "export_process": Measure(
            "export_process", "trainer export --combined", "ms", "≤ 2 s", 2000
        ),
    }
    time_process(m["status"], [*cmd, "status"], env, runs)
    quiz_first_card(m["quiz_first"], None, cmd, env, runs)
    answers_and_queue(
        m,
        {},
        folder,
        env,
        argparse.Namespace(repeat=runs, answer_rounds=1, answers=args.scale_answers),
        with_anki=False,
    )
    time_process(m["stats_screen"], [*cmd, "stats"], env, runs)
    time_process(m["stats"], [*cmd, "stats", "--json"], env, runs)
    sync_probe(m["sync"], db, env, max(runs, 10))
    parse_probe(m["parse"], folder, env, runs)
    export_process(m["export_process"], cmd, env, 1 if args.sizes.cards > 100_000 else runs)
    for measure in m.values():
        measure.judge()
    return m


def run_scale(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    rows = []
    for cards in args.scale_cards:
        sizes = scale_sizes(cards, args)
        where = folder / f"scale-{cards}"
        where.mkdir(parents=True, exist_ok=True)
        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        built = build_all(where, sizes, with_anki=False)
        size_args = argparse.Namespace(**{**vars(args), "sizes": sizes})
        measures = measure_scale_size(where, size_args)
        rows.append(
            {
                "cards": sizes.card_count,
                "reviews": built["reviews"],
                "build_seconds": built.get("seconds", 0.0),
                "reused": built.get("reused", False),
                "load_average_1min": {
                    "before": load_before,
                    "after": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
                },
                "measures": {k: v.as_json() for k, v in measures.items()},
            }
        )
        if args.workdir is None:
            shutil.rmtree(where, ignore_errors=True)
    return {"rows": rows, "repeat": args.scale_repeat, "answers": args.scale_answers}


def _cell(j: dict[str, Any]) -> str:
    if j["median"] is None:
        return j["status"] or "—"
    return fmt(j["median"], j["unit"])


def render_scale(scale: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 150))
    table = Table(
        title=f"How cost grows with the store ({ANSWERS_PER_CARD} answers a card; "
        f"median of {scale['repeat']} runs, {scale['answers']} answers)"
    )
    table.add_column("cards", justify="right")
    table.add_column("answers", justify="right")
    for _key, heading in SCALE_COLUMNS:
        table.add_column(heading, justify="right")
    table.add_column("load", justify="right")
    for row in scale["rows"]:
        load = row["load_average_1min"]
        table.add_row(
            f"{row['cards']:,}",
            f"{row['reviews']:,}",
            *(_cell(row["measures"][key]) for key, _ in SCALE_COLUMNS),
            "/".join("?" if v is None else f"{v:.1f}" for v in load.values()),
        )
    growth = scale_growth(scale)
    if growth:
        table.add_row("growth", f"× {growth['cards']:.0f}", *growth["cells"], "")
    console.print(table)


def scale_growth(scale: dict[str, Any]) -> dict[str, Any] | None:
    """Largest over smallest store, per measure (× 30 in cards from 10,000 to 300,000)."""
    rows = scale["rows"]
    if len(rows) < 2:
        return None
    small, big = rows[0], rows[-1]
    cells = []
    for key, _ in SCALE_COLUMNS:
        a, b = small["measures"][key]["median"], big["measures"][key]["median"]
        cells.append(f"× {b / a:.1f}" if a and b else "—")
    return {"cards": big["cards"] / small["cards"], "cells": cells}


def scale_markdown(scale: dict[str, Any]) -> str:
    head = ["cards", "answers", *(h for _, h in SCALE_COLUMNS), "load (1 min, before/after)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "--:|" * len(head)]
    for row in scale["rows"]:
        load = row["load_average_1min"]
        cells = [
            f"{row['cards']:,}",
            f"{row['reviews']:,}",
            *(_cell(row["measures"][key]) for key, _ in SCALE_COLUMNS),
            "/".join("?" if v is None else f"{v:.1f}" for v in load.values()),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    growth = scale_growth(scale)
    if growth:
        lines.append(
            f"| growth | × {growth['cards']:.0f} cards | " + " | ".join(growth["cells"]) + " | |"
        )
    return "\n".join(lines) + "\n"


# --- output ------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.1f} MB"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 10:
        return f"{value:.0f} ms"
    return f"{value:.2f} ms"


def render(report: dict[str, Any], results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 150))
    s = report["sizes"]
    c = report["collection"]
    console.print(
        f"[bold]trainer benchmark[/bold]: {s['cards']:,} cards in {s['decks']} decks, "
        f"{report['reviews']:,} answers over {s['days']} days (seed {s['seed']}); "
        f"today {report['today']}: {c['overdue']:,} overdue, {c['due_today']:,} due today, "
        f"{c['new']:,} new, {c['suspended']:,} suspended, {c['redrill_today']} in the re-drill"
    )
    machine = report["machine"]
    console.print(
        f"{machine['cpus']} CPUs, Python {machine['python']}, SQLite {machine['sqlite']}, "
        f"anki {machine['anki'] or '(not used)'}; build {report['build_seconds_total']:.0f} s"
        + (" (reused)" if report["reused"] else "")
        + "; load average {before} before, {after} after".format(
            **{k: "?" if v is None else f"{v:.1f}" for k, v in machine["load_average_1min"].items()}
        )
    )
    table = Table(title="Measures (median of the runs)")
    for name in ("measure", "median", "min", "max", "runs", "target", "result", "note"):
        table.add_column(
            name, justify="right" if name in ("median", "min", "max", "runs") else "left"
        )
    for measure in results["measures"].values():
        j = measure.as_json()
        table.add_row(
            j["label"],
            fmt(j["median"], j["unit"]),
            fmt(j["min"], j["unit"]),
            fmt(j["max"], j["unit"]),
            str(j["runs"]),
            j["target"],
            j["status"],
            j["note"],
        )
    console.print(table)
    side = Table(
        title="Side by side with Anki (same cards, same due spread, same run, interleaved)"
    )
    for name in ("measure", "trainer", "Anki", "ratio", "target", "result"):
        side.add_column(name)
    for key, label in SIDE_LABELS.items():
        r = results["ratios"].get(key)
        if r is None:
            side.add_row(label, "—", "—", "—", "", "Anki not measured")
            continue
        side.add_row(
            label,
            fmt(r["trainer_ms"], "ms"),
            fmt(r["anki_ms"], "ms"),
            f"{r['ratio']:.2f}",
            r["target"],
            r["status"],
        )
    console.print(side)
    for who, text in results.get("durability", {}).items():
        if who != "pragmas":
            console.print(f"commit durability, {who}: {text}")


SIDE_LABELS = {
    "queue_first": "today's queue, first call in a process",
    "queue_again": "today's queue, again",
    "answer": "one answer, committed",
}


def markdown(report: dict[str, Any], results: dict[str, Any]) -> str:
    """The two tables in Markdown, for the README's Performance section."""
    lines = [
        "| measure | median | min | max | runs | target | result |",
        "|---|--:|--:|--:|--:|---|---|",
    ]
    for measure in results["measures"].values():
        j = measure.as_json()
        lines.append(
            f"| {j['label']} | {fmt(j['median'], j['unit'])} | {fmt(j['min'], j['unit'])} "
            f"| {fmt(j['max'], j['unit'])} | {j['runs']} | {j['target']} | {j['status']} |"
        )
    lines += ["", "| side by side with Anki | trainer | Anki | ratio | target | result |"]
    lines.append("|---|--:|--:|--:|---|---|")
    for key, label in SIDE_LABELS.items():
        r = results["ratios"].get(key)
        if r is not None:
            lines.append(
                f"| {label} | {fmt(r['trainer_ms'], 'ms')} | {fmt(r['anki_ms'], 'ms')} "
                f"| {r['ratio']:.2f} | {r['target']} | {r['status']} |"
            )
    for who, text in results.get("durability", {}).items():
        if who != "pragmas":
            lines.append(f"\nCommit durability, {who}: {text}.")
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (2,000 cards, 20,000 answers)"
    )
    parser.add_argument("--cards", type=int, help="cards (default 100,000; two per entry)")
    parser.add_argument("--decks", type=int, default=20, help="decks (default 20)")
    parser.add_argument("--reviews", type=int, help="review-log rows (default 1,000,000)")
    parser.add_argument("--days", type=int, default=730, help="days of history (default 730)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic collection")
    parser.add_argument("--repeat", type=int, help="runs per measure (default 5, quick 3)")
    parser.add_argument("--answers", type=int, default=200, help="answers to time (default 200)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every figure to PATH")
    parser.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="build into DIR and keep it; a later run with the same sizes on the same "
        "study day reuses the build (default: a temporary folder, removed)",
    )
    parser.add_argument("--no-anki", action="store_true", help="skip the Anki side")
    parser.add_argument(
        "--scale",
        action="store_true",
        help="instead of the full run: the main measures at 10,000, 30,000, 100,000 and "
        "300,000 cards (ten answers a card), one table row per size; fewer runs "
        "(--scale-repeat), no Anki side",
    )
    parser.add_argument(
        "--scale-cards",
        type=lambda text: tuple(int(x) for x in text.split(",")),
        default=SCALE_CARDS,
        metavar="N,N,...",
        help="the store sizes of --scale (default 10000,30000,100000,300000)",
    )
    parser.add_argument(
        "--scale-repeat", type=int, default=3, help="runs per measure with --scale (default 3)"
    )
    parser.add_argument(
        "--markdown", type=Path, metavar="PATH", help="write the tables in Markdown to PATH"
    )
    parser.add_argument(
        "--fsrs",
        action="store_true",
        help="only the FSRS measures (switching, queue, answer, optimize, simulate), on a "
        "copy of the built store",
    )
    args = parser.parse_args(argv)
    cards = args.cards or (QUICK["cards"] if args.quick else 100_000)
    reviews = args.reviews or (QUICK["reviews"] if args.quick else 1_000_000)
    args.sizes = synth.Sizes(
        cards=cards, decks=args.decks, reviews=reviews, days=args.days, seed=args.seed
    )
    args.repeat = args.repeat or (3 if args.quick else 5)
    args.export_runs = min(args.repeat, 3)
    args.answer_rounds = min(args.repeat, 3)  # answer probes per side, each on a fresh copy
    args.scale_answers = 100
    return args


def machine_info(load_before: float | None, anki_version: str | None) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "anki": anki_version,
        "load_average_1min": {
            "before": load_before,
            "after": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        },
    }


def main_scale(
    args: argparse.Namespace, folder: Path, load_before: float | None, argv: list[str] | None
) -> int:
    try:
        scale = run_scale(args, folder)
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    machine = machine_info(load_before, None)
    print(
        f"{machine['cpus']} CPUs, Python {machine['python']}, SQLite {machine['sqlite']}; "
        "load average (1 min) {before} before, {after} after".format(
            **{k: "?" if v is None else f"{v:.1f}" for k, v in machine["load_average_1min"].items()}
        )
    )
    render_scale(scale)
    if args.markdown:
        args.markdown.write_text(scale_markdown(scale))
    if args.json:
        payload = {
            "command": " ".join(
                [Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)]
            ),
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine,
            "scale": scale,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    broken = [
        f"{row['cards']:,} cards: {j['label']}"
        for row in scale["rows"]
        for j in row["measures"].values()
        if j["status"].startswith("failed")
    ]
    for label in broken:
        print(f"error: {label}: the measure failed (see the table)", file=sys.stderr)
    return 1 if broken else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    anki_version = None if args.no_anki else ankiside.available()
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="trainer-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.scale:
        return main_scale(args, folder, load_before, argv)
    try:
        built = build_all(folder, args.sizes, with_anki=anki_version is not None)
        if args.fsrs:
            cache_bytecode()
            results = {"measures": fsrs_measures(folder, args), "anki": {}, "ratios": {}}
            results["durability"] = {}
        else:
            results = measure_all(folder, args, anki_version)
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    report = {
        "command": " ".join([Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(load_before, anki_version),
        "sizes": asdict(args.sizes),
        "reviews": built["reviews"],
        "today": built["today"],
        "collection": built["collection"],
        "build_seconds": built["build_seconds"],
        "build_seconds_total": built.get("seconds", 0.0),
        "reused": built.get("reused", False),
        "anki_build": built.get("anki"),
        "repeat": args.repeat,
    }
    render(report, results)
    if args.markdown:
        args.markdown.write_text(markdown(report, results))
    if args.json:
        payload = report | {
            "measures": {k: v.as_json() for k, v in results["measures"].items()},
            "anki": {k: v.as_json() for k, v in results["anki"].items()},
            "ratios": results["ratios"],
            "durability": results["durability"],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    # A missed target is a finding, not an error; a measure that broke is an error.
    broken = [
        m.label
        for m in [*results["measures"].values(), *results["anki"].values()]
        if m.status.startswith("failed")
    ]
    for label in broken:
        print(f"error: {label}: the measure failed (see the table)", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
