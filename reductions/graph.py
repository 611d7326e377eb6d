"""The reduction graph: problems are nodes, rules are directed edges.

Every rule module ``reductions.rules.<src>_to_<dst>`` provides ``reduce(instance) -> Reduction``;
modules are imported lazily (only when a chain uses them) so that a missing module does not break
``import reductions``.  Edge attributes: ``rule`` (module name), ``module`` (dotted path).

* ``rules_graph()`` -> ``networkx.DiGraph`` (a fresh copy),
* ``path(src, dst, via=())`` -> list of rule names of a shortest path (through the problems in
  ``via``, in order); ValueError for unknown names or when no path exists,
* ``chain(instance, dst, via=())`` -> the composed :class:`~reductions.base.Reduction`.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Iterable

import networkx as nx

from reductions.base import PROBLEM_MODULES, Problem, Reduction, load_problem

__all__ = ["RULES", "rules_graph", "path", "chain", "rule_module", "format_graph"]

#: rule name -> (source problem, target problem).  Module: ``reductions.rules.<rule>``.
RULES: dict[str, tuple[str, str]] = {
    "cnf_to_nae_sat": ("cnf", "nae_sat"),
    "nae_sat_to_separability": ("nae_sat", "separability"),
    "nae_sat_to_set_splitting": ("nae_sat", "set_splitting"),
    "set_splitting_to_separability": ("set_splitting", "separability"),
    "coloring_to_cnf": ("coloring", "cnf"),
    "partition_to_lsa_program": ("partition", "lsa_program"),
    "separability_to_bm_program": ("separability", "bm_program"),
    "bm_program_to_lsa_program": ("bm_program", "lsa_program"),
}


def rule_module(rule: str):
    """Import and return ``reductions.rules.<rule>`` (ValueError for an unknown rule)."""
    if rule not in RULES:
        raise ValueError(f"rule: unknown rule {rule!r}; expected one of {sorted(RULES)}")
    return importlib.import_module(f"reductions.rules.{rule}")


def rules_graph() -> nx.DiGraph:
    """A fresh DiGraph of all problems (nodes) and registered rules (edges).

    Node attributes: ``module``, ``cls``.  Edge attributes: ``rule``, ``module``, ``available``
    (the rule module exists on disk)."""
    G = nx.DiGraph()
    for name, (module, cls) in PROBLEM_MODULES.items():
        G.add_node(name, module=module, cls=cls)
    for rule, (src, dst) in RULES.items():
        module = f"reductions.rules.{rule}"
        G.add_edge(src, dst, rule=rule, module=module, available=importlib.util.find_spec(module) is not None)
    return G


def _check_name(name: str, what: str) -> None:
    if not isinstance(name, str) or name not in PROBLEM_MODULES:
        raise ValueError(f"{what}: unknown problem {name!r}; expected one of {sorted(PROBLEM_MODULES)}")


def path(src: str, dst: str, via: Iterable[str] = ()) -> list[str]:
    """Rule names along a shortest path src -> (via...) -> dst ([] when src == dst)."""
    _check_name(src, "source")
    _check_name(dst, "target")
    stops = [src, *via, dst]
    for v in stops[1:-1]:
        _check_name(v, "via")
    G = rules_graph()
    rules: list[str] = []
    for a, b in zip(stops[:-1], stops[1:]):
        if a == b:
            continue
        try:
            nodes = nx.shortest_path(G, a, b)
        except nx.NetworkXNoPath:
            raise ValueError(f"no reduction path from {a!r} to {b!r}") from None
        rules += [G.edges[u, v]["rule"] for u, v in zip(nodes[:-1], nodes[1:])]
    return rules


#: largest target a chain builds: dense entries (points x coordinates, or (d+1)^2 LSA variables).
#: The rules build dense Python lists, so e.g. "p cnf 100000 1" would need ~1e10 coordinates of
#: separability points (and once crashed with OverflowError for a 20-digit variable count).
MAX_TARGET_ENTRIES = 10**7


def _dense_entries(size: dict) -> int:
    """Dense storage a target of predicted ``size`` needs (0 for the sparse discrete problems)."""
    if "dim" in size:
        return int(size["dim"]) * (int(size.get("n_inside", 0)) + int(size.get("n_outside", 0)))
    if "d" in size:
        return (int(size["d"]) + 1) ** 2 + int(size.get("n_rows", 0))
    return 0


def chain(instance: Problem | dict | str, dst: str, via: Iterable[str] = ()) -> Reduction:
    """Apply the rules of ``path(instance.PROBLEM, dst, via)`` and compose them.

    forward maps a source solution to a target solution through every step; backward maps a
    target solution back through every step.  ``Reduction.identity`` when no rule is needed."""
    instance = load_problem(instance)
    rules = path(instance.PROBLEM, dst, via)
    red = Reduction.identity(instance)
    for i, rule in enumerate(rules):
        module = rule_module(rule)
        predicted = module.predicted_size(red.target)
        if _dense_entries(predicted) > MAX_TARGET_ENTRIES:
            raise ValueError(
                f"instance: rule {rule} would build a target of size {predicted} "
                f"(more than {MAX_TARGET_ENTRIES:.0e} dense entries); the instance is too large"
            )
        step = module.reduce(red.target)
        red = step if i == 0 else Reduction.compose(red, step)
    return red


def format_graph(G: nx.DiGraph | None = None) -> str:
    """Text rendering: one line per rule, ``src --rule--> dst`` (plus [missing] if not on disk)."""
    G = rules_graph() if G is None else G
    lines = [f"problems: {', '.join(G.nodes)}", "rules:"]
    for u, v, data in G.edges(data=True):
        flag = "" if data.get("available", True) else "   [module missing]"
        lines.append(f"  {u:>13} --{data['rule']}--> {v}{flag}")
    return "\n".join(lines)
