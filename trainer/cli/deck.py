"""`trainer deck ...`: list, show (and, for instructors, build and check) deck files."""

from __future__ import annotations

import click


@click.group()
def deck() -> None:
    """Bundled and registered decks: list them, show one.

    Example:

    \b
        trainer deck list
        trainer deck show foundational
    """


def _json(value: object) -> None:
    import json

    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


@deck.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_decks(as_json: bool) -> None:
    """List the decks: slug, title, entries, cards and where the text comes from.

    "glossary" decks hold the source glossary's text, "authored" decks were written
    by the trainer authors, "mixed" decks hold both.

    Example:

    \b
        trainer deck list
        trainer deck list --json
    """
    from trainer.catalog import deck_summary, load_bundled_decks

    decks = load_bundled_decks()
    if as_json:
        _json([deck_summary(d) for d in decks])
        return
    from rich.console import Console

    from trainer.ui.decks import deck_table

    Console(highlight=False).print(deck_table(decks))


@deck.command(name="show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the deck and its cards as JSON.")
def show_deck(slug: str, as_json: bool) -> None:
    """Show one deck: every entry with its names, definition, details and reverse prompt.

    With --json: the deck's slug, title, description, entries (id, term, aliases,
    definition, details, tags, source, origin) and cards (id, entry, direction,
    front, back).

    Example:

    \b
        trainer deck show foundational
        trainer deck show demoscene --json
    """
    from trainer.cards import cards_for_deck
    from trainer.catalog import deck_record, load_bundled_decks, select_decks

    (chosen,) = select_decks(load_bundled_decks(), [slug])
    if as_json:
        _json(deck_record(chosen))
        return
    from rich.console import Console

    from trainer.ui.decks import deck_view

    Console(highlight=False).print(deck_view(chosen, cards_for_deck(chosen)))
