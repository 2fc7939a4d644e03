"""trainer.progress.front: the read front on a store's connection and on the stdlib reader."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import DAY, answer, open_with_decks

from trainer.errors import UnknownDeckError
from trainer.model import Direction
from trainer.progress.front import Progress, Waiting
from trainer.progress.readers import SQLiteReader


def test_the_deck_selection_rule(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    with store.reading() as front:
        assert front.choose_decks([]) == []  # every active deck
        assert front.choose_decks(["beta", "alpha", "beta"]) == ["beta", "alpha"]
        with pytest.raises(UnknownDeckError) as raised:
            front.choose_decks(["alpha", "gamma"])
    assert str(raised.value) == "unknown deck 'gamma'; known decks: alpha, beta"
    store.close()


def test_reads_on_the_stdlib_reader_match_the_store(tmp_path: Path) -> None:
    store, _ = open_with_decks(tmp_path)
    answer(store, "alpha/one/forward", 5, DAY - timedelta(days=1))
    answer(store, "alpha/two/forward", 2, DAY)
    with store.reading() as front:
        seen = (
            front.streak("ada", DAY),
            front.next_due("ada", [], DAY),
            front.waiting("ada", ["alpha"], DAY, frozenset({Direction.FORWARD})),
            front.deck_infos(),
        )
    store.close()
    reader = SQLiteReader.open(tmp_path / "progress.db")
    front = Progress(reader)
    assert (
        front.streak("ada", DAY),
        front.next_due("ada", [], DAY),
        front.waiting("ada", ["alpha"], DAY, frozenset({Direction.FORWARD})),
        front.deck_infos(),
    ) == seen
    streak, next_due, waiting, infos = seen
    assert (streak.current, streak.longest) == (2, 2)
    assert next_due == DAY + timedelta(days=1)  # "two", graded 2: again tomorrow
    assert waiting == Waiting(new=1, due=1)  # "three" forward is new; "one" forward is due
    assert [info.slug for info in infos] == ["alpha", "beta"]
    assert front.streak("nobody", DAY).current == 0 and front.next_due("nobody", [], DAY) is None
    reader.close()
