"""CLI tests for ``lsahard recover`` and ``lsahard best``."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from lsahard.cli import main
from recovery.lsa.optimum import closed_form_optimum
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.lsa.reparam import phi


def _write(tmp_path, obj, name="x.json"):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(p)


def test_recover_json_realizable_and_not(tmp_path, capsys, rng):
    d = 3
    b, A = rng.standard_normal(d + 1), rng.standard_normal((d + 1, d))
    X = phi(b, A)
    assert main(["recover", _write(tmp_path, {"d": d, "X": X.tolist()}), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["realizable"] is True and out["certificate"] is None
    assert np.linalg.norm(phi(np.array(out["b"]), np.array(out["A"])) - X) <= 1e-9 * np.linalg.norm(X)
    assert out["residual"] <= 1e-9
    Y = X + 1e-3 * rng.standard_normal(X.size)
    assert main(["recover", _write(tmp_path, {"d": d, "X": Y.tolist()}), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["realizable"] is False and out["b"] is None and out["A"] is None
    assert out["certificate"].startswith("S_") and out["certificate_kind"] == "rank"
    # human-readable output
    assert main(["recover", _write(tmp_path, {"d": 1, "X": [1.0, 0.5, 1.0]})]) == 0
    text = capsys.readouterr().out
    assert "realizable: False" in text and "positive definite" in text


@pytest.mark.parametrize("content, match", [
    ({"d": 2, "X": [1.0, 2.0]}, "length"),
    ('{"d": 1, "X": [1.0, NaN, 0.0]}', "finite"),
    ({"d": 0, "X": []}, "d"),
    ({"d": 1.5, "X": [1, 2, 3]}, "integer"),
    ({"X": [1, 2, 3]}, "'d' and 'X'"),
    ({"d": 1, "X": [1, "a", 3]}, "numbers"),
    ('{"d": 1, "X": [1, 2, 3', "not valid JSON"),
    ("", "not valid JSON"),
    ({"d": -3, "X": []}, "'d' must be >= 1"),
    ({"d": True, "X": [1, 2, 3]}, "integer"),
    ([1, 2, 3], "'d' and 'X'"),
    ({"d": 1, "X": [[1], 2, 3]}, "numbers"),
    ('{"d": 1, "X": [1e400, 0, 0]}', "finite"),
    ('{"d": 1, "X": [1' + "0" * 400 + ', 0, 0]}', "float64 range"),  # float(int) would overflow
    ({"d": 1, "X": [1e300, 1e300, 1e300]}, "too large"),
])
def test_recover_bad_input_exit_2_one_line(tmp_path, capsys, content, match):
    assert main(["recover", _write(tmp_path, content)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lsahard: error:") and match in err


def test_recover_directory_and_non_utf8(tmp_path, capsys):
    assert main(["recover", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lsahard: error:")
    p = tmp_path / "latin1.json"
    p.write_bytes(b'\xff\xfe{"d": 1, "X": [1, 2, 3]}')
    assert main(["recover", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "UTF-8" in err


def test_recover_missing_file_and_bad_rtol(tmp_path, capsys):
    assert main(["recover", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.json" in err
    assert main(["recover", _write(tmp_path, {"d": 1, "X": [1, 2, 3]}), "--rtol", "0"]) == 2
    assert "rtol" in capsys.readouterr().err


def test_best_json_matches_library(capsys):
    assert main(["best", "--d", "2", "--n", "100", "--p", "0.5", "--starts", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for k in ("ftilde_star", "f_best", "f_psi", "b", "A", "certified_global"):
        assert k in out
    q = population_quadratic(2, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    opt = closed_form_optimum(q)
    assert out["ftilde_star"] == pytest.approx(opt.ftilde_star, rel=1e-10)
    assert out["f_best"] == pytest.approx(q.ftilde(phi(np.array(out["b"]), np.array(out["A"]))), rel=1e-12)
    assert out["ftilde_star"] <= out["f_best"] <= out["f_psi"]
    assert out["certified_global"] is False


def test_best_certified_d1(capsys):
    assert main(["best", "--d", "1", "--n", "10", "--p", "0.3", "--certified", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["certified_global"] is True and out["lower_bound"] <= out["f_best"] + 1e-12
    # d = 1: f* = ftilde* = ftilde(phi(psi(X*))) exactly when the discriminant test says X* is realisable
    from recovery.lsa.optimum import realizable_d1

    q = population_quadratic(1, 10, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    opt = closed_form_optimum(q)
    same = abs(out["f_best"] - opt.ftilde_star) <= 1e-9
    assert same == realizable_d1(opt.X_star)
    if same:
        assert out["f_psi"] == pytest.approx(out["f_best"], abs=1e-9)


@pytest.mark.parametrize("argv, match", [
    (["best", "--d", "0", "--n", "10", "--p", "0.5"], "--d"),
    (["best", "--d", "100000", "--n", "10", "--p", "0.5"], "--d must be <= 20"),
    (["best", "--d", "1", "--n", "0", "--p", "0.5"], "--n"),
    (["best", "--d", "1", "--n", "10", "--p", "nan"], "--p"),
    (["best", "--d", "1", "--n", "10", "--p", "0.5", "--starts", "-1"], "--starts"),
    (["best", "--d", "1", "--n", "10", "--p", "0.5", "--time-limit", "inf"], "--time-limit"),
    (["best", "--d", "1", "--n", "10", "--p", "0.5", "--gap-tol", "0"], "--gap-tol"),
    (["best", "--d", "1", "--n", "10", "--p", "0.5", "--certifier", "foo"], "--certifier"),
    (["best", "--d", "1", "--n", "10", "--p", "1.5"], "--p"),
    (["best", "--d", "5", "--n", "10", "--p", "0.5", "--certified"], "--certified"),
    (["best", "--d", "1", "--n", "10"], "--p"),
    (["best", "--d", "x", "--n", "10", "--p", "0.5"], "--d"),
])
def test_best_bad_input(capsys, argv, match):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and match in err


def test_recover_subprocess(tmp_path):
    f = _write(tmp_path, {"d": 1, "X": [1.0, 3.0, 1.0]})
    r = subprocess.run([sys.executable, "-m", "lsahard.cli", "recover", f, "--json"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["realizable"] is True
    assert np.allclose(phi(np.array(out["b"]), np.array(out["A"])), [1.0, 3.0, 1.0], atol=1e-12)
    r = subprocess.run([sys.executable, "-m", "lsahard.cli", "recover", str(tmp_path / "missing.json")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_best_certified_time_limit_stdout_is_one_json_object(capsys):
    # SCIP stops at the time limit with an incumbent: pyomo's warning must not pollute stdout
    assert main(["best", "--d", "2", "--n", "100", "--p", "0.5", "--certified", "--certifier", "scip", "--time-limit", "0.5",
                 "--starts", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["details"]["scip"]["status"] in ("maxTimeLimit", "optimal")
    if not out["certified_global"]:
        assert out["details"]["scip"]["status"] == "maxTimeLimit"
    assert out["lower_bound"] is None or out["lower_bound"] <= out["f_best"] + 1e-12
