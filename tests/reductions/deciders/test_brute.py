"""Brute-force deciders (reductions.deciders.brute): independent of the MILP, exact NOs, timeouts."""

from __future__ import annotations

from reductions import Partition, Separability, decide


def test_brute_separability_shares_no_solver_helper_with_the_milp(monkeypatch):
    """The split enumeration must not go through highs_milp (two independent deciders)."""
    import reductions.deciders.brute as B
    import reductions.deciders.separability_planes as planes
    import reductions.deciders.source_milp as S

    def boom(*a, **k):
        raise AssertionError("brute force used highs_milp")

    assert not hasattr(B, "highs_milp") and not hasattr(B, "integer_points")
    monkeypatch.setattr(S, "highs_milp", boom)
    monkeypatch.setattr(planes, "integer_points", boom)
    assert decide(Separability(inside=[[0, 0]], outside=[[1, 0], [-1, 0]]), "brute").answer is True
    assert decide(Separability(inside=[[-1, 0], [1, 0]], outside=[[0, 0]]), "brute").answer is False


def test_brute_no_is_exact_and_timeouts_prove_nothing():
    from reductions import CNF

    d = decide(CNF(n_vars=1, clauses=((1,), (-1,))), "brute")
    assert d.answer is False and d.proof == "exact"
    d = decide(Partition([3] * 24 + [2]), "brute", time_limit=0.01)
    assert d.answer is None and d.proof == "none"
