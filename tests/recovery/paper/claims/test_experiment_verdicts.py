"""Tests for recovery.paper.claims.experiment_verdicts: every outcome of the App. A, Fig. 3 and Fig. 5 verdicts."""
from __future__ import annotations

import pytest

from recovery.paper.claims.experiment_verdicts import verdict_appendix_a, verdict_fig_3, verdict_fig_5
from recovery.paper.claims.result import outcome_of
from recovery.paper.claims.verdict_rules import grows_with


def kind(v: str) -> str:
    return outcome_of(v)


def test_appendix_a_all_outcomes():
    assert verdict_appendix_a({1: (0.100, 0.101), 2: (0.2, 0.2)}, 0.05) == "holds"
    v = verdict_appendix_a({1: (0.10, 0.20)}, 0.05)
    assert kind(v) == "fails" and "L=1" in v and "0.5" in v
    v = verdict_appendix_a({1: (0.10, 0.1001), 2: (0.10, 0.20)}, 0.05)
    assert kind(v) == "holds with conditions" and "L=2" in v
    assert kind(verdict_appendix_a({1: (None, 0.1)}, 0.05)) == "not checkable"
    assert kind(verdict_appendix_a({1: (float("inf"), 0.1)}, 0.05)) == "not checkable"
    with pytest.raises(ValueError):
        verdict_appendix_a({1: (0.1, 0.1)}, 0.0)


PAPER = {(2, 2): 0.85, (2, 3): 0.95}


def test_fig_3_all_outcomes():
    good = {(2, 1): 0.5, (2, 2): 0.84, (2, 3): 0.96}
    assert verdict_fig_3(good, PAPER, tol=0.1) == "holds"
    off = {(2, 1): 0.5, (2, 2): 0.6, (2, 3): 0.96}
    v = verdict_fig_3(off, PAPER, tol=0.1)
    assert kind(v) == "holds with conditions" and "1/2" in v and "L=2" in v
    down = {(2, 1): 0.9, (2, 2): 0.7, (2, 3): 0.96}
    v = verdict_fig_3(down, PAPER, tol=0.1)
    assert kind(v) == "fails" and "|S|=2" in v
    flat = {(2, 1): 0.84, (2, 2): 0.85, (2, 3): 0.85}
    v = verdict_fig_3(flat, PAPER, tol=0.1)
    assert kind(v) == "fails" and "no growth" in v
    assert kind(verdict_fig_3({}, PAPER, tol=0.1)) == "not checkable"
    v = verdict_fig_3(off, PAPER, tol=0.1, upper_bounds={2: 0.9})
    assert "exceed the accuracy of an oracle" in v and "paper 0.95" in v
    assert "oracle" not in verdict_fig_3(off, PAPER, tol=0.1, upper_bounds={2: 0.99})


def test_fig_5_all_outcomes():
    ds = [1, 2, 3, 4, 5]
    up, flat = [0.0, 0.01, 0.03, 0.05, 0.08], [0.05, 0.01, 0.04, 0.02, 0.03]
    assert verdict_fig_5(ds, up, up) == "holds"
    v = verdict_fig_5(ds, flat, up)
    assert kind(v) == "holds with conditions" and "sampled reproduction: gap does not grow" in v
    v = verdict_fig_5(ds, up, None)
    assert kind(v) == "holds with conditions" and "population side was not available" in v
    assert kind(verdict_fig_5(ds, flat, flat)) == "fails"
    assert kind(verdict_fig_5(None, None, None)) == "not checkable"
    assert grows_with([3, 1, 2], [3.0, 1.0, 2.0])[0] is True  # order of xs does not matter
