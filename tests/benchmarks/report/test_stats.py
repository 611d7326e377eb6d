"""The report's statistics (benchmarks.report.stats)."""
from __future__ import annotations

import math

import pytest

from benchmarks.report import stats


def test_shifted_geometric_mean_hand_values():
    assert stats.shifted_geometric_mean([1.0, 3.0], 10.0) == pytest.approx(math.sqrt(143) - 10)
    assert stats.shifted_geometric_mean([2.0, 8.0], 0.0) == pytest.approx(4.0)
    assert stats.shifted_geometric_mean([5.0], 1.0) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        stats.shifted_geometric_mean([-1.0], 1.0)
