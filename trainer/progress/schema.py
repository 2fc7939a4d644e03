"""The names of the store's schema migrations, in order, without importing SQLAlchemy.

`trainer.progress.migrations` pairs each name with its step; the read path
(`trainer.progress.readers`) compares them with a store's `schema_migrations` table to know
whether the store can be read as it is. Never rename or reorder; only append (here and in
trainer/progress/migrations.py).
"""

from __future__ import annotations

MIGRATIONS_TABLE = "schema_migrations"

MIGRATION_NAMES: tuple[str, ...] = (
    "0001_initial",
    "0002_queue_indexes",
    "0003_deck_file_stat",
    "0004_finished_deck_index",
    "0005_stats_indexes",
    "0006_review_days",
    "0007_queue_index",
    "0008_stats_indexes",
    "0009_fsrs",
    "0010_fsrs_queue_index",
)
