"""Tests for recovery.lsa.dirichlet_quadratic: two independent exact methods agree."""
from fractions import Fraction

import numpy as np

from recovery.lsa.population import (
    factorised_quadratic,
    population_quadratic,
)
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    UniformBinaryPrior,
)

F = Fraction


def test_dirichlet_alpha1_equals_uniform_binary_exactly():
    """Dirichlet(1,1) rows == U(0,1) transition probabilities: two independent exact methods
    (path enumeration + rising factorials vs polynomial quadrature) must agree to the last digit."""
    for init in (BernoulliInit(F(2, 7)), CorrelatedInit(F(1, 3))):
        for fn in (population_quadratic, factorised_quadratic):
            a = fn(2, 3, prior=DirichletPrior(2, 1), init=init, exact=True)
            b = fn(2, 3, prior=UniformBinaryPrior(), init=init, exact=True)
            assert np.all(a.H == b.H) and np.all(a.h == b.h) and a.c == b.c
