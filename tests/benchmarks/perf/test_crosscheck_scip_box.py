"""One box of the SCIP cross-check: the valid A bounds (benchmarks.perf.crosscheck_scip_box)."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarks.perf import crosscheck_best_scip as cc
from benchmarks.perf import crosscheck_scip_box as box
from recovery.lsa.reparam import phi, phi_matrix_in_A

pytest.importorskip("pyscipopt")
pytest.importorskip("pyomo")

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
    Alo, Ahi, _ = box.a_bounds(P, k, lo, hi)
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
            assert box.ftilde(P, phi(bb, A)) <= P["f_star"] + P["rho"] + 1e-12
            assert np.all(A >= Alo - 1e-12) and np.all(A <= Ahi + 1e-12)
        checked += 1
    assert checked > 20



def test_box_names_are_re_exported():
    for name in ("a_bounds", "build_model", "solve_box", "ftilde", "FORMULATIONS", "SOLVED_STATUSES"):
        assert getattr(cc, name) is getattr(box, name)
