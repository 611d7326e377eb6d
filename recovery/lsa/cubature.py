"""Quadrature rules for the uniform binary kernel prior (MATH.md section 4).

Given ``K = [[1-a, a], [b, 1-b]]`` every integrand of ``H``, ``h`` and ``c`` is a polynomial in
``(a, b)`` of total degree ``<= 3d - 1``, so a rule exact for that degree gives the exact integral
over ``(a, b) ~ U(0,1)^2``. Float mode: tensor Gauss-Legendre (positive weights, no cancellation).
Exact mode: a total-degree rational cubature on the nodes ``(i/D, j/D)``, ``i + j <= D`` (or, as the
independent reference, the tensor interpolatory rule on ``i/D``).
"""
from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np

from recovery.lsa.flint_matrices import _require_flint, coprime_fraction

__all__ = ["_gauss_legendre01", "_rational_rule01", "_nested_rules01", "_total_degree_rule01",
           "_binary_kernels", "_uniform_binary_nodes"]


@cache
def _gauss_legendre01(N: int) -> tuple[np.ndarray, np.ndarray]:
    x, wt = np.polynomial.legendre.leggauss(N)
    return (x + 1.0) / 2.0, wt / 2.0


@cache
def _rational_rule01(D: int) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Interpolatory rule on nodes ``i/D`` (i = 0..D), exact for polynomials of degree <= D on [0,1].

    Weights solve ``sum_i w_i t_i^k = 1/(k+1)`` (k = 0..D) in exact rational arithmetic.
    """
    t = [Fraction(i, D) if D > 0 else Fraction(1, 2) for i in range(D + 1)]
    nD = D + 1
    A = [[t[i] ** k for i in range(nD)] + [Fraction(1, k + 1)] for k in range(nD)]
    for col in range(nD):  # Gauss-Jordan elimination over the rationals
        piv = next(r for r in range(col, nD) if A[r][col] != 0)
        A[col], A[piv] = A[piv], A[col]
        pv = A[col][col]
        A[col] = [v / pv for v in A[col]]
        for r in range(nD):
            if r != col and A[r][col] != 0:
                f = A[r][col]
                A[r] = [a - f * b for a, b in zip(A[r], A[col])]
    return tuple(t), tuple(A[r][nD] for r in range(nD))


def _binary_kernels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    W = a.shape[0]
    K = np.empty((W, 2, 2), dtype=a.dtype)
    K[:, 0, 0] = 1 - a
    K[:, 0, 1] = a
    K[:, 1, 0] = b
    K[:, 1, 1] = 1 - b
    return K


@cache
def _nested_rules01(D: int) -> tuple[tuple[Fraction, ...], ...]:
    """1-D interpolatory rules ``Q_r`` (r = 0..D) on the nested nodes ``0, 1/D, ..., r/D``.

    ``Q_r`` has ``r + 1`` weights and integrates every polynomial of degree ``<= r`` over [0, 1]
    exactly. Weights solve ``sum_i w_i (i/D)^k = 1/(k+1)`` (k = 0..r), rows scaled by ``D^k`` to
    integers, by python-flint's exact solver.
    """
    return tuple(tuple(_fractions(rule)) for rule in _nested_rules01_fmpq(D))


@cache
def _nested_rules01_fmpq(D: int) -> tuple[tuple[Any, ...], ...]:
    """:func:`_nested_rules01` as ``flint.fmpq`` values (the systems are solved in FLINT directly)."""
    fl = _require_flint()
    rules = []
    for r in range(D + 1):
        A = fl.fmpq_mat(r + 1, r + 1, [i**k for k in range(r + 1) for i in range(r + 1)])
        rhs = fl.fmpq_mat(r + 1, 1, [fl.fmpq(D**k, k + 1) for k in range(r + 1)])
        rules.append(tuple(A.solve(rhs).entries()))
    return tuple(rules)


def _fractions(values: Any) -> list[Fraction]:
    """``flint.fmpq`` values (canonical) as Fractions."""
    return [coprime_fraction(int(v.p), int(v.q)) for v in values]


@cache
def _total_degree_rule01(D: int) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Rational cubature on [0,1]^2 exact for all polynomials of TOTAL degree ``<= D``.

    Nodes ``(i/D, j/D)`` with ``i + j <= D`` ((D+1)(D+2)/2 nodes instead of the (D+1)^2 of the
    tensor rule). It is the integral of the interpolant on this lower set of a nested grid:
    ``Q = sum_{r+s<=D} (Q_r - Q_{r-1}) x (Q_s - Q_{s-1}) = sum_r (Q_r - Q_{r-1}) x Q_{D-r}``
    (sparse-grid / lower-set interpolation: for ``r'+s' <= D`` the terms with ``r <= r', s <= s'``
    telescope to ``Q_{r'} x Q_{s'}``, exact on ``a^r' b^s'``, and the others vanish). So
    ``w_ij = sum_{r=i}^{D-j} (q_r[i] - q_{r-1}[i]) q_{D-r}[j]`` with :func:`_nested_rules01`
    (summed in ``flint.fmpq`` arithmetic). Zero weights are dropped. Returns
    ``(a_nodes, b_nodes, weights)``.
    """
    fl = _require_flint()
    q = _nested_rules01_fmpq(D)
    zero = fl.fmpq(0)

    def qw(r: int, i: int) -> Any:
        return q[r][i] if 0 <= r and i <= r else zero

    A, B, Wt = [], [], []
    for i in range(D + 1):
        for j in range(D + 1 - i):
            w = zero
            for r in range(i, D - j + 1):
                w += (qw(r, i) - qw(r - 1, i)) * q[D - r][j]
            if w != 0:
                A.append(Fraction(i, D) if D > 0 else Fraction(1, 2))
                B.append(Fraction(j, D) if D > 0 else Fraction(1, 2))
                Wt.append(w)
    return tuple(A), tuple(B), tuple(_fractions(Wt))


def _uniform_binary_nodes(d: int, exact: bool, engine: str = "fast") -> tuple[np.ndarray, np.ndarray]:
    """Kernel nodes and weights of the uniform binary prior (exact for degree ``3d-1``).

    Float: tensor Gauss-Legendre. Exact, ``engine="fast"``: the total-degree rational rule
    :func:`_total_degree_rule01` (about half the nodes); exact, ``engine="reference"``: the tensor
    interpolatory rule of :func:`_rational_rule01` (the previous path, an independent check).
    """
    deg = max(3 * d - 1, 1)  # total degree bound of every integrand (see module docstring)
    if exact and engine == "fast" and deg >= 2:
        a, b, w = (np.array(v, dtype=object) for v in _total_degree_rule01(deg))
        return _binary_kernels(a, b), w
    if exact:
        tq, wq = _rational_rule01(deg)
        t, wt = np.array(tq, dtype=object), np.array(wq, dtype=object)
    else:
        t, wt = _gauss_legendre01(deg // 2 + 1)  # exact for degree 2N-1 >= deg
    a = np.repeat(t, t.shape[0])
    b = np.tile(t, t.shape[0])
    w = np.repeat(wt, wt.shape[0]) * np.tile(wt, wt.shape[0])
    return _binary_kernels(a, b), w
