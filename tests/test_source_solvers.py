"""Exact source deciders (reductions.solvers): brute force and HiGHS MILP must agree everywhere,
every YES witness is checked exactly, and separability gets a third closed-form decider in 1-D."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reductions import Partition, Separability, decide, generate
from reductions.proof import all_cnfs, all_colorings, all_nae_sats, all_set_splittings
from reductions.solvers import _integer_points, _sep_lp, separability_box_bound


def _agree(inst):
    a = decide(inst, "brute")
    b = decide(inst, "milp")
    assert a.answer is not None and a.answer == b.answer, (inst, a, b)
    for d in (a, b):
        if d.answer:
            assert inst.check(d.witness)
    return a.answer


@pytest.mark.parametrize(
    "family",
    [
        lambda: itertools.islice(all_cnfs(3, 3), 0, None, 7),  # every 7th of the 2951 CNFs
        lambda: all_nae_sats(3, 2, (1, 2, 3)),
        lambda: all_set_splittings(4, 2),
        lambda: all_colorings(4, (2, 3)),
    ],
    ids=["cnf", "nae_sat", "set_splitting", "coloring"],
)
def test_brute_and_milp_agree_on_exhaustive_families(family):
    answers = [_agree(inst) for inst in family()]
    assert any(answers) and not all(answers)  # the family has YES and NO instances


def test_partition_deciders_agree_on_all_small_instances():
    answers = []
    for n in (1, 2, 3, 4):
        for vals in itertools.product(range(1, 5), repeat=n):
            inst = Partition(list(vals))
            ans = _agree(inst)
            # third decider: subset-sum dynamic programme
            reach = {0}
            for a in vals:
                reach = {r + s for r in reach for s in (a, -a)}
            assert ans == (0 in reach)
            answers.append(ans)
    assert any(answers) and not all(answers)


@pytest.mark.parametrize("problem", ["cnf", "nae_sat", "set_splitting", "partition", "coloring", "separability"])
def test_generated_instances_planted_are_yes_and_deciders_agree(problem):
    for seed in range(4):
        inst, hidden = generate(problem, 7, seed, planted=True)
        assert inst.check(hidden)
        assert _agree(inst) is True
        inst, hidden = generate(problem, 7, 100 + seed, planted=False)
        assert hidden is None
        _agree(inst)


def test_generate_is_seeded_and_validates():
    a, _ = generate("cnf", 5, 3)
    b, _ = generate("cnf", 5, np.random.default_rng(3))
    assert a == b
    with pytest.raises(ValueError, match="problem"):
        generate("sudoku", 3, 0)
    with pytest.raises(ValueError, match="size"):
        generate("cnf", 0, 0)
    with pytest.raises(TypeError):
        generate("cnf", 3, None)


# ---------------------------------------------------------------------------------------------
# separability: split enumeration vs MILP (big-M from the Cramer/Hadamard box) vs closed form
# ---------------------------------------------------------------------------------------------
def test_separability_all_1d_configurations_three_deciders():
    """Every assignment of the grid {-2..2} to inside / outside / absent (3^5 = 243 instances).
    In 1-D the two planes are half-lines: separable iff no outside point lies in [min P, max P]."""
    grid = [-2, -1, 0, 1, 2]
    answers = []
    for roles in itertools.product((0, 1, 2), repeat=len(grid)):
        P = [[x] for x, r in zip(grid, roles) if r == 1]
        Q = [[x] for x, r in zip(grid, roles) if r == 2]
        if not P and not Q:
            continue
        inst = Separability(inside=P, outside=Q, dim=1)
        ans = _agree(inst)
        closed = not P or not any(min(P)[0] <= q[0] <= max(P)[0] for q in Q)
        assert ans == closed, (P, Q)
        answers.append(ans)
    assert any(answers) and not all(answers)


def test_separability_all_2d_configurations_on_a_small_grid():
    """All 3^5 in/out/absent assignments of 5 points of the plane (a cross and its centre)."""
    pts = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]
    answers = []
    for roles in itertools.product((0, 1, 2), repeat=len(pts)):
        P = [list(x) for x, r in zip(pts, roles) if r == 1]
        Q = [list(x) for x, r in zip(pts, roles) if r == 2]
        if not P and not Q:
            continue
        answers.append(_agree(Separability(inside=P, outside=Q, dim=2)))
    assert any(answers) and not all(answers)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 3).flatmap(
        lambda dim: st.tuples(
            st.lists(st.lists(st.integers(-3, 3), min_size=dim, max_size=dim), min_size=1, max_size=4),
            st.lists(st.lists(st.integers(-3, 3), min_size=dim, max_size=dim), min_size=1, max_size=5),
        )
    )
)
def test_separability_random_integer_instances_agree(data):
    P, Q = data
    _agree(Separability(inside=P, outside=Q))


def test_separability_rational_data_equals_scaled_integer_data():
    rng = np.random.default_rng(5)
    for _ in range(15):
        P = rng.integers(-4, 5, size=(3, 2))
        Q = rng.integers(-4, 5, size=(3, 2))
        frac = Separability(inside=[[Fraction(int(c), 4) for c in p] for p in P],
                            outside=[[Fraction(int(c), 4) for c in q] for q in Q])
        whole = Separability(inside=P.tolist(), outside=Q.tolist())
        assert frac.integer_scale() in (1, 2, 4)
        assert _agree(frac) == _agree(whole)


def test_separability_box_bound_covers_lp_vertices():
    """The box B of the big-M must contain a margin-1 separation whenever one exists: minimise
    random objectives over the margin-1 polyhedron intersected with a 10x larger box and check
    that feasibility within B itself is never lost (an LP within B exists iff one within 10B)."""
    import scipy.sparse as sp

    from reductions.solvers import highs_milp

    rng = np.random.default_rng(11)
    for _ in range(40):
        dim = int(rng.integers(1, 4))
        P = rng.integers(-3, 4, size=(int(rng.integers(1, 4)), dim)).astype(float)
        Q = rng.integers(-3, 4, size=(int(rng.integers(1, 4)), dim)).astype(float)
        B = separability_box_bound(P, Q)
        A = np.vstack([np.hstack([-P, np.ones((len(P), 1))]), np.hstack([Q, -np.ones((len(Q), 1))])])
        free = _sep_lp(P, Q) is not None

        def boxed(b):
            status, x = highs_milp(np.zeros(dim + 1), sp.csr_matrix(A), np.full(len(A), -np.inf), -np.ones(len(A)),
                                   np.full(dim + 1, -b), np.full(dim + 1, b), np.zeros(dim + 1, bool))
            return x is not None

        assert boxed(B) == free


def test_time_limit_and_bad_arguments():
    big = Partition([3] * 24 + [2])  # even total 74, no solution, 2^24 sign vectors to enumerate
    d = decide(big, "brute", time_limit=0.01)
    assert d.answer is None and "time limit" in d.status
    with pytest.raises(ValueError, match="method"):
        decide(big, "magic")
    with pytest.raises(ValueError, match="time_limit"):
        decide(big, "milp", time_limit=-1)
    with pytest.raises(TypeError):
        decide("not a problem")
    d = decide(Partition([1, 1]), "milp")
    json.dumps(d.to_json())


def test_coloring_with_string_nodes_and_self_loop():
    G = nx.relabel_nodes(nx.cycle_graph(5), lambda v: f"n{v}")
    from reductions import Coloring

    assert _agree(Coloring(3, G)) is True
    assert _agree(Coloring(2, G)) is False
    G.add_edge("n0", "n0")
    assert _agree(Coloring(3, G)) is False
