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
    """Minimise ``c.x`` s.t. ``row_lo <= A x <= row_hi``, ``col_lo <= x <= col_hi``, ``x_k`` integer.

    HiGHS with its default tolerances (feasible points are re-checked exactly by the callers).
    Runs through :func:`recovery.programs.solvers.highs_util.highs_solve`, the one place that
    decides when HiGHS's "infeasible" counts: only when a second run with presolve off agrees;
    otherwise the second run's status (and its point, if any) is returned.  A model without
    columns is decided here (feasible iff ``row_lo <= 0 <= row_hi``), since HiGHS reports "Empty"
    for it.

    Parameters
    ----------
    c : numpy.ndarray
        Costs, shape (n,).
    A : scipy.sparse.spmatrix
        Row matrix, shape (m, n).
    row_lo, row_hi : numpy.ndarray
        Row bounds, shape (m,); infinite entries allowed.
    col_lo, col_hi : numpy.ndarray
        Column bounds, shape (n,); infinite entries allowed.
    integer : numpy.ndarray
        Bool, shape (n,): ``integer[k]`` makes ``x_k`` integer.
    time_limit : float or None, optional
        Seconds, or None for no limit.

    Returns
    -------
    status : str
        HiGHS's model status text (e.g. ``"Optimal"``, ``"Infeasible"``).
    x : numpy.ndarray or None
        The point, shape (n,), or None.
    """
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
    """Map a HiGHS model status of a zero-objective model to a kind of answer.

    Every caller passes ``c = np.zeros(n)``: such a model cannot be unbounded, so "infeasible or
    unbounded" means infeasible.  Only the exact statuses ``"Infeasible"`` and ``"Primal infeasible
    or unbounded"`` prove infeasibility.

    Parameters
    ----------
    status : str
        HiGHS's model status text, as returned by :func:`highs_milp`.
    x : numpy.ndarray or None
        The point returned with it.

    Returns
    -------
    str
        ``"infeasible"``, ``"optimal"`` (status ``"Optimal"`` with a point), ``"feasible"`` (a point
        with another status) or ``"unknown"``.
    """
    if status in _HIGHS_INFEASIBLE:
        return "infeasible"
    if x is not None and status == "Optimal":
        return "optimal"
    if x is not None:
        return "feasible"
    return "unknown"


def sep_lp(P: np.ndarray, Qs: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The margin-1 separation LP: a plane ``(w, g)`` with P on one side and Qs on the other.

    Finds ``(w, g)`` with ``p.w - g >= 1`` for every row p of ``P`` and ``q.w - g <= -1`` for every
    row q of ``Qs`` (HiGHS through :func:`highs_milp`).

    Parameters
    ----------
    P : numpy.ndarray
        Inside points, shape (m, n).
    Qs : numpy.ndarray
        Outside points to cut off, shape (k, n); with k = 0 the answer is ``(0, -1)``.

    Returns
    -------
    tuple of (numpy.ndarray, float) or None
        ``(w, g)`` with ``w`` of shape (n,), or None if the LP is infeasible.

    Raises
    ------
    RuntimeError
        When HiGHS returns neither a point nor a proof of infeasibility.
    """
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
