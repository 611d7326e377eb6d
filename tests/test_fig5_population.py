"""Smoke + consistency test of the population Fig. 5 driver and the recovery benchmark entry point."""
from __future__ import annotations

import numpy as np

from benchmarks.bench_recovery import instances, markdown, run
from recovery.fig5_population import fig5_markdown, fig5_population, main


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
    assert main(["--out", str(tmp_path), "--dmax", "1", "--batch", "50", "--starts", "0",
                 "--certified-max-d", "0"]) == 0
    assert (tmp_path / "fig5_population.png").stat().st_size > 0
    assert (tmp_path / "fig5_population.md").read_text().count("\n| 1 |") == 1


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
