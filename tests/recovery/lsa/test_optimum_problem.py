"""Tests for recovery.lsa.optimum_problem: prior specs, number parsing and one solved problem."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.optimum import closed_form_optimum
from recovery.lsa.optimum_problem import EXACT_MAX_D, parse_number, prior_from_spec, solve_optimum_problem
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
    UniformInit,
)

F = Fraction


def test_prior_specs():
    assert isinstance(prior_from_spec("uniform"), UniformBinaryPrior)
    fk = prior_from_spec("fixed:1/5,2/5", exact=True)
    assert isinstance(fk, FixedKernel) and fk.K_exact == ((F(4, 5), F(1, 5)), (F(2, 5), F(3, 5)))
    dp = prior_from_spec(" dirichlet:3,0.5 ")
    assert isinstance(dp, DirichletPrior) and dp.num_states == 3 and dp.alpha == 0.5


@pytest.mark.parametrize("spec,word", [("foo", "prior spec must be"), ("fixed:0.5", "fixed:P01,P10"),
                                       ("fixed:0.5,1.5", "P10"), ("dirichlet:3", "dirichlet:S,ALPHA"),
                                       ("dirichlet:x,1", "S must be an integer"), ("fixed:a,0.1", "P01")])
def test_bad_prior_specs(spec, word):
    with pytest.raises(ValueError, match=word):
        prior_from_spec(spec)
    with pytest.raises(TypeError, match="spec"):
        prior_from_spec(3)


def test_parse_number():
    assert parse_number("3/10", "p", True) == F(3, 10)
    assert parse_number(" 0.5", "p", False) == 0.5
    with pytest.raises(ValueError, match="p must be a number"):
        parse_number("abc", "p", False)
    with pytest.raises(ValueError, match="float range"):
        parse_number("1e400", "p", False)


@pytest.mark.parametrize("kw,prior,init", [
    (dict(p="0.3"), UniformBinaryPrior(), BernoulliInit(0.3)),
    (dict(p=0.4, init="correlated"), UniformBinaryPrior(), CorrelatedInit(0.4)),
    (dict(prior="dirichlet:3,0.5"), DirichletPrior(3, 0.5), UniformInit()),
])
def test_solve_matches_the_library_calls(kw, prior, init):
    prob = solve_optimum_problem(2, 7, **kw)
    q = population_quadratic(2, 7, prior=prior, init=init)
    np.testing.assert_allclose(prob.quad.H, q.H, rtol=1e-13)
    assert prob.opt.ftilde_star == pytest.approx(closed_form_optimum(q).ftilde_star, rel=1e-10)


def test_exact_problem_and_d1_realization():
    prob = solve_optimum_problem(1, 5, p="3/10", exact=True)
    assert list(prob.quad.h) == [F(9, 200), F(3, 100), F(33, 400)] and prob.p == F(3, 10)
    ok, ba = prob.realization_d1()
    assert ok is False and ba is None  # X* is not realisable for n = 5, p = 3/10
    ok, (b, A) = solve_optimum_problem(1, 100, p="0.3").realization_d1()
    assert ok and b.shape == (2,) and A.shape == (2, 1)
    with pytest.raises(ValueError, match="d = 1"):
        solve_optimum_problem(2, 3, p="0.3").realization_d1()


@pytest.mark.parametrize("kw,exc,word", [
    (dict(d=EXACT_MAX_D + 1, exact=True, p="0.3"), ValueError, "exact mode supports d <="),
    (dict(p="1.2"), ValueError, "open interval"),
    (dict(p="0.3", init="weird"), ValueError, "init"),
    (dict(p="0.3", exact=1), TypeError, "exact"),
    (dict(), ValueError, "p is required"),
    (dict(d=0, p="0.3"), ValueError, "d"),
])
def test_bad_arguments_name_the_parameters(kw, exc, word):
    args = dict(d=1, n=3)
    args.update(kw)
    with pytest.raises(exc, match=word) as info:
        solve_optimum_problem(args.pop("d"), args.pop("n"), **args)
    assert "--" not in str(info.value)
