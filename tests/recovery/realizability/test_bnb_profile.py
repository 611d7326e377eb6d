"""Tests of the branch-and-bound difficulty profile (recovery.realizability.bnb_profile)."""
from __future__ import annotations

import numpy as np
import pytest

from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.realizability.best import best_realizable
from recovery.realizability.bnb_profile import _bnb_width_profile
from recovery.realizability.patch_bounds import patch_box_lower_bound


def test_bnb_width_profile_levels_are_sharp():
    """Every recorded half-width prunes (re-checked through the public bound) and twice it does not."""
    q = population_quadratic(2, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    U = best_realizable(q, starts=4, rng=0).f_best
    prof = _bnb_width_profile(q, U, samples=40, rng=3, levels=(1, 9))
    tol = prof["tol"]
    assert prof["unresolved"] == 0.0
    assert sum(v["fraction"] for v in prof["per_level"].values()) == pytest.approx(1.0)
    for k, t, w in zip(prof["k"], prof["t"], prof["w"]):
        assert patch_box_lower_bound(q, int(k), t, np.full(2, w)) >= U - tol
        if w < 0.5:
            assert patch_box_lower_bound(q, int(k), t, np.full(2, 2 * w)) < U - tol
    est = 3 * 4 * np.mean((2 * prof["w"]) ** -2.0)
    assert prof["estimated_leaves"] == pytest.approx(est)


