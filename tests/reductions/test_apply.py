"""reduce_to_files (reductions.apply): target files, chain metadata, certificates both ways."""

from __future__ import annotations

import json

import pytest

from reductions import CNF
from reductions.apply import reduce_to_files


def test_files_and_report(tmp_path):
    rep = reduce_to_files(CNF(n_vars=2, clauses=((1, 2), (-1,))), "nae_sat", tmp_path / "o",
                          witness=True, solve_target="brute")
    assert rep.data["rules"] == ["cnf_to_nae_sat"] and rep.data["size_matches"]
    assert json.loads((tmp_path / "o" / "chain.json").read_text())["rules"] == ["cnf_to_nae_sat"]
    assert rep.data["forward"]["target_witness_ok"] is True
    assert rep.data["answer"]["answer"] == "yes" and rep.data["answer"]["proof"] == "exact"
    assert "answer: yes" in rep.text()
    json.dumps(rep.data)


def test_cnf_target_is_written_as_dimacs(tmp_path):
    import networkx as nx

    from reductions import Coloring

    rep = reduce_to_files(Coloring(2, nx.path_graph(3)), "cnf", tmp_path)
    assert (tmp_path / "target.cnf").read_text().startswith("c ")
    assert str(tmp_path / "target.cnf") in rep.data["written"]


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), float("nan"), True])
def test_time_limit_is_validated_by_its_parameter_name(tmp_path, bad):
    with pytest.raises(ValueError, match="time_limit"):
        reduce_to_files(CNF(n_vars=1, clauses=((1,),)), "nae_sat", tmp_path, time_limit=bad)
