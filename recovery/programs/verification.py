"""Independent verification of a claimed solution (b, A) of a :class:`BilinearProgram`.

Never trust a solver: a point is first **clipped to the program's bounds** (a solver may return
``z = -9e-9`` for a variable with bound ``z >= 0``, inside its own bound tolerance), then every
coordinate is taken as the exact rational value of its double (``Fraction(float)``), and every row
value ``b^T D A[:, j] = sum_t w_t b[u_t] A[v_t, j]`` and the objective are evaluated as exact
Fractions at that clipped point.  Bounds then hold exactly; only the rows carry a tolerance.

Tolerance model (scale-aware, relative to the row's own terms)
-------------------------------------------------------------
For row ``r`` with exact value ``lhs_r`` at the clipped point, let the row's scale be

    s_r = max(1, abs(rhs_r), sum_t abs(w_t b[u_t] A[v_t, j_r]))

(the largest magnitude the row's arithmetic involves).  The scaled violation is
``abs(lhs - rhs) / s_r`` for ``==``, ``max(0, lhs - rhs) / s_r`` for ``<=`` and
``max(0, rhs - lhs) / s_r`` for ``>=``.  The point is accepted (``ok``) iff every scaled violation
is ``<= tol`` (default 1e-6), compared exactly.  ``exact`` is True iff every row holds with no
tolerance at all.  The objective is **never** tolerated: ``objective`` is its exact value at the
clipped point (rounded to float for reporting; ``objective_exact`` keeps the Fraction).

Why clipping matters: with 22 products ``z1_l z2_l`` in the objective, one factor at ``-9e-9``
and the other at ``2.2e8`` give ``-2`` each; the unclipped point had objective ``-6e-6`` while its
clipped twin, which satisfies every row, has objective ``24``.  Any decision built on the
objective must use the clipped value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.programs.program import BilinearProgram

__all__ = ["Verification", "verify", "clip_to_bounds"]


@dataclass(frozen=True, eq=False)
class Verification:
    """Outcome of :func:`verify`.

    Attributes
    ----------
    ok : bool
        Every scaled row violation is ``<= tol`` at the clipped point.
    max_violation : float
        Largest scaled row violation (``inf`` for non-finite points).
    objective : float or None
        Exact objective at the clipped point, rounded to float (None without objective).
    violations : tuple of (str, float)
        ``(label, scaled violation)`` of every row above ``tol``, e.g. ``"row 3 (==)"``.
    tol : float
        The tolerance used.
    exact : bool
        Every row holds exactly (zero residual) at the clipped point.
    clip_distance : float
        ``max abs(x - clip(x))`` over all coordinates: how far the raw point lay outside its bounds.
    b : numpy.ndarray or None
        The clipped b, shape (d+1,), that was verified (None for non-finite input).
    A : numpy.ndarray or None
        The clipped A, shape (d+1, d), that was verified (None for non-finite input).
    objective_exact : Fraction or None
        The exact objective value.
    """

    ok: bool
    max_violation: float
    objective: float | None
    violations: tuple[tuple[str, float], ...]
    tol: float = 1e-6
    exact: bool = False
    clip_distance: float = 0.0
    b: np.ndarray | None = None
    A: np.ndarray | None = None
    objective_exact: Fraction | None = None

    def to_json(self) -> dict:
        """JSON summary (without the point and the exact objective).

        Returns
        -------
        dict
            ``ok``, ``exact``, ``max_violation``, ``objective``, ``violations``, ``tol`` and
            ``clip_distance``.
        """
        return {
            "ok": self.ok,
            "exact": self.exact,
            "max_violation": self.max_violation,
            "objective": self.objective,
            "violations": [[lab, v] for lab, v in self.violations],
            "tol": self.tol,
            "clip_distance": self.clip_distance,
        }


def _exact(x: Any) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(x)


def clip_to_bounds(program: BilinearProgram, b: Any, A: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """``(b, A)`` clipped into the program's bounds (as floats) and the largest distance moved.

    Exact for float and integer bounds; a rational bound that is not a double is met within one
    rounding here, while :func:`verify` clips such coordinates exactly in rational arithmetic.

    Parameters
    ----------
    program : BilinearProgram
        The program.
    b : array_like
        Shape (d+1,).
    A : array_like
        Shape (d+1, d).

    Returns
    -------
    tuple
        ``(b_clipped, A_clipped, distance)``: float64 arrays and the largest coordinate move.
    """
    b_lo, b_hi, A_lo, A_hi = program.bound_arrays()
    b = np.asarray(b, dtype=np.float64)
    A = np.asarray(A, dtype=np.float64)
    bc = np.clip(b, b_lo, b_hi)
    Ac = np.clip(A, A_lo, A_hi)
    moved = max(float(np.max(np.abs(bc - b), initial=0.0)), float(np.max(np.abs(Ac - A), initial=0.0)))
    return bc, Ac, moved


def _check_args(program: Any, tol: Any) -> None:
    if not isinstance(program, BilinearProgram):
        raise TypeError(f"program must be a BilinearProgram, got {type(program).__name__}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not math.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")


def _row_value(D, bq: list[Fraction], Aq_col: list[Fraction]) -> tuple[Fraction, Fraction]:
    """Exact row value and the sum of the absolute values of its terms."""
    value, size = Fraction(0), Fraction(0)
    for u, v, w in D:
        term = _exact(w) * bq[u] * Aq_col[v]
        value += term
        size += abs(term)
    return value, size


def verify(program: BilinearProgram, b: Any, A: Any, tol: float = 1e-6) -> Verification:
    """Check ``(b, A)`` against ``program`` exactly after clipping; see the module docstring.

    The rows are ``b^T D A[:, j] (sense) rhs`` of paper Problems C.10/C.11 (MATH.md section 5),
    evaluated as exact Fractions at the clipped point with the scale-aware tolerance of the module
    docstring; the objective is never tolerated.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    b : array_like
        Shape (d+1,).
    A : array_like
        Shape (d+1, d).
    tol : float
        Scaled row tolerance (>= 0).

    Returns
    -------
    Verification
        The verdict, the violations and the clipped point.

    Raises
    ------
    TypeError
        If ``program`` is not a BilinearProgram.
    ValueError
        For a negative or non-finite ``tol`` or wrong shapes of ``b``/``A``.

    Examples
    --------
    >>> from recovery.programs.program import ProgramBuilder
    >>> pb = ProgramBuilder(1)
    >>> _ = pb.add_row(0, [(0, 0, 1)], "==", 2)
    >>> verify(pb.build(), [1.0, 0.0], [[2.0], [0.0]]).exact
    True
    """
    _check_args(program, tol)
    d = program.d
    b = np.asarray(b, dtype=np.float64)
    A = np.asarray(A, dtype=np.float64)
    if b.shape != (d + 1,):
        raise ValueError(f"b must have shape ({d + 1},), got {b.shape}")
    if A.shape != (d + 1, d):
        raise ValueError(f"A must have shape ({d + 1}, {d}), got {A.shape}")
    if not (np.all(np.isfinite(b)) and np.all(np.isfinite(A))):
        return Verification(False, math.inf, None, (("non-finite entries in b or A", math.inf),), float(tol),
                            clip_distance=math.inf)
    bc, Ac, moved = clip_to_bounds(program, b, A)
    bounds = program.bounds
    raw_b = b.tolist()

    def exact_value(name: str, x: float) -> Fraction:
        # exact clipping: a rational bound may lie between two doubles
        q = Fraction(x)
        lo, hi = bounds.get(name, (None, None))
        if lo is not None and q < lo:
            q = _exact(lo)
        if hi is not None and q > hi:
            q = _exact(hi)
        return q

    bq = [exact_value(f"b[{i}]", x) for i, x in enumerate(raw_b)]
    columns: dict[int, list[Fraction]] = {}

    def column(j: int) -> list[Fraction]:
        if j not in columns:
            columns[j] = [exact_value(f"A[{k},{j}]", x) for k, x in enumerate(A[:, j].tolist())]
        return columns[j]

    ftol = Fraction(tol)
    worst = Fraction(0)
    bad: list[tuple[str, float]] = []
    exact = True
    for r, row in enumerate(program.constraints):
        lhs, size = _row_value(row.D, bq, column(row.j))
        rhs = _exact(row.rhs)
        gap = {"==": abs(lhs - rhs), "<=": max(Fraction(0), lhs - rhs), ">=": max(Fraction(0), rhs - lhs)}[row.sense]
        if gap:
            exact = False
            viol = gap / max(Fraction(1), abs(rhs), size)
            worst = max(worst, viol)
            if viol > ftol:
                bad.append((f"row {r} ({row.sense})", float(viol)))
    objective = objective_exact = None
    if program.objective is not None:
        o = program.objective
        objective_exact = _row_value(o.D, bq, column(o.j))[0] + _exact(o.constant)
        objective = float(objective_exact)
    return Verification(not bad, float(worst), objective, tuple(bad), float(tol), exact, moved, bc, Ac,
                        objective_exact)
