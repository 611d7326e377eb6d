"""Tests for recovery.paper.fig3 (the Bayes/oracle baselines and a tiny Fig. 3 run)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from recovery.paper import fig3 as ex
from recovery.paper._shared import sample


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
    pr = sample(60, d, 4, S, 0.5, np.random.default_rng(S + d))
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
