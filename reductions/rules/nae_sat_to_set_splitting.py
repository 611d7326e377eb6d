"""NAE-SAT -> set splitting (standard; Garey-Johnson SP4).

Ground set: the 2n literals, element 2(i-1) is x_i and element 2(i-1)+1 is (not x_i).  Subsets:
every clause as the set of its (distinct) literal elements, plus the complementary pair
{x_i, not x_i} for every variable i.

* Forward: side 0 (S_1) = the true literals, side 1 = the false ones.  Each pair is split, and each
  clause is split because it has a true and a false literal.
* Backward: x_i = (side of element x_i == 0).  A splitting puts x_i and not x_i on different sides
  (pair subsets), so "literal on side 0" = "literal true", and every clause has both.

Repeated literals collapse (the NAE condition only depends on the set of literals); a clause with a
single distinct literal becomes a singleton, which no splitting splits (matches: no NAE
assignment).

Target size: ``RULE.size_formula`` (declared once, at the end of this module).
"""

from __future__ import annotations

from typing import Any

from reductions.problems.base import Reduction, as_bool_tuple
from reductions.problems.nae_sat import NAESAT
from reductions.problems.set_splitting import SetSplitting
from reductions.rules.registry import Rule, register


def literal_element(lit: int) -> int:
    """0-based ground-set element of a DIMACS literal.

    Parameters
    ----------
    lit : int
        Non-zero DIMACS literal.

    Returns
    -------
    int
        ``2(i-1)`` for x_i, ``2(i-1)+1`` for not x_i.

    Examples
    --------
    >>> literal_element(1), literal_element(-1)
    (0, 1)
    """
    return 2 * (abs(lit) - 1) + (0 if lit > 0 else 1)


def reduce(instance: NAESAT) -> Reduction:
    """Apply the rule to one instance (Garey-Johnson SP4: literals as elements, clauses and complementary pairs as subsets).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : NAESAT
        The source instance.

    Returns
    -------
    Reduction
        The SetSplitting target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution).

    Raises
    ------
    TypeError
        If ``instance`` is not a NAESAT.

    Examples
    --------
    >>> from reductions.problems.nae_sat import NAESAT
    >>> r = reduce(NAESAT(n_vars=2, clauses=((1, -2),)))
    >>> r.target.subsets
    ((0, 3), (0, 1), (2, 3))
    >>> r.forward((True, True)), r.backward((0, 1, 0, 1))
    ((0, 1, 0, 1), (True, True))
    """
    if not isinstance(instance, NAESAT):
        raise TypeError(f"instance: expected a NAESAT, got {type(instance).__name__}")
    n = instance.n_vars
    subsets = []
    for c in instance.clauses:
        elems = sorted({literal_element(l) for l in c})
        subsets.append(tuple(elems))
    subsets += [(2 * i, 2 * i + 1) for i in range(n)]
    target = SetSplitting(n=2 * n, subsets=tuple(subsets))

    def forward(sol: Any) -> tuple[int, ...]:
        a = as_bool_tuple(sol, n)
        out = []
        for v in a:
            out += [0 if v else 1, 1 if v else 0]
        return tuple(out)

    def backward(sol: Any) -> tuple[bool, ...]:
        side = as_bool_tuple(sol, 2 * n)
        return tuple(not side[2 * i] for i in range(n))

    return Reduction(RULE.name, instance, target, forward, backward, target.size(), predicted_size(instance))


RULE = register(Rule(
    name="nae_sat_to_set_splitting", source="nae_sat", target="set_splitting",
    size_formula={"n": "2 * n_vars", "n_subsets": "n_clauses + n_vars"},
    reduce=reduce,
))

#: target size of ``reduce(source)``: ``RULE.size_formula`` on ``source.size()``
predicted_size = RULE.predicted_size
