"""Solver portfolio: exact solvers agree with known answers, heuristics find planted points,
relaxations prove infeasibility, verification downgrades bad claims, time limits hold."""

from __future__ import annotations

import numpy as np
import pytest

import recovery.solvers as solvers
from recovery.phi import phi
from recovery.program import BilinearProgram, ProgramBuilder
from recovery.solvers import SOLVER_NAMES, available_solvers, solve
from recovery.solvers.result import Outcome
from recovery.verify import verify

EXACT = [s for s in ("scip", "gurobi", "maingo") if available_solvers()[s]]
HEURISTICS = ["multistart", "lm", "alternating-lp"]


def planted(seed: int, d: int, R: int, senses=("==", "<=", ">=")) -> BilinearProgram:
    """Random sparse rows; rhs computed from a random (b, A) (slack 0.1 on inequalities)."""
    rng = np.random.default_rng(seed)
    b, A = rng.normal(size=d + 1), rng.normal(size=(d + 1, d))
    pb = ProgramBuilder(d)
    for r in range(R):
        j = int(rng.integers(d))
        cells = sorted({(int(rng.integers(d + 1)), int(rng.integers(d + 1))) for _ in range(3)})
        trip = [(u, v, float(rng.normal())) for u, v in cells]
        lhs = sum(w * b[u] * A[v, j] for u, v, w in trip)
        s = senses[r % len(senses)]
        pb.add_row(j, trip, s, lhs + {"==": 0.0, "<=": 0.1, ">=": -0.1}[s])
    return pb.build(f"planted-{seed}")


def contradictory_fixing() -> BilinearProgram:
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("A[0,0]", 1.0)
    pb.add_row(0, [(0, 0, 1.0)], "==", 2.0)       # 1 * 1 == 2
    pb.add_row(1, [(0, 1, 1.0)], "==", 1.0)       # b0 * A[1,1] == 1 (linear after fixing)
    return pb.build("contradictory")


def sign_infeasible() -> BilinearProgram:
    pb = ProgramBuilder(2)
    pb.bound("b[1]", 0, 1).bound("A[2,1]", 0, 1).fix("b[0]", 1.0)
    pb.add_row(1, [(1, 2, 1.0)], "<=", -1.0)      # product of nonnegatives <= -1
    pb.add_row(0, [(0, 0, 1.0)], "==", 1.0)
    return pb.build("sign")


def linear_after_fixing(feasible: bool) -> BilinearProgram:
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("b[1]", 2.0).bound("A[0,0]", 0, 1)
    pb.add_row(0, [(0, 0, 1.0), (1, 1, 1.0)], "==", 3.0)      # A00 + 2 A10 == 3
    pb.add_row(0, [(1, 0, 1.0)], "<=", 2.0 if feasible else -0.5)  # 2 A00 <= 2 (or <= -0.5)
    return pb.build("linear")


def complementarity(zero: bool) -> BilinearProgram:
    """min b0*A00 + b1*A10, z in [0,5]; rows force sum b >= 1, sum A[:2,0] >= 1; with
    zero=False also b0 >= 1, A00 >= 1 so the minimum is 1 (attained at b=(1,0), A00=1)."""
    pb = ProgramBuilder(3)
    for n in ("b[0]", "b[1]", "A[0,0]", "A[1,0]"):
        pb.bound(n, 0, 5)
    pb.fix("A[2,1]", 1.0).fix("b[2]", 1.0)
    pb.add_row(1, [(0, 2, 1.0), (1, 2, 1.0)], ">=", 1)
    pb.add_row(0, [(2, 0, 1.0), (2, 1, 1.0)], ">=", 1)
    if not zero:
        pb.add_row(1, [(0, 2, 1.0)], ">=", 1)
        pb.add_row(0, [(2, 0, 1.0)], ">=", 1)
    pb.set_objective(0, [(0, 0, 1.0), (1, 1, 1.0)])
    return pb.build("compl")


def phi_planted(seed: int, d: int) -> BilinearProgram:
    rng = np.random.default_rng(seed)
    return BilinearProgram.from_phi(phi(rng.normal(size=d + 1), rng.normal(size=(d + 1, d))), d)


# ----------------------------------------------------------------------------- exact answers
@pytest.mark.parametrize("solver", EXACT)
def test_exact_global_solvers_agree_with_known_answers(solver):
    for p in (planted(1, 2, 6), phi_planted(2, 2), linear_after_fixing(True)):
        r = solve(p, solver, time_limit=20, seed=0)
        assert r.status == "feasible" and r.verified, (p.name, r.log)
        assert verify(p, r.b, r.A).ok
    for p in (contradictory_fixing(), sign_infeasible(), linear_after_fixing(False)):
        r = solve(p, solver, time_limit=20, seed=0)
        assert r.status == "infeasible", (p.name, r.status, r.log)
    r = solve(complementarity(True), solver, time_limit=20)
    assert r.status == "optimal" and abs(r.objective) < 1e-6
    r = solve(complementarity(False), solver, time_limit=20)
    assert r.status == "optimal" and r.objective == pytest.approx(1.0, abs=1e-6)
    assert r.bound == pytest.approx(1.0, abs=1e-5)


def test_highs_milp_exact_answers_and_refusals():
    r = solve(linear_after_fixing(True), "highs-milp")
    assert r.status == "feasible" and r.verified
    for p in (linear_after_fixing(False), contradictory_fixing()):
        r = solve(p, "highs-milp")
        assert r.status == "infeasible" and "constraints infeasible" in r.proof
    r = solve(complementarity(True), "highs-milp")
    assert r.status == "optimal" and r.verified and r.objective == 0.0 and r.bound == 0.0
    r = solve(complementarity(False), "highs-milp")
    assert r.status == "infeasible" and "complementarity infeasible" in r.proof
    # the global solver confirms: the minimum is strictly positive (= 1), rows are feasible
    if EXACT:
        g = solve(complementarity(False), EXACT[0], time_limit=20)
        assert g.status == "optimal" and g.objective > 0.5
    for p in (planted(1, 2, 6), phi_planted(0, 2), sign_infeasible()):
        r = solve(p, "highs-milp")
        assert r.status == "error" and r.log.startswith("highs-milp needs"), r.log


def test_relaxations_prove_infeasibility_and_bound():
    for name in ("mccormick", "shor"):
        r = solve(sign_infeasible(), name)
        assert r.status == "infeasible", (name, r.log)
        r = solve(complementarity(False), name)
        # a valid lower bound on the true minimum 1
        assert r.status in ("unknown", "feasible", "optimal")
        assert r.bound is not None and r.bound <= 1.0 + 1e-6
        r = solve(complementarity(True), name)
        assert r.bound is not None and r.bound <= 1e-6
    r = solve(phi_planted(0, 2), "mccormick")
    assert r.status == "error" and r.log.startswith("mccormick needs finite bounds")
    # relaxations never call a planted-feasible program infeasible
    r = solve(phi_planted(0, 2), "shor")
    assert r.status in ("unknown", "feasible")


# ----------------------------------------------------------------------------- heuristics
@pytest.mark.parametrize("solver", HEURISTICS)
def test_heuristics_find_planted_and_never_claim_infeasible(solver):
    for p in (planted(3, 2, 6), planted(4, 3, 12), phi_planted(5, 2), phi_planted(6, 3)):
        r = solve(p, solver, time_limit=10, seed=1)
        assert r.status == "feasible" and r.verified, (p.name, r.log)
    r = solve(sign_infeasible(), solver, time_limit=0.5, seed=0)
    assert r.status == "unknown" and not r.verified


def test_heuristics_are_seeded():
    p = planted(7, 3, 10)
    r1, r2 = solve(p, "multistart", time_limit=5, seed=3), solve(p, "multistart", time_limit=5, seed=3)
    np.testing.assert_array_equal(r1.b, r2.b)
    np.testing.assert_array_equal(r1.A, r2.A)


# ----------------------------------------------------------------------------- verification
def test_failed_verification_downgrades_status(monkeypatch):
    p = phi_planted(8, 2)
    rng = np.random.default_rng(0)
    b, A = rng.normal(size=3), rng.normal(size=(3, 2))     # not a solution

    def fake(program, time_limit, seed):
        return Outcome("feasible", b=b, A=A, log="fake", proof="fake")

    monkeypatch.setattr(solvers, "_runner", lambda name: fake)
    r = solve(p, "lm")
    assert r.status == "unknown" and not r.verified and "verification FAILED" in r.log
    assert r.max_violation == pytest.approx(verify(p, b, A).max_violation)


# ----------------------------------------------------------------------------- time limits
def _hard() -> BilinearProgram:
    return planted(0, 4, 30, senses=("==",))


@pytest.mark.parametrize("solver, prog", [("scip", _hard), ("multistart", sign_infeasible),
                                          ("lm", sign_infeasible), ("alternating-lp", sign_infeasible)])
def test_time_limit_honoured(solver, prog):
    p = prog()
    r = solve(p, solver, time_limit=2.0, seed=0)
    assert r.wall_s <= 2.0 * 1.2, (solver, r.wall_s)
    assert r.status in ("timeout", "unknown", "feasible")
    if solver == "scip":
        assert r.status == "timeout"  # this instance needs far more than 2 s


# ----------------------------------------------------------------------------- interface
def test_absent_solvers_reported_cleanly():
    av = available_solvers()
    assert set(av) == set(SOLVER_NAMES)
    assert av["scip"] and av["highs-milp"] and av["shor"]
    for name, pkg in (("gurobi", "gurobipy"), ("maingo", "maingopy")):
        r = solve(phi_planted(0, 1), name)
        if not av[name]:
            assert r.status == "error" and r.log == f"solver {name} is not installed (pip install {pkg})"
            assert r.b is None and not r.verified
        else:
            assert r.status == "feasible"


def test_bad_arguments():
    p = phi_planted(0, 1)
    with pytest.raises(ValueError, match="unknown solver"):
        solve(p, "cplex")
    with pytest.raises(ValueError, match="time_limit"):
        solve(p, "lm", time_limit=-1)
    with pytest.raises(ValueError, match="seed"):
        solve(p, "lm", seed=-2)
    with pytest.raises(TypeError, match="program"):
        solve({"d": 1}, "lm")


def test_result_json():
    r = solve(phi_planted(0, 2), "lm", time_limit=5)
    js = r.to_json()
    for k in ("status", "verified", "max_violation", "objective", "bound", "wall_s", "b", "A"):
        assert k in js
    assert np.allclose(np.array(js["A"]), r.A) and js["status"] == "feasible"
