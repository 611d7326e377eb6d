"""Separability data for the float deciders, and exact planes read back from their solutions.

The deciders solve margin-1 systems ``p.w - g >= 1`` (p inside), ``q.w - g <= -1`` (q outside)
on float data; :func:`integer_points` scales the rational points by their common denominator L
(the answer is unchanged) and :func:`exact_planes` reads the planes of the original instance back
as Fractions, for the problem's exact ``check``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = ["integer_points", "exact_planes", "trivial_planes"]


def integer_points(inst) -> tuple[np.ndarray, np.ndarray, int]:
    """The points of ``inst`` scaled by their common denominator L to integer-valued floats.

    The answer of the margin-1 systems is unchanged by the scaling; the floats are exactly
    representable for moderate sizes.

    Parameters
    ----------
    inst : Separability
        A separability instance with rational points.

    Returns
    -------
    P : numpy.ndarray
        ``L`` times the inside points, shape (n_inside, dim).
    Q : numpy.ndarray
        ``L`` times the outside points, shape (n_outside, dim).
    L : int
        The common denominator (``inst.integer_scale()``).
    """
    L = inst.integer_scale()
    P = np.array([[int(c * L) for c in p] for p in inst.inside], dtype=float).reshape(-1, inst.dim)
    Q = np.array([[int(c * L) for c in q] for q in inst.outside], dtype=float).reshape(-1, inst.dim)
    return P, Q, L


def exact_planes(inst, L: int, side1, side2):
    """Exact ``(w1, g1, w2, g2)`` of the original (unscaled) instance from LP solutions of the scaled one.

    Planes ``x.w = g`` on ``L x`` become ``x.w = g / L``; every float is converted exactly to a
    Fraction.

    Parameters
    ----------
    inst : Separability
        The instance (unused beyond the signature shared by the callers).
    L : int
        The scale of :func:`integer_points`.
    side1, side2 : tuple of (numpy.ndarray, float)
        The planes ``(w, g)`` of the two margin-1 LPs on the scaled data.

    Returns
    -------
    tuple
        ``(w1, g1, w2, g2)`` with ``w1, w2`` tuples of Fractions and ``g1, g2`` Fractions, for the
        problem's exact ``check``.
    """
    (w1, g1), (w2, g2) = side1, side2
    return (
        tuple(Fraction(float(v)) for v in w1),
        Fraction(float(g1)) / L,
        tuple(Fraction(float(v)) for v in w2),
        Fraction(float(g2)) / L,
    )


def trivial_planes(dim: int) -> tuple:
    """The planes ``w = 0, g = -1`` twice: a witness whenever there is no outside point.

    Parameters
    ----------
    dim : int
        Dimension of the points.

    Returns
    -------
    tuple
        ``(w1, g1, w2, g2)`` with ``w1 = w2`` the zero tuple of ``dim`` Fractions and
        ``g1 = g2 = Fraction(-1)``.

    Examples
    --------
    >>> trivial_planes(2)
    ((Fraction(0, 1), Fraction(0, 1)), Fraction(-1, 1), (Fraction(0, 1), Fraction(0, 1)), Fraction(-1, 1))
    """
    zero = tuple([Fraction(0)] * dim)
    return (zero, Fraction(-1), zero, Fraction(-1))
