"""Tests for recovery.lsa.cubature: the rational total-degree rule is exact up to its degree and no further."""
from fractions import Fraction

import pytest

from recovery.lsa.cubature import _total_degree_rule01

F = Fraction


@pytest.mark.parametrize("D", [1, 2, 3, 6, 11])
def test_total_degree_rule_is_exact_on_monomials(D):
    a, b, w = _total_degree_rule01(D)
    assert len(w) <= (D + 1) * (D + 2) // 2
    assert all(ai + bi <= 1 for ai, bi in zip(a, b))  # nodes on the lower set i + j <= D
    for r in range(D + 1):
        for s in range(D + 1 - r):
            assert sum(wi * ai**r * bi**s for ai, bi, wi in zip(a, b, w)) == F(1, (r + 1) * (s + 1))
    # and it is NOT exact beyond total degree D (the degree argument is what makes it work)
    r = D + 1
    assert sum(wi * ai**r for ai, wi in zip(a, w)) != F(1, r + 1) or sum(
        wi * ai**(r - 1) * bi for ai, bi, wi in zip(a, b, w)) != F(1, 2 * r)
