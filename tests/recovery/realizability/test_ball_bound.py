"""The vectorised verified box bound (recovery.realizability.ball_bound) against the arb one (interval)."""
from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("flint")

from recovery.lsa.population import population_quadratic  # noqa: E402
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior  # noqa: E402
from recovery.realizability.ball_bound import BallMetric, box_bounds  # noqa: E402
from recovery.realizability.best import best_realizable  # noqa: E402
from recovery.realizability.inner import _as_quad, _Inner  # noqa: E402
from recovery.realizability.interval import IntervalCertifier, exact_phi, exact_quadratic_data, exact_value  # noqa: E402
from recovery.realizability.patch_bounds import _BoxBounds  # noqa: E402


@pytest.fixture(scope="module", params=[2, 3])
def setup(request):
    d = request.param
    qe = population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(1, 2)), exact=True)
    q, _ = _as_quad(qe.to_float())
    pb = _BoxBounds(q, d)
    H, h, c, _ = exact_quadratic_data(qe)
    r = best_realizable(qe.to_float(), starts=2, rng=1)
    return q, d, pb, IntervalCertifier(qe, d, pb, exact_value(H, h, c, exact_phi(r.b, r.A)))


def _sampled_min(q, d, k, t, w, rng, n=30):
    inner = _Inner(q, d)
    vals = []
    for _ in range(n):
        b = np.insert(t + w * rng.uniform(-1, 1, d), k, 1.0)
        vals.append(inner.solve(b / np.linalg.norm(b))[1])
    return min(vals)


def test_vectorised_bound_matches_arb_on_random_boxes(setup):
    """On random boxes of every patch and both metrics: the float64-ball bound is finite exactly where
    arb's is, within 1e-9 of it (the two enclose the same quantity), and below sampled values of f."""
    q, d, pb, cert = setup
    rng = np.random.default_rng(7)
    compared = 0
    for mi in range(len(cert.metrics)):
        for k in range(d + 1):
            t = rng.uniform(-0.9, 0.9, (12, d))
            w = 2.0 ** rng.integers(-8, -3, (12, d)).astype(float)
            lb_arb = cert.bounds(mi, k, t, w, engine="arb")
            lb_np = cert.bounds(mi, k, t, w, engine="numpy")
            assert np.array_equal(np.isfinite(lb_arb), np.isfinite(lb_np))
            fin = np.isfinite(lb_arb)
            assert np.all(np.abs(lb_np[fin] - lb_arb[fin]) <= 1e-9)
            compared += int(fin.sum())
            for i in np.flatnonzero(fin)[:3]:
                assert lb_np[i] <= _sampled_min(q, d, k, t[i], w[i], rng) + 1e-12
    assert compared >= 20


def test_radius_terms_are_not_dropped(setup):
    """The ball bound keeps the rounding radii: its bound is never above the bound computed from the
    same formulas on the midpoints alone (no outward rounding), and it is strictly below it somewhere."""
    q, d, pb, cert = setup
    M = cert.ball_metrics[0]
    rng = np.random.default_rng(3)
    t = rng.uniform(-0.9, 0.9, (40, d))
    w = np.full((40, d), 2.0**-6)
    ok, a, Z = cert.hints(cert.metrics[0].pb, 0, t, w)
    lb = box_bounds(M, 0, t[ok], w[ok], a[ok], Z[ok], cert.c0_lower, cert.margin_upper)
    bare = BallMetric.__new__(BallMetric)
    bare.__dict__.update(M.__dict__)
    bare.N = (M.N[0], np.zeros_like(M.N[1]))
    bare.NtN = (M.NtN[0], np.zeros_like(M.NtN[1]))
    bare.r0 = (M.r0[0], np.zeros_like(M.r0[1]))
    lb_bare = box_bounds(bare, 0, t[ok], w[ok], a[ok], Z[ok], cert.c0_lower, cert.margin_upper)
    fin = np.isfinite(lb)
    assert fin.sum() >= 10
    assert np.all(lb[fin] <= lb_bare[fin]) and np.any(lb[fin] < lb_bare[fin])


def test_engines_agree_on_verify_boxes(setup):
    """verify_boxes with either engine verifies the same boxes (a coarse cover of patch 0 near the
    minimiser fails and is re-split the same way); the numpy minimum is within 1e-9 of arb's."""
    q, d, pb, cert = setup
    rng = np.random.default_rng(5)
    t = rng.uniform(-0.5, 0.5, (15, d))
    w = np.full((15, d), 2.0**-7)
    k = np.zeros(15, int)
    lb_f, _, _ = pb.evaluate(0, t, w, q.c)
    target = float(np.quantile(lb_f, 0.3))
    lo_a, st_a = cert.verify_boxes(k, t, w, target, max_resplit=1, engine="arb")
    lo_n, st_n = cert.verify_boxes(k, t, w, target, max_resplit=1, engine="numpy")
    assert (st_a.verified, st_a.failed, st_a.resplit_boxes) == (st_n.verified, st_n.failed, st_n.resplit_boxes)
    assert lo_n <= lo_a + 1e-12 and (lo_a - lo_n <= 1e-9 or not np.isfinite(lo_a))
    with pytest.raises(ValueError, match="engine"):
        cert.bounds(0, 0, t, w, engine="mpfr")
