"""Margin-1 planes of the Bennett-Mangasarian program (exact): slacks, rescaling, vertex planes.

The Cramer/Hadamard box of a basic zero-objective point (:func:`vertex_box`) is here too;
:class:`reductions.problems.bm_program.BMProgram` builds its solutions from these functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from reductions.problems.values import as_fraction

__all__ = ["Point", "plane_slacks", "rescale_plane", "basic_plane", "vertex_box"]

Point = tuple[Fraction, ...]


def _dot(p: Sequence[Fraction], w: Sequence[Fraction]) -> Fraction:
    return sum((a * b for a, b in zip(p, w)), Fraction(0))


def plane_slacks(points: Sequence[Point], w: Sequence[Fraction], g: Fraction) -> list[Fraction]:
    """Exact values ``p . w - g`` for every point p.

    Parameters
    ----------
    points : sequence of tuple of Fraction
        The points, shape (n_points, dim).
    w : sequence of Fraction
        Plane normal, length dim.
    g : Fraction
        Plane offset.

    Returns
    -------
    list of Fraction
        One slack per point.
    """
    return [_dot(p, w) - g for p in points]


def rescale_plane(
    inside: Sequence[Point], outside: Sequence[Point], w: Sequence[Any], g: Any
) -> tuple[tuple[Fraction, ...], Fraction] | None:
    """Margin rescaling of a strictly separating plane (exact).

    Given a plane ``x . w = g`` with ``a = min_p (p.w - g)`` over ``inside`` and
    ``c = max_q (q.w - g)`` over ``outside`` and ``a > c`` (strict separation of the two finite
    sets), the affine change ``s -> alpha s + beta`` with ``alpha = 2 / (a - c) > 0`` and
    ``beta = 1 - alpha a`` maps ``a`` to 1 and ``c`` to -1, i.e. the plane ``(alpha w, alpha g -
    beta)`` has margin 1: ``p.w' - g' >= 1`` and ``q.w' - g' <= -1``.

    Parameters
    ----------
    inside : sequence of tuple of Fraction
        Inside points.
    outside : sequence of tuple of Fraction
        Outside points (those this plane must cut off).
    w : sequence of number
        Plane normal (floats are converted exactly).
    g : number
        Plane offset.

    Returns
    -------
    tuple or None
        ``(w', g')`` with margin 1.  With an empty ``outside`` the trivial plane ``(0, -1)`` is
        returned (every inside point has ``0 - (-1) = 1``); with an empty ``inside`` and nonempty
        ``outside`` the plane is shifted so that ``c = -1``.  None when ``a <= c`` (the plane does
        not strictly separate).
    """
    dim = len(w)
    wq = tuple(as_fraction(x, "w") for x in w)
    gq = as_fraction(g, "g")
    if not outside:
        return tuple(Fraction(0) for _ in range(dim)), Fraction(-1)
    c = max(plane_slacks(outside, wq, gq))
    if not inside:
        return wq, gq + c + 1
    a = min(plane_slacks(inside, wq, gq))
    if a <= c:
        return None
    alpha = Fraction(2) / (a - c)
    beta = 1 - alpha * a
    return tuple(alpha * x for x in wq), alpha * gq - beta


# ---------------------------------------------------------------------------------------------
# exact linear algebra for vertex (basic) solutions
# ---------------------------------------------------------------------------------------------
def _rref(rows: Sequence[Sequence[Fraction]], ncols: int) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form (exact) of a list of rows; returns (nonzero rows, pivot columns)."""
    R = [list(r) for r in rows]
    piv: list[int] = []
    r0 = 0
    for col in range(ncols):
        pr = next((i for i in range(r0, len(R)) if R[i][col] != 0), None)
        if pr is None:
            continue
        R[r0], R[pr] = R[pr], R[r0]
        inv = 1 / R[r0][col]
        R[r0] = [v * inv for v in R[r0]]
        for i in range(len(R)):
            if i != r0 and R[i][col] != 0:
                f = R[i][col]
                R[i] = [a - f * b for a, b in zip(R[i], R[r0])]
        piv.append(col)
        r0 += 1
        if r0 == len(R):
            break
    return R[:r0], piv


def _nullspace(rows: Sequence[Sequence[Fraction]], ncols: int) -> list[list[Fraction]]:
    """Exact basis of ``{v : rows v = 0}`` (list of vectors of length ncols)."""
    R, piv = _rref(rows, ncols) if rows else ([], [])
    free = [c for c in range(ncols) if c not in piv]
    basis = []
    for f in free:
        v = [Fraction(0)] * ncols
        v[f] = Fraction(1)
        for i, p in enumerate(piv):
            v[p] = -R[i][f]
        basis.append(v)
    return basis


def _purify(M: Sequence[Sequence[Fraction]], c: Sequence[Fraction], x: Sequence[Fraction]) -> list[Fraction]:
    """A basic solution of ``{x : M x >= c}`` from a feasible point ``x`` (exact purification).

    First the lineality space ``L = ker M`` is removed: with the pivot columns J of rref(basis
    of L), ``x`` is moved along L until ``x_J = 0`` (still feasible, since M is constant along L);
    ``P ∩ {x_J = 0}`` is pointed.  Then, while the active rows plus ``e_J`` leave a nonzero
    direction v, move along ±v until a new row becomes tight (some row must decrease along ±v,
    otherwise v would lie in L with ``v_J = 0``).  The result solves a nonsingular square system
    of ``N = len(x)`` rows taken from M (rhs c) and unit rows (rhs 0), which is what the Cramer /
    Hadamard bound of :func:`vertex_box` is about.
    """
    N = len(x)
    x = [Fraction(v) for v in x]
    if any(sum((a * b for a, b in zip(row, x)), Fraction(0)) < ci for row, ci in zip(M, c)):
        raise ValueError("x: the starting point is not feasible")
    L = _nullspace(M, N)
    J: list[int] = []
    if L:
        R, J = _rref(L, N)
        shift = [x[p] for p in J]
        for i, _ in enumerate(J):
            x = [xt - shift[i] * rt for xt, rt in zip(x, R[i])]
    units = [[Fraction(int(t == j)) for t in range(N)] for j in J]
    for _ in range(N + 1):
        vals = [sum((a * b for a, b in zip(row, x)), Fraction(0)) for row in M]
        active = [list(row) for row, v, ci in zip(M, vals, c) if v == ci] + units
        V = _nullspace(active, N)
        if not V:
            return x
        v = V[0]
        Mv = [sum((a * b for a, b in zip(row, v)), Fraction(0)) for row in M]
        if all(m >= 0 for m in Mv):
            v = [-t for t in v]
            Mv = [-m for m in Mv]
        step = min((val - ci) / (-m) for val, ci, m in zip(vals, c, Mv) if m < 0)
        x = [xt + step * vt for xt, vt in zip(x, v)]
    raise AssertionError("purification did not terminate")  # pragma: no cover - N+1 steps suffice


def _plane_system(inside: Sequence[Point], outside: Sequence[Point]) -> tuple[list[list[Fraction]], list[Fraction]]:
    """Rows of ``p.w - g >= 1`` (inside) and ``-q.w + g >= 1`` (outside) over x = (w, g)."""
    M = [list(p) + [Fraction(-1)] for p in inside] + [[-t for t in q] + [Fraction(1)] for q in outside]
    return M, [Fraction(1)] * len(M)


def basic_plane(
    inside: Sequence[Point], outside: Sequence[Point], w: Sequence[Any], g: Any
) -> tuple[tuple[Fraction, ...], Fraction]:
    """A basic (vertex) margin-1 plane from a feasible one (exact, see ``_purify``).

    Parameters
    ----------
    inside : sequence of tuple of Fraction
        Inside points.
    outside : sequence of tuple of Fraction
        The outside points this plane cuts off.
    w : sequence of number
        Plane normal; ``(w, g)`` must satisfy ``p.w - g >= 1`` for inside points and
        ``q.w - g <= -1`` for the given outside points.
    g : number
        Plane offset.

    Returns
    -------
    tuple
        ``(w, g)`` of Fractions satisfying the same and the box of :func:`vertex_box`.

    Raises
    ------
    ValueError
        If the starting plane is not feasible.
    """
    x = [as_fraction(t, "w") for t in w] + [as_fraction(g, "g")]
    M, c = _plane_system(inside, outside)
    y = _purify(M, c, x)
    return tuple(y[:-1]), y[-1]


def _ceil_sqrt(n: int) -> int:
    r = math.isqrt(n)
    return r if r * r == n else r + 1


def vertex_box(inside: Sequence[Point], outside: Sequence[Point], dim: int) -> tuple[int, int, int]:
    """Integer bounds on a zero-objective BM point of a separable instance.

    A separable instance has a zero-objective BM point with ``abs(w_i,t) <= W``,
    ``abs(g_i) <= G`` and ``0 <= z_i,l <= Z``.

    Proof (Cramer + Hadamard).  Let ``L`` be the lcm of all coordinate denominators and
    ``p'' = L p`` the integer points; ``(w, g)`` is a margin-1 plane for the data iff
    ``(w / L, g)`` is one for the integer data.  If the instance is separable with split
    (Q1, Q2), the polyhedron of margin-1 planes for (P, Q_i) over ``x = (w'', g)`` (N = dim + 1
    unknowns) has a basic point (``_purify``): ``S x = r`` for a nonsingular N x N system of
    integer rows ``(p'', -1)`` / ``(-q'', 1)`` (rhs 1) and unit rows (rhs 0).  By Cramer
    ``abs(x_j) = abs(det S_j) / abs(det S) <= abs(det S_j)`` (det S is a nonzero integer);
    expanding along the unit rows leaves a minor whose rows are data rows with one entry replaced
    by 1, of squared norm ``<= ||p''||^2 + 2`` (>= 2), at most N of them and from distinct points;
    Hadamard gives ``abs(x_j) <= sqrt(prod of the N largest values ||p''||^2 + 2 over all points)``
    (fewer factors if there are fewer points; every factor is >= 1, so any <= N distinct rows
    are covered).  Hence ``H = ceil(sqrt(that product))``, ``G = H``, ``W = L H``, and with
    ``z_i,l = max(0, q_l.w_i - g_i + 1)`` (zero for the cut-off plane)
    ``Z = ceil(max_l ||q_l||_1 W + G + 1)``.

    Parameters
    ----------
    inside : sequence of tuple of Fraction
        Inside points.
    outside : sequence of tuple of Fraction
        Outside points.
    dim : int
        The dimension.

    Returns
    -------
    tuple of int
        ``(W, G, Z)``.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> vertex_box([(F(0),)], [(F(2),), (F(-2),)], 1)
    (6, 6, 19)
    """
    pts = list(inside) + list(outside)
    L = 1
    for p in pts:
        for t in p:
            L = L * t.denominator // math.gcd(L, t.denominator)
    norms = sorted((sum(int(t * L) ** 2 for t in p) + 2 for p in pts), reverse=True)
    H = _ceil_sqrt(math.prod(norms[: dim + 1]))
    W, G = L * H, H
    qmax = max((sum(abs(t) for t in q) for q in outside), default=Fraction(0))
    zval = qmax * W + G + 1
    Z = math.ceil(zval)
    return W, G, Z
