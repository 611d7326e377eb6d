"""Tests for recovery.lsa.exact_linalg: exact GEMM, exact solve and the exact PD certificate.

Every result is cross-checked against an independent pure-Python computation (numpy object
arrays, Fraction Gaussian elimination, or the reference Bareiss minors of recovery.lsa.optimum).
"""
import sys
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.exact_linalg import (
    PDCertificate,
    _leading_minors,
    _negative_direction,
    certify_positive_definite,
    exact_gemm,
    exact_solve,
    fraction_to_str,
    integer_form,
    solve_positive_definite,
)
from recovery.lsa.optimum import _bareiss

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


def _bareiss_pd(A):
    """Reference verdict: Sylvester's criterion from the pure-Python Bareiss minors."""
    ints, _ = integer_form(np.array(A, dtype=object))
    _, piv = _bareiss([[int(v) for v in row] for row in ints])
    return len(piv) == len(A) and all(p > 0 for p in piv)


def _congruent(rng, diag, shuffle=3):
    """B^T diag(D) B with B integer unit upper triangular: inertia of diag by construction."""
    n = len(diag)
    B = np.eye(n, dtype=object)
    for i in range(n):
        for j in range(i + 1, n):
            B[i, j] = int(rng.integers(-shuffle, shuffle + 1))
    D = np.diag(np.array([F(v) for v in diag], dtype=object))
    return B.T.dot(D).dot(B)


@pytest.mark.parametrize("seed", range(6))
def test_certificate_agrees_with_reference_minors(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    signs = rng.choice([1, 1, 1, -1], size=n) if seed % 2 else np.ones(n, dtype=int)
    diag = [F(int(s) * int(rng.integers(1, 20)), int(rng.integers(1, 9))) for s in signs]
    A = _congruent(rng, diag)
    cert = certify_positive_definite(A)
    assert isinstance(cert, PDCertificate)
    assert cert.positive_definite == all(v > 0 for v in diag) == _bareiss_pd(A)


def test_certificate_methods_each_exact():
    # well-conditioned PD: the cheap congruence certificate
    A = np.array([[F(4), F(1), F(0)], [F(1), F(3), F(1, 2)], [F(0), F(1, 2), F(2)]], dtype=object)
    c = certify_positive_definite(A)
    assert c.positive_definite and c.method == "congruence-gershgorin"
    # singular: an exact null vector
    S = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=object)
    c = certify_positive_definite(S)
    assert not c.positive_definite and c.singular and "singular" in c.reason
    # indefinite: an exact negative direction
    c = certify_positive_definite(np.array([[1, 2], [2, 1]], dtype=object))
    assert not c.positive_definite and c.method == "negative-direction"


def test_certificate_ill_conditioned_falls_back_and_stays_exact():
    """Hilbert(14) (cond ~ 1e19, float Cholesky fails) is PD; a perturbation of its last entry by
    less than its smallest eigenvalue but more than the Schur complement makes it indefinite."""
    n = 14
    Hb = np.array([[F(1, i + j + 1) for j in range(n)] for i in range(n)], dtype=object)
    c = certify_positive_definite(Hb)
    assert c.positive_definite
    assert _bareiss_pd(Hb)
    # the last leading minor ratio: det(H_n)/det(H_{n-1}) is the Schur complement s > 0;
    # subtracting 2 s from H[n-1, n-1] gives a symmetric matrix with det < 0 (not PD)
    ints, L = integer_form(Hb)
    _, piv = _bareiss([[int(v) for v in row] for row in ints])
    s = F(piv[-1], piv[-2]) / L
    Hn = Hb.copy()
    Hn[n - 1, n - 1] = Hn[n - 1, n - 1] - 2 * s
    c2 = certify_positive_definite(Hn)
    assert not c2.positive_definite
    assert not _bareiss_pd(Hn)


def test_leading_minors_and_negative_direction_directly(rng):
    for _ in range(5):
        n = int(rng.integers(1, 7))
        B = rng.integers(-3, 4, size=(n, n))
        M = (B @ B.T - int(rng.integers(0, 3)) * np.eye(n, dtype=np.int64)).astype(object)
        ref = _bareiss_pd(M)
        assert _leading_minors(M).positive_definite == ref
        neg = _negative_direction(M, M.astype(float))
        if neg is not None:  # a negative-direction certificate can only ever disprove
            assert not neg.positive_definite and not ref
    c = _leading_minors(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=object))
    assert not c.positive_definite and "minor 2 is zero" in c.reason
    c = _leading_minors(np.array([[2, 1], [1, -1]], dtype=object))
    assert not c.positive_definite and "minor 2 is negative" in c.reason


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
