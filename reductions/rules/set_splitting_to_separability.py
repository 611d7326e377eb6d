"""Set splitting -> 2-plane separability (Blum and Rivest 1992, section 3; REDUCTIONS.md
construction 3).

Dimension n; inside P = {0} plus the 0/1 indicator vector 1_c of every subset c; outside
Q = {e_1, ..., e_n}.

* Forward (Blum-Rivest): for the splitting S_1, S_2 plane i is {x : a.x > -1/2} with a_t = -1 for
  t in S_i and a_t = n otherwise; we store it scaled by 2 (w_i = 2a, g_i = -1).  0 is inside;
  1_c has a.1_c >= n - ``|c cap S_i|`` >= 1 because c is not inside S_i; e_t with t in S_i has
  a.e_t = -1 < -1/2 (cut by plane i).
* Backward: s_t in S_1 (side 0) iff e_t is cut off by plane 1, else S_2 (then e_t is cut by plane
  2).  If a subset c had all its elements cut by plane i, then 1_c = sum_{t in c} e_t has
  1_c.w_i < ``|c|`` g_i <= g_i (g_i < 0 because 0 is inside), so 1_c would be cut -- impossible.

Target size: ``RULE.size_formula`` (declared once, at the end of this module).
"""

from __future__ import annotations

from typing import Any

from reductions.problems.base import Reduction, as_bool_tuple
from reductions.problems.separability import Separability
from reductions.problems.set_splitting import SetSplitting
from reductions.problems.values import as_points
from reductions.rules.registry import Rule, register


def reduce(instance: SetSplitting) -> Reduction:
    """Apply the rule to one instance (REDUCTIONS.md construction 3, Blum-Rivest).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : SetSplitting
        The source instance.

    Returns
    -------
    Reduction
        The Separability target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution).

    Raises
    ------
    TypeError
        If ``instance`` is not a SetSplitting.

    Examples
    --------
    >>> from reductions.problems.set_splitting import SetSplitting
    >>> r = reduce(SetSplitting(n=2, subsets=((0, 1),)))
    >>> planes = r.forward((0, 1))
    >>> r.target.check(planes), r.backward(planes)
    (True, (0, 1))
    """
    if not isinstance(instance, SetSplitting):
        raise TypeError(f"instance: expected a SetSplitting, got {type(instance).__name__}")
    n = instance.n
    dim = max(1, n)
    inside = [[0] * dim]
    for s in instance.subsets:
        p = [0] * dim
        for t in s:
            p[t] = 1
        inside.append(p)
    outside = []
    for t in range(n):
        q = [0] * dim
        q[t] = 1
        outside.append(q)
    target = Separability(inside=as_points(inside), outside=as_points(outside), dim=dim)

    def forward(sol: Any) -> tuple:
        side = as_bool_tuple(sol, n)
        planes = []
        for i in (False, True):  # plane 1 <-> S_1 (side 0), plane 2 <-> S_2 (side 1)
            a = [2 * (-1 if side[t] == i else n) for t in range(n)] + [0] * (dim - n)
            planes += [tuple(a), -1]
        return tuple(planes)

    def backward(sol: Any) -> tuple[int, ...]:
        cut = target.cut_by(sol)
        return tuple(0 if cut[t][0] else 1 for t in range(n))

    return Reduction(RULE.name, instance, target, forward, backward, target.size(), predicted_size(instance))


RULE = register(Rule(
    name="set_splitting_to_separability", source="set_splitting", target="separability",
    size_formula={"dim": "max(1, n)", "n_inside": "1 + n_subsets", "n_outside": "n"},
    reduce=reduce,
))

#: target size of ``reduce(source)``: ``RULE.size_formula`` on ``source.size()``
predicted_size = RULE.predicted_size
