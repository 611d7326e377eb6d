"""Benchmark families: deterministic instances, known answers cross-checked, one real tiny suite."""

from __future__ import annotations

import json

import pytest

from benchmarks.suites import families

from benchmarks.runner import results

from benchmarks.suites import catalog as suites
from benchmarks.suites.families import ChainFamily, case_rng

CHAINS = sorted(n for n, f in families.FAMILIES.items() if isinstance(f, ChainFamily))


def test_case_rng_is_a_pure_function_of_its_key():
    a = case_rng("sat3", 4, 1).integers(0, 2**31, size=4)
    b = case_rng("sat3", 4, 1).integers(0, 2**31, size=4)
    c = case_rng("sat3", 4, 2).integers(0, 2**31, size=4)
    d = case_rng("sat3", 4, 1, base_seed=1).integers(0, 2**31, size=4)
    assert (a == b).all() and not (a == c).all() and not (a == d).all()


def test_toy_family_is_deterministic_and_half_planted():
    fam = families.get_family("toy")
    c1, c2 = fam.cases(5, 6), fam.cases(5, 6)
    assert [c.levels for c in c1] == [c.levels for c in c2]
    assert [c.planted for c in c1] == [True, False] * 3
    assert len({c.instance for c in c1}) == 6
    for c in c1:
        vals = c.levels[0].data["values"]
        assert c.answer == ("YES" if sum(vals) % 2 == 0 else "NO")
        # the "reduced" level has the same answer
        assert sum(c.levels[1].data["values"]) % 2 == sum(vals) % 2


def test_register_family_hook():
    class Mine(families.ToyFamily):
        pass

    fam = Mine("toy-test-hook", ("toy-fast",))
    families.register_family(fam)
    try:
        assert families.get_family("toy-test-hook") is fam
        with pytest.raises(ValueError, match="already registered"):
            families.register_family(fam)
        with pytest.raises(TypeError):
            families.register_family(object())  # type: ignore[arg-type]
    finally:
        families.FAMILIES.pop("toy-test-hook")


@pytest.mark.parametrize("name", CHAINS)
def test_chain_family_levels_round_trip_and_answers(name):
    import reductions
    from recovery.programs.program import BilinearProgram

    fam = families.get_family(name)
    assert fam.available() is None, fam.available()
    plan = next(p for p in suites.get_suite("quick").plans if p.family == name)
    size = plan.sizes[0]
    skip = frozenset(lv for lv, cap in plan.level_caps.items() if size > cap)
    cases = fam.cases(size, 2, skip_levels=skip)
    again = fam.cases(size, 2, skip_levels=skip)
    assert [c.levels[-1].data for c in cases] == [c.levels[-1].data for c in again]  # deterministic
    assert [c.planted for c in cases] == [True, False]
    expected_levels = [lv for lv in fam.level_names() if lv not in skip]
    for case in cases:
        assert [lv.level for lv in case.levels] == expected_levels
        for lv in case.levels:
            data = json.loads(json.dumps(lv.data))  # what the worker reads back from disk
            if lv.problem == "lsa_program":
                prog = BilinearProgram.from_json(data)
                assert prog.d == lv.size_detail["d"]
            else:
                inst = reductions.load_problem(data)
                assert inst.PROBLEM == lv.problem and dict(inst.size()) == dict(lv.size_detail)
        # the known answer agrees with an independent decider (MILP) at the source level
        src = reductions.load_problem(case.levels[0].data)
        assert case.answer in ("YES", "NO")
        dec = reductions.decide(src, method="milp", time_limit=30)
        assert dec.answer is (case.answer == "YES")
        if case.planted:
            assert case.provenance == "construction" and case.answer == "YES"


def test_brute_is_not_scheduled_beyond_its_limit():
    lv = families.LevelInstance("separability", "separability", {}, {"n_outside": 40})
    names = [s.name for s in families.get_family("sat3").solvers(lv, 3)]
    assert names == ["milp"]
    lv_small = families.LevelInstance("separability", "separability", {}, {"n_outside": 4})
    assert "brute" in [s.name for s in families.get_family("sat3").solvers(lv_small, 3)]


def test_real_tiny_suite_end_to_end(tmp_path):
    out = tmp_path / "tiny"
    summary = suites.run_suite("tiny", out, jobs=2, progress=False)
    recs = results.read_records(out)
    known = results.load_known_answers(out)
    assert summary.executed == len(recs) > 0
    assert {r["level"] for r in recs} == {"source", "lsa_program"}
    assert not any(r["classification"] == "wrong" for r in recs)
    # every decided run agrees with the known answer, and the exact source deciders decide all
    for r in recs:
        if r["answer"] is not None:
            assert r["answer"] == known[r["instance"]]
        if r["level"] == "source":
            assert r["classification"] == "ok"
        if r["classification"] == "error":
            assert r["refused"], r["error"]
    scip = [r for r in recs if r["solver"] == "scip"]
    assert scip and all(r["classification"] in ("ok", "timeout") for r in scip)
