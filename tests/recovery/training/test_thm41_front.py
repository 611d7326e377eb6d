"""Tests for recovery.training.thm41_front: the Generational Distance and the exact R1 front distance."""
from __future__ import annotations

import numpy as np
import pytest

from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training import thm41_front as t41
from recovery.training.thm41_objectives import r1_values


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


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
        sampled = t41.generational_distance([r1_values(w, X, y)], front)
        assert 0 < exact <= sampled + 1e-12
        assert sampled - exact < 2e-2 * max(exact, 1e-3) + 1e-3
