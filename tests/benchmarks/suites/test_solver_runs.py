"""Outcomes of the runner functions (benchmarks.suites.solver_runs): what a run proved, and its classification."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from benchmarks.runner.task import classify
from benchmarks.suites import solver_runs
from recovery.programs.program import ProgramBuilder

# every answer a run can prove, against both known answers: YES = an exact witness (certified at
# the source for reduced programs), NO = a proof; anything else proves nothing.


def _sr(status, verified=False, objective=None, bound=None, answer="unknown", answer_proof="none"):
    return SimpleNamespace(status=status, verified=verified, objective=objective, bound=bound, proof="",
                           b=None, A=None, answer=answer, answer_proof=answer_proof, answer_reason="r")


@pytest.mark.parametrize("answer,proof,proved", [
    ("yes", "exact", "YES"), ("no", "solver proof", "NO"), ("no", "exact", "NO"), ("unknown", "none", None)])
def test_every_program_answer_maps_to_a_classification(answer, proof, proved):
    pb = ProgramBuilder(1)
    pb.add_row(0, [(0, 0, 1)], "==", 1)
    res = _sr("optimal", verified=answer == "yes", answer=answer, answer_proof=proof)
    out = solver_runs.lsa_outcome(res, pb.build())
    assert out["answer"] == proved and out["proof"] == proof
    for known in ("YES", "NO"):
        cls = classify(out["answer"], out["status"], known, verified=out["verified"])
        assert (cls == "ok") == (proved == known) and (cls == "wrong") == (proved not in (None, known))


@pytest.mark.parametrize("dec_answer,witness_ok,expected", [
    (True, True, {"YES": "ok", "NO": "wrong"}),
    (True, False, {"YES": "unknown", "NO": "unknown"}),   # witness fails the exact check
    (False, None, {"YES": "wrong", "NO": "ok"}),
    (None, None, {"YES": "unknown", "NO": "unknown"}),
])
def test_decision_answer_maps_to_a_classification(dec_answer, witness_ok, expected):
    inst = SimpleNamespace(check=lambda w: w == "good")
    witness = None if witness_ok is None else ("good" if witness_ok else "bad")
    out = solver_runs.decide_outcome(SimpleNamespace(answer=dec_answer, witness=witness, status="s"), inst)
    for known, cls in expected.items():
        assert classify(out["answer"], out["status"], known, verified=out["verified"]) == cls


def test_lsa_outcome_yes_needs_the_source_check():
    """A reduced program: a point that satisfies the program within tolerance but maps back to a
    source solution failing the exact check is no YES; the forward certificate is."""
    import dataclasses

    from recovery.programs.solvers import SolveResult
    from reductions import Partition, chain

    red = chain(Partition(values=(1, 1, 2)), "lsa_program")
    b, A = red.forward((1, 1, -1))
    good = SolveResult("feasible", b, A, None, None, 0.1, "", solver="lm", verified=True)
    assert solver_runs.lsa_outcome(good, red.target.program)["answer"] == "YES"
    bad = dataclasses.replace(good, b=np.abs(b), A=np.abs(A))  # all signs +1: 1 + 1 + 2 != 0
    out = solver_runs.lsa_outcome(bad, red.target.program)
    assert out["answer"] is None and out["proof"] == "none"


def test_decide_outcome_rechecks_the_witness():
    inst = SimpleNamespace(check=lambda w: w == (1, 0))
    ok = solver_runs.decide_outcome(SimpleNamespace(answer=True, witness=(1, 0), status="optimal"), inst)
    assert ok["answer"] == "YES" and ok["verified"] is True
    bad = solver_runs.decide_outcome(SimpleNamespace(answer=True, witness=(0, 0), status="optimal"), inst)
    assert bad["answer"] is None and bad["verified"] is False
    no = solver_runs.decide_outcome(SimpleNamespace(answer=False, witness=None, status="infeasible"), inst)
    assert no["answer"] == "NO"
    unk = solver_runs.decide_outcome(SimpleNamespace(answer=None, witness=None, status="time limit"), inst)
    assert unk["answer"] is None and classify(unk["answer"], unk["status"], "YES") == "timeout"
