"""Exact values (reductions.problems.values): solutions to JSON."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from reductions.problems.base import to_jsonable


def test_jsonable_converts_solutions():
    out = to_jsonable({1: (Fraction(1, 2), np.float64(2.0), np.array([1, 2])), "x": [True, None]})
    assert out == {"1": ["1/2", 2.0, [1, 2]], "x": [True, None]}


def test_as_points_reads_coordinates_exactly():
    from reductions.problems.values import as_points

    points = as_points([[1, "1/2"], (np.int64(3), 0.25)])
    assert points == ((Fraction(1), Fraction(1, 2)), (Fraction(3), Fraction(1, 4)))
    assert as_points([]) == ()
    with pytest.raises(TypeError, match=r"inside\[1\]"):
        as_points([[1], [True]], "inside")
