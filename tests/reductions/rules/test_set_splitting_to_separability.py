"""Rule set_splitting_to_separability (Blum-Rivest): exhaustive YES/NO agreement, certificates."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from reductions import SetSplitting, decide, generate
from reductions.proof import all_set_splittings, check_reduction
from reductions.rules import set_splitting_to_separability as rule


def test_exhaustive_n3_all_families_and_n4_up_to_2_subsets():
    counts = {"yes": 0, "no": 0}
    for inst in itertools.chain(all_set_splittings(3, 7), all_set_splittings(4, 2)):
        counts[check_reduction(rule.reduce, inst, "brute", "brute")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


def test_exhaustive_n4_three_subsets_milp_target():
    for inst in itertools.islice(all_set_splittings(4, 3, min_subset=2), 0, None, 3):
        check_reduction(rule.reduce, inst, "brute", "milp")


def test_forward_of_every_splitting_and_backward_of_transformed_planes():
    inst = SetSplitting(4, [(0, 1), (1, 2, 3), (0, 3)])
    red = rule.reduce(inst)
    for side in itertools.product([0, 1], repeat=4):
        assert red.target.check(red.forward(side)) == inst.check(side)
    d = decide(red.target, "milp")
    assert d.answer
    w1, g1, w2, g2 = d.witness
    # swapping the planes and scaling them by positive rationals are again target solutions
    for sol in [(w2, g2, w1, g1), (tuple(3 * c for c in w1), 3 * g1, w2, g2),
                (w1, g1, tuple(Fraction(1, 7) * c for c in w2), Fraction(1, 7) * g2)]:
        assert red.target.check(sol)
        assert inst.check(red.backward(sol))


def test_size_formula():
    inst = SetSplitting(5, [(0, 1), (2, 3, 4)])
    red = rule.reduce(inst)
    assert red.size == {"dim": 5, "n_inside": 3, "n_outside": 5} == red.predicted_size


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10**6))
def test_random_set_splitting_property(n, seed):
    inst, _ = generate("set_splitting", n, seed, planted=bool(seed % 2))
    check_reduction(rule.reduce, inst, "milp", "milp")
