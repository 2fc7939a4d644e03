"""Where trainer keeps its files: the data folder, the default store, the settings file."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

APP_NAME = "trainer"


def data_dir() -> Path:
    """TRAINER_HOME if set, else the platform's per-user application folder.

    TRAINER_HOME set to nothing is a SettingsError (not the default folder: a script that
    meant to point elsewhere would otherwise study in, or overwrite, the real one).

    Uses click's `get_app_dir` (as llm does) so no extra dependency is needed;
    click is imported here only when the fallback is needed.
    """
    home = os.environ.get("TRAINER_HOME")
    if home is not None:
        if not home.strip():
            from trainer.errors import SettingsError

            raise SettingsError(
                "TRAINER_HOME is set but empty; set it to a folder for trainer's data, "
                "or unset it to use the default folder"
            )
        return Path(home).expanduser()
    import click

    return Path(click.get_app_dir(APP_NAME))


def default_store_path() -> Path:
    return data_dir() / "progress.db"


def settings_path() -> Path:
    return data_dir() / "settings.toml"


def bundled_decks_dir() -> Path:
    """The folder of the deck files shipped with the package.

    Installed (wheel or editable), the files are the `trainer.deckfiles` package data
    (named so as not to clash with the parser module `trainer.decks.format`); run straight
    from a source checkout they are in the repository's `decks/`.
    """
    try:
        bundled = importlib.import_module("trainer.deckfiles")
        return Path(next(iter(bundled.__path__)))
    except ImportError:
        return Path(__file__).resolve().parent.parent / "decks"
