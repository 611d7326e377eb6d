"""The reduction graph: problems are nodes, rules are directed edges.

Every rule module ``reductions.rules.<src>_to_<dst>`` declares itself once with
:func:`reductions.rules.registry.register` (its name, source, target, symbolic size formula and
``reduce``); :mod:`reductions.rules` imports all of them, and everything here is read from that
registry.  Edge attributes: ``rule`` (rule name), ``module`` (dotted path), ``available``.

* ``rules_graph()`` -> ``networkx.DiGraph`` (a fresh copy),
* ``path(src, dst, via=())`` -> list of rule names of a shortest path (through the problems in
  ``via``, in order); ValueError for unknown names or when no path exists,
* ``chain(instance, dst, via=())`` -> the composed :class:`~reductions.problems.base.Reduction`.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

import reductions.rules  # noqa: F401  (imports every rule module, which fills the registry)
from reductions.problems.loading import load_problem
from reductions.problems.problem import Problem, problems
from reductions.problems.reduction import Reduction
from reductions.rules import registry
from reductions.rules.registry import rules_table

__all__ = ["RULES", "rules_graph", "path", "chain", "rule_module", "format_graph", "rules_table"]

#: rule name -> (source problem, target problem), in registration order (the registry's own dict,
#: so it always agrees with :func:`reductions.rules.registry.rules`).
RULES: dict[str, tuple[str, str]] = registry.ENDPOINTS


def rule_module(rule: str):
    """The module that defines rule ``rule``.

    Parameters
    ----------
    rule : str
        Rule name, e.g. ``"cnf_to_nae_sat"``.

    Returns
    -------
    module
        The rule's module (with ``reduce``, ``RULE`` and ``predicted_size``).

    Raises
    ------
    ValueError
        For an unknown rule.

    Examples
    --------
    >>> rule_module("cnf_to_nae_sat").__name__
    'reductions.rules.cnf_to_nae_sat'
    """
    return registry.get(rule).module_object()


def rules_graph() -> nx.DiGraph:
    """A fresh DiGraph of all problems (nodes) and registered rules (edges).

    Returns
    -------
    networkx.DiGraph
        Node attributes: ``module``, ``cls``.  Edge attributes: ``rule``, ``module``,
        ``available`` (always True: a registered rule's module is imported).
    """
    G = nx.DiGraph()
    for name, cls in problems().items():
        G.add_node(name, module=cls.__module__, cls=cls.__name__)
    for rule in registry.rules().values():
        G.add_edge(rule.source, rule.target, rule=rule.name, module=rule.module, available=True)
    return G


def _check_name(name: str, what: str) -> None:
    if not isinstance(name, str) or name not in problems():
        raise ValueError(f"{what}: unknown problem {name!r}; expected one of {sorted(problems())}")


def path(src: str, dst: str, via: Iterable[str] = ()) -> list[str]:
    """Rule names along a shortest path src -> (via...) -> dst.

    Parameters
    ----------
    src : str
        Source problem name (a node of :func:`rules_graph`).
    dst : str
        Target problem name.
    via : iterable of str
        Problems the path must visit, in order.

    Returns
    -------
    list of str
        The rule names, in application order ([] when src == dst).

    Raises
    ------
    ValueError
        For an unknown problem name or when no path exists.

    Examples
    --------
    >>> path("cnf", "lsa_program")
    ['cnf_to_nae_sat', 'nae_sat_to_separability', 'separability_to_bm_program', 'bm_program_to_lsa_program']
    >>> path("cnf", "cnf")
    []
    """
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
    target solution back through every step (:meth:`Reduction.compose`).

    Parameters
    ----------
    instance : Problem, dict or str
        The source instance, or anything :func:`reductions.problems.loading.load_problem` reads.
    dst : str
        Target problem name.
    via : iterable of str
        Problems the path must visit, in order.

    Returns
    -------
    Reduction
        The composed reduction; ``Reduction.identity`` when no rule is needed.

    Raises
    ------
    ValueError
        For an unknown problem, no path, or a step whose predicted target has more than
        :data:`MAX_TARGET_ENTRIES` dense entries (the instance is too large).

    Examples
    --------
    >>> from reductions import CNF, chain
    >>> f = CNF(n_vars=2, clauses=((1, 2), (-1,)))
    >>> red = chain(f, "separability")
    >>> [s["rule"] for s in red.steps]
    ['cnf_to_nae_sat', 'nae_sat_to_separability']
    >>> red.target.check(red.forward((False, True)))
    True
    """
    instance = load_problem(instance)
    rules = path(instance.PROBLEM, dst, via)
    red = Reduction.identity(instance)
    for i, rule in enumerate(rules):
        spec = registry.get(rule)
        predicted = spec.predicted_size(red.target)
        if _dense_entries(predicted) > MAX_TARGET_ENTRIES:
            raise ValueError(
                f"instance: rule {rule} would build a target of size {predicted} "
                f"(more than {MAX_TARGET_ENTRIES:.0e} dense entries); the instance is too large"
            )
        step = spec.reduce(red.target)
        red = step if i == 0 else Reduction.compose(red, step)
    return red


def format_graph(G: nx.DiGraph | None = None) -> str:
    """Text rendering: one line per rule, ``src --rule--> dst`` (plus [missing] if not on disk).

    Parameters
    ----------
    G : networkx.DiGraph or None
        The graph (default: :func:`rules_graph`).

    Returns
    -------
    str
        A ``problems:`` line, a ``rules:`` line and one line per edge.
    """
    G = rules_graph() if G is None else G
    lines = [f"problems: {', '.join(G.nodes)}", "rules:"]
    for u, v, data in G.edges(data=True):
        flag = "" if data.get("available", True) else "   [module missing]"
        lines.append(f"  {u:>13} --{data['rule']}--> {v}{flag}")
    return "\n".join(lines)
