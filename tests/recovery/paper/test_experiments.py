"""Tests for recovery.paper.experiments: the suite and the figure dispatch (tiny configurations)."""
from __future__ import annotations

import functools
import json

import pytest

from recovery.paper import experiments as ex


def test_run_paper_suite_aggregates(tmp_path, monkeypatch):
    tiny = {
        "fig5": functools.partial(ex.fig5, ds=(1,), seeds=(0,), steps=20, test_size=100, train_size=100, n=5),
        "appa": functools.partial(ex.appendix_a, seeds=(0,), steps=20, train_size=100, test_size=100, layers=(1,)),
    }
    monkeypatch.setattr(ex, "FIGURES", tiny)
    res = ex.run_paper_suite(tmp_path, quick=True)
    assert set(res) == {"fig5", "appa", "total_wall_time", "total_cpu_time"}
    md = (tmp_path / "paper_suite.md").read_text()
    assert "Fig. 5" in md and "Appendix A" in md
    assert json.loads((tmp_path / "paper_suite.json").read_text())["fig5"]["name"] == "fig5"


def test_run_figure_rejects_unknown_figure(tmp_path):
    with pytest.raises(ValueError, match="figure must be one of"):
        ex.run_figure("fig9", tmp_path)
