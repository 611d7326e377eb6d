"""Exact deciders for the source problems: brute force, a HiGHS MILP, a SAT solver (PySAT) and,
for separability, SCIP with indicator constraints.

``decide(instance, method="milp" | "brute" | "sat" | "scip", time_limit=None) -> Decision``.

=============  ===================================== ============================= =========================
problem        brute                                 milp (HiGHS via highspy)      sat (PySAT) / scip
=============  ===================================== ============================= =========================
cnf            all 2^n assignments, vectorised       x in {0,1}^n, one row/clause  sat: the clauses
nae_sat        all 2^n assignments                   1 <= #true <= w - 1 / clause  sat: C and its complement
set_splitting  all 2^n sides                         1 <= #side-1 <= |c| - 1       sat: NAE over elements
partition      all 2^(n-1) sign vectors (s_1 = +1)   sum 2 a_i y_i = sum a_i       --
coloring       exhaustive backtracking (DSatur)      one-hot x_{v,c}, edge rows    sat: one-hot CNF
separability   all 2^(|Q|-1) splits, two margin-1    binary per outside point,     scip: indicator
               LPs each (|Q| <= MAX_BRUTE_OUTSIDE)   big-M from a Cramer bound     constraints, no big-M
=============  ===================================== ============================= =========================

``bm_program`` goes to :func:`reductions.deciders.bm_program.decide_bm` ("milp", "alternating", "scip");
``lsa_program`` to ``recovery.programs.solvers.solve`` (method = solver name; "milp" means "highs-milp").

Which method to pick.  For CNF, NAE-SAT, set splitting and colouring, ``"sat"`` (CaDiCaL 1.9.5
through PySAT, :mod:`reductions.deciders.sat`) is what a user would run and is the method to time in
source-level benchmark comparisons; the ``decide`` default stays ``"milp"`` (callers rely on it)
and ``"brute"`` is the independent cross-check for small instances.  For separability,
``"scip"`` (:mod:`reductions.deciders.separability_scip`) is the decider for anything beyond the brute
force limit of ``MAX_BRUTE_OUTSIDE`` = 16 outside points; the big-M ``"milp"`` is kept as a
cross-check (its M grows like the Hadamard bound below, 1e13 and beyond at 20 dimensions, and
HiGHS then often stops without an answer).

Proof levels (``Decision.proof``, :data:`PROOF_LEVELS`):

* ``"exact"`` -- a YES whose witness passed the problem's exact ``check`` (rational/Boolean
  arithmetic), or a NO by exhaustive enumeration (brute force over assignments, sign vectors or
  colourings) or by definition (a CNF with an empty clause);
* ``"solver proof"`` -- a NO resting on a floating-point or SAT solver's claim of infeasibility:
  HiGHS MILP infeasible *and* confirmed by its presolve-off rerun, SCIP status "infeasible", a SAT
  solver's UNSAT (no DRAT trace is checked), a split enumeration whose margin-1 LPs HiGHS
  declared infeasible, or an LSA program refuted by its solver (infeasible, or a proven dual bound
  above the YES value, :mod:`recovery.programs.solvers.answer`);
* ``"none"`` -- no proof: answer None (time limit, unverifiable point, numerical failure).

An ``lsa_program`` YES is ``"exact"``: its point satisfies the program exactly, or (for a program
written by a reduction) maps back to a source witness that passes the source's exact check
(:mod:`reductions.deciders.certify`); a point that satisfies the rows only within tolerance is no YES.

Every witness is re-checked with the problem's exact ``check`` before ``answer=True`` is
returned; a witness failing the check gives ``answer=None`` (status says why).

Separability MILP and its big-M (documented bound).  Scale all points by the common denominator L
(``Separability.integer_scale``; the answer is unchanged), so the data R = [P; Q] are integers.
For a fixed split, side i asks for (w, g) in R^{dim+1} with p.w - g >= 1 (p in P) and
q.w - g <= -1 (q in Q_i).  If this polyhedron is non-empty it has a minimal face
{x : A_I x = b_I}, and that face contains a basic solution: r = rank(A_I) independent rows,
a non-singular r x r submatrix M of [R | -1] restricted to them, the other variables 0, and by
Cramer's rule x_k = det(M_k) / det(M) with M_k = M with one column replaced by the right-hand
side (entries +-1).  det(M) is a non-zero integer, so |x_k| <= |det(M_k)| and by Hadamard's
inequality

    |det(M_k)| <= min( sqrt(N) * prod_{t} max(1, ||R[:, t]||_2) * max(1, sqrt(N)),      (columns)
                       prod of the dim+1 largest max(1, sqrt(||r||^2 + 2)) over rows r ) (rows)

with N = |P| + |Q|.  Hence a box |w_t|, |g| <= B with B = ceil of that bound loses no YES
instance, and then every |q.w_i - g_i + 1| <= B (||q||_1 + 1) + 1 =: M_q, a valid big-M for
the disjunction "q.w_1 <= g_1 - 1 or q.w_2 <= g_2 - 1".  (tests/test_source_solvers.py checks
the MILP against split enumeration exhaustively on small instances.)
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sp

from reductions.problems.base import Problem
from reductions.deciders.bm_program import decide_bm
from reductions.deciders.decision import PROOF_LEVELS, Decision  # noqa: F401 (re-exported: reductions.deciders.source.Decision)
from reductions.deciders.highs_models import highs_milp, milp_answer as _milp_answer, sep_lp as _sep_lp

__all__ = ["decide", "METHODS", "METHOD_PROBLEMS", "separability_box_bound",
           "highs_milp"]

METHODS = ("milp", "brute", "sat", "scip")
#: problems each source method supports (``decide`` raises ValueError naming ``method`` otherwise)
METHOD_PROBLEMS = {
    "milp": ("cnf", "nae_sat", "set_splitting", "partition", "coloring", "separability"),
    "brute": ("cnf", "nae_sat", "set_splitting", "partition", "coloring", "separability"),
    "sat": ("cnf", "nae_sat", "set_splitting", "coloring"),
    "scip": ("separability",),
}
#: brute-force size limits (the enumeration is exponential); larger separability instances are
#: decided by method "scip" (indicator constraints, no limit on the number of outside points)
MAX_BRUTE_VARS = 24
MAX_BRUTE_OUTSIDE = 16
#: MILP size limit: the models are built as dense rows, so a DIMACS header "p cnf 100000000 1"
#: would allocate gigabytes before HiGHS starts
MAX_MILP_ENTRIES = 10**7


def _milp_entries(instance: Problem) -> int:
    """Dense entries (rows x columns) of the MILP model built for ``instance``."""
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


class _Timer:
    def __init__(self, time_limit: float | None) -> None:
        self.t0 = time.perf_counter()
        self.limit = time_limit

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def expired(self) -> bool:
        return self.limit is not None and self.elapsed() > self.limit

    def remaining(self) -> float | None:
        return None if self.limit is None else max(1e-3, self.limit - self.elapsed())


# ------------------------------------------------------------------------------------------------
# brute force helpers
# ------------------------------------------------------------------------------------------------
def _bits(n: int, start: int, stop: int) -> np.ndarray:
    """Rows = binary expansions of start..stop-1 (bit j -> column j), bool."""
    idx = np.arange(start, stop, dtype=np.int64)
    return ((idx[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def _enumerate(n: int, accept, timer: _Timer, chunk: int = 1 << 15):
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
# separability
# ------------------------------------------------------------------------------------------------
def _integer_points(inst) -> tuple[np.ndarray, np.ndarray, int]:
    """P, Q scaled by the common denominator L to integer float arrays (exactly representable
    for moderate sizes), and L."""
    L = inst.integer_scale()
    P = np.array([[int(c * L) for c in p] for p in inst.inside], dtype=float).reshape(-1, inst.dim)
    Q = np.array([[int(c * L) for c in q] for q in inst.outside], dtype=float).reshape(-1, inst.dim)
    return P, Q, L


def separability_box_bound(P: np.ndarray, Q: np.ndarray) -> float:
    """The Cramer/Hadamard bound B of the module docstring (integer data P, Q): if side i of a
    split is strictly separable, it is with margin 1 and |w_t|, |g| <= B."""
    R = np.vstack([P, Q])
    N, dim = R.shape
    if N == 0:
        return 1.0
    col = N * float(np.prod(np.maximum(1.0, np.linalg.norm(R, axis=0))))
    rows = np.sort(np.maximum(1.0, np.sqrt((R**2).sum(axis=1) + 2.0)))[::-1][: dim + 1]
    row = float(np.prod(rows))
    return math.ceil(min(col, row)) + 1.0


def _sep_witness_exact(inst, L: int, side1, side2):
    """Exact (w1, g1, w2, g2) of the original (unscaled) instance from LP solutions of the scaled
    one: planes x.w = g on L x become x.w = g / L."""
    (w1, g1), (w2, g2) = side1, side2
    return (
        tuple(Fraction(float(v)) for v in w1),
        Fraction(float(g1)) / L,
        tuple(Fraction(float(v)) for v in w2),
        Fraction(float(g2)) / L,
    )


def _sep_lp_scipy(P: np.ndarray, Qs: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The margin-1 LP of :func:`_sep_lp` through ``scipy.optimize.linprog`` (a code path
    independent of :func:`highs_milp` / :func:`_milp_answer`, so that the two separability
    deciders share no helper).  None only on scipy's proof of infeasibility (status 2 with the
    "The problem is infeasible" message; other HiGHS failures raise)."""
    from scipy.optimize import linprog

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
    # re-checked exactly on the rational points) -- deliberately not _integer_points/highs_milp
    P = np.array([[float(c) for c in p] for p in inst.inside], dtype=float).reshape(-1, inst.dim)
    Q = np.array([[float(c) for c in q] for q in inst.outside], dtype=float).reshape(-1, inst.dim)
    L = 1
    nq = Q.shape[0]
    if nq > MAX_BRUTE_OUTSIDE:
        raise ValueError(f"brute force: {nq} outside points exceed the limit {MAX_BRUTE_OUTSIDE}; "
                         "use method='scip' (or the big-M 'milp')")
    if nq == 0:
        return (tuple([Fraction(0)] * inst.dim), Fraction(-1), tuple([Fraction(0)] * inst.dim), Fraction(-1)), 0
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
        return _sep_witness_exact(inst, L, s1, s2), n_lp[0]
    return None, n_lp[0]


def _milp_separability(inst, timer):
    P, Q, L = _integer_points(inst)
    dim = inst.dim
    nQ = Q.shape[0]
    if nQ == 0:
        return "optimal", (tuple([Fraction(0)] * dim), Fraction(-1), tuple([Fraction(0)] * dim), Fraction(-1))
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
    kind = _milp_answer(status, x)
    if x is None:
        return kind, None
    y = np.round(x[oy:]).astype(bool)
    w1, g1, w2, g2 = x[o1:o1 + dim], x[o1 + dim], x[o2:o2 + dim], x[o2 + dim]
    cand = _sep_witness_exact(inst, L, (w1, g1), (w2, g2))
    if inst.check(cand):
        return kind, cand
    # the MILP point may sit on a tolerance boundary: re-solve the two LPs of its split
    s1, s2 = _sep_lp(P, Q[y]), _sep_lp(P, Q[~y])
    if s1 is None or s2 is None:
        return "unverified", None
    return kind, _sep_witness_exact(inst, L, s1, s2)


# ------------------------------------------------------------------------------------------------
# MILPs of the discrete problems
# ------------------------------------------------------------------------------------------------
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
    return _milp_answer(status, x), (None if x is None else np.round(x).astype(int))


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
    kind = _milp_answer(status, x)
    if x is None:
        return kind, None
    X = np.round(x).reshape(len(nodes), k) if nodes else np.zeros((0, k))
    return kind, {v: int(np.argmax(X[i])) for i, v in enumerate(nodes)}


_BRUTE = {
    "cnf": _brute_cnf,
    "nae_sat": _brute_nae,
    "set_splitting": _brute_set_splitting,
    "partition": _brute_partition,
    "coloring": _brute_coloring,
}
_MILP = {
    "cnf": _milp_cnf,
    "nae_sat": _milp_nae,
    "set_splitting": _milp_set_splitting,
    "partition": _milp_partition,
    "coloring": _milp_coloring,
    "separability": _milp_separability,
}


def _finish(inst: Problem, method: str, kind: str, witness: Any, timer: _Timer, status: str,
            no_proof: str = "solver proof") -> "Decision":
    """The Decision of a finished method run.

    A witness counts only if it passes ``inst.check`` (then answer True, proof "exact"; else
    answer None).  Without a witness, ``kind == "infeasible"`` is the method's refutation: answer
    False with proof level ``no_proof`` ("exact" for exhaustive enumerations, "solver proof" for
    a solver's infeasibility claim); any other kind is unknown (proof "none")."""
    wall = timer.elapsed()
    if witness is not None:
        if inst.check(witness):
            return Decision(True, witness, status, wall, method, proof="exact")
        return Decision(None, None, status + "; witness failed the exact check", wall, method)
    if kind == "infeasible":
        return Decision(False, None, status, wall, method, proof=no_proof)
    return Decision(None, None, status, wall, method)


def _sat_decide(inst: Problem, timer: _Timer) -> "Decision":
    """Method "sat": the CNF encoding of :mod:`reductions.deciders.sat` through PySAT."""
    from reductions.deciders.sat import decode, encode, solve_clauses

    n_vars, clauses, info = encode(inst)
    kind, model, text = solve_clauses(n_vars, clauses, timer.remaining())
    status = f"sat ({text}; {n_vars} variables, {len(clauses)} clauses)"
    if kind == "sat":
        return _finish(inst, "sat", "feasible", decode(inst, model, info), timer, status)
    if kind == "empty clause":  # unsatisfiable by definition
        return _finish(inst, "sat", "infeasible", None, timer, status, no_proof="exact")
    return _finish(inst, "sat", "infeasible" if kind == "unsat" else "unknown", None, timer, status)


def _scip_separability(inst, timer: _Timer) -> tuple[str, Any, str]:
    """Method "scip" for separability: SCIP's split (indicator model of
    :mod:`reductions.deciders.separability_scip`) -> the two margin-1 LPs of that split (HiGHS,
    :func:`_sep_lp`) -> exact planes.  Returns (kind, witness or None, SCIP's status text)."""
    from reductions.deciders.separability_scip import scip_split

    P, Q, L = _integer_points(inst)
    if Q.shape[0] == 0:
        zero = tuple([Fraction(0)] * inst.dim)
        return "feasible", (zero, Fraction(-1), zero, Fraction(-1)), "no outside point"
    kind, split, text = scip_split(P, Q, timer.remaining())
    if split is None:
        return kind, None, text
    s1, s2 = _sep_lp(P, Q[split]), _sep_lp(P, Q[~split])
    if s1 is None or s2 is None:
        return "unverified", None, text + "; a margin-1 LP of SCIP's split is infeasible (tolerance point)"
    return kind, _sep_witness_exact(inst, L, s1, s2), text + "; split re-solved by two margin-1 LPs"


def _decide_lsa(inst, method: str, time_limit: float | None) -> Decision:
    """Solve the program and keep only what the run proves (:func:`reductions.deciders.certify.answer_for_program`):
    YES with a point certified exactly (at the program's source when it has provenance), NO
    with the solver's proof (infeasibility, or a proven dual bound above the YES value)."""
    from recovery.programs.solvers import solve

    from reductions.deciders.certify import answer_for_program

    solver = "highs-milp" if method == "milp" else method
    t0 = time.perf_counter()
    res = solve(inst.program, solver=solver, time_limit=60.0 if time_limit is None else time_limit)
    ans = answer_for_program(inst.program, res)
    wall = time.perf_counter() - t0
    status = f"{solver}: {res.status}" + (f" ({res.proof})" if res.proof else "") + f"; {ans.reason}"
    if ans.answer == "yes":
        witness = (res.b, res.A)
        if inst.check(witness):
            return Decision(True, witness, status, wall, solver, proof="exact")
        return Decision(None, None, status + "; the point fails the program's own check", wall, solver)
    if ans.answer == "no":
        return Decision(False, None, status, wall, solver, proof=ans.proof)
    return Decision(None, None, status, wall, solver)


def decide(instance: Problem, method: str = "milp", time_limit: float | None = None) -> Decision:
    """Decide ``instance`` exactly with ``method``.

    Parameters
    ----------
    instance : Problem
        Any source problem, a ``bm_program`` or an ``lsa_program``.
    method : str
        One of :data:`METHODS` for the source problems (:data:`METHOD_PROBLEMS` says which
        problems each supports): ``"milp"`` (HiGHS, the default -- kept for the callers that rely
        on it), ``"brute"`` (enumeration, small instances), ``"sat"`` (PySAT's CaDiCaL on a CNF
        encoding; the natural choice for cnf, nae_sat, set_splitting and coloring) or ``"scip"``
        (separability by SCIP indicator constraints; the decider beyond ``MAX_BRUTE_OUTSIDE``
        outside points).  For ``lsa_program`` any ``recovery.programs.solvers`` name; for ``bm_program``
        whatever :func:`reductions.deciders.bm_program.decide_bm` supports.
    time_limit : float or None
        Seconds (None = no limit); on expiry ``answer`` is None.

    Returns
    -------
    Decision
        ``answer`` True only with a witness that passed ``instance.check``; ``proof`` says what
        proves the answer (:data:`PROOF_LEVELS`).

    Examples
    --------
    >>> from reductions import CNF, decide
    >>> d = decide(CNF(n_vars=2, clauses=((1,), (-1,))), "sat")
    >>> d.answer, d.proof
    (False, 'solver proof')
    >>> d = decide(CNF(n_vars=2, clauses=((1, 2), (-1,))), "sat")
    >>> d.answer, d.proof, d.witness
    (True, 'exact', (False, True))
    """
    if not isinstance(instance, Problem):
        raise TypeError(f"instance: expected a reductions Problem, got {type(instance).__name__}")
    if time_limit is not None:
        if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not time_limit > 0:
            raise ValueError(f"time_limit: expected a positive number of seconds, got {time_limit!r}")
        time_limit = float(time_limit)
    name = instance.PROBLEM
    if name == "lsa_program":
        return _decide_lsa(instance, method, time_limit)
    if name == "bm_program":
        return decide_bm(instance, method, time_limit)
    if method not in METHODS:
        raise ValueError(f"method: expected one of {METHODS} for {name}, got {method!r}")
    if name not in METHOD_PROBLEMS[method]:
        raise ValueError(f"method: {method!r} does not decide {name} (it supports {METHOD_PROBLEMS[method]})")
    timer = _Timer(time_limit)
    if method == "brute":
        try:
            if name == "separability":
                witness, n_lp = _brute_separability(instance, timer)
                status = f"brute: enumerated splits ({n_lp} LPs)"
            else:
                witness = _BRUTE[name](instance, timer)
                status = "brute: exhaustive enumeration"
        except TimeoutError:
            return Decision(None, None, "brute: time limit reached", timer.elapsed(), method)
        except (RuntimeError, OverflowError) as exc:
            # e.g. coordinates beyond float range: HiGHS "Model error" -- proves nothing
            return Decision(None, None, f"brute: numerical failure ({exc})", timer.elapsed(), method)
        # the split enumeration's NO rests on HiGHS's LP infeasibility claims; the others are
        # exhaustive over a finite set of candidate solutions
        return _finish(instance, method, "infeasible" if witness is None else "feasible", witness, timer,
                       status + (": no solution" if witness is None else ": solution found"),
                       no_proof="solver proof" if name == "separability" else "exact")
    if method == "sat":
        return _sat_decide(instance, timer)
    if method == "scip":
        try:
            kind, witness, text = _scip_separability(instance, timer)
        except (RuntimeError, OverflowError) as exc:
            return Decision(None, None, f"scip (indicator): numerical failure ({exc})", timer.elapsed(), method)
        return _finish(instance, method, kind, witness, timer, f"scip (indicator): {kind} ({text})")
    if _milp_entries(instance) > MAX_MILP_ENTRIES:
        raise ValueError(f"instance: too large for the dense MILP model ({instance.size()}; limit "
                         f"{MAX_MILP_ENTRIES:.0e} matrix entries)")
    try:
        kind, witness = _MILP[name](instance, timer)
    except (RuntimeError, OverflowError) as exc:
        return Decision(None, None, f"milp (HiGHS): numerical failure ({exc})", timer.elapsed(), method)
    status = f"milp (HiGHS): {kind}"
    if name == "separability":
        P, Q, L = _integer_points(instance)
        status += f" (box bound B = {separability_box_bound(P, Q):.6g} on data scaled by {L})"
    return _finish(instance, method, kind, witness, timer, status)
