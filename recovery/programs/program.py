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
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np

__all__ = [
    "SCHEMA",
    "SENSES",
    "Number",
    "BilinearRow",
    "BilinearObjective",
    "BilinearProgram",
    "ProgramBuilder",
    "parse_variable_name",
    "variable_name",
]

SCHEMA = "lsahard.bilinear/1"
SENSES = ("==", "<=", ">=")
Number = Union[int, float, Fraction]
Triplet = tuple[int, int, Number]

_B_RE = re.compile(r"^\s*b\s*\[\s*(\d+)\s*\]\s*$")
_A_RE = re.compile(r"^\s*A\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*$")


# --------------------------------------------------------------------------------------------
# scalar helpers
# --------------------------------------------------------------------------------------------
#: largest ``d`` accepted: b and A have ``(d+1)^2`` entries, and every tool (verifier, solvers,
#: exports) indexes them with int64 (``(10^9 + 1)^2 < 2^63``).  The memory budgets
#: (``recovery.programs.solvers.estimate_bytes``) refuse far smaller programs with a size estimate; this
#: bound keeps absurd values such as ``"d": 1e200`` from reaching them (an estimate that does not
#: fit a float).
MAX_D = 10**9


def _short(x: Any) -> str:
    """``repr`` of a number for an error message, abbreviated when it has hundreds of digits."""
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10**40:
        return f"an integer of about {int(abs(x).bit_length() * 0.30103) + 1} digits"
    if isinstance(x, Fraction) and max(abs(x.numerator), x.denominator) >= 10**40:
        top = max(abs(x.numerator), x.denominator).bit_length()
        return f"a fraction with about {int(top * 0.30103) + 1} digits"
    text = repr(x)
    if len(text) <= 40:
        return text
    return text[:37] + "..."


def _float_range(x: Number, name: str) -> Number:
    """ValueError unless ``float(x)`` is finite: every solver and the float verifier work in float64,
    so an int or Fraction beyond about 1.8e308 cannot be used (it raised OverflowError deep inside
    the solvers, e.g. ``"rhs": 10**400`` through SCIP)."""
    try:
        v = float(x)
    except OverflowError:
        v = math.inf
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number within float range (|x| <= 1.8e308), got {_short(x)}")
    return x


def _number(x: Any, name: str) -> Number:
    """Validate a finite int/float/Fraction (numpy scalars converted; ints and Fractions must lie
    within float range); return it as stored."""
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, float or Fraction, got bool {x!r}")
    if isinstance(x, Fraction):
        return _float_range(x, name)
    if isinstance(x, (int, np.integer)):
        return _float_range(int(x), name)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        if not math.isfinite(v):
            raise ValueError(f"{name} must be finite, got {v!r}")
        return v
    raise TypeError(f"{name} must be an int, float or Fraction, got {type(x).__name__} {x!r}")


def _index(x: Any, name: str, size: int | None = None) -> int:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(x).__name__} {x!r}")
    x = int(x)
    if x < 0 or (size is not None and x >= size):
        hi = "" if size is None else f" and < {size}"
        raise ValueError(f"{name} must be >= 0{hi}, got {x}")
    return x


def _dimension(x: Any) -> int:
    """``d`` as an int >= 1 (one message for every negative or zero d)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"d must be an int, got {type(x).__name__} {x!r}")
    if int(x) < 1:
        raise ValueError(f"d must be >= 1, got {_short(int(x))}")
    if int(x) > MAX_D:
        raise ValueError(f"d must be <= {MAX_D} (b and A have (d+1)^2 entries), got {_short(int(x))}")
    return int(x)


def _json_number(x: Number) -> int | float | str:
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    return x


def _read_number(x: Any, name: str) -> Number:
    if isinstance(x, str):
        s = x.strip()
        if not re.fullmatch(r"[+-]?\d+(/\d+)?", s):
            raise ValueError(f"{name}: string numbers must look like 'p/q' or 'p', got {_short(x)}")
        try:
            value = Fraction(s)
        except ZeroDivisionError:
            raise ValueError(f"{name}: zero denominator in {_short(x)}") from None
        except ValueError as exc:  # Python's limit of 4300 digits for int(str)
            raise ValueError(f"{name}: string number {_short(x)} has too many digits ({exc})") from None
        return _float_range(value, name)
    return _number(x, name)


def parse_variable_name(name: str, d: int | None = None) -> tuple[str, int, int | None]:
    """``"b[i]" -> ("b", i, None)``, ``"A[k,j]" -> ("A", k, j)`` with range checks when d given."""
    if not isinstance(name, str):
        raise TypeError(f"variable name must be a str like 'b[0]' or 'A[1,0]', got {name!r}")
    mb = _B_RE.match(name)
    if mb:
        i = int(mb.group(1))
        if d is not None and i > d:
            raise ValueError(f"variable {name!r}: index {i} out of range 0..{d} for b (d={d})")
        return ("b", i, None)
    ma = _A_RE.match(name)
    if ma:
        k, j = int(ma.group(1)), int(ma.group(2))
        if d is not None and (k > d or j >= d):
            raise ValueError(
                f"variable {name!r}: index out of range, need A[k,j] with 0<=k<={d}, 0<=j<={d - 1}"
            )
        return ("A", k, j)
    raise ValueError(f"bad variable name {name!r}: expected 'b[i]' or 'A[k,j]' (0-based)")


def variable_name(kind: str, i: int, j: int | None = None) -> str:
    """Canonical name: ``variable_name("b", 2) == "b[2]"``, ``variable_name("A", 1, 0) == "A[1,0]"``."""
    return f"b[{i}]" if kind == "b" else f"A[{i},{j}]"


def _triplets(D: Any, name: str) -> tuple[Triplet, ...]:
    if isinstance(D, (str, bytes)) or not isinstance(D, Iterable):
        raise TypeError(f"{name} must be a sequence of (row, col, value) triplets")
    out = []
    seen: set[tuple[int, int]] = set()
    for t, trip in enumerate(D):
        if isinstance(trip, (str, bytes)) or not isinstance(trip, Sequence) or len(trip) != 3:
            raise ValueError(f"{name}[{t}] must be a (row, col, value) triplet, got {trip!r}")
        r = _index(trip[0], f"{name}[{t}] row")
        c = _index(trip[1], f"{name}[{t}] col")
        v = _number(trip[2], f"{name}[{t}] value")
        if (r, c) in seen:
            raise ValueError(f"{name}: duplicate triplet for entry (row={r}, col={c})")
        seen.add((r, c))
        out.append((r, c, v))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# rows and objective
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BilinearRow:
    """Constraint ``b^T D A[:, j] (sense) rhs``; D as sparse 0-based (row, col, value) triplets.

    ``row`` indexes b (0..d), ``col`` indexes the rows of A (0..d), ``j`` a column of A (0..d-1).
    Range checks against d happen in :class:`BilinearProgram`.
    """

    j: int
    D: tuple[Triplet, ...]
    sense: str
    rhs: Number

    def __post_init__(self) -> None:
        object.__setattr__(self, "j", _index(self.j, "j"))
        object.__setattr__(self, "D", _triplets(self.D, "D"))
        if self.sense not in SENSES:
            raise ValueError(f"sense must be one of {SENSES}, got {self.sense!r}")
        object.__setattr__(self, "rhs", _number(self.rhs, "rhs"))

    def to_json(self) -> dict:
        return {
            "j": self.j,
            "D": [[r, c, _json_number(v)] for r, c, v in self.D],
            "sense": self.sense,
            "rhs": _json_number(self.rhs),
        }


@dataclass(frozen=True)
class BilinearObjective:
    """Objective ``minimise b^T D A[:, j] + constant`` (same D convention as :class:`BilinearRow`)."""

    j: int
    D: tuple[Triplet, ...]
    constant: Number = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "j", _index(self.j, "objective j"))
        object.__setattr__(self, "D", _triplets(self.D, "objective D"))
        object.__setattr__(self, "constant", _number(self.constant, "objective constant"))

    def to_json(self) -> dict:
        return {
            "j": self.j,
            "D": [[r, c, _json_number(v)] for r, c, v in self.D],
            "constant": _json_number(self.constant),
        }


def _check_keys(obj: Any, required: set[str], optional: set[str], where: str) -> None:
    if not isinstance(obj, Mapping):
        raise TypeError(f"{where} must be a JSON object, got {type(obj).__name__}")
    missing = required - set(obj)
    if missing:
        raise ValueError(f"{where}: missing key(s) {sorted(missing)}")
    extra = set(obj) - required - optional
    if extra:
        raise ValueError(f"{where}: unknown key(s) {sorted(extra)}")


def _read_D(D: Any, where: str) -> list:
    if not isinstance(D, list):
        raise TypeError(f"{where}.D must be a list of [row, col, value]")
    out = []
    for t, trip in enumerate(D):
        if not isinstance(trip, list) or len(trip) != 3:
            raise ValueError(f"{where}.D[{t}] must be [row, col, value], got {trip!r}")
        out.append((trip[0], trip[1], _read_number(trip[2], f"{where}.D[{t}] value")))
    return out


# --------------------------------------------------------------------------------------------
# the program
# --------------------------------------------------------------------------------------------
def _normalise_bounds(bounds: Any, d: int) -> dict[str, tuple[Number | None, Number | None]]:
    if not isinstance(bounds, Mapping):
        raise TypeError(f"bounds must be a mapping name -> (lo, hi), got {type(bounds).__name__}")
    out: dict[str, tuple[Number | None, Number | None]] = {}
    for key, val in bounds.items():
        kind, i, j = parse_variable_name(key, d)
        canon = variable_name(kind, i, j)
        if canon in out:
            raise ValueError(f"bounds: variable {canon} given twice (as {key!r})")
        if isinstance(val, (str, bytes)) or not isinstance(val, Sequence) or len(val) != 2:
            raise ValueError(f"bounds[{key!r}] must be a pair (lo, hi), got {val!r}")
        lo, hi = val
        if lo is not None:
            if isinstance(lo, (float, np.floating)) and float(lo) == -math.inf:
                lo = None
            else:
                lo = _number(lo, f"bounds[{key!r}] lo")
        if hi is not None:
            if isinstance(hi, (float, np.floating)) and float(hi) == math.inf:
                hi = None
            else:
                hi = _number(hi, f"bounds[{key!r}] hi")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"bounds[{key!r}]: lo={lo} > hi={hi} (empty interval)")
        if lo is None and hi is None:
            continue  # free: same as missing, so drop for a canonical representation
        out[canon] = (lo, hi)
    # canonical order (that of variable_names) so that equality and JSON output do not depend on
    # insertion order; computed from the indices, never from the (d+1)^2 names
    return dict(sorted(out.items(), key=lambda kv: _order_key(kv[0])))


def _order_key(name: str) -> tuple[int, int, int]:
    kind, i, j = parse_variable_name(name)
    return (0, i, 0) if kind == "b" else (1, j if j is not None else 0, i)


def _all_names(d: int) -> list[str]:
    names = [f"b[{i}]" for i in range(d + 1)]
    names += [f"A[{k},{j}]" for j in range(d) for k in range(d + 1)]
    return names


@dataclass(frozen=True)
class BilinearProgram:
    """Bilinear feasibility / optimisation program over ``b in R^{d+1}``, ``A in R^{(d+1) x d}``.

    Paper Problem C.10 (all rows equalities, no objective, free variables; with the phi pattern
    ``D = E_uv + E_vu`` / ``E_uu`` this is Problem C.9) and Problem C.11 (one row as objective),
    generalised with inequality rows, per-variable bounds (fixings, sign constraints, boxes).
    All indices 0-based (see module docstring).  ``constraints`` is stored as a tuple;
    ``bounds`` as a dict in canonical variable order with free entries dropped.
    """

    d: int
    constraints: tuple[BilinearRow, ...]
    bounds: Mapping[str, tuple[Number | None, Number | None]] = field(default_factory=dict)
    objective: BilinearObjective | None = None
    name: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        d = _dimension(self.d)
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
        object.__setattr__(self, "bounds", _normalise_bounds(self.bounds, d))
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
        return len(self.constraints)

    def variable_names(self) -> list[str]:
        """All (d+1) + (d+1)d names: ``b[0..d]`` then A column by column (Fortran order)."""
        return _all_names(self.d)

    def fixed_values(self) -> dict[str, Number]:
        """Variables with ``lo == hi`` mapped to that value (as stored)."""
        return {n: lo for n, (lo, hi) in self.bounds.items() if lo is not None and lo == hi}

    def point_from_values(self, values: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """``(b, A)`` from a solver's values by variable name.

        Fixed variables take their value, named ones the given value, every other entry 0
        clipped into its bounds (entries that occur in no row are left to the verifier).
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
        """Float bound arrays ``(b_lo, b_hi, A_lo, A_hi)`` with shapes (d+1,), (d+1,), (d+1, d), (d+1, d); +-inf = free.

        Fresh copies of arrays computed once per program (a reduction output has ~1e6 bounds).
        """
        return tuple(a.copy() for a in self._bound_arrays)  # type: ignore[return-value]

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
        """Row values ``b^T D_r A[:, j_r]`` as float64 array of shape (num_rows,)."""
        b, A = self._check_point(b, A)
        rid, bi, ak, aj, val = self._coo
        return np.bincount(rid, weights=val * b[bi] * A[ak, aj], minlength=self.num_rows).astype(
            np.float64
        )

    def evaluate_objective(self, b: Any, A: Any) -> float | None:
        """``b^T D A[:, j] + constant`` in float64, or None without objective."""
        if self.objective is None:
            return None
        b, A = self._check_point(b, A)
        o = self.objective
        return float(sum(float(w) * b[u] * A[v, o.j] for u, v, w in o.D) + float(o.constant))

    def rhs_array(self) -> np.ndarray:
        return np.array([float(r.rhs) for r in self.constraints], dtype=np.float64)

    def senses(self) -> list[str]:
        return [r.sense for r in self.constraints]

    # ---------------------------------------------------------------- phi structure
    @classmethod
    def from_phi(cls, X: Any, d: int, *, name: str = "", metadata: Mapping[str, Any] | None = None
                 ) -> "BilinearProgram":
        """Problem C.9 as a program: rows ``b^T D^(r) A[:, j(r)] == X[r]`` for r in 0..dm-1.

        ``X`` has shape (d*m,), m = (d+1)(d+2)/2, ordered as ``recovery.lsa.reparam.phi`` (0-based
        ``r = j*m + pair_position(u, v)``); D^(r) from ``recovery.lsa.reparam.D_pattern(d)``.
        """
        from recovery.lsa.reparam import D_pattern

        d = _dimension(d)
        pattern = D_pattern(d)
        X = np.asarray(X)
        if X.shape != (len(pattern),):
            raise ValueError(f"X must have shape ({len(pattern)},) = (d*m,) for d={d}, got {X.shape}")
        rows = []
        for r, (j, trip) in enumerate(pattern):
            x = X[r]
            rhs = x if isinstance(x, Fraction) else _number(x.item() if hasattr(x, "item") else x,
                                                            f"X[{r}]")
            rows.append(BilinearRow(int(j), tuple((int(u), int(v), w) for u, v, w in trip), "==", rhs))
        return cls(d=d, constraints=tuple(rows), bounds={}, objective=None, name=name,
                   metadata=dict(metadata or {}))

    def is_phi_structured(self) -> bool:
        """True iff no objective, no bounds, and the rows are exactly the d*m equality rows of
        ``recovery.lsa.reparam.D_pattern(d)`` (any order, each once; D values compared numerically, any rhs)."""
        if self.objective is not None or self.bounds:
            return False
        from recovery.lsa.reparam import D_pattern

        pattern = D_pattern(self.d)
        if len(self.constraints) != len(pattern):
            return False

        def key(j: int, trip: Iterable) -> tuple:
            return (int(j), tuple(sorted((int(u), int(v), Fraction(w)) for u, v, w in trip)))

        want = sorted(key(j, t) for j, t in pattern)
        if any(r.sense != "==" for r in self.constraints):
            return False
        have = sorted(key(r.j, r.D) for r in self.constraints)
        return want == have

    # ---------------------------------------------------------------- JSON
    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "d": self.d,
            "bounds": {
                n: [None if lo is None else _json_number(lo), None if hi is None else _json_number(hi)]
                for n, (lo, hi) in self.bounds.items()
            },
            "constraints": [r.to_json() for r in self.constraints],
            "objective": None if self.objective is None else self.objective.to_json(),
        }
        if self.name:
            out["name"] = self.name
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "BilinearProgram":
        if not isinstance(obj, Mapping):
            raise TypeError(f"program JSON must be an object, got {type(obj).__name__}")
        if obj.get("schema") != SCHEMA:
            raise ValueError(f"schema must be {SCHEMA!r}, got {obj.get('schema')!r}")
        _check_keys(obj, {"schema", "d", "bounds", "constraints"}, {"objective", "name", "metadata"},
                    "program")
        bounds_in = obj["bounds"]
        if not isinstance(bounds_in, Mapping):
            raise TypeError("program.bounds must be an object {name: [lo, hi]}")
        bounds = {}
        for n, val in bounds_in.items():
            if not isinstance(val, list) or len(val) != 2:
                raise ValueError(f"bounds[{n!r}] must be [lo, hi], got {val!r}")
            bounds[n] = tuple(None if v is None else _read_number(v, f"bounds[{n!r}]") for v in val)
        cons_in = obj["constraints"]
        if not isinstance(cons_in, list):
            raise TypeError("program.constraints must be a list")
        rows = []
        for r, c in enumerate(cons_in):
            where = f"constraints[{r}]"
            _check_keys(c, {"j", "D", "sense", "rhs"}, set(), where)
            rows.append(BilinearRow(c["j"], tuple(_read_D(c["D"], where)), c["sense"],
                                    _read_number(c["rhs"], f"{where}.rhs")))
        objective = None
        if obj.get("objective") is not None:
            o = obj["objective"]
            _check_keys(o, {"j", "D"}, {"constant"}, "objective")
            objective = BilinearObjective(o["j"], tuple(_read_D(o["D"], "objective")),
                                          _read_number(o.get("constant", 0.0), "objective.constant"))
        return cls(d=obj["d"], constraints=tuple(rows), bounds=bounds, objective=objective,
                   name=obj.get("name", ""), metadata=obj.get("metadata", {}) or {})

    def dumps(self, **kwargs: Any) -> str:
        return json.dumps(self.to_json(), allow_nan=False, **kwargs)

    @classmethod
    def loads(cls, text: str) -> "BilinearProgram":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"program is not valid JSON: {exc}") from None
        except ValueError as exc:  # a JSON integer of more than 4300 digits (Python's int(str) limit)
            raise ValueError(f"program: a number in the JSON text is too long to read ({exc})") from None
        except RecursionError:
            raise ValueError("program: the JSON text is nested too deeply to read") from None
        return cls.from_json(obj)

    def save(self, path: str | os.PathLike) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.dumps(indent=1))
            fh.write("\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "BilinearProgram":
        with open(path, encoding="utf-8") as fh:
            return cls.loads(fh.read())


# --------------------------------------------------------------------------------------------
# builder
# --------------------------------------------------------------------------------------------
class ProgramBuilder:
    """Incremental construction of a :class:`BilinearProgram` (for reduction authors).

    ``bound``/``fix``/``nonneg`` *intersect* with bounds set before, so a contradiction shows up
    at :meth:`build` as a precise ``lo > hi`` error instead of being silently overwritten.
    """

    def __init__(self, d: int) -> None:
        self.d = _dimension(d)
        self._bounds: dict[str, tuple[Number | None, Number | None]] = {}
        self._rows: list[BilinearRow] = []
        self._objective: BilinearObjective | None = None
        self._splits: list[tuple[str, str]] = []

    def _canon(self, name: str) -> str:
        kind, i, j = parse_variable_name(name, self.d)
        return variable_name(kind, i, j)

    def bound(self, name: str, lo: Number | None = None, hi: Number | None = None) -> "ProgramBuilder":
        n = self._canon(name)
        lo = None if lo is None else _number(lo, f"lo of {n}")
        hi = None if hi is None else _number(hi, f"hi of {n}")
        olo, ohi = self._bounds.get(n, (None, None))
        nlo = lo if olo is None else (olo if lo is None else max(olo, lo))
        nhi = hi if ohi is None else (ohi if hi is None else min(ohi, hi))
        self._bounds[n] = (nlo, nhi)
        return self

    def fix(self, name: str, value: Number) -> "ProgramBuilder":
        return self.bound(name, value, value)

    def nonneg(self, name: str) -> "ProgramBuilder":
        return self.bound(name, 0, None)

    def split(self, name_plus: str, name_minus: str) -> tuple[str, str]:
        """Declare ``v = v+ - v-`` with ``v+ = name_plus >= 0`` and ``v- = name_minus >= 0``.

        Recorded in ``metadata["splits"]`` as ``[plus, minus]`` pairs so that readers can
        reconstruct v.  Returns the canonical names.
        """
        p, m = self._canon(name_plus), self._canon(name_minus)
        if p == m:
            raise ValueError(f"split needs two different variables, got {p} twice")
        self.nonneg(p)
        self.nonneg(m)
        self._splits.append((p, m))
        return p, m

    def add_row(self, j: int, triplets: Iterable, sense: str, rhs: Number) -> int:
        """Append ``b^T D A[:, j] (sense) rhs``; returns the 0-based row index."""
        row = BilinearRow(j, tuple(tuple(t) for t in triplets), sense, rhs)
        self._rows.append(row)
        return len(self._rows) - 1

    def set_objective(self, j: int, triplets: Iterable, constant: Number = 0) -> "ProgramBuilder":
        self._objective = BilinearObjective(j, tuple(tuple(t) for t in triplets), constant)
        return self

    def build(self, name: str = "", metadata: Mapping[str, Any] | None = None) -> BilinearProgram:
        md = dict(metadata or {})
        if self._splits and "splits" not in md:
            md["splits"] = [list(s) for s in self._splits]
        return BilinearProgram(d=self.d, constraints=tuple(self._rows), bounds=dict(self._bounds),
                               objective=self._objective, name=name, metadata=md)
