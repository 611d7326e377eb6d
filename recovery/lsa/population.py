"""The exact one-layer population quadratic (MATH.md section 4; paper Lemmas 3.1, 3.2).

``ftilde(X) = E[((x kron g)^T X - y)^2] = X^T H X - 2 h^T X + c`` with ``X`` ordered as in
:mod:`recovery.lsa.reparam` (entry ``j*m + pair_position(u, v)``) and

* ``H = E_K[ E[x x^T | K] kron E[g g^T | K] ]``,
* ``h = E_K[ E[y x | K] kron E[g | K] ]``, ``c = E[y^2]``,
* ``E[G_ab G_ce | K] = (1/n) E[z_a z_b z_c z_e | K] + (1 - 1/n) E[z_a z_b | K] E[z_c z_e | K]``.

Conditioning is on the kernel ``K`` (and, for correlated initial states, on the query's initial
state too: given both, the context chains are i.i.d. and independent of the query).

How the outer expectation over ``K`` is done exactly:

* uniform binary prior: given ``K`` every needed moment is a polynomial in ``(p01, p10)`` whose
  degree is at most the largest time involved, so the integrands have total degree
  ``<= (d-1) + 2d = 3d-1``. A tensor quadrature rule that is exact for that degree in each variable
  therefore gives the exact integral. Float mode uses Gauss-Legendre (positive weights, no
  cancellation: agrees with the rational mode to ~1e-15); rational mode uses an interpolatory rule on
  the rational nodes ``i/D`` with exactly computed rational weights and Fraction arithmetic.
* fixed kernel: one node, weight 1 (the conditional objective).
* Dirichlet rows: enumeration of the joint state paths of the (at most three) chains involved and
  the closed-form Dirichlet moment ``E[prod_s K_rs^{c_s}] = prod_s alpha^{(c_s)} / (S alpha)^{(c_r)}``
  (rising factorials) of the summed transition counts.

This module dispatches on the prior; the pieces live in :mod:`~recovery.lsa.quadratic` (the result
type), :mod:`~recovery.lsa.chain_moments`, :mod:`~recovery.lsa.float_quadratic`,
:mod:`~recovery.lsa.exact_quadratic` (the node sums), :mod:`~recovery.lsa.cubature` (the rules of the
uniform prior), :mod:`~recovery.lsa.dirichlet_quadratic`, :mod:`~recovery.lsa.monte_carlo` and
:mod:`~recovery.lsa.memory` (estimates and the byte budget). Their public names are importable from here.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa._checks import check_common, exactify
from recovery.lsa.cubature import _uniform_binary_nodes
from recovery.lsa.dirichlet_quadratic import MAX_DIRICHLET_TRIPLES, _check_dirichlet_size, _dirichlet_quadratic
from recovery.lsa.exact_quadratic import _node_quadratic_exact
from recovery.lsa.float_quadratic import _assemble, _node_moments
from recovery.lsa.memory import DEFAULT_MAX_BYTES, _enforce_budget, estimate_quadratic_bytes
from recovery.lsa.monte_carlo import monte_carlo_quadratic
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
)
from recovery.lsa.quadratic import SCHEMA_VERSION, Quadratic

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_DIRICHLET_TRIPLES",
    "SCHEMA_VERSION",
    "estimate_quadratic_bytes",
    "Quadratic",
    "population_quadratic",
    "factorised_quadratic",
    "monte_carlo_quadratic",
]


def _init_nodes(init: Any, S: int, exact: bool) -> list[tuple[Any, np.ndarray, np.ndarray]]:
    """(weight, pi_query, pi_context) branches: one for i.i.d. laws, one per query start if correlated."""
    conv = (lambda v, nm: exactify(v, nm)) if exact else (lambda v, nm: float(v))
    dt = object if exact else np.float64
    if isinstance(init, CorrelatedInit):
        p = conv(init.p, "p")
        out = []
        for q0, wq in ((0, 1 - p), (1, p)):
            gq = conv(init.context_prob(q0), f"g({q0})")
            piq = np.array([conv(0, "e"), conv(0, "e")], dtype=dt)
            piq[q0] = conv(1, "e")
            pic = np.array([1 - gq, gq], dtype=dt)
            out.append((wq, piq, pic))
        return out
    law = np.array([conv(v, "p") for v in init.law(S)], dtype=dt)
    return [(conv(1, "w"), law, law)]


def _node_quadratic(
    d: int, n: int, K: np.ndarray, wK: np.ndarray, init: Any, *, exact: bool, factorised: bool, engine: str = "fast"
) -> Quadratic:
    S = K.shape[1]
    branches = _init_nodes(init, S, exact)
    Ks, ws, piqs, pics = [], [], [], []
    for wq, piq, pic in branches:
        Ks.append(K)
        ws.append(wK * wq)
        piqs.append(np.broadcast_to(piq, (K.shape[0], S)))
        pics.append(np.broadcast_to(pic, (K.shape[0], S)))
    K_all = np.concatenate(Ks)
    w_all = np.concatenate(ws)
    if exact:
        return _node_quadratic_exact(
            d, n, K_all, w_all, np.concatenate(piqs), np.concatenate(pics), factorised, engine
        )
    values = np.arange(S, dtype=np.float64)
    sym = engine == "fast"
    mom = _node_moments(d, n, K_all, np.concatenate(piqs), np.concatenate(pics), values, sym=sym)
    return _assemble(d, w_all, mom, factorised=factorised, sym=sym)


def _quadratic(
    d: int, n: int, prior: Any, init: Any, exact: bool, factorised: bool, *,
    max_bytes: Any = None, engine: str = "fast",
) -> Quadratic:
    d, n, S = check_common(d, n, prior, init, exact)
    if engine not in ("fast", "reference"):
        raise ValueError(f"engine must be 'fast' or 'reference', got {engine!r}")
    if exact and isinstance(init, (BernoulliInit, CorrelatedInit)):
        exactify(init.p, "p")  # name p itself (not the derived 1 - p) when it is a float
    if isinstance(prior, DirichletPrior):
        _check_dirichlet_size(d, S)  # the more specific message first
    need = estimate_quadratic_bytes(d, n, prior=prior, init=init, exact=exact, factorised=factorised)
    _enforce_budget(need, max_bytes, f"d={d}")
    if isinstance(prior, UniformBinaryPrior):
        K, w = _uniform_binary_nodes(d, exact, engine)
        return _node_quadratic(d, n, K, w, init, exact=exact, factorised=factorised, engine=engine)
    if isinstance(prior, FixedKernel):
        if exact:
            K = np.array([[list(prior.K_exact)]], dtype=object).reshape(1, S, S)
            w = np.array([Fraction(1)], dtype=object)
        else:
            K = np.array(prior.K, dtype=np.float64)[None]
            w = np.ones(1)
        return _node_quadratic(d, n, K, w, init, exact=exact, factorised=factorised, engine=engine)
    return _dirichlet_quadratic(d, n, prior, init, exact=exact, factorised=factorised, engine=engine)


def population_quadratic(
    d: int, n: int, *, prior: Any, init: Any, exact: bool = False, max_bytes: Any = None
) -> Quadratic:
    """The exact population quadratic ``(H, h, c)`` of MATH.md section 4 (kernel-conditioned).

    Parameters
    ----------
    d : int
        Chain input length, ``d >= 1``.
    n : int
        Number of context chains, ``n >= 1``.
    prior : UniformBinaryPrior, FixedKernel or DirichletPrior
        :class:`UniformBinaryPrior` (any d, n; exact by quadrature of polynomial degree ``3d-1``),
        :class:`FixedKernel` (conditional objective, any ``S``) or :class:`DirichletPrior` (path
        enumeration; cost ``S^(3d+2)``, practical for ``d <= 3, S <= 4``).
    init : BernoulliInit, CorrelatedInit or UniformInit
        Initial law (:class:`BernoulliInit`, :class:`CorrelatedInit`, :class:`UniformInit`).
    exact : bool
        ``True`` returns Fractions (``p``, kernel entries, ``alpha`` and ``g`` values must then be
        exact numbers or floats, which are taken at their exact binary value only for kernels).
        The node contractions then run in ``flint.fmpz_mat`` (python-flint).
    max_bytes : float or None
        Memory budget in bytes (default :data:`DEFAULT_MAX_BYTES`, ``math.inf`` disables it). The
        estimate of :func:`estimate_quadratic_bytes` is checked before anything is allocated.

    Returns
    -------
    Quadratic
        ``H`` (dm, dm), ``h`` (dm,) and ``c`` with ``dm = d (d+1)(d+2)/2`` (Fractions if ``exact``).

    Raises
    ------
    ValueError
        Bad ``d``/``n``, or the estimated memory exceeds ``max_bytes`` (the message states both).
    TypeError
        Wrong argument types (e.g. a float ``p`` in exact mode).

    Examples
    --------
    >>> from fractions import Fraction
    >>> q = population_quadratic(1, 5, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(3, 10)), exact=True)
    >>> [str(v) for v in q.h]  # paper Thm 3.3: [p^2/2, p^2/3, p^2/12 + p/4]
    ['9/200', '3/100', '33/400']
    >>> q.H.shape
    (3, 3)
    """
    return _quadratic(d, n, prior, init, exact, factorised=False, max_bytes=max_bytes)


def factorised_quadratic(
    d: int, n: int, *, prior: Any, init: Any, exact: bool = False, max_bytes: Any = None
) -> Quadratic:
    """COMPARISON VARIANT ONLY: the paper's factorised ``H = E[x x^T] kron E[g g^T]``.

    Also ``h = E[y x] kron E[g]`` (treats query and context as independent although they share the
    random kernel; MATH.md section 4). Differs from :func:`population_quadratic` for random kernels
    once ``d >= 2``. Parameters and errors as in :func:`population_quadratic` (including ``max_bytes``).

    Parameters
    ----------
    d, n : int
        Chain input length and number of context chains, both ``>= 1``.
    prior : UniformBinaryPrior, FixedKernel or DirichletPrior
        Kernel prior.
    init : BernoulliInit, CorrelatedInit or UniformInit
        Initial law.
    exact : bool
        Fractions instead of float64.
    max_bytes : float or None
        Memory budget in bytes (default :data:`DEFAULT_MAX_BYTES`).

    Returns
    -------
    Quadratic
        The factorised ``(H, h, c)``; ``c = E[y^2]`` is the same as in :func:`population_quadratic`.

    Raises
    ------
    ValueError
        Bad ``d``/``n``, or the estimated memory exceeds ``max_bytes``.
    TypeError
        Wrong argument types.

    Examples
    --------
    >>> q = factorised_quadratic(2, 10, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    >>> p = population_quadratic(2, 10, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    >>> q.H.shape, bool(abs(q.H - p.H).max() > 1e-6)
    ((12, 12), True)
    """
    return _quadratic(d, n, prior, init, exact, factorised=True, max_bytes=max_bytes)
