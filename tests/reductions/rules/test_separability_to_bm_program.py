"""BMProgram (the Bennett-Mangasarian problem) and the rule separability -> bm_program.

Source decided by split enumeration (R1's ``decide(..., "brute")``), target by the BM MILP
(``decide_bm``): independent code paths that must agree on every instance, YES and NO.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reductions.deciders.bm_program import decide_bm
from reductions.deciders.source import decide
from reductions.problems.base import load_problem
from reductions.problems.bm_program import BMProgram, basic_plane, rescale_plane, vertex_box
from reductions.problems.separability import Separability
from reductions.rules import separability_to_bm_program as rule


def _dim1_instances():
    """Every dim-1 instance with inside points a subset (size 1-2) of {-2..2} and outside points a
    subset (size 0-3) of the remaining grid points."""
    grid = list(range(-2, 3))
    for ni in (1, 2):
        for P in itertools.combinations(grid, ni):
            rest = [x for x in grid if x not in P]
            for nq in range(4):
                for Q in itertools.combinations(rest, nq):
                    yield Separability(inside=[[x] for x in P], outside=[[x] for x in Q])


def _dim2_instances(count: int, seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        m, k = int(rng.integers(1, 4)), int(rng.integers(1, 5))
        pts = rng.choice(25, size=m + k, replace=False)
        coords = [[int(p // 5) - 2, int(p % 5) - 2] for p in pts]
        yield Separability(inside=coords[:m], outside=coords[m:])


def _round_trip(inst: Separability) -> bool | None:
    red = rule.reduce(inst)
    assert red.size == red.predicted_size
    src = decide(inst, "brute")
    tgt = decide_bm(red.target, "milp")
    assert src.answer == tgt.answer, (inst.to_json(), src, tgt)
    if src.answer:
        bm_sol = red.forward(src.witness)
        assert red.target.check(bm_sol)
        assert inst.check(red.backward(tgt.witness))
        assert inst.check(red.backward(bm_sol))
    return src.answer


def test_exhaustive_dim1_yes_and_no():
    answers = [_round_trip(inst) for inst in _dim1_instances()]
    assert answers.count(True) > 20 and answers.count(False) > 20, (answers.count(True), answers.count(False))


def test_sampled_dim2_yes_and_no():
    answers = [_round_trip(inst) for inst in _dim2_instances(80, seed=5)]
    assert answers.count(True) > 10 and answers.count(False) > 10


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=1, max_size=3),
    st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=0, max_size=4),
)
def test_property_dim3(P, Q):
    inst = Separability(inside=P, outside=Q)
    # coincident inside/outside points make the instance trivially NO; keep them (NO cases)
    _round_trip(inst)


def test_bm_json_round_trip_and_load_problem():
    inst = BMProgram(inside=[[0, Fraction(1, 2)]], outside=[[1, 2], [-1, "3/4"]])
    data = inst.to_json()
    assert data["problem"] == "bm_program" and data["schema"] == "lsahard.bm_program/1"
    assert data["inside"] == [[0, "1/2"]]
    again = load_problem(json.loads(json.dumps(data)))
    assert again == inst and isinstance(again, BMProgram)
    assert inst.size() == {"dim": 2, "n_inside": 1, "n_outside": 2}


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"inside": [[0, 1], [1]], "outside": []}, ValueError),
        ({"inside": [[0, 1]], "outside": [[1, 2, 3]]}, ValueError),
        ({"inside": [], "outside": []}, ValueError),
        ({"inside": "abc", "outside": []}, TypeError),
        ({"inside": [[True]], "outside": []}, TypeError),
        ({"inside": [[0]], "outside": [], "dim": 0}, ValueError),
    ],
)
def test_bm_bad_input(kwargs, exc):
    with pytest.raises(exc):
        BMProgram(**kwargs)


def test_bm_from_json_errors():
    with pytest.raises(ValueError, match="outside"):
        BMProgram.from_json({"problem": "bm_program", "inside": [[0]]})
    with pytest.raises(ValueError, match="problem"):
        BMProgram.from_json({"problem": "partition", "inside": [[0]], "outside": []})


def test_bm_check_exact_and_malformed():
    inst = BMProgram(inside=[[0]], outside=[[1], [-1]])
    good = {"w1": [-2], "g1": -1, "w2": [2], "g2": -1, "z1": [0, 4], "z2": [4, 0]}
    assert inst.check(good)
    # objective 0 needs exact complementarity: a tiny positive product is rejected
    tiny = dict(good, z1=[Fraction(1, 10**30), 4])
    assert inst.is_feasible(tiny) and not inst.check(tiny)
    # infeasible margin for the inside point
    assert not inst.check(dict(good, g1=Fraction(-1, 2)))
    # negative z
    assert not inst.check(dict(good, z1=[-1, 4]))
    with pytest.raises(ValueError):
        inst.check({"w1": [1]})
    with pytest.raises(ValueError):
        inst.check(dict(good, z1=[0]))
    with pytest.raises(TypeError):
        inst.check([1, 2, 3])
    assert inst.objective(good) == 0


def test_rescale_plane_margin_one():
    P = [(Fraction(0), Fraction(0)), (Fraction(1), Fraction(0))]
    Q = [(Fraction(3), Fraction(1))]
    w, g = rescale_plane(P, Q, [-0.25, 0.0], -0.5)  # -x/4 > -1/2 : x < 2
    assert min(p[0] * w[0] + p[1] * w[1] - g for p in P) == 1
    assert max(q[0] * w[0] + q[1] * w[1] - g for q in Q) == -1
    assert rescale_plane(P, Q, [1.0, 0.0], 0.5) is None  # does not separate


def test_basic_solution_in_vertex_box():
    """Purification lands on a point inside the Cramer/Hadamard box, even from a huge start."""
    rng = np.random.default_rng(3)
    hits = 0
    for inst in _dim2_instances(40, seed=11):
        bm = BMProgram(inside=inst.inside, outside=inst.outside)
        dec = decide_bm(bm, "milp")
        if not dec.answer:
            continue
        hits += 1
        sol = dict(dec.witness)
        # scaling (w_i, g_i) by c >= 1 multiplies every margin by c: still a certificate, far outside the box
        scale = Fraction(int(rng.integers(10**6, 10**7)))
        sol = bm.complete(*(tuple(scale * x for x in sol[k]) if k[0] == "w" else scale * sol[k]
                            for k in ("w1", "g1", "w2", "g2")))
        assert bm.check(sol)
        basic = bm.basic_solution(sol)
        W, G, Z = bm.vertex_box()
        assert bm.check(basic)
        assert all(abs(x) <= W for x in basic["w1"] + basic["w2"])
        assert abs(basic["g1"]) <= G and abs(basic["g2"]) <= G
        assert all(0 <= z <= Z for z in basic["z1"] + basic["z2"])
    assert hits >= 10


def test_basic_plane_is_a_vertex():
    """The purified point solves a nonsingular square subsystem of tight rows (+ unit rows)."""
    P = [(Fraction(1), Fraction(1)), (Fraction(2), Fraction(1))]
    Q = [(Fraction(-1), Fraction(0))]
    w, g = basic_plane(P, Q, [Fraction(5), Fraction(7)], Fraction(-3))
    rows = [list(p) + [-1] for p in P] + [[-q[0], -q[1], 1] for q in Q]
    x = list(w) + [g]
    vals = [sum(a * b for a, b in zip(r, x)) for r in rows]
    assert all(v >= 1 for v in vals)
    tight = [r for r, v in zip(rows, vals) if v == 1]
    # the lineality space here is {0}, so the tight rows alone must have rank 3
    assert np.linalg.matrix_rank(np.array(tight, dtype=float)) == 3
    assert vertex_box(P, Q, 2)[0] >= max(abs(t) for t in x)


def test_forward_rejects_non_separating_planes():
    inst = Separability(inside=[[0]], outside=[[1], [-1]])
    red = rule.reduce(inst)
    with pytest.raises(ValueError):
        red.forward(([1], 2, [1], 2))
    with pytest.raises(TypeError):
        rule.reduce(BMProgram(inside=[[0]], outside=[]))


def test_every_vertex_in_box():
    """Independent check of the Cramer/Hadamard box: enumerate EVERY basic point (N = dim + 1
    independent tight rows among the margin rows and the unit rows x_t = 0) of the margin-1
    polyhedron of every split side of small instances, and require each inside the box."""
    checked = 0
    for inst in _dim2_instances(40, seed=21):
        bm = BMProgram(inside=inst.inside, outside=inst.outside)
        W, G, _ = bm.vertex_box()
        P = np.array(bm.inside, dtype=float)
        Q = np.array(bm.outside, dtype=float).reshape(-1, 2)
        for mask in itertools.product((0, 1), repeat=len(Q)):
            Qs = Q[np.array(mask, dtype=bool)]
            M = np.vstack([np.hstack([P, -np.ones((len(P), 1))]), np.hstack([-Qs, np.ones((len(Qs), 1))])])
            c = np.ones(len(M))
            rows = np.vstack([M, np.eye(3)])
            rhs = np.concatenate([c, np.zeros(3)])
            for sub in itertools.combinations(range(len(rows)), 3):
                S = rows[list(sub)]
                if abs(np.linalg.det(S)) < 1e-9:
                    continue
                x = np.linalg.solve(S, rhs[list(sub)])
                if np.all(M @ x >= c - 1e-9):
                    checked += 1
                    assert np.all(np.abs(x[:2]) <= W + 1e-9) and abs(x[2]) <= G + 1e-9, (bm.to_json(), x)
    assert checked > 100
