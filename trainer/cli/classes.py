"""`trainer class`: the instructor's view of a class sharing one store (PostgreSQL or SQLite)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from trainer.cli.context import AppContext, deck_option, pass_app
from trainer.cli.output import echo, echo_json, print_rich
from trainer.printable import plural


@click.group(name="class")
def class_() -> None:
    """See how a class is doing: every learner sharing the store.

    Point trainer at the class store with --db (or TRAINER_DB), for example
    postgresql+psycopg://teacher@db.example.org/glossary.

    Example:

    \b
        trainer --db postgresql+psycopg://teacher@db/glossary class report
    """


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-09-01") from None


@class_.command()
@deck_option("Only this deck (repeat for several; default: all decks).")
@click.option(
    "--since",
    metavar="DATE",
    callback=_since,
    help="Count answers from this study day on (YYYY-MM-DD; default: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    metavar="PATH",
    help="Write one row per learner to a CSV file (UTF-8, for spreadsheets).",
)
@pass_app
def report(
    app: AppContext,
    slugs: tuple[str, ...],
    since: date | None,
    as_json: bool,
    csv_path: Path | None,
) -> None:
    """One row per learner and the entries the class finds hardest.

    Per learner: answers and study days (since --since), the current streak,
    cards seen of the decks, mature cards (interval of 21 days or more), true
    retention, overdue cards and the last study day. Then the entries with the
    lowest average E-Factor, the most lapses and the lowest share of answers
    graded 3 or more. Each answer counts for the study day its learner's trainer
    logged it on; today is your study day (settings.toml, TRAINER_TZ).

    Example:

    \b
        trainer class report
        trainer class report --deck foundational --since 2026-09-01
        trainer class report --csv class.csv
        trainer class report --json
    """
    if as_json and csv_path is not None:
        raise click.UsageError("choose one of --json and --csv")
    from trainer.progress.classreport import class_report, report_to_json, write_csv

    store = app.open_store()
    result = class_report(store.engine, today=app.today(), decks=list(slugs), since=since)
    if csv_path is not None:
        write_csv(result, csv_path)
        rows = len(result.learners)
        echo(f"Wrote {plural(rows, 'row')} (one per learner) to {csv_path}")
        return
    if as_json:
        echo_json(report_to_json(result))
        return
    from trainer.ui.classreport import EMPTY_MESSAGE, report_view

    if result.empty:
        click.echo(EMPTY_MESSAGE)
        return
    print_rich(report_view(result))
