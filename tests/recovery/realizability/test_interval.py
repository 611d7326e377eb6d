"""Cover check and end-to-end certificates of the interval re-verification (recovery.realizability.interval)."""
from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("flint")

from recovery.lsa.population import population_quadratic  # noqa: E402
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior  # noqa: E402
from recovery.realizability.best import best_realizable  # noqa: E402
from recovery.realizability.interval import verify_cover  # noqa: E402


def _quad(d):
    return population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(1, 2)), exact=True)


def test_cover_check():
    d = 2
    g = np.array([-0.75, -0.25, 0.25, 0.75])
    grid = np.stack(np.meshgrid(g, g, indexing="ij"), -1).reshape(-1, d)
    k = np.repeat(np.arange(d + 1), grid.shape[0])
    t = np.tile(grid, (d + 1, 1))
    w = np.full(t.shape, 0.25)
    assert verify_cover(k, t, w, d)[0]
    assert not verify_cover(k[1:], t[1:], w[1:], d)[0]  # a box missing
    t2 = t.copy()
    t2[0, 0] += 2.0**-30  # not aligned
    assert not verify_cover(k, t2, w, d)[0]


@pytest.mark.parametrize("d", [1, 2])
def test_rigorous_certificate_encloses_f_star(d):
    qe = _quad(d)
    r = best_realizable(qe, method="bnb", starts=3, time_limit=60.0)
    assert r.certified_global, r.details
    iv = r.details["interval"]
    assert iv["data"] == "exact rational" and iv["failed_boxes"] == 0
    assert r.f_lower <= r.f_best <= r.f_upper
    assert r.f_upper - r.f_lower <= r.details["gap_tol"] * max(1.0, abs(r.f_upper))
    # dense multistart never goes below the rigorous lower bound
    dense = best_realizable(qe.to_float(), starts=30, rng=5)
    assert dense.f_best >= r.f_lower
    # JSON round trip keeps the enclosure
    from recovery.realizability.best import BestLSA

    back = BestLSA.from_json(r.to_json())
    assert back.f_lower == r.f_lower and back.f_upper == r.f_upper


def test_without_interval_nothing_is_certified():
    qe = _quad(2)
    r = best_realizable(qe, method="bnb", starts=2, interval=False)
    assert not r.certified_global and r.f_lower is None
    assert r.details["float_gap_closed"] and r.details["bnb"]["status"] == "gap closed"
