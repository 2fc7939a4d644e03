"""rich rendering of `trainer stats`: panels, tables, bar charts and the year heatmap.

Everything fits 80 columns and stays readable without colour (NO_COLOR): every bar,
segment and heatmap level has its own glyph, and every chart carries its numbers.
Functions return renderables and print nothing, so tests can render them to a
`Console(width=80, no_color=True)` and check the lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from trainer.printable import plural
from trainer.progress.stats import Bin, Share, Stats, TroubleCard
from trainer.ui.format import duration

EMPTY_MESSAGE = "No answers yet: run `trainer quiz`."

GRADE_NAMES = ("blackout", "wrong, knew it", "wrong, easy", "hard", "good", "easy")
EIGHTHS = " ▁▂▃▄▅▆▇█"  # vertical bars, by eighths
LEFT_EIGHTHS = " ▏▎▍▌▋▊▉█"  # horizontal bars, by eighths
LEECHES_SHOWN = 10
HEAT_GLYPHS = "·░▒▓█"  # heatmap levels 0-4
HEAT_STYLES = ("grey50", "green4", "green3", "green1", "bold bright_green")
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
# Card states: glyph (for the proportion bar and its legend) and colour.
STATE_GLYPHS = {
    "new": ("░", "blue"),
    "learning": ("▒", "red"),
    "young": ("▓", "green3"),
    "mature": ("█", "dark_green"),
    "suspended": ("╳", "yellow"),
    "buried": ("─", "grey50"),
    "retired": ("·", "grey37"),
}


# -- small helpers ----------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def share_cell(share: Share) -> str:
    """90.0% 9/10 (passed/answers), or — without answers."""
    if not share.answers:
        return "—"
    return f"{percent(share.share)} {share.passed}/{share.answers}"


def hbar(value: int, top: int, width: int) -> str:
    """A horizontal bar of `width` columns at most, in eighths; a non-zero value shows."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (LEFT_EIGHTHS[rest] if rest else "")


def vchart(values: Sequence[int], *, height: int, column: int) -> list[str]:
    """Rows (top first) of a vertical bar chart, `column` characters per value."""
    top = max(values, default=0)
    levels = [0 if top <= 0 or v <= 0 else max(1, round(v / top * height * 8)) for v in values]
    rows = []
    for row in range(height - 1, -1, -1):
        cells = []
        for level in levels:
            eighths = min(8, max(0, level - row * 8))
            cells.append(EIGHTHS[eighths] * (column - 1) + " ")
        rows.append("".join(cells).rstrip())
    return rows


def chart_with_axis(
    values: Sequence[int], labels: dict[int, str], *, height: int, column: int
) -> Text:
    """A vertical chart with the maximum and 0 on a left axis and labels under columns."""
    top = max(values, default=0)
    axis = len(str(top))
    rows = vchart(values, height=height, column=column)
    text = Text()
    for i, row in enumerate(rows):
        label = str(top) if i == 0 else ("0" if i == height - 1 else "")
        text.append(f"{label:>{axis}} │", style="dim")
        text.append(row, style="cyan")
        text.append("\n")
    under = [" "] * (len(values) * column + 8)
    for index, label in labels.items():
        start = index * column
        for offset, char in enumerate(label):
            under[start + offset] = char
    text.append(" " * axis + " └" + "".join(under).rstrip(), style="dim")
    return text


def _panel(body: RenderableType, title: str) -> Panel:
    return Panel(body, title=title, title_align="left", box=box.ROUNDED, padding=(0, 1))


# -- sections ---------------------------------------------------------------------------------


def header(stats: Stats) -> Text:
    decks = ", ".join(stats.decks) if stats.decks else "all decks"
    day = stats.today.day
    return Text(f"Statistics for {stats.learner} · {decks} · study day {day:%a %d %b %Y}")


def today_panel(stats: Stats) -> Panel:
    today = stats.today
    lines = Text()
    if today.answers:
        lines.append(
            f"Studied {plural(today.cards, 'card')} with {plural(today.answers, 'answer')} "
            f"in {duration(today.seconds)} · {today.passed} graded ≥ 3 "
            f"({percent(today.passed_share)})\n"
        )
        lines.append(
            f"New cards: {today.learned} · re-drill: {plural(today.redrill_answers, 'answer')}, "
            f"{plural(today.redrill_pending, 'card')} still to re-drill\n"
        )
    else:
        lines.append("No answers yet today.\n")
    streak = stats.streak
    lines.append(
        f"Streak: {plural(streak.current, 'day')} · longest {plural(streak.longest, 'day')}"
        f" · {plural(streak.days_studied, 'study day')} in all"
    )
    return _panel(lines, "Today")


def counts_panel(stats: Stats, width: int = 72) -> Panel:
    counts = stats.counts
    values = {name: getattr(counts, name) for name in STATE_GLYPHS}
    total = counts.total
    bar = Text()
    if total:
        # Largest-remainder shares of the bar, so the segments add up to `width`.
        exact = {name: value / total * width for name, value in values.items()}
        cells = {name: math.floor(x) for name, x in exact.items()}
        spare = width - sum(cells.values())
        for name in sorted(exact, key=lambda n: exact[n] - cells[n], reverse=True)[:spare]:
            cells[name] += 1
        for name, (glyph, style) in STATE_GLYPHS.items():
            bar.append(glyph * cells[name], style=style)
    grid = Table.grid(padding=(0, 1))
    for _ in range(2):
        grid.add_column()
        grid.add_column(justify="right")
        grid.add_column(justify="right")
        grid.add_column(width=3)
    names = list(STATE_GLYPHS)
    for i in range(0, len(names), 2):
        row: list[RenderableType] = []
        for name in names[i : i + 2]:
            glyph, style = STATE_GLYPHS[name]
            share = values[name] / total if total else 0.0
            row += [
                Text.assemble((glyph, style), f" {name}"),
                str(values[name]),
                f"{share * 100:.0f}%",
                "",
            ]
        grid.add_row(*row)
    return _panel(Group(bar, grid, Text(f"{total} cards in all")), "Cards")


def forecast_panel(stats: Stats) -> Panel:
    forecast = stats.forecast
    values = [count for _, count in forecast.days]
    labels = {0: "today"} | {i: f"+{i}" for i in range(7, len(values), 7)}
    chart = chart_with_axis(values, labels, height=5, column=2)
    week = sum(values[:7])
    tomorrow = values[1] if len(values) > 1 else 0
    summary = Text(
        f"Due today: {values[0] if values else 0} ({forecast.overdue} overdue) · "
        f"tomorrow: {tomorrow}\n"
        f"Next 7 days: {week} · next {len(values)} days: {forecast.total} · "
        f"average {forecast.average:.1f} a day"
    )
    return _panel(Group(chart, summary), f"Forecast: the next {len(values)} days")


def heat_level(count: int, top: int) -> int:
    if count <= 0 or top <= 0:
        return 0
    return min(4, math.ceil(4 * count / top))


def heat_ranges(top: int) -> list[tuple[int, int, int]]:
    """(level, lowest, highest) of each non-empty heatmap level for a busiest day of `top`."""
    ranges = []
    for level in range(1, 5):
        low = (level - 1) * top // 4 + 1
        high = level * top // 4
        if low <= high:
            ranges.append((level, low, high))
    return ranges


def calendar_panel(stats: Stats) -> Panel:
    today = stats.today.day
    start = stats.calendar_start
    first_monday = start - timedelta(days=start.weekday())
    weeks = (today - first_monday).days // 7 + 1
    top = max(stats.calendar.values(), default=0)
    # Month names over the week in which each month starts; the first, partial month
    # is named only if there is room before the next one.
    starts: list[tuple[int, date]] = [(0, start)]
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        for d in range(7):
            day = monday + timedelta(days=d)
            if day.day == 1 and start < day <= today:
                starts.append((week, day))
    if len(starts) > 1 and starts[1][0] < 4:
        starts.pop(0)
    months = [" "] * (weeks + 3)
    free = 0
    for week, first in starts:
        if week >= free:
            months[week : week + 3] = list(f"{first:%b}")
            free = week + 4
    text = Text("    " + "".join(months).rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]:<4}", style="dim")
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day < start or day > today:
                text.append(" ")
                continue
            level = heat_level(stats.calendar.get(day, 0), top)
            text.append(HEAT_GLYPHS[level], style=HEAT_STYLES[level])
        text.append("\n")
    legend = Text("Less ")
    for level in range(5):
        legend.append(HEAT_GLYPHS[level], style=HEAT_STYLES[level])
        legend.append(" ")
    legend.append("More   · 0")
    for level, low, high in heat_ranges(top):
        legend.append("  ")
        legend.append(HEAT_GLYPHS[level], style=HEAT_STYLES[level])
        legend.append(f" {low}" if low == high else f" {low}–{high}")
    text.append_text(legend)
    total = sum(stats.calendar.values())
    busiest = max(stats.calendar.items(), key=lambda item: (item[1], item[0]), default=None)
    summary = f"\n{plural(total, 'answer')} on {plural(len(stats.calendar), 'day')}"
    if busiest is not None:
        summary += f" · busiest: {busiest[1]} on {busiest[0]:%d %b %Y}"
    text.append(summary)
    return _panel(text, f"Calendar: answers per day, {start:%d %b %Y} to {today:%d %b %Y}")


def retention_panel(stats: Stats) -> Panel:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    # Very large counts wrap after the share rather than being cut off.
    table.add_column("Last", no_wrap=True, min_width=8)
    table.add_column("Young (< 21 d)", justify="right")
    table.add_column("Mature (≥ 21 d)", justify="right")
    table.add_column("All", justify="right")
    for row in stats.retention:
        table.add_row(
            plural(row.days, "day"),
            share_cell(row.young),
            share_cell(row.mature),
            share_cell(row.total),
        )
    note = Text(
        "First answer of the day to review cards: share graded ≥ 3, passed/answers.",
        style="dim",
    )
    return _panel(Group(table, note), "True retention")


def bars(rows: Sequence[tuple[str, int]], *, width: int = 40, suffix: str = "") -> Text:
    """Labelled horizontal bars with their counts."""
    top = max((value for _, value in rows), default=0)
    label_width = max((len(label) for label, _ in rows), default=0)
    value_width = len(str(top))
    text = Text()
    for i, (label, value) in enumerate(rows):
        text.append(f"{label:>{label_width}} ", style="dim")
        text.append(f"{value:>{value_width}}{suffix} ")
        text.append(hbar(value, top, width), style="cyan")
        if i < len(rows) - 1:
            text.append("\n")
    return text


def trimmed(bins: Sequence[Bin]) -> Sequence[Bin]:
    """The bins from the first to the last that holds cards."""
    full = [i for i, b in enumerate(bins) if b.cards]
    return bins[full[0] : full[-1] + 1] if full else ()


def ef_panel(stats: Stats) -> Panel:
    rows = [(f"{b.low:.1f}–{b.high:.1f}", b.cards) for b in trimmed(stats.ef_histogram)]
    return _panel(bars(rows), "E-Factors of graded cards (bins of 0.1 from 1.3)")


def interval_label(b: Bin) -> str:
    low = int(b.low)
    if b.high is None:
        return f"> {low - 1} d"
    high = int(b.high)
    return f"{low} d" if low == high else f"{low}–{high} d"


def interval_panel(stats: Stats) -> Panel:
    rows = [(interval_label(b), b.cards) for b in trimmed(stats.interval_histogram)]
    return _panel(bars(rows), "Intervals of graded cards")


def answers_panel(stats: Stats) -> Panel:
    time = stats.time
    total = sum(stats.grades)
    head = Text(
        f"{plural(time.answers, 'answer')} in {duration(time.seconds)}"
        + (
            f" · {time.average_seconds:.1f} s per answer"
            if time.average_seconds is not None
            else ""
        )
        + "\n"
    )
    rows = [
        (f"{grade} {GRADE_NAMES[grade]}", count)
        for grade, count in reversed(list(enumerate(stats.grades)))
    ]
    grades = bars(rows, width=30)
    shares = Text()
    if total:
        passed = sum(stats.grades[3:])
        shares.append(f"\nGraded ≥ 3: {passed} of {total} ({percent(passed / total)})")
    return _panel(Group(head, grades, shares), f"Answers of the last {stats.period_days} days")


def hours_panel(stats: Stats) -> Panel:
    labels = {hour: f"{hour}h" for hour in range(0, 24, 3)}
    chart = chart_with_axis(list(stats.hours), labels, height=5, column=2)
    busiest = max(range(24), key=lambda h: (stats.hours[h], -h))
    summary = Text(
        f"Busiest hour: {busiest:02d}:00–{busiest:02d}:59 ({stats.hours[busiest]} answers)"
        if stats.hours[busiest]
        else "No answers in this period."
    )
    return _panel(
        Group(chart, summary),
        f"Answers by hour ({stats.timezone}), last {stats.period_days} days",
    )


def trouble_table(cards: Sequence[TroubleCard]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column("Term", overflow="fold", max_width=30)
    table.add_column("Deck", overflow="fold", max_width=22)
    table.add_column("Side")
    table.add_column("EF", justify="right")
    table.add_column("Lapses", justify="right")
    for card in cards:
        table.add_row(
            Text(card.term),
            Text(card.deck),
            card.direction,
            f"{card.ef / 100:.2f}",
            str(card.lapses),
        )
    return table


def trouble_panel(stats: Stats) -> Panel:
    parts: list[RenderableType] = []
    if stats.hardest:
        parts.append(Text("Hardest entries (lowest E-Factor, then most lapses):"))
        parts.append(trouble_table(stats.hardest))
    else:
        parts.append(Text("Hardest entries: none below E-Factor 2.50 and none lapsed."))
    if stats.leeches:
        count = len(stats.leeches)
        shown = "" if count <= LEECHES_SHOWN else f"; the {LEECHES_SHOWN} with most lapses"
        parts.append(
            Text(
                f"{plural(count, 'leech', 'leeches')} (8 lapses, then every 4 more){shown}.\n"
                "List them all with `trainer cards --leeches`."
            )
        )
        parts.append(trouble_table(stats.leeches[:LEECHES_SHOWN]))
    else:
        parts.append(Text("Leeches: none (a card becomes a leech at 8 lapses)."))
    return _panel(Group(*parts), "Trouble")


def fsrs_panel(stats: Stats) -> Panel | None:
    """Under FSRS: retrievability, stability and difficulty of the graded cards."""
    f = stats.fsrs
    if f is None:
        return None
    average = f.average_retrievability
    head = Text(
        f"Estimated remembered today: {f.remembered:,.0f} of {plural(f.cards, 'card')}"
        + (f" (average retrievability {percent(average)})" if average is not None else "")
        + f" · desired retention {percent(f.retention)}\n"
    )

    def rows(buckets: Sequence[Any], label: Callable[[Any], str]) -> list[tuple[str, int]]:
        full = [i for i, b in enumerate(buckets) if b.cards]
        shown = buckets[full[0] : full[-1] + 1] if full else ()
        return [(label(b), b.cards) for b in shown]

    def days(b: Any) -> str:
        return f"{b.low:g}+ d" if b.high is None else f"{b.low:g}–{b.high:g} d"

    parts: list[RenderableType] = [head]
    for title, buckets, label in (
        ("Retrievability today", f.retrievability, lambda b: f"{b.low:.0%}–{b.high:.0%}"),
        ("Stability (days to 90 % recall)", f.stability, days),
        ("Difficulty (1-10)", f.difficulty, lambda b: f"{b.low:g}–{b.high:g}"),
    ):
        parts.append(Text(f"{title}:"))
        parts.append(bars(rows(buckets, label), width=30))
        parts.append(Text(""))
    return _panel(Group(*parts[:-1]), "FSRS memory states")


def stats_view(stats: Stats) -> RenderableType:
    """The whole statistics screen (the caller prints EMPTY_MESSAGE when `stats.empty`)."""
    return Group(
        header(stats),
        today_panel(stats),
        counts_panel(stats),
        forecast_panel(stats),
        calendar_panel(stats),
        retention_panel(stats),
        answers_panel(stats),
        hours_panel(stats),
        ef_panel(stats),
        interval_panel(stats),
        *([panel] if (panel := fsrs_panel(stats)) is not None else []),
        trouble_panel(stats),
    )
