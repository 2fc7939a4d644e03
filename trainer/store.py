"""The progress store: SQLAlchemy 2 typed ORM over SQLite (or PostgreSQL).

ORM rows live in this module only; everything else sees the dataclasses of
`trainer.model`. Datetimes are stored in UTC and come back timezone-aware.

Schema (first release, migration "0001_initial"):

- decks: one row per bundled or registered deck (slug, title, Anki deck id,
  where it comes from, the content hash of the file last synced).
- cards: one row per card (stable id slug/entry/direction); `retired` when its
  entry left the deck file. Text is kept so browsing needs no deck parsing.
- learners: names of the people sharing the store.
- card_states: a learner's SM-2 state of a card (a row exists once the learner
  has graded, buried or suspended the card; no row means new).
- reviews: the log, one row per answer, with the state before and after, so the
  current state of every card can be rebuilt from it alone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; gives aware UTC datetimes back (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class MigrationRow(Base):
    __tablename__ = "schema_migrations"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeckRow(Base):
    __tablename__ = "decks"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    anki_deck_id: Mapped[int] = mapped_column(BigInteger)
    bundled: Mapped[bool] = mapped_column(Boolean, default=False)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)  # registered decks
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False after `deck remove`
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)  # deck order for new cards


class CardRow(Base):
    __tablename__ = "cards"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)  # slug/entry-id/direction
    deck_slug: Mapped[str] = mapped_column(ForeignKey("decks.slug"), index=True)
    entry_id: Mapped[str] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(String(10))  # Direction value
    term: Mapped[str] = mapped_column(Text)
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    ord: Mapped[int] = mapped_column(Integer, default=0)  # position in the deck
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_cards_deck_entry", "deck_slug", "entry_id"),)


class LearnerRow(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class CardStateRow(Base):
    __tablename__ = "card_states"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    ef: Mapped[int] = mapped_column(SmallInteger, default=250)  # hundredths
    interval: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)  # None: never graded
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    redrill_day: Mapped[date | None] = mapped_column(Date, nullable=True)  # in that day's re-drill
    buried_until: Mapped[date | None] = mapped_column(Date, nullable=True)  # hidden before that day
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_card_states_learner_due", "learner_id", "due"),)


class ReviewRow(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[date] = mapped_column(Date)
    grade: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(10))  # ReviewKind value
    n_before: Mapped[int] = mapped_column(Integer)
    ef_before: Mapped[int] = mapped_column(SmallInteger)
    interval_before: Mapped[int] = mapped_column(Integer)
    due_before: Mapped[date | None] = mapped_column(Date, nullable=True)
    lapses_before: Mapped[int] = mapped_column(Integer)
    n_after: Mapped[int] = mapped_column(Integer)
    ef_after: Mapped[int] = mapped_column(SmallInteger)
    interval_after: Mapped[int] = mapped_column(Integer)
    due_after: Mapped[date | None] = mapped_column(Date, nullable=True)
    lapses_after: Mapped[int] = mapped_column(Integer)
    answer_ms: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_reviews_learner_day", "learner_id", "day"),
        Index("ix_reviews_learner_card", "learner_id", "card_id", "id"),
    )
