"""FSRS-6 as a scheduler of study days (pure: no I/O, no clock).

The memory model is the one Anki uses: `fsrs-rs` through its Python binding
`fsrs-rs-python` (the optional extra ``trainer[fsrs]``; 0.9.3 ships fsrs-rs 6.6.2).
Every memory-state step and every raw interval comes from the library's own
``FSRS.next_states(state, desired_retention, days_elapsed)``; this module only turns
them into study days, as Anki's scheduler does:

- **Grades.** The trainer keeps SuperMemo's six grades. They map to FSRS's four
  ratings as the FSRS authors mapped SuperMemo data for their SM-15 comparison: 0, 1
  and 2 are Again, 3 Hard, 4 Good, 5 Easy (open-spaced-repetition/fsrs-vs-sm15,
  issue 2: "merged 1 and 2 in SuperMemo to 1 in Anki, and mapped 3, 4, and 5 ... to
  2, 3, and 4"; grade 0 to 1 in the follow-up).
- **Same-day answers.** A re-drill answer is a review with ``days_elapsed = 0``:
  FSRS-6 then applies its short-term stability formula (fsrs-rs ``model.rs``
  ``step``: ``if delta_t == 0 { new_s = stability_short_term }``), so the memory state
  changes and the interval follows it; SM-2 ignores such answers.
- **Days elapsed.** For the first answer of a day: the day minus the day the card was
  last scheduled (``due - interval``, which every answer keeps exact).
- **Intervals.** Anki's rules (rslib ``scheduler/states``): a new card or a re-drill
  answer leaves "learning" like ``learning.rs`` (``round(interval)``, at least 1,
  fuzzed); a review passes like ``review.rs`` ``passing_fsrs_review_intervals``
  (Hard, Good, Easy fuzzed, each at least the last scheduled interval + 1 when it
  grew — ``minimum_review_fuzz_interval`` — and Good above Hard, Easy above Good);
  Again on a review is ``round(interval)``, at least 1, unfuzzed (``answer_again``
  without relearning steps). Intervals stop at the same maximum as SM-2's.
- **Fuzz.** Anki's ranges and bounds (``fuzz.rs``: no fuzz below 2.5 days, then
  ±(1 + 15 % of days 2.5-7 + 10 % of days 7-20 + 5 % beyond), clamped). Anki draws
  the fuzz factor from a ChaCha generator seeded with card id + review count; here
  the factor is a hash of the card id and the study day, so it is deterministic per
  card and day and the preview shows exactly what an answer will give.
- **Counters.** ``n`` and ``lapses`` count first answers of a day as under SM-2
  (Again resets ``n``; a lapse is Again after a run of passes); the E-Factor is
  left as it is, so switching back to SM-2 replays the log without surprises.
"""

from __future__ import annotations

import hashlib
import math
import types
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from trainer.errors import FSRSUnavailableError, SchedulerSettingsError
from trainer.model import CardState, Grade, ReviewKind
from trainer.scheduling.base import MAX_INTERVAL

NAME = "fsrs"
DEFAULT_RETENTION = 0.90
# The desired retentions we accept: what Anki's deck options do not mark as dangerous
# (ts/routes/deck-options/FsrsOptions.svelte, getRetentionWarningClass: "alert-danger"
# below 0.7 or above 0.97, a warning outside 0.80-0.95; its slider goes to 0.99).
RETENTION_MIN = 0.70
RETENTION_MAX = 0.97
# Parameter counts Anki accepts (ts/routes/deck-options/ParamsInput.svelte:
# validParamCounts = [0, 17, 19, 21]); 17 and 19 are FSRS-4.5/5 sets that
# fsrs-rs's check_and_fill_parameters converts to FSRS-6's 21.
PARAMETER_COUNTS = (17, 19, 21)
INSTALL_HINT = "pip install 'trainer[fsrs]'"


class Rating(IntEnum):
    """FSRS's four ratings (Anki's answer buttons)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


def rating_of(grade: Grade | int) -> Rating:
    """The FSRS rating of a SuperMemo grade: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    g = int(grade)
    if g <= 2:
        return Rating.AGAIN
    return Rating(g - 1)


def library() -> types.ModuleType:
    """The fsrs-rs-python module, or FSRSUnavailableError saying how to install it."""
    try:
        import fsrs_rs_python
    except ImportError as exc:  # the optional extra is not installed
        raise FSRSUnavailableError(f"FSRS needs the optional extra: {INSTALL_HINT}") from exc
    return fsrs_rs_python


def default_parameters() -> tuple[float, ...]:
    """FSRS-6's default parameters, as fsrs-rs ships them (21 numbers)."""
    return tuple(float(w) for w in library().DEFAULT_PARAMETERS)


def check_retention(retention: float) -> float:
    """`retention` if FSRS supports it here (0.70-0.97), else SchedulerSettingsError."""
    if not (isinstance(retention, float | int) and math.isfinite(retention)) or not (
        RETENTION_MIN <= retention <= RETENTION_MAX
    ):
        raise SchedulerSettingsError(
            f"desired retention must be between {RETENTION_MIN:.2f} and {RETENTION_MAX:.2f}"
            f" (e.g. --retention 0.90), got {retention}"
        )
    return float(retention)


def parse_parameters(text: str) -> tuple[float, ...]:
    """FSRS parameters in Anki's format ("0.2120, 1.2931, ...") filled to FSRS-6's 21.

    Like Anki's parameter box: spaces are ignored, empty items skipped; 17, 19 or 21
    numbers are accepted (older sets are converted by fsrs-rs). Anything else raises
    SchedulerSettingsError.
    """
    items = [item for item in text.replace(" ", "").split(",") if item]
    values: list[float] = []
    for position, item in enumerate(items, start=1):
        try:
            value = float(item)
        except ValueError:
            raise SchedulerSettingsError(
                f"FSRS parameter {position} is not a number: {item[:20]!r}"
                " (give comma-separated numbers as Anki shows them)"
            ) from None
        if not math.isfinite(value):
            raise SchedulerSettingsError(f"FSRS parameter {position} is not finite: {item!r}")
        values.append(value)
    if len(values) not in PARAMETER_COUNTS:
        raise SchedulerSettingsError(
            f"FSRS needs 17, 19 or 21 parameters (as Anki shows them), got {len(values)}"
        )
    return fill_parameters(values)


def fill_parameters(values: tuple[float, ...] | list[float]) -> tuple[float, ...]:
    """`values` checked by fsrs-rs and filled to 21; SchedulerSettingsError if it refuses."""
    lib = library()
    try:
        filled = lib.check_and_fill_parameters(list(values))
        lib.FSRS(filled)  # also refuses parameters outside what fsrs-rs can use
    except ValueError as exc:
        raise SchedulerSettingsError(f"fsrs-rs refused these FSRS parameters ({exc})") from None
    return tuple(float(w) for w in filled)


def format_parameters(parameters: tuple[float, ...] | list[float]) -> str:
    """Anki's format: four decimals, comma and space (ParamsInput.svelte ``render``)."""
    return ", ".join(f"{w:.4f}" for w in parameters)


# --- fuzz (Anki's rslib/src/scheduler/states/fuzz.rs) ---------------------------------


def _round(x: float) -> int:
    """Rust's f32::round: halves away from zero (Python's round() goes to even)."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def fuzz_delta(interval: float) -> float:
    """Days of fuzz either side of `interval`: none below 2.5 days, else 1 day plus 15 %
    of its days in 2.5-7, 10 % of those in 7-20 and 5 % of those above 20."""
    if interval < 2.5:
        return 0.0
    if interval <= 7.0:
        return 1.0 + 0.15 * (interval - 2.5)
    if interval <= 20.0:
        return 1.0 + 0.15 * 4.5 + 0.1 * (interval - 7.0)
    return 1.0 + 0.15 * 4.5 + 0.1 * 13.0 + 0.05 * (interval - 20.0)


def fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """Anki's constrained_fuzz_bounds: the fuzz range of `interval` within [minimum, maximum]."""
    if minimum > maximum:
        minimum = maximum
    if interval < minimum:
        interval = float(minimum)
    elif interval > maximum:
        interval = float(maximum)
    delta = fuzz_delta(interval)
    lower = math.floor(interval - delta + 0.5)
    upper = math.floor(interval + delta + 0.5)
    lower = minimum if lower < minimum else maximum if lower > maximum else lower
    upper = minimum if upper < minimum else maximum if upper > maximum else upper
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def fuzz_factor(card_id: str, day: date) -> float:
    """A number in [0, 1) fixed by the card and the study day."""
    digest = hashlib.blake2b(f"{card_id}\x1f{day.isoformat()}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def with_fuzz(interval: float, minimum: int, maximum: int, factor: float) -> int:
    """Anki's with_review_fuzz: a day drawn from the fuzz range by `factor`."""
    lower, upper = fuzz_bounds(interval, minimum, maximum)
    return math.floor(lower + factor * (1 + upper - lower))


def minimum_review_interval(interval: float, previous: int, maximum: int) -> int:
    """Anki's minimum_review_fuzz_interval: don't let fuzz shrink a growing interval."""
    rounded = _round(interval)
    _, upper = fuzz_bounds(interval, 1, maximum)
    if rounded > previous:
        return previous + 1
    if previous <= upper:
        return previous
    return 0


# --- the scheduler --------------------------------------------------------------------


@dataclass(frozen=True)
class FSRSScheduler:
    """FSRS-6 with a learner's desired retention and parameters (21 numbers)."""

    desired_retention: float = DEFAULT_RETENTION
    parameters: tuple[float, ...] = ()
    max_interval: int = MAX_INTERVAL
    name: str = NAME
    _model: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_retention(self.desired_retention)
        params = self.parameters or default_parameters()
        object.__setattr__(self, "parameters", fill_parameters(params))
        object.__setattr__(self, "_model", library().FSRS(list(self.parameters)))

    # The protocol -----------------------------------------------------------------

    def review(
        self, state: CardState, grade: Grade, *, day: date, kind: ReviewKind, card_id: str
    ) -> CardState:
        """The card's state after an answer of `grade` on study day `day`."""
        rating = rating_of(grade)
        nxt, days = self._next(state, day=day, kind=kind, card_id=card_id, upto=rating)
        memory = (nxt.again, nxt.hard, nxt.good, nxt.easy)[rating - 1].memory
        n, lapses = state.n, state.lapses
        if kind is not ReviewKind.REDRILL:
            if rating is Rating.AGAIN:
                lapses = lapses + 1 if n > 0 else lapses
                n = 0
            else:
                n += 1
        interval = days[rating - 1]
        return replace(
            state,
            n=n,
            lapses=lapses,
            interval=interval,
            due=day + timedelta(days=interval),
            stability=float(memory.stability),
            difficulty=float(memory.difficulty),
        )

    def preview(
        self, state: CardState, *, day: date, kind: ReviewKind, card_id: str
    ) -> dict[Grade, int]:
        """Days until due that each grade gives: exactly what review() will give."""
        _, days = self._next(state, day=day, kind=kind, card_id=card_id)
        return {grade: days[rating_of(grade) - 1] for grade in Grade}

    def in_redrill(self, grade: Grade) -> bool:
        """The trainer's re-drill rule, as under SM-2: grades below 4 are asked again today."""
        return grade < Grade.GOOD

    def is_leech_lapse(self, lapses_before: int, lapses_after: int) -> bool:
        """Anki's leech rule (8 lapses, then every 4 more), as under SM-2."""
        return lapses_after > lapses_before and lapses_after >= 8 and (lapses_after - 8) % 4 == 0

    # Helpers ---------------------------------------------------------------------

    def memory_of(self, state: CardState) -> Any:
        """The library's MemoryState of `state`; None for a new card.

        A card studied before FSRS was chosen and never converted (the store converts
        every card on the switch) gets fsrs-rs's estimate from its SM-2 E-Factor and
        interval (``memory_state_from_sm2``, as Anki does for cards without history).
        """
        lib = library()
        if state.stability is not None and state.difficulty is not None:
            return lib.MemoryState(state.stability, state.difficulty)
        if state.is_new:
            return None
        return self._model.memory_state_from_sm2(state.ef / 100, float(max(state.interval, 1)), 0.9)

    def days_elapsed(self, state: CardState, *, day: date, kind: ReviewKind) -> int:
        """Days since the card was last scheduled (0 for new cards and re-drill answers)."""
        if kind is ReviewKind.REDRILL or state.due is None:
            return 0
        last = state.due - timedelta(days=state.interval)
        return max(0, (day - last).days)

    def retrievability(self, state: CardState, day: date) -> float | None:
        """FSRS's probability of recall of the card on `day` (None for a new card)."""
        if state.stability is None or state.due is None:
            return None
        elapsed = self.days_elapsed(state, day=day, kind=ReviewKind.REVIEW)
        return forgetting_curve(self.parameters, elapsed, state.stability)

    def _next(
        self,
        state: CardState,
        *,
        day: date,
        kind: ReviewKind,
        card_id: str,
        upto: Rating = Rating.EASY,
    ) -> tuple[Any, list[int]]:
        """fsrs-rs's NextStates and the days each rating (Again..Easy) schedules.

        Only the days of ratings up to `upto` are computed (each passing rating's
        minimum depends on the ones below it, never on those above)."""
        elapsed = self.days_elapsed(state, day=day, kind=kind)
        nxt = self._model.next_states(self.memory_of(state), self.desired_retention, elapsed)
        raw = (nxt.again.interval, nxt.hard.interval, nxt.good.interval, nxt.easy.interval)
        factor = fuzz_factor(card_id, day)
        top = self.max_interval
        if kind is ReviewKind.REVIEW and not state.is_new:
            # review.rs: answer_again (no relearning steps) and passing_fsrs_review_intervals
            days = [min(max(_round(raw[0]), 1), top)]
            previous = state.interval
            floor = 1
            for x in raw[1:upto]:
                low = max(minimum_review_interval(x, previous, top), floor)
                days.append(with_fuzz(x, min(max(low, 1), top), top, factor))
                floor = days[-1] + 1
        else:
            # learning.rs: leaving learning (a new card, or a same-day re-drill answer)
            days = [with_fuzz(max(float(_round(x)), 1.0), 1, top, factor) for x in raw[:upto]]
        return nxt, days


def forgetting_curve(parameters: tuple[float, ...], elapsed_days: float, stability: float) -> float:
    """FSRS-6's power forgetting curve R(t, S) with decay w20 (fsrs-rs model.rs)."""
    decay = -parameters[20]
    factor = math.exp(math.log(0.9) / decay) - 1.0
    return float((elapsed_days / stability * factor + 1.0) ** decay)
