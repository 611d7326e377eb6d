"""Monte Carlo estimate of the population quadratic from sampled prompts (a check of the exact one)."""
from __future__ import annotations

from typing import Any

import numpy as np

from recovery.lsa._checks import check_common
from recovery.lsa.memory import _enforce_budget
from recovery.lsa.prompts import sample_prompts
from recovery.lsa.quadratic import Quadratic
from recovery.lsa.reparam import features, num_pairs
from recovery.validation import check_int, check_rng

__all__ = ["monte_carlo_quadratic"]



def monte_carlo_quadratic(
    d: int,
    n: int,
    *,
    prior: Any,
    init: Any,
    num_prompts: int,
    rng: Any,
    batch_size: int = 4096,
    max_bytes: Any = None,
) -> tuple[Quadratic, Quadratic]:
    """Monte Carlo estimate of ``(H, h, c)`` (MATH.md section 4) from ``num_prompts`` sampled prompts.

    ``H_hat = mean(F F^T)``, ``h_hat = mean(y F)``, ``c_hat = mean(y^2)`` with ``F = features(Z0)``
    (shape (B, dm)) per prompt, accumulated in batches of ``batch_size`` prompts (second moments via
    ``(F*F)^T (F*F)`` so memory stays O(batch*dm + dm^2)).

    Parameters
    ----------
    d, n : int
        Chain input length and number of context chains (``>= 1``).
    prior, init : object
        Kernel prior and initial law (:mod:`recovery.lsa.prompts`).
    num_prompts : int
        Number of sampled prompts ``B >= 2``.
    rng : numpy.random.Generator
        The source of randomness.
    batch_size : int
        Prompts per batch.
    max_bytes : float or None
        Budget (default :data:`recovery.lsa.memory.DEFAULT_MAX_BYTES`): the estimated peak memory
        (several ``(dm)^2`` accumulators and one batch of features and prompts) is checked before
        anything is allocated; ``ValueError`` names ``d`` and both numbers if it is exceeded.

    Returns
    -------
    (Quadratic, Quadratic)
        The estimate and the entrywise standard errors ``std / sqrt(B)`` (sample std, ddof=1).

    Examples
    --------
    >>> import numpy as np
    >>> from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
    >>> est, se = monte_carlo_quadratic(1, 3, prior=UniformBinaryPrior(), init=BernoulliInit(0.3),
    ...                                 num_prompts=1000, rng=np.random.default_rng(0))
    >>> est.H.shape, bool(np.all(se.H >= 0))
    ((3, 3), True)
    """
    d, n, _ = check_common(d, n, prior, init, False)
    B = check_int(num_prompts, "num_prompts", min_value=2)
    bs = check_int(batch_size, "batch_size", min_value=1)
    rng = check_rng(rng, "rng")
    dm = d * num_pairs(d)
    b_eff = min(bs, B)
    need = 8.0 * (7.0 * dm * dm + 4.0 * b_eff * dm + 4.0 * b_eff * (d + 1) * (n + 1))
    _enforce_budget(need, max_bytes, f"d={d}")
    sums = _accumulate(d, n, prior, init, B, bs, rng, dm)
    Hm, Hs = _mean_se(sums["H"], sums["H2"], B)
    hm, hs = _mean_se(sums["h"], sums["h2"], B)
    cm, cs = _mean_se(sums["c"], sums["c2"], B)
    return Quadratic(H=Hm, h=hm, c=cm), Quadratic(H=Hs, h=hs, c=cs)


def _accumulate(d: int, n: int, prior: Any, init: Any, B: int, bs: int, rng: np.random.Generator, dm: int) -> dict:
    """Sums of ``F F^T``, ``(F*F)^T (F*F)``, ``y F``, ``(y F)^2``, ``y^2``, ``y^4`` over ``B`` prompts."""
    out = {"H": np.zeros((dm, dm)), "H2": np.zeros((dm, dm)), "h": np.zeros(dm), "h2": np.zeros(dm),
           "c": 0.0, "c2": 0.0}
    done = 0
    while done < B:
        b = min(bs, B - done)
        P = sample_prompts(b, d, n, prior=prior, init=init, rng=rng)
        F = features(P.Z0)
        F2 = F * F
        out["H"] += F.T @ F
        out["H2"] += F2.T @ F2
        yF = P.y[:, None] * F
        out["h"] += yF.sum(axis=0)
        out["h2"] += (yF * yF).sum(axis=0)
        y2 = P.y * P.y
        out["c"] += y2.sum()
        out["c2"] += (y2 * y2).sum()
        done += b
    return out


def _mean_se(s: Any, s2: Any, B: int) -> tuple[Any, Any]:
    """Mean and standard error ``std / sqrt(B)`` (ddof=1) from a sum and a sum of squares."""
    mean = s / B
    var = np.maximum(s2 / B - mean * mean, 0.0) * B / (B - 1)
    return mean, np.sqrt(var / B)
