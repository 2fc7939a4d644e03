"""rich rendering of `trainer deck list` and `trainer deck show`.

Functions return renderables and print nothing; deck text is always wrapped in
`Text` objects, never parsed as markup (a definition may contain "[...]").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from trainer.decks.catalog import deck_source
from trainer.model import Card, Correction, Deck, Direction


def deck_table(decks: Sequence[Deck], registered: Collection[str] = ()) -> Table:
    """One row per deck: slug, title, entries, cards, where the text comes from.

    With `registered` (slugs of decks added with `trainer deck add`), a last column
    marks each deck bundled or registered.
    """
    entries = sum(len(deck.entries) for deck in decks)
    table = Table(
        box=box.SIMPLE_HEAD,
        caption=f"{len(decks)} decks · {entries} entries · {2 * entries} cards",
        caption_justify="left",
    )
    table.add_column("Slug", no_wrap=True)
    table.add_column("Title")
    table.add_column("Entries", justify="right")
    table.add_column("Cards", justify="right")
    table.add_column("Source")
    if registered:
        table.add_column("Kind")
    for deck in decks:
        kind = ["registered" if deck.slug in registered else "bundled"] if registered else []
        table.add_row(
            Text(deck.slug, style="bold"),
            Text(deck.title),
            str(len(deck.entries)),
            str(2 * len(deck.entries)),
            deck_source(deck),
            *kind,
        )
    return table


def _correction_view(correction: Correction) -> Text:
    """One change to the source: where, the source's words and ours, why, and a reference."""
    text = Text.assemble(
        ("corrected ", "yellow"),
        (f"{correction.field.value}: ", "dim"),
        ("the source says ", "dim"),
        f"“{correction.was}”",
        ("; we say ", "dim"),
        f"“{correction.now}”" if correction.now else "nothing",
        (f" — {correction.reason}", "dim"),
    )
    if correction.reference:
        text.append(f" (see {correction.reference})", style="dim")
    return text


def deck_view(deck: Deck, cards: Sequence[Card]) -> RenderableType:
    """The deck heading, then each entry: names, definition, details, reverse prompt, and
    for an entry corrected from its source, each change with its reason and reference."""
    reverse = {card.entry: card for card in cards if card.direction is Direction.REVERSE}
    parts: list[RenderableType] = [
        Text(deck.title, style="bold"),
        Text(deck.description),
        Text(
            f"{deck.slug} · {len(deck.entries)} entries · {len(cards)} cards · {deck_source(deck)}",
            style="dim",
        ),
    ]
    for number, entry in enumerate(deck.entries, start=1):
        parts.append(Text(""))
        heading = Text.assemble((f"{number}. ", "dim"), (entry.term, "bold cyan"))
        if entry.corrections:
            heading.append("  corrected from the source", style="yellow")
        parts.append(heading)
        body: list[RenderableType] = []
        if entry.aliases:
            body.append(Text("also: " + ", ".join(entry.aliases), style="dim"))
        body.append(Text(entry.definition))
        if entry.details:
            body.append(Text(entry.details, style="dim"))
        if entry.id in reverse:
            body.append(Text.assemble(("reverse: ", "dim"), (reverse[entry.id].front, "italic")))
        meta = [f"id {entry.id}", entry.source.value]
        if entry.tags:
            meta.append("tags " + ", ".join(entry.tags))
        body.append(Text(" · ".join(meta), style="dim"))
        if entry.origin:
            body.append(Text(f"origin: {entry.origin}", style="dim"))
        body += [_correction_view(correction) for correction in entry.corrections]
        parts.append(Padding(Group(*body), (0, 0, 0, 3)))
    return Group(*parts)
