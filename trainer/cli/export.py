"""`trainer export`: write Anki packages (.apkg) of the decks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from trainer.cli.output import echo
from trainer.printable import plural

if TYPE_CHECKING:
    from trainer.anki.export import ExportProgress, ExportResult
    from trainer.cli.context import AppContext
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
@click.option(
    "--with-progress",
    is_flag=True,
    help="Also write your progress: each card's schedule (due day, interval, ease, "
    "repetitions, lapses; suspended and buried cards) and your review log. Anki takes "
    "it only for cards it does not have yet.",
)
@click.pass_obj
def export(
    app: AppContext, slugs: tuple[str, ...], out_dir: Path, combined: bool, with_progress: bool
) -> None:
    """Write Anki packages of the decks: one SLUG.apkg per deck.

    Without SLUG, every deck: the bundled ones and the ones you registered. Import a
    package in Anki with File > Import; importing a newer export again updates the
    notes in place. Without --with-progress the cards arrive new and Anki schedules
    its own reviews; with it, tick "Import any learning progress" in Anki's import
    options. Bring your Anki reviews back with `trainer import-anki`.

    Example:

    \b
        trainer export --out ~/anki
        trainer export foundational demoscene
        trainer export --combined
        trainer export --with-progress --out ~/anki
    """
    from trainer.anki.export import export_decks
    from trainer.decks.catalog import select_decks

    decks = select_decks(app.all_decks(), list(slugs))
    progress = _progress(app, decks) if with_progress else None
    total = sum(len(deck.entries) for deck in decks)
    if total >= LARGE_EXPORT_NOTES and _stderr_is_terminal():
        # The bar is drawn on stderr; the written paths follow it on stdout.
        for result in _export_with_progress(
            decks, out_dir, total, combined=combined, progress=progress
        ):
            _echo(result)
    else:
        export_decks(decks, out_dir, combined=combined, on_written=_echo, progress=progress)


def _progress(app: AppContext, decks: list[Deck]) -> ExportProgress:
    """The learner's progress on the decks' cards, on today's study day."""
    from trainer.anki.export import ExportProgress
    from trainer.anki.learner import read_progress

    learner = read_progress(app.read_store(), app.learner, [deck.slug for deck in decks])
    return ExportProgress(
        learner=learner,
        today=app.today(),
        timezone=app.settings.timezone,
        rollover_hour=app.settings.rollover_hour,
    )


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _export_with_progress(
    decks: list[Deck],
    out_dir: Path,
    total: int,
    *,
    combined: bool,
    progress: ExportProgress | None,
) -> list[ExportResult]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from trainer.anki.export import export_decks

    columns = (TextColumn("Exporting"), BarColumn(), MofNCompleteColumn(), TextColumn("notes"))
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=True, redirect_stdout=False) as bar:
        task = bar.add_task("export", total=total)
        return export_decks(
            decks,
            out_dir,
            combined=combined,
            on_progress=lambda notes: bar.advance(task, notes),
            progress=progress,
        )


def _echo(result: ExportResult) -> None:
    decks = f", {plural(len(result.decks), 'deck')}" if len(result.decks) > 1 else ""
    answers = f", {plural(result.answers, 'answer')}" if result.answers else ""
    echo(
        f"Wrote {result.path} ({plural(result.notes, 'note')}, "
        f"{plural(result.cards, 'card')}{answers}{decks})"
    )
