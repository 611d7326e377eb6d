"""Tests of the closed-form inner problem (recovery.realizability.inner)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from recovery.lsa.reparam import num_pairs, phi
from recovery.realizability.inner import SimpleQuadratic, inner_solve


def _random_quad(rng, d, shift=1.0):
    n = d * num_pairs(d)
    G = rng.standard_normal((n, n))
    H = G @ G.T / n + 0.3 * np.eye(n)
    h = rng.standard_normal(n)
    return SimpleQuadratic(H, h, float(h @ np.linalg.solve(H, h)) + shift)



def test_inner_solve_matches_generic_minimiser(rng):
    for d in (1, 2, 3):
        q = _random_quad(rng, d)
        b = rng.standard_normal(d + 1)
        A, f = inner_solve(q, b)
        obj = lambda a: q.ftilde(phi(b, a.reshape(d + 1, d)))  # noqa: E731
        res = minimize(obj, rng.standard_normal((d + 1) * d), method="BFGS", options={"gtol": 1e-10})
        assert f == pytest.approx(res.fun, rel=1e-7, abs=1e-9)
        assert f <= res.fun + 1e-9
        assert np.allclose(A.reshape(-1), res.x, atol=1e-4)
        assert f == pytest.approx(q.ftilde(phi(b, A)), rel=1e-12)
        # gauge: b -> 3 b gives A -> A / 3 and the same value
        A3, f3 = inner_solve(q, 3 * b)
        assert f3 == pytest.approx(f, rel=1e-10) and np.allclose(3 * A3, A, atol=1e-8)
    with pytest.raises(ValueError, match="b"):
        inner_solve(q, np.zeros(d + 1))




def test_multistart_without_a_usable_start_raises():
    """No start (or only non-finite values) used to return ``b = A = None`` silently."""
    from recovery.realizability.inner import _Inner, _multistart

    q = SimpleQuadratic(np.eye(3), np.array([1.0, 0.0, 1.0]), 2.0)
    with pytest.raises(ValueError, match="no start gave a finite value"):
        _multistart(_Inner(q, 1), [], maxiter=5)
    b, A, f, values = _multistart(_Inner(q, 1), [np.array([1.0, 0.0])], maxiter=5)
    assert b.shape == (2,) and A.shape == (2, 1) and np.isfinite(f) and len(values) == 1
