"""Tests for recovery.lsa.exact_linalg: exact solve, exact inner products and the certificate + solve.

Every result is cross-checked against an independent pure-Python computation (numpy object
arrays, Fraction Gaussian elimination, or the reference Bareiss minors of recovery.lsa.optimum).
"""
import sys
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.exact_linalg import (
    certify_positive_definite,
    exact_dot,
    exact_solve,
    fraction_to_str,
    solve_positive_definite,
)

F = Fraction


def _solve_fraction(A, b):
    """Independent exact solve: Gauss-Jordan over Fractions with row pivoting."""
    n = len(A)
    M = [[F(v) for v in row] + [F(bv)] for row, bv in zip(A, b)]
    for col in range(n):
        piv = next(r for r in range(col, n) if M[r][col] != 0)
        M[col], M[piv] = M[piv], M[col]
        pv = M[col][col]
        M[col] = [v / pv for v in M[col]]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col]
                M[r] = [a - f * c for a, c in zip(M[r], M[col])]
    return [M[r][n] for r in range(n)]


@pytest.mark.parametrize("n", [1, 2, 5, 12])
def test_exact_solve_matches_fraction_elimination(rng, n):
    while True:
        A = [[F(int(rng.integers(-9, 10)), int(rng.integers(1, 7))) for _ in range(n)] for _ in range(n)]
        if _det_nonzero(A):
            break
    b = [F(int(rng.integers(-9, 10)), int(rng.integers(1, 5))) for _ in range(n)]
    x = exact_solve(np.array(A, dtype=object), np.array(b, dtype=object))
    assert all(isinstance(v, Fraction) for v in x)
    assert x == _solve_fraction(A, b)
    # and it really solves the system
    assert [sum(a * v for a, v in zip(row, x)) for row in A] == b


def _det_nonzero(A):
    n = len(A)
    M = [row[:] for row in A]
    for col in range(n):
        piv = next((r for r in range(col, n) if M[r][col] != 0), None)
        if piv is None:
            return False
        M[col], M[piv] = M[piv], M[col]
        for r in range(col + 1, n):
            f = M[r][col] / M[col][col]
            M[r] = [a - f * c for a, c in zip(M[r], M[col])]
    return True


def test_exact_solve_errors():
    with pytest.raises(ValueError, match="singular"):
        exact_solve(np.array([[1, 2], [2, 4]], dtype=object), np.array([1, 1], dtype=object))
    with pytest.raises(ValueError, match="square"):
        exact_solve(np.ones((2, 3), dtype=object), np.ones(2, dtype=object))
    with pytest.raises(ValueError, match="b must have shape"):
        exact_solve(np.eye(2, dtype=int).astype(object), np.ones(3, dtype=object))


def test_solve_positive_definite_and_errors():
    A = np.array([[F(2), F(1)], [F(1), F(3)]], dtype=object)
    x, cert = solve_positive_definite(A, np.array([F(1), F(2)], dtype=object))
    assert cert.positive_definite and x == [F(1, 5), F(3, 5)]
    with pytest.raises(ValueError, match="not positive definite"):
        solve_positive_definite(np.array([[1, 2], [2, 1]], dtype=object), np.array([1, 1], dtype=object))
    with pytest.raises(ValueError, match="symmetric"):
        certify_positive_definite(np.array([[1, 2], [0, 1]], dtype=object))
    with pytest.raises(ValueError, match="square"):
        certify_positive_definite(np.ones((2, 3), dtype=object))


def test_fraction_to_str_has_no_digit_limit():
    assert fraction_to_str(F(-3, 7)) == "-3/7"
    assert fraction_to_str(5) == "5"
    big = F(3**40000 + 1, 2**50001)
    s = fraction_to_str(big)
    num, den = s.split("/")
    old = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(0)
        assert F(int(num), int(den)) == big
    finally:
        sys.set_int_max_str_digits(old)


def test_exact_dot_and_solve_with_dot():
    from recovery.lsa.exact_linalg import _solve_pd_and_dot

    a = [F(1, 3), 2, F(-5, 7)]
    b = [F(3, 4), F(1, 5), 11]
    assert exact_dot(a, b) == sum(x * y for x, y in zip(a, b))
    assert exact_dot([], []) == 0
    with pytest.raises(ValueError, match="same length"):
        exact_dot([1], [1, 2])
    A = np.array([[F(4), F(1)], [F(1), F(3, 2)]], dtype=object)
    h = np.array([F(1, 3), F(2)], dtype=object)
    X, cert, hX = _solve_pd_and_dot(A, h, name="H", min_eig=True)
    assert hX == sum(x * y for x, y in zip(h, X)) and cert.min_eig == pytest.approx(np.linalg.eigvalsh(A.astype(float))[0])
