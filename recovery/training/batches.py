"""The prompts :func:`recovery.training.loop.train` uses: sampled or given, the validation split, the default size."""
from __future__ import annotations

from typing import Any

import numpy as np

from recovery.training.gram import GramBatch, make_prompts
from recovery.training.settings import _Settings
from recovery.validation import check_int

#: fraction of the sampled training prompts held out for model selection when ``validation`` is not given
DEFAULT_VALIDATION = 0.2
#: prompts sampled for training (validation split included) when ``data`` and ``train_size`` are not given,
#: unless their compressed form would exceed :data:`DEFAULT_TRAIN_BYTES` (see :func:`default_train_size`)
DEFAULT_TRAIN_SIZE = 8000
#: memory for the compressed training prompts (8 (d+1)^2 bytes each) that the default size stays within
DEFAULT_TRAIN_BYTES = 256 * 2**20
#: the default never goes below this many training prompts
MIN_DEFAULT_TRAIN_SIZE = 2000

__all__ = [
    "DEFAULT_TRAIN_BYTES",
    "DEFAULT_TRAIN_SIZE",
    "DEFAULT_VALIDATION",
    "MIN_DEFAULT_TRAIN_SIZE",
    "default_train_size",
]


def _batches(cfg: _Settings, data: Any, train_size: Any, test_size: Any, p: float,
             rng: np.random.Generator) -> tuple[GramBatch, GramBatch | None, GramBatch]:
    """(train, validation or None, test) prompts: sampled from ``rng`` or taken from ``data``, then split."""
    val_b: GramBatch | None = None
    if data is None:
        train_size = default_train_size(cfg.d) if train_size is None else check_int(train_size, "train_size", min_value=1)
        check_int(test_size, "test_size", min_value=1)
        train_b = make_prompts(train_size, cfg.d, cfg.n, num_states=cfg.num_states, p=p, rng=rng)
        test_b = make_prompts(test_size, cfg.d, cfg.n, num_states=cfg.num_states, p=p, rng=rng)
    else:
        parts = dict(zip(("train", "validation", "test") if len(data) == 3 else ("train", "test"), data))
        for nm, bt in parts.items():
            if not isinstance(bt, GramBatch):
                raise TypeError(f"data[{nm}] must be a GramBatch")
            if bt.d != cfg.d:
                raise ValueError(f"data[{nm}] has d = {bt.d}, expected d = {cfg.d}")
        train_b, test_b, val_b = parts["train"], parts["test"], parts.get("validation")
    validation = cfg.validation
    if validation is None:
        validation = DEFAULT_VALIDATION if data is None and cfg.objective == "sampled" else 0.0
    if validation > 0:
        train_b, val_b = _split(train_b, validation, rng)
    return train_b, val_b, test_b


def default_train_size(d: int) -> int:
    """Return the number of training prompts :func:`train` samples when ``train_size`` is not given.

    Parameters
    ----------
    d : int
        Chain length minus one (``d >= 1``).

    Returns
    -------
    int
        :data:`DEFAULT_TRAIN_SIZE`, lowered for large ``d`` so that the compressed prompts
        (``8 (d+1)^2`` bytes each) stay within :data:`DEFAULT_TRAIN_BYTES`, but never below
        :data:`MIN_DEFAULT_TRAIN_SIZE` (8000 up to d = 63, 2000 from d = 129 on).

    Raises
    ------
    TypeError
        If ``d`` is not an integer.
    ValueError
        If ``d < 1``.

    Examples
    --------
    >>> default_train_size(5), default_train_size(200)
    (8000, 2000)
    """
    d = check_int(d, "d", min_value=1)
    fits = DEFAULT_TRAIN_BYTES // (8 * (d + 1) ** 2)
    return int(max(MIN_DEFAULT_TRAIN_SIZE, min(DEFAULT_TRAIN_SIZE, fits)))


def _split(batch: GramBatch, fraction: float, rng: np.random.Generator) -> tuple[GramBatch, GramBatch]:
    """Hold out a random ``fraction`` of ``batch`` for validation.

    Parameters
    ----------
    batch : GramBatch
        The training prompts.
    fraction : float
        Share of the prompts to hold out, in ``(0, 1)``.
    rng : numpy.random.Generator
        Source of the random subset.

    Returns
    -------
    (GramBatch, GramBatch)
        The remaining training prompts and the validation prompts (disjoint, together ``batch``).

    Raises
    ------
    ValueError
        If either part would be empty (names ``validation`` and the number of prompts).
    """
    n_val = round(fraction * batch.size)
    if n_val < 1 or n_val >= batch.size:
        raise ValueError(f"validation = {fraction} of {batch.size} training prompts leaves "
                         f"{n_val} for validation and {batch.size - n_val} for training; both need at least 1")
    perm = rng.permutation(batch.size)
    tr_i, va_i = np.sort(perm[n_val:]), np.sort(perm[:n_val])
    return (GramBatch(batch.G0[tr_i], batch.v0[tr_i], batch.y[tr_i]),
            GramBatch(batch.G0[va_i], batch.v0[va_i], batch.y[va_i]))
