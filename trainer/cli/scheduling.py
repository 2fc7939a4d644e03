"""`trainer scheduler`, `trainer optimize`, `trainer simulate`: SM-2 or FSRS, per learner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from trainer.cli.context import AppContext, deck_option, pass_app
from trainer.cli.output import echo_json, print_rich

if TYPE_CHECKING:
    from trainer.progress.scheduler import Simulation
    from trainer.scheduling import SchedulerConfig
    from trainer.scheduling.optimize import Metrics

RETENTION_HELP = "Desired retention, 0.70-0.97: the probability of recall FSRS schedules for."


def _config_json(config: SchedulerConfig) -> dict[str, Any]:
    return {
        "scheduler": config.name,
        "desired_retention": config.desired_retention if config.name == "fsrs" else None,
        "parameters": list(config.parameters) if config.name == "fsrs" else [],
    }


def _show(app: AppContext, as_json: bool) -> None:
    from trainer.progress.scheduler import current, effective

    stored = current(app.open_store(), app.learner)
    config = effective(stored)
    if as_json:
        echo_json(_config_json(config))
        return
    from trainer.ui.scheduling import scheduler_lines

    shown = config if config.name == "fsrs" else stored
    for line in scheduler_lines(shown, default_parameters=not stored.parameters):
        click.echo(line)


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_app
@click.pass_context
def scheduler(ctx: click.Context, app: AppContext, as_json: bool) -> None:
    """Show or choose your scheduler: SM-2 (the default) or FSRS.

    Without a subcommand: the scheduler and its settings. Switching loses nothing:
    the review log is the truth, and switching back to SM-2 replays it.

    Example:

    \b
        trainer scheduler
        trainer scheduler use fsrs --retention 0.90
        trainer scheduler use sm2
        trainer scheduler --json
    """
    if ctx.invoked_subcommand is None:
        _show(app, as_json)


@scheduler.command("use")
@click.argument("name", type=click.Choice(["sm2", "fsrs"]))
@click.option("--retention", type=float, default=None, help=RETENTION_HELP + " [default: 0.90]")
@click.option("--json", "as_json", is_flag=True, help="Print the new settings as JSON.")
@pass_app
def use(app: AppContext, name: str, retention: float | None, as_json: bool) -> None:
    """Switch to SM-2 or FSRS (FSRS needs `pip install 'trainer[fsrs]'`).

    FSRS computes each card's memory state from its whole history and keeps the
    due dates; SM-2 replays your whole log.

    Example:

    \b
        trainer scheduler use fsrs --retention 0.85
        trainer scheduler use sm2
    """
    from trainer.progress.scheduler import effective, use_fsrs, use_sm2

    store = app.open_store()
    if name == "fsrs":
        switch = use_fsrs(store, app.learner, retention=retention)
    else:
        if retention is not None:
            raise click.UsageError("--retention is an FSRS setting: use it with `use fsrs`")
        switch = use_sm2(store, app.learner)
    if as_json:
        echo_json(_config_json(effective(switch.config)))
        return
    from trainer.ui.scheduling import switch_line

    click.echo(switch_line(switch))


def _metrics_json(metrics: Metrics) -> dict[str, float]:
    return {"log_loss": metrics.log_loss, "rmse_bins": metrics.rmse_bins}


@click.command()
@click.option("--apply", is_flag=True, help="Store the parameters for your FSRS.")
@click.option(
    "--parameters",
    metavar="LIST",
    help='FSRS parameters in Anki\'s format ("0.2120, 1.2931, ..."): evaluate (and with'
    " --apply store) these instead of fitting.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_app
def optimize(app: AppContext, apply: bool, parameters: str | None, as_json: bool) -> None:
    """Fit FSRS's parameters to your own review log, and show how well it predicts you.

    Shows the reviews used, the parameters (in Anki's format, to paste into Anki's
    deck options) and, on a time-series split (fit on the earlier answers, predict
    the later ones), log loss and RMSE(bins) of FSRS with these parameters, FSRS
    with its default parameters, and SM-2. Lower is better.

    Example:

    \b
        trainer optimize
        trainer optimize --apply
        trainer optimize --parameters "0.2120, 1.2931, 2.3065, ..." --apply
    """
    from trainer.progress.scheduler import optimize as run
    from trainer.scheduling.fsrs import library, parse_parameters

    library()  # the one-line install hint before anything else
    given = None if parameters is None else parse_parameters(parameters)
    result = run(app.open_store(), app.learner, apply=apply, parameters=given)
    if as_json:
        fit = result.fit
        ev = fit.evaluation if fit is not None else None
        echo_json(
            {
                "reviews": fit.reviews if fit is not None else 0,
                "parameters": list(result.parameters),
                "evaluation": None
                if ev is None
                else {
                    "fsrs": _metrics_json(ev.fsrs),
                    "fsrs_default": _metrics_json(ev.fsrs_default),
                    "sm2": _metrics_json(ev.sm2),
                },
                "applied": result.applied,
            }
        )
        return
    from trainer.ui.scheduling import optimize_view

    print_rich(optimize_view(result), soft_wrap=True)  # the parameters stay on one line


def _simulation_json(sim: Simulation) -> list[dict[str, Any]]:
    return [
        {
            "scheduler": o.scheduler,
            "retention": o.retention,
            "reviews_per_day": round(o.reviews_per_day, 2),
            "minutes_per_day": round(o.minutes_per_day, 2),
            "memorized": round(o.memorized, 1),
        }
        for o in sim.outcomes
    ]


@click.command()
@click.option(
    "--days", type=int, default=365, show_default=True, help="Study days to simulate (1-3650)."
)
@click.option(
    "--retention",
    "retentions",
    default="0.80,0.85,0.90,0.95",
    show_default=True,
    metavar="LIST",
    help="FSRS desired retentions to compare, separated by commas (each 0.70-0.97).",
)
@click.option(
    "--new-per-day",
    type=int,
    default=None,
    help="New cards a day (0-1000; default: your new_per_day setting).",
)
@deck_option("Only this deck's cards (repeat for several; default: all decks).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object a row.")
@pass_app
def simulate(
    app: AppContext,
    days: int,
    retentions: str,
    new_per_day: int | None,
    slugs: tuple[str, ...],
    as_json: bool,
) -> None:
    """How much work buys how much memory: SM-2 against FSRS at several retentions.

    Starts from your cards and limits today and simulates each scheduler day by day:
    reviews a day, minutes a day (from your own answer times) and cards remembered at
    the end. Recall follows your fitted FSRS model for both schedulers, so they are
    compared on the same memory.

    Example:

    \b
        trainer simulate
        trainer simulate --days 180 --retention 0.85,0.90 --new-per-day 10
        trainer simulate --json
    """
    from trainer.progress.scheduler import parse_retentions
    from trainer.progress.scheduler import simulate as run
    from trainer.scheduling.fsrs import library

    library()
    wanted = parse_retentions(retentions)
    settings = app.settings
    sim = run(
        app.open_store(),
        app.learner,
        today=app.today(),
        days=days,
        retentions=wanted,
        new_per_day=settings.new_per_day if new_per_day is None else new_per_day,
        reviews_per_day=settings.reviews_per_day,
        decks=list(slugs),
    )
    if as_json:
        echo_json(_simulation_json(sim))
        return
    from trainer.ui.scheduling import simulate_view

    print_rich(simulate_view(sim))
