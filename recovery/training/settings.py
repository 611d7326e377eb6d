"""The validated arguments of :func:`recovery.training.loop.train`: the optimiser, objective and scalar settings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recovery.training._args import check_fraction, check_positive
from recovery.training.gram import SUPPORTED_STATES
from recovery.validation import check_int

OPTIMIZERS = ("adam", "lbfgs")
OBJECTIVES = ("sampled", "population")

__all__ = [
    "OBJECTIVES",
    "OPTIMIZERS",
]


@dataclass(frozen=True)
class _Settings:
    """The validated scalar arguments of :func:`recovery.training.loop.train`."""

    num_states: int
    L: int
    d: int
    n: int
    steps: int
    lr: float
    init_scale: float
    time_limit: float | None
    batch_size: int | None
    eval_every: int
    optimizer: str
    objective: str
    validation: float | None


def _check_settings(num_states: Any, layers: Any, d: Any, n: Any, steps: Any, lr: Any, init_scale: Any,
                    time_limit: Any, batch_size: Any, eval_every: Any, optimizer: Any, objective: Any,
                    validation: Any) -> _Settings:
    num_states = check_int(num_states, "num_states")
    if num_states not in SUPPORTED_STATES:
        raise ValueError(f"num_states must be one of {SUPPORTED_STATES}, got {num_states}")
    L, d, n, steps = check_int(layers, "layers", min_value=1), check_int(d, "d", min_value=1), check_int(n, "n", min_value=1), check_int(steps, "steps", min_value=1)
    lr, init_scale = check_positive(lr, "lr"), check_positive(init_scale, "init_scale")
    if time_limit is not None:
        time_limit = check_positive(time_limit, "time_limit")
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", min_value=1)
        if optimizer == "lbfgs":
            raise ValueError("batch_size (minibatches) needs optimizer='adam'; L-BFGS is full batch")
    eval_every = check_int(eval_every, "eval_every", min_value=1)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if objective == "population" and L != 1:
        raise ValueError(f"objective='population' needs layers=1, got layers={L}")
    if validation is not None:
        validation = check_fraction(validation, "validation")
        if validation > 0 and objective == "population":
            raise ValueError("validation must be 0 with objective='population' (the exact objective has no "
                             f"sampled prompts to hold out), got {validation}")
    return _Settings(num_states, L, d, n, steps, lr, init_scale, time_limit, batch_size, eval_every, optimizer,
                     objective, validation)


def _check_data(data: Any, cfg: _Settings) -> None:
    if data is None:
        return
    if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
        raise TypeError("data must be a tuple (train, test) or (train, validation, test) of GramBatch")
    if len(data) == 3 and cfg.validation:
        raise ValueError(f"validation must be 0 or None when data brings its own validation batch, "
                         f"got {cfg.validation}")
    if len(data) == 3 and cfg.objective == "population":
        raise ValueError("data with a validation batch needs objective='sampled' (the population objective is "
                         "selected by its own value)")
