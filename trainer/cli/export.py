"""`trainer export`: write Anki packages (.apkg) of the decks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from trainer.cli.output import echo
from trainer.printable import plural

if TYPE_CHECKING:
    from trainer.cli.context import AppContext
    from trainer.export import ExportResult
    from trainer.model import Deck

#: Show a progress bar (on a terminal) when an export has at least this many notes.
LARGE_EXPORT_NOTES = 500


@click.command()
@click.argument("slugs", nargs=-1, metavar="[SLUG]...")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
    default=Path("."),
    metavar="DIR",
    show_default="the current folder",
    help="Folder to write the packages to (created if missing).",
)
@click.option(
    "--combined",
    is_flag=True,
    help="Write one package, ai-music-glossary.apkg, with every deck as a subdeck of "
    "'AI Music Glossary' (instead of one package per deck).",
)
@click.pass_obj
def export(app: AppContext, slugs: tuple[str, ...], out_dir: Path, combined: bool) -> None:
    """Write Anki packages of the decks: one SLUG.apkg per deck.

    Without SLUG, every deck: the bundled ones and the ones you registered. Import a
    package in Anki with File > Import; importing a newer export again updates the
    notes in place. Your trainer progress is not exported: Anki schedules its own
    reviews.

    Example:

    \b
        trainer export --out ~/anki
        trainer export foundational demoscene
        trainer export --combined
    """
    from trainer.catalog import select_decks
    from trainer.export import export_decks

    decks = select_decks(app.all_decks(), list(slugs))
    total = sum(len(deck.entries) for deck in decks)
    if total >= LARGE_EXPORT_NOTES and _stderr_is_terminal():
        # The bar is drawn on stderr; the written paths follow it on stdout.
        for result in _export_with_progress(decks, out_dir, total, combined=combined):
            _echo(result)
    else:
        export_decks(decks, out_dir, combined=combined, on_written=_echo)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _export_with_progress(
    decks: list[Deck], out_dir: Path, total: int, *, combined: bool
) -> list[ExportResult]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from trainer.export import export_decks

    columns = (TextColumn("Exporting"), BarColumn(), MofNCompleteColumn(), TextColumn("notes"))
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=True, redirect_stdout=False) as progress:
        task = progress.add_task("export", total=total)
        return export_decks(
            decks,
            out_dir,
            combined=combined,
            on_progress=lambda notes: progress.advance(task, notes),
        )


def _echo(result: ExportResult) -> None:
    decks = f", {plural(len(result.decks), 'deck')}" if len(result.decks) > 1 else ""
    echo(
        f"Wrote {result.path} ({plural(result.notes, 'note')}, "
        f"{plural(result.cards, 'card')}{decks})"
    )
