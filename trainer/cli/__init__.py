"""The `trainer` command line: a thin click layer over the typed core.

Each command group lives in its own module of this package. Those modules import
only click and trainer's light modules at the top; SQLAlchemy, rich and genanki
are imported inside the commands that need them so `trainer --help` stays fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from trainer import __version__
from trainer.cli.context import AppContext
from trainer.errors import TrainerError

if TYPE_CHECKING:
    from collections.abc import Sequence


class TrainerGroup(click.Group):
    """Turns domain errors into one-line click errors (TRAINER_DEBUG=1 re-raises them)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrainerError as error:
            if os.environ.get("TRAINER_DEBUG"):
                raise
            raise click.ClickException(str(error)) from error


def _default_learner() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name on this system (e.g. a bare container uid)
        return "learner"


@click.group(cls=TrainerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trainer")
@click.option(
    "--db",
    envvar="TRAINER_DB",
    metavar="PATH|URL",
    help="Progress store: a SQLite file path or an SQLAlchemy URL "
    "(default: progress.db in the data folder; env TRAINER_DB).",
)
@click.option(
    "--learner",
    envvar="TRAINER_LEARNER",
    default=_default_learner,
    show_default="your user name",
    help="Whose progress to use (env TRAINER_LEARNER): a profile on a SQLite store; on a "
    "class store, your own role (instructors: the learner to read).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, learner: str) -> None:
    """Learn the AI-music-generation glossary with spaced repetition (SM-2).

    Start with `trainer quiz`; see `trainer COMMAND --help` for each command.
    """
    given = ctx.get_parameter_source("learner") is not click.core.ParameterSource.DEFAULT
    ctx.obj = AppContext(db=db, learner=learner, learner_given=given)


def _register() -> None:
    from trainer.cli import deck

    cli.add_command(deck.deck)

    from trainer.cli import export

    cli.add_command(export.export)

    from trainer.cli import ankiimport

    cli.add_command(ankiimport.import_anki)

    from trainer.cli import quiz

    cli.add_command(quiz.quiz)
    cli.add_command(quiz.status)

    from trainer.cli import cards

    cli.add_command(cards.cards)

    from trainer.cli import stats

    cli.add_command(stats.stats)

    from trainer.cli import classes

    cli.add_command(classes.class_)

    from trainer.cli import scheduling

    cli.add_command(scheduling.scheduler)
    cli.add_command(scheduling.optimize)
    cli.add_command(scheduling.simulate)


_register()


def main(args: Sequence[str] | None = None) -> None:
    """The `trainer` console script; `args` defaults to the command line."""
    cli.main(args, prog_name="trainer")
