"""Smoke test of the branch-and-bound cost benchmark (no timings are asserted)."""
from __future__ import annotations

import json

import pytest

from benchmarks.perf import bench_bnb


def test_bench_bnb_throughput_and_profile(capsys):
    assert bench_bnb.main(["--d", "1", "2", "--profile"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["d"] for r in lines] == [1, 1, 2, 2]
    thr, prof = lines[2], lines[3]
    assert thr["boxes_per_s_exact"] > 0 and thr["boxes_per_s_best"] > 0
    # d = 2 (cond(H) ~ 4e3) has no shrunk bound: both estimates coincide and every point resolves
    assert prof["exact"]["estimated_leaves"] == pytest.approx(prof["best"]["estimated_leaves"])
    assert prof["exact"]["unresolved"] == 0.0
    assert sum(prof["best"]["fraction_per_level"].values()) == pytest.approx(1.0)
    with pytest.raises(SystemExit):
        bench_bnb.main(["--d", "6"])


def test_bench_bnb_interval_and_certify(capsys):
    assert bench_bnb.main(["--d", "1", "--interval", "--certify", "--workers", "1"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    iv, cert = lines[1], lines[2]
    assert iv["arb_boxes_per_s_cholesky"] > 0 and iv["numpy_boxes_per_s_cholesky"] > 0
    assert iv["numpy_over_arb_cholesky"] > 0 and iv["projected_verify_s_1_workers_numpy"] > 0
    assert cert["certified"] and cert["f_lower"] <= cert["f_best"] <= cert["f_upper"]


def test_bench_bnb_certify_direct_matches_the_certified_pipeline():
    r = bench_bnb.certify_direct(1, workers=1, time_limit=60.0)
    assert r["search_status"] == "gap closed" and r["certified"]
    assert r["f_lower"] <= r["f_best"] <= r["f_upper"] and r["pruned_volume_fraction"] == pytest.approx(1.0)
