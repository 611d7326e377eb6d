"""Tests for recovery.paper.fig5_sampled on a tiny configuration."""
from __future__ import annotations

from recovery.paper import fig5_sampled as ex


def test_fig5_tiny_least_squares_beats_lsa_on_training_set(tmp_path):
    r = ex.fig5(tmp_path, ds=(1, 2), seeds=(0,), steps=50, test_size=300, train_size=300, n=20)
    for d in ("1", "2"):
        s = r["summary"][d]
        # the unconstrained least-squares X minimises the training MSE over a superset of phi(b, A)
        assert s["ls_train"] <= s["lsa_train"] + 1e-12
    assert (tmp_path / "fig5.png").exists()
