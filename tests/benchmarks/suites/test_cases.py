"""Cases and their generators (benchmarks.suites.cases)."""
from __future__ import annotations

from benchmarks.suites.cases import case_rng


def test_case_rng_is_a_pure_function_of_its_key():
    a = case_rng("sat3", 4, 1).integers(0, 2**31, size=4)
    b = case_rng("sat3", 4, 1).integers(0, 2**31, size=4)
    c = case_rng("sat3", 4, 2).integers(0, 2**31, size=4)
    d = case_rng("sat3", 4, 1, base_seed=1).integers(0, 2**31, size=4)
    assert (a == b).all() and not (a == c).all() and not (a == d).all()
