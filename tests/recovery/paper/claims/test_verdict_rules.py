"""Tests for recovery.paper.claims.verdict_rules: every outcome of the generic verdict rules."""
from __future__ import annotations

import pytest

from recovery.paper.claims.result import outcome_of
from recovery.paper.claims.verdict_rules import (
    combine_verdicts,
    grows_with,
    verdict_cross_check,
    verdict_from_max_error,
    verdict_from_scan,
    z_threshold,
)


def kind(v: str) -> str:
    return outcome_of(v)


def grid(ok_of):
    return [{"p": p, "n": n, "ok": ok_of(p, n)} for p in (0.1, 0.5) for n in (1, 2, 3, 10, 50)]


def test_scan_all_outcomes():
    assert verdict_from_scan(grid(lambda p, n: True), what="P", coord_keys=("p", "n")) == "holds"
    v = verdict_from_scan(grid(lambda p, n: None if n == 50 else True), what="P", coord_keys=("p", "n"))
    assert kind(v) == "holds with conditions" and "8/10" in v and "n=50" in v
    v = verdict_from_scan(grid(lambda p, n: None), what="P", coord_keys=("p", "n"))
    assert kind(v) == "not checkable"
    assert kind(verdict_from_scan([], what="P", coord_keys=("p",))) == "not checkable"
    # violations confined to small n: a condition n >= 10
    v = verdict_from_scan(grid(lambda p, n: n >= 10), what="P", coord_keys=("p", "n"), threshold_key="n")
    assert kind(v) == "holds with conditions" and "n >= 10" in v and "6/10" in v
    # the failing range and the scanned range are stated, taken from the evidence
    assert "fails for n <= 3 at 6/10 grid points" in v and "10 <= n <= 50" in v
    v = verdict_from_scan(grid(lambda p, n: n >= 3 if p < 0.3 else n >= 50), what="P", coord_keys=("p", "n"),
                          threshold_key="n")
    assert kind(v) == "holds with conditions" and "only for n >= 50" in v
    assert "fails for n <= 10 at 6/10 grid points" in v and "50 <= n <= 50" in v
    # same evidence without a threshold key is a failure
    v = verdict_from_scan(grid(lambda p, n: n >= 10), what="P", coord_keys=("p", "n"))
    assert kind(v) == "fails" and "6/10" in v
    # a violation at the largest n cannot be a small-n condition
    v = verdict_from_scan(grid(lambda p, n: n != 50), what="P", coord_keys=("p", "n"), threshold_key="n")
    assert kind(v) == "fails" and "n=50" in v
    with pytest.raises(ValueError, match="ok"):
        verdict_from_scan([{"p": 0.1, "ok": 1}], what="P", coord_keys=("p",))


def test_combine_severity():
    h, c, n, f = "holds", "holds with conditions: A", "not checkable: B", "fails: C"
    assert combine_verdicts([h, h]) == "holds"
    assert combine_verdicts([h, c]) == c
    v = combine_verdicts([c, n])
    assert kind(v) == "not checkable" and "B" in v and "A" in v
    v = combine_verdicts([c, f, n], labels=["x", "y", "z"])
    assert kind(v) == "fails" and v.startswith("fails: y: C")
    assert kind(combine_verdicts([])) == "not checkable"


def test_max_error_all_outcomes():
    assert verdict_from_max_error(1e-15, 1e-10, what="e") == "holds"
    assert kind(verdict_from_max_error(1e-3, 1e-10, what="e")) == "fails"
    assert kind(verdict_from_max_error(None, 1e-10, what="e")) == "not checkable"
    assert kind(verdict_from_max_error(float("nan"), 1e-10, what="e")) == "not checkable"
    with pytest.raises(ValueError):
        verdict_from_max_error(0.0, -1.0, what="e")


def test_cross_check_outcomes():
    assert verdict_cross_check(0, 5, what="A and B") == "holds"
    v = verdict_cross_check(2, 5, what="A and B")
    assert kind(v) == "not checkable" and "2/5" in v
    assert kind(combine_verdicts(["holds with conditions: x", v])) == "not checkable"
    with pytest.raises(ValueError):
        verdict_cross_check(6, 5, what="A")


def test_z_threshold_monotone():
    assert z_threshold(1) == 4.0
    assert z_threshold(10_000) > z_threshold(100) >= 4.0


def test_grows_with():
    assert grows_with([1, 2, 3, 4], [0.0, 0.1, 0.2, 0.3]) == (True, 1.0)
    assert grows_with([1, 2, 3], [0.3, 0.2, 0.1])[0] is False
    with pytest.raises(ValueError):
        grows_with([1, 2], [0.0, 1.0])
