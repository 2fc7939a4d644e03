"""rich rendering of `trainer scheduler`, `trainer optimize` and `trainer simulate`.

Functions return renderables (or plain lines) and print nothing; every chart carries
its numbers and reads without colour (80 columns, NO_COLOR).
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from trainer.progress.scheduler import Optimized, Simulation, Switch
from trainer.scheduling import SchedulerConfig
from trainer.scheduling.fsrs import format_parameters
from trainer.scheduling.optimize import Metrics

BAR = "█"
LEFT_EIGHTHS = " ▏▎▍▌▋▊▉█"
CHART_WIDTH = 36
MODEL_NOTE = {
    "stored": "your FSRS parameters as stored (trainer optimize --apply)",
    "fitted": "FSRS fitted to your log just now (not stored)",
    "default": "FSRS's default parameters (too few reviews to fit yours)",
}


def scheduler_lines(config: SchedulerConfig, *, default_parameters: bool) -> list[str]:
    """`trainer scheduler`: the scheduler and its settings, one fact a line."""
    if config.name != "fsrs":
        lines = ["Scheduler: SM-2 (the default)"]
        if config.parameters or config.desired_retention is not None:
            lines.append(
                "FSRS settings kept for `trainer scheduler use fsrs`:"
                + (
                    f" desired retention {config.desired_retention:.2f}"
                    if config.desired_retention is not None
                    else ""
                )
                + (", fitted parameters" if config.parameters else "")
            )
        return lines
    assert config.desired_retention is not None
    which = "fsrs-rs's defaults" if default_parameters else "fitted"
    return [
        "Scheduler: FSRS-6",
        f"Desired retention: {config.desired_retention:.2f}",
        f"Parameters ({which}): {format_parameters(config.parameters)}",
    ]


def switch_line(switch: Switch) -> str:
    """What `trainer scheduler use ...` did, in one line."""
    config = switch.config
    if config.name == "fsrs":
        assert config.desired_retention is not None
        if not switch.switched:
            return f"FSRS, desired retention now {config.desired_retention:.2f}."
        return (
            f"Switched to FSRS at desired retention {config.desired_retention:.2f}: memory"
            f" states of {switch.cards:,} cards from {switch.answers:,} answers; due dates kept."
        )
    return f"Switched to SM-2: {switch.cards:,} cards replayed from {switch.answers:,} answers."


def _metrics_row(table: Table, name: str, metrics: Metrics) -> None:
    table.add_row(name, f"{metrics.log_loss:.4f}", f"{metrics.rmse_bins:.4f}")


def optimize_view(result: Optimized) -> RenderableType:
    """`trainer optimize`: reviews used, the parameters in Anki's format, the evaluation."""
    parts: list[RenderableType] = []
    fit = result.fit
    if fit is not None:
        parts.append(
            Text(
                f"Reviews used: {fit.reviews:,} ({fit.items:,} answers predicted from earlier ones)"
            )
        )
    what = "given" if result.given else "fitted"
    parts.append(Text(f"Parameters ({what}, Anki's format):"))
    # one line (printed with soft wrap): it is pasted into Anki's deck options as it is
    parts.append(Text(format_parameters(result.parameters)))
    if fit is not None and fit.evaluation is not None:
        ev = fit.evaluation
        table = Table(box=box.SIMPLE, title=None, show_edge=False, pad_edge=False)
        table.add_column("model")
        table.add_column("log loss", justify="right")
        table.add_column("RMSE(bins)", justify="right")
        _metrics_row(table, "FSRS, " + ("given parameters" if result.given else "fitted"), ev.fsrs)
        _metrics_row(table, "FSRS, default parameters", ev.fsrs_default)
        _metrics_row(table, "SM-2", ev.sm2)
        parts.append(
            Text(
                f"How well each predicts your later {ev.test_items:,} answers"
                f" (fitted on the earlier {ev.train_items:,}; lower is better):"
            )
        )
        parts.append(table)
    elif fit is None:
        parts.append(
            Text(
                f"Too few reviews to evaluate them: {result.needed} answers on a later day needed."
            )
        )
    if result.applied:
        parts.append(Text("Stored: your FSRS now uses these parameters."))
    else:
        parts.append(Text("Not stored: add --apply to use them."))
    return Group(*parts)


def _bar(value: float, top: float) -> str:
    if top <= 0:
        return ""
    eighths = round(value / top * CHART_WIDTH * 8)
    full, rest = divmod(eighths, 8)
    return BAR * full + (LEFT_EIGHTHS[rest] if rest else "")


def _label(scheduler: str, retention: float | None) -> str:
    return "SM-2" if retention is None else f"FSRS {retention:.2f}"


def simulate_view(sim: Simulation) -> RenderableType:
    """`trainer simulate`: the table, a chart of workload against retention, and its basis."""
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("scheduler")
    table.add_column("reviews/day", justify="right")
    table.add_column("minutes/day", justify="right")
    table.add_column(f"remembered on day {sim.days}", justify="right")
    for o in sim.outcomes:
        table.add_row(
            _label(o.scheduler, o.retention),
            f"{o.reviews_per_day:.1f}",
            f"{o.minutes_per_day:.1f}",
            f"{o.memorized:,.0f}",
        )
    top = max((o.minutes_per_day for o in sim.outcomes), default=0.0)
    chart = Text()
    chart.append("Minutes a day (bar) and cards remembered at the end:\n")
    for o in sim.outcomes:
        chart.append(f"{_label(o.scheduler, o.retention):>9} ")
        chart.append(f"{_bar(o.minutes_per_day, top):<{CHART_WIDTH}}")
        chart.append(f" {o.minutes_per_day:5.1f} min  {o.memorized:,.0f}\n")
    basis = Text(
        f"{sim.days} study days from your {sim.cards:,} studied cards and {sim.new_cards:,}"
        f" new ones ({sim.new_per_day} new and at most {sim.reviews_per_day} reviews a day)."
        f"\nRecall follows {MODEL_NOTE[sim.model]}, for SM-2 and FSRS alike, so both are"
        " judged on the same memory. Reviews include re-drill answers."
    )
    return Group(table, chart, basis)
