"""Writing new deck files for instructors: `deck new`, copied entries, safe file writes.

Nothing here reads the clock or a random source of its own: the Anki deck id is
drawn from the `random.Random` the caller passes.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from trainer.decks.format import ANKI_ID_MAX, ANKI_ID_MIN, deck_to_toml, slug_problem, slugify
from trainer.errors import AuthoringError, UnknownDeckError
from trainer.files import atomic_write, check_replaceable
from trainer.model import Deck, Entry


def new_anki_deck_id(taken: Collection[int], rng: random.Random) -> int:
    """A fresh 10-digit Anki deck id that no deck in `taken` uses."""
    while True:
        candidate = rng.randint(ANKI_ID_MIN, ANKI_ID_MAX)
        if candidate not in taken:
            return candidate


def slug_for(title: str, slug: str | None) -> str:
    """The given slug (checked) or one made from the title."""
    chosen = slug if slug is not None else slugify(title)
    if not chosen:
        raise AuthoringError(
            f"cannot make a slug from the title {title!r}; pass --slug (e.g. --slug my-deck)"
        )
    problem = slug_problem(chosen, what="slug", example="sound-design")
    if problem:
        raise AuthoringError(problem)
    return chosen


def parse_from(spec: str) -> tuple[str, list[str]]:
    """Split a --from spec: "foundational:audio-codec,Latent Space" ->
    ("foundational", ["audio-codec", "Latent Space"])."""
    deck, sep, names = spec.partition(":")
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    if not sep or not deck.strip() or not wanted:
        raise AuthoringError(
            f"--from {spec!r} must look like DECK:TERM[,TERM...] "
            "(e.g. --from foundational:audio-codec,latent-space)"
        )
    return deck.strip(), wanted


def copy_entries(decks: Sequence[Deck], specs: Sequence[str]) -> list[Entry]:
    """Entries picked by `--from DECK:TERM[,TERM...]` specs (entry id or term, any case).

    Each copy keeps its text and source and gets `origin = "<deck>/<entry-id>"`.
    """
    by_slug = {deck.slug: deck for deck in decks}
    copies: list[Entry] = []
    seen: dict[str, str] = {}  # entry id / folded term -> origin
    for spec in specs:
        slug, names = parse_from(spec)
        if slug not in by_slug:
            raise UnknownDeckError(slug, list(by_slug))
        deck = by_slug[slug]
        for name in names:
            entry = _find(deck, name)
            origin = f"{deck.slug}/{entry.id}"
            if origin in seen.values():
                continue  # asked twice: copy once
            for key, what in ((entry.id, "entry id"), (entry.term.casefold(), "term")):
                if key in seen:
                    raise AuthoringError(
                        f"{origin} and {seen[key]} have the same {what}; copy only one of them"
                    )
                seen[key] = origin
            copies.append(replace(entry, origin=origin, line=None))
    return copies


def _find(deck: Deck, name: str) -> Entry:
    folded = name.casefold()
    for entry in deck.entries:
        if entry.id == folded or entry.term.casefold() == folded:
            return entry
    raise AuthoringError(
        f"deck {deck.slug!r} has no entry with the id or term {name!r}; "
        f"see `trainer deck show {deck.slug}`"
    )


EXAMPLE_ENTRY = """\
# Add one [[entry]] table per term. An example (remove the leading '# ' to use it):
#
# [[entry]]
# id = "nyquist-frequency"    # lowercase letters, digits, hyphens; never change it later
# term = "Nyquist Frequency"
# aliases = ["Nyquist limit"] # optional: other names, accepted as answers and masked
# definition = "Half the sample rate of a digital audio signal: the highest pitch it can \
represent."
# mask = []                   # optional: more words to hide on the reverse card
# details = "Optional: more text, shown after the definition."
# tags = ["audio"]            # optional: lowercase, no spaces
# source = "authored"         # "authored" (your text) or "glossary"
"""


def new_deck_text(
    *, slug: str, title: str, description: str, anki_deck_id: int, entries: Sequence[Entry]
) -> str:
    """The text of a new deck file: a header comment, the deck, and (without entries)
    a commented example entry."""
    deck = Deck(
        slug=slug,
        title=title,
        description=description,
        anki_deck_id=anki_deck_id,
        entries=tuple(entries),
    )
    header = (
        '# A trainer deck file (see the README, "Deck file format").\n'
        "# Check it with `trainer deck check FILE`; register it with `trainer deck add FILE`.\n"
        "# Keep slug and anki_deck_id as they are once the deck is shared.\n\n"
    )
    text = header + deck_to_toml(deck)
    if not entries:
        text += "\n" + EXAMPLE_ENTRY
    return text


def refuse_existing(path: Path, force: bool) -> None:
    """AuthoringError if `path` exists and `force` is not set, or if it is something
    --force must not replace: a folder, a device, a pipe (only regular files are)."""
    try:
        check_replaceable(path)
    except OSError as error:
        raise AuthoringError(
            f"cannot write {path}: {error.strerror}; pass the name of a deck file"
        ) from None
    if path.exists() and not force:
        raise AuthoringError(f"{path} already exists; pass --force to overwrite it")


def write_text(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path` in one step: a temporary file in the same folder, then
    os.replace. An existing file is only replaced with `force`."""
    refuse_existing(path, force)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AuthoringError(f"cannot write to {folder}: {error.strerror}") from error
    try:
        # 0644 whatever the umask: a deck file is meant to be shared
        with atomic_write(path, newline="\n", mode=0o644) as out:
            out.write(text)
    except OSError as error:
        raise AuthoringError(f"cannot write {path}: {error.strerror}") from error


def write_texts(files: Sequence[tuple[Path, str]], *, force: bool = False) -> None:
    """Write several files: every target is checked before any is written."""
    for path, _ in files:
        refuse_existing(path, force)
    for path, text in files:
        write_text(path, text, force=True)
