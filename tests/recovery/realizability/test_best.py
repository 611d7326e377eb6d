"""Tests of the best realisable one-layer LSA (recovery.realizability.best)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recovery.lsa.optimum import closed_form_optimum
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.lsa.reparam import num_pairs, phi
from recovery.realizability.best import BestLSA, SimpleQuadratic, best_realizable, inner_solve, psi


def _random_quad(rng, d, shift=1.0):
    n = d * num_pairs(d)
    G = rng.standard_normal((n, n))
    H = G @ G.T / n + 0.3 * np.eye(n)
    h = rng.standard_normal(n)
    return SimpleQuadratic(H, h, float(h @ np.linalg.solve(H, h)) + shift)




@pytest.mark.parametrize("d", [1, 2, 3])
def test_chain_on_population_quadratic(d):
    q = population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    opt = closed_form_optimum(q)
    r = best_realizable(q, starts=4, rng=1)
    assert r.ftilde_star == pytest.approx(opt.ftilde_star, rel=1e-10)
    assert r.chain_holds()
    assert opt.ftilde_star <= r.f_best + 1e-12 <= r.f_psi + 2e-12
    assert r.f_best == pytest.approx(q.ftilde(phi(r.b, r.A)), rel=1e-12)
    # psi(X*) is at least as close to X* as the best realisable LSA (which minimises another metric)
    bp, Ap = psi(opt.X_star, d)
    dpsi = np.linalg.norm(phi(bp, Ap) - opt.X_star)
    assert dpsi <= np.linalg.norm(phi(r.b, r.A) - opt.X_star) * (1 + 1e-9)
    assert r.f_psi == pytest.approx(q.ftilde(phi(bp, Ap)), rel=1e-6)


@pytest.mark.parametrize("d", [1, 2, 4])
def test_planted_realisable_optimum(rng, d):
    n = d * num_pairs(d)
    G = rng.standard_normal((n, n))
    H = G @ G.T / n + 0.1 * np.eye(n)
    b0, A0 = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
    X0 = phi(b0, A0)
    q = SimpleQuadratic(H, H @ X0, 2.0 + X0 @ H @ X0)
    r = best_realizable(q, starts=2, rng=0)
    assert r.ftilde_star == pytest.approx(2.0, rel=1e-9)
    assert r.f_best == pytest.approx(r.ftilde_star, abs=1e-9)
    assert r.f_psi == pytest.approx(r.ftilde_star, abs=1e-9)
    assert np.linalg.norm(phi(r.b, r.A) - X0) <= 1e-6 * np.linalg.norm(X0)


def test_psi_reproduces_image_points_and_projects(rng):
    for d in (1, 2, 5):
        b, A = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
        X = phi(b, A)
        bp, Ap = psi(X)
        assert np.linalg.norm(phi(bp, Ap) - X) <= 1e-9 * np.linalg.norm(X)
    # off the image (d = 2): psi beats a dense random search and every local BFGS run from random starts
    d = 2
    X = phi(rng.standard_normal(3), rng.standard_normal((3, 2))) + 0.5 * rng.standard_normal(12)
    bp, Ap = psi(X, d, rng=3)
    dist = np.linalg.norm(phi(bp, Ap) - X)
    q = SimpleQuadratic(np.eye(12), X, float(X @ X))
    for _ in range(200):
        bb = rng.standard_normal(3)
        _, f = inner_solve(q, bb)
        assert dist**2 <= f + 1e-10
    with pytest.raises(ValueError, match="d"):
        psi(X, 3)


@pytest.mark.parametrize("d", [1, 2])
def test_bnb_agrees_with_scip_certificate(rng, d):
    if d == 1:
        q = population_quadratic(1, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    else:
        # psi-type quadratic (H = I) off the image: a genuinely non-trivial f* > ftilde* = 0
        g = np.random.default_rng(1)
        X = phi(g.standard_normal(3), g.standard_normal((3, 2))) + 0.5 * g.standard_normal(12)
        q = SimpleQuadratic(np.eye(12), X, float(X @ X))
    bnb = best_realizable(q, method="bnb", starts=1, time_limit=30.0)
    scip = best_realizable(q, method="scip", starts=1, time_limit=60.0)
    for r in (bnb, scip):
        assert r.certified_global, r.details
        assert r.lower_bound <= r.f_best
    tol = 1e-5 * max(1.0, abs(scip.f_best))
    assert bnb.f_best == pytest.approx(scip.f_best, abs=tol)
    # each certificate bounds the other's realisable value
    assert bnb.lower_bound <= scip.f_best + 1e-12 and scip.lower_bound <= bnb.f_best + 1e-12
    assert bnb.details["bnb"]["gap"] <= bnb.details["bnb"]["tol"]
    if d == 2:
        assert bnb.f_best > bnb.ftilde_star + 1e-3
    cert = best_realizable(q, method="certified", starts=1)
    assert cert.details["certifier"] == "bnb" and cert.certified_global


def test_bnb_agrees_with_dense_multistart_d3(rng):
    q = _random_quad(np.random.default_rng(11), 3, shift=0.5)
    # float search only (the interval re-verification of d = 3 is a benchmark, tests/test_interval.py
    # covers it at d <= 2): nothing is certified without it
    bnb = best_realizable(q, method="bnb", starts=1, time_limit=60.0, interval=False)
    dense = best_realizable(q, starts=60, rng=5)
    assert bnb.details["float_gap_closed"] and not bnb.certified_global, bnb.details
    assert bnb.f_best > bnb.ftilde_star + 1e-3  # X* is not realisable: the instance is non-trivial
    tol = 1e-5 * max(1.0, abs(dense.f_best))
    assert bnb.f_best == pytest.approx(dense.f_best, abs=tol)
    assert bnb.lower_bound <= dense.f_best + 1e-12
    # and no random direction beats the certified lower bound
    for _ in range(300):
        assert inner_solve(q, rng.standard_normal(4))[1] >= bnb.lower_bound - 1e-12


@pytest.mark.parametrize("d", [2, 3])
def test_bnb_planted_realisable(rng, d):
    n = d * num_pairs(d)
    G = rng.standard_normal((n, n))
    H = G @ G.T / n + 0.1 * np.eye(n)
    b0, A0 = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
    X0 = phi(b0, A0)
    q = SimpleQuadratic(H, H @ X0, 2.0 + X0 @ H @ X0)
    r = best_realizable(q, method="bnb", starts=1, time_limit=30.0, interval=d <= 2)
    assert r.certified_global if d <= 2 else r.details["float_gap_closed"], r.details
    if d <= 2:
        assert r.f_lower <= 2.0 + 1e-12 and r.f_upper >= 2.0 - 1e-12
    assert r.f_best == pytest.approx(2.0, abs=1e-9) and r.ftilde_star == pytest.approx(2.0, rel=1e-9)
    assert 2.0 - 1e-5 <= r.lower_bound <= r.f_best


def test_bnb_time_limit_reports_gap():
    q = population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    r = best_realizable(q, method="bnb", starts=1, time_limit=0.05)
    bb = r.details["bnb"]
    assert bb["status"] == "time limit" and not r.certified_global
    assert bb["gap"] > bb["tol"] and bb["open_boxes"] > 0
    assert r.ftilde_star - 1e-12 <= r.lower_bound <= r.f_best
    assert r.details["gap_abs"] == pytest.approx(r.f_best - r.lower_bound, abs=1e-15)
    with pytest.raises(ValueError, match="positive definite"):
        best_realizable(SimpleQuadratic(np.zeros((3, 3)), np.ones(3), 1.0), method="bnb")


def test_best_json_and_bad_input(rng):
    q = _random_quad(rng, 1)
    r = best_realizable(q, starts=1)
    r2 = BestLSA.from_json(json.loads(json.dumps(r.to_json())))
    assert r2.to_json() == r.to_json()
    with pytest.raises(ValueError, match="method"):
        best_realizable(q, method="exhaustive")
    for m in ("certified", "bnb", "scip"):
        with pytest.raises(ValueError, match="d <= 4"):
            best_realizable(_random_quad(rng, 5), method=m)
    with pytest.raises(TypeError, match="quad"):
        best_realizable(object())
    with pytest.raises(ValueError, match="length"):
        best_realizable(SimpleQuadratic(np.eye(4), np.ones(4), 1.0))


def test_cli_best_certifiers(capsys):
    from lsahard.cli import main

    assert main(["best", "--d", "2", "--n", "100", "--p", "0.5", "--certified", "--starts", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "bnb" and out["certified_global"] is True
    assert out["details"]["bnb"]["status"] == "gap closed"
    q = population_quadratic(2, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    assert out["f_best"] == pytest.approx(q.ftilde(phi(np.array(out["b"]), np.array(out["A"]))), rel=1e-12)
    assert out["lower_bound"] <= out["f_best"] <= out["lower_bound"] + 1e-5
    assert main(["best", "--d", "1", "--n", "10", "--p", "0.3", "--certified", "--certifier", "scip"]) == 0
    text = capsys.readouterr().out
    assert "certified global (scip)" in text and "global lower bound" in text
    assert main(["best", "--d", "1", "--n", "10", "--p", "0.3", "--certified", "--gap-tol", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--gap-tol" in err
    assert main(["best", "--d", "1", "--n", "10", "--p", "0.3", "--certified", "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--workers" in err


@pytest.mark.parametrize("starts", [0, -1])
def test_starts_below_one_is_rejected(capsys, starts):
    """``starts`` counts random multistart directions: at least one (library and CLI)."""
    from lsahard.cli import main

    q = population_quadratic(1, 10, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    with pytest.raises(ValueError, match=r"^starts must be >= 1"):
        best_realizable(q, starts=starts)
    assert main(["best", "--d", "1", "--n", "10", "--p", "0.3", "--starts", str(starts)]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err.count("\n") == 1 and "--starts must be an integer >= 1" in cap.err
    assert best_realizable(q, starts=1).f_best <= best_realizable(q, starts=1).f_psi + 1e-12




def test_split_names_stay_importable_from_best():
    """The names that moved to inner, patch_bounds, bnb, bnb_profile and scip_certify are re-exported."""
    import recovery.realizability.best as best_mod
    from recovery.realizability import bnb, inner, patch_bounds

    for name in best_mod.__all__:
        assert hasattr(best_mod, name), name
    assert best_mod.patch_box_lower_bound is patch_bounds.patch_box_lower_bound
    assert best_mod._BoxBounds is patch_bounds._BoxBounds and best_mod._Inner is inner._Inner
    assert best_mod._bnb_certify is bnb._bnb_certify
