"""trainer.progress.browse: the card browser's plain-SQL reads, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import DAY, answer, open_with_decks

from trainer.model import CardListing
from trainer.progress import browse
from trainer.progress.browse import CardFilter
from trainer.progress.readers import EngineReader
from trainer.progress.store import Store

ALL = [
    "alpha/one/forward",
    "alpha/one/reverse",
    "alpha/two/forward",
    "alpha/two/reverse",
    "alpha/three/forward",
    "alpha/three/reverse",
    "beta/red/forward",
    "beta/red/reverse",
    "beta/blue/forward",
    "beta/blue/reverse",
]


@pytest.fixture
def store(tmp_path: Path, store_target: str | Path) -> Iterator[Store]:
    """alpha and beta; ada: one learning card, one review card due DAY, one suspended."""
    store, _ = open_with_decks(tmp_path, store_target)
    answer(store, "alpha/one/forward", 4)  # learning, due DAY + 1
    answer(store, "beta/red/reverse", 5, DAY - timedelta(7))
    answer(store, "beta/red/reverse", 4, DAY - timedelta(6))  # review, due DAY
    store.set_suspended("ada", "alpha/two/reverse", True)
    answer(store, "beta/blue/forward", 4, learner="bob")
    yield store
    store.close()


def listed(store: Store, which: CardFilter, limit: int | None = None) -> list[CardListing]:
    with store.engine.connect() as conn:
        return browse.list_cards(EngineReader(conn), "ada", which, limit=limit)


def counted(store: Store, which: CardFilter) -> int:
    with store.engine.connect() as conn:
        return browse.count_cards(EngineReader(conn), "ada", which)


def test_every_card_in_deck_order_with_its_state(store: Store) -> None:
    cards = listed(store, CardFilter())
    assert [c.id for c in cards] == ALL
    states = {c.id: c.state for c in cards if c.state != "new"}
    assert states == {
        "alpha/one/forward": "learning",
        "alpha/two/reverse": "suspended",
        "beta/red/reverse": "review",
    }
    review = cards[ALL.index("beta/red/reverse")]
    assert (review.reps, review.ef, review.interval, review.due) == (2, 260, 6, DAY)
    assert counted(store, CardFilter()) == 10


@pytest.mark.parametrize("limit", [0, 1, 5, 6, 7, 10, 11])
def test_the_limit_runs_across_decks(store: Store, limit: int) -> None:
    assert [c.id for c in listed(store, CardFilter(), limit)] == ALL[:limit]


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        (CardFilter(decks=("beta",)), ALL[6:]),
        (CardFilter(decks=("beta", "alpha")), ALL),  # deck order, not the order asked
        (CardFilter(decks=("nope",)), []),
        (CardFilter(state="learning"), ["alpha/one/forward"]),
        (CardFilter(state="review"), ["beta/red/reverse"]),
        (CardFilter(state="suspended"), ["alpha/two/reverse"]),
        (CardFilter(state="new", decks=("beta",)), ["beta/red/forward", *ALL[8:]]),
        (CardFilter(due_on=DAY), ["beta/red/reverse"]),
        (CardFilter(due_on=DAY + timedelta(1)), ["alpha/one/forward", "beta/red/reverse"]),
        (CardFilter(search="RED"), ["beta/red/forward", "beta/red/reverse"]),
        (CardFilter(search="warm colour", state="review"), ["beta/red/reverse"]),
        (CardFilter(search="%"), []),  # LIKE's wildcards are plain text
        (CardFilter(search="_"), []),
        (CardFilter(leeches=True), []),
    ],
)
def test_filters_and_counts_agree(store: Store, which: CardFilter, expected: list[str]) -> None:
    assert [c.id for c in listed(store, which)] == expected
    assert counted(store, which) == len(expected)
    assert [c.id for c in listed(store, which, 1)] == expected[:1]


def test_due_leaves_out_suspended_and_retired_cards_unless_asked(store: Store) -> None:
    store.set_suspended("ada", "beta/red/reverse", True)
    assert listed(store, CardFilter(due_on=DAY)) == []
    which = CardFilter(due_on=DAY, state="suspended")
    assert [c.id for c in listed(store, which)] == ["beta/red/reverse"]
    assert counted(store, which) == 1


def test_an_unknown_learner_sees_every_card_new(store: Store) -> None:
    with store.engine.connect() as conn:
        cards = browse.list_cards(EngineReader(conn), "nobody", CardFilter())
    assert {c.state for c in cards} == {"new"}
    assert {(c.reps, c.ef, c.interval, c.due, c.lapses) for c in cards} == {(0, 250, 0, None, 0)}


def test_active_decks_in_deck_order(store: Store) -> None:
    with store.engine.connect() as conn:
        assert browse.active_decks(EngineReader(conn)) == ["alpha", "beta"]
