"""`trainer quiz` (the daily study session) and `trainer status` (one line for a prompt).

The session logic is `trainer.session`; this module reads keys, calls it and renders
with `trainer.ui.quiz`. With standard input a terminal, single keys drive the quiz
(`click.getchar`); otherwise each card reads one line to reveal (in --typed mode, the
typed answer) and one line with the grade or key, so scripts and tests can pipe it.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from trainer.cli.context import AppContext, deck_option
from trainer.errors import UndoError
from trainer.printable import plural

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from trainer.decks.answer import Match
    from trainer.model import Card, Direction, Entry
    from trainer.progress.store import Store
    from trainer.session import Item, Session

COMMAND_KEYS = frozenset("qubse?")
GRADE_KEYS = frozenset("012345")
DIRECTIONS = ("both", "forward", "reverse")  # --direction (plain strings: --help needs no model)


def _directions(name: str) -> frozenset[Direction]:
    """The card directions one --direction value asks."""
    from trainer.model import Direction

    return frozenset(Direction) if name == "both" else frozenset({Direction(name)})


class _Quit(Exception):
    """The learner pressed q."""


class _Hangup(Exception):
    """The terminal went away (SIGHUP)."""


@contextmanager
def _hangup_ends_session() -> Iterator[None]:
    """Turn SIGHUP into an exception the quiz catches like Ctrl-C (main thread only)."""
    import signal

    def handler(signum: int, frame: Any) -> None:
        raise _Hangup()

    try:
        previous = signal.signal(signal.SIGHUP, handler)
    except (ValueError, AttributeError, OSError):  # not the main thread, or no SIGHUP
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGHUP while an answer is committed; act on them right after.

    The store's write is one transaction, so an interruption could only lose the
    answer being saved; deferring it keeps every graded answer.
    """
    import signal

    pending: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        pending.append(signum)

    previous: dict[int, Any] = {}
    try:
        for signum in (signal.SIGINT, getattr(signal, "SIGHUP", None)):
            if signum is not None:
                previous[signum] = signal.signal(signum, hold)
    except ValueError:  # not the main thread: signals cannot be handled here anyway
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if signal.SIGINT in pending:
            raise KeyboardInterrupt
        if pending:
            raise _Hangup()


class _Keys:
    """Reads the learner's input: single keys on a terminal, whole lines from a pipe."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def line(self, prompt: str) -> str:
        """A whole line (the typed answer); EOFError at end of input.

        From a pipe the line is echoed after the prompt, so a transcript reads like
        the terminal session it replaces.
        """
        click.echo(prompt, nl=False)
        text = sys.stdin.readline()
        if not text:
            click.echo()
            raise EOFError
        line = text.rstrip("\r\n")
        if not self.tty:
            click.echo(line)
        return line

    def key(self, prompt: str) -> str:
        """One key (terminal) or one line (pipe), stripped; "" means Enter."""
        if not self.tty:
            return self.line(prompt).strip()
        click.echo(prompt, nl=False)
        char = click.getchar()  # raises KeyboardInterrupt on Ctrl-C, EOFError on Ctrl-D
        shown = "" if char in ("\r", "\n") else char if char.isprintable() else ""
        click.echo(shown)
        return "" if char in ("\r", "\n", " ") else char


class _Quiz:
    """One run of `trainer quiz`: the loop over cards, keys and rendering."""

    def __init__(
        self,
        app: AppContext,
        store: Store,
        session: Session,
        *,
        slugs: Sequence[str],
        titles: dict[str, str],
        deck_files: dict[str, Path],
        typed: bool,
        console: Console,
        keys: _Keys,
    ) -> None:
        from trainer.ui import quiz as ui

        self.ui = ui
        self.app = app
        self.store = store
        self.session = session
        self.slugs = slugs
        self.titles = titles
        self.deck_files = deck_files
        self._entries: dict[str, dict[str, Entry]] = {}  # deck slug -> entry id -> entry
        self.typed = typed
        self.console = console
        self.keys = keys

    def entry_for(self, card: Card) -> Entry | None:
        """The card's entry, parsed from its deck file the first time the deck comes up.

        Typed answers need its aliases, and reverse cards show its definition. Only
        the decks actually studied are parsed; a file that cannot be read or no longer
        matches leaves the cards' own text in use.
        """
        if card.deck not in self._entries:
            from trainer.decks.format import parse_deck
            from trainer.errors import TrainerError

            entries: dict[str, Entry] = {}
            path = self.deck_files.get(card.deck)
            if path is not None:
                try:
                    deck = parse_deck(path)
                except (TrainerError, OSError):
                    deck = None
                if deck is not None and deck.slug == card.deck:
                    entries = {entry.id: entry for entry in deck.entries}
            self._entries[card.deck] = entries
        return self._entries[card.deck].get(card.entry)

    def say(self, text: str, style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style))

    def hint(self, text: str) -> None:
        self.say(text, "yellow")

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> None:
        while (item := self.session.current()) is not None:
            self.card(item)

    def card(self, item: Item) -> None:
        ui = self.ui
        started = time.monotonic()
        title = self.titles.get(item.card.deck, item.card.deck)
        self.console.print(
            ui.front_panel(item, self.session.progress(), deck_title=title, typed=self.typed)
        )
        typed_text: str | None = None
        while True:
            raw = self.keys.line("answer › ") if self.typed else self.keys.key("› ")
            key = raw.strip()
            if len(key) == 1 and key in COMMAND_KEYS:
                if self.command(key, item):
                    return
                continue
            if self.typed or not self.keys.tty or key == "":
                typed_text = raw if self.typed else None
                break
            self.hint("Enter shows the answer (? for help).")
        self.grade(item, typed_text, started)

    def grade(self, item: Item, typed_text: str | None, started: float) -> None:
        from trainer.model import Grade

        ui = self.ui
        match = self.check(item, typed_text)
        entry = self.entry_for(item.card)
        self.console.print(
            ui.back_panel(
                item,
                match=match,
                typed=typed_text,
                definition=entry.definition if entry is not None else None,
            )
        )
        suggested = match.suggested_grade if match is not None else None
        self.console.print(
            ui.grade_prompt(
                self.session.preview(),
                width=self.console.width,
                suggested=suggested,
                labels=ui.grade_labels(self.session.scheduler.name),
            )
        )
        while True:
            key = self.keys.key("grade › ")
            if len(key) == 1 and key in GRADE_KEYS:
                grade = Grade(int(key))
                break
            if key == "" and suggested is not None:
                grade = suggested
                break
            if len(key) == 1 and key in COMMAND_KEYS:
                if self.command(key, item):
                    return
                continue
            enter = "Enter: suggested · " if suggested is not None else ""
            self.hint(f"{enter}0-5 grade · u b s e q · ? help")
        answer_ms = int((time.monotonic() - started) * 1000)
        with _signals_deferred():
            review = self.session.answer(grade, now=self.app.now(), answer_ms=answer_ms)
        scheduler = self.session.scheduler
        label = f"{int(grade)} {ui.grade_labels(scheduler.name)[grade]}"
        next_in = f"next in {ui.plural(review.after.interval, 'day')} ({review.after.due})"
        if scheduler.in_redrill(grade):
            self.say(f"{label}: back in today's re-drill", "dim")
        elif review.kind.value == "redrill":
            # SM-2 leaves the schedule as it was; FSRS moves it with the memory state
            moved = review.after != review.before
            self.say(f"{label}: done for today" + (f", {next_in}" if moved else ""), "dim")
        else:
            self.say(f"{label}: {next_in}", "dim")
        if scheduler.is_leech_lapse(review.before.lapses, review.after.lapses):
            self.hint(
                f"Leech: {review.after.lapses} lapses. Consider rewording this card, "
                "or suspending it (s) when it comes up."
            )

    def check(self, item: Item, typed_text: str | None) -> Match | None:
        """The typed answer against every name of the entry (reverse cards only)."""
        from trainer.model import Direction

        if typed_text is None or item.card.direction is not Direction.REVERSE:
            return None
        from trainer.decks.answer import check_answer
        from trainer.decks.cards import answers_for

        entry = self.entry_for(item.card)
        answers = answers_for(entry) if entry is not None else [item.card.back]
        return check_answer(typed_text, answers)

    def command(self, key: str, item: Item) -> bool:
        """Handle q u b s e ?; True when the current card changed (the caller moves on)."""
        ui = self.ui
        session = self.session
        if key == "q":
            raise _Quit()
        if key == "?":
            self.console.print(ui.help_panel(self.session.scheduler.name))
            return False
        if key == "e":
            from trainer.decks.cards import forward_back

            title = self.titles.get(item.card.deck, item.card.deck)
            entry = self.entry_for(item.card)
            self.console.print(
                ui.details_panel(
                    item.card,
                    item.state,
                    session.history(),
                    deck_title=title,
                    text=forward_back(entry) if entry is not None else None,
                )
            )
            return False
        if key == "u":
            try:
                with _signals_deferred():
                    undone = session.undo()
            except UndoError as error:
                self.hint(f"Not undone: {error}.")
                return False
            if undone is None:
                self.hint("Nothing to undo in this session.")
                return False
            self.say(f"Undone: back to {undone.card.term or undone.card.id}.")
            return True
        if key == "b":
            with _signals_deferred():
                card = session.bury()
            self.say(f"Buried until tomorrow: {card.term or card.id}.")
            return True
        if key == "s":
            with _signals_deferred():
                card = session.suspend()
            self.say(f"Suspended: {card.term or card.id}.")
            return True
        return False


def _limits(app: AppContext, new: int | None, reviews: int | None) -> Any:
    from trainer.session import Limits
    from trainer.settings import MAX_NEW_PER_DAY, MAX_REVIEWS_PER_DAY

    for option, value, most in (
        ("--new", new, MAX_NEW_PER_DAY),
        ("--reviews", reviews, MAX_REVIEWS_PER_DAY),
    ):
        if value is not None and value > most:
            raise click.BadParameter(
                f"{value} is more than a study day holds (at most {most})", param_hint=option
            )
    settings = app.settings
    return Limits(
        new=settings.new_per_day if new is None else new,
        reviews=settings.reviews_per_day if reviews is None else reviews,
    )


@click.command()
@deck_option("Study only this deck (repeatable; default: every active deck).", "decks")
@click.option(
    "--new",
    "new_limit",
    type=click.IntRange(min=0),
    help="New cards per study day (default: new_per_day in settings.toml, 20).",
)
@click.option(
    "--reviews",
    "review_limit",
    type=click.IntRange(min=0),
    help="Due reviews per study day (default: reviews_per_day in settings.toml, 200).",
)
@click.option(
    "--direction",
    type=click.Choice(DIRECTIONS),
    default="both",
    show_default=True,
    help="Which side of each entry to ask: the term (forward) or the definition (reverse).",
)
@click.option(
    "--typed",
    is_flag=True,
    help="Type each answer; reverse cards are checked leniently and a grade is suggested.",
)
@click.option("--seed", type=int, hidden=True, help="Seed the re-drill shuffle (for tests).")
@click.pass_obj
def quiz(
    app: AppContext,
    decks: tuple[str, ...],
    new_limit: int | None,
    review_limit: int | None,
    direction: str,
    typed: bool,
    seed: int | None,
) -> None:
    """Study today's cards: the re-drill left from earlier, due reviews, then new cards.

    Enter shows the answer; 0-5 grades it (SM-2: 5 perfect ... 0 blackout).
    Cards graded below 4 come back in today's re-drill until they score 4 or 5.
    Keys: u undo, b bury until tomorrow, s suspend, e details and history,
    q quit, ? help. Every answer is saved at once; q, Ctrl-C and the end of
    input all end the session with a summary. From a pipe, each card reads
    one line to reveal (with --typed: the answer) and one line with the key.

    Example:

    \b
        trainer quiz --deck foundational --new 10
        printf '\\n4\\n' | trainer quiz --new 1
    """
    from trainer.cli.output import console as safe_console
    from trainer.decks.catalog import bundled_deck_files
    from trainer.session import Session
    from trainer.ui import quiz as ui

    limits = _limits(app, new_limit, review_limit)  # a bad limit: before the store is opened
    store = app.open_store()
    learner = app.learner_to_answer()  # a class store's instructor may not answer
    with store.reading() as front:
        slugs = front.choose_decks(decks)
    day = app.today()
    session = Session.start(
        store,
        learner=learner,
        decks=slugs,
        day=day,
        limits=limits,
        directions=_directions(direction),
        rng=random.Random(seed),
        scheduler=store.use_learner_scheduler(learner),
    )
    console = safe_console()
    if session.finished:
        with store.reading() as front:
            done = front.done_today(app.learner, day)
            waiting = front.waiting(app.learner, slugs, day, _directions(direction))
            next_due = front.next_due(app.learner, slugs, day)
        line = ui.empty_day_line(
            today=day,
            next_due=next_due,
            new_left=waiting.new,
            new_limit_reached=done.new >= limits.new,
            due_waiting=waiting.due,
            review_limit_reached=done.reviews >= limits.reviews,
        )
        click.echo(line)  # one line, never wrapped
        return
    with store.reading() as front:
        infos = front.deck_infos()
    titles = {info.slug: info.title for info in infos}
    bundled = {path.stem: path for path in bundled_deck_files()}
    deck_files = {
        info.slug: path
        for info in infos
        if (path := info.path or bundled.get(info.slug)) is not None
    }
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    runner = _Quiz(
        app,
        store,
        session,
        slugs=slugs,
        titles=titles,
        deck_files=deck_files,
        typed=typed,
        console=console,
        keys=_Keys(tty),
    )
    started = app.now()
    hung_up = False
    with _hangup_ends_session():
        try:
            runner.run()
        except (_Quit, EOFError):
            pass
        except KeyboardInterrupt:
            console.print()
        except _Hangup:
            hung_up = True
    with store.reading() as front:
        summary = session.summary(
            seconds=int((app.now() - started).total_seconds()),
            streak=front.streak(app.learner, day).current,
            due_tomorrow=len(front.due_cards(app.learner, slugs, day + timedelta(days=1))),
        )
    try:
        console.print(ui.summary_panel(summary))
    except OSError:
        if not hung_up:
            raise


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the line.")
@click.pass_obj
def status(app: AppContext, as_json: bool) -> None:
    """One line for a shell prompt or a morning script: due, new, streak.

    Counts what `trainer quiz` would ask today with the settings' limits: due
    reviews plus the unfinished re-drill, and new cards.

    Example:

    \b
        $ trainer status
        12 due · 20 new · streak 5 days
    """
    # Plain SQL through app.read_store(): a synced SQLite store is read with the
    # standard library alone (no SQLAlchemy, no rich), so the command starts fast.
    from trainer.model import ReviewKind
    from trainer.session import plan_day

    front = app.progress()
    day = app.today()
    items = plan_day(
        front,
        learner=app.learner,
        decks=[],  # every active deck
        day=day,
        limits=_limits(app, None, None),
        rng=random.Random(0),
    )
    kinds = [item.kind for item in items]
    reviews = kinds.count(ReviewKind.REVIEW)
    redrill = kinds.count(ReviewKind.REDRILL)
    new = kinds.count(ReviewKind.LEARN)
    due = reviews + redrill
    streak = front.streak(app.learner, day).current
    if as_json:
        next_due = day if due else front.next_due(app.learner, [], day)
        payload = {
            "learner": app.learner,
            "day": day.isoformat(),
            "due": due,
            "reviews": reviews,
            "redrill": redrill,
            "new": new,
            "streak": streak,
            "next_due": next_due.isoformat() if next_due else None,
        }
        click.echo(json.dumps(payload))
        return
    click.echo(status_line(due=due, new=new, streak=streak))


def status_line(*, due: int, new: int, streak: int) -> str:
    """12 due · 20 new · streak 5 days (plain text: `trainer status` does not load rich)."""
    return f"{due} due · {new} new · streak {plural(streak, 'day')}"
