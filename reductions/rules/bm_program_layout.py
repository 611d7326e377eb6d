"""Index layouts of the BM program -> LSA program rule: where each BM variable and datum sits in (b, A).

The layouts ``"fixed"`` and ``"compact"`` are described in the module docstring of
:mod:`reductions.rules.bm_program_to_lsa_program`, which builds the program from them; here are the
dimension, the :class:`Layout`, the fixed entries, the rows and the embedding of a BM point.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import numpy as np

from reductions.problems.bm_program import BMProgram

__all__ = ["LAYOUTS", "lsa_dimension", "Layout", "layout_of", "embed"]

LAYOUTS = ("fixed", "compact")


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"layout: expected one of {LAYOUTS}, got {layout!r}")


def lsa_dimension(m: int, k: int, n: int, layout: str = "fixed") -> int:
    """The LSA dimension d of a layout for m inside points, k outside points, dimension n.

    ``"compact"``: ``d = k + n + 1``.  ``"fixed"``: the smallest ``d >= max(k + 2n + 2, k(n + 1), 1)``
    with ``(d - 1) floor(d / n) >= m`` (room for the inside points in columns 1..d-1).

    Parameters
    ----------
    m : int
        Number of inside points, >= 0.
    k : int
        Number of outside points, >= 0.
    n : int
        Point dimension, >= 1.
    layout : str
        ``"fixed"`` or ``"compact"``.

    Returns
    -------
    int
        The dimension d.

    Raises
    ------
    ValueError
        For an unknown layout or counts out of range.

    Examples
    --------
    >>> lsa_dimension(2, 2, 2), lsa_dimension(2, 2, 2, "compact")
    (8, 5)
    """
    _check_layout(layout)
    for name, v in (("m", m), ("k", k), ("n", n)):
        low = 1 if name == "n" else 0
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name}: expected an int >= {low}, got {v!r}")
    if layout == "compact":
        return k + n + 1
    d = max(k + 2 * n + 2, k * (n + 1), 1)
    while (d - 1) * (d // n) < m:
        d += 1
    return d


@dataclasses.dataclass(frozen=True)
class Layout:
    """Index layout of one instance; all indices 0-based (see :mod:`reductions.rules.bm_program_to_lsa_program`).

    ``place(var, index)`` gives ``("b", i)`` or ``("A", r)`` (an entry of ``A[:, 0]``) for the BM
    variables ``"z1"``, ``"z2"``, ``"w1"``, ``"w2"`` (index l or t) and ``"g1"``, ``"g2"``.

    Attributes
    ----------
    kind : str
        ``"fixed"`` or ``"compact"``.
    m : int
        Number of inside points.
    k : int
        Number of outside points.
    n : int
        Point dimension.
    d : int
        LSA dimension (:func:`lsa_dimension`).
    """

    kind: str
    m: int
    k: int
    n: int
    d: int

    # ---------------------------------------------------------------- variables
    def place(self, var: str, index: int = 0) -> tuple[str, int]:
        k, n = self.k, self.n
        if var == "z1":
            return "b", index
        if var == "z2":
            return "A", index
        if self.kind == "fixed":
            if var == "w1":
                return "b", k + index
            if var == "g1":
                return "b", k + n
            if var == "w2":
                return "b", k + n + 1 + index
            if var == "g2":
                return "b", k + 2 * n + 1
        else:
            if var in ("w1", "w2"):
                return ("b" if var == "w1" else "A"), k + index
            if var in ("g1", "g2"):
                return ("b" if var == "g1" else "A"), k + n
        raise ValueError(f"var: unknown BM variable {var!r}")

    @property
    def one_b(self) -> int:
        return self.k + 2 * self.n + 2 if self.kind == "fixed" else self.k + self.n + 1

    @property
    def one_a(self) -> int:  # row of A[:, 0] holding the constant 1
        return self.k if self.kind == "fixed" else self.k + self.n + 1

    # ---------------------------------------------------------------- data slots ("fixed" only)
    @property
    def per_column(self) -> int:
        return self.d // self.n

    def minus_q(self, l: int, t: int) -> int:  # row of A[:, 0] holding -q_l,t
        return self.k + 1 + l * self.n + t

    def inside_slot(self, s: int) -> tuple[int, int]:
        """(column j >= 1, first row) of the s-th inside point's coordinates."""
        j, r = divmod(s, self.per_column)
        return 1 + j, 1 + r * self.n

    def to_json(self) -> dict:
        k, n = self.k, self.n

        def rng(var: str, size: int) -> str:
            if size == 0:
                return "none"
            kind, i0 = self.place(var, 0)
            _, i1 = self.place(var, size - 1)
            return f"b[{i0}..{i1}]" if kind == "b" else f"A[{i0}..{i1},0]"

        def one(var: str) -> str:
            kind, i = self.place(var)
            return f"b[{i}]" if kind == "b" else f"A[{i},0]"

        out = {
            "kind": self.kind,
            "z1": rng("z1", k), "w1": rng("w1", n), "g1": one("g1"),
            "z2": rng("z2", k), "w2": rng("w2", n), "g2": one("g2"),
            "one_b": f"b[{self.one_b}]", "one_A": f"A[{self.one_a},0]",
        }
        if self.kind == "fixed":
            out["minus_outside"] = f"A[k+1+l*n+t, 0] = -q[l][t] (rows {k + 1}..{k + k * n})"
            out["inside"] = f"A[1+s'*n+t, 1+j] = p_s[t], s = j*{self.per_column}+s'; A[0, j>=1] = -1"
        else:
            out["data"] = "in the entries of D (columns 1..d-1 of A fixed to 0)"
        return out


def layout_of(instance: BMProgram, layout: str = "fixed") -> Layout:
    """The :class:`Layout` used for ``instance``.

    Parameters
    ----------
    instance : BMProgram
        The source instance.
    layout : str
        ``"fixed"`` or ``"compact"``.

    Returns
    -------
    Layout
        The index layout.

    Raises
    ------
    ValueError
        For an unknown layout.
    """
    _check_layout(layout)
    m, k, n = len(instance.inside), len(instance.outside), instance.dimension
    return Layout(layout, m, k, n, lsa_dimension(m, k, n, layout))


def _as_number(v: Fraction) -> int | Fraction:
    v = Fraction(v)
    return int(v) if v.denominator == 1 else v


def _fixed_entries(instance: BMProgram, lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Values of the fixed entries: (b (d+1,), A (d+1, d)) object arrays; variables' entries 0."""
    d = lay.d
    b = np.array([Fraction(0)] * (d + 1), dtype=object)
    A = np.array([[Fraction(0)] * d for _ in range(d + 1)], dtype=object)
    b[lay.one_b] = Fraction(1)
    A[lay.one_a, 0] = Fraction(1)
    if lay.kind == "fixed":
        for l, q in enumerate(instance.outside):
            for t, c in enumerate(q):
                A[lay.minus_q(l, t), 0] = -c
        for j in range(1, d):
            A[0, j] = Fraction(-1)
        for s, p in enumerate(instance.inside):
            j, r0 = lay.inside_slot(s)
            for t, c in enumerate(p):
                A[r0 + t, j] = c
    return b, A


def _variable_entries(lay: Layout) -> tuple[set[int], set[int]]:
    """(indices of b, rows of A[:, 0]) that hold BM variables."""
    in_b: set[int] = set()
    in_a: set[int] = set()
    for var, size in (("z1", lay.k), ("z2", lay.k), ("w1", lay.n), ("w2", lay.n), ("g1", 1), ("g2", 1)):
        for i in range(size):
            kind, idx = lay.place(var, i)
            (in_b if kind == "b" else in_a).add(idx)
    return in_b, in_a


def _rows(instance: BMProgram, lay: Layout) -> list[tuple[int, list[tuple[int, int, Any]]]]:
    """(column j, triplets) of every ``>= 1`` row: inside rows (planes 1, 2), then outside rows."""
    n, rows = lay.n, []
    if lay.kind == "fixed":
        for s in range(lay.m):
            j, r0 = lay.inside_slot(s)
            for i in (1, 2):
                trip = [(lay.place(f"w{i}", t)[1], r0 + t, 1) for t in range(n)]
                rows.append((j, trip + [(lay.place(f"g{i}")[1], 0, 1)]))
        for i in (1, 2):
            for l in range(lay.k):
                zi = (lay.place("z1", l)[1], lay.one_a, 1) if i == 1 else (lay.one_b, lay.place("z2", l)[1], 1)
                trip = [zi] + [(lay.place(f"w{i}", t)[1], lay.minus_q(l, t), 1) for t in range(n)]
                rows.append((0, trip + [(lay.place(f"g{i}")[1], lay.one_a, 1)]))
        return rows

    def term(var: str, index: int, coef: Any) -> tuple[int, int, Any]:
        kind, idx = lay.place(var, index)
        return (idx, lay.one_a, coef) if kind == "b" else (lay.one_b, idx, coef)

    for p in instance.inside:
        for i in (1, 2):
            trip = [term(f"w{i}", t, _as_number(c)) for t, c in enumerate(p) if c != 0]
            rows.append((0, trip + [term(f"g{i}", 0, -1)]))
    for i in (1, 2):
        for l, q in enumerate(instance.outside):
            trip = [term(f"z{i}", l, 1)] + [term(f"w{i}", t, _as_number(-c)) for t, c in enumerate(q) if c != 0]
            rows.append((0, trip + [term(f"g{i}", 0, 1)]))
    return rows


def embed(instance: BMProgram, solution: Any, layout: str = "fixed") -> tuple[np.ndarray, np.ndarray]:
    """Any BM point (dict w1, g1, w2, g2, z1, z2; not necessarily feasible) -> (b, A) float64.

    The program's rows at ``(b, A)`` equal the BM constraint left-hand sides
    (``p.w_i - g_i``, ``z_i,l - q_l.w_i + g_i``) and its objective equals ``z1^T z2``; no box
    is enforced here (``forward`` moves to a basic point first).

    Parameters
    ----------
    instance : BMProgram
        The source instance.
    solution : dict
        BM point with keys ``w1``, ``g1``, ``w2``, ``g2``, ``z1``, ``z2``.
    layout : str
        ``"fixed"`` or ``"compact"``.

    Returns
    -------
    tuple of numpy.ndarray
        b of shape (d+1,) and A of shape (d+1, d).
    """
    sol = instance.parse_solution(solution)
    lay = layout_of(instance, layout)
    bq, Aq = _fixed_entries(instance, lay)
    b = np.array([float(x) for x in bq])
    A = np.array([[float(x) for x in row] for row in Aq])
    for var in ("z1", "z2", "w1", "w2", "g1", "g2"):
        vals = sol[var] if var[0] != "g" else (sol[var],)
        for i, v in enumerate(vals):
            kind, idx = lay.place(var, i)
            if kind == "b":
                b[idx] = float(v)
            else:
                A[idx, 0] = float(v)
    return b, A


def _read(lay: Layout, b: np.ndarray, A: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for var, size in (("z1", lay.k), ("z2", lay.k), ("w1", lay.n), ("w2", lay.n), ("g1", 1), ("g2", 1)):
        vals = []
        for i in range(size):
            kind, idx = lay.place(var, i)
            vals.append(float(b[idx]) if kind == "b" else float(A[idx, 0]))
        out[var] = vals if var[0] != "g" else vals[0]
    return out
