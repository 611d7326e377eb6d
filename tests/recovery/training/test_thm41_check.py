"""Tests for recovery.training.thm41_check: the Thm 4.1 recursion errors and the sampled report."""
from __future__ import annotations

import numpy as np
import pytest

from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior, sample_prompts
from recovery.training.thm41 import random_blocks
from recovery.training.thm41_check import recursion_errors, thm41_report


@pytest.mark.parametrize("L, d, n", [(1, 1, 5), (3, 2, 8), (5, 3, 20)])
def test_recursion_matches_forward_pass_and_step(L, d, n):
    rng = np.random.default_rng(L + d + n)
    Z0 = sample_prompts(6, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng).Z0
    e = recursion_errors(Z0, random_blocks(d, L, rng))
    assert e.finite
    assert max(e.forward_abs, e.forward_rel, e.step_abs, e.step_rel) < 1e-10


def test_overflow_is_reported_not_raised():
    rng = np.random.default_rng(1)
    Z0 = sample_prompts(3, 2, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng).Z0
    e = recursion_errors(Z0, random_blocks(2, 4, rng, scale=1e80))
    assert e.finite is False


def test_report_shapes_and_singular_gd():
    r = thm41_report(3, 2, 6, prompts=4, seed=2)
    assert r["max_abs_error"] < 1e-10 and r["max_step_error"] < 1e-10
    assert np.array(r["objectives_per_layer"]["R1"]).shape == (4, 3) and len(r["pareto_fraction"]) == 4
    singular = thm41_report(1, 3, 3, prompts=3)
    assert singular["generational_distance"] == [None, None] and "singular" in singular["generational_distance_note"]


@pytest.mark.parametrize("kw, msg", [
    ({"scale": 0.0}, "scale must be a finite positive number"),
    ({"prompts": 0}, "prompts must be >= 1"),
    ({"num_states": 7}, "num_states must be one of"),
    ({"max_bytes": 10.0}, "max_bytes"),
    ({"prompts": 10**6}, "would take about"),
    ({"scale": 1e200}, "overflows float64 for scale"),
])
def test_report_bad_arguments_name_the_parameter(kw, msg):
    with pytest.raises(ValueError, match=msg):
        thm41_report(**{"layers": 2, "d": 2, "n": 5, "prompts": 3, **kw})
