"""`trainer import-anki`: bring the reviews made in Anki back into the learner's log."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from trainer.cli.context import AppContext, pass_app

if TYPE_CHECKING:
    from trainer.anki.asdeck import AsDeck
    from trainer.anki.history import PackageHistory
    from trainer.anki.package import Progress

#: Show a progress bar (on a terminal) for packages at least this large.
LARGE_PACKAGE_BYTES = 8 * 1024 * 1024


@click.command(name="import-anki")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--as-deck",
    "as_deck",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="PATH",
    help="Also write the package's Basic and 'Basic (and reversed card)' notes as a new "
    "deck file at PATH (front: term, back: definition), checked as `deck check` does.",
)
@click.option("--dry-run", is_flag=True, help="Say what the import would do; write nothing.")
@pass_app
def import_anki(app: AppContext, file: Path, as_deck: Path | None, dry_run: bool) -> None:
    """Add the reviews of a package exported from Anki to your log.

    FILE is an .apkg (File > Export > Anki Deck Package, with "Include scheduling
    information") or a .colpkg (Collection Package), in the current or an older
    format. For trainer's cards in it (the notes `trainer export` wrote), the Anki
    answers your log does not have yet are added (Again counts as grade 1, Hard 3,
    Good 4, Easy 5) and those cards' states are rebuilt by replaying their answers
    in time order. Importing the same file again adds nothing. Notes of other note
    types are counted and skipped.

    Example:

    \b
        trainer import-anki ~/Downloads/ai-music-glossary.apkg --dry-run
        trainer import-anki ~/Downloads/collection.colpkg
        trainer import-anki shared.apkg --as-deck decks/shared.toml
    """
    from trainer.anki.history import read_history, unseen
    from trainer.anki.learner import logged_answers, note_guids
    from trainer.errors import AnkiPackageError

    store = app.open_store()
    app.learner_to_answer()  # a class store: answers go only into one's own log
    reader = app.read_store()
    if as_deck is not None:
        from trainer.decks.authoring import refuse_existing

        refuse_existing(as_deck, force=False)
    with _bar(file) as on_progress:
        history = read_history(
            file,
            note_guids(reader),
            now=app.now(),
            keep_basic=as_deck is not None,
            on_progress=on_progress,
        )
    made = _as_deck(app, file, history, as_deck) if as_deck is not None else None
    toml = _deck_text(file, as_deck, made) if as_deck is not None and made is not None else None
    if history.cards == 0 and made is None:
        raise AnkiPackageError(
            file,
            f"it holds none of trainer's cards, {_others(history)}; import a package "
            "made from decks `trainer export` wrote, or pass --as-deck PATH to make a deck "
            "of its Basic notes",
        )
    new = unseen(history.answers, logged_answers(reader, app.learner))
    report = store.merge_answers(app.learner, new, day_of=_day_of(app), dry_run=dry_run)
    skipped = f"{_others(history)} skipped" if history.skipped else "no other notes"
    click.echo(
        f"Read {file}: {_count(history.notes, 'note')} of trainer's "
        f"({_count(history.cards, 'card')}), {_count(len(history.answers), 'answer')} in "
        f"its review log; {skipped}."
    )
    would = "Would add" if dry_run else "Added"
    if report.added:
        click.echo(
            f"{would} {_count(report.added, 'answer')} to {app.learner}'s log; "
            f"{_count(report.cards, 'card')} {'would change' if dry_run else 'changed'}."
        )
    else:
        click.echo(f"Nothing to add: {app.learner}'s log has every one of these answers.")
    if as_deck is not None and made is not None and toml is not None:
        _write_deck(app, as_deck, made, toml, dry_run=dry_run)
    if dry_run:
        click.echo("Nothing written (--dry-run).")


def _day_of(app: AppContext) -> Callable[[datetime], date]:
    """The study day of an answer's time, in the learner's zone and rollover hour.

    Worked out once per quarter hour of UTC time: UTC offsets, their changes and the
    rollover hour all fall on quarter hours, so every instant of one has the same day.
    """
    from trainer.scheduling.studyday import study_day

    tz, rollover = app.settings.timezone, app.settings.rollover_hour
    days: dict[int, date] = {}

    def day_of(at: datetime) -> date:
        key = int(at.timestamp()) // 900
        found = days.get(key)
        if found is None:
            found = days[key] = study_day(at, tz, rollover)
        return found

    return day_of


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _others(history: PackageHistory) -> str:
    """The notes of other note types, by note type ("no notes" without any)."""
    if not history.skipped:
        return "no notes at all"
    # repr: a note type's name comes from the package (escapes control characters).
    kinds = ", ".join(f"{name!r}: {count}" for name, count in sorted(history.skipped.items()))
    return f"{_count(history.skipped_notes, 'note')} of other note types ({kinds})"


def _as_deck(
    app: AppContext, file: Path, history: PackageHistory, path: Path | None
) -> AsDeck | None:
    """The deck of the package's Basic notes (AuthoringError if there are none)."""
    from trainer.anki.asdeck import basic_deck
    from trainer.cli.deck import _known_decks, _refuse_taken_slug, _rng
    from trainer.decks.authoring import new_anki_deck_id, slug_for
    from trainer.errors import AuthoringError

    assert path is not None
    if not history.basic:
        raise AuthoringError(
            f"{file} has no notes of Anki's Basic or 'Basic (and reversed card)' note types "
            "to make a deck of; leave out --as-deck"
        )
    names = [note.deck.split("::")[-1] for note in history.basic if note.deck]
    title = max(set(names), key=names.count) if names else path.stem
    slug = slug_for(path.stem, None)
    known = _known_decks(app)
    _refuse_taken_slug(slug, known)
    return basic_deck(
        history.basic,
        slug=slug,
        title=" ".join(title.split()) or slug,
        description=f"Imported from the Anki package {file.name}.",
        anki_deck_id=new_anki_deck_id({d.anki_deck_id for d in known}, _rng()),
    )


def _deck_text(file: Path, path: Path, made: AsDeck) -> str:
    """The deck file's text, checked to fit and to parse before anything is written."""
    from trainer.cli.deck import _HEADER, _fits
    from trainer.decks.format import deck_to_toml, parse_deck_text

    toml = _HEADER.format(source=file.name) + deck_to_toml(made.deck)
    _fits(path, toml)
    parse_deck_text(toml, path)  # what is written must parse
    return toml


def _write_deck(app: AppContext, path: Path, made: AsDeck, toml: str, *, dry_run: bool) -> None:
    from trainer.cli.deck import _written
    from trainer.decks.authoring import write_text

    left = []
    if made.empty:
        left.append(f"{_count(made.empty, 'note')} without text on a side")
    if made.duplicates:
        left.append(f"{_count(made.duplicates, 'note')} repeating a term")
    if made.over:
        left.append(f"{_count(made.over, 'note')} past the 5000 a deck holds")
    entries = _count(len(made.deck.entries), "entry").replace("entrys", "entries")
    rest = f" (left out: {'; '.join(left)})" if left else ""
    if dry_run:
        click.echo(f"Would write {path}: deck {made.deck.slug!r}, {entries}{rest}.")
        return
    write_text(path, toml)
    click.echo(f"Wrote {path}: deck {made.deck.slug!r}, {entries}{rest}.")
    _written(app, [(path, toml)])
    click.echo(f"Next: trainer deck check {path}, then trainer deck add {path}")


@contextmanager
def _bar(file: Path) -> Iterator[Progress | None]:
    """A progress bar on stderr while a large package is unpacked (on a terminal)."""
    try:
        large = file.stat().st_size >= LARGE_PACKAGE_BYTES
    except OSError:
        large = False
    if not large or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    columns = (TextColumn("Reading"), BarColumn(), DownloadColumn())
    with Progress(
        *columns, console=Console(stderr=True), transient=True, redirect_stdout=False
    ) as bar:
        task = bar.add_task("read", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
