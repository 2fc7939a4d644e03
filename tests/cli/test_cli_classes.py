"""`trainer class report` through click's CliRunner, on the history of tests/class_history.py.

The store is a SQLite file or a PostgreSQL schema given with --db; the decks alpha and
beta are registered (not bundled) so they stay in the store when the command syncs the
bundled decks. The clock is frozen at noon UTC on Mon 23 Nov 2026.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from class_history import ALPHA, BETA, TODAY, write_history
from click.testing import CliRunner, Result
from freezegun import freeze_time
from store_helpers import write_deck

from trainer.cli import cli
from trainer.progress.classreport import class_report, report_to_json
from trainer.progress.store import DeckSource, Store
from trainer.ui.classreport import EMPTY_MESSAGE

NOW = "2026-11-23 12:00:00"
DECKS = ["--deck", "alpha", "--deck", "beta"]
HEADER = ["Learner", "Answers", "Days", "Streak", "Seen", "Mature", "Retention", "Overdue"]
HEADER += ["Last", "day"]


def run(target: str | Path, args: list[str]) -> Result:
    with freeze_time(NOW):
        return CliRunner().invoke(cli, ["--db", str(target), *args])


@pytest.fixture
def target(tmp_path: Path, store_target: str | Path) -> str | Path:
    with Store.open(store_target) as store:
        store.sync_decks(
            [
                DeckSource(write_deck(tmp_path / "decks", "alpha", ALPHA), bundled=False),
                DeckSource(write_deck(tmp_path / "decks", "beta", BETA), bundled=False),
            ]
        )
        write_history(store)
    return store_target


def test_the_report_in_the_terminal(target: str | Path) -> None:
    result = run(target, ["class", "report", *DECKS])
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.output.splitlines()]
    assert lines[0] == "Class report · 4 learners · alpha, beta (12 cards) · up to 23 Nov 2026"
    table = lines[lines.index(next(line for line in lines if "Learner" in line)) :][:6]
    assert [line.split() for line in table] == [
        HEADER,
        ["─" * len(table[1].strip())],
        ["ada", "7", "3", "3", "2", "0", "66.7%", "0", "2026-11-23"],
        ["bob", "4", "2", "0", "4", "1", "100.0%", "1", "2026-11-02"],
        ["cy", "0", "0", "0", "0", "0", "—", "0", "—"],
        ["dee", "6", "3", "2", "2", "0", "100.0%", "0", "2026-11-23"],
    ]
    assert "│ ada 2/12 16.7% █████ " in result.output  # cards seen: 30 columns for 12 cards
    assert "│ ada  66.7% 2/3 ████████████████████ " in result.output  # retention: 20 of 30
    assert "│  cy          — " in result.output
    hardest = lines[lines.index(next(line for line in lines if "Hardest entries" in line)) :]
    text = "\n".join(hardest)
    assert "Lowest average E-Factor (2.50 at the start, 1.30 at the least):" in text
    assert next(line.split()[:6] for line in hardest if "Alpha 2" in line) == [
        "│",
        "Alpha",
        "2",
        "alpha",
        "1",
        "2.43",
    ]
    assert next(line.split()[:7] for line in hardest if "Beta 0" in line) == [
        "│",
        "Beta",
        "0",
        "beta",
        "1",
        "0.0%",
        "0/1",
    ]
    assert all(len(line) <= 80 for line in lines)


@pytest.mark.sqlite_only
def test_json_is_the_report_object(target: str | Path) -> None:
    result = run(target, ["class", "report", *DECKS, "--since", "2026-11-20", "--json"])
    assert result.exit_code == 0, result.output
    with Store.open(target) as store:
        expected = report_to_json(
            class_report(
                store.engine, today=TODAY, decks=["alpha", "beta"], since=TODAY.replace(day=20)
            )
        )
    assert json.loads(result.output) == json.loads(json.dumps(expected))
    assert json.loads(result.output)["since"] == "2026-11-20"


def test_csv_file(target: str | Path, tmp_path: Path) -> None:
    path = tmp_path / "gradebook.csv"
    result = run(target, ["class", "report", "--deck", "beta", "--csv", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote 4 rows (one per learner) to {path}\n"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["learner"], r["answers"], r["cards"], r["last_study_day"]) for r in rows] == [
        ("ada", "0", "4", ""),
        ("bob", "1", "4", "2026-11-01"),
        ("cy", "0", "4", ""),
        ("dee", "4", "4", "2026-11-23"),
    ]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--json", "--csv", "x.csv"], 2, "Error: choose one of --json and --csv"),
        (["--since", "23/11/2026"], 2, "'23/11/2026' is not a date like 2026-09-01"),
        (["--deck", "gamma"], 1, "Error: unknown deck 'gamma'; known decks: "),
    ],
)
def test_bad_options(target: str | Path, args: list[str], code: int, message: str) -> None:
    result = run(target, ["class", "report", *args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.sqlite_only
def test_a_store_without_answers(tmp_path: Path) -> None:
    result = run(tmp_path / "empty.db", ["class", "report"])
    assert result.exit_code == 0, result.output
    assert result.output == EMPTY_MESSAGE + "\n"


@pytest.mark.sqlite_only
def test_an_unreachable_class_server_is_one_line() -> None:
    result = run("postgresql://teacher:secret@127.0.0.1:1/class", ["class", "report"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: cannot connect to the store postgresql+psycopg://teacher:***@127.0.0.1:1/class: "
    )
    assert "secret" not in result.output
    assert len(result.output.splitlines()) == 1


def test_help_has_an_example_and_the_readme_documents_it() -> None:
    for args in (["class", "--help"], ["class", "report", "--help"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0
        assert "Example:" in result.output
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For classes") :]
    for text in ("trainer class report", "--csv", "--json", "postgresql+psycopg://", "[postgres]"):
        assert text in section, text
