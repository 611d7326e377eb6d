"""Fuzz suite: malformed problem files, program files, DIMACS files and CLI flag values.

Every case runs through ``lsahard.cli.main`` in-process and must end either with exit code 2 and
exactly one line on stderr (``lsahard: error: ...`` or argparse's ``lsahard CMD: error: ...``), or
with exit code 0 and a correct result -- never a traceback, never a hang (short time limits).
The generated inputs start from a valid instance of every problem kind and damage it at one or
two places (replace a value by a hostile one, delete a key, add an unknown key, truncate the text,
wrap it), so that most cases reach deep validation rather than the JSON parser.
"""

from __future__ import annotations

import contextlib
import copy
import io
import itertools
import json
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lsahard.cli import main

FUZZ = settings(deadline=None, max_examples=60, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])
ERROR_LINE = re.compile(r"^lsahard(?: [\w-]+)*: error: \S")


def run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with stdout/stderr captured; any exception escaping ``main`` fails the test
    with the argv (that is the traceback a user would see)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except BaseException as exc:  # noqa: BLE001 - the finding
            raise AssertionError(f"traceback for {argv}: {type(exc).__name__}: {exc}") from exc
    return rc, out.getvalue(), err.getvalue()


def assert_clean_error(rc: int, out: str, err: str, argv: list[str]) -> None:
    lines = err.splitlines()
    assert rc == 2, (argv, rc, out[-500:], err[-1000:])
    assert len(lines) == 1 and err.endswith("\n"), f"{argv}: stderr is not one line: {err[-1500:]!r}"
    assert ERROR_LINE.match(lines[0]), f"{argv}: {lines[0]!r}"
    assert "Traceback" not in err


# ------------------------------------------------------------------------------ hostile values

HOSTILE_SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(-3, 3), st.integers(-2**70, 2**70),
    st.sampled_from([2**31, 2**63, 10**30, -10**30, 10**400, -10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, -0.0, 0.5, 1.5, 1e20]),
    st.sampled_from(["", "abc", "1/0", "3/4", "-2", "1e5", " 1 ", "0x10", "nan", "inf", "b[0]", "A[0,0]",
                     "A[9,9]", "b[-1]", "==", "<=", ">", "cnf", "lsahard.cnf/1", "lsahard.bilinear/1",
                     "\u0663", "x" * 300]),
    st.text(max_size=6),
)
HOSTILE = st.recursive(
    HOSTILE_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["a", "j", "D", "id", "source", "target", "k", ""]),
                                            inner, max_size=3)),
    max_leaves=8,
)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _mutate(data, obj):
    """One random damage of the JSON value ``obj`` (a copy)."""
    obj = copy.deepcopy(obj)
    path = data.draw(st.sampled_from(list(_paths(obj))), label="path")
    op = data.draw(st.sampled_from(["replace", "replace", "replace", "delete", "add_key", "wrap"]), label="op")
    if not path:
        return data.draw(HOSTILE, label="document") if op != "wrap" else [obj]
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "add_key" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from(["extra", "problem", "schema", "dim", "links", "edges"]))] = \
            data.draw(HOSTILE, label="value")
    elif op == "wrap":
        parent[last] = [parent[last]]
    else:
        parent[last] = data.draw(HOSTILE, label="value")
    return obj


def _dumps(data, obj) -> str:
    text = json.dumps(obj)  # NaN / Infinity written as the (non-standard) tokens Python reads back
    cut = data.draw(st.sampled_from([None] * 9 + ["truncate"]), label="truncate")
    if cut:
        text = text[: data.draw(st.integers(0, max(0, len(text) - 1)), label="cut")]
    return text


# --------------------------------------------------------------------------- problem JSON files

LIN_PROGRAM = {
    "schema": "lsahard.bilinear/1", "d": 2,
    "bounds": {"b[0]": [1.0, 1.0], "b[1]": [2.0, 2.0], "A[0,0]": [0, 1]},
    "constraints": [
        {"j": 0, "D": [[0, 0, 1.0], [1, 1, 1.0]], "sense": "==", "rhs": 3.0},
        {"j": 1, "D": [[1, 2, 1.0]], "sense": "<=", "rhs": 2.0},
        {"j": 1, "D": [[0, 0, 1.0]], "sense": ">=", "rhs": "-1/1"},
    ],
    "objective": {"j": 0, "D": [[0, 1, 1.0]], "constant": -1},
    "name": "lin",
    "metadata": {"note": "fuzz base"},
}

VALID = {
    "cnf": {"problem": "cnf", "schema": "lsahard.cnf/1", "n_vars": 3, "clauses": [[1, -2, 3], [-1, 2], [3]]},
    "nae_sat": {"problem": "nae_sat", "schema": "lsahard.nae_sat/1", "n_vars": 3,
                "clauses": [[1, -2, 3], [-1, 2, 3]]},
    "set_splitting": {"problem": "set_splitting", "schema": "lsahard.set_splitting/1", "n": 3,
                      "subsets": [[0, 1], [1, 2]]},
    "partition": {"problem": "partition", "schema": "lsahard.partition/1", "values": [3, 1, 2]},
    "coloring": {"problem": "coloring", "schema": "lsahard.coloring/1", "k": 2,
                 "graph": {"directed": False, "multigraph": False, "graph": {},
                           "nodes": [{"id": 0}, {"id": 1}, {"id": 2}],
                           "links": [{"source": 0, "target": 1}, {"source": 1, "target": 2}]}},
    "separability": {"problem": "separability", "schema": "lsahard.separability/1", "dim": 2,
                     "inside": [[0, 0], [1, "1/2"]], "outside": [[3, 3]]},
    "bm_program": {"problem": "bm_program", "schema": "lsahard.bm_program/1", "inside": [[0, 0]],
                   "outside": [[1, 1], [2, "1/3"]]},
    "lsa_program": LIN_PROGRAM,
}
#: one short reduction step from each problem (lsa_program: the identity chain)
NEXT = {"cnf": "nae_sat", "nae_sat": "set_splitting", "set_splitting": "separability",
        "partition": "lsa_program", "coloring": "cnf", "separability": "bm_program",
        "bm_program": "lsa_program", "lsa_program": "lsa_program"}


def test_valid_bases_load():
    from reductions import load_problem

    for kind, obj in VALID.items():
        assert load_problem(obj).PROBLEM == kind


def _check_reduce_result(out_dir: Path, report: dict, witness: bool) -> None:
    from reductions import load_problem

    target = load_problem(out_dir / "target.json")
    assert target.PROBLEM == report["target"]
    chain_meta = json.loads((out_dir / "chain.json").read_text())
    assert chain_meta["rules"] == report["rules"]
    if witness:
        fw = report["forward"]
        if fw["source_answer"]:  # an exact YES of the source maps to a solution of the target
            assert fw["target_witness_ok"] is True, report
    if "answer" in report and "forward" in report:
        a, s = report["answer"]["answer"], report["forward"]["source_answer"]
        if a in ("yes", "no") and s is not None:
            assert (a == "yes") == bool(s), report


@FUZZ
@given(data=st.data(), kind=st.sampled_from(sorted(VALID)), witness=st.booleans(),
       solve_target=st.sampled_from([None, None, "brute", "milp"]))
def test_fuzz_problem_files(data, kind, witness, solve_target):
    obj = VALID[kind]
    for _ in range(data.draw(st.integers(1, 2), label="damages")):
        obj = _mutate(data, obj)
    text = _dumps(data, obj)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instance.json"
        path.write_text(text)
        target = NEXT[kind]
        argv = ["reduce", str(path), "--to", target, "--out", str(Path(tmp) / "out"), "--time-limit", "2", "--json"]
        if witness and kind != "lsa_program":
            argv.append("--witness")
        if solve_target and kind != "lsa_program":
            argv += ["--solve-target", solve_target]
        rc, out, err = run(argv)
        if rc == 0:
            report = json.loads(out)
            _check_reduce_result(Path(tmp) / "out", report, "--witness" in argv)
        else:
            assert_clean_error(rc, out, err, argv)


# ------------------------------------------------------------------------- bilinear program files

FAST_SOLVERS = ["lm", "highs-milp", "mccormick", "z3", "scip", "alternating-lp", "multistart"]


@FUZZ
@given(data=st.data(), solver=st.sampled_from(FAST_SOLVERS))
def test_fuzz_program_files(data, solver):
    """Damaged ``lsahard.bilinear/1`` programs through ``lsahard solve``; a solved program's answer
    must be backed by its proof (a ``yes`` by a point that verifies exactly)."""
    from recovery.programs.program import BilinearProgram
    from recovery.programs.solvers import available_solvers
    from recovery.programs.verification import verify

    if not available_solvers()[solver]:
        solver = "lm"
    obj = LIN_PROGRAM
    for _ in range(data.draw(st.integers(1, 2), label="damages")):
        obj = _mutate(data, obj)
    text = _dumps(data, obj)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "program.json"
        path.write_text(text)
        argv = ["solve", str(path), "--solver", solver, "--time-limit", "2", "--json"]
        rc, out, err = run(argv)
        if rc == 2:
            assert_clean_error(rc, out, err, argv)
            return
        res = json.loads(out)
        program = BilinearProgram.load(path)
        if rc == 1:  # status "error": a solver limitation, stated in the log
            assert res["status"] == "error" and res["log"].strip(), res
            return
        assert rc == 0, (argv, rc, err)
        assert res["status"] in ("optimal", "feasible", "infeasible", "timeout", "unknown"), res
        if res["answer"] == "yes":
            ver = verify(program, np.array(res["b"]), np.array(res["A"]))
            assert ver.ok, (res, ver)
            if program.objective is not None:
                assert ver.objective is not None and ver.objective <= 1e-6 * max(1.0, abs(ver.objective)) + 1e-6
        if res["answer"] == "no":
            assert res["answer_proof"] != "none", res


# ---------------------------------------------------------------------------------- DIMACS CNF

DIMACS_TOKEN = st.one_of(
    st.integers(-5, 5).map(str),
    st.sampled_from(["0", "0", "1", "-1", "2", "-3", "99", "-99", "00", "+1", "1.0", "x", "%", "c", "p",
                     "9" * 30, "-" + "9" * 25, "1e3", "\t", "\u0661"]),
)
DIMACS_LINE = st.one_of(
    st.lists(DIMACS_TOKEN, min_size=0, max_size=6).map(" ".join),
    st.builds(lambda n, m: f"p cnf {n} {m}", st.sampled_from(["0", "1", "3", "-1", "x", "1e2", "9" * 25, "3.0"]),
              st.sampled_from(["0", "1", "2", "3", "-2", "9" * 25, ""])),
    st.sampled_from(["p cnf 3", "p dnf 3 2", "p  cnf  3  2", "p cnf 3 2 1", "c comment", "c", "%", "",
                     "p", "p cnf 1 1 extra", "\x00", "1 -1 0", "-2 3 0 1 0"]),
    st.text(max_size=8),
)


def _brute_cnf(n_vars: int, clauses) -> bool:
    return any(all(any((lit > 0) == a[abs(lit) - 1] for lit in c) for c in clauses)
               for a in itertools.product([False, True], repeat=n_vars))


@FUZZ
@given(lines=st.lists(DIMACS_LINE, min_size=0, max_size=8), header=st.sampled_from([None, "p cnf 3 2", "p cnf 2 1"]),
       newline=st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_fuzz_dimacs(lines, header, newline):
    text = newline.join(([header] if header else []) + lines) + newline
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.cnf"
        path.write_text(text, encoding="utf-8")
        argv = ["reduce", str(path), "--to", "nae_sat", "--out", str(Path(tmp) / "out"), "--witness",
                "--solve-target", "brute", "--time-limit", "2", "--json"]
        rc, out, err = run(argv)
        if rc != 0:
            assert_clean_error(rc, out, err, argv)
            return
        from reductions import CNF

        cnf = CNF.from_dimacs(text)
        report = json.loads(out)
        assert report["source_size"]["n_clauses"] == len(cnf.clauses)
        if cnf.n_vars <= 12:
            truth = _brute_cnf(cnf.n_vars, cnf.clauses)
            assert report["forward"]["source_answer"] == truth, (text, report)
            assert report["answer"]["answer"] == ("yes" if truth else "no"), (text, report)


@FUZZ
@given(blob=st.binary(max_size=64), suffix=st.sampled_from([".cnf", ".cnf.gz", ".cnf.xz", ".json", ".col",
                                                             ".graphml", ".gml", ".edgelist", ".adjlist"]))
def test_fuzz_binary_instance_files(blob, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("f" + suffix)
        path.write_bytes(blob)
        argv = ["reduce", str(path), "--to", "cnf", "--out", str(Path(tmp) / "out"), "--k", "2",
                "--time-limit", "2", "--json"]
        rc, out, err = run(argv)
        if rc != 0:
            assert_clean_error(rc, out, err, argv)
        else:
            json.loads(out)


# ------------------------------------------------------------------------------ CLI flag values

# integers are small or huge: a huge value must be refused (budgets, bounds) or run briefly (seeds, --steps
# under --time-limit); mid-sized valid values (e.g. thm41 --prompts 50000) are legitimately long runs
FLAG_VALUE = st.one_of(
    st.integers(-3, 5).map(str),
    st.integers(10**9, 10**30).map(str),
    st.integers(-10**30, -4).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["0", "-0", "1e400", "-1e400", "nan", "inf", "-inf", "NaN", "1e-300", "1e300", "1e20",
                     "9" * 25, "-" + "9" * 25, "0x10", "1_000", " 3", "3 ", "", "abc", "1/2", "\u0663", "--json",
                     "0.5", "1.0", "2"]),
    st.text(max_size=5),
)

#: (base argv, flags to fuzz) of the main sub-commands; the base runs in well under a second
FLAG_CASES = {
    "solve": (["solve", "{lin}", "--solver", "lm", "--time-limit", "2"], ["--time-limit", "--seed", "--max-bytes"]),
    "optimum": (["optimum", "--d", "2", "--n", "2", "--p", "0.5"], ["--d", "--n", "--p", "--max-bytes", "--prior"]),
    "best": (["best", "--d", "1", "--n", "2", "--p", "0.5", "--starts", "1", "--time-limit", "2"],
             ["--d", "--n", "--p", "--starts", "--seed", "--gap-tol", "--time-limit", "--workers"]),
    "train": (["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "2", "--steps", "3",
               "--train-size", "50", "--test-size", "20", "--time-limit", "2"],
              ["--states", "--layers", "--d", "--n", "--steps", "--lr", "--seed", "--p", "--train-size",
               "--test-size", "--validation", "--batch-size", "--time-limit", "--max-bytes"]),
    "thm41": (["thm41", "--layers", "1", "--d", "2", "--n", "2", "--prompts", "3"],
              ["--layers", "--d", "--n", "--states", "--prompts", "--scale", "--seed", "--max-bytes"]),
    "recover": (["recover", "{x}"], ["--rtol"]),
    "reduce": (["reduce", "{cnf}", "--to", "nae_sat", "--out", "{out}", "--witness", "--time-limit", "2"],
               ["--time-limit", "--k", "--to", "--via", "--solve-target"]),
    "claims": (["claims", "--quick", "--only", "lemma-3.1"], ["--only"]),
}


def _flag_files(tmp: Path) -> dict[str, str]:
    (tmp / "lin.json").write_text(json.dumps({**LIN_PROGRAM, "objective": None}))
    (tmp / "x.json").write_text(json.dumps({"d": 1, "X": [1.0, 0.5, 1.0]}))
    (tmp / "f.cnf").write_text("p cnf 3 2\n1 -2 0\n2 3 0\n")
    return {"lin": str(tmp / "lin.json"), "x": str(tmp / "x.json"), "cnf": str(tmp / "f.cnf"),
            "out": str(tmp / "out")}


@pytest.mark.parametrize("command", sorted(FLAG_CASES))
@settings(deadline=None, max_examples=25, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), as_json=st.booleans())
def test_fuzz_flag_values(command, data, as_json):
    base, flags = FLAG_CASES[command]
    flag = data.draw(st.sampled_from(flags), label="flag")
    value = data.draw(FLAG_VALUE, label="value")
    with tempfile.TemporaryDirectory() as tmp:
        files = _flag_files(Path(tmp))
        argv = [a.format(**files) for a in base]
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
        if as_json:
            argv.append("--json")
        # "--flag=value" so that values starting with "-" reach the flag's own validation
        i = argv.index(flag)
        argv[i:i + 2] = [f"{flag}={value}"]
        rc, out, err = run(argv)
        if rc == 0:
            if as_json:
                doc = json.loads(out)
                assert isinstance(doc, dict) and doc
            else:
                assert out.strip()
            if command == "solve" and as_json:
                assert doc["status"] != "error"
        else:
            assert_clean_error(rc, out, err, argv)


def test_fuzz_flag_case_inputs_run_clean(tmp_path):
    """The unfuzzed base of every flag case runs and exits 0 (so that a fuzzed error is caused by
    the fuzzed value)."""
    files = _flag_files(tmp_path)
    for command, (base, _) in FLAG_CASES.items():
        argv = [a.format(**files) for a in base]
        rc, out, err = run(argv)
        assert rc == 0, (command, err)


@pytest.mark.parametrize("argv", [
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--jobs", "0"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--jobs", "nan"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--time-limit", "nan"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--time-limit", "-1"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--time-limit", "inf"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--shard", "3/2"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--shard", "0/2"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--shard", "x"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--seeds", "0"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--seeds", "-1"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--grace", "-1"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--grace", "nan"],
    ["bench", "--suite", "no-such-suite", "--out", "{out}"],
    ["bench", "--suite", "toy-mini", "--out", "{out}", "--family", "no-such-family"],
    ["bench", "report", "{missing}"],
    ["bench", "merge", "{out}"],
])
def test_bench_bad_flags(argv, tmp_path):
    argv = [a.format(out=str(tmp_path / "run"), missing=str(tmp_path / "missing")) for a in argv]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)


# ------------------------------------------------------------------- regressions found by the fuzzing


def _program_file(tmp_path: Path, **changes) -> str:
    obj = copy.deepcopy(LIN_PROGRAM)
    for key, value in changes.items():
        if key == "rhs0":
            obj["constraints"][0]["rhs"] = value
        elif key == "value0":
            obj["constraints"][0]["D"][0][2] = value
        else:
            obj[key] = value
    path = tmp_path / "p.json"
    path.write_text(json.dumps(obj) if not isinstance(changes.get("raw"), str) else changes["raw"])
    return str(path)


@pytest.mark.parametrize("changes, message", [
    # ints beyond float range went through to the solvers: SCIP "unknown" (OverflowError inside), other
    # solvers crashed in float conversion
    ({"rhs0": 10**400}, "constraints[0].rhs must be a finite number within float range"),
    ({"rhs0": "1" + "0" * 400 + "/3"}, "constraints[0].rhs must be a finite number within float range"),
    ({"value0": -10**309}, "constraints[0].D[0] value must be a finite number within float range"),
    ({"bounds": {"A[0,0]": [0, 10**309]}}, "must be a finite number within float range"),
    # "d": 1e200 (as an integer) ended in "OverflowError: int too large to convert to float" (a traceback)
    ({"d": 10**200}, "d must be <= 1000000000"),
    ({"rhs0": "1" * 5000}, "constraints[0].rhs: string number"),
])
def test_program_numbers_out_of_float_range(tmp_path, changes, message):
    argv = ["solve", _program_file(tmp_path, **changes), "--solver", "lm", "--time-limit", "2"]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert message in err and len(err) < 400, err


def test_program_json_with_a_5000_digit_number(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(LIN_PROGRAM).replace('"rhs": 3.0', '"rhs": 1' + "0" * 5000))
    argv = ["solve", str(path), "--solver", "lm"]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert "program: a number in the JSON text is too long to read" in err


@pytest.mark.parametrize("text, message", [
    ("p cnf 3 1\n1 " + "1" * 5000 + " 0\n", "out of range"),
    ("p cnf " + "9" * 5000 + " 1\n1 0\n", "malformed problem line"),
    ("p cnf 2 1\n1 x" + "9" * 500 + " 0\n", "is not an integer literal"),
])
def test_dimacs_long_tokens_give_short_errors(tmp_path, text, message):
    path = tmp_path / "f.cnf"
    path.write_text(text)
    argv = ["reduce", str(path), "--to", "nae_sat", "--out", str(tmp_path / "o")]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert message in err and len(err) < 300, err


def test_thm41_undefined_gd_is_null_not_an_overflow():
    """--d 3 --n 3 (binary chains: X^T X singular for every prompt) reported "the objectives overflow
    float64 for --scale 0.3 ...; lower --scale" after a two-line RuntimeWarning on stderr."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rc, out, err = run(["thm41", "--layers", "1", "--d", "3", "--n", "3", "--prompts", "3", "--json"])
    assert rc == 0 and err == "", err
    doc = json.loads(out)
    assert doc["generational_distance"] == [None, None] and "singular" in doc["generational_distance_note"]
    assert doc["max_abs_error"] < 1e-10
    rc, out, err = run(["thm41", "--layers", "1", "--d", "3", "--n", "3", "--prompts", "3"])
    assert rc == 0 and "n/a" in out and err == ""


def test_thm41_scipy_error_names_scale():
    """--scale 1e100 ended in scipy's "Residuals are not finite in the initial point." (no argument named)."""
    argv = ["thm41", "--layers", "1", "--d", "2", "--n", "5", "--prompts", "3", "--scale", "1e100"]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert "--scale" in err


@pytest.mark.parametrize("argv, message", [
    # these ran for minutes (sampling is not covered by --time-limit) and ended killed by the kernel
    (["thm41", "--layers", "1", "--d", "2", "--n", "100000000", "--prompts", "3"], "--max-bytes"),
    (["thm41", "--layers", "1", "--d", "2", "--n", "2", "--prompts", "100000000"], "--max-bytes"),
    (["thm41", "--layers", "1", "--d", "2", "--n", "2", "--prompts", "1000000"], "would take about"),
    (["thm41", "--layers", "2", "--d", "200", "--n", "300", "--prompts", "2"], "would take about"),
    (["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "2", "--test-size", "100000000",
      "--time-limit", "2"], "--max-bytes"),
    (["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "2", "--train-size", "100000000",
      "--time-limit", "2"], "--max-bytes"),
    (["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "2", "--max-bytes", "nan"], "--max-bytes"),
    (["thm41", "--layers", "1", "--d", "2", "--n", "2", "--max-bytes", "0"], "--max-bytes"),
])
def test_train_and_thm41_budgets(argv, message):
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert message in err


def test_train_budget_can_be_raised():
    rc, out, err = run(["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "2", "--steps", "2",
                        "--train-size", "50", "--test-size", "20", "--max-bytes", "1e3", "--json"])
    assert rc == 2 and "--max-bytes" in err
    rc, out, err = run(["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "2", "--steps", "2",
                        "--train-size", "50", "--test-size", "20", "--max-bytes", "inf", "--json"])
    assert rc == 0 and json.loads(out)["d"] == 2


# ------------------------------------------------------------- regressions found by fuzzing


def test_scip_accepts_a_huge_time_limit(tmp_path):
    from recovery.programs.solvers import available_solvers

    if not available_solvers()["scip"]:
        pytest.skip("pyscipopt not installed")
    path = _program_file(tmp_path, objective=None)
    rc, out, err = run(["solve", path, "--solver", "scip", "--time-limit", "1e300", "--json"])
    assert rc == 0 and json.loads(out)["status"] in ("feasible", "optimal")


def test_problem_json_with_a_5000_digit_number_names_the_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"problem": "partition", "values": [1, ' + "2" * 5000 + "]}")
    argv = ["reduce", str(path), "--to", "lsa_program", "--out", str(tmp_path / "o")]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert str(path) in err or "values" in err


def test_best_huge_starts_is_refused():
    """--starts 1000000000 ended in a MemoryError traceback (or the OOM killer) in recovery.realizability.best."""
    argv = ["best", "--d", "1", "--n", "2", "--p", "0.5", "--starts", "1000000000"]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert "--starts must be <= 10000" in err


def test_memory_error_is_one_line(monkeypatch):
    import lsahard.cli.reduce as red

    def oom(args):
        raise MemoryError

    monkeypatch.setattr(red, "_reductions", oom)
    argv = ["reductions"]
    rc, out, err = run(argv)
    assert_clean_error(rc, out, err, argv)
    assert "out of memory" in err
