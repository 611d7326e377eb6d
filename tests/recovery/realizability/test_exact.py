"""Exact rational data and outward rounding (recovery.realizability.exact)."""
from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("flint")

from recovery.lsa.population import population_quadratic  # noqa: E402
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior  # noqa: E402
from recovery.lsa.reparam import phi  # noqa: E402
from recovery.realizability.exact import _round_down, _round_up, exact_phi, exact_quadratic_data, exact_value  # noqa: E402


def test_exact_value_and_phi():
    qe = population_quadratic(2, 100, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(1, 2)), exact=True)
    q, d = qe.to_float(), 2
    rng = np.random.default_rng(0)
    b, A = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
    X = exact_phi(b, A)
    assert np.allclose(np.array(X, float), phi(b, A), rtol=1e-13, atol=1e-13)
    H, h, c, label = exact_quadratic_data(qe)
    assert label == "exact rational"
    assert float(exact_value(H, h, c, phi(b, A))) == pytest.approx(q.ftilde(phi(b, A)), rel=1e-12)


def test_outward_rounding_of_fractions():
    x = Fraction(1, 3)
    assert Fraction(_round_down(x)) <= x <= Fraction(_round_up(x))
    assert _round_down(Fraction(1, 2)) == _round_up(Fraction(1, 2)) == 0.5
