"""verify(): exact rational re-checking of claimed solutions."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.reparam import phi
from recovery.programs.program import BilinearProgram, BilinearRow, ProgramBuilder
from recovery.programs.verification import verify


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


def test_tolerance_is_scaled_by_the_rows_terms():
    p = BilinearProgram(1, (BilinearRow(0, ((0, 0, 1),), "<=", 1e6),))
    assert verify(p, [1.0, 0.0], [[1e6 + 0.5], [0.0]]).ok          # 0.5 / (1e6 + 0.5) < 1e-6
    v = verify(p, [1.0, 0.0], [[1e6 + 5.0], [0.0]])                  # 5 / (1e6 + 5) > 1e-6
    assert not v.ok and v.max_violation == pytest.approx(5 / (1e6 + 5), rel=1e-12)
    # rhs 0, terms of size 1e8: the scale is the terms' magnitude, not max(1, |rhs|)
    q = BilinearProgram(1, (BilinearRow(0, ((0, 0, 1), (1, 1, -1)), "==", 0.0),))
    assert verify(q, [1.0, 1.0], [[1e8 + 10.0], [1e8]]).ok          # 10 / 2e8 = 5e-8
    assert not verify(q, [1.0, 1.0], [[1e8 + 1e3], [1e8]]).ok       # 1e3 / 2e8 = 5e-6
    r = BilinearProgram(1, (BilinearRow(0, ((0, 0, 1),), ">=", 0.0),))
    assert verify(r, [1.0, 0.0], [[-5e-7], [0.0]]).ok
    assert not verify(r, [1.0, 0.0], [[-2e-6], [0.0]]).ok


def test_points_are_clipped_to_their_bounds_before_anything_is_evaluated():
    pb = ProgramBuilder(1)
    pb.fix("b[0]", 2).bound("A[0,0]", 0, 1)
    pb.set_objective(0, [(0, 0, 3)], constant=Fraction(1, 2))
    p = pb.build()
    v = verify(p, [2.0, 7.0], [[0.25], [-3.0]])
    assert v.ok and v.objective == 3 * 2 * 0.25 + 0.5 and v.clip_distance == 0
    v = verify(p, [2.5, 0.0], [[1.5], [0.0]])  # clipped to b[0] = 2, A[0,0] = 1
    assert v.objective == 3 * 2 * 1 + 0.5 and v.clip_distance == pytest.approx(0.5)
    assert v.b.tolist() == [2.0, 0.0] and v.A.tolist() == [[1.0], [0.0]]


def test_objective_of_a_badly_scaled_point_is_taken_after_clipping():
    """The soundness failure on kissat-congr2: z >= 0 violated by -9e-9 inside the solver's bound
    tolerance, times a partner of 2.2e8, cancels a true positive term of the objective."""
    k = 22
    pb = ProgramBuilder(k)
    for l in range(k):
        pb.bound(f"b[{l}]", 0, 1.26e14).bound(f"A[{l},0]", 0, 1.26e14)
    pb.set_objective(0, [(l, l, 1) for l in range(k)])
    p = pb.build()
    b = np.zeros(k + 1)
    A = np.zeros((k + 1, k))
    b[0], A[0, 0] = 4.0, 6.0                     # one true term: 24
    b[1:k] = -9.09e-9                            # inside a 1e-6 bound tolerance
    A[1:k, 0] = 2.2e8                            # 21 terms of about -2 each
    assert p.evaluate_objective(b, A) < 0         # unclipped: looks like a YES
    v = verify(p, b, A)
    assert v.objective_exact == 24 and v.objective == 24.0
    assert v.clip_distance == pytest.approx(9.09e-9)


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


def test_rational_bounds_are_clipped_exactly():
    """A rational bound between two doubles: the exact clip lands on the bound itself."""
    third = float(Fraction(1, 3))  # 0.333...3148 < 1/3 by ~1.85e-17
    pb = ProgramBuilder(1)
    pb.bound("b[0]", Fraction(1, 3), None)
    pb.add_row(0, [(0, 0, 1)], "==", Fraction(1, 3))
    p = pb.build()
    v = verify(p, [third, 0.0], [[1.0], [0.0]], tol=0.0)
    assert v.ok and v.exact  # b[0] clipped to exactly 1/3, so the row holds exactly
    pb2 = ProgramBuilder(1)
    pb2.add_row(0, [(0, 0, 1)], "==", Fraction(1, 3))
    assert not verify(pb2.build(), [third, 0.0], [[1.0], [0.0]], tol=0.0).ok  # no bound: no clip


def _reference_max_violation(p, b, A):
    """Direct rational evaluation (independent of verify): clip every coordinate exactly with
    Fraction comparisons, then the scaled violation of every row."""
    def clip(name, x):
        q = Fraction(float(x))
        lo, hi = p.bounds.get(name, (None, None))
        q = max(q, Fraction(lo)) if lo is not None else q
        return min(q, Fraction(hi)) if hi is not None else q

    bq = [clip(f"b[{i}]", x) for i, x in enumerate(b)]
    Aq = [[clip(f"A[{i},{j}]", x) for j, x in enumerate(row)] for i, row in enumerate(A)]
    worst = Fraction(0)
    for row in p.constraints:
        terms = [Fraction(w) * bq[u] * Aq[v][row.j] for u, v, w in row.D]
        lhs, rhs = sum(terms, Fraction(0)), Fraction(row.rhs)
        diff = {"==": abs(lhs - rhs), "<=": max(Fraction(0), lhs - rhs), ">=": max(Fraction(0), rhs - lhs)}
        scale = max(Fraction(1), abs(rhs), sum((abs(t) for t in terms), Fraction(0)))
        worst = max(worst, diff[row.sense] / scale)
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
