"""Scheduling: the scheduler interface, SM-2 (and FSRS beside it), the study day.

Pure code: imports only the standard library and trainer.model/errors; no I/O, no clock, no store.
"""

from __future__ import annotations

from trainer.scheduling.base import DEFAULT, MAX_INTERVAL, Scheduler, SchedulerConfig, is_leech

__all__ = [
    "DEFAULT",
    "MAX_INTERVAL",
    "Scheduler",
    "SchedulerConfig",
    "is_leech",
    "scheduler_for",
]

NAMES = ("sm2", "fsrs")


def scheduler_for(config: SchedulerConfig = DEFAULT) -> Scheduler:
    """The scheduler `config` names, with its settings."""
    if config.name == "sm2":
        from trainer.scheduling.sm2 import SM2Scheduler

        return SM2Scheduler()
    if config.name == "fsrs":
        from trainer.scheduling.fsrs import DEFAULT_RETENTION, FSRSScheduler

        retention = config.desired_retention
        return FSRSScheduler(
            desired_retention=DEFAULT_RETENTION if retention is None else retention,
            parameters=config.parameters,
        )
    from trainer.errors import SchedulerSettingsError

    raise SchedulerSettingsError(
        f"unknown scheduler {config.name!r}: choose one of {', '.join(NAMES)}"
    )
