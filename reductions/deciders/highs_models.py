"""HiGHS models of the exact deciders: one MILP entry point and the margin-1 separation LP.

Shared by :mod:`reductions.deciders.source` and :mod:`reductions.deciders.bm_program`; HiGHS itself runs through
:func:`recovery.programs.solvers.highs_util.highs_solve`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recovery.programs.solvers.highs_util import highs_solve

__all__ = ["highs_milp", "milp_answer", "sep_lp"]


# ------------------------------------------------------------------------------------------------
def highs_milp(
    c: np.ndarray,
    A: sp.spmatrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    integer: np.ndarray,
    time_limit: float | None = None,
) -> tuple[str, np.ndarray | None]:
    """Minimise c.x s.t. row_lo <= A x <= row_hi, col_lo <= x <= col_hi, x_k integer where
    ``integer[k]``; HiGHS with its default tolerances (feasible points are re-checked exactly by
    the callers).  Returns (HiGHS's status text, x or None).

    Runs through :func:`recovery.programs.solvers.highs_util.highs_solve`, the one place that decides when
    HiGHS's "infeasible" counts: only when a second run with presolve off agrees; otherwise the
    second run's status (and its point, if any) is returned."""
    A = sp.csc_matrix(A, dtype=float)
    if A.shape[1] == 0:
        # HiGHS reports "Empty" (no proof either way) for a model without columns: decide it here;
        # every row is 0, so the model is feasible iff row_lo <= 0 <= row_hi
        ok = bool(np.all(np.asarray(row_lo) <= 0.0) and np.all(np.asarray(row_hi) >= 0.0))
        return ("Optimal", np.zeros(0)) if ok else ("Infeasible", None)
    out = highs_solve(c, A, row_lo, row_hi, col_lo, col_hi, integer, time_limit, seed=0, tight=False)
    return out.status_name, out.x


#: HiGHS model statuses that prove infeasibility of a ZERO-objective model: with c = 0 the
#: problem cannot be unbounded, so "infeasible or unbounded" means infeasible.  Only these exact
#: strings count; anything else ("Model error", "Solve error", "Time limit reached", "Unknown",
#: ...) proves nothing and must never become answer False.
_HIGHS_INFEASIBLE = ("Infeasible", "Primal infeasible or unbounded")


def milp_answer(status: str, x: np.ndarray | None) -> str:
    """Map a HiGHS model status of a zero-objective model (every caller in this module passes
    ``c = np.zeros(n)``) to "infeasible" / "optimal" / "feasible" / "unknown"."""
    if status in _HIGHS_INFEASIBLE:
        return "infeasible"
    if x is not None and status == "Optimal":
        return "optimal"
    if x is not None:
        return "feasible"
    return "unknown"


def sep_lp(P: np.ndarray, Qs: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(w, g) with p.w - g >= 1 on P and q.w - g <= -1 on Qs (margin-1 LP, HiGHS), or None if
    infeasible."""
    dim = P.shape[1] if P.size else Qs.shape[1]
    if Qs.shape[0] == 0:
        return np.zeros(dim), -1.0
    # variables (w, g); rows: -p.w + g <= -1 ; q.w - g <= -1
    A = np.vstack([np.hstack([-P, np.ones((P.shape[0], 1))]), np.hstack([Qs, -np.ones((Qs.shape[0], 1))])])
    free = np.full(dim + 1, np.inf)
    status, x = highs_milp(np.zeros(dim + 1), sp.csr_matrix(A), np.full(A.shape[0], -np.inf),
                           -np.ones(A.shape[0]), -free, free, np.zeros(dim + 1, dtype=bool))
    kind = milp_answer(status, x)
    if kind == "infeasible":
        return None
    if x is None:
        raise RuntimeError(f"separability LP failed: HiGHS status {status}")
    return x[:dim], float(x[dim])
