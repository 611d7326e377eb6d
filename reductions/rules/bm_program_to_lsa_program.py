"""Bennett-Mangasarian program -> generalised LSA recovery program (paper Appendix C.4 in spirit).

Our own index layouts (the paper's tables are not available; MATH.md section 5).  Notation:
``m = |P|`` inside points, ``k = |Q|`` outside points, ``n = dim``; all indices 0-based.  BM
variables: ``w1, w2`` (n each), ``g1, g2``, ``z1, z2`` (k each, nonnegative).

Layout ``"fixed"`` (default; the paper's style)
-----------------------------------------------
Every matrix ``D`` has entries in {0, 1} (like phi's ``E_uv + E_vu``): all instance data (point
coordinates, the constants 1 and -1) live in entries of A **fixed by bounds**.

=====================  ====================================  =====================
entry                  meaning                               bounds
=====================  ====================================  =====================
``b[l]``, l < k        ``z1_l``                              ``[0, Z]``
``b[k + t]``, t < n    ``w1_t``                              ``[-W, W]``
``b[k + n]``           ``g1``                                ``[-G, G]``
``b[k+n+1+t]``         ``w2_t``                              ``[-W, W]``
``b[k + 2n + 1]``      ``g2``                                ``[-G, G]``
``b[k + 2n + 2]``      constant 1                            fixed
``A[l, 0]``, l < k     ``z2_l``                              ``[0, Z]``
``A[k, 0]``            constant 1                            fixed
``A[k+1+l n+t, 0]``    ``-q_l,t`` (outside coordinates)      fixed
``A[0, j]``, j >= 1    constant -1                           fixed
``A[1+s n+t, j]``      ``p_t`` of the s-th inside point      fixed
                       stored in column j (in order)
every other entry      0                                     fixed
=====================  ====================================  =====================

Column j >= 1 holds ``c = floor(d/n)`` inside points, in order.

Rows (each touches ONE column of A, every product has a fixed factor, so every row is linear
once the fixed entries are substituted -- ``highs-milp`` applies):

* inside point p (stored in column j >= 1), plane i: ``sum_t w_i,t p_t + g_i (-1) >= 1``;
* outside point l, plane 1 (column 0): ``z1_l * 1 + sum_t w1_t (-q_l,t) + g1 * 1 >= 1``;
* outside point l, plane 2 (column 0): ``1 * z2_l + sum_t w2_t (-q_l,t) + g2 * 1 >= 1``;
* objective (column 0): ``minimise sum_l b[l] A[l, 0] = z1^T z2``.

``d = min { d' >= max(k + 2n + 2, k (n + 1), 1) : (d' - 1) floor(d' / n) >= m }``:
``k + 2n + 2`` is forced by b, ``k (n + 1)`` by column 0 (z2, the constant 1 and the k n outside
coordinates: plane 2's outside rows contain z2, so they must live in column 0 and so must their
coefficients), the last condition by room for the inside points in columns 1..d-1.  For
``m = k = n = 2``: ``d = 8`` (dm = 8 * 45 = 360), the same d as the paper's example.

Layout ``"compact"`` (our variant: data in D)
---------------------------------------------
Problem C.10 allows any matrices ``D^(r)``; putting the coordinates into D's entries leaves only
the variables and two constants: ``b = (z1, w1, g1, 1)``, ``A[:, 0] = (z2, w2, g2, 1)``, every
row in column 0 (plane-1 rows multiply b-variables by ``A[one, 0] = 1``, plane-2 rows multiply
``b[one] = 1`` by A-variables, coefficients ``p_t``, ``-q_l,t``, ``±1`` in D), objective
``sum_l b[l] A[l, 0]``; columns 1..d-1 are fixed to 0.  ``d = k + n + 1``: ``d = 5`` for
``m = k = n = 2``.

Both layouts: **YES iff the minimum is 0** (``LSAProgram.check``: feasible and objective <=
tol).  The box ``W, G, Z`` is :func:`reductions.problems.bm_program.vertex_box` (Cramer +
Hadamard bound on a basic zero-objective point for integer data): it keeps every YES instance
YES, and a box only removes points, so NO stays NO.  ``forward`` first moves the BM solution to
such a basic point (:meth:`BMProgram.basic_solution`, exact purification), so it lands in the box.

Target size (exact; ``d`` from :func:`lsa_dimension` per layout): ``RULE.size_formula``, declared
once at the end of this module.

The programs are NOT phi-structured (``is_phi_structured()`` is False: bounds, inequality rows
and an objective, rows not the phi pattern), see the README section "Down to the LSA program".
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from recovery.programs.program import BilinearProgram, ProgramBuilder
from reductions.problems.bm_program import BMProgram
from reductions.problems.lsa_program import LSAProgram
from reductions.problems.reduction import Reduction
from reductions.rules.bm_program_layout import (
    LAYOUTS,
    Layout,
    _as_number,
    _fixed_entries,
    _read,
    _rows,
    _variable_entries,
    embed,
    layout_of,
    lsa_dimension,
)
from reductions.rules.registry import Rule, register

__all__ = [
    "RULE",
    "LAYOUTS",
    "lsa_dimension",
    "predicted_size",
    "reduce",
    "Layout",
    "layout_of",
    "embed",
]


def _program(instance: BMProgram, lay: Layout, layout: str) -> BilinearProgram:
    """The LSA program of ``instance`` in layout ``lay``: boxes, fixings, rows, objective."""
    m, k, n, d = lay.m, lay.k, lay.n, lay.d
    W, G, Z = instance.vertex_box()
    b_fix, A_fix = _fixed_entries(instance, lay)
    in_b, in_a = _variable_entries(lay)

    pb = ProgramBuilder(d)
    boxes = {"z1": (0, Z), "z2": (0, Z), "w1": (-W, W), "w2": (-W, W), "g1": (-G, G), "g2": (-G, G)}
    for var, size in (("z1", k), ("z2", k), ("w1", n), ("w2", n), ("g1", 1), ("g2", 1)):
        for i in range(size):
            kind, idx = lay.place(var, i)
            pb.bound(f"b[{idx}]" if kind == "b" else f"A[{idx},0]", *boxes[var])
    for i in range(d + 1):
        if i not in in_b:
            pb.fix(f"b[{i}]", _as_number(b_fix[i]))
    for j in range(d):
        for r in range(d + 1):
            if not (j == 0 and r in in_a):
                pb.fix(f"A[{r},{j}]", _as_number(A_fix[r, j]))  # everything that is not a variable
    for j, trip in _rows(instance, lay):
        pb.add_row(j, trip, ">=", 1)
    pb.set_objective(0, [(lay.place("z1", l)[1], lay.place("z2", l)[1], 1) for l in range(k)], 0)

    metadata = {
        "rule": RULE.name,
        "source": instance.to_json(),
        "layout": lay.to_json(),
        "box": {"W": W, "G": G, "Z": Z},
        "yes_iff": "minimum objective == 0",
    }
    program = pb.build(name=f"bm_program m={m} k={k} dim={n} layout={layout}", metadata=metadata)
    return dataclasses.replace(program, metadata={**metadata, "is_phi_structured": program.is_phi_structured()})


def reduce(instance: BMProgram, layout: str = "fixed") -> Reduction:
    """Apply the rule to one instance (paper Appendix C.4 in spirit, MATH.md section 5; our own index layouts).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : BMProgram
        The source instance.
    layout : str
        ``"fixed"`` (default; data in fixed entries of A, every D in {0, 1}) or ``"compact"``
        (data in the entries of D); see the module docstring.

    Returns
    -------
    Reduction
        The LSAProgram target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution). ``forward`` needs a zero-objective BM solution (it moves to a basic point inside the box of
        :func:`reductions.problems.bm_program.vertex_box`; ValueError otherwise); ``backward`` reads
        the planes and z, splits the outside points by the smaller of ``z1_l``, ``z2_l`` and cleans up
        exactly (margin rescaling), falling back to the raw values (which then fail ``check``) if a
        plane does not strictly separate.  The step metadata records the layout and whether the
        program is phi-structured.

    Raises
    ------
    TypeError
        If ``instance`` is not a BMProgram.
    ValueError
        For an unknown ``layout``.

    Examples
    --------
    >>> from reductions.problems.bm_program import BMProgram
    >>> bm = BMProgram(inside=[[0]], outside=[[2], [-2]])
    >>> r = reduce(bm)
    >>> point = r.forward(bm.complete([-1], -1, [1], -1))
    >>> r.target.d, r.target.check(point), bm.check(r.backward(point))
    (6, True, True)
    """
    if not isinstance(instance, BMProgram):
        raise TypeError(f"instance: expected a BMProgram, got {type(instance).__name__}")
    lay = layout_of(instance, layout)
    k, d = lay.k, lay.d
    target = LSAProgram(program=_program(instance, lay, layout))
    phi_structured = target.program.metadata["is_phi_structured"]

    def forward(solution: Any) -> tuple[np.ndarray, np.ndarray]:
        """Zero-objective BM solution -> (b, A) (float64; exact values of a basic point in the box)."""
        sol = instance.basic_solution(solution)  # ValueError unless zero-objective and feasible
        return embed(instance, sol, layout)

    def backward(solution: Any) -> dict[str, Any]:
        """(b, A) -> BM solution: read the planes and z, split the outside points by the smaller
        of z1_l, z2_l, and clean up exactly (margin rescaling); falls back to the raw values
        (which then fail ``check``) if a plane does not strictly separate."""
        b, A = LSAProgram.split_solution(solution)
        if b.shape != (d + 1,) or A.shape != (d + 1, d):
            raise ValueError(f"solution: expected b of shape ({d + 1},) and A of shape ({d + 1}, {d})")
        raw = _read(lay, b, A)
        split = tuple(1 if raw["z1"][l] <= raw["z2"][l] else 2 for l in range(k))
        clean = instance.solution_from_split(raw, split)
        return clean if clean is not None else raw

    pred = predicted_size(instance, layout)
    steps = (
        {
            "rule": RULE.name,
            "source": instance.PROBLEM,
            "target": target.PROBLEM,
            "source_size": dict(instance.size()),
            "target_size": dict(target.size()),
            "predicted_size": pred,
            "layout": layout,
            "is_phi_structured": phi_structured,
        },
    )
    return Reduction(
        rule=RULE.name,
        source=instance,
        target=target,
        forward=forward,
        backward=backward,
        size=target.size(),
        predicted_size=pred,
        steps=steps,
    )


RULE = register(Rule(
    name="bm_program_to_lsa_program", source="bm_program", target="lsa_program",
    size_formula={"d": "lsa_dimension(n_inside, n_outside, dim, layout)",
                  "n_rows": "2 * n_inside + 2 * n_outside", "n_fixed": "(d + 1)**2 - (2 * n_outside + 2 * dim + 2)",
                  "n_bounded": "(d + 1)**2", "has_objective": "1"},
    functions={"lsa_dimension": lsa_dimension},
    reduce=reduce,
))


def predicted_size(source: Any, layout: str = "fixed") -> dict[str, int]:
    """Target size of ``reduce(source, layout=layout)``: ``RULE.size_formula`` on ``source.size()``.

    Parameters
    ----------
    source : BMProgram
        The source instance.
    layout : str
        ``"fixed"`` or ``"compact"``.

    Returns
    -------
    dict of str to int
        The predicted ``target.size()``.
    """
    return RULE.predicted_size(source, layout=layout)
