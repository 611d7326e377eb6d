"""Tests for recovery.paper.experiments on tiny configurations (the full runs live in benchmarks / the docs)."""
from __future__ import annotations

import functools
import json
from types import SimpleNamespace

import numpy as np
import pytest

from recovery.paper import experiments as ex
def _brute_bayes(states, kernels, S):
    B, n1, d1 = states.shape
    n, d = n1 - 1, d1 - 1
    hits, orc = 0, 0.0
    for b in range(B):
        c = np.ones((S, S))
        for i in range(n):
            for t in range(d):
                c[states[b, i, t], states[b, i, t + 1]] += 1
        for t in range(d - 1):
            c[states[b, n, t], states[b, n, t + 1]] += 1
        last = states[b, n, d - 1]
        hits += int(np.argmax(c[last]) == states[b, n, d])
        orc += kernels[b, last].max()
    return hits / B, orc / B


@pytest.mark.parametrize("S, d", [(2, 3), (3, 1), (4, 2)])
def test_bayes_accuracies_match_brute_force(S, d):
    pr = ex._sample(60, d, 4, S, 0.5, np.random.default_rng(S + d))
    bay, orc, pm = ex.bayes_accuracies(pr, S)
    b2, o2 = _brute_bayes(np.asarray(pr.states), np.asarray(pr.kernels), S)
    assert bay == pytest.approx(b2) and orc == pytest.approx(o2)
    assert 0 <= pm <= 1


def test_bayes_accuracy_hand_example():
    # one prompt, binary, d = 2, n = 1: context chain 0 -> 1 -> 1, query 1 -> 1 -> label 0
    st = np.array([[[0, 1, 1], [1, 1, 0]]])
    K = np.array([[[0.5, 0.5], [0.2, 0.8]]])
    bay, orc, pm = ex.bayes_accuracies(SimpleNamespace(states=st, kernels=K), 2)
    # counts from state 1: 1->1 twice (context t=1, query t=0); posterior row (1, 3): predicts 1, label 0
    assert bay == 0.0 and orc == pytest.approx(0.8)
    assert pm == 0.0  # posterior mean 3/4 rounds to 1


def test_fig3_tiny(tmp_path):
    ex.fig3(tmp_path, states=(2, 3), layers=(1, 2), seeds=(0,), steps=20, train_size=300, test_size=300,
            batch_size=100)
    assert (tmp_path / "fig3.png").stat().st_size > 0
    js = json.loads((tmp_path / "fig3.json").read_text())
    assert js["num_trainings"] == 4
    for S in (2, 3):
        assert 0 <= js["summary"][f"S{S}_L2"]["mean"] <= 1
        # the rounded posterior mean and Bayes accuracies are >= chance - sampling noise and <= 1
        assert js["summary"][f"S{S}_oracle"] > 1 / S
    md = (tmp_path / "fig3.md").read_text()
    assert "0.85" in md and "Computed:" in md


def test_fig5_tiny_least_squares_beats_lsa_on_training_set(tmp_path):
    r = ex.fig5(tmp_path, ds=(1, 2), seeds=(0,), steps=50, test_size=300, train_size=300, n=20)
    for d in ("1", "2"):
        s = r["summary"][d]
        # the unconstrained least-squares X minimises the training MSE over a superset of phi(b, A)
        assert s["ls_train"] <= s["lsa_train"] + 1e-12
    assert (tmp_path / "fig5.png").exists()


def test_fig2_tiny(tmp_path):
    r = ex.fig2(tmp_path, num_layers=3, d=2, n=10, steps=10, train_size=200, eval_prompts=5, batch_size=50)
    for o in r["summary"].values():
        assert o["max_abs_error"] < 1e-10
        assert len(o["gd_mean"]) == 4 and min(o["gd_mean"]) >= 0
    assert "GD of R1" in (tmp_path / "fig2.md").read_text()


def test_appendix_a_tiny(tmp_path):
    r = ex.appendix_a(tmp_path, seeds=(0,), steps=200, train_size=400, test_size=400, layers=(1,))
    s = r["summary"]["1"]
    # L = 1: dense and sparse coincide on the prediction, so converged L-BFGS losses agree
    assert s["dense_train"] == pytest.approx(s["sparse_train"], rel=1e-6)
    pop = r["population"]
    assert pop["f_star"] >= pop["ftilde_star"] - 1e-12


def test_run_paper_suite_aggregates(tmp_path, monkeypatch):
    tiny = {
        "fig5": functools.partial(ex.fig5, ds=(1,), seeds=(0,), steps=20, test_size=100, train_size=100, n=5),
        "appa": functools.partial(ex.appendix_a, seeds=(0,), steps=20, train_size=100, test_size=100, layers=(1,)),
    }
    monkeypatch.setattr(ex, "FIGURES", tiny)
    res = ex.run_paper_suite(tmp_path, quick=True)
    assert set(res) == {"fig5", "appa", "total_wall_time", "total_cpu_time"}
    md = (tmp_path / "paper_suite.md").read_text()
    assert "Fig. 5" in md and "Appendix A" in md
    assert json.loads((tmp_path / "paper_suite.json").read_text())["fig5"]["name"] == "fig5"


def test_main_rejects_unknown_figure(capsys):
    with pytest.raises(SystemExit) as e:
        ex.main(["fig9", "--out", "x"])
    assert e.value.code == 2


def test_main_bad_out_is_a_usage_error(tmp_path, capsys):
    import recovery.paper.experiments as ex

    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(SystemExit) as exc:
        ex.main(["fig3", "--out", str(f / "sub"), "--quick"])
    assert exc.value.code == 2 and "--out" in capsys.readouterr().err
