"""Partition.

Instance: positive integers a_1..a_n (n >= 1).  Question: is there s in {-1, +1}^n with
sum_i s_i a_i = 0?  Non-integer entries (floats included, even 2.0) and bools are rejected with
ValueError: the problem is about integers and a float may not be one exactly.

Solution format: tuple of n signs in {-1, +1}.  ``check`` is exact (Python integers).

JSON: ``{"problem": "partition", "schema": "lsahard.partition/1", "values": [3, 1, 1, 2, 2, 1]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral
from typing import Any, ClassVar

from reductions.problems.problem import Problem, check_header, register_problem

__all__ = ["Partition"]


@register_problem
@dataclass(frozen=True)
class Partition(Problem):
    """Partition: split the values into two halves of equal sum.

    REDUCTIONS.md "Problems" (Partition) and construction 5 (the source of
    ``partition_to_lsa_program``): is there s in {-1, +1}^n with sum_i s_i a_i = 0?

    Attributes
    ----------
    values : iterable of int
        Positive integers a_1..a_n, n >= 1.

    Raises
    ------
    TypeError
        If ``values`` is not a list.
    ValueError
        For an empty list, a non-integer entry (floats included, even 2.0; bools too) or a
        non-positive one.
    """

    values: tuple[int, ...]

    PROBLEM: ClassVar[str] = "partition"

    def __post_init__(self) -> None:
        vals = self.values
        if isinstance(vals, (str, bytes, Mapping)) or not isinstance(vals, Iterable):
            raise TypeError(f"values: expected a list of positive integers, got {type(vals).__name__}")
        out: list[int] = []
        for i, v in enumerate(vals):
            if isinstance(v, bool) or not isinstance(v, Integral):
                raise ValueError(f"values[{i}]: expected a positive integer, got {v!r}")
            if v <= 0:
                raise ValueError(f"values[{i}]: expected a positive integer, got {v}")
            out.append(int(v))
        if not out:
            raise ValueError("values: expected at least one value")
        object.__setattr__(self, "values", tuple(out))

    @property
    def n(self) -> int:
        """Number of values."""
        return len(self.values)

    def size(self) -> dict[str, int]:
        """Size parameters.

        Returns
        -------
        dict of str to int
            ``n``, ``total`` (sum of the values) and ``max_bits`` (bit length of the largest value).
        """
        return {"n": self.n, "total": sum(self.values), "max_bits": max(self.values).bit_length()}

    def check(self, solution: Any) -> bool:
        """Exact: ``solution`` is n signs with sum s_i a_i == 0.

        Parameters
        ----------
        solution : sequence of int
            n signs in {-1, +1}.

        Returns
        -------
        bool
            True iff the signed sum is zero (Python integers, exact).

        Raises
        ------
        TypeError
            For a non-sequence.
        ValueError
            For a wrong length or an entry other than -1/+1.

        Examples
        --------
        >>> p = Partition(values=(1, 2, 3))
        >>> p.check((1, 1, -1)), p.check((1, -1, 1))
        (True, False)
        """
        if isinstance(solution, (str, bytes, Mapping)) or not hasattr(solution, "__len__"):
            raise TypeError(f"solution: expected a sequence of {self.n} signs, got {type(solution).__name__}")
        signs = list(solution)
        if len(signs) != self.n:
            raise ValueError(f"solution: expected {self.n} signs, got {len(signs)}")
        for i, s in enumerate(signs):
            if isinstance(s, bool) or not isinstance(s, Integral) or int(s) not in (-1, 1):
                raise ValueError(f"solution[{i}]: expected -1 or +1, got {s!r}")
        return sum(int(s) * a for s, a in zip(signs, self.values)) == 0

    def to_json(self) -> dict:
        """JSON form ``{"problem", "schema", "values"}``.

        Returns
        -------
        dict
            The instance's JSON.
        """
        return {**self.header(), "values": list(self.values)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Partition:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        data : Mapping
            The JSON object.

        Returns
        -------
        Partition
            The instance.

        Raises
        ------
        ValueError
            For a wrong header or a missing ``values`` key.
        """
        check_header(data, cls.PROBLEM)
        if "values" not in data:
            raise ValueError("values: missing from the partition JSON object")
        return cls(values=data["values"])
