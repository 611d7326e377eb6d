"""Rule cnf_to_nae_sat (3-SAT -> NAE-4-SAT): exhaustive YES/NO agreement, certificates, sizes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reductions import CNF, NAESAT, generate
from reductions.proof import all_cnfs, check_reduction
from reductions.rules import cnf_to_nae_sat as rule


def test_exhaustive_3_vars_up_to_3_clauses_brute_both_sides():
    counts = {"yes": 0, "no": 0}
    for f in all_cnfs(3, 3):  # all 2951 CNFs with <= 3 distinct clauses of width 1..3
        counts[check_reduction(rule.reduce, f, "brute", "brute")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0
    assert sum(counts.values()) == 2951


def test_exhaustive_2_vars_milp_source_brute_target():
    for f in all_cnfs(2, 4):
        check_reduction(rule.reduce, f, "milp", "brute")


def test_every_solution_maps_both_ways():
    """For every assignment of a few 3-CNFs: s satisfies F iff forward(s) NAE-satisfies the
    target; every NAE solution of the target maps back to a satisfying assignment."""
    for seed in range(6):
        f, _ = generate("cnf", 4, seed, planted=seed % 2 == 0)
        red = rule.reduce(f)
        for s in itertools.product([False, True], repeat=f.n_vars):
            assert red.target.check(red.forward(s)) == f.check(s)
        for t in itertools.product([False, True], repeat=f.n_vars + 1):
            if red.target.check(t):
                assert f.check(red.backward(t))


def test_size_formula_on_3sat():
    f = CNF(5, [(1, 2, 3), (-1, 4, 5), (2, -3, -5)])
    red = rule.reduce(f)
    assert isinstance(red.target, NAESAT) and red.target.max_width == 4
    assert all(len(c) == 4 and c[-1] == 6 for c in red.target.clauses)
    assert red.size == {"n_vars": 6, "n_clauses": 3, "n_literals": 12, "max_width": 4}
    assert red.predicted_size == red.size and red.size_matches


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 7).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, 10**6))))
def test_random_3sat_property(data):
    n, seed = data
    f, _ = generate("cnf", n, seed, planted=bool(seed % 2))
    check_reduction(rule.reduce, f, "milp", "brute")


def test_rejects_wrong_instance_type():
    with pytest.raises(TypeError, match="CNF"):
        rule.reduce(NAESAT(1, [(1,)]))
