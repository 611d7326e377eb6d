"""Tests for recovery.training.thm41_objectives: the R1/R2 Jacobians against finite differences."""
from __future__ import annotations

import numpy as np
import pytest

from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training import thm41_objectives as t41


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def _fd_jac(f, w, eps=1e-6):
    return np.array([(f(w + eps * e) - f(w - eps * e)) / (2 * eps) for e in np.eye(w.size)]).T


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
