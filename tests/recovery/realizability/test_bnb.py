"""Tests of the patch branch-and-bound search (recovery.realizability.bnb)."""
from __future__ import annotations

import json

import pytest

import recovery.realizability.bnb as bnb_mod
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.realizability.best import best_realizable
from recovery.realizability.patch_bounds import _BoxBounds


def test_bnb_d3_population_shrink_and_workers_agree(capfd, monkeypatch):
    """d = 3 certified with and without the shrunk metric, in one and in two processes; the certified
    values agree within the tolerance, every lower bound is below every certified value, and the
    shrunk metric does win boxes (the search needs fewer of them)."""
    q = population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    monkeypatch.setattr(bnb_mod, "PROGRESS_EVERY", 0.0)
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
    q = population_quadratic(3, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    full = best_realizable(q, method="bnb", starts=2, rng=1, time_limit=120.0, interval=False)
    assert full.details["float_gap_closed"]
    calls = {"n": 0}
    orig = _BoxBounds.evaluate

    def flaky(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 40:
            raise KeyboardInterrupt
        return orig(self, *a, **k)

    monkeypatch.setattr(_BoxBounds, "evaluate", flaky)
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
        "import json, recovery.realizability.best as B, recovery.realizability.bnb as N\n"
        "from recovery.lsa.population import population_quadratic\n"
        "from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior\n"
        "N.PROGRESS_EVERY = 0.2\n"
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

