"""Memory estimates and the byte budget of the population quadratics (checked before allocating).

:func:`estimate_quadratic_bytes` counts the dominant arrays of :func:`recovery.lsa.population.population_quadratic`;
:func:`_enforce_budget` refuses a request whose estimate exceeds ``max_bytes`` with a ValueError that
states both numbers, before anything large is allocated.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

from recovery.lsa._checks import check_common
from recovery.lsa.float_quadratic import _FLOAT_BLOCK_ENTRIES
from recovery.lsa.prompts import CorrelatedInit, DirichletPrior, UniformBinaryPrior

__all__ = ["DEFAULT_MAX_BYTES", "estimate_quadratic_bytes"]


#: default memory budget (bytes) of :func:`population_quadratic`, :func:`factorised_quadratic`
#: and :func:`monte_carlo_quadratic`; pass ``max_bytes=`` to change it per call
DEFAULT_MAX_BYTES = 8 * 10**9


def _int_bytes(bits: float) -> float:
    """Approximate size of a numpy object-array slot holding a Python int of ``bits`` bits."""
    return 8.0 + 28.0 + 4.0 * math.ceil(max(bits, 1.0) / 30.0)


def _node_count(d: int, prior: Any, init: Any, exact: bool) -> int:
    branches = 2 if isinstance(init, CorrelatedInit) else 1
    if isinstance(prior, UniformBinaryPrior):
        deg = max(3 * d - 1, 1)
        if exact:
            return (deg + 1) * (deg + 2) // 2 * branches
        per_axis = deg // 2 + 1
        return per_axis * per_axis * branches
    return branches


def estimate_quadratic_bytes(
    d: int, n: int, *, prior: Any, init: Any, exact: bool = False, factorised: bool = False
) -> int:
    """Approximate peak memory (bytes) of :func:`population_quadratic` / :func:`factorised_quadratic`.

    Counts the dominant arrays (the ``(dm)^2`` matrix ``H``, the per-node moment tables, the
    upper-triangle GEMM operands and result, the index tables; in exact mode Python ints/Fractions
    of the expected bit size, and for Dirichlet priors the path-triple tables). It is an estimate
    for refusing hopeless requests before anything is allocated, not an exact account.

    Parameters
    ----------
    d, n : int
        Chain input length and number of context chains (validated as in
        :func:`population_quadratic`).
    prior, init : object
        Kernel prior and initial law (:mod:`recovery.lsa.prompts`).
    exact : bool
        Rational (``True``) or float64 mode.
    factorised : bool
        The comparison variant :func:`factorised_quadratic`.

    Returns
    -------
    int
        Estimated bytes.
    """
    d, n, S = check_common(d, n, prior, init, exact)
    m = (d + 1) * (d + 2) // 2
    dm = d * m
    mt = m * (m + 1) // 2
    dt = d * (d + 1) // 2
    Q = math.comb(d + 4, 4)
    tables = 8.0 * (6 * m * m + (d + 1) ** 4 + 5 * Q)
    if isinstance(prior, DirichletPrior):
        Nc = float(S) ** (d + 1)
        cell = 8.0 * S * S * 3 + (_int_bytes(12.0 * d) * 3 if exact else 24.0)
        per = _int_bytes(24.0 * d) if exact else 8.0
        return int(Nc * Nc * cell + per * (3 * d * d * m * m + dm * dm) + tables)
    W = _node_count(d, prior, init, exact)
    if not exact:
        blocks = 8.0 * 4 * min(W * mt, _FLOAT_BLOCK_ENTRIES + W)
        work = 8.0 * ((2 * S + 3) * W * Q + 4 * W * m) + blocks
        out = 8.0 * (dm * dm + dt * mt + dm)
        return int(work + out + tables)
    # exact: a chain moment is an integer over P D^d (D ~ 3d for the uniform prior's nodes)
    b1 = d * math.log2(max(3 * d, 2)) + 64.0
    b2 = 2.0 * b1 + math.log2(n + 1.0)
    work = W * Q * (S * S + 1) * _int_bytes(b1) + 3.0 * W * mt * _int_bytes(b2)
    flint_copy = W * mt * (16.0 + b2 / 8.0) + dt * mt * (16.0 + (b2 + b1 + 64.0) / 8.0)
    fractions = dt * mt * (64.0 + 2.0 * _int_bytes(b2 + b1 + 64.0))
    return int(work + flint_copy + fractions + 8.0 * dm * dm + tables)


def _check_max_bytes(max_bytes: Any) -> float:
    if max_bytes is None:
        return float(DEFAULT_MAX_BYTES)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, numbers.Real):
        raise TypeError(f"max_bytes must be a positive number of bytes or None, got {type(max_bytes).__name__}")
    v = float(max_bytes)
    if math.isnan(v) or v <= 0:
        raise ValueError(f"max_bytes must be a positive number of bytes, got {max_bytes!r}")
    return v


def _enforce_budget(need: float, max_bytes: Any, what: str) -> None:
    """ValueError (before any allocation) if the estimate ``need`` exceeds the budget."""
    limit = _check_max_bytes(max_bytes)
    if need > limit:
        raise ValueError(
            f"{what} needs about {need:.1e} bytes (> budget {limit:.1e} bytes; pass max_bytes= to raise it)"
        )
