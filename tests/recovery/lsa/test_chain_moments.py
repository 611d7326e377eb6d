"""Tests for recovery.lsa.chain_moments: the float recursion against the exact one, and the unfolding."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.chain_moments import _chain_moments, _powers, _sym_index, _tables, _unfold_symmetric


def _exact_powers(K, d):
    W, S, _ = K.shape
    out = np.empty((W, d + 1, S, S), dtype=object)
    out[:, 0] = np.array([[Fraction(int(i == j)) for j in range(S)] for i in range(S)], dtype=object)
    for t in range(1, d + 1):
        out[:, t] = np.matmul(out[:, t - 1], K)
    return out


@pytest.mark.parametrize("S,values", [(2, [0, 1]), (3, [0, 1, 2]), (3, [1, 0, 3])])
def test_float_recursion_matches_exact(S, values):
    rng = np.random.default_rng(S)
    d, W = 4, 3
    Kq = [[[Fraction(int(v), 1) for v in rng.integers(1, 9, size=S)] for _ in range(S)] for _ in range(W)]
    K = np.array([[[v / sum(row) for v in row] for row in Kw] for Kw in Kq], dtype=object)
    pi = np.array([[Fraction(1, S)] * S] * W, dtype=object)
    tb = _tables(d)
    vals_x = np.array([Fraction(v) for v in values], dtype=object)
    for times in (tb["pairs"], tb["quads"]):
        exact = _chain_moments(_exact_powers(K, d), pi, times, vals_x)
        flt = _chain_moments(_powers(K.astype(float), d), pi.astype(float), times, np.array(values, dtype=float))
        assert flt.shape == exact.shape == (W, times.shape[0])
        np.testing.assert_allclose(flt, exact.astype(float), rtol=1e-13, atol=1e-15)


def test_unfold_symmetric_places_the_triangle():
    d, m = 3, 4
    ju, _, jpos = _sym_index(d)
    pu, _, ppos = _sym_index(m)
    T = np.arange(ju.size * pu.size, dtype=float).reshape(ju.size, pu.size)
    H = _unfold_symmetric(T, d, m)
    assert H.shape == (d * m, d * m) and np.array_equal(H, H.T)
    for j in range(d):
        for k in range(d):
            for p in range(m):
                for q in range(m):
                    assert H[j * m + p, k * m + q] == T[jpos[j, k], ppos[p, q]]
