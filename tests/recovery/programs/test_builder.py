"""ProgramBuilder (recovery.programs.builder): bounds intersect, splits are recorded, names are canonical."""

from __future__ import annotations

import pytest

from recovery.programs.program import ProgramBuilder


def test_builder_bounds_split_and_names():
    pb = ProgramBuilder(2)
    plus, minus = pb.split("A[0, 1]", "A[1,1]")
    pb.bound("A[0,1]", None, 3).fix("b[2]", 4).nonneg("b[1]").bound("b[1]", -5, 7)
    p = pb.build("x")
    assert (plus, minus) == ("A[0,1]", "A[1,1]")
    assert p.metadata["splits"] == [["A[0,1]", "A[1,1]"]]
    assert p.bounds == {"b[1]": (0, 7), "b[2]": (4, 4), "A[0,1]": (0, 3), "A[1,1]": (0, None)}
    assert p.fixed_values() == {"b[2]": 4}
    names = p.variable_names()
    assert len(names) == 3 + 6 and names[:3] == ["b[0]", "b[1]", "b[2]"] and names[3:5] == ["A[0,0]", "A[1,0]"]
    pb.fix("b[2]", 5)  # contradicts the earlier fixing: intersection is empty
    with pytest.raises(ValueError, match="lo=5 > hi=4"):
        pb.build()
