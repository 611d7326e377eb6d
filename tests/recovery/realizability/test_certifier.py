"""Verified per-box bounds of the interval re-verification (recovery.realizability.certifier)."""
from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("flint")

from recovery.lsa.population import population_quadratic  # noqa: E402
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior  # noqa: E402
from recovery.realizability.best import best_realizable  # noqa: E402
from recovery.realizability.certifier import IntervalCertifier  # noqa: E402
from recovery.realizability.exact import exact_phi, exact_quadratic_data, exact_value  # noqa: E402
from recovery.realizability.inner import _as_quad, _Inner  # noqa: E402
from recovery.realizability.patch_bounds import _BoxBounds  # noqa: E402


def _quad(d):
    return population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(1, 2)), exact=True)


@pytest.fixture(scope="module")
def setup2():
    qe = _quad(2)
    q, d = _as_quad(qe.to_float())
    pb = _BoxBounds(q, d)
    H, h, c, _ = exact_quadratic_data(qe)
    r = best_realizable(qe.to_float(), starts=3)
    up = exact_value(H, h, c, exact_phi(r.b, r.A))
    return qe, q, d, pb, IntervalCertifier(qe, d, pb, up), up


def _bounds(cert, k, t, w, mutate=None, mi=0):
    ok, a, Z = cert.hints(cert.metrics[mi].pb, k, t, w)
    out = np.full(t.shape[0], -np.inf)
    for i in range(t.shape[0]):
        lb = cert.box_bound(mi, k, t[i], w[i], a[i], Z[i], mutate) if ok[i] else None
        if lb is not None:
            out[i] = float(lb.lower())
    return out


def _sampled_min(q, d, k, t, w, rng, n=60):
    inner = _Inner(q, d)
    vals = []
    for _ in range(n):
        b = np.zeros(d + 1)
        b[k] = 1.0
        b[[i for i in range(d + 1) if i != k]] = t + w * rng.uniform(-1, 1, d)
        vals.append(inner.solve(b / np.linalg.norm(b))[1])
    return min(vals)


def test_interval_bound_encloses_float_bound_and_samples(setup2):
    """The verified bound is within rounding of the float bound, and below f at sampled points."""
    qe, q, d, pb, cert, _ = setup2
    rng = np.random.default_rng(1)
    for hw in (2.0**-4, 2.0**-6):
        t = rng.uniform(-0.9, 0.9, (25, d))
        w = np.full((25, d), hw)
        lo_f, _, _ = pb.full.evaluate(0, t, w, q.c)
        lo_i = _bounds(cert, 0, t, w)
        fin = np.isfinite(lo_i) & (lo_f > pb.c0 + 1e-9)
        assert fin.sum() >= 10
        assert np.all(np.abs(lo_i[fin] - lo_f[fin]) <= 1e-7)
        for i in np.flatnonzero(fin)[:8]:
            assert lo_i[i] <= _sampled_min(q, d, 0, t[i], w[i], rng) + 1e-12


def _checks_fail(q, d, pb, cert, mutate, rng) -> int:
    """How many boxes violate the checks of the test above (float agreement or sampled values)."""
    bad = 0
    for hw in (2.0**-2, 2.0**-3, 2.0**-4, 2.0**-6):
        t = rng.uniform(-0.7, 0.7, (20, d))
        w = np.full((20, d), hw)
        lo_f, _, _ = pb.full.evaluate(0, t, w, q.c)
        lo_m = _bounds(cert, 0, t, w, mutate=mutate)
        for i in np.flatnonzero(np.isfinite(lo_m)):
            if lo_f[i] > pb.c0 + 1e-9 and lo_m[i] > lo_f[i] + 1e-7:
                bad += 1
            elif lo_m[i] > _sampled_min(q, d, 0, t[i], w[i], rng, n=20) + 1e-12:
                bad += 1
    return bad


@pytest.mark.parametrize("mutation", ["radius", "rounding"])
def test_mutations_are_detected(setup2, mutation):
    """A too-small perturbation radius (eta halved) or a dropped first-order term (Al) is caught by
    the checks of test_interval_bound_encloses_float_bound_and_samples; the unmutated code is not."""
    qe, q, d, pb, cert, _ = setup2
    assert _checks_fail(q, d, pb, cert, mutation, np.random.default_rng(2)) > 0
    assert _checks_fail(q, d, pb, cert, None, np.random.default_rng(2)) == 0
