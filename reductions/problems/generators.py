"""Random and planted instance generators.

``generate(problem, size, rng, planted) -> (instance, hidden_solution | None)``.  ``rng`` is an int
seed or a ``numpy.random.Generator``.  Planted instances are built around a hidden solution (which
is returned and satisfies ``instance.check``); random ones return ``None`` (their answer is
unknown; densities sit near the empirical satisfiability thresholds so both answers occur).

===============  ==========  ================================================================
problem          size        instance
===============  ==========  ================================================================
cnf              n vars      3-SAT (width min(3, n), distinct variables), round(4.26 n) clauses;
                             planted: clauses falsified by the hidden assignment are redrawn
nae_sat          n vars      NAE-3-SAT, round(2.1 n) clauses; planted: redraw clauses that are
                             not NAE under the hidden assignment
set_splitting    n elements  round(2.1 n) random 3-subsets (2-subsets when n < 3); planted:
                             redraw monochromatic subsets under the hidden sides
partition        n values    uniform in 1..2^n (random); planted: random values, then one value
                             of the lighter side is increased to balance the hidden signs
coloring         n nodes     k = 3, G(n, p) with mean degree 4.69 (3-colouring threshold);
                             planted: only edges between different hidden colour classes
separability     n points    dim 2, integer points in [-6, 6]^2, ~half inside; planted: two
                             random integer planes, inside points strictly inside both, outside
                             points strictly outside one (hidden planes returned)
===============  ==========  ================================================================
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np

from recovery.validation import check_rng
from reductions.problems.cnf import CNF
from reductions.problems.coloring import Coloring
from reductions.problems.nae_sat import NAESAT
from reductions.problems.partition import Partition
from reductions.problems.problem import Problem
from reductions.problems.separability import Separability
from reductions.problems.set_splitting import SetSplitting
from reductions.problems.values import as_points

__all__ = ["generate", "GENERATORS", "random_clause"]

_MAX_REDRAWS = 10_000


def random_clause(n: int, width: int, rng: np.random.Generator) -> tuple[int, ...]:
    """``width`` distinct variables of 1..n with random signs (DIMACS literals).

    Parameters
    ----------
    n : int
        Number of variables, >= ``width``.
    width : int
        Clause width.
    rng : numpy.random.Generator
        Random source.

    Returns
    -------
    tuple of int
        The clause.

    Examples
    --------
    >>> import numpy as np
    >>> len(random_clause(5, 3, np.random.default_rng(0)))
    3
    """
    vars_ = rng.choice(n, size=width, replace=False) + 1
    signs = rng.choice([-1, 1], size=width)
    return tuple(int(v * s) for v, s in zip(vars_, signs))


def _assignment(n: int, rng: np.random.Generator) -> tuple[bool, ...]:
    return tuple(bool(v) for v in rng.integers(0, 2, size=n))


def _clauses(n: int, m: int, width: int, rng, ok) -> list[tuple[int, ...]]:
    out = []
    for _ in range(m):
        for _ in range(_MAX_REDRAWS):
            c = random_clause(n, width, rng)
            if ok(c):
                break
        else:  # pragma: no cover - needs a pathological accept rule
            raise RuntimeError("generator: could not draw an admissible clause")
        out.append(c)
    return out


def _cnf(size: int, rng, planted: bool):
    n = size
    width = min(3, n)
    m = max(1, round(4.26 * n))
    if not planted:
        return CNF(n, tuple(_clauses(n, m, width, rng, lambda c: True))), None
    hidden = _assignment(n, rng)
    val = lambda l: hidden[abs(l) - 1] == (l > 0)
    return CNF(n, tuple(_clauses(n, m, width, rng, lambda c: any(val(l) for l in c)))), hidden


def _nae(size: int, rng, planted: bool):
    n = size
    if n < 2:
        raise ValueError("size: nae_sat needs at least 2 variables")
    width = min(3, n)
    m = max(1, round(2.1 * n))
    if not planted:
        return NAESAT(n, tuple(_clauses(n, m, width, rng, lambda c: True))), None
    hidden = _assignment(n, rng)
    val = lambda l: hidden[abs(l) - 1] == (l > 0)
    return NAESAT(n, tuple(_clauses(n, m, width, rng, lambda c: len({val(l) for l in c}) == 2))), hidden


def _set_splitting(size: int, rng, planted: bool):
    n = size
    if n < 2:
        raise ValueError("size: set_splitting needs at least 2 elements")
    width = min(3, n)
    m = max(1, round(2.1 * n))
    hidden: tuple[int, ...] | None = None
    if planted:
        sides = [int(v) for v in rng.integers(0, 2, size=n)]
        if len(set(sides)) == 1:  # both sides must be used, else no subset can be split
            sides[int(rng.integers(0, n))] ^= 1
        hidden = tuple(sides)
    subsets = []
    for _ in range(m):
        for _ in range(_MAX_REDRAWS):
            s = tuple(sorted(int(v) for v in rng.choice(n, size=width, replace=False)))
            if hidden is None or len({hidden[t] for t in s}) == 2:
                break
        subsets.append(s)
    return SetSplitting(n, tuple(subsets)), hidden


def _partition(size: int, rng, planted: bool):
    n = size
    hi = 2 ** min(n, 60)
    values = [int(v) for v in rng.integers(1, hi + 1, size=n)]
    if not planted:
        return Partition(tuple(values)), None
    if n < 2:
        raise ValueError("size: a planted partition needs at least 2 values")
    signs = [int(s) for s in rng.choice([-1, 1], size=n)]
    if all(s == signs[0] for s in signs):
        signs[-1] = -signs[0]
    diff = sum(s * a for s, a in zip(signs, values))
    if diff != 0:
        # raise one value on the lighter side by |diff|
        light = -1 if diff > 0 else 1
        i = next(i for i, s in enumerate(signs) if s == light)
        values[i] += abs(diff)
    return Partition(tuple(values)), tuple(signs)


def _coloring(size: int, rng, planted: bool, k: int = 3):
    n = size
    p = min(1.0, 4.69 / max(1, n - 1))
    G = nx.Graph()
    G.add_nodes_from(range(n))
    colour = [int(c) for c in rng.integers(0, k, size=n)] if planted else None
    for u in range(n):
        for v in range(u + 1, n):
            if rng.random() < p and (colour is None or colour[u] != colour[v]):
                G.add_edge(u, v)
    return Coloring(k, G), (None if colour is None else dict(enumerate(colour)))


def _separability(size: int, rng, planted: bool, dim: int = 2, box: int = 6):
    n = max(2, size)
    if not planted:
        pts = rng.integers(-box, box + 1, size=(n, dim))
        n_in = max(1, n // 2)
        in_pts, out_pts = as_points(pts[:n_in].tolist()), as_points(pts[n_in:].tolist())
        return Separability(inside=in_pts, outside=out_pts, dim=dim), None
    for _ in range(_MAX_REDRAWS):
        W = rng.integers(-3, 4, size=(2, dim))
        if np.all(W.any(axis=1)):
            break
    # planes through a random point near the origin; g_i = c.w_i + 1/2 keeps integer points off them
    c = rng.integers(-2, 3, size=dim)
    g = [Fraction(int(W[i] @ c)) + Fraction(1, 2) for i in range(2)]
    inside: list[list[int]] = []
    outside: list[list[int]] = []
    n_in = max(1, n // 2)
    for _ in range(_MAX_REDRAWS * 10):
        if len(inside) >= n_in and len(outside) >= n - n_in:
            break
        x = rng.integers(-box, box + 1, size=dim)
        v = [int(W[i] @ x) for i in range(2)]
        if v[0] > g[0] and v[1] > g[1]:
            if len(inside) < n_in:
                inside.append(x.tolist())
        elif len(outside) < n - n_in:
            outside.append(x.tolist())
    hidden = (tuple(Fraction(int(t)) for t in W[0]), g[0], tuple(Fraction(int(t)) for t in W[1]), g[1])
    return Separability(inside=as_points(inside), outside=as_points(outside), dim=dim), hidden


GENERATORS = {
    "cnf": _cnf,
    "nae_sat": _nae,
    "set_splitting": _set_splitting,
    "partition": _partition,
    "coloring": _coloring,
    "separability": _separability,
}


def generate(problem: str, size: int, rng: Any, planted: bool = False) -> tuple[Problem, Any | None]:
    """A random (``planted=False``) or planted instance of ``problem`` with size parameter ``size``.

    See the module table for what ``size`` means per problem.  A planted instance is built around
    a hidden solution that satisfies ``instance.check``.

    Parameters
    ----------
    problem : str
        One of the keys of :data:`GENERATORS` (``cnf``, ``nae_sat``, ``set_splitting``,
        ``partition``, ``coloring``, ``separability``).
    size : int
        Size parameter, >= 1.
    rng : int or numpy.random.Generator
        Seed or generator.
    planted : bool
        Build a planted YES instance.

    Returns
    -------
    tuple
        ``(instance, hidden solution or None)``.

    Raises
    ------
    ValueError
        For an unknown problem or a size that is not a positive int.
    TypeError
        If ``planted`` is not a bool.

    Examples
    --------
    >>> inst, hidden = generate("partition", 4, 1, planted=True)
    >>> inst.PROBLEM, inst.check(hidden)
    ('partition', True)
    """
    if problem not in GENERATORS:
        raise ValueError(f"problem: no generator for {problem!r}; expected one of {sorted(GENERATORS)}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size: expected a positive int, got {size!r}")
    if not isinstance(planted, bool):
        raise TypeError(f"planted: expected a bool, got {type(planted).__name__}")
    gen = check_rng(rng)
    inst, hidden = GENERATORS[problem](int(size), gen, planted)
    if hidden is not None and not inst.check(hidden):  # pragma: no cover - generator bug guard
        raise RuntimeError(f"generator: planted solution does not solve the {problem} instance")
    return inst, hidden
