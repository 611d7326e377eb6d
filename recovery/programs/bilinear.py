"""The bilinear program (paper Problems C.10 / C.11): rows, bounds, objective, evaluation and JSON.

See :mod:`recovery.programs.program` for the conventions (0-based indices, variable names, the
``"lsahard.bilinear/1"`` JSON schema).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from recovery.programs.phi_rows import phi_rows, rows_are_phi_pattern
from recovery.programs.program_json import SCHEMA, parse_json_text, program_fields, program_to_json
from recovery.programs.rows import BilinearObjective, BilinearRow
from recovery.programs.values import Number, Triplet, as_dimension
from recovery.programs.variables import all_names, normalise_bounds, parse_variable_name

__all__ = ["SCHEMA", "BilinearProgram"]



@dataclass(frozen=True)
class BilinearProgram:
    """Bilinear feasibility / optimisation program over ``b in R^{d+1}``, ``A in R^{(d+1) x d}``.

    Paper Problem C.10 (all rows equalities, no objective, free variables; with the phi pattern
    ``D = E_uv + E_vu`` / ``E_uu`` this is Problem C.9) and Problem C.11 (one row as objective),
    generalised with inequality rows, per-variable bounds (fixings, sign constraints, boxes).
    All indices 0-based (see module docstring).

    Attributes
    ----------
    d : int
        The dimension, ``1 <= d <= MAX_D``.
    constraints : tuple of BilinearRow
        The rows ``b^T D A[:, j] (sense) rhs``, stored as a tuple; indices are range-checked
        against ``d``.
    bounds : Mapping[str, tuple]
        ``{variable name: (lo, hi)}`` (None = unbounded), stored as a dict in canonical variable
        order with free entries dropped.
    objective : BilinearObjective or None
        ``minimise b^T D A[:, j] + constant``, or None for a feasibility program.
    name : str
        A label.
    metadata : Mapping[str, Any]
        JSON-serialisable data (e.g. ``rule`` and ``source`` of a reduction's program).

    Raises
    ------
    TypeError
        For a field of the wrong type.
    ValueError
        For a bad dimension, an index out of range, invalid bounds or metadata that is not
        JSON-serialisable.

    Examples
    --------
    >>> from recovery.programs.rows import BilinearRow
    >>> p = BilinearProgram(d=1, constraints=(BilinearRow(0, ((0, 0, 1),), "==", 2),),
    ...                     bounds={"b[0]": (1, 1)})
    >>> p.num_rows, p.fixed_values()
    (1, {'b[0]': 1})
    >>> p.evaluate_rows([1.0, 0.0], [[2.0], [0.0]])
    array([2.])
    >>> BilinearProgram.loads(p.dumps()) == p
    True
    """

    d: int
    constraints: tuple[BilinearRow, ...]
    bounds: Mapping[str, tuple[Number | None, Number | None]] = field(default_factory=dict)
    objective: BilinearObjective | None = None
    name: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        d = as_dimension(self.d)
        object.__setattr__(self, "d", d)
        if isinstance(self.constraints, (str, bytes)) or not isinstance(self.constraints, Iterable):
            raise TypeError("constraints must be a sequence of BilinearRow")
        rows = tuple(self.constraints)
        for r, row in enumerate(rows):
            if not isinstance(row, BilinearRow):
                raise TypeError(f"constraints[{r}] must be a BilinearRow, got {type(row).__name__}")
            self._check_ranges(row.j, row.D, f"constraints[{r}]")
        object.__setattr__(self, "constraints", rows)
        if self.objective is not None:
            if not isinstance(self.objective, BilinearObjective):
                raise TypeError(
                    f"objective must be a BilinearObjective or None, got {type(self.objective).__name__}"
                )
            self._check_ranges(self.objective.j, self.objective.D, "objective")
        object.__setattr__(self, "bounds", normalise_bounds(self.bounds, d))
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")
        if not isinstance(self.metadata, Mapping):
            raise TypeError(f"metadata must be a mapping, got {type(self.metadata).__name__}")
        try:
            json.dumps(dict(self.metadata), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"metadata must be JSON-serialisable: {exc}") from None
        object.__setattr__(self, "metadata", dict(self.metadata))

    def _check_ranges(self, j: int, D: tuple[Triplet, ...], where: str) -> None:
        d = self.d
        if j >= d:
            raise ValueError(f"{where}: column j={j} out of range 0..{d - 1} (d={d})")
        for t, (r, c, _) in enumerate(D):
            if r > d:
                raise ValueError(f"{where}: D[{t}] row={r} out of range 0..{d} (indexes b)")
            if c > d:
                raise ValueError(f"{where}: D[{t}] col={c} out of range 0..{d} (indexes rows of A)")

    # ---------------------------------------------------------------- basic facts
    @property
    def num_rows(self) -> int:
        """Number of constraint rows.

        Returns
        -------
        int
            ``len(constraints)``.
        """
        return len(self.constraints)

    def variable_names(self) -> list[str]:
        """All ``(d+1) + (d+1)d`` variable names: ``b[0..d]`` then A column by column (Fortran order).

        Returns
        -------
        list of str
            The names in canonical order.
        """
        return all_names(self.d)

    def fixed_values(self) -> dict[str, Number]:
        """Variables with ``lo == hi`` mapped to that value (as stored).

        Returns
        -------
        dict of str to number
            ``{name: value}`` in canonical order.
        """
        return {n: lo for n, (lo, hi) in self.bounds.items() if lo is not None and lo == hi}

    def point_from_values(self, values: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """``(b, A)`` from a solver's values by variable name.

        Fixed variables take their value, named ones the given value, every other entry 0
        clipped into its bounds (entries that occur in no row are left to the verifier).

        Parameters
        ----------
        values : Mapping[str, float]
            ``{variable name: value}``.

        Returns
        -------
        b : numpy.ndarray
            Shape (d+1,), float64.
        A : numpy.ndarray
            Shape (d+1, d), float64.
        """
        b_lo, b_hi, A_lo, A_hi = self._bound_arrays
        b = np.clip(np.zeros(self.d + 1), b_lo, b_hi)
        A = np.clip(np.zeros((self.d + 1, self.d)), A_lo, A_hi)
        for name, value in list(self.fixed_values().items()) + list(values.items()):
            kind, i, j = parse_variable_name(name)
            if kind == "b":
                b[i] = float(value)
            else:
                A[i, j] = float(value)
        return b, A

    def bound_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Float bound arrays ``(b_lo, b_hi, A_lo, A_hi)``; +-inf = free.

        Fresh copies of arrays computed once per program (a reduction output has ~1e6 bounds).

        Returns
        -------
        b_lo, b_hi : numpy.ndarray
            Shape (d+1,).
        A_lo, A_hi : numpy.ndarray
            Shape (d+1, d).
        """
        b_lo, b_hi, A_lo, A_hi = self._bound_arrays
        return b_lo.copy(), b_hi.copy(), A_lo.copy(), A_hi.copy()

    @cached_property
    def _bound_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        d = self.d
        b_lo, b_hi = np.full(d + 1, -np.inf), np.full(d + 1, np.inf)
        A_lo, A_hi = np.full((d + 1, d), -np.inf), np.full((d + 1, d), np.inf)
        for n, (lo, hi) in self.bounds.items():
            kind, i, j = parse_variable_name(n)
            if kind == "b":
                if lo is not None:
                    b_lo[i] = float(lo)
                if hi is not None:
                    b_hi[i] = float(hi)
            else:
                if lo is not None:
                    A_lo[i, j] = float(lo)
                if hi is not None:
                    A_hi[i, j] = float(hi)
        return b_lo, b_hi, A_lo, A_hi

    @cached_property
    def _coo(self) -> tuple[np.ndarray, ...]:
        """Flattened triplets of all rows: (row_id, b_index, A_row, A_col, value) float/int arrays."""
        rid, bi, ak, aj, val = [], [], [], [], []
        for r, row in enumerate(self.constraints):
            for (u, v, w) in row.D:
                rid.append(r)
                bi.append(u)
                ak.append(v)
                aj.append(row.j)
                val.append(float(w))
        return (
            np.asarray(rid, dtype=np.int64),
            np.asarray(bi, dtype=np.int64),
            np.asarray(ak, dtype=np.int64),
            np.asarray(aj, dtype=np.int64),
            np.asarray(val, dtype=np.float64),
        )

    def _check_point(self, b: Any, A: Any) -> tuple[np.ndarray, np.ndarray]:
        b = np.asarray(b, dtype=np.float64)
        A = np.asarray(A, dtype=np.float64)
        if b.shape != (self.d + 1,):
            raise ValueError(f"b must have shape ({self.d + 1},), got {b.shape}")
        if A.shape != (self.d + 1, self.d):
            raise ValueError(f"A must have shape ({self.d + 1}, {self.d}), got {A.shape}")
        return b, A

    def evaluate_rows(self, b: Any, A: Any) -> np.ndarray:
        """Row values ``b^T D_r A[:, j_r]`` in float64.

        Parameters
        ----------
        b : array_like
            Shape (d+1,).
        A : array_like
            Shape (d+1, d).

        Returns
        -------
        numpy.ndarray
            Float64 array of shape (num_rows,).

        Raises
        ------
        ValueError
            When ``b`` or ``A`` has the wrong shape.
        """
        b, A = self._check_point(b, A)
        rid, bi, ak, aj, val = self._coo
        return np.bincount(rid, weights=val * b[bi] * A[ak, aj], minlength=self.num_rows).astype(
            np.float64
        )

    def evaluate_objective(self, b: Any, A: Any) -> float | None:
        """``b^T D A[:, j] + constant`` in float64, or None without objective.

        Parameters
        ----------
        b : array_like
            Shape (d+1,).
        A : array_like
            Shape (d+1, d).

        Returns
        -------
        float or None
            The objective value, or None when the program has no objective.

        Raises
        ------
        ValueError
            When ``b`` or ``A`` has the wrong shape.
        """
        if self.objective is None:
            return None
        b, A = self._check_point(b, A)
        o = self.objective
        return float(sum(float(w) * b[u] * A[v, o.j] for u, v, w in o.D) + float(o.constant))

    def rhs_array(self) -> np.ndarray:
        """Right-hand sides of the rows.

        Returns
        -------
        numpy.ndarray
            Float64 array of shape (num_rows,).
        """
        return np.array([float(r.rhs) for r in self.constraints], dtype=np.float64)

    def senses(self) -> list[str]:
        """Senses of the rows.

        Returns
        -------
        list of str
            One of ``"=="``, ``"<="``, ``">="`` per row.
        """
        return [r.sense for r in self.constraints]

    # ---------------------------------------------------------------- phi structure
    @classmethod
    def from_phi(cls, X: Any, d: int, *, name: str = "", metadata: Mapping[str, Any] | None = None
                 ) -> BilinearProgram:
        """Problem C.9 as a program: rows ``b^T D^(r) A[:, j(r)] == X[r]`` (:func:`phi_rows`).

        Parameters
        ----------
        X : array_like
            Right-hand sides, shape (d*m,), m = (d+1)(d+2)/2; Fractions are kept exactly.
        d : int
            The dimension.
        name : str, optional
            A label.
        metadata : Mapping[str, Any] or None, optional
            JSON-serialisable data.

        Returns
        -------
        BilinearProgram
            No bounds, no objective; :meth:`is_phi_structured` is True.

        Examples
        --------
        >>> p = BilinearProgram.from_phi([1, 2, 3], 1)
        >>> p.num_rows, p.is_phi_structured()
        (3, True)
        """
        return cls(d=as_dimension(d), constraints=phi_rows(X, d), bounds={}, objective=None, name=name,
                   metadata=dict(metadata or {}))

    def is_phi_structured(self) -> bool:
        """Whether the program is Problem C.9: no objective, no bounds, the rows of
        :func:`rows_are_phi_pattern`.

        Returns
        -------
        bool
        """
        return self.objective is None and not self.bounds and rows_are_phi_pattern(self.d, self.constraints)

    # ---------------------------------------------------------------- JSON
    def to_json(self) -> dict:
        """The program as a JSON-compatible dict (:func:`program_to_json`).

        Returns
        -------
        dict
        """
        return program_to_json(self)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> BilinearProgram:
        """The program of a JSON object, validated (:func:`program_fields`; the inverse of :meth:`to_json`).

        Parameters
        ----------
        obj : Mapping[str, Any]
            A decoded ``"lsahard.bilinear/1"`` document.

        Returns
        -------
        BilinearProgram
        """
        return cls(**program_fields(obj))

    def dumps(self, **kwargs: Any) -> str:
        """The program as JSON text (NaN and infinities refused); ``kwargs`` go to :func:`json.dumps`.

        Returns
        -------
        str
        """
        return json.dumps(self.to_json(), allow_nan=False, **kwargs)

    @classmethod
    def loads(cls, text: str) -> BilinearProgram:
        """The program of a JSON text (:func:`parse_json_text`, then :meth:`from_json`).

        Parameters
        ----------
        text : str
            A ``"lsahard.bilinear/1"`` document.

        Returns
        -------
        BilinearProgram
        """
        return cls.from_json(parse_json_text(text))

    def save(self, path: str | os.PathLike) -> None:
        """Write the program to ``path`` as JSON (UTF-8, indent 1, final newline).

        Parameters
        ----------
        path : str or os.PathLike
            The file to write.
        """
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.dumps(indent=1))
            fh.write("\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> BilinearProgram:
        """Read a program from a JSON file written by :meth:`save` (:meth:`loads`).

        Parameters
        ----------
        path : str or os.PathLike
            The file to read (UTF-8).

        Returns
        -------
        BilinearProgram
        """
        with open(path, encoding="utf-8") as fh:
            return cls.loads(fh.read())
