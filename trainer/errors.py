"""Domain exceptions.

Core modules raise these; the CLI turns each into a one-line `click.ClickException`
(set TRAINER_DEBUG=1 to see the traceback instead). Every message should say what
is wrong and, where it can, how to fix it.
"""

from __future__ import annotations

from pathlib import Path


class TrainerError(Exception):
    """Base class of every error a user can cause."""


class DeckFormatError(TrainerError):
    """A deck file (or a file imported into one) is malformed."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {message}")


class UnknownDeckError(TrainerError):
    """A deck slug that no bundled or registered deck has."""

    def __init__(self, slug: str, known: list[str]) -> None:
        self.slug = slug
        self.known = known
        super().__init__(
            f"unknown deck {slug!r}; known decks: {', '.join(known) if known else '(none)'}"
        )


class StoreError(TrainerError):
    """The progress store cannot be opened or used (not SQLite, corrupt, read-only, too new)."""


class ExportError(TrainerError):
    """An export could not be written."""


class SettingsError(TrainerError):
    """The settings file or a settings environment variable has a bad value."""


class AuthoringError(TrainerError):
    """A deck file cannot be written as asked (a bad --from, an existing file, a bad slug)."""


class UndoError(TrainerError):
    """An answer cannot be taken back: another session answered or undid it since."""


class AnkiPackageError(TrainerError):
    """An Anki package (.apkg, .colpkg) cannot be read or imported."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class FSRSUnavailableError(TrainerError):
    """FSRS was asked for but the optional extra (fsrs-rs-python) is not installed."""


class SchedulerSettingsError(TrainerError):
    """A scheduler setting is out of range or malformed (retention, FSRS parameters)."""


class NotEnoughReviewsError(TrainerError):
    """The learner's log has too few reviews for what was asked (fitting, evaluating)."""


class ClassError(TrainerError):
    """A class store command cannot be done: not PostgreSQL, not set up, a bad name, no right."""


class LearnerError(TrainerError):
    """A learner name that cannot be used: empty, too long, or with a control character."""
