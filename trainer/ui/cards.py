"""rich rendering of `trainer cards`: one row per card with the learner's progress.

Returns renderables and prints nothing; card text is wrapped in `Text`, never parsed
as markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from trainer.model import CardListing, Direction
from trainer.printable import plural

STATE_STYLE = {
    "new": "cyan",
    "learning": "yellow",
    "review": "green",
    "suspended": "dim",
    "retired": "dim",
}
DIRECTION_SHORT = {Direction.FORWARD: "fwd", Direction.REVERSE: "rev"}


def summary(listings: Sequence[CardListing]) -> str:
    """ "12 cards · 4 new · 6 learning · 2 review" (states in a fixed order, zeros left out)."""
    counts = Counter(listing.state for listing in listings)
    parts = [plural(len(listings), "card")]
    parts += [f"{counts[state]} {state}" for state in STATE_STYLE if counts[state]]
    leeches = sum(listing.leech for listing in listings)
    if leeches:
        parts.append(plural(leeches, "leech", "leeches"))
    return " · ".join(parts)


def cards_table(listings: Sequence[CardListing]) -> RenderableType:
    """A table per deck: term, direction, state, repetitions, E-Factor, interval, due, lapses.

    Leeches show their lapse count in bold red with a "!" after it.
    """
    parts: list[RenderableType] = []
    decks: dict[str, list[CardListing]] = {}
    for listing in listings:
        decks.setdefault(listing.deck, []).append(listing)
    for deck, rows in decks.items():
        table = Table(box=box.SIMPLE_HEAD, title=deck, title_justify="left", title_style="bold")
        table.add_column("Term", ratio=1)
        table.add_column("Dir", no_wrap=True)
        table.add_column("State", no_wrap=True)
        table.add_column("Reps", justify="right", no_wrap=True)
        table.add_column("EF", justify="right", no_wrap=True)
        table.add_column("Ivl", justify="right", no_wrap=True)
        table.add_column("Due", no_wrap=True)
        table.add_column("Lapses", justify="right", no_wrap=True)
        for listing in rows:
            graded = listing.due is not None
            lapses = (
                Text(f"{listing.lapses}!", style="bold red")
                if listing.leech
                else Text(str(listing.lapses))
            )
            table.add_row(
                Text(listing.term),
                DIRECTION_SHORT[listing.direction],
                Text(listing.state, style=STATE_STYLE[listing.state]),
                str(listing.reps),
                f"{listing.ef / 100:.2f}",
                f"{listing.interval}d" if graded else "-",
                listing.due.isoformat() if listing.due is not None else "-",
                lapses,
            )
        parts.append(table)
    parts.append(Text(summary(listings)))
    return Group(*parts)
