"""The ``dask`` executor on a real ``distributed`` engine (LocalCluster; no mocks of Dask).

* a Dask worker process killed by its pid mid-run: the task is retried, every key ends up in the
  results file exactly once, nothing finished is lost;
* a hanging solver is stopped at its limit, as under ``local``;
* a LocalCluster started by the command, the deterministic task keys;
* the SLURM recipe's job script (when dask-jobqueue is installed) and the missing-extra error.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import REPO

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install 'lsahard[dask]')")

from benchmarks.runner import dask_executor, results  # noqa: E402
from lsahard.cli import main  # noqa: E402


def _recs(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes on the loopback interface."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as lc:
        yield lc


def test_hanging_solver_stopped_at_its_limit_under_dask(tmp_path, cluster, capsys):
    out = tmp_path / "hang"
    t0 = time.monotonic()
    assert main(["bench", "--suite", "toy-hang", "--out", str(out), "--executor", "dask", "--scheduler",
                 cluster.scheduler_address, "--time-limit", "1", "--grace", "0.5", "--no-progress",
                 "--no-report"]) == 0
    elapsed = time.monotonic() - t0
    recs = _recs(out)
    hang = [r for r in recs if r["solver"] == "toy-hang"]
    assert hang and all(r["status"] == "killed" and r["classification"] == "timeout" for r in hang)
    for r in hang:
        assert 1.4 <= r["process_s"] <= 3.0, r["process_s"]
    assert all(r["classification"] == "ok" for r in recs if r["solver"] == "toy-fast")
    assert elapsed < 30


def test_killed_dask_worker_task_is_retried_once(tmp_path):
    """SIGKILL one worker process mid-run (the CLI runs in its own process against the cluster)."""
    out = tmp_path / "run"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as lc, distributed.Client(lc) as client:
        cmd = [sys.executable, "-m", "lsahard.cli", "bench", "--suite", "toy-hang", "--seeds", "3",
               "--time-limit", "1.5", "--grace", "0.5", "--out", str(out), "--executor", "dask",
               "--scheduler", lc.scheduler_address, "--no-progress", "--no-report"]
        env = dict(os.environ, PYTHONPATH=str(REPO))
        proc = subprocess.Popen(cmd, cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            victim = None
            deadline = time.monotonic() + 60
            while victim is None and time.monotonic() < deadline and proc.poll() is None:
                busy = {w: ks for w, ks in client.processing().items() if any("toy-hang" in str(k) for k in ks)}
                if busy:
                    pids = client.run(os.getpid)
                    addr = sorted(busy)[0]
                    victim = (addr, pids[addr], list(busy[addr]))
                else:
                    time.sleep(0.1)
            assert victim is not None, "no hanging run was ever in flight"
            before = (out / "results.jsonl").read_text() if (out / "results.jsonl").exists() else ""
            os.kill(victim[1], signal.SIGKILL)
            stdout, stderr = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, stderr
    text = (out / "results.jsonl").read_text()
    assert text.startswith(before)  # nothing finished was lost or rewritten
    recs = _recs(out)
    keys = [results.record_key(r) for r in recs]
    assert len(keys) == len(set(keys)) == 12  # 1 instance x 2 levels x 2 solvers x 3 seeds, once each
    assert json.loads(stdout.strip().splitlines()[-1])["executed"] == 12
    # the killed run was retried on a live worker and still stopped at its own limit
    for r in recs:
        if r["solver"] == "toy-hang":
            assert r["classification"] == "timeout" and r["status"] == "killed"
        else:
            assert r["classification"] == "ok"


def test_launch_of_a_local_cluster_by_the_command(tmp_path, capsys):
    out = tmp_path / "lc"
    assert main(["bench", "--suite", "toy-mini", "--out", str(out), "--executor", "dask", "--jobs", "2",
                 "--no-progress", "--no-report"]) == 0
    recs = _recs(out)
    assert recs and all(r["classification"] == "ok" and r["executor"] == "dask" for r in recs)
    meta = json.loads((out / "meta.json").read_text())
    assert meta["sessions"][-1]["local_cluster"] is True and meta["sessions"][-1]["workers"] == 2


def test_dask_key_is_deterministic():
    from benchmarks.runner.run import Task

    t = Task("f", "source", "cnf", "i", 3, "sat", 0, 2.0, "/x.json", "benchmarks.suites.families:run_decide")
    assert dask_executor.dask_key(t) == dask_executor.dask_key(Task(**t.__dict__))
    assert dask_executor.dask_key(t) != dask_executor.dask_key(Task(**{**t.__dict__, "time_limit": 3.0}))
    assert dask_executor.dask_key(t).startswith("lsahard-run-f-source-i-sat-s0-")


def test_missing_dask_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an install without the extra sees
    assert main(["bench", "--suite", "toy", "--executor", "dask", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"lsahard: error: {dask_executor.DASK_MISSING}"
    assert not (tmp_path / "x").exists()


def test_slurm_recipe_job_script():
    pytest.importorskip("dask_jobqueue", reason="dask-jobqueue is not installed (the SLURM recipe needs it)")
    cluster = dask_executor.slurm_cluster(cores=4, memory="8GB", walltime="01:00:00", queue="short",
                                      account="myproj", scheduler_options={"host": "127.0.0.1", "dashboard_address": ":0"},
                                      job_script_prologue=["source ~/venvs/lsahard/bin/activate"])
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    assert "#SBATCH -p short" in script and "#SBATCH -A myproj" in script
    assert "#SBATCH --cpus-per-task=4" in script and "#SBATCH -t 01:00:00" in script
    assert "source ~/venvs/lsahard/bin/activate" in script
    # one single-threaded worker per core: one solver run per core at a time
    assert "--nthreads 1" in script and "--nworkers 4" in script
    assert sys.executable in script and "tcp://127.0.0.1:" in script
