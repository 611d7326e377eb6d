"""Tests for recovery.lsa.float_quadratic: the upper-triangle GEMM path against the full-matrix reference."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.population import (
    _quadratic,
    population_quadratic,
)
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    FixedKernel,
    UniformBinaryPrior,
    UniformInit,
)

F = Fraction


def test_large_d_float_is_symmetric_psd():
    q = population_quadratic(8, 50, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    assert q.H.shape == (8 * 45, 8 * 45)
    np.testing.assert_allclose(q.H, q.H.T, atol=1e-15)
    assert np.linalg.eigvalsh(q.H)[0] > 0


@pytest.mark.parametrize("d", [1, 2, 4, 7, 10])
def test_float_symmetric_path_matches_full_gemm(d):
    for prior, init in ((UniformBinaryPrior(), BernoulliInit(0.3)), (UniformBinaryPrior(), CorrelatedInit(0.4)),
                        (FixedKernel([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]]), UniformInit())):
        for fact in (False, True):
            a = _quadratic(d, 7, prior, init, False, fact)
            b = _quadratic(d, 7, prior, init, False, fact, engine="reference")
            assert np.abs(a.H - b.H).max() <= 1e-12 * np.abs(b.H).max()
            assert np.abs(a.h - b.h).max() <= 1e-12 * np.abs(b.h).max()
            assert a.c == pytest.approx(b.c, rel=1e-14)
            assert np.array_equal(a.H, a.H.T)  # exactly symmetric by construction
