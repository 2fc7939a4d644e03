"""`trainer stats`: progress statistics like Anki's statistics screen, or as JSON."""

from __future__ import annotations

import click

from trainer.cli.context import AppContext, deck_option, pass_app
from trainer.cli.output import echo_json, print_rich


@click.command()
@deck_option("Only this deck (repeat for several; default: all decks).")
@click.option(
    "--learner",
    metavar="NAME",
    help="Whose statistics (overrides the global --learner for this command).",
)
@click.option(
    "--days",
    type=click.IntRange(1, 36500),
    default=30,
    show_default=True,
    help="Period of the answers by grade and by hour and of the time spent, in study days.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of panels.")
@pass_app
def stats(
    app: AppContext, slugs: tuple[str, ...], learner: str | None, days: int, as_json: bool
) -> None:
    """Show your progress: today, card counts, forecast, calendar, retention, streaks.

    Also the E-Factor and interval histograms, answers by grade and by hour of the
    day (in your time zone), time spent, the hardest entries and the leeches. Days
    are study days (they start at the rollover hour, 04:00 by default). The JSON
    keys are documented in the README, section "Statistics".

    Example:

    \b
        trainer stats
        trainer stats --deck foundational --days 7
        trainer stats --learner bob --json
    """
    from trainer.progress.stats import compute_stats, stats_to_json

    reader = app.read_store()
    result = compute_stats(
        reader,
        learner=app.learner_to_read(learner),
        decks=list(slugs),
        today=app.today(),
        tz=app.settings.timezone,
        days=days,
    )
    if as_json:
        echo_json(stats_to_json(result))
        return
    from trainer.ui.stats import EMPTY_MESSAGE, stats_view

    if result.empty:
        click.echo(EMPTY_MESSAGE)
        return
    print_rich(stats_view(result))
