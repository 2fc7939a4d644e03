"""`trainer cards`: browse the cards and the learner's progress on each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from trainer.cli.context import AppContext, deck_option, pass_app
from trainer.cli.output import echo_json, print_rich

if TYPE_CHECKING:
    from trainer.model import CardListing


STATES = ("new", "learning", "review", "suspended", "retired")  # as trainer.progress.browse.STATES
#: Rows of the table when --limit is not given (--json lists every card by default).
TABLE_LIMIT = 100


def listing_record(listing: CardListing) -> dict[str, Any]:
    """The JSON form of one card row."""
    return {
        "id": listing.id,
        "deck": listing.deck,
        "term": listing.term,
        "direction": listing.direction.value,
        "state": listing.state,
        "reps": listing.reps,
        "ef": round(listing.ef / 100, 2),
        "interval": listing.interval,
        "due": listing.due.isoformat() if listing.due is not None else None,
        "lapses": listing.lapses,
        "leech": listing.leech,
    }


@click.command()
@deck_option("Only cards of this deck (repeat for several).")
@click.option("--due", is_flag=True, help="Only cards due today or overdue.")
@click.option(
    "--state",
    type=click.Choice(STATES),
    help="Only cards in this state: new (never graded), learning (fewer than 2 "
    "successful repetitions in a row), review, suspended or retired.",
)
@click.option("--search", metavar="TEXT", help="Only cards whose id, term or text contains TEXT.")
@click.option("--leeches", is_flag=True, help="Only leeches (8 lapses, then every 4 more).")
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=0),
    metavar="N",
    help=f"Show the first N cards; 0 shows all (default: {TABLE_LIMIT} in the table, "
    "every card with --json).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@pass_app
def cards(
    app: AppContext,
    slugs: tuple[str, ...],
    due: bool,
    state: str | None,
    search: str | None,
    leeches: bool,
    limit: int | None,
    as_json: bool,
) -> None:
    """List cards with your progress: state, repetitions, E-Factor, interval, due day, lapses.

    Cards come in deck order. The table shows the first 100 and then says how
    many matched; --limit 0 shows them all. "Due" is a study day: the day starts
    at the rollover hour (04:00 by default). With --json: every card (or the first
    --limit), a list of objects with id, deck, term, direction, state, reps, ef,
    interval (days), due (ISO date, null for new cards), lapses and leech.

    Example:

    \b
        trainer cards --deck foundational --state learning
        trainer cards --due --limit 20
        trainer cards --search diffusion --json
    """
    from trainer.errors import UnknownDeckError
    from trainer.progress import browse

    reader = app.read_store()
    known = browse.active_decks(reader)
    for slug in slugs:
        if slug not in known:
            raise UnknownDeckError(slug, known)
    if limit is None:
        limit = 0 if as_json else TABLE_LIMIT
    which = browse.CardFilter(slugs, app.today() if due else None, state, search, leeches)
    # One card more than shown tells whether there are more.
    listings = browse.list_cards(reader, app.learner, which, limit=limit + 1 if limit else None)
    more = bool(limit) and len(listings) > limit
    shown = listings[:limit] if more else listings
    if as_json:
        echo_json([listing_record(x) for x in shown])
        return
    from trainer.ui.cards import cards_table

    print_rich(cards_table(shown))
    if more:
        total = browse.count_cards(reader, app.learner, which)
        click.echo(
            f"These are the first {limit} of {total} cards: --limit N shows N, --limit 0 shows all."
        )
