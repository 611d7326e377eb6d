"""Tests for recovery.lsa.pd_certificate: every verdict against the pure-Python Bareiss minors."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.flint_matrices import integer_form
from recovery.lsa.optimum import _bareiss
from recovery.lsa.pd_certificate import PDCertificate, _leading_minors, _negative_direction, certify_positive_definite

F = Fraction


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


@pytest.mark.parametrize("n", [1, 2, 3, 8, 40])
def test_min_eig_on_request_matches_lapack(n):
    rng = np.random.default_rng(n)
    B = rng.integers(-5, 6, size=(n, n))
    A = np.array([[F(int(v), 7) for v in row] for row in (B @ B.T + np.eye(n, dtype=np.int64))], dtype=object)
    cert = certify_positive_definite(A, min_eig=True)
    assert cert.positive_definite and cert.min_eig is not None
    assert cert.min_eig == pytest.approx(np.linalg.eigvalsh(A.astype(float))[0], rel=1e-9)
    assert certify_positive_definite(A).min_eig is None
    # not positive definite: the lowest eigenvalue still comes from LAPACK
    A[0, 0] = F(-1)
    cert = certify_positive_definite(A, min_eig=True)
    assert not cert.positive_definite
    assert cert.min_eig == pytest.approx(np.linalg.eigvalsh(A.astype(float))[0], rel=1e-9)
    with pytest.raises(TypeError, match="min_eig"):
        certify_positive_definite(A, min_eig=1)
