"""Generalised bilinear recovery programs (paper Problems C.10 / C.11, MATH.md section 5).

Variables
---------
``b`` in R^{d+1} and ``A`` in R^{(d+1) x d}.  Indices are **0-based** throughout this module:
``b[i]`` for ``i = 0..d`` is the paper's ``b_{i+1}``; ``A[k, j]`` for ``k = 0..d``, ``j = 0..d-1``
is the paper's ``A_{k+1, j+1}``.  Variable names are the strings ``"b[i]"`` and ``"A[k,j]"``
(no spaces); :meth:`BilinearProgram.variable_names` lists them in the canonical order
``b[0..d]`` then ``A`` column by column (``A[0,0], A[1,0], ..., A[d,0], A[0,1], ...``), i.e. the
Fortran order used by ``recovery.lsa.reparam.phi_matrix_in_A``.

Rows
----
A :class:`BilinearRow` ``(j, D, sense, rhs)`` is the constraint

    b^T D A[:, j]  (==  |  <=  |  >=)  rhs,

with ``D`` a (d+1) x (d+1) matrix given as sparse triplets ``(row, col, value)``: ``row`` indexes
``b`` (0..d), ``col`` indexes the rows of ``A`` (0..d), so the row value is
``sum value * b[row] * A[col, j]``.  A :class:`BilinearObjective` ``(j, D, constant)`` asks to
minimise ``b^T D A[:, j] + constant`` (paper Problem C.11 holds one phi equation out as this
objective; Lemma C.12: zero optimum iff C.10 is feasible).

Bounds
------
``bounds`` maps variable names to ``(lo, hi)``; ``None`` means infinite, a missing name is free.
``lo == hi`` fixes the variable (the paper's reduction fixes point coordinates into ``A``);
``lo = 0`` expresses the nonnegative parts of a split variable ``v = v+ - v-``.

Numbers
-------
Data values (triplet values, rhs, bounds, constants) are ``int``, ``float`` or
``fractions.Fraction`` and are stored as given (numpy scalars are converted to ``int``/``float``).
JSON writes ints and floats as JSON numbers and Fractions as strings ``"p/q"``; the reader
accepts numbers or ``"p/q"`` / ``"p"`` strings (strings become Fractions).

JSON schema ``"lsahard.bilinear/1"``::

    {"schema": "lsahard.bilinear/1", "d": 2, "name": "...", "metadata": {...},
     "bounds": {"b[0]": [1, 1], "A[0,1]": [0, null]},
     "constraints": [{"j": 0, "D": [[0, 1, 1.0], [1, 0, 1.0]], "sense": "==", "rhs": 0.5}],
     "objective": null | {"j": 0, "D": [[0, 0, 1]], "constant": 0}}

The program lives in modules of its own, re-exported here: :mod:`recovery.programs.bilinear`
(:class:`BilinearProgram`), :mod:`recovery.programs.rows` (rows and objective),
:mod:`recovery.programs.builder` (:class:`ProgramBuilder`), :mod:`recovery.programs.variables`
(names and bounds) and :mod:`recovery.programs.values` (numbers and triplets).
"""

from __future__ import annotations

from recovery.programs.bilinear import SCHEMA, BilinearProgram
from recovery.programs.builder import ProgramBuilder
from recovery.programs.rows import SENSES, BilinearObjective, BilinearRow
from recovery.programs.values import MAX_D, Number, Triplet
from recovery.programs.variables import parse_variable_name, variable_name

__all__ = [
    "SCHEMA",
    "SENSES",
    "MAX_D",
    "Number",
    "Triplet",
    "BilinearRow",
    "BilinearObjective",
    "BilinearProgram",
    "ProgramBuilder",
    "parse_variable_name",
    "variable_name",
]
