"""``lsahard bench --instances``: DIMACS CNF / .col files with a manifest, known answers, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.runner import results
from benchmarks.suites import instances
from lsahard.cli import main
from tests.paths import REPO, SHARED

EXAMPLES = REPO / "docs" / "examples" / "instances"

#: the example set's truth, from the graphs and formulas themselves (K3, C5: 3-colourable; K4 not)
TRUTH_3 = {"tiny-sat": "YES", "tiny-unsat": "NO", "triangle": "YES", "c5": "YES", "k4": "NO"}


def _recs(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]


def _examples(tmp_path: Path) -> Path:
    d = tmp_path / "inst"
    shutil.copytree(EXAMPLES, d)
    return d


def test_instances_run_classified_against_manifest(tmp_path, capsys):
    d = _examples(tmp_path)
    out = tmp_path / "run"
    rc = main(["bench", "--instances", str(d), "--answers", str(d / "answers.solu"), "--colors", "3",
               "--levels", "source,nae_sat", "--out", str(out), "--jobs", "2", "--time-limit", "5",
               "--no-progress", "--no-report"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    recs = _recs(out)
    assert summary["suite"] == "instances" and summary["executed"] == len(recs)
    assert {r["instance"] for r in recs} == set(TRUTH_3)
    assert {r["level"] for r in recs} == {"source", "nae_sat"}
    for r in recs:
        assert r["known_answer"] == TRUTH_3[r["instance"]]
        assert r["classification"] == "ok", r
        assert r["answer"] == TRUTH_3[r["instance"]]
    assert results.load_known_answers(out) == TRUTH_3
    manifest = json.loads((out / "instances.json").read_text())
    assert manifest["k4"]["file"].endswith("k4.col") and manifest["k4"]["provenance"].startswith("manifest")
    meta = json.loads((out / "meta.json").read_text())
    assert meta["suite"] == "instances" and meta["sessions"][-1]["executor"] == "local"
    # --resume runs nothing again
    rc = main(["bench", "--instances", str(d), "--answers", str(d / "answers.solu"), "--colors", "3",
               "--levels", "source,nae_sat", "--out", str(out), "--time-limit", "5", "--resume",
               "--no-progress", "--no-report"])
    assert rc == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again["executed"] == 0 and again["skipped_done"] == len(recs)


def test_wrong_manifest_answer_exits_1(tmp_path, capsys):
    d = _examples(tmp_path)
    (d / "answers.solu").unlink()
    wrong = tmp_path / "wrong.json"
    # tiny-sat is satisfiable (x1 = x2 = x3 = true): a manifest saying NO makes every proof "wrong"
    wrong.write_text(json.dumps({"tiny-sat.cnf": "NO", "tiny-unsat": "NO"}))
    out = tmp_path / "run"
    rc = main(["bench", "--instances", str(d / "tiny-sat.cnf"), str(d / "tiny-unsat.cnf"), "--answers", str(wrong),
               "--levels", "source", "--out", str(out), "--time-limit", "5", "--no-progress"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "WRONG ANSWER: cnf-files/source/tiny-sat" in err
    recs = _recs(out)
    assert {r["classification"] for r in recs if r["instance"] == "tiny-sat"} == {"wrong"}
    assert {r["classification"] for r in recs if r["instance"] == "tiny-unsat"} == {"ok"}
    assert "WRONG" in (out / "report.md").read_text()


def test_bad_flags_are_one_line_errors(tmp_path, capsys):
    d = _examples(tmp_path)
    assert main(["bench", "--instances", str(d / "c5.col"), "--out", str(tmp_path / "a"), "--no-progress"]) == 2
    assert "colours" in capsys.readouterr().err
    assert main(["bench", "--instances", str(d), "--suite", "tiny", "--out", str(tmp_path / "b")]) == 2
    assert "exclude each other" in capsys.readouterr().err
    assert main(["bench", "--suite", "toy", "--levels", "source", "--out", str(tmp_path / "c")]) == 2
    assert "--levels applies to --instances only" in capsys.readouterr().err
    assert main(["bench", "--suite", "toy", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "d")]) == 2
    assert "only with --executor dask" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"public instances folder {SHARED} is absent")
def test_public_satlib_and_dimacs_col(tmp_path, capsys):
    files = [SHARED / "cnf" / "uf20-01.cnf", SHARED / "cnf" / "uuf50-01.cnf", SHARED / "cnf" / "kissat-ph3.cnf",
             SHARED / "col" / "myciel3.col"]
    out = tmp_path / "run"
    rc = main(["bench", "--instances", *map(str, files), "--answers", str(SHARED / "answers.solu"),
               "--levels", "source", "--out", str(out), "--jobs", "2", "--time-limit", "10",
               "--answer-budget", "0", "--no-progress", "--no-report"])
    assert rc == 0
    recs = _recs(out)
    known = results.load_known_answers(out)
    assert known == {"uf20-01": "YES", "uuf50-01": "NO", "kissat-ph3": "NO", "myciel3": "YES"}
    sat = {r["instance"]: r for r in recs if r["solver"] == "sat"}
    assert set(sat) == set(known)
    for r in sat.values():
        assert r["classification"] == "ok" and r["answer"] == known[r["instance"]]
    assert all(r["classification"] in ("ok", "timeout", "unknown") for r in recs)


def test_compressed_cnf_and_col_in_reduce(tmp_path, capsys):
    import gzip
    import lzma

    from reductions import load_problem

    text = (EXAMPLES / "tiny-sat.cnf").read_bytes()
    (tmp_path / "a.cnf.gz").write_bytes(gzip.compress(text))
    (tmp_path / "b.cnf.xz").write_bytes(lzma.compress(text))
    plain = load_problem(EXAMPLES / "tiny-sat.cnf")
    assert load_problem(tmp_path / "a.cnf.gz") == plain == load_problem(tmp_path / "b.cnf.xz")
    (tmp_path / "bad.cnf.gz").write_bytes(b"not gzip")
    with pytest.raises(ValueError, match="cannot decompress"):
        load_problem(tmp_path / "bad.cnf.gz")
    assert [instances.instance_name(p) for p in instances.collect_paths([tmp_path / "*.cnf.*z"])] == ["a", "b", "bad"]
    # lsahard reduce reads DIMACS .col
    out = tmp_path / "red"
    assert main(["reduce", str(EXAMPLES / "k4.col"), "--k", "3", "--to", "cnf", "--out", str(out)]) == 0
    assert (out / "target.cnf").read_text().startswith("c lsahard reduce")
