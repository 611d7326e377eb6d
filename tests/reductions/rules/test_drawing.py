"""The graph summary and drawing (reductions.rules.drawing)."""

from __future__ import annotations

import pytest

from reductions.rules.drawing import draw_graph, graph_summary
from reductions.rules.graph import RULES


def test_summary_lists_every_rule_and_draws_png(tmp_path):
    s = graph_summary(tmp_path / "g.png")
    assert sorted(r["rule"] for r in s["rules"]) == sorted(RULES)
    assert s["png"] == str(tmp_path / "g.png") and (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert "cnf --cnf_to_nae_sat--> nae_sat" in s["text"]


def test_non_png_path_is_refused_by_parameter_name(tmp_path):
    with pytest.raises(ValueError, match=r"^path: .*\.png"):
        draw_graph(tmp_path / "g.svg")
