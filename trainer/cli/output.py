"""How commands print: `--json` output and rich screens, the same way in every command.

Every rich screen is drawn by `console()`, whose text is made safe (`trainer.printable.safe`)
as it is rendered: a control or bidirectional formatting character from a deck file or the
store (a learner's name, a term) is shown as U+FFFD instead of reaching the terminal.
`echo` does the same for a plain line. rich and json are imported inside the functions, so
`trainer --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from trainer.printable import safe

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def echo(message: str, *, err: bool = False) -> None:
    """Print one plain line (a warning, a summary) with any unsafe character replaced."""
    click.echo(safe(message), err=err)


def echo_json(value: object) -> None:
    """Print `value` as a command's --json output: indented, non-ASCII text as is.

    json escapes C0 controls itself; DEL, C1 and bidirectional formatting characters
    are escaped here too (`\\u202e`), so the output is safe to show and parses to the
    same value.
    """
    import json

    text = json.dumps(value, indent=2, ensure_ascii=False)
    if safe(text) != text:
        text = "".join(ch if safe(ch) == ch else f"\\u{ord(ch):04x}" for ch in text)
    click.echo(text)


def console(**options: Any) -> Console:
    """A rich Console whose rendered text is safe (see the module docstring); never
    highlighted (numbers in definitions stay plain)."""
    from rich.console import Console
    from rich.segment import Segment
    from rich.text import Text

    class SafeConsole(Console):
        def render(self, renderable: Any, options: Any = None) -> Any:
            # Text is replaced before it is laid out (one character for one: styles and
            # line breaks stay); a segment a renderable yields directly is checked too.
            if isinstance(renderable, str):
                renderable = safe(renderable)
            elif isinstance(renderable, Text) and safe(renderable.plain) != renderable.plain:
                renderable = renderable.copy()
                renderable.plain = safe(renderable.plain)
            for segment in super().render(renderable, options):
                if segment.control is None and safe(segment.text) != segment.text:
                    yield Segment(safe(segment.text), segment.style)
                else:
                    yield segment

    options.setdefault("highlight", False)
    return SafeConsole(**options)


def print_rich(renderable: RenderableType, *, soft_wrap: bool = False) -> None:
    """Print a rich screen through `console()`.

    `soft_wrap`: long lines are not cut at the terminal's width (a line to copy whole)."""
    console().print(renderable, soft_wrap=soft_wrap)
