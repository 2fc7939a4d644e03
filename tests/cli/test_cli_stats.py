"""`trainer stats` through click's CliRunner: empty history, JSON, the rendered screen.

The history is written through the store's public API with chosen answer times; the
clock of the command is frozen with freezegun (TRAINER_TZ=UTC, rollover 04:00).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from store_helpers import answer_at

from trainer import paths
from trainer.cli import cli
from trainer.progress.store import Store
from trainer.ui.stats import EMPTY_MESSAGE

NOW = "2026-11-23 12:00:00"  # study day Mon 23 Nov 2026
CODEC = "foundational/audio-codec/forward"
CODEC_REVERSE = "foundational/audio-codec/reverse"
ATTENTION = "foundational/attention-mechanism/forward"


def run(args: list[str], env: dict[str, str] | None = None) -> Result:
    with freeze_time(NOW):
        return CliRunner().invoke(cli, args, env=env)


def answer(
    store: Store,
    card_id: str,
    grade: int,
    when: str,
    *,
    ms: int,
    redrill: bool = False,
    learner: str = "ada",
) -> None:
    """Answer as a session does at `when` (UTC): the study day from the time."""
    at = datetime.fromisoformat(when).replace(tzinfo=UTC)
    answer_at(store, card_id, grade, at, ms=ms, redrill=redrill, learner=learner)


@pytest.fixture
def history() -> None:
    """ada's answers on study days 20, 22 and 23 November; bob's on the 23rd."""
    assert run(["stats"]).exit_code == 0  # creates the store and syncs the bundled decks
    store = Store.open(paths.default_store_path())
    try:
        answer(store, CODEC, 4, "2026-11-20 09:00", ms=3000)  # learn
        answer(store, CODEC, 5, "2026-11-22 09:00", ms=2000)  # review, young, passed
        answer(store, ATTENTION, 2, "2026-11-22 09:01", ms=4000)  # learn, into the re-drill
        answer(store, ATTENTION, 3, "2026-11-22 09:02", ms=1000, redrill=True)
        # 03:30 on the 23rd is still study day 22 (rollover 04:00): a late re-drill.
        answer(store, ATTENTION, 4, "2026-11-23 03:30", ms=5000, redrill=True)
        answer(store, CODEC_REVERSE, 5, "2026-11-23 08:00", ms=1000)  # learn
        answer(store, CODEC, 1, "2026-11-23 08:01", ms=6000)  # review, young, failed: lapse
        answer(store, CODEC, 2, "2026-11-23 08:02", ms=2000, redrill=True)
        answer(store, ATTENTION, 5, "2026-11-23 10:00", ms=1000, learner="bob")
    finally:
        store.close()


def screen(*args: str) -> list[str]:
    result = run(["stats", *args], env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_empty_history_is_one_line() -> None:
    result = run(["stats"])
    assert result.exit_code == 0
    assert result.output == EMPTY_MESSAGE + "\n" == "No answers yet: run `trainer quiz`.\n"


def test_empty_history_json_still_has_every_key() -> None:
    data = json.loads(run(["stats", "--json"]).output)
    assert data["counts"]["new"] == data["counts"]["total"] == 96
    assert data["streak"] == {"current": 0, "longest": 0, "days_studied": 0}
    assert data["calendar"]["days"] == {}
    assert data["leeches"] == []


def test_json_figures(history: None) -> None:
    result = run(["stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["learner"] == "ada"
    assert data["today"] == {
        "day": "2026-11-23",
        "cards": 2,
        "answers": 3,
        "passed": 1,
        "passed_share": 0.3333,
        "learned": 1,
        "redrill_answers": 1,
        "redrill_pending": 1,
        "seconds": 9.0,
    }
    assert data["counts"] == {
        "new": 93,
        "learning": 3,
        "young": 0,
        "mature": 0,
        "suspended": 0,
        "buried": 0,
        "retired": 0,
        "total": 96,
    }
    assert data["streak"] == {"current": 2, "longest": 2, "days_studied": 3}
    assert data["calendar"]["days"] == {"2026-11-20": 1, "2026-11-22": 4, "2026-11-23": 3}
    assert data["forecast"]["days"][:3] == [
        {"day": "2026-11-23", "due": 1},  # attention: failed on the 22nd
        {"day": "2026-11-24", "due": 2},
        {"day": "2026-11-25", "due": 0},
    ]
    assert data["forecast"]["total"] == 3
    week = data["retention"][0]
    assert week["days"] == 7
    assert week["young"] == {"answers": 2, "passed": 1, "share": 0.5}
    assert week["mature"] == {"answers": 0, "passed": 0, "share": None}
    assert data["grades"] == [0, 1, 2, 1, 2, 2]
    assert data["hours"][3] == 1 and data["hours"][8] == 3 and data["hours"][9] == 4
    assert data["time"] == {
        "days": 30,
        "answers": 8,
        "seconds": 24.0,
        "average_seconds": 3.0,
    }
    # attention-mechanism failed as a new card: no lapse, E-Factor still 2.5: not hard.
    assert data["hardest"] == [
        {
            "card": CODEC,
            "deck": "foundational",
            "entry": "audio-codec",
            "term": "Audio Codec",
            "direction": "forward",
            "ef": 2.6,
            "lapses": 1,
            "interval": 1,
        }
    ]


def test_learner_option_overrides_the_global_one(history: None) -> None:
    bob = json.loads(run(["stats", "--learner", "bob", "--json"]).output)
    assert (bob["learner"], bob["today"]["answers"], bob["counts"]["new"]) == ("bob", 1, 95)
    ada = json.loads(run(["--learner", "bob", "stats", "--learner", "ada", "--json"]).output)
    assert (ada["learner"], ada["today"]["answers"]) == ("ada", 3)
    assert run(["stats", "--learner", "carol"]).output == EMPTY_MESSAGE + "\n"


def test_deck_and_days_options(history: None) -> None:
    data = json.loads(run(["stats", "--deck", "demoscene", "--json"]).output)
    assert data["decks"] == ["demoscene"]
    assert data["counts"]["total"] == data["counts"]["new"]
    assert data["streak"]["days_studied"] == 0
    assert run(["stats", "--deck", "demoscene"]).output == EMPTY_MESSAGE + "\n"
    data = json.loads(run(["stats", "--days", "2", "--json"]).output)
    assert (data["period_days"], data["time"]["answers"]) == (2, 7)


def test_unknown_deck_is_one_error_line(history: None) -> None:
    result = run(["stats", "--deck", "nope"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown deck 'nope'; known decks: foundational, models-architectures, "
        "generation-inference, evaluation-production, demoscene\n"
    )


def test_screen_at_80_columns_without_colour(history: None) -> None:
    lines = screen()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert not any("\x1b" in line for line in lines)
    assert lines[0] == "Statistics for ada · all decks · study day Mon 23 Nov 2026"
    body = [line.strip("│ ") for line in lines]
    for expected in (
        "Studied 2 cards with 3 answers in 9 s · 1 graded ≥ 3 (33.3%)",
        "New cards: 1 · re-drill: 1 answer, 1 card still to re-drill",
        "Streak: 2 days · longest 2 days · 3 study days in all",
        "░ new       93 97%     ▒ learning 3 3%",
        "96 cards in all",
        "Due today: 1 (0 overdue) · tomorrow: 2",
        "Next 7 days: 3 · next 30 days: 3 · average 0.1 a day",
        "Less · ░ ▒ ▓ █ More   · 0  ░ 1  ▒ 2  ▓ 3  █ 4",
        "8 answers on 3 days · busiest: 4 on 22 Nov 2026",
        "7 days          50.0% 1/2                 —   50.0% 1/2",
        "365 days        50.0% 1/2                 —   50.0% 1/2",
        "8 answers in 24 s · 3.0 s per answer",
        "Graded ≥ 3: 5 of 8 (62.5%)",
        "Busiest hour: 09:00–09:59 (4 answers)",
        "Leeches: none (a card becomes a leech at 8 lapses).",
    ):
        assert expected in body, expected
    assert (
        "╭─ Calendar: answers per day, 24 Nov 2025 to 23 Nov 2026 "
        in lines[lines.index(next(line for line in lines if "Calendar" in line))]
    )


def test_heatmap_weeks_are_columns(history: None) -> None:
    lines = screen()
    top = next(i for i, line in enumerate(lines) if "─ Calendar:" in line)
    months, *days = (line.strip("│")[1:] for line in lines[top + 1 : top + 9])
    assert months.split() == [
        "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"
    ]  # fmt: skip
    labels = [day[:4] for day in days]
    assert labels == ["Mon ", "    ", "Wed ", "    ", "Fri ", "    ", "Sun "]
    cells = [day[4:].rstrip() for day in days]
    # 24 Nov 2025 is a Monday: 52 full weeks, then Monday 23 Nov 2026 alone in week 53.
    assert len(cells[0]) == 53 and all(len(row) == 52 for row in cells[1:])
    assert cells[0][-1] == "▓"  # 3 answers today (busiest day 4)
    assert cells[4][-1] == "░"  # Friday 20th: 1
    assert cells[6][-1] == "█"  # Sunday 22nd: 4
    assert set(cells[2]) == {"·"}


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["stats", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "--days" in result.output and "--learner NAME" in result.output


NO_HEAVY_IMPORTS = """\
import contextlib, io, json, sys

from trainer.cli import main

out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(["stats", "--json"])
    except SystemExit as done:
        assert not done.code, done.code
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"sqlalchemy", "rich"})
print(json.dumps({"loaded": loaded, "output": json.loads(out.getvalue())}))
"""


def test_json_on_a_fresh_sqlite_store_imports_neither_sqlalchemy_nor_rich(history: None) -> None:
    """A synced, migrated SQLite store is read with the standard library's sqlite3 alone."""
    assert run(["stats"]).exit_code == 0  # the store is synced and migrated
    done = subprocess.run(
        [sys.executable, "-P", "-c", NO_HEAVY_IMPORTS],  # -P: the installed trainer, not ./trainer
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TRAINER_LEARNER": "ada"},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["loaded"] == []
    assert result["output"]["learner"] == "ada"
    assert result["output"]["streak"]["days_studied"] == 3
    assert result["output"]["counts"]["total"] == 96
