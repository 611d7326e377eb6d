"""Tests for recovery.lsa.flint_matrices: the exact GEMM and the integer form against numpy object arithmetic."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.flint_matrices import coprime_fraction, exact_gemm, fractions_over, integer_form

F = Fraction


def _big_int_matrix(rng, r, c, bits):
    return np.array([[int(rng.integers(-2**30, 2**30)) * 2**bits + int(rng.integers(0, 2**30))
                      for _ in range(c)] for _ in range(r)], dtype=object)


@pytest.mark.parametrize("shape,bits", [((3, 4, 5), 0), ((7, 11, 2), 70), ((1, 30, 9), 200), ((5, 1, 5), 5)])
def test_exact_gemm_equals_object_dot(rng, shape, bits):
    r, k, c = shape
    A = _big_int_matrix(rng, r, k, bits)
    B = _big_int_matrix(rng, k, c, bits)
    P = exact_gemm(A, B)
    assert P.dtype == object and P.shape == (r, c)
    assert all(type(v) is int for v in P.flat)
    assert np.array_equal(P, A.dot(B))
    # numpy integer input works too
    Ai = rng.integers(-1000, 1000, size=(r, k))
    Bi = rng.integers(-1000, 1000, size=(k, c))
    assert np.array_equal(exact_gemm(Ai, Bi), (Ai @ Bi).astype(object))


def test_exact_gemm_bad_input():
    with pytest.raises(ValueError, match="columns"):
        exact_gemm(np.ones((2, 3), dtype=np.int64), np.ones((2, 3), dtype=np.int64))
    with pytest.raises(TypeError, match="A"):
        exact_gemm(np.array([[F(1, 2)]], dtype=object), np.array([[1]], dtype=object))
    with pytest.raises(TypeError, match="B"):
        exact_gemm(np.array([[1]]), np.array([[1.5]]))
    with pytest.raises(ValueError, match="2-D"):
        exact_gemm(np.ones(3, dtype=np.int64), np.ones((3, 1), dtype=np.int64))


def test_integer_form_round_trip(rng):
    A = np.array([[F(int(rng.integers(-50, 50)), int(rng.integers(1, 40))) for _ in range(4)] for _ in range(3)],
                 dtype=object)
    A[0, 0] = 7  # plain ints are allowed
    ints, L = integer_form(A)
    assert L >= 1 and all(type(v) is int for v in ints.flat)
    assert all(F(i, L) == F(a) for i, a in zip(ints.flat, A.flat))
    # L is the least common denominator
    from math import lcm

    assert L == lcm(*(F(a).denominator for a in A.flat))
    with pytest.raises(TypeError, match="A entries"):
        integer_form(np.array([0.5], dtype=object))


def test_coprime_fraction_equals_fraction():
    big = 3**500
    f = coprime_fraction(big, 2**700)
    assert f == Fraction(big, 2**700) and hash(f) == hash(Fraction(big, 2**700))
    assert f + 1 == Fraction(big + 2**700, 2**700)


def test_fractions_over_equals_fraction_constructor(rng):
    nums = np.array([[int(v) for v in rng.integers(-10**6, 10**6, size=5)] + [0, 2**200, -(3**90)]], dtype=object)
    for den in (1, 7, 360, 2**70 * 15):
        out = fractions_over(nums, den)
        assert out.shape == nums.shape and all(type(v) is Fraction for v in out.flat)
        assert [(v.numerator, v.denominator) for v in out.flat] == [
            (Fraction(int(v), den).numerator, Fraction(int(v), den).denominator) for v in nums.flat]
