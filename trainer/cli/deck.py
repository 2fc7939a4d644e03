"""`trainer deck ...`: list and show decks; for instructors, build, check, add and remove them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from trainer.cli.output import echo, echo_json, print_rich
from trainer.printable import command, plural, safe

if TYPE_CHECKING:
    import random
    from collections.abc import Sequence

    from trainer.cli.context import AppContext
    from trainer.decks.lint import Finding
    from trainer.model import Deck


@click.group()
def deck() -> None:
    """Bundled and registered decks: list them, show one; build, check and add your own.

    Example:

    \b
        trainer deck list
        trainer deck show foundational
        trainer deck import-csv terms.csv --out film.toml --title "Film Sound"
        trainer deck check film.toml
        trainer deck add film.toml
    """


@deck.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_obj
def list_decks(app: AppContext, as_json: bool) -> None:
    """List the decks: slug, title, entries, cards and where the text comes from.

    "glossary" decks hold the source glossary's text, "authored" decks were written
    by the trainer authors, "mixed" decks hold both. Once you have added decks with
    `trainer deck add`, a Kind column marks each bundled or registered. In JSON
    every deck has "registered" (true or false) and "path" (the registered deck
    file, null for a bundled deck).

    Example:

    \b
        trainer deck list
        trainer deck list --json
    """
    from trainer.decks.catalog import deck_summary, load_bundled_decks

    registered = _registered_decks(app)
    decks = load_bundled_decks() + registered
    if as_json:
        mine = {d.slug for d in registered}
        echo_json([deck_summary(d, registered=d.slug in mine) for d in decks])
        return
    from trainer.ui.decks import deck_table

    print_rich(deck_table(decks, {d.slug for d in registered}))


@deck.command(name="show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the deck and its cards as JSON.")
@click.pass_obj
def show_deck(app: AppContext, slug: str, as_json: bool) -> None:
    """Show one deck: every entry with its names, definition, details and reverse prompt.

    An entry whose text differs from its source is marked "corrected from the
    source", with each change, its reason and a reference.

    With --json: the deck's slug, title, description, entries (id, term, aliases,
    definition, details, tags, source, origin, mask, reverse, corrections) and
    cards (id, entry, direction, front, back).

    Example:

    \b
        trainer deck show foundational
        trainer deck show demoscene --json
    """
    from trainer.decks.cards import cards_for_deck
    from trainer.decks.catalog import deck_record, select_decks

    (chosen,) = select_decks(_known_decks(app), [slug])
    if as_json:
        echo_json(deck_record(chosen))
        return
    from trainer.ui.decks import deck_view

    print_rich(deck_view(chosen, cards_for_deck(chosen)))


# --- for instructors: build, check, register ------------------------------------------
# (trainer.decks.lint, .authoring, .csv_import and the store are imported inside
# the commands, so `trainer --help` stays fast.)


def _echo_findings(findings: Sequence[Finding], *, err: bool = False) -> None:
    for finding in findings:
        echo(str(finding), err=err)


def _registered_paths(app: AppContext) -> list[Path]:
    """The registered deck files, without creating a progress store that does not exist."""
    target = app.store_target()
    if "://" not in target and not Path(target).exists():
        return []
    from trainer.errors import StoreError
    from trainer.progress.store import Store

    try:
        store = Store.open(target)
        try:
            return store.registered_paths()
        finally:
            store.close()
    except StoreError as error:  # checking a deck file should not need a working store
        echo(f"Warning: registered decks left out: {error}", err=True)
        return []


def _known_decks(app: AppContext) -> list[Deck]:
    """The bundled decks, then the registered ones that parse (a broken one is a warning)."""
    from trainer.decks.catalog import load_bundled_decks

    return load_bundled_decks() + _registered_decks(app)


def _registered_decks(app: AppContext) -> list[Deck]:
    """The registered decks that parse; one that does not is a warning on stderr."""
    from trainer.decks.format import parse_deck
    from trainer.errors import DeckFormatError

    decks: list[Deck] = []
    for path in _registered_paths(app):
        try:
            decks.append(parse_deck(path))
        except DeckFormatError as error:
            echo(f"Warning: registered deck {error}", err=True)
    return decks


def _refuse_taken_slug(slug: str, known: Sequence[Deck]) -> None:
    from trainer.decks.catalog import BUNDLED_SLUGS
    from trainer.errors import AuthoringError

    for other in known:
        if other.slug == slug:
            owner = "a bundled deck" if slug in BUNDLED_SLUGS else f"the deck file {other.path}"
            raise AuthoringError(
                f"the slug {slug!r} is already used by {owner}; pass --slug with another one"
            )


def _rng() -> random.Random:
    import random

    return random.SystemRandom()


@deck.command(name="new")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--title", required=True, help="The deck's title, e.g. 'Sound Design Basics'.")
@click.option("--slug", help="Its short name, stable forever (default: made from the title).")
@click.option("--description", help="One or two sentences about the deck (default: the title).")
@click.option(
    "--from",
    "sources",
    multiple=True,
    metavar="DECK:TERM[,TERM...]",
    help="Copy entries (by id or term, any case) from a bundled or registered deck; repeatable.",
)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.pass_obj
def new_deck(
    app: AppContext,
    path: Path,
    title: str,
    slug: str | None,
    description: str | None,
    sources: tuple[str, ...],
    force: bool,
) -> None:
    """Write a new deck file with a fresh Anki deck id.

    Without --from the file has a commented example entry to copy. Entries copied
    with --from keep their text and get `origin = "<deck>/<entry-id>"`.

    Example:

    \b
        trainer deck new sound-design.toml --title "Sound Design Basics"
        trainer deck new course.toml --title "Week 1" \\
            --from foundational:audio-codec,latent-space --from models-architectures:gan
    """
    from trainer.decks.authoring import (
        copy_entries,
        new_anki_deck_id,
        new_deck_text,
        refuse_existing,
        slug_for,
        write_text,
    )

    chosen = slug_for(title, slug)
    refuse_existing(path, force)
    known = _known_decks(app)
    _refuse_taken_slug(chosen, known)
    entries = copy_entries(known, sources) if sources else []
    text = new_deck_text(
        slug=chosen,
        title=title,
        description=description or title,
        anki_deck_id=new_anki_deck_id({d.anki_deck_id for d in known}, _rng()),
        entries=entries,
    )
    write_text(path, text, force=force)
    check, add = command("trainer", "deck", "check", path), command("trainer", "deck", "add", path)
    if entries:
        copied = plural(len(entries), "copied entry", "copied entries")
        echo(f"Wrote {path}: deck {chosen!r} with {copied}.")
        echo(f"Next: {check}, then {add}")
    else:
        echo(f"Wrote {path}: deck {chosen!r} with a commented example entry.")
        echo(f"Next: add entries, run {check}, then {add}")


def _written(app: AppContext, files: Sequence[tuple[Path, str]]) -> None:
    """After an import: the check of the written files, as `deck check` prints it."""
    from trainer.decks.lint import check_texts

    result = check_texts(files, _known_decks(app))
    _echo_findings(result.findings)
    if result.errors:
        echo(
            f"{plural(len(result.errors), 'error')} to fix before `trainer deck add`; "
            f"then run: {command('trainer', 'deck', 'check', *(path for path, _ in files))}"
        )


@deck.command(name="import-csv")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The deck file to write.",
)
@click.option("--title", required=True, help="The deck's title.")
@click.option("--slug", help="Its short name, stable forever (default: made from the title).")
@click.option(
    "--description", help="One or two sentences about the deck (default: 'Imported from FILE.')."
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.pass_obj
def import_csv(
    app: AppContext,
    file: Path,
    out: Path,
    title: str,
    slug: str | None,
    description: str | None,
    force: bool,
) -> None:
    """Write a deck file from a spreadsheet's CSV export.

    Comma, semicolon or tab separated (detected); UTF-8 with or without a BOM. A
    header row names the columns term, definition and optionally aliases, details,
    tags (any order, any case); without one, two columns: term, definition. Several
    aliases or tags in one cell are separated by ';' or '|'. Files over 2 MB or
    5000 entries are refused. Nothing is written if the file has a problem.

    Example:

    \b
        trainer deck import-csv terms.csv --out sound-design.toml --title "Sound Design"
    """
    from trainer.decks.authoring import new_anki_deck_id, refuse_existing, slug_for, write_text
    from trainer.decks.csv_import import parse_csv
    from trainer.decks.format import deck_to_toml, parse_deck_text, read_text_file

    chosen = slug_for(title, slug)
    refuse_existing(out, force)
    known = _known_decks(app)
    _refuse_taken_slug(chosen, known)
    text = read_text_file(file, "CSV file")
    deck_ = parse_csv(
        text,
        file,
        slug=chosen,
        title=title,
        description=description or f"Imported from {file.name}.",
        anki_deck_id=new_anki_deck_id({d.anki_deck_id for d in known}, _rng()),
    )
    toml = _header(file) + deck_to_toml(deck_)
    _fits(out, toml)
    parse_deck_text(toml, out)  # what is written must parse
    write_text(out, toml, force=force)
    echo(f"Wrote {out}: deck {chosen!r}, {_entries(len(deck_.entries))} from {file}.")
    _written(app, [(out, toml)])


def _entries(count: int) -> str:
    return plural(count, "entry", "entries")


def _fits(path: Path, toml: str) -> None:
    """A deck file about to be written must be one `deck check` reads."""
    from trainer.decks.format import size_error

    too_big = size_error(path, len(toml.encode("utf-8")))
    if too_big is not None:
        raise too_big


_HEADER = (
    '# A trainer deck file, imported from {source} (see the README, "Deck file format").\n'
    "# Check it with `trainer deck check FILE`; register it with `trainer deck add FILE`.\n\n"
)


def _header(source: Path) -> str:
    """The comment at the top of an imported deck file (the source's name on one line)."""
    return _HEADER.format(source=" ".join(safe(source.name).split()))


@deck.command(name="import-glossary")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the deck files (created if missing).",
)
@click.option("--force", is_flag=True, help="Overwrite deck files that exist.")
@click.pass_obj
def import_glossary(app: AppContext, file: Path, out_dir: Path, force: bool) -> None:
    """Write one deck file per section of a glossary document.

    The document is plain text in the source glossary's shape: section headings
    like "A–E: Foundational Terms", each followed by term lines and their definition
    paragraphs. The first sentence of a paragraph becomes the definition, the rest
    the details. Promotional sentences are left out and paragraphs that stop
    mid-sentence are reported, as warnings. Nothing is written if the document has
    a problem.

    Example:

    \b
        trainer deck import-glossary glossary.txt --out decks/
    """
    from trainer.decks.authoring import new_anki_deck_id, write_texts
    from trainer.decks.format import deck_to_toml, parse_deck_text, read_text_file, slugify
    from trainer.decks.glossary import HEADING_RE, parse_glossary, section_deck
    from trainer.decks.lint import Finding, Severity
    from trainer.errors import DeckFormatError

    text = read_text_file(file, "glossary document")
    imported = parse_glossary(text, file)
    known = _known_decks(app)
    taken = {d.anki_deck_id for d in known}
    files: list[tuple[Path, str]] = []
    slugs: set[str] = set()
    for section in imported.sections:
        if not section.entries:
            raise DeckFormatError(
                file, section.line, f"the section {section.title!r} has no entries"
            )
        heading = HEADING_RE.match(section.title)
        base = slugify(heading.group("name") if heading else section.title) or "section"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        anki_id = new_anki_deck_id(taken, _rng())
        taken.add(anki_id)
        deck_ = section_deck(
            section,
            slug=slug,
            description=f"The section {section.title!r} of {file.name}.",
            anki_deck_id=anki_id,
        )
        path = out_dir / f"{slug}.toml"
        toml = _header(file) + deck_to_toml(deck_)
        _fits(path, toml)
        parse_deck_text(toml, path)
        files.append((path, toml))
    notes = [
        Finding(
            file,
            cut.line,
            Severity.WARNING,
            f"the paragraph of {cut.term!r} stops mid-sentence (...{cut.ending!r}); "
            "complete it in the deck file",
        )
        for cut in imported.cut_off
    ]
    notes += [
        Finding(file, skip.line, Severity.WARNING, f"left out ({skip.reason}): {skip.text}")
        for skip in imported.skipped
        if skip.reason != "intro"
    ]
    write_texts(files, force=force)
    for (path, _), section in zip(files, imported.sections, strict=True):
        echo(f"Wrote {path}: {section.title!r}, {_entries(len(section.entries))}.")
    _echo_findings(sorted(notes, key=lambda f: f.line or 0))
    _written(app, files)


@deck.command(name="check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@click.pass_obj
def check(app: AppContext, paths: tuple[Path, ...], as_json: bool) -> None:
    """Check deck files: `path:line: error|warning: text`, like a compiler.

    Errors: anything the parser rejects (bad TOML, unknown or empty fields, bad ids,
    tags with spaces, duplicate ids or terms), a slug, Anki deck id, term or alias
    that another checked, registered or bundled deck already uses, an alias shared
    by two entries, a reverse card that still shows its answer after masking.
    Warnings: definitions over 300 characters or under four words, two
    definitions at least 90% alike, and a reverse-prompt word that shares its stem
    with the answer ("samples" for Sampler). Exit status 1 if there is an error,
    else 0.
    With --json, a list of {path, line, severity, message}.

    Example:

    \b
        trainer deck check sound-design.toml
        trainer deck check decks/*.toml --json
    """
    from trainer.decks.lint import check_files, records

    result = check_files(list(paths), _known_decks(app))
    if as_json:
        echo_json(records(result.findings))
    else:
        _echo_findings(result.findings)
        click.echo(result.summary(len(paths)))
    if result.errors:
        raise SystemExit(1)


@deck.command(name="add")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def add_deck(app: AppContext, path: Path) -> None:
    """Register a deck file so that quiz, cards, stats and export use it.

    The file is checked first (as `trainer deck check` does); an error stops it.
    The file stays where it is: edits to it are picked up by the next command.
    Adding a deck that was removed brings back its cards and progress.

    Example:

    \b
        trainer deck add sound-design.toml
    """
    from trainer.decks.lint import check_files

    result = check_files([path], _known_decks(app))
    _echo_findings(result.findings, err=True)
    if result.errors:
        raise click.ClickException(
            safe(
                f"{path} was not added: {plural(len(result.errors), 'error')}; fix "
                f"{'it' if len(result.errors) == 1 else 'them'} and run "
                f"`{command('trainer', 'deck', 'add', path)}` again"
            )
        )
    new = result.decks[path]
    store = app.open_store()
    before = {info.slug: info for info in store.deck_infos(include_inactive=True)}
    store.register_deck(path, new)
    after = {info.slug: info for info in store.deck_infos()}[new.slug]
    old = before.get(new.slug)
    if old is not None and old.active and old.path == path.resolve():
        verb = "Updated"
    elif old is not None and not old.active:
        verb = "Restored"
    else:
        verb = "Added"
    echo(
        f"{verb} deck {new.slug!r} ({new.title}): {_entries(len(new.entries))}, "
        f"{plural(after.cards, 'card')}, from {after.path}."
    )
    if verb == "Restored":
        click.echo("Its cards are back with the progress they had.")


@deck.command(name="remove")
@click.argument("slug")
@click.pass_obj
def remove_deck(app: AppContext, slug: str) -> None:
    """Stop using a registered deck: its cards are retired, progress is kept.

    The deck file is left alone. `trainer deck add FILE` brings the deck back
    with its progress.

    Example:

    \b
        trainer deck remove sound-design
    """
    store = app.open_store()
    infos = {info.slug: info for info in store.deck_infos()}
    info = infos.get(slug)
    if info is not None and info.bundled:
        raise click.ClickException(
            f"{slug!r} is a bundled deck; only decks added with `trainer deck add` can be removed"
        )
    if info is None:
        registered = [s for s, i in infos.items() if not i.bundled]
        raise click.ClickException(
            f"no registered deck {slug!r}; registered decks: "
            + (", ".join(registered) if registered else "(none)")
        )
    store.remove_deck(slug)
    echo(
        f"Removed deck {slug!r}: its {plural(info.cards, 'card')} "
        f"{'is' if info.cards == 1 else 'are'} retired, progress is kept. "
        f"To bring it back: {command('trainer', 'deck', 'add', info.path)}"
    )
