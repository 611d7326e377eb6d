"""What a run proves: solve's labels agree with their own numbers, YES needs an exact witness, NO a
proof; badly scaled programs (coefficients 1e8 and more) included."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import recovery.programs.solvers as solvers
from recovery.programs.program import ProgramBuilder
from recovery.programs.solvers import solve
from recovery.programs.solvers.answer import Answer, exact_point, program_answer
from recovery.programs.solvers.result import Outcome
from reductions import Partition, chain, decide
from reductions.deciders.certify import answer_for_program


def _complementarity(k: int = 22, box: float = 1.26e14):
    """min sum_l z1_l z2_l with 0 <= z <= box and z1_0 >= 4, z2_0 >= 6 (so the minimum is 24)."""
    pb = ProgramBuilder(k)
    for l in range(k):
        pb.bound(f"b[{l}]", 0, box).bound(f"A[{l},0]", 0, box)
    pb.fix(f"b[{k}]", 1)
    pb.add_row(0, [(0, k, 1)], ">=", 0)
    pb.bound("b[0]", 4, box).bound("A[0,0]", 6, box)
    pb.set_objective(0, [(l, l, 1) for l in range(k)])
    for j in range(1, k):
        for r in range(k + 1):
            pb.fix(f"A[{r},{j}]", 0)
    pb.fix(f"A[{k},0]", 1)
    return pb.build(name="badly scaled complementarity")


def _cancelling_point(k: int = 22):
    b, A = np.zeros(k + 1), np.zeros((k + 1, k))
    b[k], A[k, 0] = 1.0, 1.0
    b[0], A[0, 0] = 4.0, 6.0
    b[1:k], A[1:k, 0] = -9.09e-9, 2.2e8
    return b, A


def test_a_solver_claiming_optimal_on_a_cancelling_point_is_not_believed(monkeypatch):
    """The kissat-congr2 failure in miniature: 21 products -9e-9 * 2.2e8 cancel the true 24."""
    p = _complementarity()
    b, A = _cancelling_point()
    assert p.evaluate_objective(b, A) < 0  # what the old verifier accepted

    def fake(program, time_limit, seed):
        return Outcome("optimal", b=b, A=A, bound=-1e-8, proof="fake:optimal")

    monkeypatch.setattr(solvers, "_runner", lambda name: fake)
    r = solve(p, "scip", time_limit=10)
    assert r.objective == 24.0 and r.status == "unknown" and "self-contradictory" in r.log
    assert r.answer == "unknown" and r.answer_proof == "none"
    assert np.all(r.b >= 0)  # the reported point is the clipped one


@pytest.mark.parametrize("solver", ["scip", "highs-milp"])
def test_real_solvers_never_say_yes_on_the_badly_scaled_no_instance(solver):
    r = solve(_complementarity(), solver, time_limit=20)
    assert r.answer in ("no", "unknown"), (r.status, r.answer_reason)
    if r.status in ("optimal", "feasible"):
        assert r.objective is not None and r.objective >= 24 - 1e-6


def test_dual_bound_above_the_yes_value_proves_no(monkeypatch):
    p = _complementarity()
    monkeypatch.setattr(solvers, "_runner",
                        lambda name: lambda *a: Outcome("timeout", bound=6.9, proof="fake:timelimit"))
    r = solve(p, "scip", time_limit=5)
    assert r.answer == "no" and r.answer_proof == "solver proof" and "6.9" in r.answer_reason
    # a heuristic's "bound" would prove nothing
    r = solve(p, "multistart", time_limit=5)
    assert r.answer == "unknown"


def test_yes_needs_an_exact_point():
    pb = ProgramBuilder(1)
    pb.add_row(0, [(0, 0, 1)], "==", 2)
    p = pb.build()
    assert exact_point(p, np.array([1.0, 0.0]), np.array([[2.0], [0.0]])) is not None
    # within the tolerance model but not exact: the dyadic rounding repairs it
    assert exact_point(p, np.array([1.0, 0.0]), np.array([[2.0 + 1e-12], [0.0]])) is not None
    # 1/3 is no dyadic rational: a point satisfying b0 * A00 = 1/3 only approximately stays unknown
    pb = ProgramBuilder(1)
    pb.add_row(0, [(0, 0, 3)], "==", 1)
    p3 = pb.build()
    assert exact_point(p3, np.array([1.0, 0.0]), np.array([[1 / 3], [0.0]])) is None


def test_answer_labels_are_consistent():
    with pytest.raises(ValueError, match="cannot have proof"):
        Answer("yes", "none", "")
    with pytest.raises(ValueError, match="answer must be"):
        Answer("maybe", "exact", "")


def _partition_truth(values) -> bool:
    return any(sum(s * v for s, v in zip((1,) + signs, values)) == 0
               for signs in itertools.product((1, -1), repeat=len(values) - 1))


@pytest.mark.parametrize("solver", ["scip", "highs-milp", "lm", "z3"])
def test_partition_near_2_30_never_gives_a_wrong_answer(solver):
    """Eight values near 2^30 (the time-limit report's instance family): answers agree with brute
    force or are unknown; the run ends within its hard limit."""
    rng = np.random.default_rng(3)
    for values in (tuple(int(x) for x in rng.integers(2**30 - 2**20, 2**30, size=8)),
                   (2**30 + 1, 2**30 + 1, 2**30 + 2, 2**30 + 2, 2**31 + 3, 2**31 + 3, 7, 7)):
        red = chain(Partition(values=values), "lsa_program")
        p = red.target.program
        r = solve(p, solver, time_limit=5)
        assert r.status != "error" or solver == "highs-milp", r.log
        truth = _partition_truth(values)
        ans = answer_for_program(p, r)
        assert ans.answer == "unknown" or (ans.answer == "yes") == truth, (values, r.status, ans)
        assert decide(red.source, "brute").answer == truth


def test_program_answer_for_an_infeasible_heuristic_is_unknown():
    p = _complementarity(k=2, box=10)
    res = solvers.SolveResult("infeasible", None, None, None, None, 0.1, "", solver="lm")
    assert program_answer(p, res).answer == "unknown"
