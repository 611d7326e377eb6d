"""Variable names and bounds (recovery.programs.variables)."""

from __future__ import annotations

import math

import pytest

from recovery.programs.variables import all_names, normalise_bounds, parse_variable_name, variable_name


def test_names_round_trip_in_canonical_order():
    names = all_names(2)
    assert names[:4] == ["b[0]", "b[1]", "b[2]", "A[0,0]"] and len(names) == 3 + 3 * 2
    for n in names:
        kind, i, j = parse_variable_name(n, 2)
        assert variable_name(kind, i, j) == n
    with pytest.raises(ValueError, match="out of range"):
        parse_variable_name("A[0,2]", 2)


def test_bounds_are_canonical_and_free_entries_dropped():
    out = normalise_bounds({"A[ 1 , 0 ]": (0, None), "b[1]": (-math.inf, math.inf), "b[0]": (1, 1)}, 2)
    assert list(out) == ["b[0]", "A[1,0]"]
    with pytest.raises(ValueError, match="empty interval"):
        normalise_bounds({"b[0]": (2, 1)}, 1)
