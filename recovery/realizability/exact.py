r"""Exact rational data of the quadratic and outward rounding for :mod:`recovery.realizability.interval`.

``ftilde`` and ``phi`` in exact rational arithmetic (python-flint ``fmpq``), exact positive
definiteness proofs of ``H - W^T W`` (:func:`recovery.lsa.exact_linalg.certify_positive_definite`) and
the conversions of ``arb`` balls and Fractions to floats rounded outwards.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.exact_linalg import certify_positive_definite
from recovery.lsa.reparam import phi_matrix_in_A

__all__ = ["exact_quadratic_data", "exact_value", "exact_phi"]


def _flint():
    import flint

    return flint


def exact_quadratic_data(quad: Any) -> tuple[np.ndarray, np.ndarray, Fraction, str]:
    """``(H, h, c)`` as object arrays of ``Fraction`` and a Fraction, and a label of their origin:
    ``"exact rational"`` if ``quad`` is exact (``quad.exact`` or Fraction entries), else
    ``"float64 values taken as exact"``."""
    H = np.asarray(quad.H, dtype=object)
    h = np.asarray(quad.h, dtype=object)
    c = quad.c
    exact = bool(getattr(quad, "exact", False)) or isinstance(c, Fraction)
    conv = np.frompyfunc(lambda v: Fraction(v), 1, 1)
    Hf = conv(H).astype(object)
    Hf = (Hf + Hf.T) / 2  # symmetric part (ftilde only sees it); exact for a symmetric H
    return Hf, conv(h).astype(object), Fraction(c), ("exact rational" if exact else "float64 values taken as exact")


def _fq_mat(A: np.ndarray):
    fl = _flint()
    return fl.fmpq_mat(A.shape[0], A.shape[1], [fl.fmpq(v.numerator, v.denominator) for v in A.reshape(-1)])


def _frac_of(v: Any) -> Fraction:
    return Fraction(float(v)) if not isinstance(v, Fraction) else v


def exact_value(H: np.ndarray, h: np.ndarray, c: Fraction, X: np.ndarray) -> Fraction:
    """``X^T H X - 2 h^T X + c`` in exact rational arithmetic (``X`` floats taken exactly)."""
    fl = _flint()
    Xq = np.array([Fraction(float(v)) for v in X], dtype=object)
    Hq, hq, xq = _fq_mat(H), _fq_mat(h.reshape(-1, 1)), _fq_mat(Xq.reshape(-1, 1))
    v = (xq.transpose() * Hq * xq)[0, 0] - 2 * (hq.transpose() * xq)[0, 0] + fl.fmpq(c.numerator, c.denominator)
    return Fraction(int(v.p), int(v.q))


def exact_phi(b: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``phi(b, A)`` exactly (object array of Fraction) for float ``b``, ``A`` (phi has integer
    coefficients: ``phi(b, A) = sum_u b_u M(e_u) vec(A)``)."""
    d = A.shape[1]
    a = np.array([Fraction(float(v)) for v in np.asarray(A, float).reshape(-1, order="F")], dtype=object)
    X = None
    for u in range(d + 1):
        e = np.zeros(d + 1)
        e[u] = 1.0
        Mu = np.rint(phi_matrix_in_A(e)).astype(np.int64).astype(object)
        term = Fraction(float(b[u])) * Mu.dot(a)
        X = term if X is None else X + term
    return X


def _round_down(q: Fraction) -> float:
    x = float(q)
    return x if Fraction(x) <= q else float(np.nextafter(x, -np.inf))


def _round_up(q: Fraction) -> float:
    x = float(q)
    return x if Fraction(x) >= q else float(np.nextafter(x, np.inf))


def _arb_to_fraction(x) -> Fraction:
    """An exact ``arb`` (zero radius, e.g. ``y.lower()``) as a Fraction."""
    m, e = x.mid().man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)


def _arb_lower_float(x) -> float:
    if not x.is_finite():
        return -math.inf
    return _round_down(_arb_to_fraction(x.lower()))


def _arb_upper_float(x) -> float:
    if not x.is_finite():
        return math.inf
    return _round_up(_arb_to_fraction(x.upper()))


def _psd_proof(H: np.ndarray, W: np.ndarray) -> bool:
    """Exact proof that ``H - W^T W`` is positive definite (``W`` float, taken exactly)."""
    Wq = _fq_mat(np.array([Fraction(float(v)) for v in W.reshape(-1)], dtype=object).reshape(W.shape))
    D = _fq_mat(H) - Wq.transpose() * Wq
    n = H.shape[0]
    Dq = np.array([Fraction(int(D[i, j].p), int(D[i, j].q)) for i in range(n) for j in range(n)],
                  dtype=object).reshape(n, n)
    return bool(certify_positive_definite(Dq, name="H - W^T W").positive_definite)



def _eye_obj(n: int) -> np.ndarray:
    E = np.zeros((n, n), dtype=object)
    E[...] = Fraction(0)
    for i in range(n):
        E[i, i] = Fraction(1)
    return E
