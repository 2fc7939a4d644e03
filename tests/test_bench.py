"""scripts/bench.py keeps working: the synthetic store is deterministic and consistent, and
the quick run reports every measure. No timing is asserted anywhere: timings are the
script's output, not its correctness."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

import bench  # noqa: E402
from benchlib import synth  # noqa: E402

NOW = datetime(2026, 3, 14, 18, 30, tzinfo=UTC)
SMALL = synth.Sizes(cards=400, decks=4, reviews=4_000, days=200, seed=7)
MEASURES = {
    "help",
    "import_store",
    "status",
    "queue_first",
    "queue_again",
    "answer",
    "stats",
    "sync",
    "export",
    "export_process",
    "quiz_first",
    "quiz_rss",
    "stats_screen",
    "parse",
    "export_progress",
    "import_present",
    "import_fresh",
}


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> synth.Built:
    return synth.build(tmp_path_factory.mktemp("bench-small"), SMALL, now=NOW)


def test_synthetic_store_has_the_sizes_asked_for(small: synth.Built) -> None:
    db = small.db_path
    assert small.reviews == 4_000
    assert _rows(db, "SELECT count(*) FROM reviews") == [(4_000,)]
    assert _rows(db, "SELECT count(*) FROM cards WHERE deck_slug LIKE 'bench-%'") == [(400,)]
    assert _rows(db, "SELECT count(DISTINCT learner_id) FROM reviews") == [(1,)]
    assert [p.name for p in small.deck_paths] == [f"bench-0{i}.toml" for i in range(1, 5)]
    c = small.summary
    assert (
        c["studied"]
        + c["new"]
        + sum(
            1
            for j, s in enumerate(small.collection.suspended)
            if s and small.collection.due[j] is None
        )
        == 400
    )
    for key in ("overdue", "due_today", "future", "new", "suspended"):
        assert c[key] > 0, key


def test_review_chains_are_consistent(small: synth.Built) -> None:
    """Each row's state before is the previous row's state after; re-drill rows change
    nothing; the card's state is its last row's state after."""
    rows = _rows(
        small.db_path,
        "SELECT card_id, kind, n_before, ef_before, interval_before, due_before, lapses_before, "
        "n_after, ef_after, interval_after, due_after, lapses_after, day FROM reviews ORDER BY id",
    )
    last: dict[str, tuple[object, ...]] = {}
    days: dict[str, str] = {}
    for card, kind, *states, day in rows:
        before, after = tuple(states[:5]), tuple(states[5:])
        if card not in last:
            assert kind == "learn" and before == (0, 250, 0, None, 0)
        else:
            assert before == last[card]
            assert day >= days[card]
        if kind == "redrill":
            assert before == after
        last[card], days[card] = after, day
    states = _rows(
        small.db_path,
        "SELECT card_id, n, ef, interval, due, lapses FROM card_states "
        "WHERE card_id LIKE 'bench-%' AND due IS NOT NULL",
    )
    assert {card: tuple(rest) for card, *rest in states} == last


def test_the_build_is_deterministic(small: synth.Built, tmp_path: Path) -> None:
    again = synth.build(tmp_path, SMALL, now=NOW)
    sql = "SELECT * FROM reviews ORDER BY id"
    assert _rows(again.db_path, sql) == _rows(small.db_path, sql)
    sql = "SELECT * FROM card_states ORDER BY card_id"
    assert _rows(again.db_path, sql) == _rows(small.db_path, sql)
    assert [p.read_text() for p in again.deck_paths] == [p.read_text() for p in small.deck_paths]


def test_quick_run_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench.py"), "--quick", "--repeat", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["sizes"]["cards"] == 2_000
    assert report["sizes"]["reviews"] == 20_000
    assert report["sizes"]["decks"] == 20
    assert report["reviews"] == 20_000
    assert report["machine"]["cpus"] >= 1
    assert report["machine"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert set(report["measures"]) == MEASURES
    for key, measure in report["measures"].items():
        assert {"median", "min", "max", "runs", "target", "status", "unit"} <= set(measure), key
        assert not measure["status"].startswith("failed"), (key, measure)
        if measure["status"] == "not available yet":
            assert measure["median"] is None and measure["runs"] == 0
        else:
            assert measure["min"] <= measure["median"] <= measure["max"], key
    if importlib.util.find_spec("anki") is not None:
        for key in ("queue_first", "queue_again", "answer", "open"):
            assert report["anki"][key]["median"] is not None, key
        assert set(report["ratios"]) == {"queue_first", "queue_again", "answer"}
        pragmas = report["durability"]["pragmas"]
        assert pragmas["anki"]["journal_mode"] == "wal"
        assert {"journal_mode", "synchronous", "locking_mode"} <= set(pragmas["trainer"])
    assert "Measures" in done.stdout and "Side by side with Anki" in done.stdout


def test_scale_run_has_a_row_per_size(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    md = tmp_path / "scale.md"
    done = subprocess.run(
        [
            *(sys.executable, str(SCRIPTS / "bench.py"), "--scale", "--scale-cards", "400,800"),
            *("--scale-repeat", "1", "--json", str(out), "--markdown", str(md)),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    scale = json.loads(out.read_text())["scale"]
    assert [row["cards"] for row in scale["rows"]] == [400, 800]
    assert [row["reviews"] for row in scale["rows"]] == [4_000, 8_000]  # ten answers a card
    for row in scale["rows"]:
        assert {key for key, _ in bench.SCALE_COLUMNS} <= set(row["measures"])
        for key, measure in row["measures"].items():
            assert not measure["status"].startswith("failed"), (row["cards"], key, measure)
            assert measure["median"] is not None, (row["cards"], key)
    lines = md.read_text().splitlines()
    assert lines[0].startswith("| cards | answers | status |")
    assert lines[2].startswith("| 400 | 4,000 |") and lines[3].startswith("| 800 | 8,000 |")
    assert lines[4].startswith("| growth | × 2 cards |")
    assert "How cost grows with the store" in done.stdout
