r"""Brute-force cross-check of :func:`recovery.realizability.realize.recover`: SCIP on the bilinear equations.

The system ``phi(b, A) = X`` (paper Problem C.9, ``d m`` bilinear equalities
``b^T D^{(r)} A[:, j(r)] = X_r``) is handed to SCIP through Pyomo (``scip_direct``) as a pure
feasibility problem, independently of the spectral algorithm and of the solver-portfolio code.

Bounding box (needed for a spatial branch-and-bound to *prove* infeasibility), justified by the
gauge ``phi(c b, A/c) = phi(b, A)`` and the sign symmetry ``phi(-b, -A) = phi(b, A)``:

* if ``X = phi(b, A)`` then also ``X = phi(b', A')`` with ``||b'|| = 1`` and ``b'_0 >= 0``, so
  ``b' in [-1, 1]^{d+1}`` with ``b'_0 in [0, 1]``;
* for ``||b|| = 1``: ``||X^{(j)}||^2 >= ||S_j||_F^2 / 4 = (2 ||a_j||^2 + 2 (b.a_j)^2) / 4
  >= ||a_j||^2 / 2``, so ``|A[u, j]| <= ||a_j|| <= sqrt(2) ||X^{(j)}||``.

So the box contains a solution whenever one exists; "infeasible" inside the box is a proof that
``X`` is not realisable (up to SCIP's feasibility tolerance).  ``X`` is scaled to unit norm first.
A found solution is re-checked in float arithmetic (never trust a solver).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from recovery.lsa.reparam import D_pattern, num_pairs, phi
from recovery.validation import as_float_array, check_int, check_real

__all__ = ["ScipRecovery", "recover_scip"]


@contextmanager
def _quiet_pyomo() -> Iterator[None]:
    log = logging.getLogger("pyomo")
    old = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(old)


@dataclass(frozen=True)
class ScipRecovery:
    """Verdict of SCIP on ``phi(b, A) = X`` (paper Problem C.9), the cross-check of :func:`recover`.

    Attributes
    ----------
    status : str
        ``"feasible"``, ``"infeasible"`` (a proof inside the box of the module docstring) or
        ``"unknown"``.
    b : ndarray of shape (d+1,) or None
        When feasible (else ``None``).
    A : ndarray of shape (d+1, d) or None
        When feasible, rescaled to the original ``X`` (else ``None``).
    residual : float
        The re-checked relative residual ``||phi(b, A) - X / ||X|| ||`` of SCIP's point (``nan``
        when there is none).
    seconds : float
        Wall time.
    termination : str
        SCIP's termination condition (as Pyomo reports it).
    """

    status: str
    b: np.ndarray | None
    A: np.ndarray | None
    residual: float
    seconds: float
    termination: str


def recover_scip(X: Any, d: int, *, time_limit: float = 60.0, check_tol: float = 1e-5) -> ScipRecovery:
    """Solve ``phi(b, A) = X`` with SCIP (feasibility, first solution stops the search).

    A brute-force cross-check of :func:`recovery.realizability.realize.recover` (paper Problem
    C.9), independent of the spectral algorithm; needs Pyomo and SCIP.

    Parameters
    ----------
    X : array_like, shape (d m,)
        ``m = (d+1)(d+2)/2``, ordered as in :mod:`recovery.lsa.reparam`.
    d : int
        Chain length minus one, ``d >= 1``.
    time_limit : float, optional
        SCIP time limit in seconds (default 60).
    check_tol : float, optional
        Largest re-checked residual (at unit scale) accepted as feasible (default ``1e-5``).

    Returns
    -------
    ScipRecovery
        The verdict.

    Raises
    ------
    ValueError
        If ``d < 1``, ``X`` has the wrong shape or a non-finite entry, or ``time_limit <= 0``.
    """
    import pyomo.environ as pe
    from pyomo.opt import TerminationCondition as TC

    d = check_int(d, "d", min_value=1)
    m = num_pairs(d)
    X = as_float_array(X, "X", shape=(d * m,))
    time_limit = check_real(time_limit, "time_limit", low=0.0, low_open=True)
    xn = float(np.linalg.norm(X))
    t0 = time.perf_counter()
    if xn == 0.0:
        b = np.eye(d + 1)[0]
        return ScipRecovery("feasible", b, np.zeros((d + 1, d)), 0.0, 0.0, "trivial")
    Xs = X / xn
    bound_a = np.sqrt(2.0) * np.linalg.norm(Xs.reshape(d, m), axis=1) + 1e-9

    M = pe.ConcreteModel()
    M.U = pe.RangeSet(0, d)
    M.J = pe.RangeSet(0, d - 1)
    M.b = pe.Var(M.U, bounds=lambda _, u: (0.0, 1.0) if u == 0 else (-1.0, 1.0))
    M.A = pe.Var(M.U, M.J, bounds=lambda _, u, j: (-float(bound_a[j]), float(bound_a[j])))
    M.eq = pe.ConstraintList()
    for ri, (j, trip) in enumerate(D_pattern(d)):
        M.eq.add(sum(val * M.b[row] * M.A[col, j] for row, col, val in trip) == float(Xs[ri]))
    M.obj = pe.Objective(expr=0.0 * M.b[0])
    solver = pe.SolverFactory("scip_direct")
    # display off: a long SCIP log through Pyomo's capture pipe can deadlock (see recovery.realizability.best)
    res = solver.solve(M, load_solutions=False, options={"limits/time": float(time_limit), "limits/solutions": 1,
                                                         "display/verblevel": 0})
    secs = time.perf_counter() - t0
    tc = res.solver.termination_condition
    if tc == TC.infeasible:
        return ScipRecovery("infeasible", None, None, np.nan, secs, str(tc))
    if len(res.solution) > 0:
        # pyomo logs a WARNING (to stdout) when loading the incumbent of an aborted (time-limit) run
        with _quiet_pyomo():
            M.solutions.load_from(res)
        b = np.array([pe.value(M.b[u]) for u in range(d + 1)], dtype=float)
        A = np.array([[pe.value(M.A[u, j]) for j in range(d)] for u in range(d + 1)], dtype=float)
        r = float(np.linalg.norm(phi(b, A) - Xs))
        if r <= check_tol:
            return ScipRecovery("feasible", b, A * xn, r, secs, str(tc))
        return ScipRecovery("unknown", None, None, r, secs, f"{tc} (solution failed re-check)")
    return ScipRecovery("unknown", None, None, np.nan, secs, str(tc))
