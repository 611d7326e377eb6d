"""Tests for recovery.lsa.exact_quadratic (and the Dirichlet enumeration): the python-flint path gives the
same rationals as the pure-Python reference path (numpy object-integer GEMM over the tensor rule).
"""
import os
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.population import (
    _quadratic,
)
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
    UniformInit,
)

F = Fraction


_SLOW = pytest.mark.skipif(not os.environ.get("LSAHARD_SLOW"), reason="set LSAHARD_SLOW=1 for d = 6")


FAST_VS_REF = [
    ("uniform iid", UniformBinaryPrior(), BernoulliInit(F(3, 10))),
    ("uniform corr", UniformBinaryPrior(), CorrelatedInit(F(2, 5))),
    ("dirichlet S2", DirichletPrior(2, F(1, 2)), BernoulliInit(F(1, 3))),
    ("fixed S3", FixedKernel([[F(1, 5), F(3, 10), F(1, 2)], [F(1, 10), F(1, 10), F(4, 5)], [F(3, 5), F(1, 5), F(1, 5)]]),
     UniformInit()),
]


def _assert_identical(a, b):
    assert a.exact and b.exact
    assert all(type(v) is Fraction for v in a.H.flat)
    assert np.array_equal(a.H, b.H) and np.array_equal(a.h, b.h) and a.c == b.c


@pytest.mark.parametrize("name,prior,init", FAST_VS_REF, ids=[c[0] for c in FAST_VS_REF])
@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_flint_path_identical_to_reference_rationals(name, prior, init, d):
    if isinstance(prior, DirichletPrior) and d > 4:
        d = 4  # the Dirichlet enumeration itself is the slow part; the GEMM is not involved
    if isinstance(prior, FixedKernel) and d > 3:
        d = 3
    for fact in (False, True):
        _assert_identical(_quadratic(d, 4, prior, init, True, fact),
                          _quadratic(d, 4, prior, init, True, fact, engine="reference"))


@_SLOW
@pytest.mark.parametrize("name,prior,init", FAST_VS_REF[:3], ids=[c[0] for c in FAST_VS_REF[:3]])
def test_flint_path_identical_to_reference_rationals_d6(name, prior, init):
    _assert_identical(_quadratic(6, 5, prior, init, True, False),
                      _quadratic(6, 5, prior, init, True, False, engine="reference"))
