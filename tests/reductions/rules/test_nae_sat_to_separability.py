"""Rule nae_sat_to_separability (our construction, REDUCTIONS.md section 2): exhaustive YES/NO
agreement (brute force and MILP on both sides), certificates in exact arithmetic, sizes."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from reductions import NAESAT, Separability, decide, generate
from reductions.proof import all_nae_sats, check_reduction
from reductions.rules import nae_sat_to_separability as rule


def test_exhaustive_3_vars_up_to_2_clauses_and_sampled_3_clauses():
    counts = {"yes": 0, "no": 0}
    family = itertools.chain(all_nae_sats(3, 2), itertools.islice(all_nae_sats(3, 3), 210, None, 16))
    for g in family:
        counts[check_reduction(rule.reduce, g, "brute", "brute")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


def test_mixed_widths_including_unit_clauses_milp_both_sides():
    """Generalised construction (L = lcm of widths): all NAE-SAT on 2 variables with <= 3
    clauses of widths 1..2, and a sample of 3-variable mixed-width instances."""
    counts = {"yes": 0, "no": 0}
    family = itertools.chain(all_nae_sats(2, 3, (1, 2)), itertools.islice(all_nae_sats(3, 2, (1, 2, 3)), 0, None, 5))
    for g in family:
        counts[check_reduction(rule.reduce, g, "milp", "milp")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


def test_k3_planes_are_the_documented_ones():
    g = NAESAT(3, [(1, 2, 3), (-1, 2, -3)])
    red = rule.reduce(g)
    assert isinstance(red.target, Separability)
    assert red.target.outside[0] == (3, 0, 0) and red.target.outside[1] == (-3, 0, 0)
    assert red.target.inside[2] == (-1, 1, -1)
    s = (True, False, True)
    w1, g1, w2, g2 = red.forward(s)
    # plane 1 is s.x < 2, plane 2 is -s.x < 2
    assert w1 == (-1, 1, -1) and g1 == -2 and w2 == (1, -1, 1) and g2 == -2
    assert red.target.check((w1, g1, w2, g2)) == g.check(s)


def test_every_assignment_forward_and_solver_witness_backward():
    for seed in range(5):
        g, _ = generate("nae_sat", 4, seed, planted=seed % 2 == 0)
        red = rule.reduce(g)
        for s in itertools.product([False, True], repeat=4):
            assert red.target.check(red.forward(s)) == g.check(s)
        d = decide(red.target, "milp")
        assert d.answer == decide(g, "brute").answer
        if d.answer:
            w1, g1, w2, g2 = d.witness
            for sol in [(w1, g1, w2, g2), (w2, g2, w1, g1),
                        (tuple(Fraction(5, 2) * c for c in w1), Fraction(5, 2) * g1, w2, g2)]:
                assert red.target.check(sol) and g.check(red.backward(sol))


def test_size_formula():
    g = NAESAT(4, [(1, 2, 3), (2, -3, 4), (-1, -4)])
    red = rule.reduce(g)
    assert red.size == {"dim": 4, "n_inside": 4, "n_outside": 8} == red.predicted_size
    assert rule.scale(g) == (6, 3)  # L = lcm(3, 3, 2), K = 3


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 5), st.integers(0, 10**6))
def test_random_nae3sat_property(n, seed):
    g, _ = generate("nae_sat", n, seed, planted=bool(seed % 2))
    check_reduction(rule.reduce, g, "brute", "milp")
