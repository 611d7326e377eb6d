"""benchmarks.perf.bench_exact at tiny sizes: it runs, compares old and new results, and reports ratios.

No timing is asserted (the numbers depend on the machine and its load)."""
import json
import subprocess
import sys

from benchmarks.perf import bench_exact


def test_quick_run_in_process(capsys):
    rows = bench_exact.run(bench_exact.QUICK)
    out = capsys.readouterr().out
    assert "old/new" in out
    tasks = {(r["task"], r["d"]) for r in rows}
    assert ("optimum --exact", 2) in tasks and ("rational quadratic", 4) in tasks and ("float quadratic", 6) in tasks
    for r in rows:
        assert r["new_s"] > 0 and r["new_cpu_s"] >= 0
        if r["old_s"] is not None:
            assert r["old_cpu_s"] >= 0
            assert r["agree"] is True  # identical rationals / float within 1e-12
            assert r["ratio"] == r["old_s"] / r["new_s"]


def test_module_entry_point_json():
    r = subprocess.run([sys.executable, "-m", "benchmarks.perf.bench_exact", "--quick", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout.strip().splitlines()[-1])
    assert obj["n"] == bench_exact.N_CONTEXT and len(obj["rows"]) == 7
    assert all(row["agree"] in (True, None) for row in obj["rows"])
