"""The SCIP decomposition cross-check of the certified best one-layer LSA (benchmarks.perf.crosscheck_best_scip)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.perf import crosscheck_best_scip as cc
from recovery.lsa.reparam import phi, phi_matrix_in_A

pytest.importorskip("pyscipopt")
pytest.importorskip("pyomo")


def test_boxes_cover_the_patches():
    bx = cc.boxes(2, 3)
    assert len(bx) == 3 * 3**2
    for k in range(3):
        vol = sum(np.prod(hi - lo) for kk, lo, hi in bx if kk == k)
        assert vol == pytest.approx(2.0**2)
        assert all(np.all(lo >= -1) and np.all(hi <= 1) and np.all(lo < hi) for kk, lo, hi in bx if kk == k)


@pytest.mark.parametrize("d", [2, 3])
def test_a_bounds_contain_every_relevant_point(d):
    """Sampled points of the level set {ftilde <= ftilde* + rho} (b = e_k + t, t in the box; A = inner
    minimiser plus random moves inside the A-ellipsoid) lie inside the derived A box (steps 1-3)."""
    P = cc.setup(d)
    H, h, c = P["H"], P["h"], P["c"]
    rng = np.random.default_rng(0)
    checked = 0
    # a box around the multistart minimiser, so that there are relevant points to test
    b = P["b_ms"] / P["b_ms"][np.argmax(np.abs(P["b_ms"]))]
    k = int(np.argmax(np.abs(P["b_ms"])))
    t0 = np.delete(b, k)
    lo, hi = np.clip(t0 - 0.3, -1, 1), np.clip(t0 + 0.3, -1, 1)
    Alo, Ahi, _ = cc.a_bounds(P, k, lo, hi)
    for _ in range(400):
        # the relevant set is thin in t: sample close to the minimiser (both inside the box)
        t = np.clip(t0 + rng.standard_normal(d) * 10.0 ** rng.uniform(-4, -1), lo, hi)
        bb = np.insert(t, k, 1.0)
        M = phi_matrix_in_A(bb)
        K = M.T @ H @ M
        r = M.T @ h
        a = np.linalg.solve(K, r)
        slack = P["f_star"] + P["rho"] - (c - r @ a)
        if slack <= 0:
            continue
        # the extreme points of the relevant ellipsoid {a : (a - a*)^T K (a - a*) <= slack} in every
        # coordinate direction (the tightest test of an entrywise box), and a random interior point
        Kinv = np.linalg.inv(K)
        i = rng.integers(a.size)
        z = Kinv[:, i] * np.sqrt(slack / Kinv[i, i]) * (1 - 1e-9)
        y = rng.standard_normal(a.size)
        y *= np.sqrt(slack / (y @ K @ y)) * rng.uniform(0.5, 1.0)
        for zz in (z, -z, y):
            A = (a + zz).reshape(d, d + 1).T  # vec(A) is column-major
            assert cc.ftilde(P, phi(bb, A)) <= P["f_star"] + P["rho"] + 1e-12
            assert np.all(A >= Alo - 1e-12) and np.all(A <= Ahi + 1e-12)
        checked += 1
    assert checked > 20


def test_scip_decomposition_certifies_d2(tmp_path):
    """d = 2, whole patches (S = 1): SCIP's decomposition bound agrees with our branch-and-bound."""
    out = tmp_path / "xc.json"
    doc = cc.crosscheck(2, 1, 25.0, out=str(out), progress=False)
    s = doc["summary"]
    bnb = doc["bnb"]
    assert bnb["certified_global"]
    f_cert = bnb["f_best"]
    assert doc["U"] == pytest.approx(f_cert, abs=1e-9)
    assert s["complete"] and s["boxes_total"] == 3 and s["boxes_done"] == 3
    lb = s["lower_bound_scip"]
    assert lb is not None
    assert lb <= f_cert + 1e-9  # a lower bound can not exceed a realised value
    assert lb >= f_cert - 1e-5  # ... and SCIP certifies f* within 1e-5
    assert s["certified_within_tol"]
    # the best SCIP primal (re-evaluated in float64) is a realised value, hence >= our lower bound
    assert s["best_primal_recheck"] >= bnb["lower_bound"] - 1e-12
    saved = json.loads(out.read_text())
    assert saved["summary"]["lower_bound_scip"] == pytest.approx(lb)
    assert len(saved["boxes"]) == 3 and len(saved["summary"]["smallest_bounds"]) == 3
