"""Tests for recovery.training.thm41_blocks: the Theorem 4.1 layers and their coordinates."""
from __future__ import annotations

import numpy as np
import pytest

from recovery.training import thm41_blocks as t41
from recovery.training.loop import Subspace


def test_blocks_match_training_thm41_coordinates():
    d, L = 3, 2
    sub = Subspace("thm41", d, L)
    theta = sub.init(np.random.default_rng(0), 1.0)
    for (P1, Q1), (P2, Q2) in zip(sub.to_layers(theta), t41.blocks_to_layers(t41.blocks_from_theta(theta, d, L))):
        np.testing.assert_array_equal(P1, P2)
        np.testing.assert_array_equal(Q1, Q2)


def test_bad_block():
    with pytest.raises(ValueError, match="Abar"):
        t41.Thm41Block(np.zeros(3), np.zeros((3, 3)), np.zeros(2))
