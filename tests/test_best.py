"""Tests of the best realisable one-layer LSA (recovery.best)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.optimize import minimize

from recovery.best import BestLSA, SimpleQuadratic, best_realizable, inner_solve, psi
from recovery.optimum import closed_form_optimum
from recovery.phi import num_pairs, phi
from recovery.population import population_quadratic
from recovery.prompts import BernoulliInit, UniformBinaryPrior


def _random_quad(rng, d, shift=1.0):
    n = d * num_pairs(d)
    G = rng.standard_normal((n, n))
    H = G @ G.T / n + 0.3 * np.eye(n)
    h = rng.standard_normal(n)
    return SimpleQuadratic(H, h, float(h @ np.linalg.solve(H, h)) + shift)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_chain_on_population_quadratic(d):
    q = population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    opt = closed_form_optimum(q)
    r = best_realizable(q, starts=4, rng=1)
    assert r.ftilde_star == pytest.approx(opt.ftilde_star, rel=1e-10)
    assert r.chain_holds()
    assert opt.ftilde_star <= r.f_best + 1e-12 <= r.f_psi + 2e-12
    assert r.f_best == pytest.approx(q.ftilde(phi(r.b, r.A)), rel=1e-12)
    # psi(X*) is at least as close to X* as the best realisable LSA (which minimises another metric)
    bp, Ap = psi(opt.X_star, d)
    dpsi = np.linalg.norm(phi(bp, Ap) - opt.X_star)
    assert dpsi <= np.linalg.norm(phi(r.b, r.A) - opt.X_star) * (1 + 1e-9)
    assert r.f_psi == pytest.approx(q.ftilde(phi(bp, Ap)), rel=1e-6)


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


@pytest.mark.parametrize("d", [1, 2, 4])
def test_planted_realisable_optimum(rng, d):
    n = d * num_pairs(d)
    G = rng.standard_normal((n, n))
    H = G @ G.T / n + 0.1 * np.eye(n)
    b0, A0 = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
    X0 = phi(b0, A0)
    q = SimpleQuadratic(H, H @ X0, 2.0 + X0 @ H @ X0)
    r = best_realizable(q, starts=2, rng=0)
    assert r.ftilde_star == pytest.approx(2.0, rel=1e-9)
    assert r.f_best == pytest.approx(r.ftilde_star, abs=1e-9)
    assert r.f_psi == pytest.approx(r.ftilde_star, abs=1e-9)
    assert np.linalg.norm(phi(r.b, r.A) - X0) <= 1e-6 * np.linalg.norm(X0)


def test_psi_reproduces_image_points_and_projects(rng):
    for d in (1, 2, 5):
        b, A = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
        X = phi(b, A)
        bp, Ap = psi(X)
        assert np.linalg.norm(phi(bp, Ap) - X) <= 1e-9 * np.linalg.norm(X)
    # off the image (d = 2): psi beats a dense random search and every local BFGS run from random starts
    d = 2
    X = phi(rng.standard_normal(3), rng.standard_normal((3, 2))) + 0.5 * rng.standard_normal(12)
    bp, Ap = psi(X, d, rng=3)
    dist = np.linalg.norm(phi(bp, Ap) - X)
    q = SimpleQuadratic(np.eye(12), X, float(X @ X))
    for _ in range(200):
        bb = rng.standard_normal(3)
        _, f = inner_solve(q, bb)
        assert dist**2 <= f + 1e-10
    with pytest.raises(ValueError, match="d"):
        psi(X, 3)


def test_certified_agrees_with_dense_multistart_d1(rng):
    for q in (population_quadratic(1, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.3)),
              _random_quad(rng, 1)):
        cert = best_realizable(q, method="certified", time_limit=30.0)
        dense = best_realizable(q, starts=40, rng=5)
        assert cert.certified_global, cert.details
        assert cert.lower_bound <= cert.f_best + 1e-12
        assert cert.f_best == pytest.approx(dense.f_best, abs=1e-5 * max(1.0, abs(dense.f_best)))
        assert cert.lower_bound <= dense.f_best + 1e-9  # the certificate bounds every realisable value
        assert not dense.certified_global and dense.lower_bound is None


def test_certified_agrees_with_dense_multistart_d2():
    # psi-type quadratic (H = I) off the image: a genuinely non-trivial f* > ftilde* = 0
    g = np.random.default_rng(1)
    d, n = 2, 12
    X = phi(g.standard_normal(3), g.standard_normal((3, 2))) + 0.5 * g.standard_normal(n)
    q = SimpleQuadratic(np.eye(n), X, float(X @ X))
    cert = best_realizable(q, method="certified", time_limit=60.0)
    dense = best_realizable(q, starts=40, rng=7)
    assert cert.certified_global, cert.details
    assert cert.f_best > cert.ftilde_star + 1e-3
    assert cert.f_best == pytest.approx(dense.f_best, abs=1e-5 * max(1.0, dense.f_best))
    assert cert.lower_bound <= dense.f_best + 1e-9


def test_best_json_and_bad_input(rng):
    q = _random_quad(rng, 1)
    r = best_realizable(q, starts=1)
    r2 = BestLSA.from_json(json.loads(json.dumps(r.to_json())))
    assert r2.to_json() == r.to_json()
    with pytest.raises(ValueError, match="method"):
        best_realizable(q, method="exhaustive")
    with pytest.raises(ValueError, match="d <= 4"):
        best_realizable(_random_quad(rng, 5), method="certified")
    with pytest.raises(TypeError, match="quad"):
        best_realizable(object())
    with pytest.raises(ValueError, match="length"):
        best_realizable(SimpleQuadratic(np.eye(4), np.ones(4), 1.0))
