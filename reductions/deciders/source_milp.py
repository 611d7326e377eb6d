"""HiGHS MILP models of the source problems (binary variables, one row per clause / subset / edge).

=============  ==============================================================
problem        model
=============  ==============================================================
cnf            x in {0,1}^n, one row per clause: #true literals >= 1
nae_sat        1 <= #true <= w - 1 per clause (x_1 = 1: NAE is closed under complement)
set_splitting  ``1 <= #side-1 <= |c| - 1`` per subset
partition      sum 2 a_i y_i = sum a_i
coloring       one-hot x_{v,c}, one row per edge and colour
separability   a binary per outside point, big-M from a Cramer bound (below)
=============  ==============================================================

Separability MILP and its big-M (documented bound).  Scale all points by the common denominator L
(``Separability.integer_scale``; the answer is unchanged), so the data R = [P; Q] are integers.
For a fixed split, side i asks for (w, g) in R^{dim+1} with p.w - g >= 1 (p in P) and
q.w - g <= -1 (q in Q_i).  If this polyhedron is non-empty it has a minimal face
{x : A_I x = b_I}, and that face contains a basic solution: r = rank(A_I) independent rows,
a non-singular r x r submatrix M of [R | -1] restricted to them, the other variables 0, and by
Cramer's rule x_k = det(M_k) / det(M) with M_k = M with one column replaced by the right-hand
side (entries +-1).  det(M) is a non-zero integer, so ``abs(x_k) <= abs(det(M_k))`` and by
Hadamard's inequality::

    |det(M_k)| <= min( sqrt(N) * prod_{t} max(1, ||R[:, t]||_2) * max(1, sqrt(N)),      (columns)
                       prod of the dim+1 largest max(1, sqrt(||r||^2 + 2)) over rows r ) (rows)

with ``N = |P| + |Q|``.  Hence a box ``|w_t|, |g| <= B`` with B = ceil of that bound loses no YES
instance, and then every ``|q.w_i - g_i + 1| <= B (||q||_1 + 1) + 1 =: M_q``, a valid big-M for
the disjunction "q.w_1 <= g_1 - 1 or q.w_2 <= g_2 - 1".  (tests/reductions/deciders/test_source_milp.py checks
the MILP against split enumeration exhaustively on small instances.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp

from reductions.deciders.highs_models import highs_milp, milp_answer, sep_lp
from reductions.deciders.separability_planes import exact_planes, integer_points, trivial_planes
from reductions.deciders.timer import Timer
from reductions.problems.problem import Problem

__all__ = ["MAX_MILP_ENTRIES", "milp_entries", "separability_box_bound", "milp_decide", "highs_milp"]

#: MILP size limit: the models are built as dense rows, so a DIMACS header "p cnf 100000000 1"
#: would allocate gigabytes before HiGHS starts
MAX_MILP_ENTRIES = 10**7


def milp_entries(instance: Problem) -> int:
    """Dense entries (rows x columns) of the MILP model built for ``instance``.

    Parameters
    ----------
    instance : Problem
        A source instance.

    Returns
    -------
    int
        The number of entries, compared with :data:`MAX_MILP_ENTRIES`; 0 for a problem without a
        MILP model.
    """
    s = instance.size()
    name = instance.PROBLEM
    if name in ("cnf", "nae_sat"):
        return max(1, s["n_clauses"]) * s["n_vars"]
    if name == "set_splitting":
        return max(1, s["n_subsets"]) * s["n"]
    if name == "partition":
        return s["n"]
    if name == "coloring":
        return (s["n_nodes"] + s["n_edges"] * s["k"]) * s["n_nodes"] * s["k"]
    if name == "separability":
        return (2 * s["n_inside"] + 2 * s["n_outside"]) * (2 * (s["dim"] + 1) + s["n_outside"])
    return 0


def separability_box_bound(P: np.ndarray, Q: np.ndarray) -> float:
    """The Cramer/Hadamard bound B of the module docstring.

    If side i of a split is strictly separable, it is with margin 1 and ``abs(w_t), abs(g) <= B``.

    Parameters
    ----------
    P : numpy.ndarray
        Integer-valued inside points, shape (n_inside, dim).
    Q : numpy.ndarray
        Integer-valued outside points, shape (n_outside, dim).

    Returns
    -------
    float
        ``ceil(min(column bound, row bound)) + 1``; 1.0 without points.
    """
    R = np.vstack([P, Q])
    N, dim = R.shape
    if N == 0:
        return 1.0
    col = N * float(np.prod(np.maximum(1.0, np.linalg.norm(R, axis=0))))
    rows = np.sort(np.maximum(1.0, np.sqrt((R**2).sum(axis=1) + 2.0)))[::-1][: dim + 1]
    row = float(np.prod(rows))
    return math.ceil(min(col, row)) + 1.0


def _milp_separability(inst, timer):
    P, Q, L = integer_points(inst)
    dim = inst.dim
    nQ = Q.shape[0]
    if nQ == 0:
        return "optimal", trivial_planes(dim)
    B = separability_box_bound(P, Q)
    Mq = B * (np.abs(Q).sum(axis=1) + 1.0) + 1.0
    nv = 2 * (dim + 1) + nQ  # w1, g1, w2, g2, y
    o1, o2, oy = 0, dim + 1, 2 * (dim + 1)
    rows, lo, hi = [], [], []

    def row(entries):
        r = np.zeros(nv)
        for k, v in entries:
            r[k] += v
        return r

    for p in P:
        for o in (o1, o2):
            rows.append(row([(o + t, p[t]) for t in range(dim)] + [(o + dim, -1.0)]))
            lo.append(1.0)
            hi.append(np.inf)
    for qi, q in enumerate(Q):
        # y=1: q.w1 - g1 <= -1 ;  y=0: q.w2 - g2 <= -1
        rows.append(row([(o1 + t, q[t]) for t in range(dim)] + [(o1 + dim, -1.0), (oy + qi, Mq[qi])]))
        lo.append(-np.inf)
        hi.append(Mq[qi] - 1.0)
        rows.append(row([(o2 + t, q[t]) for t in range(dim)] + [(o2 + dim, -1.0), (oy + qi, -Mq[qi])]))
        lo.append(-np.inf)
        hi.append(-1.0)
    A = sp.csr_matrix(np.array(rows))
    col_lo = np.full(nv, -B)
    col_hi = np.full(nv, B)
    col_lo[oy:] = 0.0
    col_hi[oy:] = 1.0
    col_lo[oy] = 1.0  # symmetry: outside point 0 is cut by plane 1
    integer = np.zeros(nv, dtype=bool)
    integer[oy:] = True
    status, x = highs_milp(np.zeros(nv), A, np.array(lo), np.array(hi), col_lo, col_hi, integer, timer.remaining())
    kind = milp_answer(status, x)
    if x is None:
        return kind, None
    y = np.round(x[oy:]).astype(bool)
    w1, g1, w2, g2 = x[o1:o1 + dim], x[o1 + dim], x[o2:o2 + dim], x[o2 + dim]
    cand = exact_planes(inst, L, (w1, g1), (w2, g2))
    if inst.check(cand):
        return kind, cand
    # the MILP point may sit on a tolerance boundary: re-solve the two LPs of its split
    s1, s2 = sep_lp(P, Q[y]), sep_lp(P, Q[~y])
    if s1 is None or s2 is None:
        return "unverified", None
    return kind, exact_planes(inst, L, s1, s2)


def _clause_rows(clauses, n):
    """(A, npos_minus_nneg constants): row c of A has +1 per positive and -1 per negative
    occurrence; #true occurrences = A_c x + (#negative occurrences)."""
    A = np.zeros((len(clauses), n))
    nneg = np.zeros(len(clauses))
    for ci, c in enumerate(clauses):
        for l in c:
            A[ci, abs(l) - 1] += 1.0 if l > 0 else -1.0
            nneg[ci] += l < 0
    return A, nneg


def _milp_binary(A, lo, hi, n, timer, fix_first=None):
    col_lo = np.zeros(n)
    col_hi = np.ones(n)
    if fix_first is not None and n:
        col_lo[0] = col_hi[0] = fix_first
    if A.shape[0] == 0:
        A = np.zeros((0, n))
    status, x = highs_milp(np.zeros(n), sp.csr_matrix(A), lo, hi, col_lo, col_hi, np.ones(n, bool), timer.remaining())
    return milp_answer(status, x), (None if x is None else np.round(x).astype(int))


def _milp_cnf(inst, timer):
    A, nneg = _clause_rows(inst.clauses, inst.n_vars)
    kind, x = _milp_binary(A, 1.0 - nneg, np.full(len(nneg), np.inf), inst.n_vars, timer)
    return kind, None if x is None else tuple(bool(v) for v in x)


def _milp_nae(inst, timer):
    A, nneg = _clause_rows(inst.clauses, inst.n_vars)
    w = np.array(inst.widths(), dtype=float)
    # 1 <= #true <= w - 1 ; NAE solutions are closed under complement: fix x_1 = 1
    kind, x = _milp_binary(A, 1.0 - nneg, w - 1.0 - nneg, inst.n_vars, timer, fix_first=1)
    return kind, None if x is None else tuple(bool(v) for v in x)


def _milp_set_splitting(inst, timer):
    I = inst.incidence().astype(float)
    sizes = I.sum(axis=1)
    kind, x = _milp_binary(I, np.ones(len(sizes)), sizes - 1.0, inst.n, timer, fix_first=0)
    return kind, None if x is None else tuple(int(v) for v in x)


def _milp_partition(inst, timer):
    a = np.array(inst.values, dtype=float)
    n = len(a)
    A = (2.0 * a)[None, :]
    total = float(sum(inst.values))
    kind, x = _milp_binary(A, np.array([total]), np.array([total]), n, timer, fix_first=1)
    return kind, None if x is None else tuple(1 if v else -1 for v in x)


def _milp_coloring(inst, timer):
    nodes = inst.nodes
    k = inst.k
    index = {v: i for i, v in enumerate(nodes)}
    n = len(nodes) * k
    rows, lo, hi = [], [], []
    for i in range(len(nodes)):
        r = np.zeros(n)
        r[i * k:(i + 1) * k] = 1.0
        rows.append(r)
        lo.append(1.0)
        hi.append(1.0)
    for u, v in inst.edges:
        for c in range(k):
            r = np.zeros(n)
            r[index[u] * k + c] += 1.0
            r[index[v] * k + c] += 1.0
            rows.append(r)
            lo.append(-np.inf)
            hi.append(1.0)
    A = np.array(rows) if rows else np.zeros((0, n))
    col_lo, col_hi = np.zeros(n), np.ones(n)
    if nodes:
        col_lo[0] = 1.0  # colour symmetry: the first node gets colour 0
    status, x = highs_milp(np.zeros(n), sp.csr_matrix(A), np.array(lo), np.array(hi), col_lo, col_hi,
                           np.ones(n, bool), timer.remaining())
    kind = milp_answer(status, x)
    if x is None:
        return kind, None
    X = np.round(x).reshape(len(nodes), k) if nodes else np.zeros((0, k))
    return kind, {v: int(np.argmax(X[i])) for i, v in enumerate(nodes)}


_MILP = {
    "cnf": _milp_cnf,
    "nae_sat": _milp_nae,
    "set_splitting": _milp_set_splitting,
    "partition": _milp_partition,
    "coloring": _milp_coloring,
    "separability": _milp_separability,
}


def milp_decide(inst: Problem, timer: Timer) -> tuple[str, Any, str]:
    """Solve the MILP model of ``inst`` with HiGHS.

    Parameters
    ----------
    inst : Problem
        A ``cnf``, ``nae_sat``, ``set_splitting``, ``partition``, ``coloring`` or ``separability``
        instance (ValueError when its dense model exceeds :data:`MAX_MILP_ENTRIES` entries).
    timer : Timer
        The run's budget (passed to HiGHS as its time limit).

    Returns
    -------
    kind : str
        From :func:`reductions.deciders.highs_models.milp_answer` (``"infeasible"`` only on
        HiGHS's proof).
    witness : object or None
        The rounded solution (not yet checked).
    status : str
        A status text.

    Raises
    ------
    ValueError
        When the dense model exceeds :data:`MAX_MILP_ENTRIES` entries.
    """
    if milp_entries(inst) > MAX_MILP_ENTRIES:
        raise ValueError(f"instance: too large for the dense MILP model ({inst.size()}; limit "
                         f"{MAX_MILP_ENTRIES:.0e} matrix entries)")
    kind, witness = _MILP[inst.PROBLEM](inst, timer)
    status = f"milp (HiGHS): {kind}"
    if inst.PROBLEM == "separability":
        P, Q, L = integer_points(inst)
        status += f" (box bound B = {separability_box_bound(P, Q):.6g} on data scaled by {L})"
    return kind, witness, status
