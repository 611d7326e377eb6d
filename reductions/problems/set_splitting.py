"""Set splitting (hypergraph 2-colouring).

Instance: a ground set {0, ..., n-1} (0-based elements) and a family of non-empty subsets.
Question: is there a partition S_1 (side 0), S_2 (side 1) of the ground set such that no subset
lies entirely inside S_1 or entirely inside S_2?  (A subset with one element can never be split.)
Empty subsets are rejected: they are not splittable in the definition but carry no structure,
and the Blum-Rivest map would send them onto the origin.  Repeated elements inside a subset are
rejected too.

Solution format: tuple of n sides in {0, 1} (element t is in S_1 iff side[t] == 0); bools accepted.

JSON: ``{"problem": "set_splitting", "schema": "lsahard.set_splitting/1", "n": N,
"subsets": [[0, 2], [1, 2, 3], ...]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral
from typing import Any, ClassVar

import numpy as np

from reductions.problems.problem import Problem, check_header, register_problem
from reductions.problems.values import as_bool_tuple

__all__ = ["SetSplitting"]


@register_problem
@dataclass(frozen=True)
class SetSplitting(Problem):
    """Set splitting: 2-colour the ground set so that no subset is monochromatic.

    REDUCTIONS.md "Problems" (hypergraph 2-colouring); the source of construction 3
    (Blum-Rivest).

    Attributes
    ----------
    n : int
        Size of the ground set {0, ..., n-1}, >= 0.
    subsets : iterable of iterable of int
        Non-empty subsets of 0-based elements without repeated elements.

    Raises
    ------
    TypeError
        For a non-integer ``n`` or malformed subset lists.
    ValueError
        For a negative ``n``, an element out of range or not an integer, an empty subset or a
        repeated element.
    """

    n: int
    subsets: tuple[tuple[int, ...], ...]

    PROBLEM: ClassVar[str] = "set_splitting"

    def __post_init__(self) -> None:
        n = self.n
        if isinstance(n, bool) or not isinstance(n, Integral):
            raise TypeError(f"n: expected an int, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n: expected >= 0, got {n}")
        subs = self.subsets
        if isinstance(subs, (str, bytes, Mapping)) or not isinstance(subs, Iterable):
            raise TypeError(f"subsets: expected a list of lists, got {type(subs).__name__}")
        out = []
        for si, s in enumerate(subs):
            if isinstance(s, (str, bytes, Mapping)) or not isinstance(s, Iterable):
                raise TypeError(f"subsets[{si}]: expected a list of elements, got {type(s).__name__}")
            elems = []
            for e in s:
                if isinstance(e, bool) or not isinstance(e, Integral):
                    raise ValueError(f"subsets[{si}]: element {e!r} is not an integer")
                if not 0 <= int(e) < n:
                    raise ValueError(f"subsets[{si}]: element {e} out of range 0..{n - 1}")
                elems.append(int(e))
            if not elems:
                raise ValueError(f"subsets[{si}]: empty subset")
            if len(set(elems)) != len(elems):
                raise ValueError(f"subsets[{si}]: repeated element in {elems}")
            out.append(tuple(elems))
        object.__setattr__(self, "n", int(n))
        object.__setattr__(self, "subsets", tuple(out))

    def size(self) -> dict[str, int]:
        """Size parameters.

        Returns
        -------
        dict of str to int
            ``n``, ``n_subsets``, ``total_size`` (sum of subset sizes) and ``max_subset``.
        """
        return {
            "n": self.n,
            "n_subsets": len(self.subsets),
            "total_size": sum(len(s) for s in self.subsets),
            "max_subset": max((len(s) for s in self.subsets), default=0),
        }

    def check(self, solution: Any) -> bool:
        """Exact: every subset meets both sides.

        Parameters
        ----------
        solution : sequence
            ``n`` sides in {0, 1} (element t is in S_1 iff ``side[t] == 0``); bools accepted.

        Returns
        -------
        bool
            True iff no subset is monochromatic.

        Raises
        ------
        TypeError
            For a non-sequence or non-boolean entries.
        ValueError
            For a wrong length or a side other than 0/1.

        Examples
        --------
        >>> s = SetSplitting(n=3, subsets=((0, 1), (1, 2)))
        >>> s.check((0, 1, 0)), s.check((0, 0, 1))
        (True, False)
        """
        side = as_bool_tuple(solution, self.n)
        return all(len({side[e] for e in s}) == 2 for s in self.subsets)

    def incidence(self) -> np.ndarray:
        """Incidence matrix, shape (n_subsets, n).

        Returns
        -------
        numpy.ndarray
            0/1 int64 matrix with entry 1 iff the element lies in the subset.
        """
        M = np.zeros((len(self.subsets), self.n), dtype=np.int64)
        for si, s in enumerate(self.subsets):
            M[si, list(s)] = 1
        return M

    def to_json(self) -> dict:
        """JSON form ``{"problem", "schema", "n", "subsets"}``.

        Returns
        -------
        dict
            The instance's JSON.
        """
        return {**self.header(), "n": self.n, "subsets": [list(s) for s in self.subsets]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SetSplitting:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        data : Mapping
            The JSON object.

        Returns
        -------
        SetSplitting
            The instance.

        Raises
        ------
        ValueError
            For a wrong header or a missing ``n``/``subsets`` key.
        """
        check_header(data, cls.PROBLEM)
        for key in ("n", "subsets"):
            if key not in data:
                raise ValueError(f"{key}: missing from the {cls.PROBLEM} JSON object")
        return cls(n=data["n"], subsets=data["subsets"])
