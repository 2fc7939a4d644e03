"""`trainer scheduler`, `optimize`, `simulate`, and the quiz and stats under FSRS (CliRunner).

The store comes from a learner who studied the bundled decks for 60 days under SM-2
(tests/fsrs_learner.py), built once and copied for each test. Time is frozen the day
after.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import fsrs_rs_python as lib
import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from fsrs_learner import START, study

from trainer import paths
from trainer.cli import cli
from trainer.model import CardState, Grade, ReviewKind
from trainer.progress.store import Store
from trainer.scheduling.fsrs import FSRSScheduler, format_parameters
from trainer.ui.quiz import format_interval

DAYS = 60
TODAY = START + timedelta(days=DAYS)
WHEN = f"{TODAY.isoformat()} 09:00:00"
INSTALL = "Error: FSRS needs the optional extra: pip install 'trainer[fsrs]'"


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fsrs-cli") / "progress.db"
    with Store.open(path) as store:
        study(store, days=DAYS)
    return path


@pytest.fixture
def home(studied: Path, trainer_home: Path) -> Path:
    trainer_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(studied, paths.default_store_path())
    return trainer_home


def run(*args: str, text: str = "", when: str = WHEN) -> Result:
    with freeze_time(when):
        return CliRunner().invoke(cli, list(args), input=text)


def ok(*args: str, text: str = "") -> Result:
    result = run(*args, text=text)
    assert result.exit_code == 0, result.output
    return result


def states() -> dict[str, CardState]:
    with Store.open(paths.default_store_path()) as store:
        return store.card_states("ada")


def config_json() -> dict[str, object]:
    result: dict[str, object] = json.loads(ok("scheduler", "--json").stdout)
    return result


def one_error(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == message + "\n"


# -- trainer scheduler ------------------------------------------------------------------


def test_sm2_is_the_default(home: Path) -> None:
    assert ok("scheduler").stdout == "Scheduler: SM-2 (the default)\n"
    assert config_json() == {"scheduler": "sm2", "desired_retention": None, "parameters": []}


def test_switching_to_fsrs_and_back_gives_the_same_states(home: Path) -> None:
    before = states()
    studied_cards = sum(1 for s in before.values() if not s.is_new)
    result = ok("scheduler", "use", "fsrs", "--retention", "0.85")
    match = re.fullmatch(
        r"Switched to FSRS at desired retention 0\.85: memory states of (\d+) cards"
        r" from ([\d,]+) answers; due dates kept\.\n",
        result.stdout,
    )
    assert match, result.stdout
    assert int(match[1]) == studied_cards
    fsrs = states()
    for card_id, state in before.items():
        after = fsrs[card_id]
        assert (after.n, after.ef, after.interval, after.due, after.lapses) == (
            state.n,
            state.ef,
            state.interval,
            state.due,
            state.lapses,
        )
        assert (after.stability is None) == state.is_new
        assert after.difficulty is None or 1 <= after.difficulty <= 10
    assert config_json() == {
        "scheduler": "fsrs",
        "desired_retention": 0.85,
        "parameters": lib.DEFAULT_PARAMETERS,
    }
    out = ok("scheduler").stdout.splitlines()
    assert out[:2] == ["Scheduler: FSRS-6", "Desired retention: 0.85"]
    assert out[2] == "Parameters (fsrs-rs's defaults): " + format_parameters(lib.DEFAULT_PARAMETERS)
    result = ok("scheduler", "use", "sm2")
    assert re.fullmatch(
        rf"Switched to SM-2: {len(before)} cards replayed from [\d,]+ answers\.\n", result.stdout
    )
    assert states() == before  # card for card, the memory state gone again
    # the FSRS settings are kept for the next switch
    assert (
        ok("scheduler")
        .stdout.splitlines()[1]
        .startswith("FSRS settings kept for `trainer scheduler use fsrs`: desired retention 0.85")
    )
    assert config_json()["scheduler"] == "sm2"


def test_use_json_and_changing_only_the_retention(home: Path) -> None:
    ok("scheduler", "use", "fsrs")
    fsrs = states()
    result = ok("scheduler", "use", "fsrs", "--retention", "0.9", "--json")
    assert json.loads(result.stdout)["desired_retention"] == 0.9
    assert states() == fsrs
    assert ok("scheduler", "use", "fsrs", "--retention", "0.80").stdout == (
        "FSRS, desired retention now 0.80.\n"
    )


# -- the quiz under FSRS ----------------------------------------------------------------


def test_the_quiz_under_fsrs_labels_grades_previews_and_redrills(home: Path) -> None:
    ok("scheduler", "use", "fsrs", "--retention", "0.90")
    with Store.open(paths.default_store_path()) as store:
        due = store.due_cards("ada", [], TODAY)
    first = due[0]
    scheduler = FSRSScheduler(0.90)
    preview = scheduler.preview(
        first.state, day=TODAY, kind=ReviewKind.REVIEW, card_id=first.card.id
    )
    # the first due card: Again, then Good in the re-drill; then quit
    result = ok("quiz", "--seed", "1", "--new", "0", text="\n1\nq\n")
    out = result.stdout
    assert "0 again" in out and "2 again" in out and "3 hard" in out and "5 easy" in out
    for grade, label in (
        (Grade.INCORRECT_REMEMBERED, "1 again"),
        (Grade.HARD, "3 hard"),
        (Grade.GOOD, "4 good"),
        (Grade.PERFECT, "5 easy"),
    ):
        assert f"{label} · {format_interval(preview[grade])}" in out
    assert "1 again: back in today's re-drill" in out
    after = states()[first.card.id]
    expected = scheduler.review(
        first.state, Grade(1), day=TODAY, kind=ReviewKind.REVIEW, card_id=first.card.id
    )
    assert after == expected
    assert after.interval == preview[Grade.INCORRECT_REMEMBERED]
    # the re-drill later today: the memory state moves, and so does the schedule
    redrill_preview = scheduler.preview(
        after, day=TODAY, kind=ReviewKind.REDRILL, card_id=first.card.id
    )
    result = ok("quiz", "--seed", "1", "--new", "0", text="\n4\nq\n")
    again = states()[first.card.id]
    assert again.stability != after.stability
    assert again.interval == redrill_preview[Grade.GOOD]
    days = "day" if again.interval == 1 else "days"
    assert f"4 good: done for today, next in {again.interval} {days} ({again.due})" in (
        result.stdout
    )


def test_the_quiz_help_under_fsrs(home: Path) -> None:
    ok("scheduler", "use", "fsrs")
    out = ok("quiz", "--new", "0", text="\n?\nq\n").stdout
    assert "FSRS: 0-2 are Again (forgotten), 3 Hard, 4 Good, 5 Easy" in " ".join(out.split())


# -- trainer optimize -------------------------------------------------------------------


def test_optimize_json_and_apply(home: Path) -> None:
    data = json.loads(ok("optimize", "--json").stdout)
    assert set(data) == {"reviews", "parameters", "evaluation", "applied"}
    assert data["reviews"] > 100 and len(data["parameters"]) == 21 and not data["applied"]
    assert set(data["evaluation"]) == {"fsrs", "fsrs_default", "sm2"}
    for metrics in data["evaluation"].values():
        assert set(metrics) == {"log_loss", "rmse_bins"}
        assert 0 < metrics["log_loss"] < 2 and 0 <= metrics["rmse_bins"] < 1
    assert config_json()["scheduler"] == "sm2"  # nothing stored without --apply
    ok("scheduler", "use", "fsrs")
    memory = states()
    applied = json.loads(ok("optimize", "--apply", "--json").stdout)
    assert applied["parameters"] == data["parameters"] and applied["applied"]
    assert config_json()["parameters"] == data["parameters"]
    assert states() != memory  # the memory states follow the new parameters


def test_optimize_screen(home: Path) -> None:
    out = ok("optimize").stdout
    assert re.search(
        r"^Reviews used: [\d,]+ \([\d,]+ answers predicted from earlier ones\)$", out, re.M
    )
    assert "Parameters (fitted, Anki's format):" in out
    assert re.search(r"^(\d+\.\d{4}, ){20}\d+\.\d{4}$", out, re.M)
    assert "How well each predicts your later" in out
    for row in ("FSRS, fitted", "FSRS, default parameters", "SM-2"):
        assert re.search(rf"^ *{re.escape(row)} +\d\.\d{{4}} +\d\.\d{{4}}$", out, re.M), row
    assert out.rstrip().endswith("Not stored: add --apply to use them.")


def test_parameters_from_anki_both_ways(home: Path) -> None:
    anki = (
        "0.4000, 1.2000, 3.1000, 15.5000, 7.0000, 0.5000, 1.5000, 0.0050, 1.5000, 0.1200,"
        " 1.0000, 1.8000, 0.1000, 0.3000, 2.2000, 0.2000, 2.9000, 0.5100, 0.3000, 0.0800, 0.2000"
    )
    data = json.loads(ok("optimize", "--parameters", anki, "--apply", "--json").stdout)
    assert format_parameters(data["parameters"]) == anki
    with Store.open(paths.default_store_path()) as store:  # kept for FSRS while on SM-2
        assert format_parameters(store.scheduler_config("ada").parameters) == anki
    ok("scheduler", "use", "fsrs")
    assert ok("scheduler").stdout.splitlines()[2] == f"Parameters (fitted): {anki}"
    out = ok("optimize", "--parameters", anki).stdout
    assert "Parameters (given, Anki's format):" in out and "FSRS, given parameters" in out


# -- trainer simulate -------------------------------------------------------------------


def test_simulate_json(home: Path) -> None:
    rows = json.loads(ok("simulate", "--days", "40", "--retention", "0.95,0.80", "--json").stdout)
    assert [(r["scheduler"], r["retention"]) for r in rows] == [
        ("sm2", None),
        ("fsrs", 0.8),
        ("fsrs", 0.95),
    ]
    for row in rows:
        assert set(row) == {
            "scheduler",
            "retention",
            "reviews_per_day",
            "minutes_per_day",
            "memorized",
        }
    assert rows[1]["reviews_per_day"] < rows[2]["reviews_per_day"]
    assert rows[1]["memorized"] < rows[2]["memorized"]


def test_simulate_screen(home: Path) -> None:
    out = ok("simulate", "--days", "30", "--retention", "0.85,0.9", "--new-per-day", "5").stdout
    lines = out.splitlines()
    assert re.match(r"^ *scheduler +reviews/day +minutes/day +remembered on day 30$", lines[0])
    assert any(re.match(r"^ *SM-2 +\d+\.\d +\d+\.\d +[\d,]+$", line) for line in lines)
    assert any(re.match(r"^ *FSRS 0\.85 +\d+\.\d +\d+\.\d +[\d,]+$", line) for line in lines)
    assert "Minutes a day (bar) and cards remembered at the end:" in out
    assert re.search(r"^     SM-2 █+.* min  [\d,]+$", out, re.M)
    assert "(5 new and at most 200 reviews a day)" in " ".join(out.split())
    assert "Recall follows FSRS fitted to your log just now (not stored)" in " ".join(out.split())


# -- stats under FSRS -------------------------------------------------------------------


def test_stats_show_fsrs_distributions_only_under_fsrs(home: Path) -> None:
    assert json.loads(ok("stats", "--json").stdout)["fsrs"] is None
    assert "FSRS memory states" not in ok("stats").stdout
    ok("scheduler", "use", "fsrs")
    data = json.loads(ok("stats", "--json").stdout)["fsrs"]
    studied = sum(1 for s in states().values() if not s.is_new)
    assert data["cards"] == studied
    assert sum(b["cards"] for b in data["retrievability"]) == studied
    assert sum(b["cards"] for b in data["stability"]) == studied
    assert sum(b["cards"] for b in data["difficulty"]) == studied
    assert 0 < data["remembered_today"] <= studied
    assert data["desired_retention"] == 0.9
    screen = ok("stats").stdout
    assert "FSRS memory states" in screen
    assert re.search(r"Estimated remembered today: [\d,]+ of \d+ cards", screen)
    for title in (
        "Retrievability today:",
        "Stability (days to 90 % recall):",
        "Difficulty (1-10):",
    ):
        assert title in screen


# -- bad input: one line, nothing changed -----------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("scheduler", "use", "fsrs", "--retention", "0.5"),
            "Error: desired retention must be between 0.70 and 0.97 (e.g. --retention 0.90),"
            " got 0.5",
        ),
        (
            ("scheduler", "use", "fsrs", "--retention", "0.98"),
            "Error: desired retention must be between 0.70 and 0.97 (e.g. --retention 0.90),"
            " got 0.98",
        ),
        (
            ("optimize", "--parameters", "0.2, 1.3, 2.3", "--apply"),
            "Error: FSRS needs 17, 19 or 21 parameters (as Anki shows them), got 3",
        ),
        (
            ("optimize", "--parameters", "0.2, one, 2.3", "--apply"),
            "Error: FSRS parameter 2 is not a number: 'one' (give comma-separated numbers as"
            " Anki shows them)",
        ),
        (
            ("simulate", "--retention", "0.8,1.2"),
            "Error: desired retention must be between 0.70 and 0.97 (e.g. --retention 0.90),"
            " got 1.2",
        ),
        (
            ("simulate", "--retention", "0.8,x"),
            "Error: --retention takes numbers separated by commas (e.g. 0.80,0.90), got 'x'",
        ),
        (("simulate", "--days", "0"), "Error: --days must be 1-3650, got 0"),
        (("simulate", "--new-per-day", "-1"), "Error: --new-per-day must be 0-1000, got -1"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    home: Path, args: tuple[str, ...], message: str
) -> None:
    before, config = states(), config_json()
    one_error(run(*args), message)
    assert states() == before and config_json() == config


def test_a_learner_with_no_reviews(home: Path) -> None:
    for args, message in (
        (
            ("--learner", "zoe", "optimize"),
            "Error: too few reviews to fit FSRS: 0 answers to cards seen on an earlier day,"
            " 10 needed; the current parameters are kept",
        ),
        (
            ("--learner", "zoe", "simulate"),
            "Error: no reviews to simulate from: answer some cards with `trainer quiz` first",
        ),
    ):
        one_error(run(*args), message)
    with Store.open(paths.default_store_path()) as store:
        assert store.scheduler_config("zoe").name == "sm2"


@pytest.fixture
def without_fsrs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if the extra were not installed: importing fsrs_rs_python fails."""
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)
    yield


def test_without_the_extra_fsrs_commands_say_how_to_install_it(
    home: Path, without_fsrs: None
) -> None:
    before = states()
    for args in (
        ("scheduler", "use", "fsrs"),
        ("optimize",),
        ("optimize", "--apply"),
        ("simulate",),
    ):
        one_error(run(*args), INSTALL)
    assert states() == before
    # SM-2 works as before
    assert ok("scheduler").stdout == "Scheduler: SM-2 (the default)\n"
    assert "4 good" in ok("quiz", "--new", "1", text="\n4\n").stdout
    assert ok("scheduler", "use", "sm2").exit_code == 0


def test_a_learner_on_fsrs_without_the_extra_is_told_once(home: Path, monkeypatch) -> None:
    ok("scheduler", "use", "fsrs")
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)
    before = states()
    one_error(run("quiz", "--new", "1", text="\n4\n"), INSTALL)
    one_error(run("scheduler"), INSTALL)
    assert states() == before
    # switching back to SM-2 needs no FSRS
    assert ok("scheduler", "use", "sm2").stdout.startswith("Switched to SM-2:")


def test_retention_with_sm2_is_a_usage_error(home: Path) -> None:
    result = run("scheduler", "use", "sm2", "--retention", "0.9")
    assert result.exit_code == 2
    assert "--retention is an FSRS setting: use it with `use fsrs`" in result.stderr
