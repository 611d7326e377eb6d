"""Graph k-colouring -> CNF (standard encoding; REDUCTIONS.md construction 4).

Variable x_{v,c} (node v in ``instance.nodes`` order, colour c in 0..k-1) has DIMACS index
``idx(v) * k + c + 1``.  Clauses:

* at least one colour per node:  (x_{v,0} or ... or x_{v,k-1})                  n clauses,
* at most one colour per node:   (not x_{v,c} or not x_{v,c'}), c < c'            n k(k-1)/2,
* edges:                         (not x_{u,c} or not x_{v,c}) per edge uv, colour c   ``|E| k``
  (a self-loop gives the clause (not x_{u,c} or not x_{u,c}) and an unsatisfiable formula).

* Forward: x_{v,c} = (colour(v) == c).
* Backward: colour(v) = the smallest c with x_{v,c} true (exists by the at-least-one clauses; the
  edge clauses forbid equal colours on an edge).

Target size: ``RULE.size_formula`` (declared once, at the end of this module).
"""

from __future__ import annotations

from typing import Any

from reductions.problems.base import Reduction, as_bool_tuple
from reductions.problems.cnf import CNF
from reductions.problems.coloring import Coloring
from reductions.rules.registry import Rule, register


def reduce(instance: Coloring) -> Reduction:
    """Apply the rule to one instance (REDUCTIONS.md construction 4: one variable per node and colour).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : Coloring
        The source instance.

    Returns
    -------
    Reduction
        The CNF target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution).

    Raises
    ------
    TypeError
        If ``instance`` is not a Coloring.

    Examples
    --------
    >>> import networkx as nx
    >>> from reductions.problems.coloring import Coloring
    >>> r = reduce(Coloring(k=2, graph=nx.path_graph(2)))
    >>> r.target.n_vars, r.target.n_clauses, r.target.check(r.forward([0, 1]))
    (4, 6, True)
    >>> r.backward((False, True, True, False))
    {0: 1, 1: 0}
    """
    if not isinstance(instance, Coloring):
        raise TypeError(f"instance: expected a Coloring, got {type(instance).__name__}")
    k = instance.k
    nodes = instance.nodes
    index = {v: i for i, v in enumerate(nodes)}

    def var(v: Any, c: int) -> int:
        return index[v] * k + c + 1

    clauses = []
    for v in nodes:
        clauses.append(tuple(var(v, c) for c in range(k)))
    for v in nodes:
        for c in range(k):
            for c2 in range(c + 1, k):
                clauses.append((-var(v, c), -var(v, c2)))
    for u, v in instance.edges:
        for c in range(k):
            clauses.append((-var(u, c), -var(v, c)))
    target = CNF(n_vars=len(nodes) * k, clauses=tuple(clauses))

    def forward(sol: Any) -> tuple[bool, ...]:
        col = instance.normalize_solution(sol)
        return tuple(col[v] == c for v in nodes for c in range(k))

    def backward(sol: Any) -> dict:
        a = as_bool_tuple(sol, len(nodes) * k)
        out = {}
        for v in nodes:
            chosen = [c for c in range(k) if a[var(v, c) - 1]]
            out[v] = chosen[0] if chosen else 0
        return out

    return Reduction(RULE.name, instance, target, forward, backward, target.size(), predicted_size(instance))


RULE = register(Rule(
    name="coloring_to_cnf", source="coloring", target="cnf",
    size_formula={"n_vars": "n_nodes * k", "n_clauses": "n_nodes * (1 + k * (k - 1) // 2) + n_edges * k",
                  "n_literals": "n_nodes * k**2 + 2 * n_edges * k"},
    reduce=reduce,
))

#: target size of ``reduce(source)``: ``RULE.size_formula`` on ``source.size()``
predicted_size = RULE.predicted_size
