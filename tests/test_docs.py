"""Docs that cannot drift: every command has help with an example and is in the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from trainer.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command and group below `group`, as (name path, command), depth first."""
    found: list[tuple[tuple[str, ...], click.Command]] = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(cli)


def test_the_walk_finds_the_commands_and_subcommands() -> None:
    names = [" ".join(path) for path, _ in COMMANDS]
    assert {"quiz", "deck", "deck list", "class", "class report"} <= set(names)


@pytest.mark.parametrize(
    "command", [c for _, c in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS]
)
def test_every_command_has_help_with_an_example(command: click.Command) -> None:
    assert command.help, "no help text"
    assert command.short_help or command.help.strip().splitlines()[0], "no one-line summary"
    assert "Example:" in command.help, "no 'Example:' block in the help text"


@pytest.mark.parametrize(
    "command",
    [cli] + [c for _, c in COMMANDS],
    ids=["trainer"] + [" ".join(p) for p, _ in COMMANDS],
)
def test_every_option_has_help(command: click.Command) -> None:
    bare = [p.name for p in command.params if isinstance(p, click.Option) and not p.help]
    assert bare == []


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"trainer {' '.join(path)}" in README


def test_the_commands_overview_lists_every_command() -> None:
    start = README.index("\n## Commands\n")
    overview = README[start : README.index("\n## ", start + 1)]
    listed = re.findall(r"^\| `trainer ([a-z -]+)` \|", overview, flags=re.MULTILINE)
    leaves = [" ".join(p) for p, c in COMMANDS if not isinstance(c, click.Group)]
    assert sorted(listed) == sorted(leaves)


def test_python_dash_m_trainer_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trainer", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: trainer [OPTIONS] COMMAND [ARGS]...\n")
    for path, _ in COMMANDS:
        if len(path) == 1:
            assert f"  {path[0]} " in result.stdout
