"""Tests for recovery.training.thm41: theta recursion vs the LSA forward pass, R1/R2 Jacobians vs finite differences,
the preconditioned step (**) vs the recursion, and the Pareto-front / GD computations."""
from __future__ import annotations

import numpy as np
import pytest

from recovery.training import thm41 as t41
from recovery.lsa.model import lsa_forward
from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training.loop import Subspace


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def _fd_jac(f, w, eps=1e-6):
    return np.array([(f(w + eps * e) - f(w - eps * e)) / (2 * eps) for e in np.eye(w.size)]).T


@pytest.mark.parametrize("S, d, n, L, seed", [(2, 4, 20, 10, 0), (3, 3, 7, 4, 1), (4, 2, 5, 6, 2), (2, 1, 3, 3, 3)])
def test_theta_recursion_reproduces_forward_pass(S, d, n, L, seed):
    pr = _prompts(8, d, n, S, seed)
    rng = np.random.default_rng(100 + seed)
    blocks = t41.random_blocks(d, L, rng, scale=0.3)
    thetas = t41.theta_recursion(pr.Z0, blocks)
    assert thetas.shape == (8, L + 1, d) and np.all(thetas[:, 0] == 0)
    Z = lsa_forward(pr.Z0, t41.blocks_to_layers(blocks))
    X = pr.Z0[:, :d, :]
    # input rows unchanged, label row = original label + <theta_L, x_i> (query label starts at 0)
    np.testing.assert_array_equal(Z[:, :d, :], X)
    expect = pr.Z0[:, d, :] + np.einsum("bk,bki->bi", thetas[:, -1], X)
    scale = max(1.0, np.abs(expect).max())
    assert np.abs(Z[:, d, :] - expect).max() <= 1e-10 * scale
    # single prompt input
    np.testing.assert_allclose(t41.theta_recursion(pr.Z0[0], blocks), thetas[0], rtol=0, atol=1e-14)


def test_blocks_match_training_thm41_coordinates():
    d, L = 3, 2
    sub = Subspace("thm41", d, L)
    theta = sub.init(np.random.default_rng(0), 1.0)
    for (P1, Q1), (P2, Q2) in zip(sub.to_layers(theta), t41.blocks_to_layers(t41.blocks_from_theta(theta, d, L))):
        np.testing.assert_array_equal(P1, P2)
        np.testing.assert_array_equal(Q1, Q2)


@pytest.mark.parametrize("S", [2, 3])
def test_r1_r2_jacobians_match_finite_differences(S):
    pr = _prompts(1, 3, 30, S, seed=4)
    X, y = pr.Z0[0, :3, :30].T, pr.Z0[0, 3, :30]
    assert np.any(X[:, -1] == 0) and np.any(X[:, -1] != 0)  # both branches of phi1/phi2 are exercised
    w = np.random.default_rng(5).standard_normal(3)
    for vals, jac in ((t41.r1_values, t41.r1_jacobian), (t41.r2_values, t41.r2_jacobian)):
        fd = _fd_jac(lambda v: vals(v, X, y), w)
        J = jac(w, X, y)
        assert J.shape == (4, 3)
        assert np.abs(J - fd).max() <= 1e-6 * max(1.0, np.abs(fd).max())


@pytest.mark.parametrize("S, seed", [(2, 0), (3, 1), (4, 2)])
def test_preconditioned_step_equals_recursion(S, seed):
    d, n, L = 3, 15, 5
    pr = _prompts(3, d, n, S, seed)
    blocks = t41.random_blocks(d, L, np.random.default_rng(seed + 50), scale=0.4)
    W = -t41.theta_recursion(pr.Z0, blocks)
    for bi in range(3):
        X, y = pr.Z0[bi, :d, :n].T, pr.Z0[bi, d, :n]
        for l in range(L):
            w = W[bi, l]
            # Jacobians by finite differences of the objective VALUES (independent of r*_jacobian)
            J1 = _fd_jac(lambda v: t41.r1_values(v, X, y), w)
            J2 = _fd_jac(lambda v: t41.r2_values(v, X, y), w)
            step_fd = t41.preconditioned_step(w, blocks[l], J1, J2)
            assert np.abs(step_fd - W[bi, l + 1]).max() <= 1e-6 * max(1.0, np.abs(W[bi, l + 1]).max())
            step = t41.preconditioned_step(w, blocks[l], t41.r1_jacobian(w, X, y), t41.r2_jacobian(w, X, y))
            assert np.abs(step - W[bi, l + 1]).max() <= 1e-10 * max(1.0, np.abs(W[bi, l + 1]).max())


def test_generational_distance_by_hand():
    front = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert t41.generational_distance([[0.0, 1.0]], front) == 0.0
    assert t41.generational_distance([[1.0, 1.0]], front) == pytest.approx(1.0)
    # two points at distances 1 and 2: sqrt(1 + 4) / 2
    assert t41.generational_distance([[1.0, 1.0], [3.0, 0.0]], front) == pytest.approx(np.sqrt(5) / 2)
    with pytest.raises(ValueError, match="objectives"):
        t41.generational_distance([[1.0, 2.0, 3.0]], front)


def test_exact_r1_front_distance():
    pr = _prompts(1, 2, 40, 3, seed=9)
    X, y = pr.Z0[0, :2, :40].T, pr.Z0[0, 2, :40]
    wstar = np.linalg.lstsq(X, y, rcond=None)[0]
    rng = np.random.default_rng(1)
    # Pareto set {w <= w*}: distance 0
    for _ in range(5):
        assert t41.front_distance_r1(wstar - rng.random(2), X, y) == 0.0
    # a dense sample of the front (mu on a grid) gives an upper bound that the exact distance approaches
    g = np.linspace(0, 3, 121)
    mus = np.array([[a, b] for a in g for b in g])
    front = np.array([t41.r1_front_point(mu, X, y) for mu in mus])
    for shift in ([0.5, 0.2], [1.0, -0.5], [-0.3, 0.8]):
        w = wstar + np.array(shift)
        exact = t41.front_distance_r1(w, X, y)
        sampled = t41.generational_distance([t41.r1_values(w, X, y)], front)
        assert 0 < exact <= sampled + 1e-12
        assert sampled - exact < 2e-2 * max(exact, 1e-3) + 1e-3


def test_objectives_per_layer_shapes_and_consistency():
    d, n, L = 2, 10, 3
    pr = _prompts(4, d, n, 3, seed=11)
    blocks = t41.random_blocks(d, L, np.random.default_rng(2), scale=0.5)
    tr = t41.objectives_per_layer(pr.Z0, blocks)
    assert tr.R1.shape == (4, L + 1, d + 1) and tr.R2.shape == (4, L + 1, d + 1) and tr.gd.shape == (4, L + 1)
    # GD is zero exactly on the Pareto set, positive off it
    assert np.all((tr.gd == 0) == tr.pareto)
    X, y = pr.Z0[1, :d, :n].T, pr.Z0[1, d, :n]
    np.testing.assert_allclose(tr.R1[1, 2], t41.r1_values(tr.w[1, 2], X, y))
    s = tr.summary()
    assert len(s["gd_mean"]) == L + 1


def test_bad_blocks():
    with pytest.raises(ValueError, match="Abar"):
        t41.Thm41Block(np.zeros(3), np.zeros((3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="blocks"):
        t41.theta_recursion(np.zeros((2, 3, 4)), [])
    with pytest.raises(ValueError, match="d = 1"):
        t41.theta_recursion(np.zeros((2, 3, 4)), [t41.Thm41Block(np.zeros(2), np.zeros((1, 1)), np.zeros(1))])
