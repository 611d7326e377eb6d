"""Tests of the rigorous patch box bound (recovery.realizability.patch_bounds)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.lsa.reparam import num_pairs
from recovery.realizability.inner import SimpleQuadratic, _as_quad, inner_solve
from recovery.realizability.patch_bounds import _PatchBounds, patch_box_lower_bound


def _random_quad(rng, d, shift=1.0):
    n = d * num_pairs(d)
    G = rng.standard_normal((n, n))
    H = G @ G.T / n + 0.3 * np.eye(n)
    h = rng.standard_normal(n)
    return SimpleQuadratic(H, h, float(h @ np.linalg.solve(H, h)) + shift)



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




@pytest.mark.parametrize("d", [2, 4])
def test_vertex_refinements_are_valid_and_tighter(rng, d):
    """The vertex forms of ||E a_c||, ||C^-1 N^T r_c|| and kappa (module docstring of
    patch_box_lower_bound, steps 5-6) only raise the bound, and the raised bound still holds under
    sampling + local minimisation inside informative boxes (bound above ftilde*)."""
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
    q = _ill_quad(rng, 1, cond=1e5)
    lam = np.linalg.eigvalsh(q.H)
    with pytest.raises(ValueError, match="spectrum"):
        _PatchBounds(q, 1, spectrum=lam)  # equal to eig(H): no margin for the eigen-error
    with pytest.raises(ValueError, match="spectrum"):
        _PatchBounds(q, 1, spectrum=-lam)




def test_box_bounds_prune_at_keeps_every_pruning_decision(rng):
    """_BoxBounds.evaluate(prune_at=...) skips the exact metric only where the shrunk bound already
    reaches the threshold: the set of boxes at or above it is the same as with both metrics, the other
    boxes get exactly the same bound, and the skipped ones are no incumbent candidates."""
    from recovery.realizability.patch_bounds import _BoxBounds

    q, d = _as_quad(population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5)))
    pb = _BoxBounds(q, d)
    t = rng.uniform(-1, 1, (300, d))
    w = 2.0 ** rng.integers(-6, -2, (300, d)).astype(float)
    lo, val, _ = pb.evaluate(1, t, w, float(q.c))
    thr = float(np.quantile(lo, 0.5))
    lo2, val2, _ = pb.evaluate(1, t, w, float(q.c), prune_at=thr, skip_gap=None)
    # a sub-batch may round differently in the last bits (batched BLAS), hence the 1e-12 allowances
    clear = np.abs(lo - thr) > 1e-12
    assert np.array_equal((lo >= thr)[clear], (lo2 >= thr)[clear])
    below = lo2 < thr
    assert np.allclose(lo[below], lo2[below], rtol=0, atol=1e-12)
    assert np.allclose(val[below], val2[below], rtol=0, atol=1e-12)
    skipped = np.isinf(val2)
    assert np.all(lo2 <= lo + 1e-12) and np.all(lo2[skipped] >= thr) and skipped.sum() > 0


def test_lam_max_upper_bounds_the_largest_eigenvalue(rng):
    """The trace-power bound of step 2 is never below ``lambda_max`` (it can fail: any smaller value
    would), is tight for rank one, 0 for zero matrices, and within ``n^(2^-(m+1))`` of ``lambda_max``."""
    from recovery.realizability.batch_linalg import LAM_SQUARINGS, _lam_max_upper

    n = 20
    G = rng.standard_normal((400, n, n)) * 10.0 ** rng.uniform(-8, 8, (400, 1, 1))
    # spectra from flat to steeply decaying, scaled over 16 orders of magnitude
    decay = 10.0 ** (-rng.uniform(0, 6, (400, 1)) * np.linspace(0, 1, n)[None])
    Q, _ = np.linalg.qr(G)
    T = np.einsum("kij,kj,klj->kil", Q, decay * 10.0 ** rng.uniform(-8, 8, (400, 1)), Q)
    T = 0.5 * (T + np.swapaxes(T, 1, 2))
    lam = np.linalg.eigvalsh(T)[:, -1]
    up = _lam_max_upper(T)
    assert np.all(up >= lam * (1 - 1e-13))
    assert np.all(up <= lam * n ** (2.0 ** -(LAM_SQUARINGS + 1)) * (1 + 1e-9))
    v = rng.standard_normal((5, n))
    assert np.allclose(_lam_max_upper(np.einsum("ki,kj->kij", v, v)), (v * v).sum(1), rtol=1e-9)
    assert np.all(_lam_max_upper(np.zeros((3, n, n))) == 0.0)



def test_box_bounds_skip_gap_keeps_pruning_and_valid_bounds(rng):
    """Skipping the exact metric on boxes far below the threshold changes no pruning decision on
    these boxes, every bound stays between the shrunk one and the both-metric one, and every centre
    whose shrunk value is below the threshold is still evaluated exactly."""
    from recovery.realizability.patch_bounds import _BoxBounds

    q, d = _as_quad(population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5)))
    pb = _BoxBounds(q, d)
    t = rng.uniform(-1, 1, (400, d))
    w = 2.0 ** rng.integers(-7, -2, (400, d)).astype(float)
    lo, val, _ = pb.evaluate(0, t, w, float(q.c))
    lo_s, val_s, _ = pb.shrunk.evaluate(0, t, w, float(q.c))
    thr = float(np.quantile(lo, 0.3))
    lo2, val2, _ = pb.evaluate(0, t, w, float(q.c), prune_at=thr, skip_gap=0.3)
    clear = np.abs(lo - thr) > 1e-12
    skipped = np.isinf(val2) & (lo_s < thr)
    assert skipped.sum() > 0
    far = thr - lo_s >= 0.3 * (thr - pb.c0)
    assert np.all(far[skipped]) and np.all(val_s[skipped] >= thr)
    assert np.all(lo2 <= lo + 1e-12) and np.all(lo2 >= lo_s - 1e-12)
    # on these boxes the exact metric prunes none of the skipped ones
    assert not np.any((lo >= thr)[skipped & clear])
    assert np.array_equal((lo >= thr)[clear & ~skipped], (lo2 >= thr)[clear & ~skipped])
    assert np.allclose(val2[val_s < thr], val[val_s < thr], rtol=0, atol=1e-12)


def test_trace_power_box_bound_is_valid_and_below_the_eigvalsh_one(rng):
    """The search's bound (``lam_bound="trace_power"``) is never above the ``eigvalsh`` one and never
    above ``f`` at points sampled in the boxes (it can fail: a too small eigenvalue bound would)."""
    from recovery.realizability.patch_bounds import _BoxBounds

    qq = population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    q, d = _as_quad(qq)
    fast, ref = _BoxBounds(q, d, lam_bound="trace_power"), _BoxBounds(q, d)
    t = rng.uniform(-1, 1, (200, d))
    w = 2.0 ** rng.integers(-7, -2, (200, d)).astype(float)
    lo_f, _, _ = fast.evaluate(1, t, w, float(q.c))
    lo_r, _, _ = ref.evaluate(1, t, w, float(q.c))
    assert np.all(lo_f <= lo_r + 1e-12) and np.any(lo_f > fast.c0)
    for i in np.argsort(-lo_f)[:6]:
        fs = [inner_solve(qq, _patch_b(1, t[i] + w[i] * rng.uniform(-1, 1, d)))[1] for _ in range(30)]
        assert min(fs) >= lo_f[i] - 1e-12
    with pytest.raises(ValueError, match="lam_bound"):
        _BoxBounds(q, d, lam_bound="power")
