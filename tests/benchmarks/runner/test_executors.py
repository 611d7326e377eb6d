"""``--executor local`` and ``--executor dask`` interchangeable (a real ``distributed`` LocalCluster; no mocks).

The ``tiny`` suite and a small ``--instances`` set give the same classifications under both; their
results files merge and resume into one another.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.paths import REPO

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install 'lsahard[dask]')")

from benchmarks.runner import results  # noqa: E402
from lsahard.cli import main  # noqa: E402

EXAMPLES = REPO / "docs" / "examples" / "instances"


def _recs(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]


def _classes(out: Path) -> dict:
    return {results.record_key(r): (r["classification"], r["answer"]) for r in _recs(out)}


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes on the loopback interface."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as lc:
        yield lc


def test_tiny_suite_dask_equals_local(tmp_path, cluster, capsys):
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["bench", "--suite", "tiny", "--out", str(local), "--jobs", "2", "--no-progress",
                 "--no-report"]) == 0
    assert main(["bench", "--suite", "tiny", "--out", str(dask), "--executor", "dask", "--scheduler",
                 cluster.scheduler_address, "--no-progress", "--no-report"]) == 0
    a, b = _classes(local), _classes(dask)
    assert a == b and len(a) >= 8
    recs = _recs(dask)
    assert all(r["executor"] == "dask" and r["worker"].startswith("tcp://127.0.0.1") for r in recs)
    assert all(r["peak_mem_mb"] and r["peak_mem_mb"] > 1 for r in recs)
    meta = json.loads((dask / "meta.json").read_text())
    assert meta["sessions"][-1]["executor"] == "dask"
    assert meta["sessions"][-1]["scheduler"] == cluster.scheduler_address
    # local and dask runs are interchangeable: merge keeps one line per key
    counts = results.merge(tmp_path / "merged", [local, dask])
    assert counts["written"] == len(a) and counts["duplicates"] == len(a)


def test_instances_dask_equals_local(tmp_path, cluster, capsys):
    d = tmp_path / "inst"
    shutil.copytree(EXAMPLES, d)
    common = ["--instances", str(d), "--answers", str(d / "answers.solu"), "--colors", "3", "--levels", "source",
              "--time-limit", "5", "--no-progress", "--no-report"]
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["bench", *common, "--out", str(local), "--jobs", "2"]) == 0
    # half of the runs first under dask, then --resume under local finishes the file: one results file
    assert main(["bench", *common, "--out", str(dask), "--executor", "dask", "--scheduler",
                 cluster.scheduler_address]) == 0
    a, b = _classes(local), _classes(dask)
    assert a == b
    assert {c for c, _ in a.values()} == {"ok"}
    assert main(["bench", *common, "--out", str(dask), "--resume"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["executed"] == 0
