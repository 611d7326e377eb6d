"""Smoke + consistency test of the population Fig. 5 driver and the recovery benchmark entry point."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarks.perf.bench_recovery import instances, markdown, run
from recovery.paper.fig5_population import fig5_markdown, fig5_population, write_fig5_population


def test_fig5_rows_chain_and_monte_carlo(tmp_path):
    rows = fig5_population([1, 2], n=20, p=0.5, batch=3000, starts=1, certified_max_d=0, rng=3)
    assert [r["d"] for r in rows] == [1, 2]
    for r in rows:
        assert r["ftilde_star"] <= r["f_star"] + 1e-12 <= r["f_psi"] + 2e-12
        for k, f in (("linear", r["ftilde_star"]), ("lsa", r["f_star"]), ("psi", r["f_psi"])):
            # sample MSE of each predictor agrees with its exact population loss (5 standard errors)
            assert abs(r[f"mse_{k}"] - f) <= 5 * r[f"mse_se_{k}"]
            assert 0.0 <= r[f"acc_{k}"] <= 1.0
    assert "| 2 |" in fig5_markdown(rows, n=20, p=0.5, batch=3000)
    md = write_fig5_population(tmp_path, dmax=1, batch=50, starts=1, certified_max_d=0)
    assert (tmp_path / "fig5_population.png").stat().st_size > 0
    assert (tmp_path / "fig5_population.md").read_text() == md and md.count("\n| 1 |") == 1


def test_bench_recovery_run_agrees(tmp_path):
    rows = run(tmp_path, ds=[2], time_limit=20.0, spectral_only_ds=(6,))
    assert len(rows) == 8
    compared = [r for r in rows if r["agree"] is not None]
    assert len(compared) == 4 and all(r["agree"] for r in compared)
    assert {r["spectral_certificate"] for r in rows} == {"rank", "no_common_direction", None}
    assert (tmp_path / "bench_recovery.md").read_text() == markdown(rows, 20.0)
    # instances are deterministic in (d, seed)
    for (k1, X1), (k2, X2) in zip(instances(3, 5), instances(3, 5)):
        assert k1 == k2 and np.array_equal(X1, X2)


@pytest.mark.parametrize("kw, msg", [({"dmax": 0}, "dmax must be >= 1"), ({"p": 1.0}, "p must"),
                                     ({"n": 0}, "n must be >= 1"), ({"seed": -1}, "seed must be >= 0")])
def test_write_fig5_population_bad_arguments(tmp_path, kw, msg):
    with pytest.raises(ValueError, match=msg):
        write_fig5_population(tmp_path / "o", **{"batch": 10, "starts": 1, **kw})


def test_planted_sweep_counts_failures(monkeypatch):
    import benchmarks.perf.bench_recovery as br
    from recovery.realizability.realize import recover

    res = br.planted_sweep(300, seed=5)
    assert res["failures"] == 0 and res["instances"] > 250
    # a recovery that loses accuracy must be counted as a failure
    def sloppy(X, d):
        r = recover(X, d)
        return r if not r.realizable else type(r)(**{**r.__dict__, "A": r.A * (1 + 1e-6)})

    monkeypatch.setattr(br, "recover", sloppy)
    assert br.planted_sweep(50, seed=5)["failures"] > 0


def test_fig5_certified_rows_use_the_rigorous_certificate():
    """Certified rows come from the interval-verified branch-and-bound on the exact quadratic."""
    from recovery.paper.fig5_population import fig5_population

    rows = fig5_population([1, 2], n=100, p=0.5, batch=200, starts=1, certified_max_d=2, rng=0)
    for r in rows:
        assert r["method"] == "certified" and r["certified"] is True
        assert r["f_lower"] <= r["f_star"] <= r["f_upper"]
        assert r["f_upper"] - r["f_lower"] <= 1e-5
