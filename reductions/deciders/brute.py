"""Brute-force deciders of the source problems: exhaustive enumeration, the independent cross-check.

=============  ==========================================================================
problem        enumeration
=============  ==========================================================================
cnf            all 2^n assignments, vectorised over chunks
nae_sat        all 2^n assignments
set_splitting  all 2^n sides
partition      all 2^(n-1) sign vectors (s_1 = +1)
coloring       exhaustive backtracking (DSatur order, one new colour at a time)
separability   all 2^(|Q|-1) splits, two margin-1 LPs each (scipy's linprog, not the HiGHS
               wrapper of the MILP, so that the two separability deciders share no helper)
=============  ==========================================================================

A NO of the first five is exact (the candidate set is finite and fully searched); a NO of the
split enumeration rests on the LP solver's infeasibility claims.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linprog

from reductions.deciders.separability_planes import exact_planes, trivial_planes
from reductions.deciders.timer import Timer
from reductions.problems.problem import Problem

__all__ = ["MAX_BRUTE_VARS", "MAX_BRUTE_OUTSIDE", "brute_force"]

#: brute-force size limits (the enumeration is exponential); larger separability instances are
#: decided by method "scip" (indicator constraints, no limit on the number of outside points)
MAX_BRUTE_VARS = 24
MAX_BRUTE_OUTSIDE = 16


def _bits(n: int, start: int, stop: int) -> np.ndarray:
    """Rows = binary expansions of start..stop-1 (bit j -> column j), bool."""
    idx = np.arange(start, stop, dtype=np.int64)
    return ((idx[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def _enumerate(n: int, accept, timer: Timer, chunk: int = 1 << 15):
    """First row of the enumeration of {0,1}^n (bool) accepted by ``accept`` (vectorised over a
    chunk), or None if there is none; raises TimeoutError past the time limit."""
    if n > MAX_BRUTE_VARS:
        raise ValueError(f"brute force: {n} binary variables exceed the limit {MAX_BRUTE_VARS}; "
                         "use method='sat' (cnf, nae_sat, set_splitting) or 'milp'")
    total = 1 << n
    for start in range(0, total, chunk):
        X = _bits(n, start, min(total, start + chunk))
        ok = accept(X)
        hit = np.flatnonzero(ok)
        if hit.size:
            return X[hit[0]]
        if timer.expired():
            raise TimeoutError
    return None


def _brute_cnf(inst, timer):
    M = inst.clause_matrix()
    pos = (M == 1).astype(np.int64).T
    neg = (M == -1).astype(np.int64).T
    taut = np.any(M == 2, axis=1)

    def accept(X):
        Xi = X.astype(np.int64)
        sat = (Xi @ pos > 0) | ((1 - Xi) @ neg > 0) | taut[None, :]
        return np.all(sat, axis=1)

    row = _enumerate(inst.n_vars, accept, timer)
    return None if row is None else tuple(bool(v) for v in row)


def _brute_nae(inst, timer):
    M = inst.literal_count_matrix().T  # (n, m)
    w = np.array(inst.widths(), dtype=np.int64)

    def accept(X):
        S = 2 * X.astype(np.int64) - 1
        twice_true = w[None, :] + S @ M  # = 2 * (#true literal occurrences)
        return np.all((twice_true > 0) & (twice_true < 2 * w[None, :]), axis=1)

    row = _enumerate(inst.n_vars, accept, timer)
    return None if row is None else tuple(bool(v) for v in row)


def _brute_set_splitting(inst, timer):
    I = inst.incidence().T  # (n, m)
    sizes = I.sum(axis=0)

    def accept(X):
        cnt = X.astype(np.int64) @ I
        return np.all((cnt > 0) & (cnt < sizes[None, :]), axis=1)

    row = _enumerate(inst.n, accept, timer)
    return None if row is None else tuple(int(v) for v in row)


def _brute_partition(inst, timer):
    a = list(inst.values)
    n = len(a)
    if sum(a) % 2:
        return None  # odd total: no signs sum to 0 (still exhaustive in effect)
    big = sum(a) >= 2**62
    arr = np.array(a[1:], dtype=object if big else np.int64)

    def accept(X):
        S = np.where(X, -1, 1).astype(object if big else np.int64)
        return (a[0] + S @ arr) == 0

    row = _enumerate(n - 1, accept, timer)
    return None if row is None else (1,) + tuple(-1 if v else 1 for v in row)


def _brute_coloring(inst, timer):
    G = inst.graph
    k = inst.k
    if any(u == v for u, v in G.edges):
        return None
    nodes = list(G.nodes)
    colour: dict = {}
    counter = [0]

    def pick():
        # DSatur: the uncoloured node with most distinct neighbour colours, then highest degree
        best, key = None, None
        for v in nodes:
            if v in colour:
                continue
            sat = len({colour[u] for u in G[v] if u in colour})
            kv = (sat, G.degree(v))
            if key is None or kv > key:
                best, key = v, kv
        return best

    def rec() -> bool:
        counter[0] += 1
        if counter[0] % 1024 == 0 and timer.expired():
            raise TimeoutError
        v = pick()
        if v is None:
            return True
        used = {colour[u] for u in G[v] if u in colour}
        max_used = max(colour.values(), default=-1)
        # colour symmetry: never open more than one new colour at a time
        for c in range(min(k, max_used + 2)):
            if c in used:
                continue
            colour[v] = c
            if rec():
                return True
            del colour[v]
        return False

    return dict(colour) if rec() else None


# ------------------------------------------------------------------------------------------------


def _sep_lp_scipy(P: np.ndarray, Qs: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The margin-1 LP of :func:`reductions.deciders.highs_models.sep_lp` through ``scipy.optimize.linprog`` (a code path
    independent of the HiGHS wrapper of the MILP, so that the two separability
    deciders share no helper).  None only on scipy's proof of infeasibility (status 2 with the
    "The problem is infeasible" message; other HiGHS failures raise)."""
    dim = P.shape[1] if P.size else Qs.shape[1]
    if Qs.shape[0] == 0:
        return np.zeros(dim), -1.0
    A = np.vstack([np.hstack([-P, np.ones((P.shape[0], 1))]), np.hstack([Qs, -np.ones((Qs.shape[0], 1))])])
    res = linprog(np.zeros(dim + 1), A_ub=A, b_ub=-np.ones(A.shape[0]), bounds=[(None, None)] * (dim + 1),
                  method="highs")
    if res.status == 0 and res.x is not None:
        return res.x[:dim], float(res.x[dim])
    if res.status == 2 and str(res.message).startswith("The problem is infeasible"):
        return None
    raise RuntimeError(f"separability LP failed: {res.message}")


def _brute_separability(inst, timer):
    # unscaled float data (margin-1 feasibility is invariant under scaling; the witness is
    # re-checked exactly on the rational points) -- deliberately not integer_points/highs_milp
    P = np.array([[float(c) for c in p] for p in inst.inside], dtype=float).reshape(-1, inst.dim)
    Q = np.array([[float(c) for c in q] for q in inst.outside], dtype=float).reshape(-1, inst.dim)
    L = 1
    nq = Q.shape[0]
    if nq > MAX_BRUTE_OUTSIDE:
        raise ValueError(f"brute force: {nq} outside points exceed the limit {MAX_BRUTE_OUTSIDE}; "
                         "use method='scip' (or the big-M 'milp')")
    if nq == 0:
        return trivial_planes(inst.dim), 0
    memo: dict[int, Any] = {}
    infeasible: list[int] = []  # monotone: supersets of an infeasible set are infeasible
    n_lp = [0]

    def side(mask: int):
        if mask in memo:
            return memo[mask]
        if any(bad & mask == bad for bad in infeasible):
            return None
        n_lp[0] += 1
        idx = [t for t in range(nq) if mask >> t & 1]
        res = _sep_lp_scipy(P, Q[idx])
        memo[mask] = res
        if res is None:
            infeasible.append(mask)
        return res

    full = (1 << nq) - 1
    # symmetry: outside point 0 goes to plane 1
    for rest in range(1 << (nq - 1)):
        if timer.expired():
            raise TimeoutError
        m1 = 1 | (rest << 1)
        m2 = full ^ m1
        s1 = side(m1)
        if s1 is None:
            continue
        s2 = side(m2)
        if s2 is None:
            continue
        return exact_planes(inst, L, s1, s2), n_lp[0]
    return None, n_lp[0]


_BRUTE = {
    "cnf": _brute_cnf,
    "nae_sat": _brute_nae,
    "set_splitting": _brute_set_splitting,
    "partition": _brute_partition,
    "coloring": _brute_coloring,
}


def brute_force(inst: Problem, timer: Timer) -> tuple[Any, str]:
    """Search ``inst`` exhaustively.

    Parameters
    ----------
    inst : Problem
        A ``cnf``, ``nae_sat``, ``set_splitting``, ``partition``, ``coloring`` or ``separability``
        instance (ValueError above :data:`MAX_BRUTE_VARS` binary variables or
        :data:`MAX_BRUTE_OUTSIDE` outside points).
    timer : Timer
        The run's budget; TimeoutError once it is spent.

    Returns
    -------
    witness : object or None
        The first solution found (None: there is none).
    status : str
        What was enumerated.
    """
    if inst.PROBLEM == "separability":
        witness, n_lp = _brute_separability(inst, timer)
        return witness, f"brute: enumerated splits ({n_lp} LPs)"
    return _BRUTE[inst.PROBLEM](inst, timer), "brute: exhaustive enumeration"
