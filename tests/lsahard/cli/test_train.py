"""Tests for ``lsahard train`` and ``lsahard thm41``."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from lsahard.cli import main
from recovery.training.loop import Subspace, TrainResult


def test_train_json(capsys):
    rc = main(["train", "--states", "3", "--layers", "2", "--d", "2", "--n", "5", "--steps", "30", "--seed", "4",
               "--subspace", "sparse", "--train-size", "200", "--test-size", "200", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    for k in ("final_loss", "accuracy", "params", "best_loss"):
        assert k in out
    r = TrainResult.from_json(out)
    assert len(r.params) == Subspace("sparse", 2, 2).size and set(out["params"][0]) == {"b", "A"}
    # a fifth of the training prompts is held out; the parameters with the lowest validation loss are reported
    assert out["val_size"] == 40 and out["val_loss"] == min(v for _, v in out["val_history"])
    assert [s for s, v in out["val_history"] if v == out["val_loss"]][0] == out["best_step"]


def test_train_is_reproducible_with_seed(capsys):
    args = ["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "4", "--steps", "20", "--seed", "9",
            "--train-size", "100", "--test-size", "100", "--json"]
    main(args)
    a = json.loads(capsys.readouterr().out)
    main(args)
    b = json.loads(capsys.readouterr().out)
    assert a["theta"] == b["theta"] and a["final_loss"] == b["final_loss"]


def test_train_warm_start_and_mismatch(tmp_path, capsys):
    main(["train", "--states", "2", "--layers", "2", "--d", "2", "--n", "4", "--steps", "10", "--train-size", "100",
          "--test-size", "100", "--json"])
    f = tmp_path / "r.json"
    f.write_text(capsys.readouterr().out)
    assert main(["train", "--states", "2", "--layers", "2", "--d", "2", "--n", "4", "--steps", "5",
                 "--train-size", "100", "--test-size", "100", "--init", str(f), "--json"]) == 0
    capsys.readouterr()
    rc = main(["train", "--states", "2", "--layers", "3", "--d", "2", "--n", "4", "--init", str(f)])
    err = capsys.readouterr().err
    assert rc == 2 and "--init" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "extra, msg",
    [
        (["--steps", "0"], "--steps"),
        (["--steps", "-3"], "--steps"),
        (["--lr", "0"], "--lr"),
        (["--lr", "-0.1"], "--lr"),
        (["--states", "5"], "--states"),
        (["--subspace", "full"], "--subspace"),
        (["--steps", "1.5"], "--steps"),
        (["--lr", "nan"], "--lr"),
        (["--lr", "inf"], "lr"),
        (["--seed", "-1"], "--seed"),
        (["--layers", "0"], "--layers"),
        (["--layers", "101"], "--layers must be <= 100"),
        (["--d", "201"], "--d must be <= 200"),
        (["--objective", "population", "--d", "21"], "--d <= 20"),
        (["--n", "0"], "--n"),
        (["--states", "1"], "--states"),
        (["--time-limit", "nan"], "--time-limit"),
        (["--p", "1.0"], "p must lie"),
        (["--objective", "population", "--layers", "2"], "layers=1"),
        (["--d", "0"], "--d must be >= 1, got 0"),
        (["--n", "-2"], "--n must be >= 1, got -2"),
        (["--train-size", "0"], "--train-size must be >= 1"),
        (["--validation", "1"], "--validation must lie in [0, 1)"),
        (["--validation", "-0.5"], "--validation must lie in [0, 1)"),
        (["--validation", "nan"], "--validation must lie in [0, 1)"),
        (["--objective", "population", "--validation", "0.2"], "--validation must be 0 with --objective population"),
        (["--train-size", "3", "--validation", "0.1"], "validation = 0.1 of 3 training prompts"),
    ],
)
def test_train_bad_input(extra, msg, capsys):
    base = {"--states": "2", "--layers": "1", "--d": "2", "--n": "4"}
    for i in range(0, len(extra), 2):
        base[extra[i]] = extra[i + 1]
    argv = ["train"] + [x for kv in base.items() for x in kv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert msg in err and err.count("\n") == 1 and "Traceback" not in err


def test_thm41_json(capsys):
    rc = main(["thm41", "--layers", "4", "--d", "3", "--n", "12", "--prompts", "5", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["max_abs_error"] < 1e-10 and out["max_step_error"] < 1e-10
    assert len(out["generational_distance"]) == 5
    assert np.array(out["objectives_per_layer"]["R1"]).shape == (5, 4)
    assert all(g >= 0 for g in out["generational_distance"])


def test_train_reports_the_validation_selection(capsys):
    args = ["train", "--states", "3", "--layers", "2", "--d", "2", "--n", "4", "--steps", "40", "--train-size", "100",
            "--test-size", "50"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "selected by validation loss (20 prompts held out): step " in out
    assert main(args + ["--validation", "0", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["val_size"] == 0 and js["val_loss"] is None and js["val_history"] == []


def test_thm41_bad_input(capsys):
    assert main(["thm41", "--layers", "0", "--d", "3", "--n", "5"]) == 2
    assert "--layers" in capsys.readouterr().err
    assert main(["thm41", "--layers", "2", "--d", "3", "--n", "5", "--states", "7"]) == 2
    assert "--states" in capsys.readouterr().err


def test_cli_subprocess():
    p = subprocess.run([sys.executable, "-m", "lsahard.cli", "thm41", "--layers", "2", "--d", "2", "--n", "6",
                        "--prompts", "3", "--json"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["max_abs_error"] < 1e-10
    p = subprocess.run([sys.executable, "-m", "lsahard.cli", "train", "--states", "4", "--layers", "1", "--d", "2",
                        "--n", "3", "--lr", "-1"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stderr.startswith("lsahard: error:") and "--lr" in p.stderr


@pytest.mark.parametrize("content, msg", [
    (b"\xff\xfe{}", "UTF-8"),
    (b'{"subspace": "dense"', "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"d": 2}', "lacks field"),
])
def test_train_bad_init_file(tmp_path, capsys, content, msg):
    f = tmp_path / "init.json"
    f.write_bytes(content)
    rc = main(["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "4", "--steps", "2", "--init", str(f)])
    err = capsys.readouterr().err
    assert rc == 2 and msg in err and "--init" in err and err.count("\n") == 1
    assert main(["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "4", "--init", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_train_divergence_keeps_best_and_says_so(capsys):
    rc = main(["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "5", "--steps", "50", "--lr", "1e300",
               "--train-size", "50", "--test-size", "50", "--json"])
    cap = capsys.readouterr()
    assert rc == 0
    out = json.loads(cap.out)
    assert out["diverged"] is True and np.isfinite(out["best_loss"]) and out["steps_done"] < 51
    assert "non-finite" in cap.err and cap.err.count("\n") == 1 and "Warning" not in cap.err


@pytest.mark.parametrize("extra, msg", [
    (["--scale", "1e200"], "overflows"),
    (["--scale", "nan"], "--scale"),
    (["--scale", "inf"], "--scale"),
    (["--seed", "-2"], "--seed"),
    (["--layers", "101"], "--layers must be <= 100"),
    (["--d", "201"], "--d must be <= 200"),
    (["--prompts", "0"], "--prompts must be >= 1, got 0"),
    (["--d", "0"], "--d must be >= 1, got 0"),
    (["--scale", "0"], "--scale must be a finite number > 0"),
])
def test_thm41_more_bad_input(capsys, extra, msg):
    assert main(["thm41", "--layers", "2", "--d", "2", "--n", "5", "--prompts", "3"] + extra) == 2
    err = capsys.readouterr().err
    assert msg in err and err.count("\n") == 1 and "Warning" not in err


def test_memory_error_becomes_one_line(monkeypatch, capsys):
    import lsahard.cli.train as cli_train

    def oom(**kw):
        raise MemoryError

    monkeypatch.setattr(cli_train, "train", oom)
    assert main(["train", "--states", "2", "--layers", "1", "--d", "2", "--n", "4", "--train-size", "7"]) == 2
    err = capsys.readouterr().err
    assert "not enough memory" in err and "--train-size 7" in err and err.count("\n") == 1
