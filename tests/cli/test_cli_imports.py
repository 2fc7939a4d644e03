"""`trainer --help` stays fast: heavy modules are imported only inside the commands using them.

Each check runs in a fresh interpreter (this test process has imported everything
already) and lists the heavy modules found in `sys.modules`: after `import
trainer.cli`, then after the --help of the program and of every command.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click

from trainer.cli import cli

#: Not needed to print any help: the database layers, rich, genanki, the settings
#: readers (tomllib, zoneinfo) and the trainer modules that pull them in.
HEAVY = (
    "sqlalchemy",
    "sqlite3",
    "rich",
    "genanki",
    "tomllib",
    "zoneinfo",
    "trainer.model",
    "trainer.progress.store",
    "trainer.progress.readers",
    "trainer.session",
    "trainer.progress.stats",
    "trainer.settings",
    "trainer.decks.catalog",
    "trainer.decks.format",
)

PROBE = """\
import contextlib, io, sys

heavy = sys.argv[1].split(",")


def loaded():
    return " ".join(name for name in heavy if name in sys.modules)


import trainer.cli

print("import trainer.cli:", loaded())
for command in sys.argv[2:]:
    words = command.split()
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            trainer.cli.main([*words, "--help"])
        except SystemExit as done:
            code = done.code
    print(" ".join(["trainer", *words, "--help"]), f"(exit {code}):", loaded())
"""


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """'deck', 'deck list', ... : every group and command under `group`, in name order."""
    found: list[str] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        found.append(prefix + name)
        if isinstance(command, click.Group):
            found += command_paths(command, prefix + name + " ")
    return found


def probe(heavy: tuple[str, ...], commands: list[str], *, unset: str = "") -> list[str]:
    """The probe's lines: the heavy modules loaded after the import and after each --help."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(heavy), *commands],
        capture_output=True,
        text=True,
        check=False,
        env={name: value for name, value in os.environ.items() if name != unset},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def clean(commands: list[str]) -> list[str]:
    """The probe's lines when no heavy module is loaded and every --help exits with 0."""
    return ["import trainer.cli: "] + [
        " ".join(["trainer", *c.split(), "--help"]) + " (exit 0): " for c in commands
    ]


def test_trainer_help_imports_none_of_the_heavy_modules() -> None:
    # No TRAINER_LEARNER: the --learner default (getpass) must not be computed for --help.
    assert probe((*HEAVY, "getpass"), [""], unset="TRAINER_LEARNER") == clean([""])


def test_no_command_help_imports_a_heavy_module() -> None:
    commands = command_paths(cli)
    assert probe(HEAVY, commands) == clean(commands)


def test_the_probe_sees_a_heavy_module() -> None:
    """The check above would catch an import: here trainer.model is imported on purpose."""
    script = PROBE.replace("import trainer.cli\n", "import trainer.cli, trainer.model\n", 1)
    done = subprocess.run(
        [sys.executable, "-c", script, ",".join(HEAVY)], capture_output=True, text=True, check=True
    )
    assert done.stdout == "import trainer.cli: trainer.model\n"


def test_every_command_is_walked() -> None:
    walked = set(command_paths(cli))
    assert {"quiz", "status", "cards", "stats", "export", "deck list", "class report"} <= walked
