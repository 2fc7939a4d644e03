"""The read front: everything a command or a study session reads, over any `Reader`.

`Progress(reader)` answers on a plain-SQL reader (`trainer.progress.readers`): the stdlib
sqlite3 reader of a fresh SQLite store, or a SQLAlchemy connection the store lends
(`Store.reading`). It looks each learner's id up once, holds the one deck-selection rule
of the commands that study or list cards, and gives the queue inputs (it is a
`QueueReader`), the next due day, the streak, the card listing, the statistics, the deck
infos and what the quiz counts when a day has nothing left. No SQLAlchemy import here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from trainer.errors import UnknownDeckError
from trainer.model import CardListing, DeckInfo, Direction
from trainer.progress import browse, queue
from trainer.progress.queue import QueueReader
from trainer.progress.streaks import Streak, streak_of, study_days

if TYPE_CHECKING:
    from trainer.progress.stats import Stats


@dataclass(frozen=True)
class Waiting:
    """Cards the day's limits or directions kept out of today's queue (the empty-day line)."""

    new: int  # new cards left in the chosen decks and directions
    due: int  # due cards in the chosen decks and directions


class Progress(QueueReader):
    """The reads of one command (see the module docstring); close the reader when done."""

    def active_decks(self) -> list[str]:
        """The slugs of the active decks, in deck order."""
        return browse.active_decks(self.reader)

    def choose_decks(self, wanted: Sequence[str]) -> list[str]:
        """The --deck slugs, checked against the active decks, each once, in the order given.

        No --deck gives [], which every read takes as all active decks. Raises
        UnknownDeckError (with the active slugs) for any other slug.
        """
        if not wanted:
            return []
        known = self.active_decks()
        for slug in wanted:
            if slug not in known:
                raise UnknownDeckError(slug, known)
        return list(dict.fromkeys(wanted))

    def deck_infos(self, *, include_inactive: bool = False) -> list[DeckInfo]:
        return queue.deck_infos(self.reader, include_inactive=include_inactive)

    def next_due(self, learner: str, decks: Sequence[str], day: date) -> date | None:
        """The first study day after `day` on which one of the learner's cards comes up."""
        lid = self.learner_id(learner)
        return None if lid is None else queue.next_due(self.reader, lid, decks, day)

    def streak(self, learner: str, today: date, decks: Sequence[str] = ()) -> Streak:
        """The learner's streak as of study day `today` (from the per-day totals)."""
        lid = self.learner_id(learner)
        if lid is None:
            return Streak()
        return streak_of(study_days(self.reader, lid, today, list(decks) or None), today)

    def waiting(
        self, learner: str, decks: Sequence[str], day: date, directions: frozenset[Direction]
    ) -> Waiting:
        """New and due cards of `decks` in `directions`, whatever today's limits."""
        new = self.new_cards(learner, decks, day)
        due = self.due_cards(learner, decks, day)
        return Waiting(
            new=sum(1 for s in new if s.card.direction in directions),
            due=sum(1 for s in due if s.card.direction in directions),
        )

    def list_cards(
        self, learner: str, which: browse.CardFilter, *, limit: int | None = None
    ) -> list[CardListing]:
        return browse.list_cards(self.reader, learner, which, limit=limit)

    def count_cards(self, learner: str, which: browse.CardFilter) -> int:
        return browse.count_cards(self.reader, learner, which)

    def stats(
        self, *, learner: str, today: date, tz: tzinfo, decks: Sequence[str], days: int
    ) -> Stats:
        """`trainer stats`' figures (trainer.progress.stats)."""
        from trainer.progress.stats import compute_stats

        return compute_stats(
            self.reader, learner=learner, decks=list(decks), today=today, tz=tz, days=days
        )
