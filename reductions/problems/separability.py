"""2-plane separability (the "2 hyperplanes, AND of two half-spaces" problem of Megiddo and
Blum-Rivest).

Instance: inside points P and outside points Q in R^dim (rational coordinates, stored exactly as
``fractions.Fraction``).  Question: are there two planes x.w_i = g_i (i = 1, 2) with

* every inside point p strictly inside both open half-spaces: p.w_1 > g_1 and p.w_2 > g_2,
* every outside point q strictly outside at least one: q.w_1 < g_1 or q.w_2 < g_2?

Not symmetric in P and Q.  Equivalently Q splits into Q_1, Q_2 with conv(P), conv(Q_i) strictly
linearly separable (i = 1, 2).  By scaling (w_i, g_i) the strict inequalities can be replaced by a
margin of 1 (p.w_i >= g_i + 1, q.w_i <= g_i - 1), which is what the LP/MILP deciders use.

Solution format: ``(w1, g1, w2, g2)`` (w_i sequences of length dim, g_i numbers) or a dict with
keys "w1", "g1", "w2", "g2"; numbers may be int, float (exact binary value), Fraction or strings
such as "3/4".  ``check`` is exact (Fractions).

JSON: ``{"problem": "separability", "schema": "lsahard.separability/1", "dim": D,
"inside": [[...], ...], "outside": [[...], ...]}``; coordinates are ints, or strings "p/q" for
non-integers (floats are read exactly).  ``dim`` is optional when there is at least one point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from numbers import Integral
from typing import Any, ClassVar

import numpy as np

from reductions.problems.problem import Problem, check_header, register_problem
from reductions.problems.values import as_fraction, check_coordinate

__all__ = ["Separability", "fraction_json"]

Point = tuple[Fraction, ...]


def fraction_json(x: Fraction) -> int | str:
    """An exact JSON value of a rational.

    Parameters
    ----------
    x : Fraction
        The value (anything ``Fraction`` accepts).

    Returns
    -------
    int or str
        An int if integral, else the string ``"p/q"``.

    Examples
    --------
    >>> fraction_json(Fraction(3, 4)), fraction_json(2)
    ('3/4', 2)
    """
    x = Fraction(x)
    return int(x) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _points(pts: Any, name: str, dim: int | None) -> tuple[tuple[Point, ...], int | None]:
    if isinstance(pts, (str, bytes, Mapping)) or not isinstance(pts, Iterable):
        raise TypeError(f"{name}: expected a list of points, got {type(pts).__name__}")
    out = []
    for i, p in enumerate(pts):
        if isinstance(p, (str, bytes, Mapping)) or not isinstance(p, Iterable):
            raise TypeError(f"{name}[{i}]: expected a list of coordinates, got {type(p).__name__}")
        coords = tuple(check_coordinate(as_fraction(c, f"{name}[{i}]"), f"{name}[{i}]") for c in p)
        if dim is None:
            dim = len(coords)
        if len(coords) != dim:
            raise ValueError(f"{name}[{i}]: dimension {len(coords)} differs from dimension {dim} of the other points")
        out.append(coords)
    return tuple(out), dim


@register_problem
@dataclass(frozen=True)
class Separability(Problem):
    """Two-plane separability of inside points P from outside points Q.

    REDUCTIONS.md "Problems" (2-plane separability); the target of constructions 2 and 3 and the
    source of construction 6.  With margin 1: ``p.w_i >= g_i + 1`` and ``q.w_i <= g_i - 1``
    (MATH.md section 5).

    Attributes
    ----------
    inside : iterable of iterable
        Inside points P, shape (``abs(P)``, dim); rational coordinates (int, float read exactly,
        Fraction or ``"p/q"`` strings) within :data:`reductions.problems.values.MAX_COORDINATE`.
    outside : iterable of iterable
        Outside points Q, shape (``abs(Q)``, dim).
    dim : int or None
        Dimension, >= 1; optional when there is at least one point.

    Raises
    ------
    TypeError
        For point lists that are not lists.
    ValueError
        For an invalid ``dim``, points of differing dimension, no points and no ``dim``, or a
        coordinate out of range.
    """

    inside: tuple[Point, ...]
    outside: tuple[Point, ...]
    dim: int | None = None

    PROBLEM: ClassVar[str] = "separability"

    def __post_init__(self) -> None:
        dim = self.dim
        if dim is not None:
            if isinstance(dim, bool) or not isinstance(dim, Integral) or dim < 1:
                raise ValueError(f"dim: expected a positive int, got {dim!r}")
            dim = int(dim)
        inside, dim = _points(self.inside, "inside", dim)
        outside, dim = _points(self.outside, "outside", dim)
        if dim is None:
            raise ValueError("dim: no points given and no dimension")
        if dim < 1:
            raise ValueError("dim: points must have at least one coordinate")
        object.__setattr__(self, "inside", inside)
        object.__setattr__(self, "outside", outside)
        object.__setattr__(self, "dim", dim)

    @property
    def dimension(self) -> int:
        """``dim`` as an int (``__post_init__`` always sets it; ValueError if it is unset)."""
        if self.dim is None:
            raise ValueError("dim: unset (the instance was not built by its constructor)")
        return self.dim

    def size(self) -> dict[str, int]:
        """Size parameters.

        Returns
        -------
        dict of str to int
            ``dim``, ``n_inside`` and ``n_outside``.
        """
        return {"dim": self.dimension, "n_inside": len(self.inside), "n_outside": len(self.outside)}

    # -- numeric views -----------------------------------------------------------------------
    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(P, Q) as float64 arrays of shapes (``abs(P)``, dim), (``abs(Q)``, dim).

        Returns
        -------
        tuple of numpy.ndarray
            The inside and the outside points.
        """
        P = np.array([[float(c) for c in p] for p in self.inside], dtype=float).reshape(-1, self.dimension)
        Q = np.array([[float(c) for c in q] for q in self.outside], dtype=float).reshape(-1, self.dimension)
        return P, Q

    def integer_scale(self) -> int:
        """Smallest positive integer L with L * (every coordinate) integral.

        Scaling all points by L > 0 keeps the answer (w_i unchanged, g_i scaled by L).

        Returns
        -------
        int
            The lcm of all coordinate denominators.
        """
        return lcm(1, *(c.denominator for pts in (self.inside, self.outside) for p in pts for c in p))

    # -- checking ----------------------------------------------------------------------------
    def normalize_solution(self, solution: Any) -> tuple[Point, Fraction, Point, Fraction]:
        """``solution`` as exact (w1, g1, w2, g2).

        Parameters
        ----------
        solution : tuple or dict
            ``(w1, g1, w2, g2)`` or a dict with these keys.

        Returns
        -------
        tuple
            ``(w1, g1, w2, g2)`` with Fraction entries.

        Raises
        ------
        TypeError
            For a solution of another type.
        ValueError
            For missing keys, a wrong number of entries or a wrong length of ``w_i``.
        """
        if isinstance(solution, Mapping):
            try:
                parts = [solution[k] for k in ("w1", "g1", "w2", "g2")]
            except KeyError as exc:
                raise ValueError(f"solution: missing key {exc.args[0]!r} (expected w1, g1, w2, g2)") from None
        elif isinstance(solution, (list, tuple)):
            if len(solution) != 4:
                raise ValueError(f"solution: expected (w1, g1, w2, g2), got {len(solution)} entries")
            parts = list(solution)
        else:
            raise TypeError(f"solution: expected (w1, g1, w2, g2), got {type(solution).__name__}")
        w1, g1, w2, g2 = parts
        out = []
        for name, w, g in (("w1", w1, g1), ("w2", w2, g2)):
            wf = tuple(as_fraction(c, name) for c in np.asarray(w, dtype=object).ravel().tolist())
            if len(wf) != self.dim:
                raise ValueError(f"solution: {name} has {len(wf)} entries, expected dim = {self.dim}")
            out += [wf, as_fraction(g, "g" + name[1])]
        return tuple(out)  # type: ignore[return-value]

    @staticmethod
    def _dot(p: Point, w: Point) -> Fraction:
        return sum((a * b for a, b in zip(p, w)), Fraction(0))

    def check(self, solution: Any) -> bool:
        """Exact: p.w_i > g_i for all p in P, i = 1, 2; q.w_1 < g_1 or q.w_2 < g_2 for all q in Q.

        Parameters
        ----------
        solution : tuple or dict
            ``(w1, g1, w2, g2)`` (w_i sequences of length dim, g_i numbers) or a dict with keys "w1",
            "g1", "w2", "g2"; numbers may be int, float (exact binary value), Fraction or strings such
            as "3/4".

        Returns
        -------
        bool
            True iff the two planes ``x.w_i = g_i`` separate P from Q.

        Raises
        ------
        TypeError
            For a malformed solution (see :meth:`normalize_solution`).
        ValueError
            For a malformed solution (see :meth:`normalize_solution`).

        Examples
        --------
        >>> s = Separability(inside=[[0, 0]], outside=[[2, 0], [-2, 0]])
        >>> s.check(((1, 0), -1, (-1, 0), -1)), s.check(((1, 0), -1, (1, 0), -1))
        (True, False)
        """
        w1, g1, w2, g2 = self.normalize_solution(solution)
        for p in self.inside:
            if not (self._dot(p, w1) > g1 and self._dot(p, w2) > g2):
                return False
        for q in self.outside:
            if not (self._dot(q, w1) < g1 or self._dot(q, w2) < g2):
                return False
        return True

    def cut_by(self, solution: Any) -> list[tuple[bool, bool]]:
        """For every outside point: (cut off by plane 1, cut off by plane 2), exactly.

        Parameters
        ----------
        solution : tuple or dict
            ``(w1, g1, w2, g2)`` as for :meth:`check`.

        Returns
        -------
        list of tuple of bool
            One pair per outside point.
        """
        w1, g1, w2, g2 = self.normalize_solution(solution)
        return [(self._dot(q, w1) < g1, self._dot(q, w2) < g2) for q in self.outside]

    # -- JSON --------------------------------------------------------------------------------
    def to_json(self) -> dict:
        """JSON form with exact coordinates (ints or ``"p/q"`` strings).

        Returns
        -------
        dict
            The instance's JSON.
        """
        return {
            **self.header(),
            "dim": self.dim,
            "inside": [[fraction_json(c) for c in p] for p in self.inside],
            "outside": [[fraction_json(c) for c in q] for q in self.outside],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Separability:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        data : Mapping
            The JSON object.

        Returns
        -------
        Separability
            The instance.

        Raises
        ------
        ValueError
            For a wrong header or a missing ``inside``/``outside`` key.
        """
        check_header(data, cls.PROBLEM)
        for key in ("inside", "outside"):
            if key not in data:
                raise ValueError(f"{key}: missing from the separability JSON object")
        return cls(inside=data["inside"], outside=data["outside"], dim=data.get("dim"))


def solution_json(solution: tuple) -> dict:
    """(w1, g1, w2, g2) of Fractions as an exact JSON dict."""
    w1, g1, w2, g2 = solution
    return {
        "w1": [fraction_json(Fraction(c)) for c in w1],
        "g1": fraction_json(Fraction(g1)),
        "w2": [fraction_json(Fraction(c)) for c in w2],
        "g2": fraction_json(Fraction(g2)),
    }
