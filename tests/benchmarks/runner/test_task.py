"""A run's classification (benchmarks.runner.task)."""
from __future__ import annotations

from benchmarks.runner.task import classify


def test_classify_table():
    assert classify("YES", "optimal", "YES", verified=True) == "ok"
    assert classify("YES", "optimal", "NO", verified=True) == "wrong"
    assert classify("NO", "infeasible", "YES") == "wrong"
    assert classify("NO", "infeasible", None) == "ok"
    assert classify("YES", "optimal", "YES", verified=False) == "unknown"  # unverified claim
    assert classify(None, "timeout", "YES") == "timeout"
    assert classify(None, "unknown", "YES") == "unknown"
    assert classify(None, "unknown", "YES", hit_limit=True) == "timeout"
    assert classify("YES", "optimal", "YES", verified=True, hit_limit=True) == "ok"
    assert classify(None, "error", None, hit_limit=True) == "error"
    assert classify(None, "error", None) == "error"
    assert classify(None, "optimal", "NO", killed=True) == "timeout"
    assert classify("YES", "optimal", "YES", error=True) == "error"
    # a YES without a witness that passed the exact check (verified None/False) proves nothing
    assert classify("YES", "optimal", "YES", verified=None) == "unknown"
    assert classify("YES", "feasible", "YES", verified=None, hit_limit=True) == "timeout"
