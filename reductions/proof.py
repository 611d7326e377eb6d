"""Proof by computation of a reduction rule (REDUCTIONS.md, last section).

``check_reduction(reduce, source, source_method, target_method)`` applies one rule (or a chain)
to one source instance and checks, raising :class:`ReductionCheckError` on any failure:

1. the size formula: ``predicted_size`` equals the constructed target's size (every step);
2. the source and the target are decided independently (exact deciders of
   :mod:`reductions.deciders.source`) and the answers are equal -- YES and NO instances alike;
3. on YES: ``forward(source witness)`` passes the target's exact ``check``, and
   ``backward(target witness found by the target's decider)`` passes the source's exact ``check``.

It returns "yes" or "no".  The ``all_*`` functions enumerate every small instance of a problem
(the exhaustive families used by the tests and by ``benchmarks/bench_reductions.py``).
"""

from __future__ import annotations

import itertools
from typing import Callable, Iterator

import networkx as nx

from reductions.problems.base import Problem, Reduction
from reductions.problems.cnf import CNF
from reductions.problems.coloring import Coloring
from reductions.problems.nae_sat import NAESAT
from reductions.problems.set_splitting import SetSplitting
from reductions.deciders.source import decide

__all__ = [
    "ReductionCheckError",
    "check_reduction",
    "all_clauses",
    "all_cnfs",
    "all_nae_sats",
    "all_set_splittings",
    "all_colorings",
]


class ReductionCheckError(AssertionError):
    """A reduction failed one of the checks of :func:`check_reduction`."""


def check_reduction(
    reduce: Callable[[Problem], Reduction],
    source: Problem,
    source_method: str = "brute",
    target_method: str = "brute",
    time_limit: float | None = None,
) -> str:
    """Check one rule/chain on one instance (module docstring); returns "yes" or "no"."""
    red = reduce(source)
    if not isinstance(red, Reduction):
        raise ReductionCheckError(f"reduce returned {type(red).__name__}, not a Reduction")
    if red.source is not source and red.source != source:
        raise ReductionCheckError("reduction.source is not the given instance")
    if dict(red.target.size()) != dict(red.size):
        raise ReductionCheckError(f"{red.rule}: size {red.size} != target.size() {red.target.size()}")
    if not red.size_matches:
        bad = [s for s in red.steps if any(s["target_size"].get(k) != v for k, v in s["predicted_size"].items())]
        raise ReductionCheckError(f"size formula mismatch in {bad[0]['rule']}: predicted "
                                  f"{bad[0]['predicted_size']}, actual {bad[0]['target_size']} on {source}")
    ds = decide(source, source_method, time_limit=time_limit)
    dt = decide(red.target, target_method, time_limit=time_limit)
    if ds.answer is None or dt.answer is None:
        raise ReductionCheckError(f"{red.rule}: undecided (source: {ds.status}; target: {dt.status}) on {source}")
    if ds.answer != dt.answer:
        raise ReductionCheckError(
            f"{red.rule}: source answer {ds.answer} ({ds.status}) != target answer {dt.answer} ({dt.status}) "
            f"on {source}"
        )
    if ds.answer:
        tw = red.forward(ds.witness)
        if not red.target.check(tw):
            raise ReductionCheckError(f"{red.rule}: forward({ds.witness}) is not a target solution on {source}")
        sw = red.backward(dt.witness)
        if not source.check(sw):
            raise ReductionCheckError(
                f"{red.rule}: backward(target witness) = {sw} is not a source solution on {source}"
            )
        # the composite forward-then-backward must also land on a source solution
        if not source.check(red.backward(tw)):
            raise ReductionCheckError(f"{red.rule}: backward(forward(witness)) is not a source solution on {source}")
        return "yes"
    return "no"


# ------------------------------------------------------------------------------------------------
# exhaustive families
# ------------------------------------------------------------------------------------------------
def all_clauses(n: int, widths: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every clause over distinct variables of 1..n with a width in ``widths`` (sorted by |lit|)."""
    out = []
    for w in widths:
        for vars_ in itertools.combinations(range(1, n + 1), w):
            for signs in itertools.product((1, -1), repeat=w):
                out.append(tuple(v * s for v, s in zip(vars_, signs)))
    return out


def _families(items: list, max_size: int, min_size: int = 1) -> Iterator[tuple]:
    for m in range(min_size, max_size + 1):
        yield from itertools.combinations(items, m)


def all_cnfs(n: int, max_clauses: int, widths: tuple[int, ...] = (1, 2, 3)) -> Iterator[CNF]:
    """Every CNF on n variables with 1..max_clauses distinct clauses of the given widths."""
    for cl in _families(all_clauses(n, widths), max_clauses):
        yield CNF(n, cl)


def all_nae_sats(n: int, max_clauses: int, widths: tuple[int, ...] = (2, 3)) -> Iterator[NAESAT]:
    """Every NAE-SAT instance on n variables with 1..max_clauses distinct clauses."""
    for cl in _families(all_clauses(n, widths), max_clauses):
        yield NAESAT(n, cl)


def all_set_splittings(n: int, max_subsets: int, min_subset: int = 1) -> Iterator[SetSplitting]:
    """Every family of 1..max_subsets distinct subsets (of size >= min_subset) of {0..n-1}."""
    subsets = [s for r in range(min_subset, n + 1) for s in itertools.combinations(range(n), r)]
    for fam in _families(subsets, max_subsets):
        yield SetSplitting(n, fam)


def all_colorings(max_nodes: int, ks: tuple[int, ...] = (1, 2, 3)) -> Iterator[Coloring]:
    """Every labelled simple graph on 1..max_nodes nodes, with every k in ``ks``."""
    for n in range(1, max_nodes + 1):
        pairs = list(itertools.combinations(range(n), 2))
        for mask in range(1 << len(pairs)):
            G = nx.Graph()
            G.add_nodes_from(range(n))
            G.add_edges_from(p for i, p in enumerate(pairs) if mask >> i & 1)
            for k in ks:
                yield Coloring(k, G)
