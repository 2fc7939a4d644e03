"""`trainer class`: the instructor's view of a class sharing one store (PostgreSQL or SQLite)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from trainer.cli.context import AppContext, deck_option, pass_app
from trainer.cli.output import echo, echo_json, print_rich
from trainer.printable import plural


@click.group(name="class")
def class_() -> None:
    """A class sharing one PostgreSQL store: its roles, its learners, its report.

    Point trainer at the class store with --db (or TRAINER_DB), for example
    postgresql+psycopg://teacher@db.example.org/glossary. After `class setup`,
    every learner signs in with their own role and the database lets them see
    and change only their own progress.

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


PASSWORD_FILE_LIMIT = 4096  # bytes: a password file is one short line


@class_.command()
@click.option(
    "--role-prefix",
    metavar="PREFIX",
    help="Name the group roles PREFIXinstructor and PREFIXlearner "
    "(default: the database's name and an underscore).",
)
@pass_app
def setup(app: AppContext, role_prefix: str | None) -> None:
    """Make a PostgreSQL store a class store where the database enforces who sees what.

    Creates the instructor and learner group roles, closes the schema to
    everyone else and adds row-level security: each learner's role reads and
    writes only its own progress; the instructor group reads everyone's and
    manages the decks. Learners already in the store get a role of their name
    (no login until `class add-learner` gives it a password); their progress is
    kept. Run it as the owner of the database (with CREATEROLE), again after
    every upgrade of trainer: it is safe to repeat.

    Example:

    \b
        trainer --db postgresql://teacher@db.example.org/glossary class setup
    """
    from trainer.progress.classroles import setup as setup_class

    store = app.open_store()
    report = setup_class(store.engine, prefix=role_prefix)
    groups = report.groups
    made = "created" if report.created_groups else "kept"
    click.echo(
        f"Class store ready ({made} the roles {groups.instructor} and {groups.learner}); "
        f"row security on {', '.join(report.per_learner_tables)} and learners."
    )
    if report.new_roles:
        names = ", ".join(report.new_roles)
        click.echo(
            f"Learners given a role without a login yet: {names}. "
            "Give each a password: trainer class add-learner NAME"
        )
    for name, why in report.unmapped:
        click.echo(f"Warning: learner {name!r} has no role ({why}); their progress stays", err=True)
    for name in report.other_tables:
        click.echo(f"Warning: table {name!r} is unknown to class setup: instructors only", err=True)


def _read_password_file(path: Path) -> str:
    """The first line of a small regular file (refused with one line otherwise)."""
    import stat

    try:
        with path.open("rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise click.UsageError(f"{path} is not a regular file; give a password file")
            data = handle.read(PASSWORD_FILE_LIMIT + 1)
    except OSError as error:
        raise click.UsageError(f"cannot read the password file {path}: {error.strerror}") from None
    if len(data) > PASSWORD_FILE_LIMIT:
        raise click.UsageError(f"{path} is over {PASSWORD_FILE_LIMIT} bytes: not a password file")
    try:
        first = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise click.UsageError(f"{path} is not UTF-8 text") from None
    if not first or not first[0]:
        raise click.UsageError(f"{path}: the first line (the password) is empty")
    return first[0]


@class_.command(name="add-learner")
@click.argument("name")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Read the password from the first line of FILE (default: ask, without echo).",
)
@pass_app
def add_learner(app: AppContext, name: str, password_file: Path | None) -> None:
    """Give a learner a login role of their name in the class's learner group.

    The password comes from --password-file or a prompt that does not echo,
    never from the command line (shell history, the process list). The server
    receives a SCRAM verifier, not the password. A learner removed earlier (or
    given a role by `class setup`) is let in again with the new password.

    Example:

    \b
        trainer class add-learner amara
        trainer class add-learner bo --password-file bo.pw
    """
    from trainer.progress.classroles import add_learner as add
    from trainer.progress.classroles import require_class, role_name_problem

    problem = role_name_problem(name)
    if problem is not None:
        raise click.UsageError(f"cannot add the learner {name!r}: {problem}")
    store = app.open_store()
    require_class(store.engine, "add-learner")  # before asking for a password
    if password_file is not None:
        password = _read_password_file(password_file)
    else:
        password = click.prompt(
            f"Password for {name}", hide_input=True, confirmation_prompt=True, err=True
        )
    new = add(store.engine, name, password)
    if new:
        click.echo(f"Added the learner {name}: they sign in as the role {name}.")
    else:
        click.echo(f"The learner {name} can sign in (again) with the new password.")


@class_.command(name="remove-learner")
@click.argument("name")
@click.option(
    "--delete-progress",
    is_flag=True,
    help="Also delete the learner's progress and their role (cannot be undone).",
)
@pass_app
def remove_learner(app: AppContext, name: str, delete_progress: bool) -> None:
    """Take a learner's login away; their progress stays unless --delete-progress.

    Example:

    \b
        trainer class remove-learner amara
        trainer class remove-learner amara --delete-progress
    """
    from trainer.progress.classroles import remove_learner as remove

    store = app.open_store()
    remove(store.engine, name, delete_progress=delete_progress)
    if delete_progress:
        click.echo(f"Removed the learner {name}: their role and progress are deleted.")
    else:
        click.echo(
            f"Removed the login of {name}; their progress stays "
            "(--delete-progress deletes it; class add-learner lets them in again)."
        )
