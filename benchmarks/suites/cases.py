"""What a benchmark family is made of: solver specs, level instances, cases, the Family interface.

A *family* turns a size parameter into a list of :class:`Case` objects (one per instance), each
holding the instance at every level of its reduction chain.  Each level is attacked by the
solvers :meth:`Family.solvers` names; a solver is named by an importable ``"module:function"``
runner string (see :mod:`benchmarks.suites.solver_runs`), never by an object, because the worker
process imports it afresh.
"""

from __future__ import annotations

import abc
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

__all__ = ["SolverSpec", "LevelInstance", "Case", "Family", "case_rng", "instance_id"]


@dataclass(frozen=True)
class SolverSpec:
    """One solver applicable to one level.

    ``name``: the record's ``solver`` field; ``runner``: ``"module:function"`` executed in the
    worker; ``exact``: the solver can prove NO (used by the scaling suite to decide when a family
    is exhausted); ``options``: JSON-able keyword options handed to the runner;
    ``max_size``: skip the solver above this source size (brute force), None = no cap.
    """

    name: str
    runner: str
    exact: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)
    max_size: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("SolverSpec.name: expected a non-empty string")
        if not isinstance(self.runner, str) or ":" not in self.runner:
            raise ValueError(f"SolverSpec.runner: expected 'module:function', got {self.runner!r}")


@dataclass(frozen=True)
class LevelInstance:
    """The instance at one level: ``level`` ("source", an intermediate problem name, or
    ``lsa_program``), its ``problem`` name, its JSON ``data`` and its ``size()`` dict."""

    level: str
    problem: str
    data: Mapping[str, Any]
    size_detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One benchmark instance across all levels of its family's chain.

    ``answer`` is "YES", "NO" or None (unknown); ``provenance`` says how it is known
    ("construction", "brute", or "unknown").
    """

    instance: str
    family: str
    size: int
    planted: bool
    answer: str | None
    provenance: str
    levels: tuple[LevelInstance, ...]

    def __post_init__(self) -> None:
        if self.answer not in ("YES", "NO", None):
            raise ValueError(f"Case.answer: expected 'YES', 'NO' or None, got {self.answer!r}")
        if not self.levels:
            raise ValueError("Case.levels: expected at least one level")

    def manifest(self) -> dict[str, Any]:
        return {
            "family": self.family, "size": self.size, "planted": self.planted,
            "answer": self.answer, "provenance": self.provenance,
            "levels": {lv.level: {"problem": lv.problem, "size": dict(lv.size_detail)} for lv in self.levels},
        }


def case_rng(family: str, size: int, index: int, base_seed: int = 0) -> np.random.Generator:
    """The generator of instance ``index`` of ``family`` at ``size``: a pure function of its
    arguments (crc32 of the name, never Python's salted ``hash``), so every shard, resume and
    machine builds the same instances."""
    return np.random.default_rng([int(base_seed), zlib.crc32(family.encode()), int(size), int(index)])


def instance_id(family: str, size: int, index: int, planted: bool) -> str:
    return f"{family}-n{size}-{index:02d}{'p' if planted else 'r'}"


class Family(abc.ABC):
    """A benchmark family: builds cases and names the solvers of each level."""

    name: str = ""
    description: str = ""

    @abc.abstractmethod
    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        """``count`` instances of ``size``: indices 0..count-1, even indices planted (YES).

        ``skip_levels``: levels not to build (a chain stops at the first skipped level, since
        later levels are built from it); ``warn``: called with a message for every instance
        that could not be generated (it is skipped, the suite goes on)."""

    @abc.abstractmethod
    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        """Solvers applicable to ``level`` (of a case of source size ``size``)."""

    def available(self) -> str | None:
        """None if the family can be built here, else the reason why not (shown as a warning)."""
        return None
