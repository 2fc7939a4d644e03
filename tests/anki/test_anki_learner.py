"""The export's and the import's reads of a learner's progress (plain SQL on a Reader), on
SQLite and on PostgreSQL: the same figures from both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from store_helpers import answer_at, open_with_decks

from trainer.anki.export import note_guid
from trainer.anki.learner import logged_answers, note_guids, read_progress
from trainer.progress.readers import EngineReader

T0 = datetime(2026, 3, 1, 12, 0, 0, 987_654, tzinfo=UTC)


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def test_progress_and_log_read_alike_on_both_backends(
    tmp_path: Path, store_target: str | Path
) -> None:
    store, _ = open_with_decks(tmp_path, store_target)
    try:
        answer_at(store, "alpha/one/forward", 4, T0)
        answer_at(store, "alpha/one/forward", 1, T0 + timedelta(days=1))  # a lapse
        answer_at(store, "alpha/one/forward", 5, T0 + timedelta(days=1, minutes=1), redrill=True)
        answer_at(store, "beta/red/reverse", 3, T0.replace(microsecond=0))
        store.set_suspended("ada", "beta/red/reverse", True)
        reader = EngineReader(store.engine.connect())
        try:
            progress = read_progress(reader, "ada", ["alpha"])
            logged = logged_answers(reader, "ada")
            guids = note_guids(reader)
        finally:
            reader.close()
    finally:
        store.close()
    assert set(progress.cards) == {"alpha/one/forward"}  # beta is not exported
    assert progress.first_day == date(2026, 3, 1)
    # card, time (ms), button, interval after, before, E-Factor x 10, answer ms, kind
    assert sorted(progress.answers, key=lambda a: a[1]) == [
        ("beta/red/reverse", ms(T0.replace(microsecond=0)), 2, 1, 0, 2360, 1500, 0),
        ("alpha/one/forward", ms(T0), 3, 1, 0, 2500, 1500, 0),
        ("alpha/one/forward", ms(T0 + timedelta(days=1)), 1, 1, 1, 2500, 1500, 1),
        ("alpha/one/forward", ms(T0 + timedelta(days=1, minutes=1)), 4, 1, 1, 2500, 1500, 2),
    ]
    assert sorted(logged["alpha/one/forward"]) == [
        (ms(T0), 3),
        (ms(T0 + timedelta(days=1)), 1),
        (ms(T0 + timedelta(days=1, minutes=1)), 4),
    ]
    assert guids[note_guid("alpha", "one")] == ("alpha", "one")
