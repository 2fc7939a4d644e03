"""A seeded learner for the FSRS tests: a review log drawn from a known memory model.

Cards are learned a few a day and reviewed when SM-2 says (the trainer's default
scheduler); each review is recalled with the probability FSRS-6 with `TRUE_PARAMETERS`
gives, so fitting should move towards those. Failed and Hard answers are re-drilled
once the same day (graded 4), as the quiz does. Everything follows from the seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import fsrs_rs_python as lib

from trainer.model import CardState, Grade
from trainer.scheduling.fsrs import forgetting_curve
from trainer.scheduling.history import LogRow
from trainer.scheduling.sm2 import review as sm2_review

DAY0 = date(2025, 1, 1)
# FSRS-6 defaults with a learner who forgets faster (w8, the recall-stability
# growth, lowered) so that a fit has something to find.
TRUE_PARAMETERS = (*tuple(lib.DEFAULT_PARAMETERS[:8]), 1.2, *tuple(lib.DEFAULT_PARAMETERS[9:]))


def seeded_log(
    *, cards: int = 120, days: int = 200, new_per_day: int = 4, seed: int = 7
) -> tuple[list[LogRow], dict[str, CardState]]:
    """(log rows in log order, each card's SM-2 state at the end)."""
    rng = random.Random(seed)
    model = lib.FSRS(list(TRUE_PARAMETERS))
    events: list[tuple[int, str, int, int]] = []  # (day ordinal, card, grade, seq)
    states: dict[str, CardState] = {}
    memory: dict[str, tuple[float, float, int]] = {}
    introduced = 0
    seq = 0
    for offset in range(days):
        day = DAY0 + timedelta(days=offset)
        today = day.toordinal()
        due = sorted(c for c, s in states.items() if s.due is not None and s.due <= day)
        fresh = []
        for _ in range(min(new_per_day, cards - introduced)):
            fresh.append(f"deck/e{introduced:04d}/forward")
            introduced += 1
        for card in due + fresh:
            state = states.get(card, CardState())
            if card in memory:
                s, d, last = memory[card]
                recalled = rng.random() < forgetting_curve(TRUE_PARAMETERS, today - last, s)
                grade = rng.choice((3, 4, 4, 4, 5)) if recalled else rng.choice((0, 1, 2))
                nxt = model.next_states(lib.MemoryState(s, d), 0.9, today - last)
            else:
                grade = rng.choice((1, 3, 4, 4, 5))
                nxt = model.next_states(None, 0.9, 0)
            rating = 1 if grade < 3 else grade - 1
            m = (nxt.again, nxt.hard, nxt.good, nxt.easy)[rating - 1].memory
            memory[card] = (m.stability, m.difficulty, today)
            states[card] = sm2_review(state, Grade(grade), day)
            events.append((seq, card, today, grade))
            seq += 1
            if grade < 4:  # the re-drill: asked again today until a 4
                s, d, _ = memory[card]
                m = model.next_states(lib.MemoryState(s, d), 0.9, 0).good.memory
                memory[card] = (m.stability, m.difficulty, today)
                events.append((seq, card, today, 4))
                seq += 1
    return [(card, day, grade) for _, card, day, grade in events], states
