"""rich rendering of the quiz: the card, the grade prompt, help, details, the summary.

Every function returns a renderable (or a plain string) and prints nothing, so tests
can render to a `Console(width=40, no_color=True)` and check the lines. Card text is
always wrapped in `Text` objects, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from trainer.decks.answer import DiffOp, Match, Verdict
from trainer.model import Card, CardState, Direction, Grade, Review, ReviewKind
from trainer.printable import plural
from trainer.session import Item, Progress, Summary
from trainer.ui.format import duration

KIND_LABEL = {
    ReviewKind.LEARN: "new",
    ReviewKind.REVIEW: "review",
    ReviewKind.REDRILL: "re-drill",
}

# Short names for the SM-2 grades (Woźniak's meanings are in trainer.model.Grade).
GRADE_LABEL = {
    Grade.BLACKOUT: "blackout",
    Grade.INCORRECT_REMEMBERED: "wrong, knew it",
    Grade.INCORRECT_EASY: "wrong, easy",
    Grade.HARD: "hard",
    Grade.GOOD: "good",
    Grade.PERFECT: "easy",
}

# Under FSRS the same keys name its four ratings, as the FSRS authors mapped SuperMemo's
# grades (trainer.scheduling.fsrs.rating_of): 0-2 Again, 3 Hard, 4 Good, 5 Easy.
FSRS_GRADE_LABEL = {
    Grade.BLACKOUT: "again",
    Grade.INCORRECT_REMEMBERED: "again",
    Grade.INCORRECT_EASY: "again",
    Grade.HARD: "hard",
    Grade.GOOD: "good",
    Grade.PERFECT: "easy",
}
FSRS_NOTE = (
    "FSRS: 0-2 are Again (forgotten), 3 Hard, 4 Good, 5 Easy; the interval of each "
    "follows your memory state and desired retention. Below 4 the card comes back in "
    "today's re-drill until you grade it 4 or 5; those answers update the memory state too."
)


def grade_labels(scheduler: str) -> dict[Grade, str]:
    """The grade names of the prompt for a scheduler ("sm2" or "fsrs")."""
    return FSRS_GRADE_LABEL if scheduler == "fsrs" else GRADE_LABEL


GRADE_MEANING = {
    Grade.BLACKOUT: "complete blackout",
    Grade.INCORRECT_REMEMBERED: "incorrect, but remembered on seeing the answer",
    Grade.INCORRECT_EASY: "incorrect, but the answer seemed easy to recall",
    Grade.HARD: "correct with serious difficulty",
    Grade.GOOD: "correct after hesitation",
    Grade.PERFECT: "perfect response",
}

KEYS = "u undo · b bury · s suspend · e details · q quit · ? help"
KEYS_NARROW = ("u undo · b bury · s suspend", "e details · q quit · ? help")

DIRECTION_HINT = {
    Direction.FORWARD: "term → definition",
    Direction.REVERSE: "definition → term",
}


def format_interval(days: int) -> str:
    """Days as a short interval: 1d, 38d, 4.1mo, 1.3y."""
    if days < 100:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def progress_line(progress: Progress) -> str:
    return f"left: {progress.new} new · {progress.reviews} review · {progress.redrill} re-drill"


def front_panel(item: Item, progress: Progress, *, deck_title: str, typed: bool = False) -> Panel:
    """The question: the card's front, its deck, and what is left in the session."""
    card = item.card
    head = Text()
    head.append(KIND_LABEL[item.kind].upper(), style="bold cyan")
    head.append(f" · {DIRECTION_HINT[card.direction]}", style="dim")
    front = Text(card.front, style="bold" if card.direction is Direction.FORWARD else "")
    if typed and card.direction is Direction.REVERSE:
        hint = "Type the term, then Enter."
    elif typed:
        hint = "Type your answer, then Enter to compare."
    else:
        hint = "Enter: show the answer · ? help"
    return Panel(
        Group(
            head,
            Text(""),
            front,
            Text(""),
            Text(hint, style="dim"),
            Text(progress_line(progress), style="dim"),
        ),
        title=Text(deck_title),
        title_align="left",
        box=box.ROUNDED,
        padding=(0, 1),
    )


def diff_text(match: Match) -> Text:
    """The typed answer against the expected one: extra letters struck, missing ones marked.

    Readable without colour: `[-x-]` was typed but is not in the answer, `{+y+}` is
    in the answer but was not typed.
    """
    text = Text()
    for part in match.diff:
        if part.op is DiffOp.EQUAL:
            text.append(part.text)
        elif part.op is DiffOp.EXTRA:
            text.append(f"[-{part.text}-]", style="red strike")
        else:
            text.append(f"{{+{part.text}+}}", style="green underline")
    return text


def match_lines(match: Match) -> list[Text]:
    """What the typed-answer check says, in one to three lines."""
    if match.verdict is Verdict.EXACT:
        return [Text.assemble(("✓ correct", "bold green"), f": {match.expected}")]
    if match.verdict is Verdict.TYPO:
        return [
            Text.assemble(("≈ accepted with a typo", "bold yellow"), ": ", diff_text(match)),
        ]
    typed = match.typed.strip() or "(nothing)"
    return [
        Text("✗ not accepted", style="bold red"),
        Text(f"  you typed: {typed}"),
        Text(f"  answer:    {match.expected}"),
    ]


def back_panel(
    item: Item,
    *,
    match: Match | None = None,
    typed: str | None = None,
    definition: str | None = None,
) -> Panel:
    """The answer, with the typed-answer check in --typed mode.

    A reverse card shows its term, then `definition` (the entry's text with the term
    in place) or, without it, the masked front again.
    """
    card = item.card
    parts: list[RenderableType] = []
    if card.direction is Direction.FORWARD:
        parts += [Text(card.front, style="bold"), Text(""), Text(card.back)]
    else:
        context = Text(definition) if definition else Text(card.front, style="dim")
        parts += [Text(card.back, style="bold"), Text(""), context]
    if match is not None:
        parts += [Text(""), *match_lines(match)]
    elif typed is not None:
        parts += [Text(""), Text(f"you wrote: {typed.strip() or '(nothing)'}")]
    return Panel(Group(*parts), title=Text("answer"), title_align="left", padding=(0, 1))


def grade_prompt(
    preview: dict[Grade, int] | None,
    *,
    width: int = 80,
    suggested: Grade | None = None,
    labels: dict[Grade, str] = GRADE_LABEL,
) -> RenderableType:
    """The six grades with their meaning and the next interval each would give.

    `preview` is None in the re-drill under SM-2, where grades change no interval.
    `labels` names the grades (`grade_labels(scheduler)`).
    """
    columns = 3 if width >= 62 else 2
    grid = Table.grid(padding=(0, 2))
    for _ in range(columns):
        grid.add_column()
    cells = []
    for grade in Grade:
        cell = Text()
        cell.append(str(int(grade)), style="bold")
        cell.append(f" {labels[grade]}")
        if preview is not None:
            cell.append(f" · {format_interval(preview[grade])}", style="cyan")
        if grade == suggested:
            cell.append(" ◂", style="bold")
        cells.append(cell)
    if columns == 3:
        rows = [cells[0:3], cells[3:6]]
    else:
        rows = [[cells[i], cells[i + 3]] for i in range(3)]
    for row in rows:
        grid.add_row(*row)
    lines: list[RenderableType] = [grid]
    if preview is None:
        lines.append(Text("re-drill: schedule unchanged; 4 or 5 ends it for today", style="dim"))
    if suggested is not None:
        lines.append(Text(f"Enter: grade {int(suggested)} (suggested) · or 0-5", style="dim"))
    if width >= 60:
        lines.append(Text(KEYS, style="dim"))
    else:
        lines += [Text(keys, style="dim") for keys in KEYS_NARROW]
    return Group(*lines)


def help_panel(scheduler: str = "sm2") -> Panel:
    """The keys and the grades (as the learner's scheduler reads them)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("Enter", "show the answer (in --typed mode: check what you typed)")
    labels = grade_labels(scheduler)
    for grade in Grade:
        table.add_row(str(int(grade)), f"{labels[grade]}: {GRADE_MEANING[grade]}")
    table.add_row("u", "undo the last answer and show that card again")
    table.add_row("b", "bury this card until tomorrow")
    table.add_row("s", "suspend this card (trainer cards can list it)")
    table.add_row("e", "the card's details and history")
    table.add_row("q", "quit; every answer is already saved")
    table.add_row("?", "this help")
    note = Text(
        FSRS_NOTE
        if scheduler == "fsrs"
        else "0-2 start the card over (1 day); 3-5 count as recalled. Below 4 the card comes "
        "back in today's re-drill until you grade it 4 or 5.",
        style="dim",
    )
    return Panel(Group(table, Text(""), note), title=Text("keys"), title_align="left")


def details_panel(
    card: Card,
    state: CardState,
    history: Sequence[Review],
    *,
    deck_title: str,
    text: str | None = None,
) -> Panel:
    """The entry's full text, the card's SM-2 state and its answers so far.

    `text` is the entry's definition and details; without it, the card's own text.
    """
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    facts.add_row("card", card.id)
    facts.add_row("deck", deck_title)
    facts.add_row("term", card.term or card.front)
    if state.is_new:
        facts.add_row("state", "new")
    else:
        facts.add_row("reps", str(state.n))
        facts.add_row("EF", f"{state.ef_value:.2f}")
        facts.add_row("interval", plural(state.interval, "day"))
        facts.add_row("due", state.due.isoformat() if state.due else "-")
        facts.add_row("lapses", str(state.lapses))
    if text is None:
        text = card.back if card.direction is Direction.FORWARD else card.front
    parts: list[RenderableType] = [facts, Text(""), Text(text)]
    if history:
        log = Table(box=box.SIMPLE, pad_edge=False, show_edge=False)
        log.add_column("day", no_wrap=True)
        log.add_column("kind")
        log.add_column("grade", justify="right")
        log.add_column("next", justify="right")
        for review in history:
            log.add_row(
                review.day.isoformat(),
                KIND_LABEL[review.kind],
                str(int(review.grade)),
                "-"
                if review.kind is ReviewKind.REDRILL
                else format_interval(review.after.interval),
            )
        parts += [Text(""), log]
    else:
        parts += [Text(""), Text("no answers yet", style="dim")]
    return Panel(Group(*parts), title=Text("details"), title_align="left", padding=(0, 1))


def summary_panel(summary: Summary) -> Panel:
    """The end of a session: what was saved."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    table.add_row("cards studied", str(summary.studied))
    table.add_row("new", str(summary.new))
    table.add_row("reviews", str(summary.reviews))
    table.add_row("re-drills", str(summary.redrills))
    share = summary.passed_share
    table.add_row(
        "graded 3 or more",
        "-" if share is None else f"{share:.0%} ({summary.passed} of {summary.answers})",
    )
    if summary.buried:
        table.add_row("buried", str(summary.buried))
    if summary.suspended:
        table.add_row("suspended", str(summary.suspended))
    table.add_row("time", duration(summary.seconds, short=True))
    table.add_row("streak", plural(summary.streak, "day"))
    table.add_row("due tomorrow", str(summary.due_tomorrow))
    return Panel(table, title=Text("session saved"), title_align="left", expand=False)


def empty_day_line(
    *,
    today: date,
    next_due: date | None,
    new_left: int,
    new_limit_reached: bool,
    due_waiting: int = 0,
    review_limit_reached: bool = False,
) -> str:
    """One line for a day with nothing (more) to study.

    `due_waiting`: cards due today that the quiz holds back, because the review
    limit is reached or because their other side was studied today.
    """
    if next_due is None:
        when = "no reviews scheduled"
    else:
        days = (next_due - today).days
        gap = "tomorrow" if days == 1 else f"in {days} days"
        when = f"next review {next_due.isoformat()} ({gap})"
    new = plural(new_left, "new card") + " left"
    if new_left and new_limit_reached:
        new += " (today's new-card limit is reached)"
    if not due_waiting:
        head = "Nothing is due today"
    elif review_limit_reached:
        head = f"Done for today: the review limit is reached ({due_waiting} more due)"
    else:
        waits = "waits" if due_waiting == 1 else "wait"
        head = (
            f"Done for today: {plural(due_waiting, 'due card')} {waits} for tomorrow "
            "(the other side of the entry was studied today)"
        )
    return f"{head}; {when}; {new}."
