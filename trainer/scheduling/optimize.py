"""Fit FSRS to a learner's log and measure how well each model predicts its recall.

- **Fit**: fsrs-rs ``compute_parameters`` over every training item of the log
  (`trainer.scheduling.history.training_set`), with Anki's settings (short-term
  memory on, 8 epochs: rslib ``scheduler/fsrs/params.rs`` ``compute_params``).
- **Evaluate** on a time-series split: the items in time order, the earlier
  `TRAIN_SHARE` fit a second set of parameters, the later ones are predicted by
  three models that saw only the earlier part:

  * ``fsrs``: FSRS-6 with the parameters fitted on the earlier part;
  * ``fsrs_default``: FSRS-6 with fsrs-rs's default parameters;
  * ``sm2``: SM-2 with the forgetting curve srs-benchmark gives it
    (open-spaced-repetition/srs-benchmark ``other.py`` ``process_untrainable`` and
    ``models/sm2.py``): the interval SM-2 scheduled serves as the stability, and
    ``R = 0.9 ** (t / interval)``, t the days since the answer that scheduled it. The
    interval is the trainer's own exact SM-2 (`trainer.scheduling.sm2`) over the grades.

  The measures are fsrs-rs's (``inference.rs`` ``evaluate``): log loss weighted by
  recency (0.25 + 0.75 (i / (n - 1))^3 over the test items in time order) and
  RMSE(bins), the weighted root mean square gap between predicted and actual recall
  within bins of (interval, number of reviews, lapses). A test checks that these
  functions give fsrs-rs's own figures for FSRS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trainer.errors import NotEnoughReviewsError
from trainer.model import Grade
from trainer.scheduling.fsrs import default_parameters, fill_parameters, library
from trainer.scheduling.history import CardLog, ReviewLog
from trainer.scheduling.sm2 import EF_MIN, EF_START, next_ef, next_interval

TRAIN_SHARE = 0.8  # the earlier part of the time-series split
# fsrs-rs keeps the default parameters below 8 training items (training.rs:
# "if train_set.len() < 8 { return Ok(DEFAULT_PARAMETERS) }"); the split needs 8 in
# its earlier part and some in its later part.
MIN_ITEMS = 10
EPOCHS = 8  # Anki's compute_params


@dataclass(frozen=True)
class Metrics:
    """How well a model predicted the later answers (lower is better for both)."""

    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Evaluation:
    """The three models on the same time-series split."""

    fsrs: Metrics
    fsrs_default: Metrics
    sm2: Metrics
    train_items: int
    test_items: int


@dataclass(frozen=True)
class Fit:
    """The result of `fit`: parameters fitted on the whole log, and the evaluation."""

    reviews: int  # answers in the log used (cards with at least one later-day answer)
    items: int  # answers predicted from earlier ones (FSRS's training items)
    parameters: tuple[float, ...]
    evaluation: Evaluation | None


def fit(log: ReviewLog, *, parameters: Sequence[float] | None = None, evaluate: bool = True) -> Fit:
    """Fit FSRS to `log` and evaluate FSRS, default FSRS and SM-2 on a time split.

    With `parameters` (say, from Anki), nothing is fitted: those are evaluated as
    "fsrs" on the same later part. `evaluate=False` only fits (for the simulator).
    Raises NotEnoughReviewsError when the log gives fewer than MIN_ITEMS items.
    """
    if len(log) < MIN_ITEMS:
        what = "evaluate FSRS parameters" if parameters is not None else "fit FSRS"
        raise NotEnoughReviewsError(
            f"too few reviews to {what}: {len(log)} answers to cards seen on an earlier day,"
            f" {MIN_ITEMS} needed; the current parameters are kept"
        )
    items = log.items() if parameters is None else []
    numbers = log.card_numbers() if parameters is None else []
    evaluation = None
    if evaluate:
        split = min(max(8, int(len(log) * TRAIN_SHARE)), len(log) - 1)
        early = (
            compute_parameters(items[:split], numbers[:split]) if parameters is None else parameters
        )
        test = TestSet.of(log, split)
        evaluation = Evaluation(
            fsrs=test.measure(predict_fsrs(test, early)),
            fsrs_default=test.measure(predict_fsrs(test, default_parameters())),
            sm2=test.measure(test.sm2_predictions()),
            train_items=split,
            test_items=len(log) - split,
        )
    fitted = tuple(parameters) if parameters is not None else compute_parameters(items, numbers)
    return Fit(reviews=log.reviews, items=len(log), parameters=fitted, evaluation=evaluation)


def compute_parameters(items: list[Any], card_numbers: list[int]) -> tuple[float, ...]:
    """fsrs-rs's optimizer with Anki's settings over `items` (in time order)."""
    lib = library()
    params = lib.FSRS(default_parameters()).compute_parameters(
        items,
        card_ids=card_numbers,
        enable_short_term=True,
        training_config=lib.TrainingConfig(num_epochs=EPOCHS),
    )
    return fill_parameters(list(params))


def predict_fsrs(test: TestSet, parameters: Sequence[float]) -> list[float]:
    """FSRS-6's probability of recall for each test item, from the answers before it.

    One item per card (its answers up to its last test answer) through fsrs-rs's
    ``historical_memory_state_batch`` gives the state after every answer, so the state
    before answer k is entry k - 1: the same as replaying each item's history.
    """
    params = tuple(float(w) for w in parameters)
    states = library().FSRS(list(params)).historical_memory_state_batch(test.card_items)
    row = dict(zip(test.upto, states, strict=True))
    decay = -params[20]
    factor = math.exp(math.log(0.9) / decay) - 1.0  # forgetting_curve, inlined
    return [
        (elapsed / row[number][k - 1].stability * factor + 1.0) ** decay
        for (number, k), elapsed in zip(test.positions, test.elapsed, strict=True)
    ]


# SM-2's E-Factor step of each passing FSRS rating (Hard 3, Good 4, Easy 5), taken
# from trainer.scheduling.sm2.next_ef once: next_ef(ef, q) == max(EF_MIN, ef + step).
_EF_STEP = {r: next_ef(EF_START, Grade(r + 1)) - EF_START for r in (2, 3, 4)}


def sm2_intervals(ratings: Sequence[int], delta_ts: Sequence[int]) -> list[int]:
    """SM-2's interval before each answer: the stability srs-benchmark gives SM-2.

    Only the first answer of a study day schedules a card (re-drill answers have
    delta_t 0 after the first); FSRS ratings 1-4 stand for grades <3, 3, 4, 5, which is
    all SM-2 distinguishes (its E-Factor ignores which failing grade it was).
    """
    n, ef, interval = 0, EF_START, 0
    before = []
    first = True
    for rating, delta in zip(ratings, delta_ts, strict=True):
        before.append(interval)
        if delta == 0 and not first:
            continue
        first = False
        if rating == 1:
            n, interval = 0, 1
        else:
            ef = max(EF_MIN, ef + _EF_STEP[rating])
            n += 1
            interval = next_interval(n, interval, ef)
    return before


@dataclass(frozen=True)
class TestSet:
    """The later part of the split: per item its label, weight, bin and elapsed days."""

    positions: list[tuple[int, int]]
    labels: list[float]
    weights: list[float]
    bins: list[tuple[int, int, int]]
    elapsed: list[int]
    sm2: list[int]  # SM-2's interval before the answer
    upto: dict[int, int]  # per card, the answers up to its last test answer (exclusive)
    card_items: list[Any]  # per card of `upto`, in its order: FSRSItem of those answers

    @classmethod
    def of(cls, log: ReviewLog, start: int) -> TestSet:
        positions = log.positions[start:]
        length = max(len(positions) - 1.0, 1.0)
        prefix: dict[int, tuple[list[int], list[int], list[int]]] = {}
        labels, weights, bins, elapsed, sm2 = [], [], [], [], []
        upto: dict[int, int] = {}
        for i, (number, k) in enumerate(positions):
            upto[number] = k
            card = log.cards[number]
            counts = prefix.get(number)
            if counts is None:
                counts = prefix[number] = _counts(card)
            long_term, lapses, intervals = counts
            delta = card.delta_ts[k]
            labels.append(1.0 if card.ratings[k] > 1 else 0.0)
            weights.append(0.25 + 0.75 * (i / length) ** 3)
            bins.append(r_matrix_index(delta, long_term[k], lapses[k]))
            elapsed.append(delta)
            sm2.append(intervals[k])
        lib = library()
        review, item = lib.FSRSReview, lib.FSRSItem
        card_items = []
        for number, stop in upto.items():
            card = log.cards[number]
            pairs = zip(card.ratings[:stop], card.delta_ts[:stop], strict=True)
            card_items.append(item([review(r, d) for r, d in pairs]))
        return cls(positions, labels, weights, bins, elapsed, sm2, upto, card_items)

    def sm2_predictions(self) -> list[float]:
        """srs-benchmark's SM-2 curve: R = 0.9^(t / I)."""
        return [0.9 ** (t / max(i, 1)) for t, i in zip(self.elapsed, self.sm2, strict=True)]

    def measure(self, predictions: Sequence[float]) -> Metrics:
        """Recency-weighted log loss and RMSE(bins), as fsrs-rs's evaluate."""
        loss = 0.0
        cells: dict[tuple[int, int, int], list[float]] = {}
        for p, y, w, b in zip(predictions, self.labels, self.weights, self.bins, strict=True):
            p = min(max(p, 1e-7), 1 - 1e-7)
            loss += (math.log(p) if y else math.log(1 - p)) * w
            cell = cells.get(b)
            if cell is None:
                cell = cells[b] = [0.0, 0.0, 0.0, 0.0]
            cell[0] += p
            cell[1] += y
            cell[2] += 1
            cell[3] += w
        rmse = math.sqrt(
            sum(((c[0] - c[1]) / c[2]) ** 2 * c[3] for c in cells.values())
            / sum(c[3] for c in cells.values())
        )
        return Metrics(log_loss=-loss / sum(self.weights), rmse_bins=rmse)


def _counts(card: CardLog) -> tuple[list[int], list[int], list[int]]:
    """Per answer k: long-term reviews up to k, lapses before k, SM-2's interval before k."""
    long_term, lapses = [], []
    lt = lapse = 0
    for rating, delta in zip(card.ratings, card.delta_ts, strict=True):
        if delta > 0:
            lt += 1
        long_term.append(lt)
        lapses.append(lapse)
        if rating == 1 and delta > 0:
            lapse += 1
    return long_term, lapses, sm2_intervals(card.ratings, card.delta_ts)


# --- fsrs-rs's bins (dataset.rs r_matrix_index) -----------------------------------------


def _bin(x: float, base: float, scale: float) -> int:
    return math.floor(scale * base ** math.floor(math.log(x, base)) + 0.5)


def r_matrix_index(delta_t: int, long_term: int, lapses: int) -> tuple[int, int, int]:
    """The bin of an item: (days elapsed, long-term reviews + 1, lapses), log-scaled."""
    delta_bin = _bin(float(delta_t), 3.62, 248.0) if delta_t > 0 else 0
    length_bin = _bin(long_term + 1.0, 1.89, 1.99)
    lapse_bin = _bin(float(lapses), 1.73, 1.65) if lapses else 0
    return delta_bin, length_bin, lapse_bin
