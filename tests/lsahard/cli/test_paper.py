"""CLI tests of ``lsahard paper experiments`` and ``lsahard paper fig5``."""
from __future__ import annotations

import json

import pytest

import recovery.paper.experiments as ex
from lsahard.cli import main


@pytest.mark.parametrize("argv", [
    ["paper"],
    ["paper", "experiments", "fig9", "--out", "x"],
    ["paper", "experiments", "fig3"],
    ["paper", "fig5", "--out", "x", "--dmax", "0"],
    ["paper", "fig5", "--out", "x", "--p", "1.0"],
    ["paper", "fig5", "--out", "x", "--n", "0"],
    ["paper", "fig5", "--out", "x", "--workers", "0"],
    ["paper", "fig5", "--out", "x", "--time-limit", "0"],
    ["paper", "fig5", "--out", "x", "--time-limit", "inf"],
    ["paper", "fig5", "--out", "x", "--seed", "-1"],
])
def test_bad_input_exits_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err and "Traceback" not in err


def test_out_that_is_a_file_is_one_line(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["paper", "experiments", "fig3", "--out", str(f / "sub"), "--quick"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert main(["paper", "fig5", "--out", str(f / "sub"), "--dmax", "1"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_tiny_experiment_run(tmp_path, monkeypatch, capsys):
    tiny = dict(ex.FIGURES)
    tiny["fig5"] = lambda out, quick=False: ex.fig5(out, quick=quick, ds=(1,), seeds=(0,), steps=10, test_size=50,
                                                     train_size=50, n=5)
    monkeypatch.setattr(ex, "FIGURES", tiny)
    assert main(["paper", "experiments", "fig5", "--out", str(tmp_path), "--quick"]) == 0
    out = capsys.readouterr().out
    assert "Fig. 5" in out and "wall time" in out
    assert json.loads((tmp_path / "fig5.json").read_text())["name"] == "fig5"


def test_tiny_population_fig5_run(tmp_path, capsys):
    assert main(["paper", "fig5", "--out", str(tmp_path), "--dmax", "1", "--n", "5", "--batch", "50",
                 "--starts", "1", "--certified-max-d", "0"]) == 0
    out = capsys.readouterr().out
    assert "\n| 1 |" in out and (tmp_path / "fig5_population.png").stat().st_size > 0
