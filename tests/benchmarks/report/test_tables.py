"""Report numbers (SGM, performance profiles, growth fits) against hand computations on a fixture."""

from __future__ import annotations

import hashlib
import json
import math

import pytest

from benchmarks.report import tables as report
from benchmarks.runner import results

LIMIT = 10.0

# (instance, size, config, classification, wall_s); config = level/solver
FIXTURE = [
    ("i1", 1, "source/a", "ok", 1.0), ("i2", 1, "source/a", "ok", 3.0),
    ("i3", 2, "source/a", "ok", 2.0), ("i4", 2, "source/a", "timeout", 10.4),
    ("i1", 1, "source/b", "ok", 2.0), ("i2", 1, "source/b", "ok", 1.5),
    ("i3", 2, "source/b", "ok", 4.0), ("i4", 2, "source/b", "ok", 8.0),
    ("i1", 1, "lsa_program/c", "timeout", 11.0), ("i2", 1, "lsa_program/c", "error", 0.1),
    ("i3", 2, "lsa_program/c", "ok", 0.5), ("i4", 2, "lsa_program/c", "wrong", 0.2),
]
KNOWN = {"i1": "YES", "i2": "NO", "i3": "YES", "i4": "YES"}


def _record(inst, size, config, cls, wall):
    level, solver = config.split("/")
    answer = None
    if cls == "ok":
        answer = KNOWN[inst]
    elif cls == "wrong":
        answer = "NO" if KNOWN[inst] == "YES" else "YES"
    return {"schema": results.RECORD_SCHEMA, "family": "f", "level": level, "problem": level, "instance": inst,
            "size": size, "solver": solver, "seed": 0, "status": "x", "answer": answer,
            "verified": True if answer == "YES" else None, "classification": cls, "wall_s": wall,
            "objective": None, "bound": None, "peak_mem_mb": 50.0, "time_limit": LIMIT,
            "known_answer": KNOWN[inst], "versions": {"python": "3.x", "scip": "9"},
            "machine": {"cpu": "TestCPU", "cpus": 2}}


@pytest.fixture()
def run_dir(tmp_path):
    d = tmp_path / "run"
    with results.ResultsWriter(d / results.RESULTS_FILE) as w:
        for row in FIXTURE:
            w.write(_record(*row))
    results.save_known_answers(d, KNOWN)
    return d


def _sgm2(t1, t2, s):
    """Two-point shifted geometric mean written out by hand."""
    return math.sqrt((t1 + s) * (t2 + s)) - s


def test_size_table_matches_hand_computation(run_dir):
    rep = report.build_report(run_dir)
    rows = {(r.size, r.config): r for r in rep.rows}
    for s in report.SHIFTS:
        a1 = _sgm2(1.0, 3.0, s)
        b1 = _sgm2(2.0, 1.5, s)
        c1 = _sgm2(LIMIT, LIMIT, s)  # timeout and error both at the limit
        assert rows[(1, "source/a")].sgm[s] == pytest.approx(a1)
        assert rows[(1, "source/b")].sgm[s] == pytest.approx(b1)
        assert rows[(1, "lsa_program/c")].sgm[s] == pytest.approx(c1)
        best1 = min(a1, b1, c1)
        assert rows[(1, "source/a")].ratio[s] == pytest.approx(a1 / best1)
        assert rows[(1, "lsa_program/c")].ratio[s] == pytest.approx(c1 / best1)
        a2 = _sgm2(2.0, LIMIT, s)  # the timeout (10.4 s wall) counts at the limit
        b2 = _sgm2(4.0, 8.0, s)
        c2 = _sgm2(0.5, LIMIT, s)  # the wrong run counts as unsolved
        best2 = min(a2, b2, c2)
        for conf, val in (("source/a", a2), ("source/b", b2), ("lsa_program/c", c2)):
            assert rows[(2, conf)].sgm[s] == pytest.approx(val)
            assert rows[(2, conf)].ratio[s] == pytest.approx(val / best2)
    assert rows[(1, "source/b")].solved == 2 and rows[(2, "source/a")].solved == 1
    assert rows[(2, "lsa_program/c")].wrong == 1 and rows[(2, "source/a")].timeouts == 1


def test_performance_profile_matches_hand_computation(run_dir):
    rep = report.build_report(run_dir)
    prof = rep.profiles["f"]
    # instance times: i1 a1 b2 c- ; i2 a3 b1.5 c- ; i3 a2 b4 c.5 ; i4 a- b8 c-
    expect = {
        "source/a": {"i1": 1.0, "i2": 2.0, "i3": 4.0, "i4": math.inf},
        "source/b": {"i1": 2.0, "i2": 1.0, "i3": 8.0, "i4": 1.0},
        "lsa_program/c": {"i1": math.inf, "i2": math.inf, "i3": 1.0, "i4": math.inf},
    }
    for c, e in expect.items():
        for inst, v in e.items():
            assert prof[c][inst] == pytest.approx(v) if math.isfinite(v) else prof[c][inst] == math.inf
    pv = report.profile_value
    assert [pv(prof["source/a"], t) for t in (1, 2, 4, math.inf)] == [0.25, 0.5, 0.75, 0.75]
    assert [pv(prof["source/b"], t) for t in (1, 2, 7.99, 8)] == [0.5, 0.75, 0.75, 1.0]
    assert [pv(prof["lsa_program/c"], t) for t in (1, 1e9, math.inf)] == [0.25, 0.25, 0.25]


def test_growth_fit_hand_least_squares(run_dir):
    rep = report.build_report(run_dir)
    # source/b solved everything: per-size mean log times at sizes 1 and 2, a line through both
    y1 = (math.log(2.0) + math.log(1.5)) / 2
    y2 = (math.log(4.0) + math.log(8.0)) / 2
    a, b, n = rep.growth["f"]["source/b"]
    assert n == 2 and b == pytest.approx(y2 - y1) and a == pytest.approx(y1 - (y2 - y1))
    # source/a timed out at size 2 (censored) -> one usable size -> no fit; c likewise
    assert rep.growth["f"]["source/a"] is None and rep.growth["f"]["lsa_program/c"] is None
    # only the largest GROWTH_POINTS fully solved sizes are used
    recs = [{"size": s, "time_limit": 1e9, "classification": "ok", "wall_s": t}
            for s, t in [(1, 5.0), (2, 0.01), (3, 0.02), (4, 0.04), (5, 0.08)]]
    a4, b4, n4 = report.growth_fit(recs, points=4)
    assert n4 == 4 and b4 == pytest.approx(math.log(2))
    # exact exponential data: b = ln 2, doubling size 1
    fit = report.fit_growth([3, 4, 5, 6], [0.01 * 2 ** s for s in (3, 4, 5, 6)])
    assert fit[1] == pytest.approx(math.log(2)) and math.log(2) / fit[1] == pytest.approx(1.0)


def test_report_markdown_and_figures(run_dir):
    rep = report.write_report(run_dir)
    text = (run_dir / "report.md").read_text()
    digest = hashlib.sha256((run_dir / results.RESULTS_FILE).read_bytes()).hexdigest()
    assert digest in text and rep.checksum == digest
    assert "WRONG ANSWERS FOUND" in text and "`f/lsa_program/i4` solver `c`" in text
    assert "TestCPU" in text and "scip 9" in text and "10 s" in text
    a1, b1 = _sgm2(1.0, 3.0, 10.0), _sgm2(2.0, 1.5, 10.0)
    assert f"| 1 | `source/a` | 2/2 | {a1:.2f} | {a1 / min(a1, b1):.2f} |" in text
    for name in ("profile_f.png", "scaling_f.png"):
        assert (run_dir / "figures" / name).stat().st_size > 2000
        assert f"figures/{name}" in text
    assert "WRONG" in rep.summary_text()
    data = json.loads((run_dir / "report.json").read_text())
    assert data["results_sha256"] == digest and data["runs"] == len(FIXTURE)
    prof_b = data["profiles"]["f"]["source/b"]
    assert prof_b["1"] == 0.5 and prof_b["inf"] == 1.0
    assert data["growth"]["f"]["source/a"] is None


def test_conflicting_proofs_are_reported(tmp_path):
    d = tmp_path / "c"
    with results.ResultsWriter(d / results.RESULTS_FILE) as w:
        r1 = _record("i1", 1, "source/a", "ok", 1.0)
        r2 = _record("i1", 1, "source/b", "ok", 1.0)
        for r in (r1, r2):
            r["known_answer"] = None
        r2["answer"], r2["verified"] = "NO", None
        w.write(r1)
        w.write(r2)
    rep = report.write_report(d, figures=False)
    assert rep.conflicts and "YES by source/a" in rep.conflicts[0] and "NO by source/b" in rep.conflicts[0]
    assert "WRONG ANSWERS FOUND" in (d / "report.md").read_text()


def test_report_warns_about_skipped_malformed_lines(run_dir):
    res = run_dir / results.RESULTS_FILE
    bad_types = [{**_record("i1", 1, "source/z", "ok", 1.0), **change}
                 for change in ({"size": "x"}, {"wall_s": "abc"}, {"classification": "solved"},
                                {"time_limit": 0}, {"size": 1.5})]
    extra = b"garbage\n" + b'{"family": "f"}\n' + b"".join(json.dumps(r).encode() + b"\n" for r in bad_types)
    res.write_bytes(res.read_bytes() + extra)
    rep = report.write_report(run_dir, figures=False)
    assert len(rep.records) == len(FIXTURE)
    assert "- warning: 7 malformed line(s) in results.jsonl were skipped" in (run_dir / "report.md").read_text()


@pytest.mark.parametrize("name, data", [
    (results.KNOWN_FILE, b"{"), (results.KNOWN_FILE, b"\xff\n"), (results.META_FILE, b"[1]"),
    (results.META_FILE, b"{"),
])
def test_corrupt_side_files_name_the_file(run_dir, name, data):
    (run_dir / name).write_bytes(data)
    with pytest.raises(ValueError, match=name):
        report.build_report(run_dir)


def test_report_of_empty_dir_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="results.jsonl"):
        report.build_report(tmp_path)


def test_level_table_hand_computation(run_dir):
    rep = report.build_report(run_dir)
    rows = {r.level: r for r in rep.levels}
    # source: b solved 4/4 beats a (3/4); lsa_program: only c
    src, lsa = rows["source"], rows["lsa_program"]
    sgm = lambda ts: math.exp(sum(math.log(t + 10) for t in ts) / len(ts)) - 10  # noqa: E731
    assert (src.best, src.solved, src.runs, src.instances) == ("b", 4, 4, 4)
    assert src.sgm10 == pytest.approx(sgm([2.0, 1.5, 4.0, 8.0]))
    assert (lsa.best, lsa.solved, lsa.solved_by_any) == ("c", 1, 1)
    assert lsa.sgm10 == pytest.approx(sgm([LIMIT, LIMIT, 0.5, LIMIT]))
    assert src.ratio == pytest.approx(1.0) and lsa.ratio == pytest.approx(lsa.sgm10 / src.sgm10)
    assert "## Cost of each encoding level" in "\n".join(report.level_markdown(rep.levels))


def _tag(directory, sessions):
    """Rewrite the fixture's records with ``session`` ids ``sessions[i]`` (one per record)."""
    path = directory / results.RESULTS_FILE
    recs = results.read_records(path)
    path.unlink()
    with results.ResultsWriter(path) as w:
        for r, sid in zip(recs, sessions):
            if sid is not None:
                r["session"] = sid
            w.write(r)


def test_report_header_counts_an_interrupted_session(run_dir):
    """Sessions come from meta.json, their runs from the results file: a session killed before it
    wrote its end is still counted, and marked interrupted."""
    _tag(run_dir, ["a"] * 5 + ["b"] * 7)
    for i, rec in enumerate(results.read_records(run_dir)):
        assert rec["session"] == ("a" if i < 5 else "b")
    meta = {"suite": "s", "time_limit": LIMIT, "started_at": "2030-01-02T00:00:00Z", "finished_at": "2030-01-02T00:01:00Z",
            "sessions": [
                {"id": "a", "started_at": "2030-01-01T00:00:00Z", "finished_at": None, "jobs": 2, "wall_s": None},
                {"id": "b", "started_at": "2030-01-02T00:00:00Z", "finished_at": "2030-01-02T00:01:00Z", "jobs": 1,
                 "wall_s": 60.0}]}
    results.write_json(run_dir / results.META_FILE, meta)
    rep = report.write_report(run_dir, figures=False)
    assert [(s["runs"], s["finished_at"]) for s in rep.sessions] == [(5, None), (7, "2030-01-02T00:01:00Z")]
    assert rep.sessions[0]["counts"] == {"ok": 4, "timeout": 1}  # the first five FIXTURE rows
    header = (run_dir / "report.md").read_text().split("## Outcomes")[0]
    assert "- started 2030-01-01T00:00:00Z, finished 2030-01-02T00:01:00Z over 2 sessions" in header
    assert "session 1: started 2030-01-01T00:00:00Z, interrupted" in header and ": 5 runs" in header
    assert ": 7 runs" in header and "12 runs (" in header


def test_report_of_a_directory_without_sessions(run_dir):
    """A meta.json written before sessions were recorded: one session holding every run."""
    results.write_json(run_dir / results.META_FILE, {"suite": "s", "started_at": "2030-01-01T00:00:00Z",
                                                    "finished_at": "2030-01-01T00:05:00Z"})
    rep = report.write_report(run_dir, figures=False)
    assert [s["runs"] for s in rep.sessions] == [len(FIXTURE)]
    header = (run_dir / "report.md").read_text().split("## Outcomes")[0]
    assert "- started 2030-01-01T00:00:00Z, finished 2030-01-01T00:05:00Z\n" in header
