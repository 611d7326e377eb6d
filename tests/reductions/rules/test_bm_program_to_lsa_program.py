"""Rule bm_program -> lsa_program (both layouts) and the full chains down to the LSA program.

LSA side decided by ``recovery.programs.solvers.solve(program, solver="highs-milp")`` (exact MILP through
the certificate structure) and, on a few tiny programs, by the global solver SCIP; source side by
the BM MILP and by R1's split enumeration.  Forward witnesses are checked by the exact verifier.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery.programs.solvers import solve
from recovery.programs.verification import verify
from reductions.deciders.bm_program import decide_bm
from reductions.deciders.source import decide
from reductions.problems.bm_program import BMProgram
from reductions.problems.cnf import CNF
from reductions.problems.lsa_program import LSAProgram
from reductions.problems.separability import Separability
from reductions.problems.set_splitting import SetSplitting
from reductions.rules import bm_program_to_lsa_program as rule
from reductions.rules.graph import chain

LAYOUTS = ("fixed", "compact")


def _lsa_answer(target: LSAProgram, solver: str = "highs-milp"):
    """YES iff the solver's verified point passes ``target.check`` (feasible, objective <= tol);
    NO iff the solver proved infeasibility, or proved optimality of a positive objective."""
    res = solve(target.program, solver=solver, time_limit=60)
    if res.status == "infeasible":
        return False, res
    assert res.status in ("optimal", "feasible") and res.verified, (res.status, res.log[-400:])
    if target.check((res.b, res.A)):
        return True, res
    assert res.status == "optimal" and res.objective > 1e-6, (res.status, res.objective)
    return False, res


def _instances():
    """dim 1: every inside set of 1-2 points of {-2..2} against every outside set of 1-2 of the
    remaining points (exhaustive); dim 2: a seeded sample on the grid {-1, 0, 1}^2."""
    grid = range(-2, 3)
    for ni in (1, 2):
        for P in itertools.combinations(grid, ni):
            rest = [x for x in grid if x not in P]
            for nq in (1, 2):
                for Q in itertools.combinations(rest, nq):
                    yield BMProgram(inside=[[x] for x in P], outside=[[x] for x in Q])
    rng = np.random.default_rng(2)
    for _ in range(30):
        m, k = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        yield BMProgram(inside=rng.integers(-1, 2, (m, 2)).tolist(), outside=rng.integers(-1, 2, (k, 2)).tolist())


def _round_trip(bm: BMProgram, layout: str) -> bool:
    red = rule.reduce(bm, layout)
    assert red.size == red.predicted_size
    src = decide_bm(bm, "milp")
    assert src.answer == decide(Separability(inside=bm.inside, outside=bm.outside), "brute").answer
    ans, res = _lsa_answer(red.target)
    assert ans == src.answer, (bm.to_json(), layout, res.status)
    if src.answer:
        b, A = red.forward(src.witness)
        ver = verify(red.target.program, b, A)
        assert ver.ok and ver.objective == 0.0
        assert red.target.check((b, A))
        back = red.backward((res.b, res.A))
        assert bm.check(back)
    return src.answer


@pytest.mark.parametrize("layout", LAYOUTS)
def test_exhaustive_and_sampled_round_trips(layout):
    answers = [_round_trip(bm, layout) for bm in _instances()]
    assert answers.count(True) > 20 and answers.count(False) > 10, (answers.count(True), answers.count(False))


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(LAYOUTS),
    st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3), min_size=1, max_size=3),
    st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3), min_size=0, max_size=3),
)
def test_property_dim3(layout, P, Q):
    _round_trip(BMProgram(inside=P, outside=Q), layout)


def test_scip_agrees_on_tiny_compact_programs():
    """A global solver (no certificate structure used) on the smallest programs."""
    cases = [
        BMProgram(inside=[[0]], outside=[[1], [-1]]),  # YES: two planes
        BMProgram(inside=[[0]], outside=[[0]]),  # NO: same point
        BMProgram(inside=[[-1], [1]], outside=[[0]]),  # NO: outside point between inside ones
    ]
    for bm in cases:
        red = rule.reduce(bm, "compact")
        ans, res = _lsa_answer(red.target, "scip")
        assert ans == decide_bm(bm, "milp").answer
        if ans:
            assert bm.check(red.backward((res.b, res.A)))


def test_paper_example_dimension():
    """The paper's example (2 inside, 2 outside points in dimension 2) has d = 8, dm = 360."""
    bm = BMProgram(inside=[[1, 0], [0, 1]], outside=[[2, 2], [-1, -1]])
    fixed, compact = rule.reduce(bm, "fixed"), rule.reduce(bm, "compact")
    assert fixed.target.d == 8 and compact.target.d == 5
    m = (fixed.target.d + 1) * (fixed.target.d + 2) // 2
    assert fixed.target.d * m == 360


@pytest.mark.parametrize("layout", LAYOUTS)
def test_structure_linear_rows_bounded_objective_not_phi(layout):
    bm = BMProgram(inside=[[1, 0], [0, 1], [1, 1]], outside=[[2, 2], [-1, -1]])
    red = rule.reduce(bm, layout)
    prog = red.target.program
    fixed = prog.fixed_values()

    def name(kind, i, j=None):
        return f"b[{i}]" if kind == "b" else f"A[{i},{j}]"

    for row in prog.constraints:
        for u, c, v in row.D:
            assert name("b", u) in fixed or name("A", c, row.j) in fixed  # linear after fixing
            if layout == "fixed":
                assert v == 1  # D is a 0/1 pattern; data live in fixed entries
    for u, c, _ in prog.objective.D:
        for nm in (name("b", u), name("A", c, prog.objective.j)):
            lo, hi = prog.bounds[nm]
            assert lo == 0 and hi is not None and hi > 0
    assert not prog.is_phi_structured() and not red.target.is_phi_structured()
    assert prog.metadata["is_phi_structured"] is False and red.steps[0]["is_phi_structured"] is False
    again = LSAProgram.from_json(json.loads(json.dumps(red.target.to_json())))
    assert again.program == prog


def test_positive_objective_point_is_rejected_and_forward_needs_certificate():
    bm = BMProgram(inside=[[0]], outside=[[1], [-1]])
    red = rule.reduce(bm)
    feasible_not_zero = bm.complete([0], -1, [0], -1)  # z = 2 everywhere: objective 8
    assert bm.is_feasible(feasible_not_zero) and not bm.check(feasible_not_zero)
    b, A = rule.embed(bm, feasible_not_zero)
    assert verify(red.target.program, b, A).ok and not red.target.check((b, A))
    with pytest.raises(ValueError):
        red.forward(feasible_not_zero)
    with pytest.raises(ValueError, match="layout"):
        rule.reduce(bm, "paper")
    with pytest.raises(TypeError):
        rule.reduce(Separability(inside=[[0]], outside=[]))


def _set_splitting_instances():
    pairs = [(0, 1), (0, 2), (1, 2), (0, 1, 2)]
    for r in range(1, 5):
        for fam in itertools.combinations(pairs, r):
            yield SetSplitting(n=3, subsets=[list(s) for s in fam])
    yield SetSplitting(n=2, subsets=[[0, 1], [1]])


def _chain_round_trip(inst) -> bool:
    red = chain(inst, "lsa_program")
    assert red.size_matches
    src = decide(inst, "brute")
    assert src.answer == decide(inst, "milp").answer
    ans, res = _lsa_answer(red.target)
    assert ans == src.answer, (inst.to_json(), res.status)
    if ans:
        assert red.target.check(red.forward(src.witness))
        assert inst.check(red.backward((res.b, res.A)))
    return ans


def test_chain_set_splitting_to_lsa_program_exhaustive():
    answers = [_chain_round_trip(inst) for inst in _set_splitting_instances()]
    assert answers.count(True) >= 5 and answers.count(False) >= 2


def test_chain_3sat_to_lsa_program():
    triples = list(itertools.product((1, -1), repeat=3))
    full = [[s1 * 1, s2 * 2, s3 * 3] for s1, s2, s3 in triples]  # all 8 sign patterns: UNSAT
    rng = np.random.default_rng(9)
    cases = [full, full[:7]]
    for _ in range(4):
        idx = rng.choice(8, size=int(rng.integers(2, 7)), replace=False)
        cases.append([full[i] for i in idx])
    answers = [_chain_round_trip(CNF(n_vars=3, clauses=c)) for c in cases]
    assert answers[0] is False and answers[1] is True
