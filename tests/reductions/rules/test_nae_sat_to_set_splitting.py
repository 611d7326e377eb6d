"""Rule nae_sat_to_set_splitting: exhaustive YES/NO agreement, certificates, sizes."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from reductions import NAESAT, generate
from reductions.proof import all_nae_sats, check_reduction
from reductions.rules import nae_sat_to_set_splitting as rule


def test_exhaustive_3_vars_up_to_3_clauses():
    counts = {"yes": 0, "no": 0}
    for g in all_nae_sats(3, 3, (1, 2, 3)):  # 2951 instances incl. unit clauses
        counts[check_reduction(rule.reduce, g, "brute", "brute")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


def test_exhaustive_milp_on_both_sides():
    for g in all_nae_sats(2, 3, (1, 2)):
        check_reduction(rule.reduce, g, "milp", "milp")


def test_every_target_solution_maps_back():
    for seed in range(6):
        g, _ = generate("nae_sat", 4, seed, planted=seed % 2 == 0)
        red = rule.reduce(g)
        for s in itertools.product([False, True], repeat=g.n_vars):
            assert red.target.check(red.forward(s)) == g.check(s)
        for side in itertools.product([0, 1], repeat=2 * g.n_vars):
            if red.target.check(side):
                assert g.check(red.backward(side))


def test_size_formula_and_repeated_literals():
    g = NAESAT(3, [(1, 1, -2), (2, 3, -1), (3, 3)])
    red = rule.reduce(g)
    assert red.size["n"] == 6 and red.size["n_subsets"] == 3 + 3
    assert red.predicted_size == {"n": 6, "n_subsets": 6} and red.size_matches
    assert red.target.subsets[2] == (4,)  # (x3, x3): one distinct literal -> unsplittable singleton


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 7), st.integers(0, 10**6))
def test_random_nae3sat_property(n, seed):
    g, _ = generate("nae_sat", n, seed, planted=bool(seed % 2))
    check_reduction(rule.reduce, g, "brute", "milp")
