"""Independent verification of a claimed solution (b, A) of a :class:`BilinearProgram`.

Never trust a solver: every point is re-checked here in **exact rational arithmetic**.  Each
float entry of b and A is converted exactly with ``Fraction(float)`` (every finite double is a
dyadic rational), program data are used as stored (ints, Fractions, or floats converted exactly),
and every row value ``b^T D A[:, j] = sum value * b[row] * A[col, j]`` is an exact Fraction.

Tolerance (absolute, scaled): with ``s(t) = max(1, |t|)``

* row ``lhs == rhs``: violation ``|lhs - rhs| / s(rhs)``; ``<=``: ``max(0, lhs - rhs) / s(rhs)``;
  ``>=``: ``max(0, rhs - lhs) / s(rhs)``;
* bound ``lo <= x <= hi``: ``max(0, lo - x) / s(lo)`` and ``max(0, x - hi) / s(hi)`` (a fixed
  variable, lo == hi, is a bound like any other).

The point is accepted (``ok``) iff every scaled violation is ``<= tol`` (default 1e-6, i.e. an
absolute tolerance of 1e-6 for data of magnitude <= 1 and a relative one beyond).  The
comparison with ``tol`` is exact (``tol`` converted with ``Fraction``); ``max_violation`` is the
largest scaled violation rounded to float.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.program import BilinearProgram, parse_variable_name

__all__ = ["Verification", "verify"]


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify`.

    ``ok``: all scaled violations <= tol; ``max_violation``: largest scaled violation (float,
    ``inf`` for non-finite points); ``objective``: exact objective value rounded to float (None
    without objective or for non-finite points); ``violations``: ``(label, scaled violation)``
    for every check that exceeds ``tol``, labels like ``"row 3 (==)"`` or ``"bound b[0] lo"``.
    """

    ok: bool
    max_violation: float
    objective: float | None
    violations: tuple[tuple[str, float], ...]
    tol: float = 1e-6

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "max_violation": self.max_violation,
            "objective": self.objective,
            "violations": [[lab, v] for lab, v in self.violations],
            "tol": self.tol,
        }


def _exact(x: Any) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(x)


def verify(program: BilinearProgram, b: Any, A: Any, tol: float = 1e-6) -> Verification:
    """Check ``(b, A)`` (shapes (d+1,) and (d+1, d)) against ``program`` exactly; see module doc."""
    if not isinstance(program, BilinearProgram):
        raise TypeError(f"program must be a BilinearProgram, got {type(program).__name__}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not math.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    d = program.d
    b = np.asarray(b, dtype=np.float64)
    A = np.asarray(A, dtype=np.float64)
    if b.shape != (d + 1,):
        raise ValueError(f"b must have shape ({d + 1},), got {b.shape}")
    if A.shape != (d + 1, d):
        raise ValueError(f"A must have shape ({d + 1}, {d}), got {A.shape}")
    if not (np.all(np.isfinite(b)) and np.all(np.isfinite(A))):
        return Verification(False, math.inf, None, (("non-finite entries in b or A", math.inf),), tol)

    bq = [Fraction(float(x)) for x in b]
    Aq = [[Fraction(float(x)) for x in row] for row in A]
    ftol = Fraction(tol)
    worst = Fraction(0)
    bad: list[tuple[str, float]] = []

    def record(label: str, viol: Fraction) -> None:
        nonlocal worst
        if viol > worst:
            worst = viol
        if viol > ftol:
            bad.append((label, float(viol)))

    for r, row in enumerate(program.constraints):
        lhs = sum((_exact(w) * bq[u] * Aq[v][row.j] for u, v, w in row.D), Fraction(0))
        rhs = _exact(row.rhs)
        scale = max(Fraction(1), abs(rhs))
        if row.sense == "==":
            viol = abs(lhs - rhs)
        elif row.sense == "<=":
            viol = max(Fraction(0), lhs - rhs)
        else:
            viol = max(Fraction(0), rhs - lhs)
        record(f"row {r} ({row.sense})", viol / scale)

    # Bounds: Python compares a float with an int, float or Fraction exactly, so only the
    # violated bounds need rational arithmetic (a satisfied bound contributes violation 0). This
    # keeps the check exact while making it fast for reduction outputs with ~1e5 fixed entries.
    names = program.variable_names()
    where = dict(zip(names, range(len(names))))
    xs = b.tolist() + A.reshape(-1, order="F").tolist()
    for name, (lo, hi) in program.bounds.items():
        k = where.get(name)
        if k is None:  # a non-canonical spelling: parse it
            kind, i, j = parse_variable_name(name)
            x = float(b[i]) if kind == "b" else float(A[i, j])
        else:
            x = xs[k]
        if lo is not None and x < lo:
            lo_q = _exact(lo)
            record(f"bound {name} lo", (lo_q - Fraction(x)) / max(Fraction(1), abs(lo_q)))
        if hi is not None and x > hi:
            hi_q = _exact(hi)
            record(f"bound {name} hi", (Fraction(x) - hi_q) / max(Fraction(1), abs(hi_q)))

    objective = None
    if program.objective is not None:
        o = program.objective
        val = sum((_exact(w) * bq[u] * Aq[v][o.j] for u, v, w in o.D), Fraction(0)) + _exact(o.constant)
        objective = float(val)

    return Verification(not bad, float(worst), objective, tuple(bad), float(tol))
