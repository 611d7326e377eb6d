"""Reduction-chain families (benchmarks.suites.chains)."""
from __future__ import annotations

import json

import pytest

from benchmarks.suites import catalog as suites
from benchmarks.suites import families
from benchmarks.suites.chains import ChainFamily

CHAINS = sorted(n for n, f in families.FAMILIES.items() if isinstance(f, ChainFamily))


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


def test_every_level_skipped_keeps_the_source_as_a_tuple():
    # with every level skipped the source level is kept, still as a tuple: Case.levels is a tuple,
    # and the case equals the one built with only the source level requested
    fam = families.get_family("sat3")
    skipped = fam.cases(3, 1, skip_levels=frozenset(fam.level_names()))
    source_only = fam.cases(3, 1, skip_levels=frozenset(fam.level_names()[1:]))
    assert isinstance(skipped[0].levels, tuple)
    assert [lv.level for lv in skipped[0].levels] == ["source"]
    assert skipped == source_only
