r"""Diagnostic of the branch-and-bound's difficulty: how small must boxes be to be pruned (no certificate)."""
from __future__ import annotations

from typing import Any

import numpy as np

from recovery.realizability.inner import _as_quad
from recovery.realizability.patch_bounds import _BoxBounds, _PatchBounds
from recovery.validation import check_int, check_real, check_rng

__all__: list[str] = []


def _bnb_width_profile(quad: Any, U: float, *, samples: int = 2000, rng: Any = 0, gap_tol: float = 1e-5,
                       levels: tuple[int, int] = (1, 10), metric: str = "exact") -> dict:
    """Diagnostic (no certificate): how small must the boxes of ``method="bnb"`` be to prune a point?

    Samples ``samples`` points ``(k, t)`` uniformly from the ``d + 1`` patches; for each, the largest
    dyadic half-width ``w = 2^-L`` (``L`` in ``levels``) such that the cube of half-width ``w`` centred
    at ``t`` has :func:`patch_box_lower_bound` ``>= U - gap_tol max(1, |U|)``.  Returns the sampled
    ``k``, ``t``, ``w`` (``nan`` if no level prunes), the fraction per level, the estimated number of
    leaves ``(d + 1) 2^d E[(2w)^-d]`` (cubes centred at the points: an estimate, not a bound, of the
    leaves a uniform refinement needs) and, per level, the fraction of its points whose cube at twice
    the width got the *trivial* bound (``eta >= 1`` or the bound clipped at ``ftilde*``), with the
    median of ``f(centre) - U`` (how far above the incumbent those points are).
    """
    q, d = _as_quad(quad)
    samples = check_int(samples, "samples", min_value=1)
    U = check_real(U, "U")
    rng = check_rng(rng)
    if metric not in ("exact", "best"):
        raise ValueError(f"metric must be 'exact' or 'best', got {metric!r}")
    pb = _PatchBounds(q, d) if metric == "exact" else _BoxBounds(q, d)
    tol = gap_tol * max(1.0, abs(U))
    ks = rng.integers(0, d + 1, samples)
    ts = rng.uniform(-1.0, 1.0, (samples, d))
    w = np.full(samples, np.nan)
    lo_l, hi_l = levels
    for L in range(lo_l, hi_l + 1):
        for k in range(d + 1):
            sel = np.flatnonzero((ks == k) & np.isnan(w))
            if sel.size:
                lo, _, _ = pb.evaluate(k, ts[sel], np.full((sel.size, d), 2.0**-L), U)
                w[sel[lo >= U - tol]] = 2.0**-L
    per_level = {}
    for L in range(lo_l, hi_l + 1):
        sel0 = np.flatnonzero(w == 2.0**-L)
        if sel0.size == 0:
            continue
        triv, fc = [], []
        if L > lo_l:
            for k in range(d + 1):
                sel = sel0[ks[sel0] == k]
                if sel.size:
                    lo, val, _ = pb.evaluate(k, ts[sel], np.full((sel.size, d), 2.0 ** (1 - L)), U)
                    triv += list(lo <= pb.c0 + 1e-12)
                    fc += list(val - U)
        per_level[L] = {"fraction": sel0.size / samples,
                        "trivial_at_double_width": float(np.mean(triv)) if triv else None,
                        "median_f_minus_U": float(np.median(fc)) if fc else None}
    wv = np.where(np.isnan(w), 2.0 ** -(hi_l + 1), w)
    return {"k": ks, "t": ts, "w": w, "per_level": per_level, "unresolved": float(np.mean(np.isnan(w))),
            "estimated_leaves": float((d + 1) * 2.0**d * np.mean((2.0 * wv) ** -d)), "tol": tol}

