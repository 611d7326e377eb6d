"""Rule coloring_to_cnf: exhaustive YES/NO agreement on all small graphs, certificates, sizes."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from reductions import CNF, Coloring, generate
from reductions.proof import all_colorings, check_reduction
from reductions.rules import coloring_to_cnf as rule


def test_exhaustive_graphs_up_to_4_nodes_k_up_to_3():
    counts = {"yes": 0, "no": 0}
    for inst in all_colorings(4, (1, 2, 3)):
        counts[check_reduction(rule.reduce, inst, "brute", "brute")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


def test_exhaustive_milp_both_sides_5_nodes_k2():
    for inst in itertools.islice(all_colorings(5, (2,)), 0, None, 5):
        check_reduction(rule.reduce, inst, "milp", "milp")


def test_every_assignment_maps_consistently():
    inst = Coloring(2, nx.path_graph(3))
    red = rule.reduce(inst)
    n_target_solutions = 0
    for a in itertools.product([False, True], repeat=6):
        if red.target.check(a):
            n_target_solutions += 1
            assert inst.check(red.backward(a))
    # the encoding is one-hot, so target solutions biject with colourings (2 for a path)
    assert n_target_solutions == 2
    for cols in itertools.product(range(2), repeat=3):
        assert red.target.check(red.forward(dict(enumerate(cols)))) == inst.check(dict(enumerate(cols)))


def test_size_formula_and_self_loop():
    G = nx.Graph([("a", "b"), ("b", "c"), ("c", "c")])
    inst = Coloring(3, G)
    red = rule.reduce(inst)
    assert isinstance(red.target, CNF)
    # 3 nodes x 3 colours; 3 at-least-one + 3*3 at-most-one + 3 edges * 3 colours
    assert red.size["n_vars"] == 9 and red.size["n_clauses"] == 3 + 9 + 9
    assert red.size_matches
    assert check_reduction(rule.reduce, inst, "brute", "brute") == "no"


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 9), st.integers(0, 10**6))
def test_random_graph_property(n, seed):
    inst, _ = generate("coloring", n, seed, planted=bool(seed % 2))
    check_reduction(rule.reduce, inst, "brute", "milp")
