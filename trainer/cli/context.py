"""What every command gets from the global options: the store location, the learner, the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from trainer import paths
from trainer.cli.output import echo

if TYPE_CHECKING:
    from trainer.model import Deck
    from trainer.progress.classroles import Signin
    from trainer.progress.front import Progress
    from trainer.progress.readers import Reader
    from trainer.progress.store import Store
    from trainer.settings import Settings


F = TypeVar("F", bound=Callable[..., Any])


class AppContext:
    def __init__(self, db: str | None, learner: str, learner_given: bool = True) -> None:
        self.db = db
        self._learner = learner
        #: --learner or TRAINER_LEARNER was given (not the user-name default)
        self.learner_given = learner_given
        #: who we are in a class store (PostgreSQL), once it is open
        self.signin: Signin | None = None
        self._store: Store | None = None
        self._reader: Reader | None = None
        self._progress: Progress | None = None

    @property
    def learner(self) -> str:
        """--learner / TRAINER_LEARNER (on a class store, the connection's learner once it is
        open), checked when a command first needs it (so `--help` and the deck commands
        work whatever it is). LearnerError if it cannot be a name."""
        return _checked(self._learner)

    @learner.setter
    def learner(self, name: str) -> None:
        self._learner = name

    def now(self) -> datetime:
        """The only clock in the program: commands read it here and pass it down."""
        return datetime.now(UTC)

    @cached_property
    def settings(self) -> Settings:
        """settings.toml and the TRAINER_TZ / TRAINER_ROLLOVER_HOUR environment, read once."""
        from trainer.settings import load_settings  # tomllib and zoneinfo: not for --help

        return load_settings()

    def today(self) -> date:
        """The current study day in the learner's time zone, after the rollover hour."""
        from trainer.scheduling.studyday import study_day

        return study_day(self.now(), self.settings.timezone, self.settings.rollover_hour)

    def store_target(self) -> str:
        """--db / TRAINER_DB, else progress.db in the data folder."""
        return self.db or str(paths.default_store_path())

    def open_store(self) -> Store:
        """Open the progress store (once per command) and sync the bundled and registered decks.

        The store is closed when the command ends. Decks that cannot be synced are
        reported on stderr, one line each; their cards stay as they were.
        """
        if self._store is not None:
            return self._store
        from trainer.decks.catalog import bundled_deck_files
        from trainer.progress.store import DeckSource, Store

        store = Store.open(self.store_target())
        self._store = store
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.call_on_close(self.close_store)
        if store.engine.dialect.name == "postgresql":
            from trainer.progress.classroles import Standing, learner_for, signin

            self.signin = signin(store.engine)
            if self.signin is not None:
                self.learner = learner_for(
                    self.signin, self.learner, explicit=self.learner_given, answering=False
                )
                if self.signin.standing in (Standing.LEARNER, Standing.OUTSIDER):
                    return store  # the decks are the instructor's: a learner only reads them
        sources = [DeckSource(path, bundled=True) for path in bundled_deck_files()]
        sources += [DeckSource(path, bundled=False) for path in store.registered_paths()]
        report = store.sync_decks(sources)
        for problem in report.problems:
            echo(f"Warning: {problem}", err=True)
        return store

    def learner_to_read(self, name: str | None) -> str:
        """Whose progress a reading command shows: `name` (a command's own --learner) or ours.

        On a class store a learner may name only themselves (ClassError otherwise).
        """
        if name is None or self.signin is None:
            return _checked(name) if name else self.learner
        from trainer.progress.classroles import learner_for

        return learner_for(self.signin, name, explicit=True, answering=False)

    def learner_to_answer(self) -> str:
        """The learner who answers (trainer quiz): on a class store, only a learner's own role."""
        self.open_store()
        if self.signin is None:
            return self.learner
        from trainer.progress.classroles import learner_for

        return learner_for(self.signin, self.learner, explicit=self.learner_given, answering=True)

    def read_store(self) -> Reader:
        """A plain-SQL reader of the store, for commands that only read (status, stats).

        A SQLite store that needs nothing migrated or synced is read with the standard
        library alone (no SQLAlchemy import: these commands must start fast); any other
        store is opened as `open_store` does it (migrated, decks synced, problems
        reported) and read through its engine. Closed when the command ends.
        """
        if self._reader is not None:
            return self._reader
        from trainer.progress.readers import fresh_sqlite_reader

        reader: Reader | None = None
        target = self.store_target()
        if "://" not in target:
            from trainer.decks.catalog import bundled_deck_files

            reader = fresh_sqlite_reader(Path(target).expanduser(), bundled_deck_files())
        if reader is None:
            reader = self.open_store().reader()
        self._reader = reader
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.call_on_close(self.close_reader)
        return reader

    def progress(self) -> Progress:
        """The read front (trainer.progress.front) on `read_store()`: for commands that read."""
        if self._progress is None:
            from trainer.progress.front import Progress

            self._progress = Progress(self.read_store())
        return self._progress

    def close_reader(self) -> None:
        self._progress = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def all_decks(self) -> list[Deck]:
        """The bundled decks, then the active registered ones that parse, in deck order.

        A registered deck file that cannot be read or parsed is left out: `open_store`
        has already said why, in one warning line.
        """
        from trainer.decks.catalog import bundled_deck_files, load_decks
        from trainer.decks.format import parse_deck
        from trainer.errors import DeckFormatError

        store = self.open_store()
        decks = load_decks(bundled_deck_files())
        for path in store.registered_paths():
            try:
                decks.append(parse_deck(path))
            except DeckFormatError:
                continue
        return decks


def _checked(name: str) -> str:
    """`name` if it can be a learner's name, else LearnerError saying why."""
    from trainer.errors import LearnerError
    from trainer.model import learner_name_problem

    problem = learner_name_problem(name)
    if problem is not None:
        raise LearnerError(f"--learner (or TRAINER_LEARNER): {problem}")
    return name


#: Passes the command's AppContext (made by the `trainer` group) as the first argument.
pass_app = click.make_pass_decorator(AppContext)


def deck_option(help: str, dest: str = "slugs") -> Callable[[F], F]:
    """The repeatable `--deck SLUG` option of the commands that work on some decks."""
    return click.option("--deck", dest, multiple=True, metavar="SLUG", help=help)
