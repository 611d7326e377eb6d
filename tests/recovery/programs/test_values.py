"""Numbers and triplets of bilinear programs (recovery.programs.values)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from recovery.programs.values import as_dimension, as_number, as_triplets, json_number, read_number


def test_numbers_are_validated_and_read_exactly():
    assert as_number(np.int64(3), "x") == 3 and isinstance(as_number(np.float32(0.5), "x"), float)
    assert read_number("3/4", "x") == Fraction(3, 4) and json_number(Fraction(3, 4)) == "3/4"
    with pytest.raises(TypeError, match="x must be"):
        as_number(True, "x")
    with pytest.raises(ValueError, match="float range"):
        as_number(10**400, "x")
    with pytest.raises(ValueError, match="d must be >= 1"):
        as_dimension(0)


def test_triplets_refuse_duplicates():
    assert as_triplets([(0, 1, 2)], "D") == ((0, 1, 2),)
    with pytest.raises(ValueError, match="duplicate"):
        as_triplets([(0, 1, 2), (0, 1, 3)], "D")
