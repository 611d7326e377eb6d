"""Tests for recovery.lsa.optimum: X* = H^-1 h, Lemma 3.1, d = 1 realisability and paper Thm 3.3."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.optimum import (
    Optimum,
    closed_form_optimum,
    lemma_3_1,
    realizable_d1,
    realize_d1,
    thm33_check,
    thm33_h,
)
from recovery.lsa.population import Quadratic, population_quadratic
from recovery.lsa.prompts import BernoulliInit, CorrelatedInit, DirichletPrior, UniformBinaryPrior
from recovery.lsa.reparam import phi

F = Fraction


@pytest.mark.parametrize("p", [F(1, 10), F(3, 10), F(1, 2), F(7, 9)])
@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_thm33_h_reproduced_exactly(p, n):
    """Paper Thm 3.3: h = [p^2/2, p^2/3, p^2/12 + p/4] for d = 1, i.i.d. starts (exact rationals)."""
    q = population_quadratic(1, n, prior=UniformBinaryPrior(), init=BernoulliInit(p), exact=True)
    assert list(q.h) == [p * p / 2, p * p / 3, p * p / 12 + p / 4]
    assert list(thm33_h(p)) == list(q.h)
    # the same from the independent Dirichlet(1, 1) path enumeration
    q2 = population_quadratic(1, n, prior=DirichletPrior(2, 1), init=BernoulliInit(p), exact=True)
    assert list(q2.h) == list(q.h)


def test_thm33_h_float():
    np.testing.assert_allclose(thm33_h(0.3), [0.045, 0.03, 0.0825], rtol=1e-15)
    with pytest.raises(ValueError, match="p"):
        thm33_h(1.0)


@pytest.mark.parametrize(
    "d,n,init",
    [(1, 5, BernoulliInit(F(3, 10))), (2, 4, BernoulliInit(F(1, 3))), (2, 6, CorrelatedInit(F(2, 5)))],
)
def test_exact_optimum_solves_normal_equations(d, n, init):
    q = population_quadratic(d, n, prior=UniformBinaryPrior(), init=init, exact=True)
    opt = closed_form_optimum(q)
    assert isinstance(opt, Optimum) and opt.exact
    X = np.array(opt.X_star_exact, dtype=object)
    assert np.all(q.H.dot(X) == q.h)  # exact gradient zero
    assert opt.ftilde_star_exact == q.ftilde(X)
    assert opt.ftilde_star_exact == q.c - q.h.dot(X)
    # float solve agrees
    of = closed_form_optimum(q.to_float())
    assert np.abs(of.X_star - opt.X_star).max() <= 1e-9 * np.abs(opt.X_star).max()
    assert abs(of.ftilde_star - opt.ftilde_star) <= 1e-12
    assert lemma_3_1(q).positive_definite and lemma_3_1(q).certified_exact


def test_float_optimum_is_a_minimum(rng):
    q = population_quadratic(3, 20, prior=UniformBinaryPrior(), init=BernoulliInit(0.4))
    opt = closed_form_optimum(q)
    np.testing.assert_allclose(q.H @ opt.X_star, q.h, atol=1e-11)
    assert opt.ftilde_star == pytest.approx(q.ftilde(opt.X_star), abs=1e-12)
    for _ in range(5):
        delta = rng.normal(size=q.dim) * 1e-2
        assert q.ftilde(opt.X_star + delta) > opt.ftilde_star
    lem = lemma_3_1(q)
    assert lem.positive_definite and lem.min_eig == pytest.approx(opt.min_eig_H)
    assert lem.min_eig == pytest.approx(np.linalg.eigvalsh(q.H)[0])


def _quad(H, h):
    return Quadratic(H=np.array(H, dtype=float), h=np.array(h, dtype=float), c=1.0)


def test_singular_or_indefinite_H_raises():
    with pytest.raises(ValueError, match="positive definite"):
        closed_form_optimum(_quad(np.zeros((3, 3)), np.ones(3)))
    with pytest.raises(ValueError, match="positive definite"):
        closed_form_optimum(_quad(np.diag([1.0, -1.0, 2.0]), np.ones(3)))
    v = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive definite"):
        closed_form_optimum(_quad(np.outer(v, v), v))  # rank one
    He = np.array([[F(1), F(1), F(0)], [F(1), F(1), F(0)], [F(0), F(0), F(1)]], dtype=object)
    qe = Quadratic(H=He, h=np.array([F(1)] * 3, dtype=object), c=F(0), exact=True)
    assert not lemma_3_1(qe).positive_definite
    with pytest.raises(ValueError, match="singular"):
        closed_form_optimum(qe)
    with pytest.raises(TypeError, match="quad"):
        closed_form_optimum(np.eye(3))


def test_realize_d1_round_trip(rng):
    for _ in range(30):
        b = rng.normal(size=2)
        A = rng.normal(size=(2, 1))
        X = phi(b, A)
        assert realizable_d1(X)
        b2, A2 = realize_d1(X)
        np.testing.assert_allclose(phi(b2, A2), X, atol=1e-10 * max(1, np.abs(X).max()))


def test_realize_d1_edge_cases_and_rejections():
    for X in ([0.0, 0.0, 2.5], [0.0, 1.5, -2.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0]):
        b, A = realize_d1(X)
        np.testing.assert_allclose(phi(b, A), X, atol=1e-14)
    assert not realizable_d1([1.0, 0.0, 1.0])  # 0 < 4
    with pytest.raises(ValueError, match="not realisable"):
        realize_d1([1.0, 0.5, 1.0])
    # exact: perfect-square discriminant gives an exact rational realisation
    X = [F(1, 2), F(5, 2), F(2)]  # disc = 25/4 - 4 = 9/4
    b, A = realize_d1(X)
    assert isinstance(b[1], Fraction)
    Xb = [b[0] * A[0, 0], b[0] * A[1, 0] + b[1] * A[0, 0], b[1] * A[1, 0]]
    assert Xb == X
    assert realizable_d1([F(1), F(2), F(1)]) and not realizable_d1([F(1), F(2), F(1) + F(1, 10**30)])
    with pytest.raises(ValueError, match="shape"):
        realizable_d1([1.0, 2.0])


def test_thm33_check_matches_independent_discriminant():
    """Whether X* is realisable (X_2^2 >= 4 X_1 X_3) is computed, not assumed."""
    for p in (F(1, 10), F(1, 2)):
        for n in (1, 3, 50):
            r = thm33_check(p, n)
            assert r.h_matches_paper
            q = population_quadratic(1, n, prior=DirichletPrior(2, 1), init=BernoulliInit(p), exact=True)
            X = closed_form_optimum(q).X_star_exact
            disc = X[1] ** 2 - 4 * X[0] * X[2]
            assert r.discriminant == disc
            assert r.realizable == (disc >= 0)
    # the computation says: for n = 1 the unconstrained optimum is NOT realisable (any p)
    assert not thm33_check(F(3, 10), 1).realizable
    assert thm33_check(F(3, 10), 100).realizable


def _det_fraction(M):
    """Exact determinant by Fraction Gaussian elimination with row pivoting (independent)."""
    A = [[Fraction(v) for v in row] for row in M]
    n, det = len(A), Fraction(1)
    for k in range(n):
        piv = next((r for r in range(k, n) if A[r][k] != 0), None)
        if piv is None:
            return Fraction(0)
        if piv != k:
            A[k], A[piv] = A[piv], A[k]
            det = -det
        det *= A[k][k]
        for r in range(k + 1, n):
            f = A[r][k] / A[k][k]
            A[r] = [a - f * b for a, b in zip(A[r], A[k])]
    return det


def test_bareiss_pivots_are_the_leading_principal_minors():
    from recovery.lsa.optimum import _bareiss

    rng = np.random.default_rng(4)
    for n in (1, 3, 6):
        B = rng.integers(-4, 5, size=(n, n))
        M = (B @ B.T + np.eye(n, dtype=np.int64)).tolist()  # integer SPD
        _, piv = _bareiss([list(map(int, r)) for r in M])
        assert piv == [_det_fraction([r[:k] for r in M[:k]]) for k in range(1, n + 1)]
    # a zero pivot stops early (singular leading block)
    _, piv = _bareiss([[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    assert piv == [1, 0]


# --------------------------------------------------------------------------- python-flint exact path
# closed_form_optimum (exact PD certificate + FLINT's exact solve) against the previous
# pure-Python fraction-free elimination, kept as recovery.lsa.optimum._exact_solve_pd_reference:
# identical rationals on the iid, correlated and Dirichlet priors.

import os  # noqa: E402

from recovery.lsa.optimum import _exact_solve_pd, _exact_solve_pd_reference  # noqa: E402

_SLOW = pytest.mark.skipif(not os.environ.get("LSAHARD_SLOW"), reason="set LSAHARD_SLOW=1 for d = 6 (~70 s)")

PRIORS = [
    ("iid", UniformBinaryPrior(), BernoulliInit(F(3, 10))),
    ("correlated", UniformBinaryPrior(), CorrelatedInit(F(2, 5))),
    ("dirichlet", DirichletPrior(2, F(1, 2)), BernoulliInit(F(1, 3))),
]


def _check_new_vs_reference(d, prior, init, n=5):
    q = population_quadratic(d, n, prior=prior, init=init, exact=True)
    X_ref, piv = _exact_solve_pd_reference(q.H, q.h)
    opt = closed_form_optimum(q)
    assert list(opt.X_star_exact) == X_ref
    assert opt.ftilde_star_exact == q.c - q.h.dot(np.array(X_ref, dtype=object))
    assert opt.pd_certificate == "congruence-gershgorin"
    assert all(p > 0 for p in piv)  # the reference's own (Sylvester) certificate agrees
    # the exact X* is a stationary point, exactly
    assert np.all(q.H.dot(np.array(opt.X_star_exact, dtype=object)) == q.h)


@pytest.mark.parametrize("name,prior,init", PRIORS, ids=[p[0] for p in PRIORS])
@pytest.mark.parametrize("d", [1, 3, 5])
def test_flint_optimum_identical_to_reference(name, prior, init, d):
    _check_new_vs_reference(d, prior, init)


@_SLOW
@pytest.mark.parametrize("name,prior,init", PRIORS, ids=[p[0] for p in PRIORS])
def test_flint_optimum_identical_to_reference_d6(name, prior, init):
    _check_new_vs_reference(6, prior, init)


def test_exact_vs_float_optimum_d8():
    qe = population_quadratic(8, 20, prior=UniformBinaryPrior(), init=BernoulliInit(F(1, 2)), exact=True)
    oe = closed_form_optimum(qe)
    of = closed_form_optimum(population_quadratic(8, 20, prior=UniformBinaryPrior(), init=BernoulliInit(0.5)))
    assert np.abs(oe.X_star - of.X_star).max() <= 1e-7 * np.abs(oe.X_star).max()
    assert abs(oe.ftilde_star - of.ftilde_star) <= 1e-10
    assert float(oe.ftilde_star_exact) == oe.ftilde_star
    js = oe.to_json()  # exact strings of X* are far beyond Python's 4300-digit str limit
    assert js["pd_certificate"] == "congruence-gershgorin" and len(js["X_star_exact"]) == qe.dim


def test_exact_not_pd_messages_and_lemma_certificate():
    # indefinite rational H: refused with an exact reason
    He = np.array([[F(1), F(2), F(0)], [F(2), F(1), F(0)], [F(0), F(0), F(1)]], dtype=object)
    qe = Quadratic(H=He, h=np.array([F(1)] * 3, dtype=object), c=F(0), exact=True)
    with pytest.raises(ValueError, match="not positive definite.*exact check"):
        closed_form_optimum(qe)
    with pytest.raises(ValueError, match="not positive definite"):
        _exact_solve_pd(qe.H, qe.h)
    with pytest.raises(ValueError, match="negative"):
        _exact_solve_pd_reference(qe.H, qe.h)
    lem = lemma_3_1(qe)
    assert not lem.positive_definite and lem.certified_exact and lem.certificate
    q = population_quadratic(3, 4, prior=UniformBinaryPrior(), init=BernoulliInit(F(1, 3)), exact=True)
    lem = lemma_3_1(q)
    assert lem.positive_definite and lem.certificate == "congruence-gershgorin"
    assert lemma_3_1(q.to_float()).certificate == ""
    # an exactly non-symmetric H cannot be certified
    Hn = np.array([[F(2), F(1), F(0)], [F(0), F(2), F(0)], [F(0), F(0), F(1)]], dtype=object)
    with pytest.raises(ValueError, match="symmetric"):
        closed_form_optimum(Quadratic(H=Hn, h=np.array([F(1)] * 3, dtype=object), c=F(0), exact=True))
