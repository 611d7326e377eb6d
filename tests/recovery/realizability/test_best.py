"""Tests of the best realisable one-layer LSA (recovery.realizability.best)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.optimize import minimize

from recovery.realizability.best import BestLSA, SimpleQuadratic, best_realizable, inner_solve, patch_box_lower_bound, psi
from recovery.lsa.optimum import closed_form_optimum
from recovery.lsa.reparam import num_pairs, phi
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior


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


def test_inner_solve_matches_generic_minimiser(rng):
    for d in (1, 2, 3):
        q = _random_quad(rng, d)
        b = rng.standard_normal(d + 1)
        A, f = inner_solve(q, b)
        obj = lambda a: q.ftilde(phi(b, a.reshape(d + 1, d)))  # noqa: E731
        res = minimize(obj, rng.standard_normal((d + 1) * d), method="BFGS", options={"gtol": 1e-10})
        assert f == pytest.approx(res.fun, rel=1e-7, abs=1e-9)
        assert f <= res.fun + 1e-9
        assert np.allclose(A.reshape(-1), res.x, atol=1e-4)
        assert f == pytest.approx(q.ftilde(phi(b, A)), rel=1e-12)
        # gauge: b -> 3 b gives A -> A / 3 and the same value
        A3, f3 = inner_solve(q, 3 * b)
        assert f3 == pytest.approx(f, rel=1e-10) and np.allclose(3 * A3, A, atol=1e-8)
    with pytest.raises(ValueError, match="b"):
        inner_solve(q, np.zeros(d + 1))


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


def _patch_b(k, t):
    b = np.insert(np.asarray(t, float), k, 1.0)
    return b


@pytest.mark.parametrize("d", [1, 2, 3])
def test_box_lower_bound_is_valid_on_random_boxes(rng, d):
    # random PD instances and the (badly conditioned) population quadratic; sampled points and a local
    # minimisation inside each box must never go below the bound, and tiny boxes give a tight bound
    quads = [_random_quad(rng, d, shift=0.5),
             population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))]
    for q in quads:
        for _ in range(6):
            k = int(rng.integers(d + 1))
            t = rng.uniform(-1, 1, d)
            w = 10.0 ** rng.uniform(-3, -0.5, d)
            lb = patch_box_lower_bound(q, k, t, w)
            fs = [inner_solve(q, _patch_b(k, t + w * rng.uniform(-1, 1, d)))[1] for _ in range(40)]
            fs += [inner_solve(q, _patch_b(k, t + w * s))[1] for s in (-1.0, 1.0)]  # corners
            assert min(fs) >= lb - 1e-12, (k, t, w, lb, min(fs))
            # local minimisation of f over the box (L-BFGS-B in patch coordinates) from the best sample
            obj = lambda tt: inner_solve(q, _patch_b(k, tt))[1]  # noqa: E731
            res = minimize(obj, t, method="L-BFGS-B", bounds=list(zip(t - w, t + w)))
            assert res.fun >= lb - 1e-12
        # tiny box around a point: the bound is within 1e-6 of f at the centre (second order)
        k = int(rng.integers(d + 1))
        t = rng.uniform(-0.9, 0.9, d)
        fc = inner_solve(q, _patch_b(k, t))[1]
        lb = patch_box_lower_bound(q, k, t, np.full(d, 1e-7))
        assert fc - 1e-6 * max(1.0, abs(fc)) <= lb <= fc + 1e-12
    with pytest.raises(ValueError, match="halfwidth"):
        patch_box_lower_bound(quads[0], 0, np.zeros(d), -np.ones(d))


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
    assert cap.out == "" and cap.err.count("\n") == 1 and "--starts must be >= 1" in cap.err
    assert best_realizable(q, starts=1).f_best <= best_realizable(q, starts=1).f_psi + 1e-12


def test_bnb_width_profile_levels_are_sharp():
    """Every recorded half-width prunes (re-checked through the public bound) and twice it does not."""
    from recovery.realizability.best import _bnb_width_profile

    q = population_quadratic(2, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    U = best_realizable(q, starts=4, rng=0).f_best
    prof = _bnb_width_profile(q, U, samples=40, rng=3, levels=(1, 9))
    tol = prof["tol"]
    assert prof["unresolved"] == 0.0
    assert sum(v["fraction"] for v in prof["per_level"].values()) == pytest.approx(1.0)
    for k, t, w in zip(prof["k"], prof["t"], prof["w"]):
        assert patch_box_lower_bound(q, int(k), t, np.full(2, w)) >= U - tol
        if w < 0.5:
            assert patch_box_lower_bound(q, int(k), t, np.full(2, 2 * w)) < U - tol
    est = 3 * 4 * np.mean((2 * prof["w"]) ** -2.0)
    assert prof["estimated_leaves"] == pytest.approx(est)


@pytest.mark.parametrize("d", [2, 4])
def test_vertex_refinements_are_valid_and_tighter(rng, d):
    """The vertex forms of ||E a_c||, ||C^-1 N^T r_c|| and kappa (module docstring of
    patch_box_lower_bound, steps 5-6) only raise the bound, and the raised bound still holds under
    sampling + local minimisation inside informative boxes (bound above ftilde*)."""
    from recovery.realizability.best import _PatchBounds, _as_quad

    qs = [_random_quad(rng, d, shift=0.5),
          population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))]
    informative = 0
    for quad in qs:
        q, _ = _as_quad(quad)
        pb = _PatchBounds(q, d)
        K = 24
        ks = rng.integers(0, d + 1, K)
        ts = rng.uniform(-1, 1, (K, d))
        ws = 10.0 ** rng.uniform(-2.5, -1.0, (K, d))
        bounds = {}
        for vn, vk in ((False, False), (True, False), (True, True)):
            pb.vertex_norms, pb.vertex_kappa = vn, vk
            bounds[vn, vk] = np.array([pb.evaluate(int(k), t[None], w[None], float(q.c))[0][0]
                                       for k, t, w in zip(ks, ts, ws)])
        assert np.all(bounds[True, False] >= bounds[False, False] - 1e-13)
        assert np.all(bounds[True, True] >= bounds[True, False] - 1e-13)
        lb_all = bounds[True, True]
        for k, t, w, lb in zip(ks, ts, ws, lb_all):
            if lb <= pb.c0 + 1e-12:
                continue
            informative += 1
            k = int(k)
            fs = [inner_solve(q, _patch_b(k, t + w * rng.uniform(-1, 1, d)))[1] for _ in range(30)]
            fs += [inner_solve(q, _patch_b(k, t + w * s))[1] for s in (-1.0, 1.0)]
            assert min(fs) >= lb - 1e-12, (k, t, w, lb, min(fs))
            obj = lambda tt: inner_solve(q, _patch_b(k, tt))[1]  # noqa: E731
            start = t + w * rng.uniform(-1, 1, d)
            res = minimize(obj, start, method="L-BFGS-B", bounds=list(zip(t - w, t + w)))
            assert res.fun >= lb - 1e-12
    assert informative >= 10


def _ill_quad(rng, d, cond=1e6):
    """Random PD quadratic with a log-uniform spectrum of condition number ``cond`` (shrinking applies)."""
    n = d * num_pairs(d)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.logspace(0, np.log10(cond), n) / cond
    H = (Q * lam) @ Q.T
    X0 = rng.standard_normal(n)
    return SimpleQuadratic(H, H @ X0, float(X0 @ H @ X0) + 0.05)


def test_patch_bounds_assembly_matches_direct_products(rng):
    """The batched assembly (N(b)^T N(b) from the N_u^T N_v, N(b)^T r and N(b) a from per-e_u products)
    equals forming N(b) = W M(b) explicitly."""
    from recovery.realizability.best import _PatchBounds
    from recovery.lsa.reparam import phi_matrix_in_A

    d = 3
    q = _ill_quad(rng, d, cond=1e3)
    pb = _PatchBounds(q, d)
    b = rng.standard_normal((5, d + 1))
    r = rng.standard_normal((5, d * num_pairs(d)))
    a = rng.standard_normal((5, d * (d + 1)))
    Ntr, _ = pb._Nt(b, r)
    Na, _ = pb._N(b, a)
    bb = (b[:, :, None] * b[:, None, :]).reshape(5, -1)
    G = (bb @ pb.NtN_flat).reshape(5, d * (d + 1), d * (d + 1))
    for i in range(5):
        N = pb.W @ phi_matrix_in_A(b[i])
        assert np.allclose(G[i], N.T @ N, rtol=1e-12, atol=1e-12)
        assert np.allclose(Ntr[i], N.T @ r[i], rtol=1e-12, atol=1e-12)
        assert np.allclose(Na[i], N @ a[i], rtol=1e-12, atol=1e-12)


def test_shrunk_metric_bound_is_valid_and_helps_far_from_the_minimiser(rng):
    """Step 7 of patch_box_lower_bound: the shrunk-metric bound (H' <= H) never exceeds f inside a box
    (sampling, corners and a local minimisation), 'best' is the larger of the two, and on the badly
    conditioned population quadratic it prunes boxes on which the exact-metric bound is trivial."""
    q3 = population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    q4 = population_quadratic(4, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    quads = [(q3, 3), (q4, 4), (_ill_quad(rng, 2), 2)]
    informative = better = 0
    for q, d in quads:
        c0 = float(q.c - q.h @ np.linalg.solve(q.H, q.h))
        for _ in range(25):
            k = int(rng.integers(d + 1))
            t = rng.uniform(-1, 1, d)
            w = 10.0 ** rng.uniform(-2.0, -0.7, d)
            ex = patch_box_lower_bound(q, k, t, w)
            sh = patch_box_lower_bound(q, k, t, w, metric="shrunk")
            be = patch_box_lower_bound(q, k, t, w, metric="best")
            assert be == pytest.approx(max(ex, sh), abs=1e-13)
            if sh <= c0 + 1e-9:
                continue
            informative += 1
            better += sh > ex + 1e-9
            fs = [inner_solve(q, _patch_b(k, t + w * rng.uniform(-1, 1, d)))[1] for _ in range(30)]
            fs += [inner_solve(q, _patch_b(k, t + w * s))[1] for s in (-1.0, 1.0)]
            assert min(fs) >= sh - 1e-12, (k, t, w, sh, min(fs))
            obj = lambda tt: inner_solve(q, _patch_b(k, tt))[1]  # noqa: E731
            res = minimize(obj, t + 0.5 * w * rng.uniform(-1, 1, d), method="L-BFGS-B",
                           bounds=list(zip(t - w, t + w)))
            assert res.fun >= sh - 1e-12
    assert informative >= 10 and better >= 5, (informative, better)
    # a well-conditioned H has no shrunk bound; bad metric names are refused
    qw = _random_quad(rng, 2)
    with pytest.raises(ValueError, match="cond"):
        patch_box_lower_bound(qw, 0, np.zeros(2), np.full(2, 0.1), metric="shrunk")
    with pytest.raises(ValueError, match="metric"):
        patch_box_lower_bound(qw, 0, np.zeros(2), np.full(2, 0.1), metric="euclid")


def test_shrunk_spectrum_must_lie_below_H(rng):
    from recovery.realizability.best import _PatchBounds

    q = _ill_quad(rng, 1, cond=1e5)
    lam = np.linalg.eigvalsh(q.H)
    with pytest.raises(ValueError, match="spectrum"):
        _PatchBounds(q, 1, spectrum=lam)  # equal to eig(H): no margin for the eigen-error
    with pytest.raises(ValueError, match="spectrum"):
        _PatchBounds(q, 1, spectrum=-lam)


def test_bnb_d3_population_shrink_and_workers_agree(capfd, monkeypatch):
    """d = 3 certified with and without the shrunk metric, in one and in two processes; the certified
    values agree within the tolerance, every lower bound is below every certified value, and the
    shrunk metric does win boxes (the search needs fewer of them)."""
    import recovery.realizability.best as best_mod

    q = population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    monkeypatch.setattr(best_mod, "PROGRESS_EVERY", 0.0)
    runs = {
        "exact": best_realizable(q, method="bnb", starts=2, rng=1, time_limit=120.0, bnb_shrink=False,
                                 interval=False),
        "shrunk": best_realizable(q, method="bnb", starts=2, rng=1, time_limit=120.0, interval=False),
        "two": best_realizable(q, method="bnb", starts=2, rng=1, time_limit=120.0, workers=2, progress=True,
                               interval=False),
    }
    for name, r in runs.items():
        assert r.details["float_gap_closed"] and not r.certified_global, (name, r.details)
    fs = [r.f_best for r in runs.values()]
    for r in runs.values():
        assert max(fs) - 1e-5 <= r.lower_bound <= min(fs) + 1e-12
    assert runs["shrunk"].details["bnb"]["won_by_shrunk_metric"] > 0
    assert runs["exact"].details["bnb"]["won_by_shrunk_metric"] == 0
    assert runs["shrunk"].details["bnb"]["nodes"] < runs["exact"].details["bnb"]["nodes"]
    assert runs["two"].details["bnb"]["workers"] == 2
    err = capfd.readouterr().err
    assert "bnb worker 1/2:" in err and "bnb worker 2/2:" in err and "lower bound" in err
    with pytest.raises(ValueError, match="workers"):
        best_realizable(q, method="bnb", workers=0)


def test_bnb_interrupt_keeps_a_valid_bound(monkeypatch):
    """Ctrl-C (KeyboardInterrupt) in the middle of a round: the search returns the last complete
    round's bound, which is a valid (non-trivial by then) lower bound, and reports 'interrupted'."""
    import recovery.realizability.best as best_mod

    q = population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    full = best_realizable(q, method="bnb", starts=2, rng=1, time_limit=120.0, interval=False)
    assert full.details["float_gap_closed"]
    calls = {"n": 0}
    orig = best_mod._BoxBounds.evaluate

    def flaky(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 40:
            raise KeyboardInterrupt
        return orig(self, *a, **k)

    monkeypatch.setattr(best_mod._BoxBounds, "evaluate", flaky)
    r = best_realizable(q, method="bnb", starts=2, rng=1, time_limit=120.0)
    bb = r.details["bnb"]
    assert bb["status"] == "interrupted" and not r.certified_global and bb["open_boxes"] > 0
    assert r.ftilde_star - 1e-12 <= r.lower_bound <= full.f_best + 1e-12
    assert r.f_best == pytest.approx(full.f_best, abs=1e-5)


def test_bnb_workers_stop_on_sigint_and_report(tmp_path):
    """SIGINT to the process group of a two-worker d = 4 search: every worker stops at the end of its
    round, the caller gets one result with status 'interrupted' and a bound between ftilde* and f."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "run.py"
    script.write_text(
        "import json, recovery.realizability.best as B\n"
        "from recovery.lsa.population import population_quadratic\n"
        "from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior\n"
        "B.PROGRESS_EVERY = 0.2\n"
        "q = population_quadratic(4, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))\n"
        "r = B.best_realizable(q, method='bnb', starts=1, time_limit=600, workers=2, progress=True)\n"
        "print(json.dumps({'status': r.details['bnb']['status'], 'lb': r.lower_bound, 'f': r.f_best,\n"
        "                  'fs': r.ftilde_star, 'cert': r.certified_global}))\n")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env=env)
    try:
        t0 = time.time()
        seen = 0
        while seen < 2 and time.time() - t0 < 120:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line.startswith("bnb worker")
        assert seen == 2, "no progress lines from the workers"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    res = json.loads(out.strip().splitlines()[-1])
    assert res["status"] == "interrupted" and res["cert"] is False
    assert res["fs"] - 1e-12 <= res["lb"] <= res["f"]
