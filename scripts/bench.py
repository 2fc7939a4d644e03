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


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str, float]:
    """Peak resident memory (MB) of `cmd`, whose stdin is at EOF from the start.

    `trainer quiz` shows the first card, then reads the answer, gets EOF and ends:
    the peak covers everything up to the first card (and the clean exit after it).
    A small helper process (benchlib/probes.py rss) starts it and reads its own
    rusage with os.wait4: started from this big process, the child's peak would
    include the pages it shares with this one between fork and exec.
    """
    result = run_probe(env, "rss", *cmd)
    if "error" in result:
        return 0.0, -1, result["error"], 0.0
    return result["peak_mb"], result["exit"], result["output"], result["seconds"]


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

    # 3. today's queue, in fresh processes
    first = add(
        Measure("queue_first", "today's queue, first call in a process", "ms", "≤ 0.5 × Anki")
    )
    again = add(Measure("queue_again", "today's queue, again", "ms", "(for information)"))
    for _ in range(runs):
        result = run_probe(env, "queue", str(db), synth.LEARNER)
        if "error" in result:
            for x in (first, again):
                x.status = NOT_AVAILABLE if unavailable(result["error"]) else "failed"
                x.note = result["error"]
            break
        first.samples.append(result["first"] * 1000)
        again.samples.append(result["again"] * 1000)
        first.extra = {
            "queue": result["queue"],
            "store_open_ms": result["open"] * 1000,
            "deck_list_ms": result["decks"] * 1000,
        }
    if first.extra:
        q = first.extra["queue"]
        first.note = f"{q['reviews']} reviews, {q['new']} new, {q['redrill']} re-drill"

    # 4. one answer, committed
    answer = add(Measure("answer", "one answer, committed (Session.answer)", "ms", "≤ 2 ms", 2))
    result = run_probe(env, "answers", str(db), synth.LEARNER, str(args.answers))
    if "error" in result:
        answer.status = NOT_AVAILABLE if unavailable(result["error"]) else "failed"
        answer.note = result["error"]
    else:
        answer.samples = [t * 1000 for t in result["answers"]]
        answer.extra = {"kinds": result["kinds"]}
        answer.note = f"median over {len(answer.samples)} answers"

    # 5. trainer stats --json
    stats_ = add(Measure("stats", "trainer stats --json (process)", "ms", "≤ 300 ms", 300))
    if command_exists(cmd, env, "stats", flag="--json"):
        time_process(stats_, [*cmd, "stats", "--json"], env, runs)

    # 6. deck sync, nothing changed
    sync = add(Measure("sync", "deck sync, no deck changed (Store.sync_decks)", "ms", "≤ 5 ms", 5))
    result = run_probe(env, "sync", str(db), str(max(runs, 20)))
    if "error" in result:
        sync.status = NOT_AVAILABLE if unavailable(result["error"]) else "failed"
        sync.note = result["error"]
    else:
        sync.samples = [t * 1000 for t in result["sync"]]
        sync.note = f"{result['files']} deck files, {result['unchanged']} unchanged"
        if result["updated"] or result["problems"]:
            sync.status = f"failed: changed {result['updated']} {result['problems']}"

    # 7. export to .apkg
    cards = args.sizes.card_count
    export = add(
        Measure("export", f"export of {cards:,} cards to .apkg (export_decks)", "ms", "≤ 2 s", 2000)
    )
    with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
        result = run_probe(env, "export", str(folder / "decks"), out, str(args.export_runs))
    if "error" in result:
        export.status = NOT_AVAILABLE if unavailable(result["error"]) else "failed"
        export.note = result["error"]
    else:
        export.samples = [t * 1000 for t in result["export"]]
        export.extra = {k: result[k] for k in ("parse", "entries", "cards", "bytes")}
        export.note = (
            f"{result['cards']:,} cards, {result['bytes'] / 1e6:.1f} MB; "
            f"parsing the deck files first: {result['parse'] * 1000:.0f} ms"
        )
    export_cli = add(
        Measure("export_process", "trainer export --combined (process)", "ms", "(for information)")
    )
    if command_exists(cmd, env, "export", flag="--combined"):
        with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
            time_process(
                export_cli,
                [*cmd, "export", "--combined", "--out", out],
                env,
                1,  # for information only: one run
                warm_up=False,
            )

    # 8. peak memory of trainer quiz up to the first card
    rss = add(
        Measure("quiz_rss", "peak memory of trainer quiz to the first card", "MB", "≤ 120 MB", 120)
    )
    if command_exists(cmd, env, "quiz"):
        seconds = []
        for _ in range(runs):
            mb, code, out, elapsed = peak_rss_mb([*cmd, "quiz"], env)
            seconds.append(elapsed)
            shown = "Bench term" in out or "Synthetic definition" in out
            if code not in (0, 1) or not shown:
                rss.status = f"failed: exit {code}, first card {'shown' if shown else 'not shown'}"
                rss.note = out.strip().splitlines()[-1] if out.strip() else ""
                rss.samples.clear()
                break
            rss.samples.append(mb)
        if rss.samples:
            rss.extra = {"process_seconds": seconds}
            rss.note = f"whole process (first card, then EOF): {statistics.median(seconds):.2f} s"

    # Anki, same run
    anki = {
        "queue_first": Measure("anki_queue_first", "Anki: first get_queued_cards", "ms", ""),
        "queue_again": Measure("anki_queue_again", "Anki: get_queued_cards again", "ms", ""),
        "answer": Measure("anki_answer", "Anki: one answer (answer_card)", "ms", ""),
        "open": Measure("anki_open", "Anki: open the collection", "ms", ""),
    }
    if anki_version and (folder / "anki" / "collection.anki2").exists():
        for i in range(runs):
            result = run_probe(
                env,
                "anki",
                str(folder / "anki" / "collection.anki2"),
                str(args.answers if i == 0 else 0),
            )
            if "error" in result:
                for x in anki.values():
                    x.status = "failed"
                    x.note = result["error"]
                break
            anki["queue_first"].samples.append(result["queue_first"] * 1000)
            anki["queue_again"].samples.append(result["queue_again"] * 1000)
            anki["open"].samples.append(result["open"] * 1000)
            anki["answer"].samples += [t * 1000 for t in result["answers"]]
            c = result["queue_counts"]
            anki[
                "queue_first"
            ].note = f"{c['review']} reviews, {c['new']} new, {c['learning']} learning"
    for measure in [*m.values(), *anki.values()]:
        measure.judge()

    ratios = {}
    for ours, theirs, limit in (
        (first, anki["queue_first"], 0.5),
        (again, anki["queue_again"], None),
        (answer, anki["answer"], None),
    ):
        if ours.median is not None and theirs.median:
            ratio = ours.median / theirs.median
            ratios[ours.key] = {
                "trainer_ms": ours.median,
                "anki_ms": theirs.median,
                "ratio": ratio,
                "target": f"≤ {limit}" if limit else "",
                "status": ("ok" if ratio <= limit else "missed") if limit else "info",
            }
            if limit:
                ours.status = ratios[ours.key]["status"]
        elif ours.median is not None and limit:
            ours.status = "no Anki figure to compare"
    return {"measures": m, "anki": anki, "ratios": ratios}


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
    side = Table(title="Side by side with Anki (same cards, same due spread, same run)")
    for name in ("measure", "trainer", "Anki", "ratio", "target", "result"):
        side.add_column(name)
    labels = {
        "queue_first": "today's queue, first call in a process",
        "queue_again": "today's queue, again",
        "answer": "one answer, committed",
    }
    for key, label in labels.items():
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
    for key, label in (
        ("queue_first", "today's queue, first call in a process"),
        ("queue_again", "today's queue, again"),
        ("answer", "one answer, committed"),
    ):
        r = results["ratios"].get(key)
        if r is not None:
            lines.append(
                f"| {label} | {fmt(r['trainer_ms'], 'ms')} | {fmt(r['anki_ms'], 'ms')} "
                f"| {r['ratio']:.2f} | {r['target']} | {r['status']} |"
            )
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
        "--markdown", type=Path, metavar="PATH", help="write the tables in Markdown to PATH"
    )
    args = parser.parse_args(argv)
    cards = args.cards or (QUICK["cards"] if args.quick else 100_000)
    reviews = args.reviews or (QUICK["reviews"] if args.quick else 1_000_000)
    args.sizes = synth.Sizes(
        cards=cards, decks=args.decks, reviews=reviews, days=args.days, seed=args.seed
    )
    args.repeat = args.repeat or (3 if args.quick else 5)
    args.export_runs = min(args.repeat, 3)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    anki_version = None if args.no_anki else ankiside.available()
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="trainer-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        built = build_all(folder, args.sizes, with_anki=anki_version is not None)
        results = measure_all(folder, args, anki_version)
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    report = {
        "command": " ".join([Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
            "anki": anki_version,
            "load_average_1min": {
                "before": load_before,
                "after": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            },
        },
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
