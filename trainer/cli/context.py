"""What every command gets from the global options: the store location, the learner, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class AppContext:
    db: str | None
    learner: str

    def now(self) -> datetime:
        """The only clock in the program: commands read it here and pass it down."""
        return datetime.now(UTC)
