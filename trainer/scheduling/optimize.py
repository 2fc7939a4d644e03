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

from trainer.errors import NotEnoughReviewsError
from trainer.model import Grade
from trainer.scheduling.fsrs import default_parameters, fill_parameters, forgetting_curve, library
from trainer.scheduling.history import CardLog, TrainingSet, training_set
from trainer.scheduling.sm2 import EF_START, next_ef, next_interval

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
    evaluation: Evaluation


def needed_items() -> int:
    return MIN_ITEMS


def fit(logs: Sequence[CardLog]) -> Fit:
    """Fit FSRS to `logs` and evaluate FSRS, default FSRS and SM-2 on a time split.

    Raises NotEnoughReviewsError when the log gives fewer than MIN_ITEMS items.
    """
    data = training_set(logs)
    if len(data) < MIN_ITEMS:
        raise NotEnoughReviewsError(
            f"too few reviews to fit FSRS: {len(data)} answers to cards seen on an earlier day,"
            f" {MIN_ITEMS} needed; the current parameters are kept"
        )
    split = max(8, int(len(data) * TRAIN_SHARE))
    split = min(split, len(data) - 1)
    early = _compute(data, 0, split)
    evaluation = Evaluation(
        fsrs=predict_fsrs(data, split, early),
        fsrs_default=predict_fsrs(data, split, default_parameters()),
        sm2=predict_sm2(data, split),
        train_items=split,
        test_items=len(data) - split,
    )
    parameters = _compute(data, 0, len(data))
    return Fit(reviews=data.reviews, items=len(data), parameters=parameters, evaluation=evaluation)


def _compute(data: TrainingSet, start: int, stop: int) -> tuple[float, ...]:
    lib = library()
    params = lib.FSRS(default_parameters()).compute_parameters(
        data.items(start, stop),
        card_ids=data.card_ids(start, stop),
        enable_short_term=True,
        training_config=lib.TrainingConfig(num_epochs=EPOCHS),
    )
    return fill_parameters(list(params))


# --- predictions ------------------------------------------------------------------------


def predict_fsrs(data: TrainingSet, start: int, parameters: Sequence[float]) -> Metrics:
    """FSRS-6 with `parameters` predicting the items from `start` on."""
    lib = library()
    params = tuple(float(w) for w in parameters)
    states = lib.FSRS(list(params)).memory_state_batch(data.histories(start))
    predictions = []
    for (number, k), state in zip(data.positions[start:], states, strict=True):
        elapsed = data.logs[number].delta_ts[k]
        predictions.append(forgetting_curve(params, elapsed, float(state.stability)))
    return measure(data, start, predictions)


def sm2_interval(ratings: Sequence[int], delta_ts: Sequence[int], upto: int) -> int:
    """SM-2's interval after answers[:upto]: the stability srs-benchmark gives SM-2.

    Only the first answer of a study day schedules a card (re-drill answers have
    delta_t 0 after the first); FSRS ratings 1-4 stand for grades <3, 3, 4, 5, which is
    all SM-2 distinguishes (its E-Factor ignores which failing grade it was).
    """
    n, ef, interval = 0, EF_START, 0
    for k in range(upto):
        if k > 0 and delta_ts[k] == 0:
            continue
        if ratings[k] == 1:
            n, interval = 0, 1
        else:
            ef = next_ef(ef, Grade(ratings[k] + 1))
            n += 1
            interval = next_interval(n, interval, ef)
    return interval


def predict_sm2(data: TrainingSet, start: int) -> Metrics:
    """SM-2 with srs-benchmark's curve R = 0.9^(t / I) predicting the items from `start` on."""
    predictions = []
    for number, k in data.positions[start:]:
        log = data.logs[number]
        interval = sm2_interval(log.ratings, log.delta_ts, k)
        # the days since the answer that set it: the answers between are same-day re-drills
        predictions.append(0.9 ** (log.delta_ts[k] / max(interval, 1)))
    return measure(data, start, predictions)


# --- fsrs-rs's measures -----------------------------------------------------------------


def _bin(x: float, base: float, scale: float) -> int:
    """fsrs-rs dataset.rs r_matrix_index: round(scale * base^floor(log_base x))."""
    return _round(scale * base ** math.floor(math.log(x, base)))


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def r_matrix_index(ratings: Sequence[int], delta_ts: Sequence[int], k: int) -> tuple[int, int, int]:
    """The bin of the item predicting answer k (fsrs-rs dataset.rs r_matrix_index)."""
    delta = delta_ts[k]
    delta_bin = _round(2.48 * 3.62 ** math.floor(math.log(delta, 3.62)) * 100) if delta > 0 else 0
    long_term = sum(1 for d in delta_ts[: k + 1] if d > 0)
    length_bin = _bin(long_term + 1.0, 1.89, 1.99)
    lapses = sum(1 for r, d in zip(ratings[:k], delta_ts[:k], strict=True) if r == 1 and d > 0)
    lapse_bin = _bin(float(lapses), 1.73, 1.65) if lapses else 0
    return delta_bin, length_bin, lapse_bin


def measure(data: TrainingSet, start: int, predictions: Sequence[float]) -> Metrics:
    """Recency-weighted log loss and RMSE(bins) of `predictions` for items start.."""
    positions = data.positions[start:]
    count = len(positions)
    length = max(count - 1.0, 1.0)
    loss = 0.0
    weight_sum = 0.0
    bins: dict[tuple[int, int, int], list[float]] = {}
    for i, ((number, k), p) in enumerate(zip(positions, predictions, strict=True)):
        log = data.logs[number]
        y = 1.0 if log.ratings[k] > 1 else 0.0
        w = 0.25 + 0.75 * (i / length) ** 3
        p = min(max(p, 1e-7), 1 - 1e-7)
        loss += (y * math.log(p) + (1 - y) * math.log(1 - p)) * w
        weight_sum += w
        cell = bins.setdefault(r_matrix_index(log.ratings, log.delta_ts, k), [0.0, 0.0, 0.0, 0.0])
        cell[0] += p
        cell[1] += y
        cell[2] += 1
        cell[3] += w
    rmse = math.sqrt(
        sum(((c[0] - c[1]) / c[2]) ** 2 * c[3] for c in bins.values())
        / sum(c[3] for c in bins.values())
    )
    return Metrics(log_loss=-loss / weight_sum, rmse_bins=rmse)
