"""The seams of the package, checked on every module's imports (at any depth, so an
import inside a function counts too): which parts may import which.

- Only the scheduling package names SM-2; everyone else asks a `Scheduler`.
- SQLAlchemy only where it earns its place: the store that writes, the deck sync,
  migrations, the per-day totals' backfill, class roles, the class report, and the
  engine reader.
- click only in the CLI (and paths.py's fallback for the data folder); rich only in
  the CLI and the screens of ui/.
- The screens (ui/) never touch SQL: no SQLAlchemy, sqlite3, readers or the store; the
  commands (cli/) read through the read front (trainer.progress.front), no SQL of their own.
- The core (scheduling, decks, progress, anki, session, model) imports neither the CLI
  nor the screens.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

import trainer

PACKAGE = Path(trainer.__file__).parent

SQLALCHEMY_ALLOWED = {
    "trainer.progress.store",
    "trainer.progress.sync",
    "trainer.progress.migrations",
    "trainer.progress.reviewdays",
    "trainer.progress.readers",
    "trainer.progress.classroles",
    "trainer.progress.classreport",
}
CLICK_ALLOWED = ("trainer.cli", "trainer.paths")
RICH_ALLOWED = ("trainer.cli", "trainer.ui")
SQL_MODULES = ("sqlalchemy", "sqlite3", "trainer.progress.readers", "trainer.progress.store")
CORE = (
    "trainer.scheduling",
    "trainer.decks",
    "trainer.progress",
    "trainer.anki",
    "trainer.session",
    "trainer.model",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, with `from a import b` counted as a.b too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def within(name: str, prefixes: tuple[str, ...] | set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def offenders(rule: str, allowed: tuple[str, ...] | set[str], banned: tuple[str, ...]) -> list[str]:
    """Imports of `banned` modules from modules outside `allowed`."""
    return checked(rule, lambda module: not within(module, allowed), banned)


def checked(rule: str, applies: Callable[[str], bool], banned: tuple[str, ...]) -> list[str]:
    """Imports of `banned` modules from the modules `applies` selects."""
    return sorted(
        f"{module} imports {target} ({rule})"
        for module, targets in MODULES.items()
        if applies(module)
        for target in targets
        if within(target, banned)
    )


def test_the_walk_sees_every_part() -> None:
    assert {"trainer.scheduling.sm2", "trainer.progress.store", "trainer.cli.quiz"} <= set(MODULES)
    assert "trainer.scheduling.sm2" in MODULES["trainer.scheduling"]


@pytest.mark.parametrize(
    ("rule", "allowed", "banned"),
    [
        ("only scheduling names SM-2", ("trainer.scheduling",), ("trainer.scheduling.sm2",)),
        ("SQLAlchemy where it earns its place", SQLALCHEMY_ALLOWED, ("sqlalchemy",)),
        ("click only in the CLI", CLICK_ALLOWED, ("click",)),
        ("rich only in the CLI and ui", RICH_ALLOWED, ("rich",)),
    ],
)
def test_seam(rule: str, allowed: tuple[str, ...], banned: tuple[str, ...]) -> None:
    assert offenders(rule, allowed, banned) == []


def test_the_screens_never_touch_sql() -> None:
    assert checked("ui", lambda m: within(m, ("trainer.ui",)), SQL_MODULES) == []


def test_the_cli_reads_through_the_front() -> None:
    """No command runs SQL of its own; only cli/context picks the reader under the front."""
    queries = ("sqlalchemy", "sqlite3", "trainer.progress.queue", "trainer.progress.streaks")
    assert checked("cli", lambda m: within(m, ("trainer.cli",)), queries) == []
    others = lambda m: within(m, ("trainer.cli",)) and m != "trainer.cli.context"  # noqa: E731
    assert checked("cli", others, ("trainer.progress.readers",)) == []


def test_the_core_never_imports_the_cli_or_the_screens() -> None:
    assert checked("core", lambda m: within(m, CORE), ("trainer.cli", "trainer.ui")) == []


def test_a_broken_seam_is_caught() -> None:
    """The check would see it: SM-2 named from the session, SQL from a screen."""
    MODULES["trainer.session"].add("trainer.scheduling.sm2")
    MODULES["trainer.ui.quiz"].add("sqlalchemy.engine")
    try:
        assert offenders("sm2", ("trainer.scheduling",), ("trainer.scheduling.sm2",)) == [
            "trainer.session imports trainer.scheduling.sm2 (sm2)"
        ]
        assert checked("sql", lambda m: within(m, ("trainer.ui",)), SQL_MODULES) == [
            "trainer.ui.quiz imports sqlalchemy.engine (sql)"
        ]
    finally:
        MODULES["trainer.session"].discard("trainer.scheduling.sm2")
        MODULES["trainer.ui.quiz"].discard("sqlalchemy.engine")
