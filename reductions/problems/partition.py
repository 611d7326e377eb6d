"""Partition.

Instance: positive integers a_1..a_n (n >= 1).  Question: is there s in {-1, +1}^n with
sum_i s_i a_i = 0?  Non-integer entries (floats included, even 2.0) and bools are rejected with
ValueError: the problem is about integers and a float may not be one exactly.

Solution format: tuple of n signs in {-1, +1}.  ``check`` is exact (Python integers).

JSON: ``{"problem": "partition", "schema": "lsahard.partition/1", "values": [3, 1, 1, 2, 2, 1]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any, ClassVar, Iterable, Mapping

from reductions.problems.problem import Problem, check_header, register_problem

__all__ = ["Partition"]


@register_problem
@dataclass(frozen=True)
class Partition(Problem):
    """Partition: split the values into two halves of equal sum."""

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
        return len(self.values)

    def size(self) -> dict[str, int]:
        return {"n": self.n, "total": sum(self.values), "max_bits": max(self.values).bit_length()}

    def check(self, solution: Any) -> bool:
        """Exact: ``solution`` is n signs with sum s_i a_i == 0."""
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
        return {**self.header(), "values": list(self.values)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Partition":
        check_header(data, cls.PROBLEM)
        if "values" not in data:
            raise ValueError("values: missing from the partition JSON object")
        return cls(values=data["values"])
