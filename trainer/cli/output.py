"""How commands print: `--json` output and rich screens, the same way in every command.

rich and json are imported inside the functions, so `trainer --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import RenderableType


def echo_json(value: object) -> None:
    """Print `value` as a command's --json output: indented, non-ASCII text as is."""
    import json

    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def print_rich(renderable: RenderableType, *, soft_wrap: bool = False) -> None:
    """Print a rich screen; text is never highlighted (numbers in definitions stay plain).

    `soft_wrap`: long lines are not cut at the terminal's width (a line to copy whole)."""
    from rich.console import Console

    Console(highlight=False).print(renderable, soft_wrap=soft_wrap)
