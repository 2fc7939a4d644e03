"""`trainer deck ...`: list, show (and, for instructors, build and check) deck files."""

from __future__ import annotations

import click


@click.group()
def deck() -> None:
    """Bundled and registered decks."""
