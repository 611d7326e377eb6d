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
from collections.abc import Callable, Iterator

import networkx as nx

from reductions.deciders.source import decide
from reductions.problems.base import Problem, Reduction
from reductions.problems.cnf import CNF
from reductions.problems.coloring import Coloring
from reductions.problems.nae_sat import NAESAT
from reductions.problems.set_splitting import SetSplitting

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
    """A reduction failed one of the checks of :func:`check_reduction`.

    A subclass of :class:`AssertionError`, so that a failed check reads as a failed test; the
    message names the rule, the failed check and the source instance.
    """


def check_reduction(
    reduce: Callable[[Problem], Reduction],
    source: Problem,
    source_method: str = "brute",
    target_method: str = "brute",
    time_limit: float | None = None,
) -> str:
    """Check one rule/chain on one instance (module docstring).

    The proof by computation of REDUCTIONS.md (last section): the size formula holds at every
    step; the source and the target, decided independently, have the same answer; on YES the
    forward image of the source witness passes the target's exact ``check``, and the backward
    images of the target's witness and of the forward witness pass the source's exact ``check``.

    Parameters
    ----------
    reduce : callable
        ``reduce(source) -> Reduction``: a rule's ``reduce`` or a composed chain.
    source : Problem
        The source instance.
    source_method, target_method : str, optional
        Methods of :func:`reductions.deciders.source.decide` for the source and the target.
    time_limit : float or None, optional
        Seconds per decision, or None for no limit.

    Returns
    -------
    str
        ``"yes"`` or ``"no"``, the common answer.

    Raises
    ------
    ReductionCheckError
        On any failed check: ``reduce`` returned no Reduction or another source, a size mismatch,
        an undecided instance, different answers, or a witness failing a ``check``.

    Examples
    --------
    >>> from reductions import CNF
    >>> from reductions.rules.registry import get
    >>> reduce = get("cnf_to_nae_sat").reduce
    >>> check_reduction(reduce, CNF(n_vars=2, clauses=((1, 2), (-1,))))
    'yes'
    >>> check_reduction(reduce, CNF(n_vars=1, clauses=((1,), (-1,))))
    'no'
    """
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
    """Every clause over distinct variables of 1..n with a width in ``widths``.

    Parameters
    ----------
    n : int
        Number of variables (>= 0).
    widths : tuple of int
        Allowed clause widths.

    Returns
    -------
    list of tuple of int
        The clauses as signed literals, sorted by ``abs(literal)`` within a clause; by width, then
        by variable set, then by signs.

    Examples
    --------
    >>> all_clauses(2, (2,))
    [(1, 2), (1, -2), (-1, 2), (-1, -2)]
    """
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
    """Every CNF on n variables with 1..max_clauses distinct clauses of the given widths.

    Parameters
    ----------
    n : int
        Number of variables.
    max_clauses : int
        Largest number of clauses.
    widths : tuple of int, optional
        Allowed clause widths.

    Yields
    ------
    CNF
        Each instance once (clause sets as combinations of :func:`all_clauses`).
    """
    for cl in _families(all_clauses(n, widths), max_clauses):
        yield CNF(n, cl)


def all_nae_sats(n: int, max_clauses: int, widths: tuple[int, ...] = (2, 3)) -> Iterator[NAESAT]:
    """Every NAE-SAT instance on n variables with 1..max_clauses distinct clauses.

    Parameters
    ----------
    n : int
        Number of variables.
    max_clauses : int
        Largest number of clauses.
    widths : tuple of int, optional
        Allowed clause widths.

    Yields
    ------
    NAESAT
        Each instance once.
    """
    for cl in _families(all_clauses(n, widths), max_clauses):
        yield NAESAT(n, cl)


def all_set_splittings(n: int, max_subsets: int, min_subset: int = 1) -> Iterator[SetSplitting]:
    """Every family of 1..max_subsets distinct subsets of ``{0..n-1}``.

    Parameters
    ----------
    n : int
        Size of the ground set.
    max_subsets : int
        Largest number of subsets.
    min_subset : int, optional
        Smallest subset size.

    Yields
    ------
    SetSplitting
        Each family once.
    """
    subsets = [s for r in range(min_subset, n + 1) for s in itertools.combinations(range(n), r)]
    for fam in _families(subsets, max_subsets):
        yield SetSplitting(n, fam)


def all_colorings(max_nodes: int, ks: tuple[int, ...] = (1, 2, 3)) -> Iterator[Coloring]:
    """Every labelled simple graph on 1..max_nodes nodes, with every k in ``ks``.

    Parameters
    ----------
    max_nodes : int
        Largest number of nodes.
    ks : tuple of int, optional
        Numbers of colours.

    Yields
    ------
    Coloring
        One instance per graph (nodes ``0..n-1``, every edge subset) and k.
    """
    for n in range(1, max_nodes + 1):
        pairs = list(itertools.combinations(range(n), 2))
        for mask in range(1 << len(pairs)):
            G = nx.Graph()
            G.add_nodes_from(range(n))
            G.add_edges_from(p for i, p in enumerate(pairs) if mask >> i & 1)
            for k in ks:
                yield Coloring(k, G)
