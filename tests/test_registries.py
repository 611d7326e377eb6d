"""The registries: a rule's or solver's single declaration drives the graph, RULES, SOLVER_NAMES,
the runner lookup and the proof set; duplicates are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

import recovery.programs.solvers as solvers
from recovery.programs.solvers import SOLVER_NAMES, available_solvers
from recovery.programs.solvers import registry as solver_registry
from recovery.programs.solvers.registry import SolverSpec
from recovery.programs.solvers.result import Outcome
from reductions.rules import registry as rule_registry
from reductions.rules.graph import RULES, format_graph, path, rule_module, rules_graph
from reductions.rules.registry import Rule, rules_table


def _fake_reduce(instance):  # pragma: no cover - never called
    raise NotImplementedError


@pytest.fixture
def fake_rule():
    rule = rule_registry.register(Rule(name="lsa_program_to_partition", source="lsa_program",
                                       target="partition", size_formula={"n": "d"},
                                       reduce=_fake_reduce))
    try:
        yield rule
    finally:
        rule_registry.unregister(rule.name)


def test_registered_rules_are_the_graph():
    regs = rule_registry.rules()
    assert list(regs) == list(RULES)
    G = rules_graph()
    for name, r in regs.items():
        assert RULES[name] == (r.source, r.target)
        assert G.edges[r.source, r.target]["rule"] == name
        assert G.edges[r.source, r.target]["module"] == f"reductions.rules.{name}"
        mod = rule_module(name)
        assert mod.RULE is r and mod.reduce is r.reduce
        # the size formula is declared once: no second copy in the module or its docstring
        assert not hasattr(mod, "SIZE_FORMULA") and "SIZE_FORMULA" not in (mod.__doc__ or "")
        assert r.size_text.replace("|", "\\|") in rules_table()


def test_a_registry_entry_drives_the_graph(fake_rule):
    assert RULES["lsa_program_to_partition"] == ("lsa_program", "partition")
    assert rules_graph().edges["lsa_program", "partition"]["rule"] == "lsa_program_to_partition"
    assert path("lsa_program", "partition") == ["lsa_program_to_partition"]
    assert "lsa_program_to_partition" in format_graph()
    assert "`lsa_program_to_partition`" in rules_table()
    assert rule_module("lsa_program_to_partition").__name__ == __name__


def test_unregister_removes_the_edge(fake_rule):
    rule_registry.unregister(fake_rule.name)
    try:
        assert "lsa_program_to_partition" not in RULES
        assert not rules_graph().has_edge("lsa_program", "partition")
        with pytest.raises(ValueError, match="no reduction path"):
            path("lsa_program", "partition")
        with pytest.raises(ValueError, match="unknown rule"):
            rule_module("lsa_program_to_partition")
    finally:
        rule_registry.register(fake_rule)


def test_duplicate_rule_registration_is_refused():
    existing = rule_registry.get("cnf_to_nae_sat")
    with pytest.raises(ValueError, match="already registered"):
        rule_registry.register(existing)
    with pytest.raises(ValueError, match="already registered"):
        rule_registry.register(Rule(name="another_cnf_to_nae_sat", source="cnf", target="nae_sat",
                                    size_formula={"x": "1"}, reduce=_fake_reduce))
    assert "another_cnf_to_nae_sat" not in RULES


def test_rule_declaration_is_checked():
    with pytest.raises(ValueError, match="unknown problem"):
        Rule(name="x", source="sudoku", target="cnf", size_formula={"x": "1"}, reduce=_fake_reduce)
    with pytest.raises(TypeError, match="callable"):
        Rule(name="x", source="cnf", target="nae_sat", size_formula={"x": "1"}, reduce=None)
    with pytest.raises(ValueError, match="size_formula"):
        Rule(name="x", source="cnf", target="nae_sat", size_formula="n_vars + 1", reduce=_fake_reduce)
    with pytest.raises(ValueError, match="cannot parse"):
        Rule(name="x", source="cnf", target="nae_sat", size_formula={"x": "1 +"}, reduce=_fake_reduce)
    with pytest.raises(TypeError, match="Rule"):
        rule_registry.register(("x", "cnf", "nae_sat"))


def test_predicted_size_reads_the_declared_formula():
    from reductions import CNF, Partition

    rule = rule_registry.get("cnf_to_nae_sat")
    f = CNF(n_vars=3, clauses=((1, -2), (2, 3, -1)))
    assert rule.predicted_size(f) == rule.reduce(f).target.size()
    part = rule_registry.get("partition_to_lsa_program")
    assert part.predicted_size(Partition([1, 2, 3]), box=None)["n_bounded"] == 8
    with pytest.raises(TypeError, match="keyword parameters"):
        rule.predicted_size(f, box=2)


def test_solver_table_and_memory_models_come_from_the_registry():
    table = solver_registry.solvers_table()
    for name, spec in solver_registry.specs().items():
        assert f"`{name}`" in table and spec.method and spec.memory in solver_registry.MEMORY_MODELS
    with pytest.raises(ValueError, match="memory"):
        SolverSpec(name="x", requires="numpy", pip_hint="-", proves=(), runner=print, memory="huge")


def test_problems_register_where_they_are_defined():
    from reductions.problems import problem as problem_registry
    from reductions.problems.cnf import CNF

    assert problem_registry.problem_class("cnf") is CNF
    assert list(problem_registry.problems()) == ["cnf", "nae_sat", "set_splitting", "partition", "coloring",
                                                 "separability", "bm_program", "lsa_program"]
    with pytest.raises(ValueError, match="already registered"):
        problem_registry.register_problem(type("OtherCNF", (CNF,), {}))
    with pytest.raises(TypeError, match="Problem subclass"):
        problem_registry.register_problem(int)
    with pytest.raises(ValueError, match="unknown problem name"):
        problem_registry.problem_class("sudoku")


def test_solver_names_come_from_the_registry():
    assert SOLVER_NAMES == solver_registry.names() == (
        "scip", "maingo", "gurobi", "highs-milp", "multistart", "lm", "alternating-lp",
        "mccormick", "shor", "z3")
    assert set(available_solvers()) == set(SOLVER_NAMES)
    for name, spec in solver_registry.specs().items():
        assert solvers._runner(name) is spec.runner
        assert spec.runner.__module__.startswith("recovery.programs.solvers.")
    assert solver_registry.proving() == ("scip", "maingo", "gurobi", "highs-milp", "mccormick", "shor", "z3")


def test_a_solver_entry_drives_the_runner_lookup_and_proofs():
    def run_fake(program, time_limit, seed):
        return Outcome("infeasible", proof="fake")

    spec = solver_registry.register(SolverSpec(name="fake", requires="numpy", pip_hint="pip install numpy",
                                               proves=("infeasible",), runner=run_fake))
    try:
        assert solver_registry.names()[-1] == "fake"
        assert solvers._runner("fake") is run_fake
        assert "fake" in solver_registry.proving()
        assert spec.installed()
        with pytest.raises(ValueError, match="already registered"):
            solver_registry.register(SolverSpec(name="fake", requires="numpy", pip_hint="-",
                                                proves=(), runner=run_fake))
    finally:
        solver_registry.unregister("fake")
    assert "fake" not in solver_registry.names()
    with pytest.raises(ValueError, match="unknown solver"):
        solvers._runner("fake")


def test_duplicate_solver_registration_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        solver_registry.register(solver_registry.get("scip"))
    with pytest.raises(ValueError, match="subset"):
        SolverSpec(name="x", requires="numpy", pip_hint="-", proves=("everything",), runner=print)


def test_specs_do_not_import_optional_packages():
    code = ("import sys, recovery.programs.solvers; "
            "print(sorted(m for m in ('gurobipy', 'maingopy', 'z3', 'cvxpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
