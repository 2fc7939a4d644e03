"""A learner's stored scheduler settings (table learner_schedulers, migration 0009).

The SQL and the row <-> `SchedulerConfig` conversion live here once: the store writes
and reads through them, and the read path (stats, the class report) reads through a
plain `Reader`. No row means SM-2 with nothing set. Parameters are a JSON list.
Plain Python: no SQLAlchemy.
"""

from __future__ import annotations

import json
from typing import Any

from trainer.errors import StoreError
from trainer.progress.readers import Reader
from trainer.scheduling import DEFAULT, SchedulerConfig

CONFIG_SQL = (
    "SELECT scheduler, desired_retention, parameters FROM learner_schedulers"
    " WHERE learner_id = :learner_id"
)
ALL_SQL = "SELECT learner_id, scheduler FROM learner_schedulers"
DELETE_SQL = "DELETE FROM learner_schedulers WHERE learner_id = :learner_id"
INSERT_SQL = (
    "INSERT INTO learner_schedulers (learner_id, scheduler, desired_retention, parameters)"
    " VALUES (:learner_id, :scheduler, :desired_retention, :parameters)"
)


def config_of(row: Any) -> SchedulerConfig:
    """The SchedulerConfig of a learner_schedulers row (None: no row, SM-2)."""
    if row is None:
        return DEFAULT
    name, retention, parameters = row
    try:
        values = tuple(float(w) for w in json.loads(parameters)) if parameters else ()
    except (ValueError, TypeError) as exc:
        raise StoreError(f"the stored FSRS parameters are not a list of numbers ({exc})") from None
    return SchedulerConfig(str(name), None if retention is None else float(retention), values)


def row_values(learner_id: int, config: SchedulerConfig) -> dict[str, Any]:
    """The parameters of INSERT_SQL for `config`."""
    return {
        "learner_id": learner_id,
        "scheduler": config.name,
        "desired_retention": config.desired_retention,
        "parameters": json.dumps(list(config.parameters)) if config.parameters else None,
    }


def read_config(reader: Reader, learner_id: int | None) -> SchedulerConfig:
    """The learner's settings through a plain reader (SM-2 for an unknown learner)."""
    if learner_id is None or learner_id < 0:
        return DEFAULT
    rows = reader.rows(CONFIG_SQL, {"learner_id": learner_id})
    return config_of(rows[0] if rows else None)


def scheduler_names(reader: Reader) -> dict[int, str]:
    """learner id -> scheduler name, for the learners who chose one (class report)."""
    return {int(lid): str(name) for lid, name in reader.rows(ALL_SQL)}
