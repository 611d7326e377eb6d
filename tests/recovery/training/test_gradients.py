"""Tests for recovery.training.gradients: analytic gradients vs finite differences, the population objective
vs Monte Carlo and the one-layer empirical quadratic vs the Gram path."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import recovery.training.loop as tr
from recovery.lsa.model import lsa_forward
from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.lsa.reparam import features, phi
from recovery.training.loop import Subspace, compress_prompts


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def _fd_grad(f, theta, eps=1e-6):
    E = np.eye(theta.size)
    return np.array([(f(theta + eps * e) - f(theta - eps * e)) / (2 * eps) for e in E])


@pytest.mark.parametrize("name", ["dense", "sparse", "thm41"])
@pytest.mark.parametrize("L", [1, 2, 3])
def test_gradient_matches_finite_differences(name, L):
    pr = _prompts(6, 3, 4, 3, seed=L)
    batch = compress_prompts(pr.Z0, pr.y)
    sub = Subspace(name, 3, L)
    theta = sub.init(np.random.default_rng(10 + L), 0.4)

    def f(t):
        return tr.loss_and_grad_layers(batch, sub.to_layers(t))[0]

    _, grads = tr.loss_and_grad_layers(batch, sub.to_layers(theta))
    g = sub.grad_to_theta(grads)
    fd = _fd_grad(f, theta)
    assert np.linalg.norm(g - fd) <= 1e-6 * np.linalg.norm(fd)


def test_population_gradient_matches_finite_differences():
    d = 2
    rng = np.random.default_rng(1)
    m = (d + 1) * (d + 2) // 2
    R = rng.standard_normal((d * m, d * m))
    H, h, c = R @ R.T, rng.standard_normal(d * m), 3.0
    sub = Subspace("sparse", d, 1)
    theta = sub.init(rng, 0.7)

    def f(t):
        return tr.population_loss_and_grad_layers(H, h, c, sub.to_layers(t))[0]

    g = sub.grad_to_theta(tr.population_loss_and_grad_layers(H, h, c, sub.to_layers(theta))[1])
    fd = _fd_grad(f, theta)
    assert np.linalg.norm(g - fd) <= 1e-6 * np.linalg.norm(fd)
    # value: X^T H X - 2 h^T X + c with X = phi(b, A)
    X = phi(theta[: d + 1], theta[d + 1 :].reshape(d + 1, d))
    assert f(theta) == pytest.approx(X @ H @ X - 2 * h @ X + c, rel=1e-12)


def test_population_objective_matches_monte_carlo_loss():
    """ftilde(phi(b, A)) from recovery.lsa.population equals the sampled mean loss within 5 standard errors."""
    from recovery.lsa.population import population_quadratic

    d, n = 2, 5
    q = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    rng = np.random.default_rng(7)
    b, A = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
    pr = _prompts(40000, d, n, 2, seed=8)
    sq = (features(pr.Z0) @ phi(b, A) - pr.y) ** 2
    sq_lsa = (lsa_forward(pr.Z0, [tr.Subspace("sparse", d, 1).to_layers(np.r_[b, A.ravel()])[0]])[:, -1, -1] - pr.y) ** 2
    np.testing.assert_allclose(sq, sq_lsa, rtol=1e-9, atol=1e-9)
    loss, _ = tr.population_loss_and_grad_layers(
        np.asarray(q.H, float), np.asarray(q.h, float), float(q.c), [tr.Subspace("sparse", d, 1).to_layers(np.r_[b, A.ravel()])[0]]
    )
    se = sq.std() / np.sqrt(sq.size)
    assert abs(loss - sq.mean()) < 5 * se


@pytest.mark.parametrize("name", ["dense", "sparse", "thm41"])
def test_one_layer_empirical_quadratic_equals_gram_path(name):
    """The one-layer full-batch fast path (empirical quadratic in X = phi(b, A)) gives the same loss and
    gradient as the literal reverse mode (also for the dense coordinates, whose other entries get zero gradient)."""
    pr = _prompts(50, 3, 6, 3, seed=12)
    batch = compress_prompts(pr.Z0, pr.y)
    He, he, ce = tr.empirical_quadratic(batch)
    np.testing.assert_allclose(He, features(pr.Z0).T @ features(pr.Z0) / 50, rtol=1e-12, atol=1e-14)
    sub = Subspace(name, 3, 1)
    lay = sub.to_layers(sub.init(np.random.default_rng(0), 0.5))
    l1, g1 = tr.loss_and_grad_layers(batch, lay)
    l2, g2 = tr.population_loss_and_grad_layers(He, he, ce, lay)
    assert l2 == pytest.approx(l1, rel=1e-10)
    np.testing.assert_allclose(sub.grad_to_theta(g2), sub.grad_to_theta(g1), rtol=1e-8, atol=1e-11)


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 4), n=st.integers(1, 6), L=st.integers(1, 3), S=st.sampled_from([2, 3, 4]),
       name=st.sampled_from(["dense", "sparse", "thm41"]), seed=st.integers(0, 10**6))
def test_gradient_fd_random_shapes(d, n, L, S, name, seed):
    pr = _prompts(4, d, n, S, seed)
    batch = compress_prompts(pr.Z0, pr.y)
    sub = Subspace(name, d, L)
    theta = sub.init(np.random.default_rng(seed + 1), 0.3)
    g = sub.grad_to_theta(tr.loss_and_grad_layers(batch, sub.to_layers(theta))[1])
    fd = _fd_grad(lambda t: tr.loss_and_grad_layers(batch, sub.to_layers(t))[0], theta)
    assert np.linalg.norm(g - fd) <= 1e-6 * np.linalg.norm(fd) + 1e-9
