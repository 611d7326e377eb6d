"""Rows and objective of a bilinear program: ``b^T D A[:, j] (sense) rhs`` with sparse D.

D is a (d+1) x (d+1) matrix given as 0-based triplets ``(row, col, value)``: ``row`` indexes ``b``
(0..d), ``col`` the rows of ``A`` (0..d), so the row value is ``sum value * b[row] * A[col, j]``
(paper Problems C.10/C.11).  Range checks against d happen in the program.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from recovery.programs.values import Number, Triplet, as_index, as_number, as_triplets, json_number, read_number

__all__ = ["SENSES", "BilinearRow", "BilinearObjective", "check_keys", "read_triplets"]

SENSES = ("==", "<=", ">=")


@dataclass(frozen=True)
class BilinearRow:
    """Constraint ``b^T D A[:, j] (sense) rhs``; D as sparse 0-based (row, col, value) triplets.

    The row value is ``sum value * b[row] * A[col, j]`` (paper Problems C.10/C.11).  Range checks
    against d happen in :class:`BilinearProgram`.

    Attributes
    ----------
    j : int
        A column of A (0..d-1).
    D : tuple of Triplet
        ``(row, col, value)`` triplets: ``row`` indexes b (0..d), ``col`` indexes the rows of A
        (0..d); no entry twice.
    sense : str
        One of :data:`SENSES`: ``"=="``, ``"<="``, ``">="``.
    rhs : int, float or Fraction
        The right-hand side.

    Raises
    ------
    TypeError, ValueError
        For an invalid field (:func:`~recovery.programs.values.as_index`,
        :func:`~recovery.programs.values.as_triplets`, :func:`~recovery.programs.values.as_number`)
        or an unknown sense.
    """

    j: int
    D: tuple[Triplet, ...]
    sense: str
    rhs: Number

    def __post_init__(self) -> None:
        object.__setattr__(self, "j", as_index(self.j, "j"))
        object.__setattr__(self, "D", as_triplets(self.D, "D"))
        if self.sense not in SENSES:
            raise ValueError(f"sense must be one of {SENSES}, got {self.sense!r}")
        object.__setattr__(self, "rhs", as_number(self.rhs, "rhs"))

    def to_json(self) -> dict:
        """The row as a JSON-compatible dict.

        Returns
        -------
        dict
            Keys ``j``, ``D`` (list of ``[row, col, value]``), ``sense``, ``rhs``; Fractions as
            ``"p/q"`` strings.
        """
        return {
            "j": self.j,
            "D": [[r, c, json_number(v)] for r, c, v in self.D],
            "sense": self.sense,
            "rhs": json_number(self.rhs),
        }


@dataclass(frozen=True)
class BilinearObjective:
    """Objective ``minimise b^T D A[:, j] + constant`` (same D convention as :class:`BilinearRow`).

    Attributes
    ----------
    j : int
        A column of A (0..d-1).
    D : tuple of Triplet
        ``(row, col, value)`` triplets, ``row`` indexing b and ``col`` the rows of A.
    constant : int, float or Fraction
        Added to the objective value.

    Raises
    ------
    TypeError, ValueError
        For an invalid field.
    """

    j: int
    D: tuple[Triplet, ...]
    constant: Number = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "j", as_index(self.j, "objective j"))
        object.__setattr__(self, "D", as_triplets(self.D, "objective D"))
        object.__setattr__(self, "constant", as_number(self.constant, "objective constant"))

    def to_json(self) -> dict:
        """The objective as a JSON-compatible dict.

        Returns
        -------
        dict
            Keys ``j``, ``D`` (list of ``[row, col, value]``), ``constant``; Fractions as ``"p/q"``
            strings.
        """
        return {
            "j": self.j,
            "D": [[r, c, json_number(v)] for r, c, v in self.D],
            "constant": json_number(self.constant),
        }


def check_keys(obj: Any, required: set[str], optional: set[str], where: str) -> None:
    """Check the keys of a JSON object.

    Parameters
    ----------
    obj : object
        The decoded JSON value.
    required : set of str
        Keys that must be present.
    optional : set of str
        Keys that may be present.
    where : str
        Where the object is, for the error messages.

    Raises
    ------
    TypeError
        When ``obj`` is not a mapping.
    ValueError
        For a missing or an unknown key.
    """
    if not isinstance(obj, Mapping):
        raise TypeError(f"{where} must be a JSON object, got {type(obj).__name__}")
    missing = required - set(obj)
    if missing:
        raise ValueError(f"{where}: missing key(s) {sorted(missing)}")
    extra = set(obj) - required - optional
    if extra:
        raise ValueError(f"{where}: unknown key(s) {sorted(extra)}")


def read_triplets(D: Any, where: str) -> list:
    """Read the ``D`` triplets of a row or objective from JSON.

    Parameters
    ----------
    D : object
        The decoded JSON value, a list of ``[row, col, value]`` lists.
    where : str
        Where the triplets are, for the error messages.

    Returns
    -------
    list of tuple
        ``(row, col, value)`` with values read by :func:`~recovery.programs.values.read_number`
        (indices are validated later, by :func:`~recovery.programs.values.as_triplets`).

    Raises
    ------
    TypeError
        When ``D`` is not a list.
    ValueError
        For an entry that is not a 3-element list, or a bad value.
    """
    if not isinstance(D, list):
        raise TypeError(f"{where}.D must be a list of [row, col, value]")
    out = []
    for t, trip in enumerate(D):
        if not isinstance(trip, list) or len(trip) != 3:
            raise ValueError(f"{where}.D[{t}] must be [row, col, value], got {trip!r}")
        out.append((trip[0], trip[1], read_number(trip[2], f"{where}.D[{t}] value")))
    return out
