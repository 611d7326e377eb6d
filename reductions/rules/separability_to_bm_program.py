"""2-plane separability -> Bennett-Mangasarian bilinear program (Bennett and Mangasarian 1993).

Instance map: the same point sets, inside ``P`` -> ``A'`` and outside ``Q`` -> ``B``.

Correctness (both directions, exact):

* forward (planes ``(w1, g1, w2, g2)`` with ``p.w_i > g_i`` and every q cut by some plane ->
  BM point of objective 0): put outside point q in ``Q_1`` if ``q.w_1 < g_1``, else in ``Q_2``;
  each plane strictly separates P from its ``Q_i``, so the affine margin rescaling
  (:func:`reductions.problems.bm_program.rescale_plane`) gives ``p.w_i - g_i >= 1`` and
  ``q.w_i - g_i <= -1`` on ``Q_i``; ``z_i = max(0, B w_i - g_i e + e)`` vanishes on ``Q_i``, so
  ``z1_l z2_l = 0`` for every l.
* backward (BM point of objective 0 -> planes): ``p.w_i - g_i >= 1 > 0`` and, since
  ``z1_l z2_l = 0`` with ``z >= 0``, some ``z_i,l = 0 >= q_l.w_i - g_i + 1``, i.e.
  ``q_l.w_i < g_i``: the same planes separate.

Target size: ``RULE.size_formula`` (declared once, at the end of this module).
"""

from __future__ import annotations

from typing import Any

from reductions.problems.base import Reduction
from reductions.problems.bm_program import BMProgram
from reductions.problems.separability import Separability
from reductions.rules.registry import Rule, register

__all__ = ["RULE", "predicted_size", "reduce"]


def reduce(instance: Separability) -> Reduction:
    """Apply the rule to one instance (Bennett-Mangasarian: the same point sets, margin 1).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : Separability
        The source instance.

    Returns
    -------
    Reduction
        The BMProgram target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution).

    Raises
    ------
    TypeError
        If ``instance`` is not a Separability.

    Examples
    --------
    >>> from reductions.problems.separability import Separability
    >>> r = reduce(Separability(inside=[[0]], outside=[[2], [-2]]))
    >>> bm_point = r.forward(((-1,), -1, (1,), -1))
    >>> r.target.check(bm_point), r.source.check(r.backward(bm_point))
    (True, True)
    """
    if not isinstance(instance, Separability):
        raise TypeError(f"instance: expected a Separability instance, got {type(instance).__name__}")
    target = BMProgram(inside=instance.inside, outside=instance.outside, dim=instance.dim)

    def forward(solution: Any) -> dict[str, Any]:
        """Separating planes -> zero-objective BM solution (exact; ValueError if not separating)."""
        if not instance.check(solution):
            raise ValueError("solution: the planes do not separate the instance")
        w1, g1, w2, g2 = instance.normalize_solution(solution)
        split = tuple(1 if c1 else 2 for c1, _ in instance.cut_by(solution))
        sol = target.solution_from_split({"w1": w1, "g1": g1, "w2": w2, "g2": g2}, split)
        if sol is None:  # pragma: no cover - impossible for separating planes (see module doc)
            raise AssertionError("margin rescaling failed for separating planes")
        return sol

    def backward(solution: Any) -> tuple:
        """BM solution -> planes ``(w1, g1, w2, g2)`` (exact Fractions)."""
        s = target.parse_solution(solution)
        return (s["w1"], s["g1"], s["w2"], s["g2"])

    return Reduction(
        rule=RULE.name,
        source=instance,
        target=target,
        forward=forward,
        backward=backward,
        size=target.size(),
        predicted_size=predicted_size(instance),
    )


RULE = register(Rule(
    name="separability_to_bm_program", source="separability", target="bm_program",
    size_formula={"dim": "dim", "n_inside": "n_inside", "n_outside": "n_outside"},
    reduce=reduce,
))

#: target size of ``reduce(source)``: ``RULE.size_formula`` on ``source.size()``
predicted_size = RULE.predicted_size
