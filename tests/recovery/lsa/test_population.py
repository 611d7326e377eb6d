"""Tests for recovery.lsa.population: exact vs float vs Monte Carlo vs brute force, and bad input."""
import itertools
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.population import (
    Quadratic,
    factorised_quadratic,
    monte_carlo_quadratic,
    population_quadratic,
)
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
    UniformInit,
    sample_prompts,
)

F = Fraction


def _rel_err(qe: Quadratic, qf: Quadratic) -> float:
    """Largest entrywise relative error (exact zeros must come out below 1e-15 * max entry)."""
    e = qe.to_float()
    worst = 0.0
    for a, b in ((e.H, qf.H), (e.h, qf.h), (np.array([e.c]), np.array([qf.c]))):
        nz = a != 0
        worst = max(worst, float(np.max(np.abs(a[nz] - b[nz]) / np.abs(a[nz]), initial=0.0)))
        if np.any(~nz):
            worst = max(worst, float(np.abs(b[~nz]).max() / np.abs(a).max() * 1e-3))
    return worst


EXACT_CASES = [
    ("binary iid d1", UniformBinaryPrior(), BernoulliInit(F(3, 10)), 1, 4),
    ("binary iid d3", UniformBinaryPrior(), BernoulliInit(F(2, 7)), 3, 9),
    ("binary corr d2", UniformBinaryPrior(), CorrelatedInit(F(2, 5)), 2, 5),
    ("fixed S2", FixedKernel([[F(1, 3), F(2, 3)], [F(1, 4), F(3, 4)]]), BernoulliInit(F(1, 5)), 3, 2),
    ("fixed S3", FixedKernel([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]]), UniformInit(), 2, 3),
    ("dirichlet S3", DirichletPrior(3, F(1, 2)), UniformInit(), 2, 4),
    ("dirichlet S2 corr", DirichletPrior(2, F(3, 2)), CorrelatedInit(F(1, 3)), 2, 3),
]


@pytest.mark.parametrize("name,prior,init,d,n", EXACT_CASES, ids=[c[0] for c in EXACT_CASES])
@pytest.mark.parametrize("fn", [population_quadratic, factorised_quadratic])
def test_exact_vs_float(name, prior, init, d, n, fn):
    qe = fn(d, n, prior=prior, init=init, exact=True)
    assert qe.exact and all(isinstance(v, Fraction) for v in qe.H.flat) and isinstance(qe.c, Fraction)
    qf = fn(d, n, prior=prior, init=init)
    assert not qf.exact and qf.H.dtype == np.float64
    assert _rel_err(qe, qf) <= 1e-12
    # H is symmetric, exactly
    assert np.all(qe.H == qe.H.T)


def _brute_force_fixed(K, pi, d, n):
    """Independent exact (H, h, c): enumerate every joint state of the n+1 chains."""
    S = len(K)
    m = (d + 1) * (d + 2) // 2
    dm = d * m
    H = [[F(0)] * dm for _ in range(dm)]
    h = [F(0)] * dm
    c = F(0)
    chains = list(itertools.product(range(S), repeat=d + 1))
    cprob = []
    for z in chains:
        pr = F(pi[z[0]])
        for t in range(d):
            pr *= K[z[t]][z[t + 1]]
        cprob.append(pr)
    for combo in itertools.product(range(len(chains)), repeat=n + 1):
        pr = F(1)
        for k in combo:
            pr *= cprob[k]
        if pr == 0:
            continue
        ctx = [chains[k] for k in combo[:n]]
        q = chains[combo[n]]
        G = [[F(sum(z[u] * z[v] for z in ctx), n) for v in range(d + 1)] for u in range(d + 1)]
        g = [G[u][v] for u in range(d + 1) for v in range(u, d + 1)]
        feat = [q[j] * gv for j in range(d) for gv in g]
        y = q[d]
        for r in range(dm):
            if feat[r] == 0:
                continue
            h[r] += pr * y * feat[r]
            for s in range(dm):
                H[r][s] += pr * feat[r] * feat[s]
        c += pr * y * y
    return H, h, c


@pytest.mark.parametrize(
    "K,pi,d,n",
    [
        ([[F(1, 3), F(2, 3)], [F(1, 4), F(3, 4)]], [F(4, 5), F(1, 5)], 2, 2),
        ([[F(1, 2), F(1, 2)], [F(1, 10), F(9, 10)]], [F(1, 2), F(1, 2)], 2, 1),
        ([[F(1, 2), F(1, 2)], [F(1, 10), F(9, 10)]], [F(1, 3), F(2, 3)], 1, 3),
        ([[F(1, 5), F(3, 10), F(1, 2)], [F(1, 10), F(1, 10), F(4, 5)], [F(3, 5), F(1, 5), F(1, 5)]],
         [F(1, 3)] * 3, 1, 2),
    ],
)
def test_fixed_kernel_vs_brute_force(K, pi, d, n):
    S = len(K)
    init = UniformInit() if S > 2 or pi[0] == F(1, 2) else BernoulliInit(pi[1])
    q = population_quadratic(d, n, prior=FixedKernel(K), init=init, exact=True)
    H, h, c = _brute_force_fixed(K, pi, d, n)
    assert q.c == c
    assert list(q.h) == h
    assert [list(r) for r in q.H] == H


def test_factorised_differs_and_monte_carlo_sides_with_conditional():
    """d = 2, uniform binary prior: the paper's factorised H is wrong; MC z-scores show it."""
    d, n = 2, 3
    args = dict(prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    cond = population_quadratic(d, n, **args)
    fact = factorised_quadratic(d, n, **args)
    assert np.abs(cond.H - fact.H).max() > 1e-3
    est, se = monte_carlo_quadratic(d, n, num_prompts=60000, rng=7, **args)
    z_cond = np.abs(est.H - cond.H) / se.H
    z_fact = np.abs(est.H - fact.H) / se.H
    assert z_cond.max() < 4.5
    assert z_fact.max() > 10.0
    # and the factorised h is off too (query label and context share the kernel)
    assert (np.abs(est.h - fact.h) / se.h).max() > 10.0


def test_factorised_H_equals_conditional_for_d1_but_h_does_not():
    args = dict(prior=UniformBinaryPrior(), init=BernoulliInit(F(1, 3)), exact=True)
    cond = population_quadratic(1, 4, **args)
    fact = factorised_quadratic(1, 4, **args)
    assert np.all(cond.H == fact.H)  # E[x^2 | K] = p does not depend on K
    assert not np.all(cond.h == fact.h)


def test_fixed_kernel_factorised_equals_conditional():
    """With a fixed kernel there is nothing to share: both variants coincide exactly."""
    args = dict(prior=FixedKernel([[F(1, 3), F(2, 3)], [F(1, 4), F(3, 4)]]), init=BernoulliInit(F(1, 5)), exact=True)
    a = population_quadratic(2, 3, **args)
    b = factorised_quadratic(2, 3, **args)
    assert np.all(a.H == b.H) and np.all(a.h == b.h)


def test_ftilde_is_the_mean_squared_error(rng):
    d, n = 2, 6
    prior, init = UniformBinaryPrior(), BernoulliInit(0.6)
    q = population_quadratic(d, n, prior=prior, init=init)
    X = rng.normal(size=q.dim)
    P = sample_prompts(40000, d, n, prior=prior, init=init, rng=rng)
    from recovery.lsa.reparam import features

    loss = (features(P.Z0) @ X - P.y) ** 2
    assert abs(loss.mean() - q.ftilde(X)) <= 4 * loss.std() / np.sqrt(loss.size)
    Xe = np.array([F(int(v * 8), 8) for v in X], dtype=object)
    qe = population_quadratic(d, n, prior=prior, init=BernoulliInit(F(3, 5)), exact=True)
    val = qe.ftilde(Xe)
    assert isinstance(val, Fraction)
    assert abs(float(val) - qe.to_float().ftilde(Xe.astype(float))) <= 1e-12 * abs(float(val))


@pytest.mark.parametrize(
    "call,exc,word",
    [
        (lambda: population_quadratic(0, 3, prior=UniformBinaryPrior(), init=BernoulliInit(0.3)), ValueError, "d"),
        (lambda: population_quadratic(1, 0, prior=UniformBinaryPrior(), init=BernoulliInit(0.3)), ValueError, "n"),
        (lambda: population_quadratic(1, 2, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), exact=1), TypeError, "exact"),
        (lambda: population_quadratic(1, 2, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), exact=True), TypeError, r"p must .*got float 0\.3"),
        (lambda: population_quadratic(1, 2, prior=UniformBinaryPrior(), init=CorrelatedInit(F(1, 3), lambda x: 0.25), exact=True), TypeError, "g"),
        (lambda: population_quadratic(1, 2, prior=DirichletPrior(3, 0.5), init=UniformInit(), exact=True), TypeError, "alpha"),
        (lambda: population_quadratic(1, 2, prior=DirichletPrior(3, 1), init=BernoulliInit(0.3)), ValueError, "binary"),
        (lambda: population_quadratic(6, 2, prior=DirichletPrior(4, 1), init=UniformInit()), ValueError, "Monte Carlo|monte_carlo"),
        (lambda: population_quadratic(1, 2, prior="uniform", init=BernoulliInit(0.3)), TypeError, "prior"),
    ],
)
def test_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()


# --------------------------------------------------------------------------- independent quadrature
# Independent cross-check of the exact uniform-prior quadratic (audit). Nothing from
# recovery.lsa.population is used except the function under test: for a fixed binary kernel
# K = [[1-a, a], [b, 1-b]] we enumerate EVERY joint state of the query chain and all n context
# chains (2^((d+1)(n+1)) configurations), so H(a,b) = sum_config P(config | a,b) F F^T directly
# from the definition ftilde(X) = E[((x kron g)^T X - y)^2] (no moment formulas, no conditioning
# trick). P(config | a,b) = start weight * (1-a)^n00 a^n01 b^n10 (1-b)^n11, where n_rs counts the
# r -> s transitions of all n+1 chains together: a polynomial of degree <= d(n+1) in EACH of a, b.
# The uniform prior integrates (a, b) over [0,1]^2. A tensor Gauss-Legendre rule with N nodes per
# axis integrates polynomials of degree <= 2N-1 in each variable exactly, so N = d(n+1)//2 + 1
# gives the exact integral up to rounding. (A separate scipy dblquad check below guards this
# degree argument itself.)


def _config_table(d: int, n: int):
    """All joint configurations: states (N, n+1, d+1) (chain n is the query) and features (N, dm)."""
    from recovery.lsa.reparam import features

    L = (n + 1) * (d + 1)
    bits = ((np.arange(2**L)[:, None] >> np.arange(L)) & 1).reshape(-1, n + 1, d + 1)
    Z0 = np.transpose(bits, (0, 2, 1)).astype(np.float64).copy()  # (N, d+1, n+1)
    y = Z0[:, d, n].copy()
    Z0[:, d, n] = 0.0  # the label is masked in the prompt
    trans = bits[:, :, :-1] * 2 + bits[:, :, 1:]  # code r*2+s of every transition
    counts = np.stack([(trans == k).sum(axis=(1, 2)) for k in range(4)], axis=1)  # n00,n01,n10,n11
    return bits, features(Z0), y, counts


def _start_weights(bits: np.ndarray, p: float, g=None) -> np.ndarray:
    n = bits.shape[1] - 1
    q0 = bits[:, n, 0]
    w = np.where(q0 == 1, p, 1 - p)
    for i in range(n):
        pc = p if g is None else np.where(q0 == 1, g(1), g(0))
        w = w * np.where(bits[:, i, 0] == 1, pc, 1 - pc)
    return w


def _trans_prob(counts: np.ndarray, a, b):
    return (1 - a) ** counts[:, 0] * a ** counts[:, 1] * b ** counts[:, 2] * (1 - b) ** counts[:, 3]


def _quadrature_quadratic(d: int, n: int, p: float, g=None):
    bits, Fm, y, counts = _config_table(d, n)
    sw = _start_weights(bits, p, g)
    N = d * (n + 1) // 2 + 1  # exact for per-variable degree d(n+1) <= 2N-1
    t, wt = np.polynomial.legendre.leggauss(N)
    t, wt = (t + 1) / 2, wt / 2  # rule on [0, 1]
    prob = np.zeros(len(y))
    for ta, wa in zip(t, wt):
        for tb, wb in zip(t, wt):
            prob += wa * wb * _trans_prob(counts, ta, tb)
    prob *= sw
    assert abs(prob.sum() - 1.0) < 1e-12  # a probability law over the configurations
    H = (Fm * prob[:, None]).T @ Fm
    h = Fm.T @ (prob * y)
    c = float(prob @ (y * y))
    return H, h, c, (Fm, y, sw, counts)


QUAD_CASES = [
    (1, 1, F(3, 10), None), (1, 3, F(1, 2), None), (2, 1, F(2, 7), None), (2, 3, F(3, 5), None),
    (1, 2, F(2, 5), "corr"), (2, 2, F(1, 3), "corr"), (2, 3, F(3, 10), "corr"),
]


@pytest.mark.parametrize("d,n,p,kind", QUAD_CASES)
def test_uniform_prior_exact_vs_independent_quadrature(d, n, p, kind):
    if kind == "corr":
        gfun = lambda x: F(1, 5) + F(3, 5) * x  # noqa: E731  (a non-default g, exact values)
        init = CorrelatedInit(p, gfun)
        g = lambda x: float(gfun(x))  # noqa: E731
    else:
        init, g = BernoulliInit(p), None
    q = population_quadratic(d, n, prior=UniformBinaryPrior(), init=init, exact=True)
    H, h, c, _ = _quadrature_quadratic(d, n, float(p), g)
    qf = q.to_float()
    assert np.abs(qf.H - H).max() <= 1e-10 * max(1.0, np.abs(H).max())
    assert np.abs(qf.h - h).max() <= 1e-10
    assert abs(qf.c - c) <= 1e-10
    # and the fixed-kernel conditional at one interior (a, b) agrees with the same enumeration
    a_, b_ = F(1, 5), F(7, 10)
    qk = population_quadratic(d, n, prior=FixedKernel([[1 - a_, a_], [b_, 1 - b_]]), init=init, exact=True)
    bits, Fm, y, counts = _config_table(d, n)
    prob = _start_weights(bits, float(p), g) * _trans_prob(counts, float(a_), float(b_))
    Hk = (Fm * prob[:, None]).T @ Fm
    assert np.abs(qk.to_float().H - Hk).max() <= 1e-12


def test_gauss_legendre_degree_argument_against_dblquad():
    """scipy dblquad (adaptive, no degree assumption) reproduces c and u^T H u for d = 2, n = 1."""
    from scipy.integrate import dblquad

    d, n, p = 2, 1, 0.3
    H, h, c, (Fm, y, sw, counts) = _quadrature_quadratic(d, n, p)
    u = np.random.default_rng(5).standard_normal(H.shape[0])
    fu = (Fm @ u) ** 2

    def integrand(b, a, vals):
        return float(sw @ (_trans_prob(counts, a, b) * vals))

    for vals, ref in ((y * y, c), (fu, u @ H @ u), (y * (Fm @ u), h @ u)):
        val, err = dblquad(integrand, 0, 1, 0, 1, args=(vals,), epsabs=1e-13, epsrel=1e-12)
        assert abs(val - ref) <= 1e-10 * max(1.0, abs(ref))


# --------------------------------------------------------------------------- python-flint path
# The python-flint path against the pure-Python reference: tests/recovery/lsa/test_exact_quadratic.py.


def test_exact_flint_vs_float_d8():
    qe = population_quadratic(7, 9, prior=UniformBinaryPrior(), init=BernoulliInit(F(1, 4)), exact=True)
    qf = population_quadratic(7, 9, prior=UniformBinaryPrior(), init=BernoulliInit(0.25))
    assert _rel_err(qe, qf) <= 1e-12
