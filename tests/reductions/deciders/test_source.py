"""Exact source deciders (reductions.deciders.source): brute force, HiGHS MILP, the PySAT SAT decider
("sat": cnf, nae_sat, set_splitting, coloring) and SCIP with indicator constraints ("scip":
separability) must agree everywhere, every YES witness is checked exactly, every answer carries
the right proof level, and separability gets a third closed-form decider in 1-D."""

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
from reductions.deciders.source import METHOD_PROBLEMS, PROOF_LEVELS, Decision
from reductions.proof import all_cnfs, all_colorings, all_nae_sats, all_set_splittings

#: proof level of a NO per method (brute separability: its split enumeration rests on HiGHS's LP
#: infeasibility claims, so it is a solver proof, not an exact one)
_NO_PROOF = {"brute": "exact", "milp": "solver proof", "sat": "solver proof", "scip": "solver proof"}


def _proof_ok(inst, d):
    assert d.proof in PROOF_LEVELS
    if d.answer is True:
        assert d.proof == "exact" and inst.check(d.witness)
    elif d.answer is False:
        expected = "solver proof" if (d.method == "brute" and inst.PROBLEM == "separability") else _NO_PROOF[d.method]
        assert d.proof == expected and d.witness is None, d
    else:
        assert d.proof == "none"


def _agree(inst):
    """Every method that supports the problem (brute, milp, and sat or scip) gives the same
    decided answer; returns it."""
    a = decide(inst, "brute")
    assert a.answer is not None, (inst, a)
    _proof_ok(inst, a)
    for method in ("milp", "sat", "scip"):
        if inst.PROBLEM not in METHOD_PROBLEMS[method]:
            continue
        b = decide(inst, method)
        assert a.answer == b.answer, (inst, method, a, b)
        _proof_ok(inst, b)
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


# ---------------------------------------------------------------------------------------------
# soundness of NO answers: only a solver's proof of infeasibility may become answer False
# ---------------------------------------------------------------------------------------------


def test_lsa_optimal_point_above_tol_is_no_only_with_a_proven_bound(monkeypatch):
    """_decide_lsa: an "optimal" point whose objective misses the YES value proves NO only when
    the solver's dual bound exceeds the margin of recovery.programs.solvers.answer (and never a YES)."""
    import dataclasses

    import recovery.programs.solvers
    from recovery.programs.solvers.answer import NO_BOUND_MARGIN, program_answer
    from reductions import LSAProgram, chain

    lsa = chain(Separability(inside=[[0]], outside=[[1]]), "lsa_program").target
    assert isinstance(lsa, LSAProgram)
    b = np.zeros(lsa.d + 1)
    A = np.zeros((lsa.d + 1, lsa.d))
    for bound, expected in ((None, None), (0.0, None), (NO_BOUND_MARGIN / 2, None), (float("nan"), None),
                            (0.25, False)):
        res = recovery.programs.solvers.SolveResult("optimal", b, A, 1.0, bound, 0.1, "", solver="scip", verified=True)
        ans = program_answer(lsa.program, res)
        fake = dataclasses.replace(res, answer=ans.answer, answer_proof=ans.proof, answer_reason=ans.reason)
        monkeypatch.setattr(recovery.programs.solvers, "solve", lambda *a, _f=fake, **k: _f)
        d = decide(lsa, "scip")
        assert d.answer is expected, bound
        assert d.proof == ("solver proof" if expected is False else "none")


def test_empty_models_are_decided_by_both_methods():
    from reductions import CNF, NAESAT, SetSplitting

    for inst in (CNF(n_vars=0, clauses=()), NAESAT(n_vars=0, clauses=()), SetSplitting(n=0, subsets=()),
                 SetSplitting(n=3, subsets=())):
        for m in ("milp", "brute"):
            assert decide(inst, m).answer is True, (inst, m)


def test_out_of_range_inputs_raise_value_errors():
    from reductions import CNF, BMProgram

    with pytest.raises(ValueError, match="coordinate"):
        Separability(inside=[[1e300, 0]], outside=[[0, 0]])
    with pytest.raises(ValueError, match="coordinate"):
        Separability(inside=[[Fraction(1, 10**13)]], outside=[[0]])
    with pytest.raises(ValueError, match="coordinate"):
        BMProgram(inside=[[0]], outside=[[10**13]])
    with pytest.raises(ValueError, match="too large"):
        decide(CNF(n_vars=10**8, clauses=((1,),)), "milp")


def test_partition_milp_never_refutes_planted_yes_with_large_values():
    """HiGHS with mip_feasibility_tolerance 1e-9 once "proved" the first instance infeasible
    (presolve); a NO now needs a presolve-off run to agree.  Planted YES instances with 20- to
    45-bit values must never be answered False."""
    assert decide(Partition([56738612, 26121180, 44367183, 52453533, 58468006, 44507082]), "milp").answer is True
    rng = np.random.default_rng(11)
    for bits in (20, 26, 30, 34, 38, 45):
        for _ in range(8):
            n = int(rng.integers(3, 7))
            left = [int(v) for v in rng.integers(1, 2**bits, size=n)]
            right = [int(v) for v in rng.integers(1, 2**bits, size=n - 1)]
            gap = sum(left) - sum(right)
            (right if gap > 0 else left).append(abs(gap) or 1)
            if gap == 0:
                right.append(1)
                left.append(1)
            vals = left + right
            d = decide(Partition(vals), "milp", time_limit=10)
            assert d.answer is not False, (vals, d)
            if d.answer:
                assert Partition(vals).check(d.witness)


# ---------------------------------------------------------------------------------------------
# proof levels, the SAT decider, the SCIP indicator decider
# ---------------------------------------------------------------------------------------------
def test_decision_proof_field_is_validated_and_serialised():
    d = Decision(False, None, "x", 0.0, "sat", proof="solver proof")
    assert d.to_json()["proof"] == "solver proof"
    assert Decision(None, None, "x", 0.0).proof == "none"
    assert PROOF_LEVELS == ("exact", "solver proof", "none")
    with pytest.raises(ValueError, match="proof"):
        Decision(False, None, "x", 0.0, proof="probably")
    with pytest.raises(ValueError, match="proof"):
        Decision(None, None, "x", 0.0, proof="exact")  # an unknown proves nothing
    with pytest.raises(ValueError, match="proof"):
        Decision(True, (True,), "x", 0.0, proof="solver proof")  # a YES is proved by its witness


def test_sat_method_rejects_unsupported_problems_by_naming_the_method():
    with pytest.raises(ValueError, match="method"):
        decide(Partition([1, 1]), "sat")
    with pytest.raises(ValueError, match="method"):
        decide(Separability(inside=[[0]], outside=[[1]]), "sat")
    from reductions import CNF

    with pytest.raises(ValueError, match="method"):
        decide(CNF(n_vars=1, clauses=((1,),)), "scip")


def test_sat_empty_clause_and_zero_variables():
    from reductions import CNF, NAESAT, SetSplitting
    from reductions.deciders.sat import solve_clauses

    # the empty clause (DIMACS "p cnf 0 1" / "0"): unsatisfiable by definition, no solver call
    kind, model, _ = solve_clauses(0, [[]])
    assert kind == "empty clause" and model is None
    assert solve_clauses(3, [[1], [], [2]])[0] == "empty clause"
    assert solve_clauses(0, []) [0] == "sat"
    kind, model, _ = solve_clauses(2, [[1, 2], [-1]])
    assert kind == "sat" and model == (False, True)
    assert solve_clauses(1, [[1], [-1]])[0] == "unsat"
    for inst in (CNF(n_vars=0, clauses=()), NAESAT(n_vars=0, clauses=()), SetSplitting(n=0, subsets=()),
                 SetSplitting(n=3, subsets=()), CNF(n_vars=4, clauses=())):
        d = decide(inst, "sat")
        assert d.answer is True and d.proof == "exact" and inst.check(d.witness), (inst, d)
    try:
        false = CNF(n_vars=0, clauses=((),))  # kissat-false.cnf, if the CNF class admits it
    except ValueError:
        return
    for method in ("sat", "brute", "milp"):
        d = decide(false, method)
        assert d.answer is False, (method, d)
    assert decide(false, "sat").proof == "exact"


def test_sat_nae_and_set_splitting_corner_cases():
    from reductions import NAESAT, SetSplitting

    # one distinct literal is never NAE-satisfied; x or not-x always is
    assert decide(NAESAT(n_vars=2, clauses=((1, 1),)), "sat").answer is False
    assert decide(NAESAT(n_vars=2, clauses=((1, -1), (2, -2))), "sat").answer is True
    assert decide(SetSplitting(n=2, subsets=((0,),)), "sat").answer is False
    # a triangle of pairs cannot be 2-coloured; a 4-cycle can
    assert decide(SetSplitting(n=3, subsets=((0, 1), (1, 2), (0, 2))), "sat").answer is False
    d = decide(SetSplitting(n=4, subsets=((0, 1), (1, 2), (2, 3), (3, 0))), "sat")
    assert d.answer is True and d.witness in ((0, 1, 0, 1), (1, 0, 1, 0))


def test_sat_coloring_k_larger_than_graph_and_cliques():
    from reductions import Coloring

    for n in range(1, 7):
        K = nx.complete_graph(n)
        for k in (n - 1, n, n + 5, 10**6):  # huge k: only min(k, |V|) colours are encoded
            if k < 1:
                continue
            d = decide(Coloring(k, K), "sat")
            assert d.answer is (k >= n), (n, k, d)
            _proof_ok(Coloring(k, K), d)


def _pigeonhole(holes: int):
    """PHP(holes + 1 -> holes): variable p*holes + h + 1 = pigeon p in hole h; unsatisfiable and
    exponentially hard for resolution (CaDiCaL needs > 10 s at 10 holes)."""
    from reductions import CNF

    def var(p: int, h: int) -> int:
        return p * holes + h + 1

    cls = [tuple(var(p, h) for h in range(holes)) for p in range(holes + 1)]
    cls += [(-var(p, h), -var(q, h)) for h in range(holes) for p in range(holes + 1) for q in range(p)]
    return CNF(n_vars=(holes + 1) * holes, clauses=cls)


def test_sat_time_limit_gives_unknown_promptly():
    import time

    assert decide(_pigeonhole(4), "sat").answer is False
    t0 = time.perf_counter()
    d = decide(_pigeonhole(11), "sat", time_limit=0.3)
    wall = time.perf_counter() - t0
    assert d.answer is None and d.proof == "none" and "time limit" in d.status, d
    assert wall < 5.0, wall


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.lists(st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v])), min_size=1, max_size=3),
             min_size=0, max_size=12))))
def test_sat_agrees_with_brute_on_random_cnf_and_nae(data):
    from reductions import CNF, NAESAT

    n, clauses = data
    for cls in (CNF, NAESAT):
        inst = cls(n_vars=n, clauses=clauses)
        a, b = decide(inst, "brute"), decide(inst, "sat")
        assert a.answer == b.answer, (inst, a, b)
        _proof_ok(inst, b)


def test_scip_is_silent():
    """SCIP must never write to stdout (hideOutput); checked at the file-descriptor level on the
    indicator model itself (HiGHS's one-time banner is not SCIP's)."""
    import os
    import sys
    import tempfile

    from reductions.deciders.separability_scip import scip_split

    P = np.array([[0.0, 0.0], [1.0, 1.0]])
    Q = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 4.0], [0.0, -4.0], [0.0, 0.0]])
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 1)
        try:
            out_yes = scip_split(P, Q[:4])
            out_no = scip_split(P, Q)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        tmp.seek(0)
        printed = tmp.read()
    assert printed == b"", printed[:300]
    assert out_yes[0] == "feasible" and out_no[0] == "infeasible"


def test_scip_split_arguments():
    from reductions.deciders.separability_scip import scip_split

    with pytest.raises(ValueError, match="Q"):
        scip_split(np.zeros((1, 2)), np.zeros((0, 2)))
    d = decide(Separability(inside=[[0, 0]], outside=[], dim=2), "scip")
    assert d.answer is True and d.proof == "exact"


def _random_3cnf(n: int, m: int, rng):
    from reductions import CNF

    cls = []
    for _ in range(m):
        vs = rng.choice(n, size=3, replace=False) + 1
        cls.append(tuple(int(v) if rng.random() < 0.5 else -int(v) for v in vs))
    return CNF(n_vars=n, clauses=cls)


def test_scip_decides_separability_beyond_the_brute_force_limit():
    """Random 3-CNFs near the threshold (n = 9..12 variables: 20..26 outside points, beyond
    MAX_BRUTE_OUTSIDE = 16) through cnf -> nae_sat -> separability.  The SCIP answer must equal
    the SAT answer of the source CNF and the brute-force answer of the source (independent
    deciders on the other side of two proven reductions); YES witnesses map back to source
    solutions."""
    from reductions import chain
    from reductions.deciders.source import MAX_BRUTE_OUTSIDE

    rng = np.random.default_rng(2024)
    tally = {True: 0, False: 0}
    for trial in range(24):
        n = 9 + trial % 4
        src = _random_3cnf(n, round(4.6 * n), rng)
        red = chain(src, "separability")
        assert len(red.target.outside) > MAX_BRUTE_OUTSIDE
        truth = decide(src, "brute").answer
        assert decide(src, "sat").answer is truth
        d = decide(red.target, "scip", time_limit=60)
        assert d.answer is truth, (src, d)
        _proof_ok(red.target, d)
        if d.answer:
            assert src.check(red.backward(d.witness))
        tally[truth] += 1
    assert tally[True] >= 3 and tally[False] >= 3, tally


def test_scip_and_big_m_milp_agree_on_generated_separability():
    """Planted YES and random instances of the generator with 40 points in the plane (20 outside,
    beyond the brute force limit): SCIP (indicator) vs the big-M MILP cross-check, neither ever
    contradicting the other; planted instances are YES."""
    decided = 0
    for seed in range(6):
        for planted in (True, False):
            inst, _ = generate("separability", 40, seed + 50 * planted, planted=planted)
            assert len(inst.outside) > 16
            a = decide(inst, "scip", time_limit=30)
            b = decide(inst, "milp", time_limit=30)
            assert a.answer is not None, (inst.size(), a)
            assert b.answer is None or b.answer == a.answer, (a, b)
            if planted:
                assert a.answer is True
            _proof_ok(inst, a)
            decided += b.answer is not None
    assert decided >= 10
