"""Tests for recovery.lsa.monte_carlo: the estimate brackets the exact quadratic; bad input."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.monte_carlo import monte_carlo_quadratic
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
    UniformInit,
)

F = Fraction


def _assert_within_se(est, se, truth, k=4.0, floor=1e-6):
    diff = np.abs(np.asarray(est) - np.asarray(truth))
    bad = diff > k * np.asarray(se) + floor
    assert not np.any(bad), f"max z = {np.max(diff / np.maximum(se, 1e-12)):.2f}"


MC_CASES = [
    ("binary iid", UniformBinaryPrior(), BernoulliInit(0.3), 2, 3, 60000),
    ("binary corr", UniformBinaryPrior(), CorrelatedInit(0.4), 2, 4, 60000),
    ("fixed S3", FixedKernel([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]]), UniformInit(), 1, 3, 40000),
    ("dirichlet S3", DirichletPrior(3, 0.7), UniformInit(), 2, 5, 40000),
]


@pytest.mark.parametrize("name,prior,init,d,n,B", MC_CASES, ids=[c[0] for c in MC_CASES])
def test_exact_vs_monte_carlo(name, prior, init, d, n, B):
    q = population_quadratic(d, n, prior=prior, init=init)
    est, se = monte_carlo_quadratic(d, n, prior=prior, init=init, num_prompts=B, rng=123)
    _assert_within_se(est.H, se.H, q.H)
    _assert_within_se(est.h, se.h, q.h)
    _assert_within_se(est.c, se.c, q.c)


@pytest.mark.parametrize(
    "call,exc,word",
    [
        (lambda: monte_carlo_quadratic(1, 2, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), num_prompts=1, rng=0), ValueError, "num_prompts"),
        (lambda: monte_carlo_quadratic(1, 2, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), num_prompts=10, rng=None), TypeError, "rng"),
    ],
)
def test_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
