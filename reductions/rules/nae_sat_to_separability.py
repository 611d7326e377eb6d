"""NAE-SAT -> 2-plane separability (our own construction, REDUCTIONS.md construction 2).

For NAE-k-SAT (every clause of width k): dimension n = n_vars; with v(x_j) = e_j and
v(not x_j) = -e_j,

* outside Q = {+k e_j, -k e_j : j = 1..n}             (2n points),
* inside  P = {0} plus p_C = v(l_1) + ... + v(l_k) for every clause C   (1 + m points).

Mixed clause widths (our generalisation, identical to the above for uniform width k): with
L = lcm of the widths and K = the largest width, Q = {+-L e_j} and p_C = (L / k_C) sum_i v(l_i)
for a clause of width k_C (integer coordinates).

Forward.  s in {-1,1}^n (s_j = +1 iff x_j true).  For a NAE clause s.p_C = (L/k_C)(#true - #false)
lies in [-(L - 2L/k_C), L - 2L/k_C] and L - 2L/k_C <= L - 2L/K < t := L - L/K < L.  The planes

    plane 1: x.(-s) > -t      (i.e. s.x < t),      plane 2: x.(+s) > -t   (i.e. -s.x < t)

contain 0 and every p_C strictly; +L e_j with s_j = +1 has s.x = L > t (cut by plane 1) and
-L e_j then has -s.x = L > t (cut by plane 2), and symmetrically for s_j = -1.  (For k = 3 this
is s.x < 2, -s.x < 2 as in REDUCTIONS.md; without clauses of width >= 2 we take t = L/2.)

Backward.  0 is inside both planes and is the midpoint of +L e_j and -L e_j, so the two points
cannot both be cut off by the same plane (the plane's open outer half-space is convex and misses
0); each is cut, hence each is cut by exactly one plane and by different ones.  Put x_j = True
iff +L e_j is cut by plane 1.  A true literal l then has L v(l).w_1 < g_1 and a false one
L v(l).w_2 < g_2.  If all literals of C were true, p_C.w_1 = (L/k_C) sum v(l_i).w_1 < g_1,
so p_C would be cut by plane 1 -- impossible; likewise all false and plane 2.

Target size: ``RULE.size_formula`` (declared once, at the end of this module).
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm
from typing import Any

from reductions.problems.base import Reduction, as_bool_tuple
from reductions.problems.nae_sat import NAESAT
from reductions.problems.separability import Separability
from reductions.problems.values import as_points
from reductions.rules.registry import Rule, register


def scale(instance: NAESAT) -> tuple[int, int]:
    """The scale (L, K) of the construction.

    Parameters
    ----------
    instance : NAESAT
        The source instance.

    Returns
    -------
    tuple of int
        L = lcm of the clause widths (1 without clauses), K = largest width (0 without clauses).
    """
    widths = instance.widths()
    return lcm(1, *widths), max(widths, default=0)


def reduce(instance: NAESAT) -> Reduction:
    """Apply the rule to one instance (REDUCTIONS.md construction 2, our own).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : NAESAT
        The source instance.

    Returns
    -------
    Reduction
        The Separability target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution).

    Raises
    ------
    TypeError
        If ``instance`` is not a NAESAT.

    Examples
    --------
    >>> from reductions.problems.nae_sat import NAESAT
    >>> r = reduce(NAESAT(n_vars=3, clauses=((1, 2, 3),)))
    >>> r.target.size()
    {'dim': 3, 'n_inside': 2, 'n_outside': 6}
    >>> planes = r.forward((True, False, False))
    >>> r.target.check(planes), r.backward(planes)
    (True, (True, False, False))
    """
    if not isinstance(instance, NAESAT):
        raise TypeError(f"instance: expected a NAESAT, got {type(instance).__name__}")
    n = instance.n_vars
    dim = max(1, n)
    L, K = scale(instance)
    outside = []
    for j in range(n):
        for sign in (1, -1):
            q = [0] * dim
            q[j] = sign * L
            outside.append(q)
    inside = [[0] * dim]
    for c in instance.clauses:
        p = [0] * dim
        f = L // len(c)
        for lit in c:
            p[abs(lit) - 1] += f if lit > 0 else -f
        inside.append(p)
    target = Separability(inside=as_points(inside), outside=as_points(outside), dim=dim)
    t = Fraction(L - L // K) if K >= 2 else Fraction(L, 2)

    def forward(sol: Any) -> tuple:
        a = as_bool_tuple(sol, n)
        s = [Fraction(1 if v else -1) for v in a] + [Fraction(0)] * (dim - n)
        return (tuple(-x for x in s), -t, tuple(s), -t)

    def backward(sol: Any) -> tuple[bool, ...]:
        cut = target.cut_by(sol)
        # outside point 2j is +L e_j; x_j is true iff it is cut off by plane 1
        return tuple(bool(cut[2 * j][0]) for j in range(n))

    return Reduction(RULE.name, instance, target, forward, backward, target.size(), predicted_size(instance))


RULE = register(Rule(
    name="nae_sat_to_separability", source="nae_sat", target="separability",
    size_formula={"dim": "max(1, n_vars)", "n_inside": "1 + n_clauses", "n_outside": "2 * n_vars"},
    reduce=reduce,
))

#: target size of ``reduce(source)``: ``RULE.size_formula`` on ``source.size()``
predicted_size = RULE.predicted_size
