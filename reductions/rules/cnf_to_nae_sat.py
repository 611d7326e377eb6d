"""CNF -> NAE-SAT (3-SAT -> NAE-4-SAT), REDUCTIONS.md construction 1.

Add one fresh variable z = x_{n+1} to every clause:  C  ->  C or z.

* Forward: a satisfying assignment s gives (s, z = False): every clause has a true literal of C
  and the false literal z.
* Backward: for a NAE assignment t, flip all variables if t(z) is True (NAE solutions are closed
  under complement); now z is False, so each clause has a true literal among C: drop z.

Target size: ``RULE.size_formula`` (declared once, at the end of this module).
"""

from __future__ import annotations

from typing import Any

from reductions.problems.base import Reduction, as_bool_tuple
from reductions.problems.cnf import CNF
from reductions.problems.nae_sat import NAESAT
from reductions.rules.registry import Rule, register


def reduce(instance: CNF) -> Reduction:
    """Apply the rule to one instance (REDUCTIONS.md construction 1: add z to every clause).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : CNF
        The source instance.

    Returns
    -------
    Reduction
        The NAE-SAT target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution).

    Raises
    ------
    TypeError
        If ``instance`` is not a CNF.

    Examples
    --------
    >>> from reductions.problems.cnf import CNF
    >>> r = reduce(CNF(n_vars=2, clauses=((1, -2), (2,))))
    >>> r.target.clauses
    ((1, -2, 3), (2, 3))
    >>> r.forward((True, True)), r.target.check(r.forward((True, True)))
    ((True, True, False), True)
    >>> r.backward((False, False, True))
    (True, True)
    """
    if not isinstance(instance, CNF):
        raise TypeError(f"instance: expected a CNF, got {type(instance).__name__}")
    n = instance.n_vars
    z = n + 1
    target = NAESAT(n_vars=n + 1, clauses=tuple(c + (z,) for c in instance.clauses))

    def forward(sol: Any) -> tuple[bool, ...]:
        return as_bool_tuple(sol, n) + (False,)

    def backward(sol: Any) -> tuple[bool, ...]:
        t = as_bool_tuple(sol, n + 1)
        if t[n]:
            t = tuple(not v for v in t)
        return t[:n]

    return Reduction(RULE.name, instance, target, forward, backward, target.size(), predicted_size(instance))


RULE = register(Rule(
    name="cnf_to_nae_sat", source="cnf", target="nae_sat",
    size_formula={"n_vars": "n_vars + 1", "n_clauses": "n_clauses", "n_literals": "n_literals + n_clauses",
                  "max_width": "max_width + 1 if n_clauses else 0"},
    reduce=reduce,
))

#: target size of ``reduce(source)``: ``RULE.size_formula`` on ``source.size()``
predicted_size = RULE.predicted_size
