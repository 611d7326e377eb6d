"""decide_bm: the exact BM MILP, the SCIP indicator decider and the Bennett-Mangasarian
alternating-LP heuristic.

Independent deciders compared: the BM MILP (z-complementarity big-M), SCIP with indicator
constraints (no big-M), R1's separability split enumeration (``decide(..., "brute")``) and a
test-local enumeration of splits by LP written here.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from reductions.deciders.bm_program import decide_bm
from reductions.deciders.source import Decision, decide
from reductions.problems.bm_program import BMProgram
from reductions.problems.separability import Separability


def _lp_separable(P: np.ndarray, Q: np.ndarray) -> bool:
    """Is there (w, g) with P w - g >= 1, Q w - g <= -1?  (float LP; tiny integer data)"""
    n = P.shape[1]
    A = np.vstack([np.hstack([-P, np.ones((len(P), 1))]), np.hstack([Q, -np.ones((len(Q), 1))])])
    res = linprog(np.zeros(n + 1), A_ub=A, b_ub=-np.ones(len(A)), bounds=[(None, None)] * (n + 1),
                  method="highs")
    return res.status == 0


def _enumerate_splits(bm: BMProgram) -> bool:
    P = np.array([[float(c) for c in p] for p in bm.inside]).reshape(-1, bm.dim)
    Q = np.array([[float(c) for c in q] for q in bm.outside]).reshape(-1, bm.dim)
    for mask in itertools.product((0, 1), repeat=len(Q)):
        m = np.array(mask, dtype=bool)
        if _lp_separable(P, Q[m]) and _lp_separable(P, Q[~m]):
            return True
    return False


def _instances(count: int, seed: int, dim: int, lo: int = -2, hi: int = 2):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        m, k = int(rng.integers(1, 4)), int(rng.integers(1, 5))
        yield BMProgram(inside=rng.integers(lo, hi + 1, (m, dim)).tolist(),
                        outside=rng.integers(lo, hi + 1, (k, dim)).tolist())


def test_milp_agrees_with_two_enumerations():
    tally = {True: 0, False: 0}
    for dim in (1, 2, 3):
        for bm in _instances(40, seed=dim, dim=dim):
            dec = decide_bm(bm, "milp")
            assert isinstance(dec, Decision) and dec.method == "milp"
            mine = _enumerate_splits(bm)
            theirs = decide(Separability(inside=bm.inside, outside=bm.outside), "brute").answer
            assert dec.answer == mine == theirs, (bm.to_json(), dec)
            if dec.answer:
                assert bm.check(dec.witness) and dec.proof == "exact"
            else:
                assert dec.witness is None and dec.proof == "solver proof"
            tally[dec.answer] += 1
    assert tally[True] > 20 and tally[False] > 20, tally


def test_alternating_is_sound_and_mostly_finds_yes():
    found = yes = 0
    for bm in _instances(60, seed=7, dim=2):
        truth = decide_bm(bm, "milp").answer
        dec = decide_bm(bm, "alternating", rng=np.random.default_rng(1), restarts=5)
        assert dec.answer in (True, None)  # never False
        if dec.answer:
            assert truth is True and bm.check(dec.witness)
            found += 1
        yes += bool(truth)
    assert yes > 10 and found >= 0.8 * yes, (found, yes)


def test_alternating_seed_reproducible():
    bm = BMProgram(inside=[[0, 0], [1, 1]], outside=[[3, 0], [-3, 0], [0, 4], [0, -4]])
    a = decide_bm(bm, "alternating", rng=5)
    b = decide_bm(bm, "alternating", rng=np.random.default_rng(5))
    assert a.answer is True and a.witness == b.witness


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=1, max_size=3),
       st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=0, max_size=4))
def test_property_milp_vs_enumeration(P, Q):
    bm = BMProgram(inside=P, outside=Q)
    dec = decide_bm(bm, "milp")
    assert dec.answer == _enumerate_splits(bm)
    if dec.answer:
        assert bm.check(dec.witness)


def test_no_outside_points_trivially_yes():
    bm = BMProgram(inside=[[1, 2]], outside=[])
    for method in ("milp", "alternating"):
        dec = decide_bm(bm, method)
        assert dec.answer is True and bm.check(dec.witness)


def test_identical_points_are_no():
    bm = BMProgram(inside=[[1, 1]], outside=[[1, 1]])
    assert decide_bm(bm, "milp").answer is False
    assert decide_bm(bm, "alternating", rng=0, restarts=3).answer is None


def test_dispatch_through_reductions_decide():
    bm = BMProgram(inside=[[0]], outside=[[1], [-1]])
    assert decide(bm, "milp").answer is True
    assert decide(bm, "alternating").answer is True


def test_bad_arguments():
    bm = BMProgram(inside=[[0]], outside=[[1]])
    with pytest.raises(ValueError, match="method"):
        decide_bm(bm, "simplex")
    with pytest.raises(ValueError, match="method"):
        decide_bm(bm, "sat")
    with pytest.raises(TypeError, match="instance"):
        decide_bm(Separability(inside=[[0]], outside=[[1]]))
    with pytest.raises(ValueError, match="time_limit"):
        decide_bm(bm, "milp", time_limit=0)
    with pytest.raises(TypeError, match="rng"):
        decide_bm(bm, "alternating", rng="seed")


def test_time_limit_gives_unknown_not_false():
    bm = BMProgram(inside=[[0, 0], [1, 1]], outside=[[3, 0], [-3, 0], [0, 4], [0, -4]])
    dec = decide_bm(bm, "alternating", time_limit=1e-9)
    assert dec.answer is None and "time limit" in dec.status and dec.proof == "none"


def test_highs_model_error_is_not_a_proof_of_infeasibility(monkeypatch):
    """Only HiGHS's (confirmed) infeasibility status answers NO: "Model error" (which scipy used to
    report with the infeasible status code 2), time limits or an unconfirmed claim give unknown."""
    import reductions.deciders.bm_program as bms
    from recovery.programs.solvers.highs_util import HighsOutcome
    from reductions.problems.bm_program import BMProgram

    inst = BMProgram.from_json({"problem": "bm_program", "inside": [[0.0]], "outside": [[1.0], [-1.0]]})
    real = bms.decide_bm(inst, "milp")
    assert real.answer is True and "certified exactly" in real.status  # origin cut off from +-1

    for key, name in (("kModelError", "Model error"), ("kTimeLimit", "Time limit reached"),
                      ("kSolveError", "Solve error"), ("kUnknown", "Unknown")):
        monkeypatch.setattr(bms, "highs_solve", lambda *a, _k=key, _n=name, **kw: HighsOutcome(
            _k, None, None, None, f"HiGHS model status {_k} ({_n})", _n))
        dec = bms.decide_bm(inst, "milp")
        assert dec.answer is None and name in dec.status
    monkeypatch.setattr(bms, "highs_solve", lambda *a, **kw: HighsOutcome(
        "kInfeasible", None, None, None, "HiGHS model status kInfeasible (Infeasible); confirmed", "Infeasible"))
    assert bms.decide_bm(inst, "milp").answer is False


def test_scip_agrees_with_two_enumerations_and_the_milp():
    tally = {True: 0, False: 0}
    for dim in (1, 2, 3):
        for bm in _instances(40, seed=10 + dim, dim=dim):
            dec = decide_bm(bm, "scip")
            assert dec.method == "scip"
            mine = _enumerate_splits(bm)
            assert dec.answer == mine == decide_bm(bm, "milp").answer, (bm.to_json(), dec)
            if dec.answer:
                assert bm.check(dec.witness) and dec.proof == "exact"
            else:
                assert dec.witness is None and dec.proof == "solver proof"
            tally[dec.answer] += 1
    assert tally[True] > 20 and tally[False] > 20, tally


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=1, max_size=3),
       st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=0, max_size=4),
       st.sampled_from([1, 2, 3]))
def test_property_scip_vs_enumeration_rational_points(P, Q, denom):
    """Rational coordinates (scaled to integers inside the SCIP decider)."""
    from fractions import Fraction

    bm = BMProgram(inside=[[Fraction(c, denom) for c in p] for p in P],
                   outside=[[Fraction(c, denom) for c in q] for q in Q])
    dec = decide_bm(bm, "scip")
    assert dec.answer == _enumerate_splits(bm)
    if dec.answer:
        assert bm.check(dec.witness)


def test_scip_decides_a_bm_program_from_a_cnf_beyond_enumeration():
    """cnf -> ... -> bm_program with 20+ outside points: SCIP's answer equals the SAT answer."""
    from reductions import CNF, chain

    for clauses, truth in ((((1, 2, 3), (-1, -2), (-2, -3), (-1, -3), (4, 5, 6), (-4, 5), (7, 8, 9), (-9, 10)), True),
                           ((tuple((v,) for v in range(1, 10)) + ((-1, -2, 10), (-3, -10))), False)):
        src = CNF(n_vars=10, clauses=clauses)
        assert decide(src, "sat").answer is truth
        red = chain(src, "bm_program")
        assert len(red.target.outside) >= 20
        dec = decide(red.target, "scip", time_limit=60)
        assert dec.answer is truth, dec
        if truth:
            assert src.check(red.backward(dec.witness))
