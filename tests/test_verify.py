"""verify(): exact rational re-checking of claimed solutions."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from recovery.phi import phi
from recovery.program import BilinearProgram, BilinearRow, ProgramBuilder
from recovery.verify import verify


def planted(seed: int, d: int = 3):
    rng = np.random.default_rng(seed)
    b, A = rng.normal(size=d + 1), rng.normal(size=(d + 1, d))
    return BilinearProgram.from_phi(phi(b, A), d), b, A


def test_planted_point_verifies_and_corruption_is_caught():
    p, b, A = planted(0)
    ok = verify(p, b, A)
    assert ok.ok and ok.max_violation < 1e-12 and not ok.violations
    A2 = A.copy()
    A2[1, 2] += 1e-3
    bad = verify(p, b, A2)
    assert not bad.ok and bad.max_violation > 1e-4
    # exactly the rows that involve A[1, 2] (column 2, row 1 of A) are reported
    expect = {r for r, row in enumerate(p.constraints)
              if row.j == 2 and any(v == 1 for _, v, _ in row.D)}
    got = {int(lab.split()[1]) for lab, _ in bad.violations}
    assert got == expect


def test_exact_arithmetic_sees_what_floats_cannot():
    # rhs 1/3 exactly; the float 1/3 differs from it by ~1.85e-17, invisible in float64
    p = BilinearProgram(1, (BilinearRow(0, ((0, 0, 1),), "==", Fraction(1, 3)),))
    b, A = np.array([1.0, 0.0]), np.array([[1 / 3], [0.0]])
    assert p.evaluate_rows(b, A)[0] - float(Fraction(1, 3)) == 0.0
    v = verify(p, b, A, tol=0.0)
    assert not v.ok
    assert v.max_violation == float(abs(Fraction(1 / 3) - Fraction(1, 3)))
    assert verify(p, b, A).ok  # within the default tolerance


def test_tolerance_is_scaled_by_rhs():
    p = BilinearProgram(1, (BilinearRow(0, ((0, 0, 1),), "<=", 1e6),))
    assert verify(p, [1.0, 0.0], [[1e6 + 0.5], [0.0]]).ok          # 0.5 / 1e6 = 5e-7
    v = verify(p, [1.0, 0.0], [[1e6 + 5.0], [0.0]])                  # 5e-6 > 1e-6
    assert not v.ok and v.max_violation == pytest.approx(5e-6)
    q = BilinearProgram(1, (BilinearRow(0, ((0, 0, 1),), ">=", 0.0),))
    assert verify(q, [1.0, 0.0], [[-5e-7], [0.0]]).ok
    assert not verify(q, [1.0, 0.0], [[-2e-6], [0.0]]).ok


def test_bounds_and_objective():
    pb = ProgramBuilder(1)
    pb.fix("b[0]", 2).bound("A[0,0]", 0, 1)
    pb.set_objective(0, [(0, 0, 3)], constant=Fraction(1, 2))
    p = pb.build()
    v = verify(p, [2.0, 7.0], [[0.25], [-3.0]])
    assert v.ok and v.objective == 3 * 2 * 0.25 + 0.5
    v = verify(p, [2.5, 0.0], [[1.5], [0.0]])
    labels = {lab for lab, _ in v.violations}
    assert labels == {"bound b[0] hi", "bound A[0,0] hi"}
    assert v.max_violation == pytest.approx(0.5)


def test_nonfinite_and_shapes():
    p, b, A = planted(1, d=2)
    b2 = b.copy()
    b2[0] = np.nan
    v = verify(p, b2, A)
    assert not v.ok and v.max_violation == float("inf")
    with pytest.raises(ValueError, match="A must have shape"):
        verify(p, b, A.T)
    with pytest.raises(ValueError, match="tol"):
        verify(p, b, A, tol=-1.0)


def test_bounds_are_compared_exactly():
    """Fraction bounds vs float points: the fast path must stay exact (audit)."""
    third = float(Fraction(1, 3))  # 0.333...3148 < 1/3 by ~1.85e-17
    pb = ProgramBuilder(1)
    pb.bound("b[0]", Fraction(1, 3), None).bound("b[1]", None, Fraction(1, 3))
    p = pb.build()
    v = verify(p, [third, third], [[0.0], [0.0]], tol=0.0)
    assert not v.ok and [lab for lab, _ in v.violations] == ["bound b[0] lo"]
    assert v.max_violation == float(Fraction(1, 3) - Fraction(third))
    assert verify(p, [1.0, third], [[0.0], [0.0]], tol=0.0).ok


def _reference_max_violation(p, b, A):
    """Direct rational evaluation of every row and bound (independent of verify's fast paths)."""
    bq = [Fraction(float(x)) for x in b]
    Aq = [[Fraction(float(x)) for x in row] for row in A]
    worst = Fraction(0)
    for row in p.constraints:
        lhs = sum((Fraction(w) * bq[u] * Aq[v][row.j] for u, v, w in row.D), Fraction(0))
        rhs = Fraction(row.rhs)
        diff = {"==": abs(lhs - rhs), "<=": max(Fraction(0), lhs - rhs), ">=": max(Fraction(0), rhs - lhs)}
        worst = max(worst, diff[row.sense] / max(Fraction(1), abs(rhs)))
    for i in range(p.d + 1):
        for name, x in [(f"b[{i}]", bq[i])] + [(f"A[{i},{j}]", Aq[i][j]) for j in range(p.d)]:
            lo, hi = p.bounds.get(name, (None, None))
            if lo is not None:
                worst = max(worst, max(Fraction(0), Fraction(lo) - x) / max(Fraction(1), abs(Fraction(lo))))
            if hi is not None:
                worst = max(worst, max(Fraction(0), x - Fraction(hi)) / max(Fraction(1), abs(Fraction(hi))))
    return worst


def test_verify_matches_a_direct_rational_reference():
    rng = np.random.default_rng(11)
    for _ in range(40):
        d = int(rng.integers(1, 4))
        pb = ProgramBuilder(d)
        for name in BilinearProgram(d, ()).variable_names():
            r = rng.random()
            lo = Fraction(int(rng.integers(-3, 1)), int(rng.integers(1, 4)))
            if r < 0.3:
                pb.bound(name, lo, lo + Fraction(int(rng.integers(0, 3)), 3))
            elif r < 0.45:
                pb.fix(name, float(rng.normal()))
        for _ in range(int(rng.integers(1, 5))):
            cells = {(int(rng.integers(d + 1)), int(rng.integers(d + 1))) for _ in range(2)}
            trip = [(u, v, float(rng.normal())) for u, v in sorted(cells)]
            pb.add_row(int(rng.integers(d)), trip, ["==", "<=", ">="][int(rng.integers(3))],
                       Fraction(int(rng.integers(-5, 6)), 7))
        p = pb.build()
        b, A = rng.normal(size=d + 1), rng.normal(size=(d + 1, d))
        v = verify(p, b, A, tol=0.0)
        ref = _reference_max_violation(p, b, A)
        assert v.max_violation == float(ref) and v.ok == (ref == 0)
