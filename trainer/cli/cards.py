"""`trainer cards`: browse the cards and the learner's progress on each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from trainer.cli.context import AppContext
from trainer.cli.output import echo_json, print_rich

if TYPE_CHECKING:
    from trainer.model import CardListing

pass_app = click.make_pass_decorator(AppContext)

STATES = ("new", "learning", "review", "suspended", "retired")


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
@click.option(
    "--deck",
    "slugs",
    multiple=True,
    metavar="SLUG",
    help="Only cards of this deck (repeat for several).",
)
@click.option("--due", is_flag=True, help="Only cards due today or overdue.")
@click.option(
    "--state",
    type=click.Choice(STATES),
    help="Only cards in this state: new (never graded), learning (fewer than 2 "
    "successful repetitions in a row), review, suspended or retired.",
)
@click.option("--search", metavar="TEXT", help="Only cards whose id, term or text contains TEXT.")
@click.option("--leeches", is_flag=True, help="Only leeches (8 lapses, then every 4 more).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@pass_app
def cards(
    app: AppContext,
    slugs: tuple[str, ...],
    due: bool,
    state: str | None,
    search: str | None,
    leeches: bool,
    as_json: bool,
) -> None:
    """List cards with your progress: state, repetitions, E-Factor, interval, due day, lapses.

    "Due" is a study day: the day starts at the rollover hour (04:00 by default).
    With --json: a list of objects with id, deck, term, direction, state, reps,
    ef, interval (days), due (ISO date, null for new cards), lapses and leech.

    Example:

    \b
        trainer cards --deck foundational --state learning
        trainer cards --due
        trainer cards --search diffusion --json
    """
    from trainer.errors import UnknownDeckError

    store = app.open_store()
    known = [info.slug for info in store.deck_infos()]
    for slug in slugs:
        if slug not in known:
            raise UnknownDeckError(slug, known)
    listings = store.list_cards(
        app.learner,
        decks=list(slugs),
        due_on=app.today() if due else None,
        state=state,
        search=search,
        leeches=leeches,
    )
    if as_json:
        echo_json([listing_record(x) for x in listings])
        return
    from trainer.ui.cards import cards_table

    print_rich(cards_table(listings))
