"""Tests for recovery.lsa.prompts: layout, determinism, the sampled laws, and bad input."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    Prompts,
    UniformBinaryPrior,
    UniformInit,
    sample_prompts,
)

SETTINGS = [
    (UniformBinaryPrior(), BernoulliInit(0.3)),
    (UniformBinaryPrior(), CorrelatedInit(0.4)),
    (DirichletPrior(4, 0.5), UniformInit()),
    (FixedKernel([[0.1, 0.9], [0.6, 0.4]]), BernoulliInit(0.7)),
    (FixedKernel([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]]), UniformInit()),
]


@pytest.mark.parametrize("prior,init", SETTINGS)
def test_layout_and_types(prior, init):
    B, d, n = 7, 3, 5
    P = sample_prompts(B, d, n, prior=prior, init=init, rng=3)
    assert isinstance(P, Prompts)
    S = prior.num_states
    assert P.Z0.shape == (B, d + 1, n + 1) and P.Z0.dtype == np.float64
    assert P.y.shape == (B,) and P.kernels.shape == (B, S, S)
    assert P.states.shape == (B, n + 1, d + 1) and np.issubdtype(P.states.dtype, np.integer)
    assert P.states.min() >= 0 and P.states.max() <= S - 1
    # context columns are the chains, the query column is x with a zero label slot
    np.testing.assert_array_equal(P.Z0[:, :, :n], np.swapaxes(P.states[:, :n, :], 1, 2))
    np.testing.assert_array_equal(P.Z0[:, :d, n], P.states[:, n, :d])
    assert np.all(P.Z0[:, d, n] == 0)
    np.testing.assert_array_equal(P.y, P.states[:, n, d])
    np.testing.assert_allclose(P.kernels.sum(axis=2), 1.0, atol=1e-12)
    assert (P.batch, P.d, P.n) == (B, d, n)


def test_seeded_determinism():
    a = sample_prompts(5, 2, 4, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=11)
    b = sample_prompts(5, 2, 4, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=np.random.default_rng(11))
    c = sample_prompts(5, 2, 4, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=12)
    np.testing.assert_array_equal(a.Z0, b.Z0)
    assert not np.array_equal(a.kernels, c.kernels)


def test_fixed_kernel_transition_frequencies():
    """Empirical transition frequencies of all chains agree with K within 4 standard errors."""
    K = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]])
    P = sample_prompts(400, 4, 50, prior=FixedKernel(K), init=UniformInit(), rng=5)
    s = P.states
    frm, to = s[:, :, :-1].ravel(), s[:, :, 1:].ravel()
    for r in range(3):
        sel = to[frm == r]
        freq = np.bincount(sel, minlength=3) / sel.size
        se = np.sqrt(K[r] * (1 - K[r]) / sel.size)
        assert np.all(np.abs(freq - K[r]) <= 4 * se), (r, freq, K[r])
    start = np.bincount(s[:, :, 0].ravel(), minlength=3) / s[:, :, 0].size
    assert np.all(np.abs(start - 1 / 3) <= 4 * np.sqrt(2 / 9 / s[:, :, 0].size))


def test_kernel_shared_by_the_chains_of_a_prompt():
    """Per prompt, the transitions of its chains follow that prompt's sampled kernel."""
    P = sample_prompts(20, 3, 3000, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=8)
    s = P.states
    for b in range(20):
        frm, to = s[b, :, :-1].ravel(), s[b, :, 1:].ravel()
        for r in range(2):
            sel = to[frm == r]
            if sel.size < 50:
                continue
            p1 = P.kernels[b, r, 1]
            se = np.sqrt(max(p1 * (1 - p1), 1e-4) / sel.size)
            assert abs(sel.mean() - p1) <= 4.5 * se


def test_uniform_prior_and_bernoulli_start_laws():
    P = sample_prompts(20000, 1, 2, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), rng=9)
    u = P.kernels[:, 0, 1]
    # U(0,1): mean 1/2, var 1/12
    assert abs(u.mean() - 0.5) <= 4 * np.sqrt(1 / 12 / u.size)
    assert abs((u**2).mean() - 1 / 3) <= 4 * np.sqrt((1 / 5 - 1 / 9) / u.size)
    s0 = P.states[:, :, 0].ravel()
    assert abs(s0.mean() - 0.3) <= 4 * np.sqrt(0.21 / s0.size)


def test_dirichlet_rows_moments():
    S, a = 3, 0.7
    P = sample_prompts(20000, 1, 1, prior=DirichletPrior(S, a), init=UniformInit(), rng=10)
    Kr = P.kernels[:, :, 0].reshape(-1)  # first column: independent across rows and prompts
    var = (a * (S * a - a)) / ((S * a) ** 2 * (S * a + 1))
    assert abs(Kr.mean() - 1 / S) <= 4 * np.sqrt(var / Kr.size)
    assert abs(Kr.var() - var) <= 0.05 * var


def test_correlated_start_law():
    g = lambda x: Fraction(1, 5) if x == 0 else Fraction(4, 5)  # noqa: E731
    P = sample_prompts(5000, 1, 20, prior=UniformBinaryPrior(), init=CorrelatedInit(0.4, g), rng=4)
    q0 = P.states[:, 20, 0]
    ctx0 = P.states[:, :20, 0]
    assert abs(q0.mean() - 0.4) <= 4 * np.sqrt(0.24 / q0.size)
    for v, gv in ((0, 0.2), (1, 0.8)):
        sel = ctx0[q0 == v].ravel()
        assert abs(sel.mean() - gv) <= 4 * np.sqrt(gv * (1 - gv) / sel.size)
    # default g(x) = (x - p)^2
    assert CorrelatedInit(0.4).context_prob(0) == pytest.approx(0.16)
    assert CorrelatedInit(Fraction(2, 5)).context_prob(1) == Fraction(9, 25)


@pytest.mark.parametrize(
    "kwargs,exc,word",
    [
        (dict(batch=0), ValueError, "batch"),
        (dict(d=0), ValueError, "d"),
        (dict(n=0), ValueError, "n"),
        (dict(batch=2.5), TypeError, "batch"),
        (dict(rng=None), TypeError, "rng"),
        (dict(prior="uniform"), TypeError, "prior"),
        (dict(init=0.3), TypeError, "init"),
        (dict(prior=DirichletPrior(3, 1.0)), ValueError, "binary"),
    ],
)
def test_sampler_bad_input(kwargs, exc, word):
    args = dict(batch=2, d=2, n=2, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=0)
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        sample_prompts(args.pop("batch"), args.pop("d"), args.pop("n"), **args)


@pytest.mark.parametrize(
    "make,exc,word",
    [
        (lambda: BernoulliInit(0.0), ValueError, "p"),
        (lambda: BernoulliInit(1.0), ValueError, "p"),
        (lambda: BernoulliInit(float("nan")), ValueError, "p"),
        (lambda: CorrelatedInit(1.5), ValueError, "p"),
        (lambda: CorrelatedInit(0.5, lambda x: 2.0), ValueError, "g"),
        (lambda: CorrelatedInit(0.5, 3), TypeError, "g"),
        # audit: values too large for a float must be a ValueError, not an OverflowError
        (lambda: BernoulliInit(10**400), ValueError, "p"),
        (lambda: CorrelatedInit(0.5, lambda x: 10**400), ValueError, "g"),
    ],
)
def test_law_validation(make, exc, word):
    with pytest.raises(exc, match=word):
        make()


def test_prompts_container_validation():
    P = sample_prompts(3, 2, 2, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=0)
    good = dict(Z0=P.Z0, y=P.y, kernels=P.kernels, states=P.states)
    Prompts(**good)
    bad_states = P.states.copy()
    bad_states[0, 0, 0] = 2
    for change, exc, word in [
        (dict(states=bad_states), ValueError, "states must lie"),
        (dict(states=P.states.astype(float)), TypeError, "states"),
        (dict(y=P.y[:2]), ValueError, "y"),
        (dict(Z0=P.Z0.astype(np.float32)), ValueError, "Z0"),
        (dict(Z0=P.Z0.tolist()), TypeError, "Z0"),
        (dict(kernels=np.full_like(P.kernels, np.nan)), ValueError, "kernels"),
        (dict(kernels=P.kernels[:, :1]), ValueError, "kernels"),
    ]:
        with pytest.raises(exc, match=word):
            Prompts(**{**good, **change})
