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


def _flint() -> Any:
    """The ``flint`` module (python-flint has no type stubs: typed as ``Any``)."""
    import flint

    return flint


def exact_quadratic_data(quad: Any) -> tuple[np.ndarray, np.ndarray, Fraction, str]:
    """``(H, h, c)`` as object arrays of ``Fraction`` and a Fraction, and a label of their origin.

    The exact data of the population quadratic ``ftilde(X) = X^T H X - 2 h^T X + c`` (paper
    Lemma 3.2) from which the certificate of :mod:`recovery.realizability.interval` is proved.

    Parameters
    ----------
    quad : object
        With attributes ``H`` ``(n, n)``, ``h`` ``(n,)``, ``c`` (floats or Fractions).

    Returns
    -------
    H : ndarray of Fraction, shape (n, n)
        The symmetric part ``(H + H^T) / 2`` (``ftilde`` only sees it; exact for a symmetric ``H``).
    h : ndarray of Fraction, shape (n,)
    c : Fraction
    label : str
        ``"exact rational"`` if ``quad`` is exact (``quad.exact`` or Fraction entries), else
        ``"float64 values taken as exact"``.

    Examples
    --------
    >>> import numpy as np
    >>> from recovery.realizability.inner import SimpleQuadratic
    >>> H, h, c, label = exact_quadratic_data(SimpleQuadratic(np.eye(3), np.array([0.5, 0, 1]), 2.0))
    >>> H[0, 0], h[0], c, label
    (Fraction(1, 1), Fraction(1, 2), Fraction(2, 1), 'float64 values taken as exact')
    """
    H = np.asarray(quad.H, dtype=object)
    h = np.asarray(quad.h, dtype=object)
    c = quad.c
    exact = bool(getattr(quad, "exact", False)) or isinstance(c, Fraction)
    conv = np.frompyfunc(lambda v: Fraction(v), 1, 1)
    Hf = conv(H).astype(object)
    Hf = (Hf + Hf.T) / 2  # symmetric part (ftilde only sees it); exact for a symmetric H
    return Hf, conv(h).astype(object), Fraction(c), ("exact rational" if exact else "float64 values taken as exact")


def _fq_mat(A: np.ndarray) -> Any:
    fl = _flint()
    return fl.fmpq_mat(A.shape[0], A.shape[1], [fl.fmpq(v.numerator, v.denominator) for v in A.reshape(-1)])


def _frac_of(v: Any) -> Fraction:
    return Fraction(float(v)) if not isinstance(v, Fraction) else v


def exact_value(H: np.ndarray, h: np.ndarray, c: Fraction, X: np.ndarray) -> Fraction:
    """``X^T H X - 2 h^T X + c`` in exact rational arithmetic (``X`` floats taken exactly).

    Parameters
    ----------
    H : ndarray of Fraction, shape (n, n)
    h : ndarray of Fraction, shape (n,)
    c : Fraction
        As returned by :func:`exact_quadratic_data`.
    X : ndarray, shape (n,)
        Floats (or Fractions exactly representable as floats).

    Returns
    -------
    Fraction
        The exact value of ``ftilde(X)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fractions import Fraction as F
    >>> H = np.array([[F(1), F(0)], [F(0), F(1)]], dtype=object)
    >>> exact_value(H, np.array([F(1), F(0)], dtype=object), F(1), np.array([0.5, 0.0]))
    Fraction(1, 4)
    """
    fl = _flint()
    Xq = np.array([Fraction(float(v)) for v in X], dtype=object)
    Hq, hq, xq = _fq_mat(H), _fq_mat(h.reshape(-1, 1)), _fq_mat(Xq.reshape(-1, 1))
    v = (xq.transpose() * Hq * xq)[0, 0] - 2 * (hq.transpose() * xq)[0, 0] + fl.fmpq(c.numerator, c.denominator)
    return Fraction(int(v.p), int(v.q))


def exact_phi(b: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``phi(b, A)`` exactly (object array of Fraction) for float ``b``, ``A``.

    ``phi`` has integer coefficients: ``phi(b, A) = sum_u b_u M(e_u) vec(A)``.

    Parameters
    ----------
    b : ndarray, shape (d+1,)
    A : ndarray, shape (d+1, d)

    Returns
    -------
    ndarray of Fraction, shape (d m,)
        ``m = (d+1)(d+2)/2``.

    Examples
    --------
    >>> import numpy as np
    >>> exact_phi(np.array([1.0, 0.5]), np.array([[0.25], [1.0]])).tolist()
    [Fraction(1, 4), Fraction(9, 8), Fraction(1, 2)]
    """
    d = A.shape[1]
    a = np.array([Fraction(float(v)) for v in np.asarray(A, float).reshape(-1, order="F")], dtype=object)
    terms = []
    for u in range(d + 1):
        e = np.zeros(d + 1)
        e[u] = 1.0
        Mu = np.rint(phi_matrix_in_A(e)).astype(np.int64).astype(object)
        terms.append(Fraction(float(b[u])) * Mu.dot(a))
    X = terms[0]
    for term in terms[1:]:
        X = X + term
    return X


def _round_down(q: Fraction) -> float:
    x = float(q)
    return x if Fraction(x) <= q else float(np.nextafter(x, -np.inf))


def _round_up(q: Fraction) -> float:
    x = float(q)
    return x if Fraction(x) >= q else float(np.nextafter(x, np.inf))


def _arb_to_fraction(x: Any) -> Fraction:
    """An exact ``arb`` (zero radius, e.g. ``y.lower()``) as a Fraction."""
    m, e = x.mid().man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)


def _arb_lower_float(x: Any) -> float:
    if not x.is_finite():
        return -math.inf
    return _round_down(_arb_to_fraction(x.lower()))


def _arb_upper_float(x: Any) -> float:
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
