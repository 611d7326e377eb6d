"""Exact values (reductions.problems.values): solutions to JSON."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from reductions.problems.base import to_jsonable


def test_jsonable_converts_solutions():
    out = to_jsonable({1: (Fraction(1, 2), np.float64(2.0), np.array([1, 2])), "x": [True, None]})
    assert out == {"1": ["1/2", 2.0, [1, 2]], "x": [True, None]}
