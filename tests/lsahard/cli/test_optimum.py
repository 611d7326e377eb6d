"""Tests for ``lsahard optimum``."""
import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from lsahard.cli import main
from recovery.lsa.optimum import closed_form_optimum, realizable_d1
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
    UniformInit,
)

KEYS = {"d", "n", "p", "m", "H", "h", "c", "X_star", "ftilde_star", "min_eig_H", "realizable"}


def _run_json(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    return json.loads(out)


def test_json_matches_library_d1(capsys):
    obj = _run_json(capsys, ["optimum", "--d", "1", "--n", "100", "--p", "0.3", "--json"])
    assert KEYS <= set(obj)
    q = population_quadratic(1, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    opt = closed_form_optimum(q)
    np.testing.assert_allclose(obj["H"], q.H, rtol=1e-14)
    np.testing.assert_allclose(obj["X_star"], opt.X_star, rtol=1e-12)
    assert obj["m"] == 3 and obj["d"] == 1 and obj["n"] == 100 and obj["p"] == 0.3
    assert obj["realizable"] is realizable_d1(opt.X_star) is True
    b, A = np.array(obj["realization"]["b"]), np.array(obj["realization"]["A"])
    from recovery.lsa.reparam import phi

    np.testing.assert_allclose(phi(b, A), opt.X_star, atol=1e-10)


def test_exact_json_has_fractions(capsys):
    obj = _run_json(capsys, ["optimum", "--d", "1", "--n", "5", "--p", "3/10", "--exact", "--json"])
    assert [Fraction(s) for s in obj["h_exact"]] == [Fraction(9, 200), Fraction(3, 100), Fraction(33, 400)]
    q = population_quadratic(1, 5, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(3, 10)), exact=True)
    opt = closed_form_optimum(q)
    assert [Fraction(s) for s in obj["X_star_exact"]] == list(opt.X_star_exact)
    assert Fraction(obj["ftilde_star_exact"]) == opt.ftilde_star_exact
    assert obj["realizable"] is False  # computed: X* is not realisable for n = 5, p = 3/10


@pytest.mark.parametrize(
    "extra,prior,init",
    [
        (["--p", "0.3", "--prior", "fixed:0.2,0.4"], FixedKernel([[0.8, 0.2], [0.4, 0.6]]), BernoulliInit(0.3)),
        (["--prior", "dirichlet:3,0.5"], DirichletPrior(3, 0.5), UniformInit()),
        (["--p", "0.4", "--init", "correlated"], UniformBinaryPrior(), CorrelatedInit(0.4)),
    ],
)
def test_prior_and_init_flags(capsys, extra, prior, init):
    obj = _run_json(capsys, ["optimum", "--d", "2", "--n", "7", "--json", *extra])
    q = population_quadratic(2, 7, prior=prior, init=init)
    np.testing.assert_allclose(obj["h"], q.h, rtol=1e-13)
    assert obj["ftilde_star"] == pytest.approx(closed_form_optimum(q).ftilde_star, rel=1e-10)
    assert obj["realizable"] in (True, False, None)


def test_text_summary(capsys):
    assert main(["optimum", "--d", "1", "--n", "10", "--p", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "ftilde*" in out and "realizable" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--d", "0", "--n", "3", "--p", "0.3"],
        ["--d", "1", "--n", "0", "--p", "0.3"],
        ["--d", "1", "--n", "3", "--p", "1.2"],
        ["--d", "1", "--n", "3", "--p", "abc"],
        ["--d", "1", "--n", "3"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--prior", "foo"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:3,0"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:1,1"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--prior", "dirichlet:3,1"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--prior", "fixed:0.5"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--prior", "fixed:0.5,1.5"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--init", "weird"],
        ["--d", "x", "--n", "3", "--p", "0.3"],
        # audit additions: NaN/inf/overflowing numbers, negative alpha, S = 0, malformed specs
        ["--d", "1", "--n", "3", "--p", "nan"],
        ["--d", "1", "--n", "3", "--p", "inf"],
        ["--d", "1", "--n", "3", "--p", "0"],
        ["--d", "1", "--n", "3", "--p", "1e400"],
        ["--d", "1", "--n", "3", "--p", "1e400", "--exact"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--prior", "fixed:1e400,0.5"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--prior", "fixed:0.5,nan"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:3,1e400"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:3,1e400", "--exact"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:3,-1"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:3,inf"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:0,1"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:x,1"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:3"],
        ["--d", "1", "--n", "3", "--prior", "dirichlet:3,1", "--init", "correlated"],
        ["--d", "-2", "--n", "3", "--p", "0.3"],
        ["--d", "1", "--n", "3", "--p", "0.3", "--prior", "fixed:1,1"],  # singular H: clear error
        ["--d", "4", "--n", "3", "--prior", "dirichlet:4,1"],  # enumeration too large: clear error
        ["--d", "13", "--n", "3", "--p", "0.3", "--exact"],  # the exact solve would run for hours
        ["--d", "13", "--n", "3", "--p", "0.3", "--prior", "fixed:0.2,0.4", "--exact"],
        ["--d", "2000", "--n", "3", "--p", "0.3"],  # refused by the library's memory budget
        ["--d", "2", "--n", "3", "--p", "0.3", "--max-bytes", "abc"],
        ["--d", "2", "--n", "3", "--p", "0.3", "--max-bytes", "0"],
        ["--d", "2", "--n", "3", "--p", "0.3", "--max-bytes", "-5"],
        ["--d", "2", "--n", "3", "--p", "0.3", "--max-bytes", "nan"],
    ],
)
def test_bad_flags_exit_2_one_line(capsys, argv):
    assert main(["optimum", *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "error" in err
    assert "Traceback" not in err


def test_subprocess_json():
    r = subprocess.run(
        [sys.executable, "-m", "lsahard.cli", "optimum", "--d", "2", "--n", "4", "--p", "1/3", "--exact", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert KEYS <= set(obj) and obj["m"] == 6 and len(obj["X_star"]) == 12
    H = np.array([[float(Fraction(v)) for v in row] for row in obj["H_exact"]])
    np.testing.assert_allclose(H, obj["H"], rtol=1e-15)
    r = subprocess.run([sys.executable, "-m", "lsahard.cli", "optimum", "--d", "-1", "--n", "4", "--p", "0.3"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_memory_budget_comes_from_the_library(capsys):
    """No separate cap on d in the CLI: the library's estimate (checked before allocation) is
    reported on one line, naming the budget argument (max_bytes, set by --max-bytes)."""
    from recovery.lsa.population import estimate_quadratic_bytes

    assert main(["optimum", "--d", "2000", "--n", "10", "--p", "0.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "d=2000 needs about" in err[0] and "budget 8.0e+09 bytes" in err[0] and "max_bytes" in err[0]
    need = estimate_quadratic_bytes(2000, 10, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    assert f"{need:.1e}" in err[0]
    # a small budget refuses a small problem ...
    assert main(["optimum", "--d", "3", "--n", "10", "--p", "0.5", "--max-bytes", "1e4"]) == 2
    err = capsys.readouterr().err
    assert "budget 1.0e+04 bytes" in err and "max_bytes" in err
    # ... and raising it (or 'inf') lets it through, with the same numbers as the library
    obj = _run_json(capsys, ["optimum", "--d", "3", "--n", "10", "--p", "0.5", "--max-bytes", "inf", "--json"])
    q = population_quadratic(3, 10, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    np.testing.assert_allclose(obj["h"], q.h, rtol=1e-13)


def test_exact_d4_matches_library_and_reports_certificate(capsys):
    obj = _run_json(capsys, ["optimum", "--d", "4", "--n", "4", "--p", "1/4", "--exact", "--json"])
    q = population_quadratic(4, 4, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(1, 4)), exact=True)
    from recovery.lsa.optimum import _exact_solve_pd_reference

    X_ref, _ = _exact_solve_pd_reference(q.H, q.h)  # the pre-flint pure-Python elimination
    assert [Fraction(s) for s in obj["X_star_exact"]] == X_ref
    assert obj["pd_certificate"] == "congruence-gershgorin"
    assert Fraction(obj["c_exact"]) == q.c
