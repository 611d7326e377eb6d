"""Tests for recovery.training.thm41: theta recursion vs the LSA forward pass, the preconditioned step (**) vs the
recursion, and the per-layer objectives."""
from __future__ import annotations

import numpy as np
import pytest

from recovery.lsa.model import lsa_forward
from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training import thm41 as t41


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
    with pytest.raises(ValueError, match="blocks"):
        t41.theta_recursion(np.zeros((2, 3, 4)), [])
    with pytest.raises(ValueError, match="d = 1"):
        t41.theta_recursion(np.zeros((2, 3, 4)), [t41.Thm41Block(np.zeros(2), np.zeros((1, 1)), np.zeros(1))])
