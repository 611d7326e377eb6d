"""Tests for recovery.training.subspace: the coordinates of the parameter subspaces."""
from __future__ import annotations

import numpy as np

from recovery.training.loop import Subspace


def test_thm41_coordinates_are_the_sparse_subspace_with_signs():
    d = 3
    th = Subspace("thm41", d, 2).init(np.random.default_rng(0), 1.0)
    lay = Subspace("thm41", d, 2).to_layers(th)
    for P, Q in lay:
        assert np.all(P[:d] == 0) and np.all(Q[:, d] == 0)
    # the same layers in sparse coordinates, and back
    ts = Subspace("sparse", d, 2).from_layers(lay)
    for (P1, Q1), (P2, Q2) in zip(lay, Subspace("sparse", d, 2).to_layers(ts)):
        np.testing.assert_array_equal(P1, P2)
        np.testing.assert_array_equal(Q1, Q2)
    np.testing.assert_array_equal(Subspace("thm41", d, 2).from_layers(lay), th)
    # A = -[Abar; a^T]
    c = th[: Subspace("thm41", d, 2).per_layer]
    Abar = c[d + 1 : d + 1 + d * d].reshape(d, d)
    np.testing.assert_array_equal(lay[0][1][:d, :d], -Abar)
    np.testing.assert_array_equal(lay[0][1][d, :d], -c[d + 1 + d * d :])
