"""Float64 ball arithmetic (recovery.realizability.ball) against exact rationals and python-flint arb."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.realizability import ball

flint = pytest.importorskip("flint")


def _members(m, r, rng):
    """A random member of the ball and its two extreme corners, rounded inwards: a float that rounding
    put outside is replaced by the midpoint (``x - m`` is exact by Sterbenz's lemma, ``x`` near ``m``)."""
    if r is None:
        return [m]
    out = []
    for x in (m + r * rng.uniform(-1, 1, m.shape), m + r, m - r):
        out.append(np.where(np.abs(x - m) <= r, x, m))
    return out


def _exact_matmul(A, B):
    """The product in arb at 300 bits (exact for these sizes: the midpoint of a tiny ball)."""
    old = flint.ctx.prec
    flint.ctx.prec = 300
    try:
        P = flint.arb_mat(A.tolist()) * flint.arb_mat(B.tolist())
        return [[P[i, j] for j in range(P.ncols())] for i in range(P.nrows())]
    finally:
        flint.ctx.prec = old


def _contains(m, r, x) -> bool:
    """``x`` (an arb) lies in ``[m - r, m + r]``, proved in arb (at 300 bits, exact for float64 m and r)."""
    old = flint.ctx.prec
    flint.ctx.prec = 300
    try:
        lo, hi = flint.arb(float(m)) - flint.arb(float(r)), flint.arb(float(m)) + flint.arb(float(r))
        return bool(x >= lo) and bool(x <= hi)
    finally:
        flint.ctx.prec = old


@pytest.mark.parametrize("exact_a, exact_b", [(True, True), (False, True), (True, False), (False, False)])
def test_matmul_encloses_arb_products(rng, exact_a, exact_b):
    """Every product of members of the two balls lies in the computed ball (checked in arb), on
    matrices whose entries span 12 orders of magnitude and both signs."""
    for _ in range(6):
        p, n, q = rng.integers(1, 9, 3)
        Am = rng.standard_normal((p, n)) * 10.0 ** rng.uniform(-6, 6, (p, n))
        Bm = rng.standard_normal((n, q)) * 10.0 ** rng.uniform(-6, 6, (n, q))
        Ar = None if exact_a else np.abs(Am) * 10.0 ** rng.uniform(-16, -8, (p, n))
        Br = None if exact_b else np.abs(Bm) * 10.0 ** rng.uniform(-16, -8, (n, q))
        m, r = ball.matmul(Am, Ar, Bm, Br)
        assert np.all(r >= 0)
        for A in _members(Am, Ar, rng):
            for B in _members(Bm, Br, rng):
                P = _exact_matmul(A, B)
                assert all(_contains(m[i, j], r[i, j], P[i][j]) for i in range(p) for j in range(q))


def test_matmul_radius_is_needed(rng):
    """The check above has teeth: with the rounding term dropped, some exact product leaves the ball."""
    misses = 0
    for _ in range(20):
        A = rng.standard_normal((6, 40)) * 10.0 ** rng.uniform(-3, 3, (6, 40))
        B = rng.standard_normal((40, 5))
        m = A @ B
        P = _exact_matmul(A, B)
        misses += sum(not _contains(m[i, j], 0.0, P[i][j]) for i in range(6) for j in range(5))
    assert misses > 0


def test_add_sub_norms_against_fractions(rng):
    for _ in range(50):
        n = int(rng.integers(1, 30))
        am, bm = rng.standard_normal(n) * 1e3, rng.standard_normal(n)
        ar, br = np.abs(am) * 1e-12, np.abs(bm) * 1e-13
        s, sr = ball.add(am, ar, bm, br)
        dd, dr = ball.sub(am, ar, bm, br)
        xa, ya = am + ar * rng.uniform(-1, 1, n), bm + br * rng.uniform(-1, 1, n)
        xa, ya = np.where(np.abs(xa - am) <= ar, xa, am), np.where(np.abs(ya - bm) <= br, ya, bm)
        x = [Fraction(float(v)) for v in xa]
        y = [Fraction(float(v)) for v in ya]
        for i in range(n):
            assert abs(x[i] + y[i] - Fraction(float(s[i]))) <= Fraction(float(sr[i]))
            assert abs(x[i] - y[i] - Fraction(float(dd[i]))) <= Fraction(float(dr[i]))
        sq = sum(v * v for v in x)
        assert Fraction(float(ball.norm_sq_lower(am, ar))) <= sq
        assert Fraction(float(ball.norm_upper(am, ar))) ** 2 >= sq


def test_up_n_and_down_n_bound_long_sums(rng):
    for n in (2, 10, 1000, 100000):
        x = rng.uniform(0, 1, n) * 10.0 ** rng.uniform(-300, 300, n)
        exact = sum(Fraction(float(v)) for v in x)
        s = float(np.sum(x))
        assert Fraction(float(ball.up_n(s, n))) >= exact
        assert Fraction(float(ball.down_n(s, n))) <= exact
    # subnormal range: the absolute slack covers the underflow
    tiny = np.full(64, 5e-324)
    assert Fraction(float(ball.up_n(float(np.sum(tiny * 0.5)), 64))) >= 0


def test_gamma_and_outward_steps():
    assert ball.gamma(0) == 0.0 and ball.gamma(10) > 10 * ball.U
    assert ball.up(1.0) > 1.0 > ball.down(1.0)
    assert ball.upper(1.0, 0.5) >= 1.5 and ball.lower(1.0, 0.5) <= 0.5
    assert ball.abs_upper(-2.0, 0.25) >= 2.25
