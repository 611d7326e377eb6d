"""Tests for recovery.lsa.kernel_priors: the sampled kernels, exact rows, and bad input."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.kernel_priors import DirichletPrior, FixedKernel, UniformBinaryPrior


@pytest.mark.parametrize("prior", [UniformBinaryPrior(), DirichletPrior(3, 0.7), DirichletPrior(4, 1e-3),
                                   FixedKernel([[0.1, 0.9], [0.6, 0.4]])])
def test_samples_are_row_stochastic(prior):
    K = prior.sample(500, np.random.default_rng(3))
    S = prior.num_states
    assert K.shape == (500, S, S) and K.dtype == np.float64
    assert np.all(K >= 0) and np.allclose(K.sum(axis=2), 1.0, atol=1e-12)


def test_dirichlet_rows_first_moments_direct():
    S, a = 3, 0.7
    K = DirichletPrior(S, a).sample(20000, np.random.default_rng(10))
    Kr = K[:, :, 0].reshape(-1)
    var = (a * (S * a - a)) / ((S * a) ** 2 * (S * a + 1))
    assert abs(Kr.mean() - 1 / S) <= 4 * np.sqrt(var / Kr.size)
    assert abs(Kr.var() - var) <= 0.05 * var


def test_fixed_kernel_exact_rows_sum_to_one():
    fk = FixedKernel([[0.1, 0.2, 0.7], [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)], [0, 0, 1]])
    for row in fk.K_exact:
        assert sum(row) == 1
    assert fk.K_exact[1] == (Fraction(1, 3),) * 3


@pytest.mark.parametrize(
    "make,exc,word",
    [
        (lambda: DirichletPrior(3, 0.0), ValueError, "alpha"),
        (lambda: DirichletPrior(3, -1), ValueError, "alpha"),
        (lambda: DirichletPrior(1, 1.0), ValueError, "num_states"),
        (lambda: FixedKernel([[0.5, 0.4], [0.5, 0.5]]), ValueError, "row-stochastic"),
        (lambda: FixedKernel([[1.5, -0.5], [0.5, 0.5]]), ValueError, "K"),
        (lambda: FixedKernel([[0.5, 0.5]]), ValueError, "square"),
        (lambda: FixedKernel([[1.0]]), ValueError, "2 states"),
        (lambda: FixedKernel([[np.nan, 0.5], [0.5, 0.5]]), ValueError, "K"),
        (lambda: FixedKernel([["a", "b"], ["c", "d"]]), TypeError, "K"),
        # values too large for a float must be a ValueError, not an OverflowError
        (lambda: DirichletPrior(3, Fraction(10) ** 400), ValueError, "alpha"),
        (lambda: DirichletPrior(3, 10**400), ValueError, "alpha"),
        (lambda: FixedKernel([[Fraction(10) ** 400, 0], [0, 1]]), ValueError, "K"),
    ],
)
def test_prior_validation(make, exc, word):
    with pytest.raises(exc, match=word):
        make()
