"""rich rendering of `trainer class report`: the learners' table, bar charts, hardest entries.

Fits 80 columns and reads without colour (NO_COLOR): every bar carries its number.
Functions return renderables and print nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from trainer.printable import plural
from trainer.progress.classreport import ClassReport, HardEntry, LearnerReport
from trainer.ui.stats import hbar, percent

EMPTY_MESSAGE = "No learner has answered a card of these decks yet."
CHART_LEARNERS = 30  # learners in each bar chart (the table lists everyone)
BAR_WIDTH = 30
NAME_WIDTH = 16


SCHEDULER_LABELS = {"sm2": "SM-2", "fsrs": "FSRS"}


def _panel(body: RenderableType, title: str) -> Panel:
    return Panel(body, title=title, title_align="left", box=box.ROUNDED, padding=(0, 1))


def header(report: ClassReport) -> Text:
    decks = ", ".join(report.deck_slugs) if report.deck_slugs else "no decks"
    period = (
        f"{report.since:%d %b %Y} – {report.today:%d %b %Y}"
        if report.since
        else f"up to {report.today:%d %b %Y}"
    )
    return Text(
        f"Class report · {plural(len(report.learners), 'learner')} · {decks} "
        f"({plural(report.cards, 'card')}) · {period}"
    )


def learners_table(report: ClassReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False, collapse_padding=True)
    table.add_column("Learner", overflow="fold", max_width=NAME_WIDTH)
    for title in ("Answers", "Days", "Streak", "Seen", "Mature", "Retention", "Overdue"):
        table.add_column(title, justify="right", no_wrap=True, min_width=len(title))
    table.add_column("Last day", no_wrap=True, min_width=10)
    for row in report.learners:
        table.add_row(
            Text(row.learner),
            str(row.answers),
            str(row.study_days),
            str(row.current_streak),
            str(row.cards_seen),
            str(row.mature),
            percent(row.retention.share),
            str(row.overdue),
            row.last_day.isoformat() if row.last_day else "—",
        )
    return table


def _learner_bars(
    rows: Sequence[LearnerReport],
    value: Callable[[LearnerReport], int],
    top: int,
    label: Callable[[LearnerReport], str],
) -> Text:
    width = min(NAME_WIDTH, max((len(row.learner) for row in rows), default=0))
    labels = [label(row) for row in rows]
    label_width = max((len(text) for text in labels), default=0)
    text = Text()
    for i, row in enumerate(rows):
        name = row.learner if len(row.learner) <= width else row.learner[: width - 1] + "…"
        text.append(f"{name:>{width}} ", style="dim")
        text.append(f"{labels[i]:>{label_width}} ")
        text.append(hbar(value(row), top, BAR_WIDTH), style="cyan")
        if i < len(rows) - 1:
            text.append("\n")
    return text


def _more(report: ClassReport) -> list[RenderableType]:
    more = len(report.learners) - CHART_LEARNERS
    if more <= 0:
        return []
    return [Text(f"… and {plural(more, 'more learner')}: see the table above.", style="dim")]


def seen_panel(report: ClassReport) -> Panel:
    rows = report.learners[:CHART_LEARNERS]
    chart = _learner_bars(
        rows,
        lambda r: r.cards_seen,
        report.cards,
        lambda r: f"{r.cards_seen}/{report.cards} {percent(_ratio(r.cards_seen, report.cards))}",
    )
    return _panel(Group(chart, *_more(report)), "Cards seen of the decks")


def retention_panel(report: ClassReport) -> Panel:
    rows = report.learners[:CHART_LEARNERS]
    chart = _learner_bars(
        rows,
        lambda r: round((r.retention.share or 0) * 1000),
        1000,
        lambda r: (
            f"{percent(r.retention.share)} {r.retention.passed}/{r.retention.answers}"
            if r.retention.answers
            else "—"
        ),
    )
    note = Text("First answer of the day to cards already studied: share graded ≥ 3.", style="dim")
    return _panel(Group(chart, *_more(report), note), "True retention")


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _entries_table(
    entries: Sequence[HardEntry],
    title: str,
    cell: Callable[[HardEntry], tuple[str, int, int]],
    *,
    decks: bool,
) -> Table:
    """Term, deck (with several decks), learners and one measure with its bar."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column("Term", overflow="fold", max_width=30 if decks else 40)
    if decks:
        table.add_column("Deck", overflow="fold", max_width=16)
    table.add_column("Learners", justify="right")
    table.add_column(title, justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for entry in entries:
        shown, value, top = cell(entry)
        table.add_row(
            Text(entry.term),
            *([Text(entry.deck)] if decks else []),
            str(entry.learners),
            shown,
            Text(hbar(value, top, 12), style="cyan"),
        )
    return table


def hardest_panel(report: ClassReport) -> Panel:
    parts: list[RenderableType] = []
    decks = len(report.deck_slugs) > 1
    if report.lowest_ef:
        parts.append(Text("Lowest average E-Factor (2.50 at the start, 1.30 at the least):"))
        parts.append(
            _entries_table(
                report.lowest_ef,
                "Avg EF",
                # The bar is the way down from 2.50 towards 1.30: longer is harder.
                lambda e: (f"{e.average_ef or 0:.2f}", round(250 - (e.average_ef or 0) * 100), 120),
                decks=decks,
            )
        )
    else:
        parts.append(Text("Lowest average E-Factor: no entry below 2.50."))
    if report.most_lapses:
        top = max(e.lapses for e in report.most_lapses)
        parts.append(Text("Most lapses (forgotten after being learned):"))
        parts.append(
            _entries_table(
                report.most_lapses,
                "Lapses",
                lambda e: (str(e.lapses), e.lapses, top),
                decks=decks,
            )
        )
    else:
        parts.append(Text("Most lapses: no entry has lapsed."))
    if report.lowest_passed:
        parts.append(Text("Lowest share of first answers of the day graded ≥ 3:"))
        parts.append(
            _entries_table(
                report.lowest_passed,
                "Passed",
                lambda e: (
                    f"{percent(e.first_answers.share)} "
                    f"{e.first_answers.passed}/{e.first_answers.answers}",
                    round((e.first_answers.share or 0) * 1000),
                    1000,
                ),
                decks=decks,
            )
        )
    else:
        parts.append(Text("Lowest share graded ≥ 3: every first answer passed."))
    return _panel(Group(*parts), "Hardest entries")


def schedulers_line(report: ClassReport) -> Text:
    """Which learners use which scheduler (the table has no room for another column)."""
    text = Text("Schedulers: ")
    groups = [
        (label, [row.learner for row in report.learners if row.scheduler == name])
        for name, label in SCHEDULER_LABELS.items()
    ]
    shown = [(label, names) for label, names in groups if names]
    for i, (label, names) in enumerate(shown):
        text.append(f"{label}: ", style="bold")
        text.append(", ".join(names))  # learner names as plain text, never markup
        if i < len(shown) - 1:
            text.append("; ")
    return text


def report_view(report: ClassReport) -> RenderableType:
    """The whole report (the caller prints EMPTY_MESSAGE when `report.empty`)."""
    return Group(
        header(report),
        learners_table(report),
        schedulers_line(report),
        seen_panel(report),
        retention_panel(report),
        hardest_panel(report),
    )
