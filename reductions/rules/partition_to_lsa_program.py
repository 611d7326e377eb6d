"""Partition -> generalised LSA recovery program (our own construction, REDUCTIONS.md section 5).

Source: positive integers ``a_1..a_n``; is there ``s in {-1, +1}^n`` with ``sum_i s_i a_i = 0``?

Target (``d = n``, all rows in column 0 of A, 0-based indices, ``b_i = b[i]``, ``A_i = A[i, 0]``)::

    (gauge)       b_0 A_0                 = 1
    (copy)        b_0 A_i - b_i A_0       = 0          i = 1..n
    (sign)        b_i A_i                 = 1          i = 1..n
    (balance)     sum_i a_i b_i A_0       = 0

Columns 1..n-1 of A are unused and fixed to 0; the 2(n+1) used entries ``b[0..n]``, ``A[0..n, 0]``
carry the box ``[-box, box]`` (default ``box = 2``; ``box=None`` leaves them free).

Soundness (target feasible => source YES).  Gauge: ``b_0 != 0`` and ``A_0 = 1 / b_0``.  Copy:
``A_i = b_i A_0 / b_0 = b_i / b_0^2``.  Sign: ``b_i A_i = b_i^2 / b_0^2 = 1``, so
``s_i := b_i / b_0 in {-1, +1}``.  (There is no sign case to worry about: ``A_0 = 1/b_0`` has the
sign of ``b_0``, so ``b_i^2 A_0 / b_0 = (b_i / b_0)^2 > 0`` whenever ``b_i != 0``.)  Balance:
``sum a_i b_i A_0 = sum a_i s_i b_0 / b_0 = sum a_i s_i = 0``.  So ``s_i = sign(b_i b_0)`` is a
partition -- this is ``backward``.

Completeness (source YES => target feasible): ``forward(s) = (b, A)`` with ``b = (1, s)``,
``A[:, 0] = (1, s)``, every other entry 0: gauge ``1``, copy ``s_i - s_i = 0``, sign
``s_i^2 = 1``, balance ``sum a_i s_i = 0``; all entries are in ``[-1, 1]``, inside the box.
The box loses no YES instance (the gauge ``(b, A) -> (c b, A / c)`` maps every solution to the
one with ``b_0 = 1``, whose entries are ±1) and, like every bound, cannot create one.

The constraint rows are genuinely bilinear (no fixed factor), so ``highs-milp`` does not apply;
the LSA side is decided by a global solver (``scip``) or found by ``multistart``.
The program is NOT phi-structured (``copy`` uses ``E_0i - E_i0`` and the rows are not the dm phi
rows), see the README section "Down to the LSA program".

Target size: ``RULE.size_formula`` (declared once, at the end of this module).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from recovery.programs.program import BilinearProgram, ProgramBuilder
from reductions.problems.lsa_program import LSAProgram
from reductions.problems.partition import Partition
from reductions.problems.reduction import Reduction
from reductions.rules.registry import Rule, register

__all__ = ["RULE", "predicted_size", "reduce"]


def _program(instance: Partition, box: int | None) -> BilinearProgram:
    """The program of the module docstring: gauge, copy, sign and balance rows, optional box."""
    a = instance.values
    n = d = len(a)
    pb = ProgramBuilder(d)
    if box is not None:
        for i in range(n + 1):
            pb.bound(f"b[{i}]", -box, box)
            pb.bound(f"A[{i},0]", -box, box)
    for j in range(1, d):
        for r in range(d + 1):
            pb.fix(f"A[{r},{j}]", 0)
    pb.add_row(0, [(0, 0, 1)], "==", 1)  # gauge
    for i in range(1, n + 1):
        pb.add_row(0, [(0, i, 1), (i, 0, -1)], "==", 0)  # copy: A_i proportional to b_i
    for i in range(1, n + 1):
        pb.add_row(0, [(i, i, 1)], "==", 1)  # sign: b_i = ±b_0
    pb.add_row(0, [(i, 0, int(a[i - 1])) for i in range(1, n + 1)], "==", 0)  # balance
    metadata = {"rule": RULE.name, "source": instance.to_json(), "box": box}
    program = pb.build(name=f"partition n={n}", metadata=metadata)
    return dataclasses.replace(program, metadata={**metadata, "is_phi_structured": program.is_phi_structured()})


def reduce(instance: Partition, box: int | None = 2) -> Reduction:
    """Apply the rule to one instance (REDUCTIONS.md construction 5, our own: gauge, copy, sign and balance rows in column 0).

    See the module docstring for the construction and its proof; the target's size is
    ``RULE.size_formula`` evaluated on ``instance.size()`` (:func:`predicted_size`).

    Parameters
    ----------
    instance : Partition
        The source instance.
    box : int or None
        Box ``[-box, box]`` on the 2(n+1) used entries (int >= 1, default 2); None leaves them
        free.

    Returns
    -------
    Reduction
        The LSAProgram target with ``forward`` (source solution -> target solution) and ``backward``
        (target solution -> source solution). The program has d = n.

    Raises
    ------
    TypeError
        If ``instance`` is not a Partition.
    ValueError
        For a ``box`` that is not an int >= 1 or None.

    Examples
    --------
    >>> from reductions.problems.partition import Partition
    >>> r = reduce(Partition(values=(1, 1)))
    >>> point = r.forward((1, -1))
    >>> r.target.d, r.target.check(point), r.backward(point)
    (2, True, (1, -1))
    """
    if not isinstance(instance, Partition):
        raise TypeError(f"instance: expected a Partition instance, got {type(instance).__name__}")
    if box is not None and (isinstance(box, bool) or not isinstance(box, int) or box < 1):
        raise ValueError(f"box: expected an int >= 1 or None, got {box!r}")
    n = d = len(instance.values)
    target = LSAProgram(program=_program(instance, box))
    phi_structured = target.program.metadata["is_phi_structured"]

    def forward(solution: Any) -> tuple[np.ndarray, np.ndarray]:
        """Signs s -> (b, A) with b = (1, s), A[:, 0] = (1, s), other entries 0."""
        if not instance.check(solution):
            raise ValueError("solution: not a partition of the instance")
        s = np.array([float(int(x)) for x in solution])
        b = np.concatenate([[1.0], s])
        A = np.zeros((d + 1, d))
        A[:, 0] = b
        return b, A

    def backward(solution: Any) -> tuple[int, ...]:
        """(b, A) -> signs ``s_i = sign(b_i b_0)`` (+1 when b_i b_0 >= 0)."""
        b, A = LSAProgram.split_solution(solution)
        if b.shape != (d + 1,) or A.shape != (d + 1, d):
            raise ValueError(f"solution: expected b of shape ({d + 1},) and A of shape ({d + 1}, {d})")
        return tuple(1 if b[i] * b[0] >= 0 else -1 for i in range(1, n + 1))

    steps = (
        {
            "rule": RULE.name,
            "source": instance.PROBLEM,
            "target": target.PROBLEM,
            "source_size": dict(instance.size()),
            "target_size": dict(target.size()),
            "predicted_size": predicted_size(instance, box),
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
        predicted_size=predicted_size(instance, box),
        steps=steps,
    )


RULE = register(Rule(
    name="partition_to_lsa_program", source="partition", target="lsa_program",
    size_formula={"d": "n", "n_rows": "2 * n + 2", "n_fixed": "(n + 1) * (n - 1)",
                  "n_bounded": "(n + 1)**2 if box is not None else (n + 1) * (n - 1)", "has_objective": "0"},
    reduce=reduce,
))


def predicted_size(source: Any, box: int | None = 2) -> dict[str, int]:
    """Target size of ``reduce(source, box=box)``: ``RULE.size_formula`` on ``source.size()``.

    Parameters
    ----------
    source : Partition
        The source instance.
    box : int or None
        The box of :func:`reduce`.

    Returns
    -------
    dict of str to int
        The predicted ``target.size()``.
    """
    return RULE.predicted_size(source, box=box)
