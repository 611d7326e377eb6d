"""The reduction graph (reductions.rules.graph): nodes, edges, paths, composed chains with
forward/backward through every step, checked on exhaustive families down to separability and
on YES and NO instances down to the LSA program."""

from __future__ import annotations

import importlib
import itertools
import json

import networkx as nx
import pytest

from reductions import CNF, Coloring, LSAProgram, chain, decide, load_problem, path, rules_graph
from reductions.problems.base import Reduction, problems
from reductions.proof import all_cnfs, all_colorings, check_reduction
from reductions.rules.graph import RULES, format_graph


def test_graph_nodes_edges_and_rule_modules():
    G = rules_graph()
    assert set(G.nodes) == set(problems())
    assert {d["rule"] for _, _, d in G.edges(data=True)} == set(RULES)
    for rule, (src, dst) in RULES.items():
        assert G.edges[src, dst]["rule"] == rule
        mod = importlib.import_module(f"reductions.rules.{rule}")
        assert callable(mod.reduce) and callable(mod.predicted_size)
        assert mod.RULE.name == rule
        assert (mod.RULE.source, mod.RULE.target) == (src, dst)
    assert nx.is_directed_acyclic_graph(G)
    text = format_graph(G)
    assert all(rule in text for rule in RULES)


def test_paths():
    assert path("cnf", "separability") == ["cnf_to_nae_sat", "nae_sat_to_separability"]
    assert path("coloring", "lsa_program") == [
        "coloring_to_cnf", "cnf_to_nae_sat", "nae_sat_to_separability",
        "separability_to_bm_program", "bm_program_to_lsa_program",
    ]
    assert path("cnf", "separability", via=["set_splitting"]) == [
        "cnf_to_nae_sat", "nae_sat_to_set_splitting", "set_splitting_to_separability",
    ]
    assert path("partition", "lsa_program") == ["partition_to_lsa_program"]
    assert path("cnf", "cnf") == []
    with pytest.raises(ValueError, match="unknown problem"):
        path("cnf", "sudoku")
    with pytest.raises(ValueError, match="unknown problem"):
        path("sat", "cnf")
    with pytest.raises(ValueError, match="no reduction path"):
        path("lsa_program", "cnf")
    with pytest.raises(ValueError, match="no reduction path"):
        path("cnf", "partition")


def test_chain_equals_manual_composition_and_identity():
    from reductions.rules import cnf_to_nae_sat, nae_sat_to_separability

    f = CNF(3, [(1, -2, 3), (-1, 2), (2, 3)])
    red = chain(f, "separability")
    r1 = cnf_to_nae_sat.reduce(f)
    r2 = nae_sat_to_separability.reduce(r1.target)
    assert red.target == r2.target and red.rule == "cnf_to_nae_sat+nae_sat_to_separability"
    for s in itertools.product([False, True], repeat=3):
        assert red.forward(s) == r2.forward(r1.forward(s))
        assert red.target.check(red.forward(s)) == f.check(s)
    same = chain(f, "cnf")
    assert same.target is f and same.forward((True, True, False)) == (True, True, False)
    assert chain(f.to_json(), "nae_sat").target == r1.target  # dict input
    json.dumps(red.chain_json())


def test_chain_cnf_to_separability_exhaustive_brute_both_sides():
    counts = {"yes": 0, "no": 0}
    for f in all_cnfs(2, 3):
        counts[check_reduction(lambda x: chain(x, "separability"), f, "brute", "brute")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


def test_chain_through_set_splitting_milp_target():
    counts = {"yes": 0, "no": 0}
    for f in itertools.islice(all_cnfs(2, 4), 0, None, 3):
        counts[check_reduction(lambda x: chain(x, "separability", via=["set_splitting"]), f, "brute", "milp")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


def test_chain_coloring_to_separability():
    counts = {"yes": 0, "no": 0}
    for inst in all_colorings(3, (1, 2)):
        counts[check_reduction(lambda x: chain(x, "separability"), inst, "brute", "milp")] += 1
    assert counts["yes"] > 0 and counts["no"] > 0


@pytest.mark.parametrize(
    "clauses, expected",
    [([(1,)], True), ([(1,), (-1,)], False), ([(1, 2), (-1, 2), (1, -2)], True),
     ([(1, 2), (-1, 2), (1, -2), (-1, -2)], False)],
)
def test_chain_3sat_down_to_lsa_program_yes_and_no(clauses, expected):
    f = CNF(2 if any(abs(l) == 2 for c in clauses for l in c) else 1, clauses)
    red = chain(f, "lsa_program")
    assert isinstance(red.target, LSAProgram) and red.size_matches
    assert not red.target.is_phi_structured()
    assert check_reduction(lambda x: chain(x, "lsa_program"), f, "brute", "highs-milp") == ("yes" if expected else "no")
    if expected:
        sol = decide(f, "brute").witness
        b, A = red.forward(sol)
        assert red.target.check((b, A))  # exact verification (recovery.programs.verification)
        assert f.check(red.backward((b, A)))
    # LSA program JSON is the BilinearProgram JSON and loads back through load_problem
    data = json.loads(json.dumps(red.target.to_json()))
    assert data["schema"] == "lsahard.bilinear/1" and "problem" not in data
    again = load_problem(data)
    assert isinstance(again, LSAProgram) and again.program == red.target.program


def test_chain_errors():
    with pytest.raises(ValueError, match="no reduction path"):
        chain(CNF(1, [(1,)]), "coloring")
    with pytest.raises(ValueError, match="unknown problem"):
        chain(CNF(1, [(1,)]), "nope")
    with pytest.raises(TypeError):
        chain(42, "cnf")
    red = chain(Coloring(2, nx.path_graph(2)), "nae_sat")
    assert isinstance(red, Reduction) and [s["rule"] for s in red.steps] == ["coloring_to_cnf", "cnf_to_nae_sat"]
