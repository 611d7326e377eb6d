"""Tests of the claims ledger: the verdict logic on synthetic evidence for every outcome, the
result type, the exact helpers, and the checks on small parameters cross-checked independently."""
from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery.paper.claims import (
    CLAIM_IDS,
    ClaimResult,
    check_lemma_3_1,
    check_lemma_3_2,
    check_theorem_3_3,
    check_theorem_3_5,
    check_theorem_4_1,
    ledger,
    outcome_of,
    run_claims,
    run_one,
    verdict_lemma_3_2,
    verdict_theorem_3_3,
    verdict_theorem_3_5,
)
from recovery.paper.claims._common import exact_is_positive_definite, exact_solve
from recovery.paper.claims.result import to_jsonable


def kind(v: str) -> str:
    return outcome_of(v)


# --------------------------------------------------------------------------- verdict logic


def test_lemma_3_2_all_outcomes():
    assert verdict_lemma_3_2(1.0, 2.0, 4.0, max_rel_diff=0.0) == "holds"
    v = verdict_lemma_3_2(1.0, 2.0, 4.0, max_rel_diff=0.1)
    assert kind(v) == "holds with conditions" and "cannot tell" in v
    v = verdict_lemma_3_2(1.0, 40.0, 4.0)
    assert kind(v) == "fails" and "factorised" in v and "40" in v
    assert kind(verdict_lemma_3_2(9.0, 40.0, 4.0)) == "not checkable"
    assert kind(verdict_lemma_3_2(None, None, 4.0)) == "not checkable"


def test_theorem_3_3_all_outcomes():
    h_ok = [{"p": 0.1, "n": n, "ok": True} for n in (1, 5)]
    r_ok = [{"p": 0.1, "n": n, "ok": True} for n in (1, 5)]
    assert verdict_theorem_3_3(h_ok, r_ok) == "holds"
    r_small = [{"p": 0.1, "n": 1, "ok": False}, {"p": 0.1, "n": 5, "ok": True}]
    v = verdict_theorem_3_3(h_ok, r_small)
    assert kind(v) == "holds with conditions" and "n >= 5" in v
    h_bad = [{"p": 0.1, "n": 1, "ok": False}, {"p": 0.1, "n": 5, "ok": True}]
    v = verdict_theorem_3_3(h_bad, r_ok)
    assert kind(v) == "fails" and "stated h" in v
    assert kind(verdict_theorem_3_3([], [])) == "not checkable"


REC_OK = {"n_instances": 10, "n_correct": 10, "d_min": 1, "d_max": 12, "max_residual": 1e-15, "max_time_s": 1e-3}
HARD_OK = {"n_agree": 4, "n_disagree": 0, "n_undecided": 0, "n_yes": 2, "n_no": 2, "n_programs": 4,
           "n_phi_structured": 0}


def test_theorem_3_5_all_outcomes():
    v = verdict_theorem_3_5(REC_OK, HARD_OK)
    assert kind(v) == "holds with conditions"
    assert "generalised class C.10/C.11 with free D^(r)" in v and "polynomial" in v and "10/10" in v
    # the polynomial side failing leaves the hardness confirmed but unrestricted
    v = verdict_theorem_3_5({**REC_OK, "n_correct": 8}, HARD_OK)
    assert kind(v) == "holds with conditions" and "2 wrong" in v
    # a chain disagreeing with its source: our construction is broken -> not checkable
    v = verdict_theorem_3_5(REC_OK, {**HARD_OK, "n_disagree": 1})
    assert kind(v) == "not checkable" and "disagreed" in v
    # phi-structured hard programs contradict polynomial structured recovery
    assert kind(verdict_theorem_3_5(REC_OK, {**HARD_OK, "n_phi_structured": 1})) == "not checkable"
    # only NO instances decided: hardness not established
    v = verdict_theorem_3_5(REC_OK, {**HARD_OK, "n_yes": 0})
    assert kind(v) == "holds with conditions" and "hardness side not checked" in v
    assert kind(verdict_theorem_3_5(None, None)) == "not checkable"
    assert kind(verdict_theorem_3_5({**REC_OK, "n_correct": 3}, None)) == "not checkable"


def test_theorem_3_5_one_side_missing():
    v = verdict_theorem_3_5(None, HARD_OK, recovery_missing="no recovery run")
    assert kind(v) == "holds with conditions" and "structured recovery not checked (no recovery run)" in v
    v = verdict_theorem_3_5(REC_OK, None, hardness_missing="no chain run")
    assert kind(v) == "holds with conditions" and "10/10" in v and "hardness side not checked (no chain run)" in v
    # an empty recovery record counts as no recovery evidence
    assert kind(verdict_theorem_3_5({}, None)) == "not checkable"


# --------------------------------------------------------------------------- result type


def test_claim_result_validation_and_round_trip():
    r = ClaimResult(id="x", claim="c", check="k", verdict="fails: because",
                    evidence={"a": np.float64(1.5), "b": np.arange(3), "f": Fraction(1, 3), "nan": float("nan"),
                              "t": (1, np.int64(2))})
    assert r.outcome == "fails"
    assert r.evidence == {"a": 1.5, "b": [0, 1, 2], "f": "1/3", "nan": "nan", "t": [1, 2]}
    j = json.loads(json.dumps(r.to_json()))
    assert ClaimResult.from_json(j) == r
    for bad in ("ok", "fails:", "fails: ", "holds with conditions", "Holds"):
        with pytest.raises(ValueError, match="verdict"):
            ClaimResult(id="x", claim="c", check="k", verdict=bad)
    with pytest.raises(ValueError, match="one line"):
        ClaimResult(id="x", claim="a\nb", check="k", verdict="holds")
    with pytest.raises(TypeError):
        ClaimResult(id="x", claim="c", check="k", verdict="holds", evidence={"o": object()})
    with pytest.raises(ValueError, match="schema"):
        ClaimResult.from_json({**j, "schema": "other"})
    assert to_jsonable({1: math.inf}) == {"1": "inf"}


# --------------------------------------------------------------------------- exact helpers


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_exact_pd_and_solve_agree_with_float(k, seed):
    rng = np.random.default_rng(seed)
    M = rng.integers(-3, 4, size=(k, k))
    H = M @ M.T + rng.integers(-2, 3) * np.eye(k, dtype=int)
    eig = np.linalg.eigvalsh(H.astype(float))
    pd, piv = exact_is_positive_definite(H.astype(object))
    if abs(eig[0]) > 1e-9:  # the float judgement is reliable away from 0
        assert pd == (eig[0] > 0)
    if abs(np.linalg.det(H.astype(float))) > 1e-6:
        h = rng.integers(-5, 6, size=k)
        x = exact_solve(H.astype(object), list(h))
        assert all(isinstance(v, Fraction) for v in x)
        # exact residual is zero; float solution agrees
        assert all(sum(Fraction(int(H[i, j])) * x[j] for j in range(k)) == h[i] for i in range(k))
        np.testing.assert_allclose([float(v) for v in x], np.linalg.solve(H, h), rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------- checks, small parameters


def test_lemma_3_1_small_grid_matches_numpy():
    from recovery.lsa.population import population_quadratic
    from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior

    r = check_lemma_3_1(ds=(1, 3), ns=(1, 7), ps=(0.3,), exact_max_d=1)
    assert r.id == "lemma-3.1" and r.evidence["num_points"] == 4
    for pt in r.evidence["points"]:
        q = population_quadratic(pt["d"], pt["n"], prior=UniformBinaryPrior(), init=BernoulliInit(pt["p"]))
        lam = np.linalg.eigvalsh(q.H)[0]
        assert pt["min_eig"] == pytest.approx(lam, rel=1e-8)
        assert pt["ok"] is True and lam > 0
    assert r.evidence["num_certified_exact"] == 2
    assert r.verdict == "holds"


def test_lemma_3_2_small_monte_carlo():
    r = check_lemma_3_2(ds=(2,), n=3, p=0.5, num_prompts=40_000, seed=1)
    ev = r.evidence
    assert ev["max_z_conditional"] < ev["z_threshold"]  # the exact form passes (prob. >= 0.999)
    assert ev["max_rel_diff_factorised_vs_conditional"] > 0.05
    assert r.verdict == verdict_lemma_3_2(ev["max_z_conditional"], ev["max_z_factorised"], ev["z_threshold"],
                                          max_rel_diff=ev["max_rel_diff_factorised_vs_conditional"])


def test_theorem_3_5_small():
    from recovery.paper.claims.recovery_checks import QUICK_HARDNESS_INSTANCES

    r = check_theorem_3_5(ds=(1, 2, 5), per_d=2, instances=QUICK_HARDNESS_INSTANCES[:2],
                          generated=(("nae_sat", 3),), generated_per_kind=1, seed=3)
    rec, hard = r.evidence["structured_recovery"], r.evidence["hardness"]
    assert rec["n_instances"] == 12 and rec["n_correct"] == 12
    assert hard["n_phi_structured"] == 0 and hard["phi_structure_control_detected"] is True
    answers = {i["source_answer"] for i in hard["instances"]}
    assert answers == {True, False} and hard["n_programs"] == 4  # 2 given + 1 planted + 1 random
    assert all(i["lsa_answer"] == i["source_answer"] for i in hard["instances"])
    assert kind(r.verdict) == "holds with conditions"


def test_missing_dependency_gives_not_checkable(monkeypatch):
    import recovery.paper.claims.recovery_checks as rc
    import recovery.paper.claims.training_checks as tc
    from recovery.paper.claims._common import MissingDependency

    def unavailable(*args, **kwargs):
        raise ImportError("no module")

    monkeypatch.setattr(rc, "_structured_recovery", unavailable)
    r = check_theorem_3_5(ds=(2,), per_d=1, instances=(), generated_per_kind=0)
    assert kind(r.verdict) == "not checkable" and "structured recovery not available" in r.verdict

    def missing(*args, **kwargs):
        raise MissingDependency("recovery.training.thm41_check.recursion_errors not available")

    monkeypatch.setattr(tc, "recursion_errors", missing)
    r = check_theorem_4_1(quick=True)
    assert r.verdict.startswith("not checkable: recovery.training.thm41_check.recursion_errors not available")


def test_theorem_4_1_quick_holds():
    r = check_theorem_4_1(layers=(2,), ds=(2,), ns=(4,), batch=3)
    assert r.evidence["max_forward_rel_error"] < 1e-12
    assert r.verdict == "holds"


def test_bad_parameters():
    with pytest.raises(ValueError, match="ps"):
        check_theorem_3_3(ps=(0.5, 1.0), ns=(1,))
    with pytest.raises(ValueError, match="ns"):
        check_theorem_3_3(ps=(0.5,), ns=(0,))
    with pytest.raises(ValueError, match="ds"):
        check_lemma_3_1(ds=())
    with pytest.raises(TypeError):
        check_lemma_3_2(n=2.5)
    with pytest.raises(ValueError, match="only"):
        run_claims(None, quick=True, only=["thm-9"])
    with pytest.raises(TypeError, match="quick"):
        run_claims(None, quick="yes")


def test_run_one_turns_exceptions_into_rows(monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setitem(ledger.CHECKS, "fig-3", boom)
    row = run_one("fig-3", quick=True)
    assert row.verdict == "not checkable: boom raised RuntimeError: kaput"
    assert row.command == "lsahard claims --only fig-3 --json --quick"


def test_run_claims_writes_files(tmp_path):
    rows = run_claims(tmp_path / "out", quick=True, only="thm-3.3,thm-4.1")
    assert [r["id"] for r in rows] == ["thm-3.3", "thm-4.1"]
    doc = json.loads((tmp_path / "out" / "claims.json").read_text())
    assert doc["claims"] == rows and doc["quick"] is True
    assert sum(doc["summary"].values()) == 2
    md = (tmp_path / "out" / "claims.md").read_text()
    assert "| thm-3.3 |" in md and "| thm-4.1 |" in md
    for r in rows:
        assert {"id", "claim", "check", "verdict", "evidence", "command"} <= set(r)
        assert r["id"] in CLAIM_IDS
