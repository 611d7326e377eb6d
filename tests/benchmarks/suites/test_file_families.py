"""The families of the user's instance files: level lists parsed, the solvers of each level."""

from __future__ import annotations

import pytest

from benchmarks.suites import file_families


def test_levels_parse_and_solvers():
    assert file_families.parse_levels(None) is None and file_families.parse_levels("all") is None
    assert file_families.parse_levels("source, separability") == ("source", "separability")
    with pytest.raises(ValueError, match="unknown level"):
        file_families.parse_levels("source,nonsense")
    fam = file_families.FileFamily("cnf", [])
    from benchmarks.suites.families import LevelInstance

    names = [s.name for s in fam.solvers(LevelInstance("source", "cnf", {}, {"n_vars": 3}), 3)]
    assert names == ["sat", "milp", "brute"]
    names = [s.name for s in fam.solvers(LevelInstance("separability", "separability", {}, {"n_outside": 40}), 3)]
    assert names == ["scip", "milp"]  # brute refuses 40 outside points: not scheduled
