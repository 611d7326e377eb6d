"""``lsahard reduce`` and ``lsahard reductions`` (in-process through lsahard.cli.main, and once
through a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest

from lsahard.cli import main
from reductions import CNF, chain, load_problem

SAT = "c tiny\np cnf 2 3\n1 2 0\n-1 2 0\n1 -2 0\n"
UNSAT = "p cnf 1 2\n1 0\n-1 0\n"


@pytest.fixture
def cnf_file(tmp_path):
    p = tmp_path / "f.cnf"
    p.write_text(SAT)
    return p


def test_reduce_to_separability_writes_target_and_chain(tmp_path, cnf_file, capsys):
    out = tmp_path / "out"
    assert main(["reduce", str(cnf_file), "--to", "separability", "--out", str(out),
                 "--witness", "--solve-target", "brute"]) == 0
    text = capsys.readouterr().out
    assert "forward witness on the target: feasible=True" in text
    assert "passes the source's exact check" in text and "answer: yes  proof: exact" in text
    target = load_problem(out / "target.json")
    assert target == chain(CNF.read_dimacs(cnf_file), "separability").target
    meta = json.loads((out / "chain.json").read_text())
    assert meta["rules"] == ["cnf_to_nae_sat", "nae_sat_to_separability"]
    assert meta["target_size"] == target.size() and meta["size_matches"] is True
    fw = json.loads((out / "forward_witness.json").read_text())
    assert target.check((fw[0], fw[1], fw[2], fw[3]))


def test_reduce_to_lsa_program_exports_and_round_trip(tmp_path, cnf_file, capsys):
    out = tmp_path / "lsa"
    assert main(["reduce", str(cnf_file), "--to", "lsa_program", "--out", str(out), "--json",
                 "--witness", "--solve-target", "highs-milp"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rules"][-1] == "bm_program_to_lsa_program"
    assert report["forward"]["target_witness_ok"] is True
    assert report["answer"]["answer"] == "yes" and report["answer"]["proof"] == "exact"
    assert CNF.read_dimacs(cnf_file).check(report["answer"]["witness"])
    for name in ("target.json", "target.nl", "target.gms", "chain.json"):
        assert (out / name).stat().st_size > 0
    prog = json.loads((out / "target.json").read_text())
    assert prog["schema"] == "lsahard.bilinear/1"


def test_reduce_unsat_instance_reports_no(tmp_path, capsys):
    p = tmp_path / "u.cnf"
    p.write_text(UNSAT)
    assert main(["reduce", str(p), "--to", "set_splitting", "--out", str(tmp_path / "o"),
                 "--witness", "--solve-target", "milp", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["forward"]["source_answer"] is False
    assert report["backward"]["target_answer"] is False
    assert report["answer"]["answer"] == "no" and report["answer"]["proof"] == "solver proof"


def test_reduce_graph_file_and_via(tmp_path, capsys):
    g = tmp_path / "g.graphml"
    nx.write_graphml(nx.cycle_graph(3), g)
    assert main(["reduce", str(g), "--k", "2", "--to", "cnf", "--out", str(tmp_path / "c")]) == 0
    assert CNF.read_dimacs(tmp_path / "c" / "target.cnf").n_vars == 6
    capsys.readouterr()
    p = tmp_path / "ss.json"
    p.write_text(json.dumps({"problem": "set_splitting", "n": 3, "subsets": [[0, 1], [1, 2]]}))
    assert main(["reduce", str(p), "--to", "separability", "--out", str(tmp_path / "s"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rules"] == ["set_splitting_to_separability"]
    f = tmp_path / "f.cnf"
    f.write_text(SAT)
    assert main(["reduce", str(f), "--to", "separability", "--via", "set_splitting",
                 "--out", str(tmp_path / "v"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rules"] == [
        "cnf_to_nae_sat", "nae_sat_to_set_splitting", "set_splitting_to_separability"]


@pytest.mark.parametrize(
    "name, content, args, message",
    [
        ("f.cnf", SAT, ["--to", "sudoku"], "unknown problem"),
        ("f.cnf", SAT, ["--to", "partition"], "no reduction path"),
        ("f.cnf", SAT, ["--to", "cnf", "--via", "bogus"], "unknown problem"),
        ("bad.cnf", "p cnf 2 1\n1 5 0\n", ["--to", "nae_sat"], "line 2"),
        ("count.cnf", "p cnf 2 1\n1 0\n0\n", ["--to", "nae_sat"], "announces 1 clauses, found 2"),
        ("nae.json", json.dumps({"problem": "nae_sat", "n_vars": 2, "clauses": [[1, 2], []]}),
         ["--to", "separability"], "empty clause"),
        ("p.json", json.dumps({"problem": "partition", "values": [1, 2.5]}), ["--to", "lsa_program"], "values"),
        ("s.json", json.dumps({"problem": "separability", "inside": [[0, 0]], "outside": [[1]]}),
         ["--to", "bm_program"], "dimension"),
        ("g.graphml", None, ["--to", "cnf"], "k"),
        ("x.txt", "hello", ["--to", "cnf"], "suffix"),
        ("u.cnf", b"\xff\xfe p cnf", ["--to", "nae_sat"], "UTF-8"),
        ("u.json", b"\xff{}", ["--to", "nae_sat"], "UTF-8"),
        ("h.cnf", "p cnf 99999999999999999999 1\n1 0\n", ["--to", "lsa_program"], "too large"),
        ("h2.cnf", "p cnf 100000000 1\n1 0\n", ["--to", "cnf", "--witness"], "too large"),
        ("f.cnf", SAT, ["--to", "nae_sat", "--time-limit", "inf"], "time-limit"),
        ("c.json", json.dumps({"problem": "coloring", "k": 2, "graph": {
            "directed": False, "multigraph": False, "graph": {}, "nodes": [{"id": 0}],
            "edges": [{"source": 0, "target": 7}]}}), ["--to", "cnf"], "not in the node list"),
        ("c0.json", json.dumps({"problem": "coloring", "k": 0, "graph": nx.node_link_data(
            nx.path_graph(2), edges="edges")}), ["--to", "cnf"], "k"),
        ("s.json", json.dumps({"problem": "separability", "inside": [[1e300]], "outside": [[0]]}),
         ["--to", "lsa_program"], "coordinate"),
        ("s0.json", json.dumps({"problem": "separability", "inside": [], "outside": []}),
         ["--to", "bm_program"], "dim"),
        ("p0.json", json.dumps({"problem": "partition", "values": [1, 0]}), ["--to", "lsa_program"], "values"),
        ("n.json", json.dumps({"problem": "nope"}), ["--to", "cnf"], "unknown problem"),
        ("bad.gml", "graph [ node [ id 0 ", ["--to", "cnf", "--k", "2"], "cannot read graph"),
        ("bad.edgelist", "0 1 2 3\n", ["--to", "cnf", "--k", "2"], "cannot read graph"),
    ],
)
def test_reduce_bad_input_exits_2_with_one_line(tmp_path, capsys, name, content, args, message):
    p = tmp_path / name
    if content is None:
        nx.write_graphml(nx.path_graph(2), p)
    elif isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content)
    assert main(["reduce", str(p), "--out", str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err
    # "lsahard: error:" from main, "lsahard reduce: error:" from argparse
    assert err.count("\n") == 1 and err.startswith("lsahard") and " error: " in err and message in err
    assert "Traceback" not in err


def test_reductions_text_png_and_json(tmp_path, capsys):
    png = tmp_path / "graph.png"
    assert main(["reductions", "--png", str(png)]) == 0
    text = capsys.readouterr().out
    assert "cnf --cnf_to_nae_sat--> nae_sat" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["reductions", "--png", str(tmp_path / "graph.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".png" in err
    assert main(["reductions", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {r["rule"] for r in data["rules"]} >= {"cnf_to_nae_sat", "coloring_to_cnf"}


def test_subprocess_reduce_and_error(tmp_path, cnf_file):
    out = tmp_path / "sp"
    ok = subprocess.run([sys.executable, "-m", "lsahard.cli", "reduce", str(cnf_file), "--to", "nae_sat",
                         "--out", str(out), "--json"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["target"] == "nae_sat"
    bad = subprocess.run([sys.executable, "-m", "lsahard.cli", "reduce", str(cnf_file), "--to", "nowhere",
                          "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
