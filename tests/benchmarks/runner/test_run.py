"""The benchmark runner: toy suites end to end, kill + resume, hard limits, sharding, bad flags."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.runner import results
from benchmarks.runner import run as runner
from benchmarks.suites import catalog as suites
from benchmarks.suites import families
from lsahard.cli import main
from tests.paths import REPO


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def _keys(recs):
    return [results.record_key(r) for r in recs]


def _expected_toy_keys(suite_name: str) -> set:
    """Task keys of a toy suite computed independently of the runner (from the suite plan)."""
    suite = suites.get_suite(suite_name)
    keys = set()
    for plan in suite.plans:
        fam = families.get_family(plan.family)
        for size in plan.sizes:
            for case in fam.cases(size, plan.per_size, suite.base_seed):
                for lv in case.levels:
                    for spec in fam.solvers(lv, size):
                        for seed in suite.seeds:
                            keys.add((plan.family, lv.level, case.instance, spec.name, seed))
    return keys


def test_toy_suite_end_to_end_in_process(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["bench", "--suite", "toy", "--out", str(out), "--jobs", "2", "--no-progress"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    recs = _lines(out / "results.jsonl")
    assert set(_keys(recs)) == _expected_toy_keys("toy")
    assert len(recs) == len(set(_keys(recs))) == summary["executed"]
    known = results.load_known_answers(out)
    for r in recs:
        for k in results.REQUIRED_FIELDS:
            assert k in r, k
        assert r["versions"]["python"] and r["machine"]["cpus"]
        # the toy answer is the parity of the source list, recomputed here independently
        src = json.loads((out / "instances" / "toy" / r["instance"] / "source.json").read_text())
        truth = "YES" if sum(src["values"]) % 2 == 0 else "NO"
        assert known[r["instance"]] == truth
        assert r["classification"] == "ok" and r["answer"] == truth
        assert r["peak_mem_mb"] > 1
    # planted instances (even index) are YES by construction
    assert all(known[i] == "YES" for i in known if i.endswith("p"))
    rep = (out / "report.md").read_text()
    assert results.sha256_file(out / "results.jsonl") in rep
    assert (out / "figures" / "profile_toy.png").stat().st_size > 1000


PLUGIN = """
from benchmarks.suites.families import ToyFamily, register_family
from benchmarks.suites.catalog import FamilyPlan, Suite, register_suite

register_family(ToyFamily("plugfam", ("toy-fast", "toy-heur")), replace=True)
register_suite(Suite("plugsuite", "a suite from a plugin", (FamilyPlan("plugfam", (3,), 2),), time_limit=2.0),
               replace=True)
"""


def test_plugin_hook_registers_a_family_and_suite(tmp_path, capsys, monkeypatch):
    (tmp_path / "lsahard_test_plugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        rc = main(["bench", "--plugin", "lsahard_test_plugin", "--suite", "plugsuite", "--out",
                   str(tmp_path / "p"), "--no-progress", "--no-report"])
        assert rc == 0
        recs = _lines(tmp_path / "p" / "results.jsonl")
        assert {r["family"] for r in recs} == {"plugfam"} and {r["solver"] for r in recs} == {"toy-fast", "toy-heur"}
        assert len(recs) == 2 * 2 * 2  # instances x levels x solvers
        assert main(["bench", "--plugin", "no_such_plugin_xyz", "--out", str(tmp_path / "q")]) == 2
    finally:
        families.FAMILIES.pop("plugfam", None)
        suites.SUITES.pop("plugsuite", None)


def test_wrong_answers_flagged_loudly(tmp_path, capsys):
    out = tmp_path / "bad"
    rc = main(["bench", "--suite", "toy-bad", "--out", str(out), "--no-progress"])
    cap = capsys.readouterr()
    assert rc == 1  # a suite with wrong answers fails
    recs = _lines(out / "results.jsonl")
    by = {}
    for r in recs:
        by.setdefault(r["solver"], set()).add(r["classification"])
    assert by["toy-wrong"] == {"wrong"}
    assert by["toy-crash"] == {"error"}
    assert by["toy-fast"] == {"ok"}
    # toy-heur proves YES only: ok on YES instances, unknown on NO instances
    known = results.load_known_answers(out)
    for r in recs:
        if r["solver"] == "toy-heur":
            assert r["classification"] == ("ok" if known[r["instance"]] == "YES" else "unknown")
    n_wrong = sum(r["classification"] == "wrong" for r in recs)
    assert cap.err.count("WRONG ANSWER") == n_wrong > 0
    assert "WRONG ANSWERS FOUND" in (out / "report.md").read_text()
    crash = next(r for r in recs if r["solver"] == "toy-crash")
    assert "deliberate failure" in crash["error"]
    assert "deliberate failure" in Path(crash["log"]).read_text()  # the worker's stderr is kept
    assert all(r["log"] is None for r in recs if r["solver"] == "toy-fast")  # silent runs: no file


def test_hanging_solver_is_killed_at_the_limit(tmp_path):
    limit, grace = 1.0, 0.2
    t0 = time.monotonic()
    summary = suites.run_suite("toy-hang", tmp_path / "h", time_limit=limit, grace=grace, progress=False)
    elapsed = time.monotonic() - t0
    recs = _lines(tmp_path / "h" / "results.jsonl")
    hang = [r for r in recs if r["solver"] == "toy-hang"]
    assert hang and all(r["classification"] == "timeout" and r["status"] == "killed" for r in hang)
    for r in hang:  # stopped at limit + grace, within 20 %
        assert limit <= r["wall_s"] <= 1.2 * (limit + grace)
    assert summary.executed == len(recs)
    assert elapsed < 30  # generous: the suite did not stall


def test_kill_then_resume_loses_nothing(tmp_path):
    out = tmp_path / "k"
    cmd = [sys.executable, "-m", "lsahard.cli", "bench", "--suite", "toy", "--out", str(out),
           "--jobs", "1", "--no-progress", "--no-report"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    res = out / "results.jsonl"
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    import psutil

    while time.monotonic() < deadline:
        if res.exists() and res.read_bytes().count(b"\n") >= 5:
            break
        try:
            workers |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        except psutil.Error:
            pass
        time.sleep(0.05)
    try:
        workers |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
    except psutil.Error:
        pass
    os.kill(proc.pid, signal.SIGKILL)  # the runner only: its workers must die with it
    proc.wait(10)
    before = res.read_bytes()
    assert before.endswith(b"\n")  # never a torn line
    done_before = _lines(res)
    assert 5 <= len(done_before) < len(_expected_toy_keys("toy"))
    # no orphaned workers (the fork server and its children die with the runner)
    t_end = time.monotonic() + 10
    while time.monotonic() < t_end and any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"
                                           for p in workers):
        time.sleep(0.1)
    alive = [p for p in workers if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
    assert not alive
    # a torn trailing fragment (as a crash inside a write could leave) is trimmed on resume
    with open(res, "ab") as fh:
        fh.write(b'{"family": "toy", "lev')
    assert len(results.read_records(res)) == len(done_before)
    # without --resume the directory is refused
    assert main(["bench", "--suite", "toy", "--out", str(out), "--no-progress"]) == 2
    summary = suites.run_suite("toy", out, resume=True, progress=False)
    after = res.read_bytes()
    assert after.startswith(before)  # finished lines untouched
    recs = _lines(res)
    assert len(recs) == len(set(_keys(recs)))  # nothing ran twice
    assert set(_keys(recs)) == _expected_toy_keys("toy")
    assert summary.skipped_done == len(done_before)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_runner_leaves_no_orphan_workers(tmp_path, sig):
    """A runner killed (or Ctrl-C'ed) while a hanging solver runs: its workers must not outlive it,
    and finished lines stay intact."""
    import psutil

    args = ["bench", "--suite", "toy-hang", "--time-limit", "60", "--out", str(tmp_path / "o"), "--jobs", "2",
            "--no-progress", "--no-report"]
    # as `python -m lsahard.cli ...`, with Python's Ctrl-C handler even if this process ignores SIGINT
    code = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            f"sys.argv = ['lsahard'] + {args!r}; runpy.run_module('lsahard.cli', run_name='__main__')")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    res = tmp_path / "o" / "results.jsonl"
    deadline = time.monotonic() + 60
    kids: list[int] = []
    while time.monotonic() < deadline:  # toy-fast finished -> toy-hang workers are in flight
        kids = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        if res.exists() and res.read_bytes().count(b"\n") >= 2 and len(kids) >= 3:
            break
        time.sleep(0.05)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=20)
    if sig == signal.SIGINT:  # Ctrl-C: a clean exit 130 that says how to continue
        assert proc.returncode == 130 and b"--resume" in err
    assert res.read_bytes().endswith(b"\n") and len(_lines(res)) >= 2

    def alive():
        return [p for p in kids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]

    t_end = time.monotonic() + 15
    while time.monotonic() < t_end and alive():
        time.sleep(0.1)
    assert kids and not alive()


def test_shards_partition_the_suite_and_merge(tmp_path, capsys):
    keys = _expected_toy_keys("toy-mini")
    parts = []
    for i in (1, 2):
        d = tmp_path / f"s{i}"
        suites.run_suite("toy-mini", d, shard=f"{i}/2", progress=False, jobs=2)
        parts.append(set(_keys(_lines(d / "results.jsonl"))))
    assert parts[0] | parts[1] == keys and not parts[0] & parts[1]
    # the slice is the documented hash of the key
    assert all(runner.shard_of(k, 2) == 0 for k in parts[0])
    rc = main(["bench", "merge", str(tmp_path / "m"), str(tmp_path / "s1"), str(tmp_path / "s2"),
               str(tmp_path / "s1")])
    assert rc == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["written"] == len(keys) and counts["duplicates"] == len(parts[0])
    merged = _lines(tmp_path / "m" / "results.jsonl")
    assert set(_keys(merged)) == keys
    # first complete line wins: records of s1 are byte-identical to the merged ones
    first = {results.record_key(r): r for r in _lines(tmp_path / "s1" / "results.jsonl")}
    for r in merged:
        if results.record_key(r) in first:
            assert r == first[results.record_key(r)]
    assert results.load_known_answers(tmp_path / "m")
    assert main(["bench", "report", str(tmp_path / "m")]) == 0


def test_adaptive_scaling_drops_configurations(tmp_path):
    suites.run_suite("toy-scaling", tmp_path / "a", jobs=2, progress=False, max_rounds=5)
    recs = _lines(tmp_path / "a" / "results.jsonl")
    # toy-slow needs 0.01 * 2**n s (limit 0.2 s): once every run of a size timed out it is not run again
    slow = {}
    for r in recs:
        if r["solver"] == "toy-slow":
            slow.setdefault(r["size"], []).append(r["classification"])
    dead = [s for s in sorted(slow) if all(c != "ok" for c in slow[s])]
    assert dead, slow
    assert max(slow) == dead[0]  # nothing after the first size with no success
    fast_sizes = sorted({r["size"] for r in recs if r["solver"] == "toy-fast"})
    assert fast_sizes == list(range(1, 6))  # the family goes on while an exact solver succeeds


@pytest.mark.parametrize("argv, needle", [
    (["--shard", "3/2"], "--shard"),
    (["--shard", "0/2"], "--shard"),
    (["--time-limit", "-1"], "--time-limit"),
    (["--jobs", "0"], "--jobs"),
    (["--seeds", "0"], "--seeds"),
    (["--suite", "nope"], "--suite"),
    (["--shard", "a/b"], "--shard"),
    (["--jobs", "-1"], "--jobs"),
    (["--time-limit", "nan"], "--time-limit"),
    (["--time-limit", "inf"], "--time-limit"),
    (["--grace", "nan"], "--grace"),
    (["--seeds", "1000000000"], "--seeds"),
])
def test_bad_flags_exit_2_with_one_line(tmp_path, capsys, argv, needle):
    rc = main(["bench", "--out", str(tmp_path / "x"), "--no-progress", *argv])
    err = capsys.readouterr().err
    assert rc == 2
    assert len(err.strip().splitlines()) == 1 and needle in err
    assert not (tmp_path / "x" / "results.jsonl").exists()


def test_report_on_missing_or_empty_dir_exits_2_with_one_line(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "blank").mkdir()
    (tmp_path / "blank" / "results.jsonl").write_text("")
    for d, needle in (("missing", "has no results.jsonl"), ("empty", "has no results.jsonl"),
                      ("blank", "holds no complete records")):
        assert main(["bench", "report", str(tmp_path / d)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_worker_start_up_is_not_charged_to_the_limit(tmp_path):
    """Through the console script, each forkserver worker first re-runs `lsahard` (importing the
    whole package, ~1 s of CPU); with 8 workers on 2 cores that used to exceed toy-mini's 2 s + 1 s
    hard limit, and every run was killed before its toy solver (<= 0.08 s) even started."""
    script = Path(sys.executable).with_name("lsahard")
    assert script.exists()
    r = subprocess.run([str(script), "bench", "--suite", "toy-mini", "--jobs", "8", "--no-progress", "--no-report",
                        "--out", str(tmp_path / "j8")], capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    recs = _lines(tmp_path / "j8" / "results.jsonl")
    assert set(_keys(recs)) == _expected_toy_keys("toy-mini")
    assert [r["classification"] for r in recs] == ["ok"] * len(recs)


def test_seeds_flag_multiplies_runs(tmp_path, capsys):
    rc = main(["bench", "--suite", "toy-mini", "--seeds", "2", "--out", str(tmp_path / "s"), "--no-progress",
               "--no-report", "--jobs", "2"])
    assert rc == 0
    keys = set(_keys(_lines(tmp_path / "s" / "results.jsonl")))
    base = _expected_toy_keys("toy-mini")
    assert keys == {k[:4] + (seed,) for k in base for seed in (0, 1)}


def test_bad_flags_via_python_m_lsahard(tmp_path):
    r = subprocess.run([sys.executable, "-m", "lsahard", "bench", "--shard", "3/2", "--out", str(tmp_path / "y")],
                       capture_output=True, text=True, cwd=REPO, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "--shard" in r.stderr


def test_report_after_resume_aggregates_every_session(tmp_path):
    """A run continued with --resume: the report header covers every session's times and runs,
    not only the last invocation's."""
    from benchmarks.report import tables as report
    out = tmp_path / "r"
    first = suites.run_suite("toy-mini", out, shard="1/2", progress=False)
    meta1 = json.loads((out / "meta.json").read_text())
    second = suites.run_suite("toy-mini", out, resume=True, progress=False)
    assert first.executed > 0 and second.executed > 0
    n = first.executed + second.executed
    rep = report.write_report(out, figures=False)
    assert [s["runs"] for s in rep.sessions] == [first.executed, second.executed]
    assert rep.sessions[0]["started_at"] == meta1["started_at"] and rep.sessions[0]["shard"] == "1/2"
    text = (out / "report.md").read_text()
    header = text.split("## Outcomes")[0]
    assert f"- started {meta1['started_at']}," in header  # the first session's start
    assert "over 2 sessions" in header
    assert f"session 1: started {meta1['started_at']}" in header and f": {first.executed} runs (ok" in header
    assert f": {second.executed} runs (ok" in header
    assert f"{n} runs (ok {n}, all sessions)" in header
    assert json.loads((out / "report.json").read_text())["sessions"][1]["runs"] == second.executed


def test_recovery_suite_prints_progress_while_running(tmp_path, capsys, monkeypatch):
    """``bench --suite recovery`` reports each instance on stderr as it finishes (SCIP stubbed out
    so that the test is fast); stdout stays one JSON document."""
    import io

    from benchmarks.perf import bench_recovery
    stream = io.StringIO()
    lines_before_call: list[int] = []

    def fake_scip(X, d, time_limit):
        lines_before_call.append(len(stream.getvalue().splitlines()))
        return SimpleNamespace(status="feasible" if d == 1 else "infeasible", seconds=0.01)

    monkeypatch.setattr(bench_recovery, "recover_scip", fake_scip)
    rows = bench_recovery.run(None, ds=[1, 2], spectral_only_ds=[3], progress=stream)
    # the k-th SCIP call happens after the opening line and k finished-instance lines
    assert lines_before_call == list(range(1, 9))
    lines = stream.getvalue().splitlines()
    assert len(rows) == 12 and len(lines) == 1 + 12 + 1
    assert lines[0].startswith("bench recovery: 12 instances")
    assert [ln.split("]")[0].split("[")[1] for ln in lines[1:-1]] == [f"{i}/12" for i in range(1, 13)]
    assert lines[-1].startswith("bench recovery: done: 12 instances")
    # progress=False is silent
    capsys.readouterr()
    bench_recovery.run(None, ds=[1], spectral_only_ds=[], progress=False)
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match="progress"):
        bench_recovery.run(None, ds=[1], spectral_only_ds=[], progress=3)
    capsys.readouterr()
    # through the CLI: progress lines on stderr, one JSON document on stdout
    assert main(["bench", "--suite", "recovery", "--out", str(tmp_path / "rec")]) == 0
    cap = capsys.readouterr()
    info = json.loads(cap.out)
    assert info["results"] == 40
    err = [ln for ln in cap.err.splitlines() if ln.startswith("bench recovery: ")]
    assert len(err) == 42 and "[40/40]" in err[-2] and "rec" in err[-1]
