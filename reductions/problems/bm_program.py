"""The Bennett-Mangasarian bilinear program for 2-plane separability (margin 1).

Bennett and Mangasarian, "Bilinear separation of two sets in n-space" (1993); MATH.md section 5,
REDUCTIONS.md "Problems".  Inside set ``A'`` (rows ``p_1..p_m``, shape (m, dim)) and outside set
``B`` (rows ``q_1..q_k``, shape (k, dim)).  Variables ``w1, w2`` in R^dim, ``g1, g2`` in R,
``z1, z2`` in R^k::

    minimise   z1^T z2
    subject to A' w_i - g_i e >= e            (i = 1, 2)    every inside point, margin 1
               z_i >= B w_i - g_i e + e       (i = 1, 2)    slack of every outside point
               z_i >= 0.

The feasible set is a product of two polyhedra (one per plane), so this is a *disjoint* bilinear
program.  It is always feasible when m >= 0 (take w_i = 0, g_i = -1, z_i large).  **YES iff the
minimum is 0**: a zero-objective point gives, for every outside point l, ``z1_l = 0`` or
``z2_l = 0``, i.e. ``q_l . w_i <= g_i - 1 < g_i`` for that plane, while every inside point has
``p . w_i >= g_i + 1 > g_i`` -- the planes ``x . w_i = g_i`` separate (and conversely after the
margin rescaling in :func:`rescale_plane`).

Solution format (``check``): a dict with keys ``w1``, ``g1``, ``w2``, ``g2``, ``z1``, ``z2``;
``w_i`` sequences of ``dim`` numbers, ``g_i`` numbers, ``z_i`` sequences of ``k`` numbers.  Numbers
may be int, Fraction, float (its exact binary value is used) or ``"p/q"`` strings.  ``check`` is
exact (Fractions): every constraint holds and ``z1^T z2 == 0``.

JSON: ``{"problem": "bm_program", "schema": "lsahard.bm_program/1", "inside": [[...], ...],
"outside": [[...], ...]}`` (coordinates as JSON ints, or ``"p/q"`` strings for non-integers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from reductions.problems.bm_planes import Point, _dot, basic_plane, plane_slacks, rescale_plane, vertex_box
from reductions.problems.problem import Problem, check_header, register_problem
from reductions.problems.values import as_fraction, check_coordinate

__all__ = [
    "BMProgram",
    "point_set",
    "rescale_plane",
    "plane_slacks",
    "vertex_box",
    "basic_plane",
]


def point_set(rows: Any, name: str, dim: int | None = None) -> tuple[Point, ...]:
    """Validate a list of points (each a sequence of numbers) into a tuple of Fraction tuples.

    Parameters
    ----------
    rows : iterable of iterable
        The points, shape (n_points, dim); coordinates checked by
        :func:`reductions.problems.values.check_coordinate`.
    name : str
        The argument name used in error messages.
    dim : int or None
        The required dimension (if given); all rows must have the same length >= 1.

    Returns
    -------
    tuple of tuple of Fraction
        The points.

    Raises
    ------
    TypeError
        For a non-list of points or a point that is not a list.
    ValueError
        For a wrong dimension or an unreadable/out-of-range coordinate.
    """
    if isinstance(rows, (str, bytes, Mapping)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"{name}: expected a list of points (lists of numbers), got {type(rows).__name__}")
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes, Mapping)) or not hasattr(row, "__iter__"):
            raise TypeError(f"{name}[{i}]: expected a list of numbers, got {type(row).__name__}")
        pt = tuple(check_coordinate(as_fraction(x, f"{name}[{i}][{t}]"), f"{name}[{i}][{t}]")
                   for t, x in enumerate(row))
        if dim is None:
            dim = len(pt)
        if len(pt) != dim or dim < 1:
            raise ValueError(f"{name}[{i}]: expected a point of dimension {dim} (>= 1), got {len(pt)} coordinates")
        out.append(pt)
    return tuple(out)


def _json_coord(x: Fraction) -> int | str:
    return int(x) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


@register_problem
@dataclass(frozen=True)
class BMProgram(Problem):
    """Bennett-Mangasarian bilinear program (see module docstring); YES iff ``min z1^T z2 = 0``.

    REDUCTIONS.md "Problems" and construction 6; MATH.md section 5.

    Attributes
    ----------
    inside : iterable of iterable
        m inside points (rows of ``A'``, shape (m, dim)), stored as Fraction tuples.
    outside : iterable of iterable
        k outside points (rows of ``B``, shape (k, dim)).
    dim : int or None
        Common dimension >= 1.  ``m = 0`` or ``k = 0`` are allowed (trivially YES); since an empty
        point list carries no dimension, ``dim`` must be given when both lists are empty.

    Raises
    ------
    ValueError
        For an invalid ``dim``, points of the wrong dimension or bad coordinates.
    TypeError
        For point lists that are not lists.
    """

    PROBLEM: ClassVar[str] = "bm_program"

    inside: tuple[Point, ...]
    outside: tuple[Point, ...]
    dim: int | None = None

    def __post_init__(self) -> None:
        dim = self.dim
        if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int) or dim < 1):
            raise ValueError(f"dim: expected an int >= 1 or None, got {dim!r}")
        inside = point_set(self.inside, "inside", dim)
        if inside:
            dim = len(inside[0])
        outside = point_set(self.outside, "outside", dim)
        if outside:
            dim = len(outside[0])
        if dim is None:
            raise ValueError("dim: both point sets are empty, so the dimension must be given")
        object.__setattr__(self, "inside", inside)
        object.__setattr__(self, "outside", outside)
        object.__setattr__(self, "dim", dim)

    @property
    def dimension(self) -> int:
        """``dim`` as an int (``__post_init__`` always sets it; ValueError if it is unset)."""
        if self.dim is None:
            raise ValueError("dim: unset (the instance was not built by its constructor)")
        return self.dim

    # ------------------------------------------------------------------ JSON
    def to_json(self) -> dict:
        """JSON form with exact coordinates (ints or ``"p/q"`` strings) and ``dim``.

        Returns
        -------
        dict
            The instance's JSON.
        """
        out = self.header()
        out["inside"] = [[_json_coord(x) for x in p] for p in self.inside]
        out["outside"] = [[_json_coord(x) for x in q] for q in self.outside]
        out["dim"] = self.dim
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BMProgram:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        data : Mapping
            The JSON object.

        Returns
        -------
        BMProgram
            The instance.

        Raises
        ------
        ValueError
            For a wrong header or a missing ``inside``/``outside`` key.
        """
        check_header(data, cls.PROBLEM)
        for key in ("inside", "outside"):
            if key not in data:
                raise ValueError(f"{key}: missing field in bm_program JSON")
        return cls(inside=data["inside"], outside=data["outside"], dim=data.get("dim"))

    def size(self) -> dict[str, int]:
        """Size parameters (same keys as ``separability``).

        Returns
        -------
        dict of str to int
            ``{"dim": dim, "n_inside": m, "n_outside": k}``.
        """
        return {"dim": self.dimension, "n_inside": len(self.inside), "n_outside": len(self.outside)}

    # ------------------------------------------------------------------ solutions
    def parse_solution(self, solution: Any) -> dict[str, Any]:
        """Exact form of a solution dict: w_i -> Fraction tuples, g_i -> Fraction, z_i -> Fraction tuples.

        TypeError/ValueError for malformed solutions (missing keys, wrong lengths, non-numbers).
        """
        if not isinstance(solution, Mapping):
            raise TypeError(f"solution: expected a dict with keys w1, g1, w2, g2, z1, z2, got {type(solution).__name__}")
        missing = [k for k in ("w1", "g1", "w2", "g2", "z1", "z2") if k not in solution]
        if missing:
            raise ValueError(f"solution: missing key(s) {missing}")
        out: dict[str, Any] = {}
        for key, length in (("w1", self.dim), ("w2", self.dim), ("z1", len(self.outside)), ("z2", len(self.outside))):
            vec = solution[key]
            if isinstance(vec, (str, bytes, Mapping)) or not hasattr(vec, "__len__"):
                raise TypeError(f"solution[{key!r}]: expected a sequence of {length} numbers")
            vals = tuple(as_fraction(x, f"solution[{key!r}][{t}]") for t, x in enumerate(list(vec)))
            if len(vals) != length:
                raise ValueError(f"solution[{key!r}]: expected {length} entries, got {len(vals)}")
            out[key] = vals
        for key in ("g1", "g2"):
            g = solution[key]
            if hasattr(g, "item") and not isinstance(g, (str, bytes)):
                g = g.item()
            out[key] = as_fraction(g, f"solution[{key!r}]")
        return out

    def objective(self, solution: Any) -> Fraction:
        """Exact ``z1^T z2`` of a solution (no feasibility check)."""
        s = self.parse_solution(solution)
        return _dot(s["z1"], s["z2"])

    def is_feasible(self, solution: Any) -> bool:
        """Exact feasibility of every linear constraint (objective not considered)."""
        s = self.parse_solution(solution)
        for i in ("1", "2"):
            w, g, z = s["w" + i], s["g" + i], s["z" + i]
            if any(v < 1 for v in plane_slacks(self.inside, w, g)):
                return False
            if any(zl < 0 for zl in z):
                return False
            if any(zl < v + 1 for zl, v in zip(z, plane_slacks(self.outside, w, g))):
                return False
        return True

    def check(self, solution: Any) -> bool:
        """Exact: feasible and ``z1^T z2 == 0`` (a certificate of separability).

        Parameters
        ----------
        solution : dict
            Keys ``w1``, ``g1``, ``w2``, ``g2``, ``z1``, ``z2`` (see :meth:`parse_solution`).

        Returns
        -------
        bool
            True iff every constraint holds and the objective is zero.

        Raises
        ------
        TypeError
            For a malformed solution (see :meth:`parse_solution`).
        ValueError
            For a malformed solution (see :meth:`parse_solution`).

        Examples
        --------
        >>> bm = BMProgram(inside=[[0]], outside=[[2], [-2]])
        >>> sol = bm.complete([-1], -1, [1], -1)
        >>> sol["z1"], bm.check(sol)
        ((Fraction(0, 1), Fraction(4, 1)), True)
        """
        return self.is_feasible(solution) and self.objective(solution) == 0

    def complete(self, w1: Sequence[Any], g1: Any, w2: Sequence[Any], g2: Any) -> dict[str, Any]:
        """The solution dict with the smallest slacks ``z_i = max(0, B w_i - g_i e + e)`` (exact).

        Parameters
        ----------
        w1 : sequence of number
            Normal of plane 1, length dim.
        g1 : number
            Offset of plane 1.
        w2 : sequence of number
            Normal of plane 2, length dim.
        g2 : number
            Offset of plane 2.

        Returns
        -------
        dict
            Keys ``w1``, ``g1``, ``w2``, ``g2``, ``z1``, ``z2`` with Fraction values.
        """
        wq1 = tuple(as_fraction(x, "w1") for x in w1)
        wq2 = tuple(as_fraction(x, "w2") for x in w2)
        gq1, gq2 = as_fraction(g1, "g1"), as_fraction(g2, "g2")
        z1 = tuple(max(Fraction(0), v + 1) for v in plane_slacks(self.outside, wq1, gq1))
        z2 = tuple(max(Fraction(0), v + 1) for v in plane_slacks(self.outside, wq2, gq2))
        return {"w1": wq1, "g1": gq1, "w2": wq2, "g2": gq2, "z1": z1, "z2": z2}

    def solution_from_split(self, solution_planes: Any, split: Sequence[int]) -> dict[str, Any] | None:
        """Clean up approximate planes with a known split of the outside points (exact).

        ``solution_planes``: dict with w1, g1, w2, g2 (floats allowed); ``split[l]`` in {1, 2} is
        the plane that must cut outside point l off.  Each plane is margin-rescaled against the
        inside set and its outside points (:func:`rescale_plane`); returns the completed solution
        dict (then ``check`` is True) or None if a plane does not strictly separate.
        """
        planes = []
        for i in (1, 2):
            q_i = [q for q, s in zip(self.outside, split) if s == i]
            r = rescale_plane(self.inside, q_i, solution_planes[f"w{i}"], solution_planes[f"g{i}"])
            if r is None:
                return None
            planes.append(r)
        (w1, g1), (w2, g2) = planes
        return self.complete(w1, g1, w2, g2)

    def split_of(self, solution: Any) -> tuple[int, ...]:
        """For a solution dict with exact ``z``: plane 1 for outside point l if ``z1_l == 0`` else 2."""
        s = self.parse_solution(solution)
        return tuple(1 if z == 0 else 2 for z in s["z1"])

    def vertex_box(self) -> tuple[int, int, int]:
        """``(W, G, Z)`` of :func:`vertex_box` for this instance."""
        return vertex_box(self.inside, self.outside, self.dimension)

    def basic_solution(self, solution: Any) -> dict[str, Any]:
        """A zero-objective solution inside :meth:`vertex_box` from any zero-objective one (exact).

        ValueError if ``solution`` does not pass :meth:`check`.
        """
        if not self.check(solution):
            raise ValueError("solution: not a zero-objective BM solution of this instance")
        s = self.parse_solution(solution)
        split = self.split_of(solution)
        planes = []
        for i in (1, 2):
            q_i = [q for q, t in zip(self.outside, split) if t == i]
            planes.append(basic_plane(self.inside, q_i, s[f"w{i}"], s[f"g{i}"]))
        (w1, g1), (w2, g2) = planes
        return self.complete(w1, g1, w2, g2)
