"""Strict machine output: for every sub-command that has ``--json`` (and every
solver of :data:`recovery.programs.solvers.SOLVER_NAMES` for ``solve``) stdout is exactly one JSON document.

Each command runs in a subprocess, so that what C code writes to file descriptor 1 (HiGHS's
"Running HiGHS ..." banner, SCIP's warnings) is seen; stdout is parsed with ``json.loads`` on the
whole text, which accepts one JSON document surrounded only by whitespace.  Also checked: without
``--json`` no HiGHS banner reaches stdout (``solve --solver highs-milp``, ``reduce --witness``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from recovery.programs.program import ProgramBuilder
from recovery.programs.solvers import SOLVER_NAMES, available_solvers
from tests.paths import REPO

EXAMPLES = REPO / "docs" / "examples"
SAT3 = "c satisfiable\np cnf 3 3\n1 2 3 0\n-1 -2 3 0\n1 -2 -3 0\n"
UNSAT1 = "p cnf 1 2\n1 0\n-1 0\n"
BANNER = "Running HiGHS"


def run_cli(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lsahard.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def strict_json(proc: subprocess.CompletedProcess):
    """The one JSON document of stdout; fails on anything else (banners, extra lines, a second
    document)."""
    assert BANNER not in proc.stdout, proc.stdout[:500]
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:  # pragma: no cover - the failure message
        pytest.fail(f"stdout is not one JSON document ({exc}); stdout={proc.stdout[:800]!r} "
                    f"stderr={proc.stderr[-800:]!r}")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Small inputs: a linear feasible program, a CNF, and the lsa_program reduced from an
    unsatisfiable CNF (written by ``reduce`` in-process)."""
    from lsahard.cli import main

    tmp = tmp_path_factory.mktemp("json_inputs")
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("b[1]", 2.0).bound("A[0,0]", 0, 1)
    pb.add_row(0, [(0, 0, 1.0), (1, 1, 1.0)], "==", 3.0)
    pb.add_row(1, [(1, 2, 1.0)], "<=", 2.0)
    pb.add_row(1, [(0, 0, 1.0)], ">=", -1.0)
    pb.build("lin").save(tmp / "lin.json")
    (tmp / "sat.cnf").write_text(SAT3)
    (tmp / "unsat.cnf").write_text(UNSAT1)
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["reduce", str(tmp / "unsat.cnf"), "--to", "lsa_program", "--out",
                     str(tmp / "unsat_lsa"), "--time-limit", "5"]) == 0
    return tmp


# --------------------------------------------------------------------------------------- solve


@pytest.mark.parametrize("solver", SOLVER_NAMES)
def test_solve_json_every_solver(files, solver):
    proc = run_cli("solve", str(files / "lin.json"), "--solver", solver, "--time-limit", "5", "--json")
    out = strict_json(proc)
    assert out["solver"] == solver
    if available_solvers()[solver]:
        assert proc.returncode == 0, proc.stderr
        assert out["status"] in ("feasible", "optimal") and out["verified"] is True, out["log"]
        assert out["answer"] == "yes" and out["answer_proof"] == "exact"
        assert len(out["b"]) == 3
    else:
        assert proc.returncode == 1 and out["status"] == "error" and "not installed" in out["log"]
        assert out["answer"] == "unknown"


def test_solve_json_unsat_reduction_answers_no(files):
    proc = run_cli("solve", str(files / "unsat_lsa" / "target.json"), "--solver", "highs-milp",
                   "--time-limit", "10", "--json")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["status"] == "infeasible" and out["answer"] == "no"
    assert out["answer_proof"] != "none"


@pytest.mark.parametrize("solver", ["highs-milp", "mccormick"])
def test_solve_human_output_has_no_highs_banner(files, solver):
    proc = run_cli("solve", str(files / "lin.json"), "--solver", solver, "--time-limit", "5")
    assert proc.returncode == 0, proc.stderr
    assert BANNER not in proc.stdout
    assert "status: feasible" in proc.stdout or "status: optimal" in proc.stdout


# -------------------------------------------------------------------------------------- reduce


def test_reduce_json_with_witness_and_target_solve(files, tmp_path):
    proc = run_cli("reduce", str(files / "sat.cnf"), "--to", "lsa_program", "--out", str(tmp_path / "o"),
                   "--witness", "--solve-target", "highs-milp", "--time-limit", "5", "--json")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["rules"][-1] == "bm_program_to_lsa_program"
    assert out["forward"]["target_witness_ok"] is True
    assert out["answer"]["answer"] == "yes"


def test_reduce_json_scip_target(files, tmp_path):
    if not available_solvers()["scip"]:
        pytest.skip("pyscipopt not installed")
    proc = run_cli("reduce", str(files / "unsat.cnf"), "--to", "lsa_program", "--out", str(tmp_path / "o"),
                   "--solve-target", "scip", "--time-limit", "5", "--json")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["source"] == "cnf" and out["answer"]["answer"] in ("no", "unknown")


def test_reduce_witness_human_output_has_no_highs_banner(files, tmp_path):
    """``reduce --witness`` decides the source with HiGHS in-process (recovery.programs.solvers.highs_util):
    the banner printed by the first ``highspy.Highs()`` must not reach stdout."""
    proc = run_cli("reduce", str(files / "sat.cnf"), "--to", "separability", "--out", str(tmp_path / "o"),
                   "--witness")
    assert proc.returncode == 0, proc.stderr
    assert BANNER not in proc.stdout
    assert proc.stdout.startswith("source cnf")
    assert "forward witness on the target: feasible=True" in proc.stdout


def test_reductions_json():
    out = strict_json(proc := run_cli("reductions", "--json"))
    assert proc.returncode == 0
    assert "cnf" in out["problems"] and out["rules"]


# ------------------------------------------------------------------------- claims and friends


@pytest.mark.parametrize("claim", ["thm-3.5", "lemma-3.1"])
def test_claims_json(claim):
    """thm-3.5 decides reduced instances with HiGHS in-process."""
    proc = run_cli("claims", "--json", "--quick", "--only", claim)
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert [c["id"] for c in out["claims"]] == [claim]
    assert out["quick"] is True and out["claims"][0]["verdict"].startswith("holds")


@pytest.mark.parametrize("extra", [[], ["--exact"]])
def test_optimum_json(extra):
    proc = run_cli("optimum", "--d", "2", "--n", "2", "--p", "0.5", *extra, "--json")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["d"] == 2 and out["n"] == 2 and len(out["H"]) == len(out["h"])


def test_recover_json(tmp_path):
    import numpy as np

    from recovery.lsa.reparam import phi

    rng = np.random.default_rng(3)
    X = phi(rng.standard_normal(3), rng.standard_normal((3, 2)))
    f = tmp_path / "x.json"
    f.write_text(json.dumps({"d": 2, "X": X.tolist()}))
    out = strict_json(proc := run_cli("recover", str(f), "--json"))
    assert proc.returncode == 0 and out["realizable"] is True


@pytest.mark.parametrize("extra", [[], ["--certified", "--certifier", "scip", "--time-limit", "5"]])
def test_best_json(extra):
    if "scip" in extra and not available_solvers()["scip"]:
        pytest.skip("pyscipopt not installed")
    proc = run_cli("best", "--d", "1", "--n", "2", "--p", "0.5", "--starts", "2", *extra, "--json")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["d"] == 1 and out["ftilde_star"] <= out["f_best"] + 1e-9


def test_train_json():
    proc = run_cli("train", "--states", "2", "--layers", "1", "--d", "2", "--n", "2", "--steps", "5",
                   "--train-size", "100", "--test-size", "50", "--json")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["layers"] == 1 and out["d"] == 2


def test_thm41_json():
    proc = run_cli("thm41", "--layers", "2", "--d", "2", "--n", "2", "--prompts", "5", "--json")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["layers"] == 2 and out["max_abs_error"] < 1e-6


# -------------------------------------------------------------------------------------- bench


def test_bench_run_summary_line_is_one_json_document(tmp_path):
    proc = run_cli("bench", "--suite", "toy-mini", "--out", str(tmp_path / "run"), "--no-progress")
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["suite"] == "toy-mini" and out["executed"] >= 1


def test_bench_merge_summary_line(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "results.jsonl").write_text("")
    proc = run_cli("bench", "merge", str(tmp_path / "m"), str(a), str(b))
    out = strict_json(proc)
    assert proc.returncode == 0, proc.stderr
    assert out["out"] == str(tmp_path / "m")


def test_in_process_highs_after_a_default_threads_run():
    """Once any in-process highspy run with default options started HiGHS's global scheduler with several
    threads, recovery.programs.solvers.highs_util (threads=1) got model status kNotset and the exact deciders
    answered "unknown" (seen when tests/test_cli_solve.py::test_export_round_trips ran before the reduction
    tests in one process)."""
    code = (
        "import highspy\n"
        "from recovery.programs.solvers.isolation import captured_output\n"
        "with captured_output():\n"
        "    h = highspy.Highs()\n"
        "h.setOptionValue('output_flag', False)\n"
        "h.addVar(0, 1); h.changeColCost(0, 1.0); h.run()\n"
        "from reductions import CNF, decide\n"
        "d = decide(CNF(n_vars=2, clauses=((1,), (-1, 2))), 'milp', time_limit=10)\n"
        "print(d.answer, d.status)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("True"), proc.stdout
