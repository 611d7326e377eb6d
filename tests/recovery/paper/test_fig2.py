"""Tests for recovery.paper.fig2 on a tiny configuration."""
from __future__ import annotations

from recovery.paper import fig2 as ex


def test_fig2_tiny(tmp_path):
    r = ex.fig2(tmp_path, num_layers=3, d=2, n=10, steps=10, train_size=200, eval_prompts=5, batch_size=50)
    for o in r["summary"].values():
        assert o["max_abs_error"] < 1e-10
        assert len(o["gd_mean"]) == 4 and min(o["gd_mean"]) >= 0
    assert "GD of R1" in (tmp_path / "fig2.md").read_text()
