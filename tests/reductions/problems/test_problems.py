"""Problem classes of ``reductions.problems``: validation, exact checkers, JSON/DIMACS/graph I/O."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reductions import CNF, NAESAT, Coloring, Partition, Separability, SetSplitting, load_problem
from reductions.problems.base import problems
from tests.paths import SHARED


# ---------------------------------------------------------------------------------------------
# CNF and DIMACS
# ---------------------------------------------------------------------------------------------
def _sat_by_sets(n, clauses, a):
    """Independent clause evaluation via sets of true literals."""
    true_lits = {i + 1 if v else -(i + 1) for i, v in enumerate(a)}
    return all(true_lits & set(c) for c in clauses)


def _nae_by_sets(n, clauses, a):
    true_lits = {i + 1 if v else -(i + 1) for i, v in enumerate(a)}
    return all(0 < sum(l in true_lits for l in c) < len(c) for c in clauses)


clause_st = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.lists(st.integers(1, n).flatmap(lambda v: st.sampled_from([v, -v])), min_size=1, max_size=4),
                 max_size=6),
    )
)


@settings(max_examples=50, deadline=None)
@given(clause_st)
def test_cnf_and_nae_check_agree_with_set_evaluation(data):
    n, clauses = data
    f, g = CNF(n, clauses), NAESAT(n, clauses)
    for a in itertools.product([False, True], repeat=n):
        assert f.check(a) == _sat_by_sets(n, clauses, a)
        assert g.check(a) == _nae_by_sets(n, clauses, a)
        assert g.check(a) == g.check(tuple(not v for v in a))  # NAE closed under complement


@settings(max_examples=50, deadline=None)
@given(clause_st)
def test_cnf_json_and_dimacs_round_trip(data):
    n, clauses = data
    f = CNF(n, clauses)
    assert CNF.from_json(json.loads(json.dumps(f.to_json()))) == f
    assert CNF.from_dimacs(f.to_dimacs(comment="x\ny")) == f
    assert load_problem(f.to_json()) == f
    g = NAESAT(n, clauses)
    assert load_problem(json.loads(json.dumps(g.to_json()))) == g


def test_bad_clauses_and_json():
    assert not CNF(2, [[1], []]).check((True, True))  # the empty clause is the false clause
    from reductions.problems.nae_sat import NAESAT
    with pytest.raises(ValueError, match="empty clause"):
        NAESAT(2, [[1], []])
    with pytest.raises(ValueError, match="out of range"):
        CNF(2, [[1, -3]])
    with pytest.raises(ValueError, match="out of range"):
        NAESAT(2, [[0, 1]])
    with pytest.raises(ValueError, match="problem"):
        CNF.from_json({"problem": "nae_sat", "n_vars": 1, "clauses": []})
    with pytest.raises(ValueError, match="clauses"):
        CNF.from_json({"problem": "cnf", "n_vars": 1})
    f = CNF(2, [[1, 2]])
    with pytest.raises(ValueError, match="expected 2"):
        f.check((True,))
    with pytest.raises(TypeError):
        f.check((True, "yes"))


# ---------------------------------------------------------------------------------------------
# set splitting, partition
# ---------------------------------------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.sets(st.integers(0, n - 1), min_size=1).map(sorted), max_size=5))))
def test_set_splitting_check_and_round_trip(data):
    n, subsets = data
    inst = SetSplitting(n, subsets)
    assert SetSplitting.from_json(json.loads(json.dumps(inst.to_json()))) == inst
    for side in itertools.product([0, 1], repeat=n):
        S1 = {t for t in range(n) if side[t] == 0}
        expected = all(not (set(s) <= S1) and not (set(s) <= set(range(n)) - S1) for s in subsets)
        assert inst.check(side) == expected


def test_set_splitting_json_format_and_errors():
    data = {"problem": "set_splitting", "n": 3, "subsets": [[0, 1], [1, 2]]}
    inst = load_problem(data)
    assert isinstance(inst, SetSplitting) and inst.to_json()["subsets"] == [[0, 1], [1, 2]]
    for bad in ([[0, 3]], [[]], [[1, 1]]):
        with pytest.raises(ValueError, match="subsets"):
            SetSplitting(3, bad)
    with pytest.raises(ValueError, match="subsets"):
        SetSplitting(3, [[0, 1.5]])


def test_partition_check_and_errors():
    p = load_problem({"problem": "partition", "values": [3, 1, 1, 2, 2, 1]})
    assert isinstance(p, Partition)
    for s in itertools.product([-1, 1], repeat=6):
        assert p.check(s) == (sum(a * b for a, b in zip(s, p.values)) == 0)
    assert Partition.from_json(json.loads(json.dumps(p.to_json()))) == p
    for bad in ([1, 2.5], [1, 2.0], [0, 1], [-3], [True, 1], ["2"], []):
        with pytest.raises(ValueError, match="values"):
            Partition(bad)
    with pytest.raises(ValueError, match="-1 or \\+1"):
        p.check((1, 0, 1, 1, 1, 1))


# ---------------------------------------------------------------------------------------------
# colouring and graph files
# ---------------------------------------------------------------------------------------------
def test_coloring_check_by_brute_force():
    G = nx.cycle_graph(5)
    inst = Coloring(3, G)
    for cols in itertools.product(range(3), repeat=5):
        expected = all(cols[i] != cols[(i + 1) % 5] for i in range(5))
        assert inst.check(dict(enumerate(cols))) == expected
        assert inst.check(list(cols)) == expected
    with pytest.raises(ValueError, match="out of range"):
        inst.check({i: 3 for i in range(5)})
    with pytest.raises(ValueError, match="no colour"):
        inst.check({0: 0})
    loop = nx.Graph([(0, 0)])
    assert not Coloring(2, loop).check({0: 0})


@pytest.mark.parametrize("suffix", [".graphml", ".gml", ".edgelist", ".adjlist", ".json"])
def test_coloring_reads_networkx_formats(tmp_path, suffix):
    G = nx.petersen_graph()
    H = nx.relabel_nodes(G, {v: f"v{v}" for v in G})  # string labels survive every format
    path = tmp_path / f"g{suffix}"
    writer = {
        ".graphml": nx.write_graphml,
        ".gml": nx.write_gml,
        ".edgelist": lambda g, p: nx.write_edgelist(g, p, data=False),
        ".adjlist": nx.write_adjlist,
        ".json": lambda g, p: p.write_text(json.dumps(nx.node_link_data(g, edges="edges"))),
    }[suffix]
    writer(H, path)
    inst = load_problem(path, k=3)
    assert isinstance(inst, Coloring) and inst.k == 3
    assert {frozenset(e) for e in inst.edges} == {frozenset(e) for e in H.edges}
    with pytest.raises(ValueError, match="k"):
        load_problem(path) if suffix != ".json" else Coloring.read_graph(path)


def test_coloring_json_round_trip_and_links_key():
    G = nx.Graph([(0, 1), (1, 2)])
    inst = Coloring(2, G)
    data = json.loads(json.dumps(inst.to_json()))
    assert data["problem"] == "coloring" and data["k"] == 2
    assert load_problem(data) == inst
    old = dict(data, graph=dict(data["graph"]))
    old["graph"]["links"] = old["graph"].pop("edges")
    assert Coloring.from_json(old) == inst
    # string keys (after a JSON round trip of a solution) are accepted
    assert inst.check({"0": 0, "1": 1, "2": 0})
    with pytest.raises(ValueError, match="k"):
        Coloring(0, G)


# ---------------------------------------------------------------------------------------------
# separability
# ---------------------------------------------------------------------------------------------
def test_separability_check_is_exact_at_the_boundary():
    inst = load_problem({"problem": "separability", "inside": [[0, 0]], "outside": [[1, 0], [-1, 0]]})
    # plane 1: -x > -1 (x < 1): point (1,0) lies ON it -> not strictly cut
    assert not inst.check(([-1, 0], -1, [1, 0], "-1/2"))
    assert inst.check(([-1, 0], "-1/2", [1, 0], "-1/2"))
    assert inst.check({"w1": [-1, 0], "g1": -0.5, "w2": [1, 0], "g2": Fraction(-1, 2)})
    # 0.1 is not exactly representable: Fraction(0.1) != 1/10, and the check must see that
    tiny = Separability(inside=[["1/10"]], outside=[])
    assert not tiny.check(([1], 0.1, [1], 0))
    assert tiny.check(([1], "1/20", [1], 0))


def test_separability_json_and_errors():
    data = {"problem": "separability", "inside": [[0, "1/2"]], "outside": [[1, 2]]}
    inst = load_problem(data)
    assert inst.inside[0][1] == Fraction(1, 2)
    assert Separability.from_json(json.loads(json.dumps(inst.to_json()))) == inst
    assert inst.integer_scale() == 2
    with pytest.raises(ValueError, match="dimension"):
        load_problem({"problem": "separability", "inside": [[0, 0]], "outside": [[1, 2, 3]]})
    with pytest.raises(ValueError, match="dimension"):
        Separability(inside=[[0, 0], [1]], outside=[])
    with pytest.raises(ValueError, match="dim"):
        Separability(inside=[], outside=[])
    with pytest.raises(ValueError, match="w1"):
        inst.check(([1, 2, 3], 0, [1, 2], 0))
    with pytest.raises(ValueError):
        Separability(inside=[[float("nan"), 0]], outside=[])


# ---------------------------------------------------------------------------------------------
# base: load_problem dispatch, Reduction composition
# ---------------------------------------------------------------------------------------------


def test_numpy_booleans_and_integers_are_accepted_as_assignments():
    f = CNF(2, [(1, -2)])
    assert f.check(np.array([True, False])) and f.check([np.int64(0), np.int64(0)])
    assert not f.check(np.array([False, True]))
    with pytest.raises(ValueError, match="0/1"):
        f.check([2, 0])


def test_every_problem_json_has_its_name_and_round_trips_through_text():
    """All eight graph nodes: to_json -> json text -> load_problem gives an equal instance, and the
    JSON names the problem (lsa_program: the BilinearProgram schema, by design no "problem" key)."""
    import json as _json

    from reductions import chain, generate

    seen = {}
    for name in ("cnf", "nae_sat", "set_splitting", "partition", "coloring", "separability"):
        seen[name] = generate(name, 4, 7, planted=True)[0]
    sep = seen["separability"]
    seen["bm_program"] = chain(sep, "bm_program").target
    seen["lsa_program"] = chain(sep, "lsa_program").target
    assert set(seen) == set(problems())
    for name, inst in seen.items():
        data = _json.loads(_json.dumps(inst.to_json()))
        if name == "lsa_program":
            assert data["schema"] == "lsahard.bilinear/1" and "problem" not in data
        else:
            assert data["problem"] == name and data["schema"] == f"lsahard.{name}/1"
        back = load_problem(data)
        assert type(back) is type(inst) and back.to_json() == inst.to_json(), name


# -- DIMACS .col graphs ---------------------------------------------------------------------------

def test_dimacs_col_reading(tmp_path):
    from reductions import load_problem
    from reductions.problems.coloring import Coloring

    col = tmp_path / "c5.col"
    col.write_text("c the 5-cycle\np edge 6 5\ne 1 2\ne 2 3\ne 3 4\ne 4 5\ne 5 1\n")
    g = load_problem(col, k=3)
    assert isinstance(g, Coloring) and g.k == 3
    assert g.size() == {"n_nodes": 6, "n_edges": 5, "k": 3}  # node 6 is isolated but present
    assert g.check({1: 0, 2: 1, 3: 0, 4: 1, 5: 2, 6: 0})
    assert not g.check({1: 0, 2: 1, 3: 0, 4: 1, 5: 0, 6: 0})
    # round trip through to_dimacs; both directions of an edge listed (M counts lines) is accepted
    assert Coloring.from_dimacs(g.to_dimacs(), 3) == g
    both = Coloring.from_dimacs("p edge 2 2\ne 1 2\ne 2 1\n", 2)
    assert both.size()["n_edges"] == 1
    with pytest.raises(ValueError, match="colours"):
        load_problem(col)
    for text, msg in [("e 1 2\n", "before the 'p edge'"), ("p edge 2 1\ne 1 3\n", "line 2: node 3 out of range"),
                      ("p edge 2 2\ne 1 2\n", "announces 2 edges"), ("p cnf 2 1\n", "malformed problem line"),
                      ("p edge 2 1\ne 1\n", "malformed edge line"), ("p edge 2 1\nx 1 2\n", "unexpected line")]:
        with pytest.raises(ValueError, match=msg):
            Coloring.from_dimacs(text, 2)


def test_dimacs_col_public_myciel3():

    from reductions import decide, load_problem

    path = SHARED / "col" / "myciel3.col"
    if not path.exists():
        pytest.skip(f"public instances folder {path.parent.parent} is absent")
    # myciel3: 11 nodes, 20 edges, chromatic number 4 (answers.solu)
    assert load_problem(path, k=4).size() == {"n_nodes": 11, "n_edges": 20, "k": 4}
    assert decide(load_problem(path, k=4), method="sat").answer is True
    assert decide(load_problem(path, k=3), method="sat").answer is False


def test_point_problems_state_their_dimension():
    from reductions.problems.bm_program import BMProgram

    for cls in (Separability, BMProgram):
        assert cls(inside=[[1, 2]], outside=[]).dimension == 2
        assert cls(inside=[], outside=[], dim=3).dimension == 3
        inst = cls(inside=[[1]], outside=[[0]])
        object.__setattr__(inst, "dim", None)  # only a bypassed constructor leaves it unset
        with pytest.raises(ValueError, match="dim: unset"):
            inst.size()
