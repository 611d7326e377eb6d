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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["SolverSpec", "LevelInstance", "Case", "Family", "case_rng", "instance_id"]


@dataclass(frozen=True)
class SolverSpec:
    """One solver applicable to one level.

    Attributes
    ----------
    name : str
        The record's ``solver`` field (non-empty).
    runner : str
        ``"module:function"`` executed in the worker.
    exact : bool, optional
        The solver can prove NO (used by the scaling suite to decide when a family is exhausted).
    options : Mapping, optional
        JSON-able keyword options handed to the runner.
    max_size : int, optional
        Skip the solver above this source size (brute force); None = no cap.

    Raises
    ------
    ValueError
        For an empty ``name`` or a ``runner`` without ``":"``.

    Examples
    --------
    >>> SolverSpec("toy-fast", "benchmarks.suites.toy:run_toy").exact
    True
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
    """The instance at one level of a reduction chain.

    Attributes
    ----------
    level : str
        ``"source"``, an intermediate problem name, or ``"lsa_program"``.
    problem : str
        The problem name of the instance.
    data : Mapping
        Its JSON.
    size_detail : Mapping, optional
        Its ``size()`` dict.
    """

    level: str
    problem: str
    data: Mapping[str, Any]
    size_detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One benchmark instance across all levels of its family's chain.

    Attributes
    ----------
    instance : str
        Instance id (:func:`instance_id`).
    family : str
        Family name.
    size : int
        The family's size parameter.
    planted : bool
        Built from a hidden solution.
    answer : {"YES", "NO", None}
        The known answer (None: unknown).
    provenance : str
        How the answer is known (``"construction"``, ``"brute"``, or ``"unknown"``).
    levels : tuple of LevelInstance
        The instance at every level built (at least one).

    Raises
    ------
    ValueError
        For another ``answer`` or no levels.
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
        """The case's entry of ``DIR/instances.json``.

        Returns
        -------
        dict
            ``family``, ``size``, ``planted``, ``answer``, ``provenance`` and ``levels`` (level ->
            problem and size).
        """
        return {
            "family": self.family, "size": self.size, "planted": self.planted,
            "answer": self.answer, "provenance": self.provenance,
            "levels": {lv.level: {"problem": lv.problem, "size": dict(lv.size_detail)} for lv in self.levels},
        }


def case_rng(family: str, size: int, index: int, base_seed: int = 0) -> np.random.Generator:
    """The random generator of instance ``index`` of ``family`` at ``size``.

    A pure function of its arguments (crc32 of the name, never Python's salted ``hash``), so
    every shard, resume and machine builds the same instances.

    Parameters
    ----------
    family : str
        Family name.
    size : int
        The family's size parameter.
    index : int
        Instance index at this size.
    base_seed : int, optional
        The suite's base seed.

    Returns
    -------
    numpy.random.Generator
        Seeded with ``[base_seed, crc32(family), size, index]``.

    Examples
    --------
    >>> int(case_rng("toy", 2, 0).integers(1000)) == int(case_rng("toy", 2, 0).integers(1000))
    True
    """
    return np.random.default_rng([int(base_seed), zlib.crc32(family.encode()), int(size), int(index)])


def instance_id(family: str, size: int, index: int, planted: bool) -> str:
    """The id of instance ``index`` of ``family`` at ``size``.

    Parameters
    ----------
    family : str
        Family name.
    size : int
        The family's size parameter.
    index : int
        Instance index (two digits at least).
    planted : bool
        Planted (suffix ``p``) or random (suffix ``r``).

    Returns
    -------
    str
        ``FAMILY-nSIZE-INDEX`` followed by ``p`` or ``r``.

    Examples
    --------
    >>> instance_id("sat3", 4, 1, False)
    'sat3-n4-01r'
    """
    return f"{family}-n{size}-{index:02d}{'p' if planted else 'r'}"


class Family(abc.ABC):
    """A benchmark family: builds cases and names the solvers of each level.

    Subclasses set :attr:`name` and :attr:`description` and implement :meth:`cases` and
    :meth:`solvers`; :meth:`available` may say why the family cannot run here.
    """

    name: str = ""
    description: str = ""

    @abc.abstractmethod
    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        """``count`` instances of ``size``: indices 0..count-1, even indices planted (YES).

        Parameters
        ----------
        size : int
            The family's size parameter.
        count : int
            Number of instances.
        base_seed : int, optional
            The suite's base seed (:func:`case_rng`).
        skip_levels : frozenset of str, optional
            Levels not to build (a chain stops at the first skipped level, since later levels
            are built from it).
        warn : callable, optional
            Called with a message for every instance that could not be generated (it is
            skipped, the suite goes on).

        Returns
        -------
        list of Case
            The cases built.
        """

    @abc.abstractmethod
    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        """Name the solvers applicable to ``level`` (of a case of source size ``size``).

        Parameters
        ----------
        level : LevelInstance
            The instance at one level.
        size : int
            The case's source size.

        Returns
        -------
        list of SolverSpec
            The solvers to run on it.
        """

    def available(self) -> str | None:
        """None if the family can be built here, else the reason why not (shown as a warning).

        Returns
        -------
        str or None
            The reason, or None.
        """
        return None
