"""``lsahard solve`` / ``lsahard export``: JSON output, exit codes, export round trips."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from lsahard.cli import main
from recovery.lsa.reparam import phi
from recovery.programs.program import BilinearProgram, ProgramBuilder
from recovery.programs.verification import verify


@pytest.fixture
def phi_file(tmp_path):
    rng = np.random.default_rng(0)
    p = BilinearProgram.from_phi(phi(rng.normal(size=3), rng.normal(size=(3, 2))), 2)
    path = tmp_path / "phi.json"
    p.save(path)
    return p, path


@pytest.fixture
def linear_file(tmp_path):
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("b[1]", 2.0).bound("A[0,0]", 0, 1)
    pb.add_row(0, [(0, 0, 1.0), (1, 1, 1.0)], "==", 3.0)
    pb.add_row(1, [(1, 2, 1.0)], "<=", 2.0)
    pb.add_row(1, [(0, 0, 1.0)], ">=", -1.0)
    p = pb.build("lin")
    path = tmp_path / "lin.json"
    p.save(path)
    return p, path


def test_solve_json_in_process(phi_file, capsys):
    p, path = phi_file
    assert main(["solve", str(path), "--solver", "lm", "--time-limit", "5", "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for k in ("status", "verified", "max_violation", "objective", "bound", "wall_s", "b", "A"):
        assert k in out
    assert out["status"] == "feasible" and out["verified"] is True
    assert verify(p, np.array(out["b"]), np.array(out["A"])).ok


def test_solve_subprocess_scip(linear_file):
    p, path = linear_file
    proc = subprocess.run([sys.executable, "-m", "lsahard.cli", "solve", str(path), "--solver", "scip",
                           "--time-limit", "20", "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "feasible" and out["verified"]
    assert verify(p, np.array(out["b"]), np.array(out["A"])).ok


def test_solve_human_output_and_absent_solver(linear_file, capsys):
    _, path = linear_file
    assert main(["solve", str(path), "--solver", "highs-milp"]) == 0
    assert "status: feasible" in capsys.readouterr().out
    from recovery.programs.solvers import available_solvers

    for name in ("gurobi", "maingo"):
        rc = main(["solve", str(path), "--solver", name, "--time-limit", "20", "--json"])
        out = json.loads(capsys.readouterr().out)
        if available_solvers()[name]:  # installed: it must actually solve this small program
            assert rc == 0 and out["status"] == "feasible" and out["verified"], (name, out["log"])
        else:
            assert rc == 1 and out["status"] == "error" and "not installed" in out["log"]


@pytest.mark.parametrize("args, msg", [
    (["--solver", "cplex"], "invalid choice"),
    (["--solver", "lm", "--time-limit", "-1"], "time-limit"),
    (["--solver", "lm", "--seed", "x"], "seed"),
    (["--solver", "lm", "--seed", "-1"], "seed"),
    (["--solver", "lm", "--time-limit", "0"], "time-limit"),
    (["--solver", "lm", "--time-limit", "nan"], "time-limit"),
    (["--solver", "lm", "--time-limit", "inf"], "time-limit"),
    (["--solver", "lm", "--time-limit", "abc"], "time-limit"),
    ([], "--solver"),
])
def test_solve_bad_arguments_exit_2(phi_file, capsys, args, msg):
    _, path = phi_file
    assert main(["solve", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("mutate, msg", [
    (lambda o: o.update(schema="lsahard.bilinear/0"), "schema must be"),
    (lambda o: o["constraints"][0].update(sense="=<"), "sense must be one of"),
    (lambda o: o["constraints"][0]["D"].append([7, 0, 1.0]), "out of range"),
    (lambda o: o["constraints"][0].update(rhs=float("nan")), "finite"),
    # audit additions
    (lambda o: o.pop("schema"), "schema must be"),
    (lambda o: o["constraints"][0]["D"].append([0, -1, 1.0]), "col must be >= 0"),
    (lambda o: o["constraints"][0]["D"].append([0, 0, float("nan")]), "finite"),
    (lambda o: o["constraints"][0]["D"].append([0, 0]), "[row, col, value]"),
    (lambda o: o["constraints"][0].update(j=5), "out of range"),
    (lambda o: o["constraints"][0].update(rhs=float("inf")), "finite"),
    (lambda o: o["constraints"][0].update(rhs=True), "bool"),
    (lambda o: o.update(d=0), "d must be >= 1"),
    (lambda o: o.update(extra=1), "unknown key"),
    (lambda o: o["bounds"].update({"b[9]": [0, 1]}), "out of range"),
    (lambda o: o["bounds"].update({"b[0]": [2, 1]}), "empty interval"),
    (lambda o: o.update(objective={"j": 0, "D": [[0, 0, float("nan")]]}), "finite"),
])
def test_solve_bad_programs_exit_2(phi_file, tmp_path, capsys, mutate, msg):
    p, _ = phi_file
    obj = p.to_json()
    mutate(obj)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(obj))
    assert main(["solve", str(bad), "--solver", "lm"]) == 2
    err = capsys.readouterr().err
    assert msg in err and err.startswith("lsahard: error:")
    assert len(err.strip().splitlines()) == 1
    # export reads the same file and must refuse it the same way
    assert main(["export", str(bad), "--format", "lp", "-o", str(tmp_path / "x.lp")]) == 2
    assert capsys.readouterr().err.startswith("lsahard: error:")


@pytest.mark.parametrize("text", ['{"schema": "lsahard.bilinear/1", "d": 1,', "not json", "", "[1, 2]", "\xff"])
def test_malformed_and_missing_files_exit_2(tmp_path, capsys, text):
    bad = tmp_path / "bad.json"
    bad.write_bytes(text.encode("latin-1"))
    for cmd in (["solve", str(bad), "--solver", "lm"], ["export", str(bad), "--format", "nl", "-o",
                                                         str(tmp_path / "x.nl")]):
        assert main(cmd) == 2
        err = capsys.readouterr().err
        assert err.startswith("lsahard: error:") and len(err.strip().splitlines()) == 1
    assert main(["solve", str(tmp_path / "missing.json"), "--solver", "lm"]) == 2
    assert "No such file" in capsys.readouterr().err


def test_export_bad_arguments_exit_2(phi_file, tmp_path, capsys):
    _, path = phi_file
    for argv in (["export", str(path), "--format", "xls", "-o", str(tmp_path / "x")],
                 ["export", str(path), "--format", "lp"],
                 ["export", str(path), "--format", "lp", "-o", str(tmp_path / "no" / "dir" / "x.lp")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "error" in err


def test_export_round_trips(phi_file, linear_file, tmp_path, capsys):
    p, path = phi_file
    R = p.num_rows
    lp = tmp_path / "p.lp"
    assert main(["export", str(path), "--format", "lp", "-o", str(lp)]) == 0
    assert len(re.findall(r"^c_e_rows\(\d+\)_:", lp.read_text(), re.M)) == R
    nl = tmp_path / "p.nl"
    assert main(["export", str(path), "--format", "nl", "-o", str(nl)]) == 0
    n_vars, n_cons = map(int, nl.read_text().splitlines()[1].split()[:2])
    assert (n_vars, n_cons) == (3 + 6, R)
    gms = tmp_path / "p.gms"
    assert main(["export", str(path), "--format", "gms", "-o", str(gms)]) == 0
    assert len(re.findall(r"^rows_\d+_\.\.", gms.read_text(), re.M)) == R
    # mps only for linear-after-fixing programs
    assert main(["export", str(path), "--format", "mps", "-o", str(tmp_path / "p.mps")]) == 2
    assert "linear after substituting fixed variables" in capsys.readouterr().err
    q, qpath = linear_file
    mps = tmp_path / "q.mps"
    assert main(["export", str(qpath), "--format", "mps", "-o", str(mps)]) == 0
    text = mps.read_text()
    rows = text.split("ROWS")[1].split("COLUMNS")[0]
    assert len(re.findall(r"rows\(\d+\)", rows)) == q.num_rows
    # HiGHS reads the MPS back and finds the same answer as on the program itself
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(mps))
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
