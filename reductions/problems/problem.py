"""The decision-problem interface and the problem registry (the nodes of the reduction graph).

Every decision problem is a frozen dataclass deriving from :class:`Problem` and registers itself
where it is defined::

    @register_problem
    @dataclass(frozen=True)
    class CNF(Problem):
        PROBLEM: ClassVar[str] = "cnf"

:mod:`reductions.problems` imports every problem module, so importing it fills the registry;
:func:`problem_class` and :func:`problems` read it (``load_problem``, the rule registry and the
reduction graph dispatch through it).
"""

from __future__ import annotations

import abc
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

__all__ = ["Problem", "register_problem", "unregister_problem", "problem_class", "problems", "schema_name",
           "check_header"]


def schema_name(problem: str) -> str:
    """The JSON schema string of a problem name.

    Parameters
    ----------
    problem : str
        Graph-node name of the problem, e.g. ``"cnf"``.

    Returns
    -------
    str
        ``"lsahard.<problem>/1"``.

    Examples
    --------
    >>> schema_name("cnf")
    'lsahard.cnf/1'
    """
    return f"lsahard.{problem}/1"


def check_header(data: Any, problem: str) -> None:
    """Validate the ``"problem"``/``"schema"`` header of a problem's JSON dict.

    A missing ``"schema"`` key is accepted (it defaults to :func:`schema_name` of ``problem``).

    Parameters
    ----------
    data : Mapping
        The JSON object of one problem instance.
    problem : str
        The expected graph-node name (value of the ``"problem"`` key).

    Raises
    ------
    TypeError
        If ``data`` is not a JSON object (dict).
    ValueError
        If the ``"problem"`` key differs from ``problem`` or the ``"schema"`` key differs from
        ``schema_name(problem)``.
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"data: expected a JSON object (dict) for problem {problem!r}, got {type(data).__name__}")
    got = data.get("problem")
    if got != problem:
        raise ValueError(f"problem: expected {problem!r}, got {got!r}")
    schema = data.get("schema", schema_name(problem))
    if schema != schema_name(problem):
        raise ValueError(f"schema: expected {schema_name(problem)!r}, got {schema!r}")


class Problem(abc.ABC):
    """Abstract base of every decision problem (subclasses are frozen dataclasses).

    A problem knows its graph-node name ``PROBLEM``, its JSON form (``to_json`` / ``from_json``,
    always carrying ``"problem": PROBLEM`` and ``"schema": "lsahard.<problem>/1"``), an EXACT
    checker ``check(solution) -> bool`` (rational arithmetic where numbers are involved; a
    wrong-but-well-formed solution returns ``False``, a malformed one raises
    ``TypeError``/``ValueError``) and ``size() -> dict[str, int]``, the quantities the rules' size
    formulas talk about (REDUCTIONS.md, "How a rule is proven").

    Attributes
    ----------
    PROBLEM : str
        Graph-node name of the problem (class variable), e.g. ``"cnf"``.
    """

    PROBLEM: ClassVar[str] = ""

    @abc.abstractmethod
    def to_json(self) -> dict:
        """JSON-serialisable dict of the instance.

        Returns
        -------
        dict
            The instance's JSON, including ``"problem"`` and ``"schema"``.
        """

    @classmethod
    @abc.abstractmethod
    def from_json(cls, data: Mapping[str, Any]) -> Problem:
        """Inverse of ``to_json``.

        Parameters
        ----------
        data : Mapping
            A JSON object as written by ``to_json``.

        Returns
        -------
        Problem
            The instance.

        Raises
        ------
        ValueError
            Naming the malformed field.
        """

    @abc.abstractmethod
    def check(self, solution: Any) -> bool:
        """Exact check that ``solution`` solves this instance.

        Parameters
        ----------
        solution : object
            A solution in the problem's solution format (see the problem module).

        Returns
        -------
        bool
            True iff ``solution`` is a YES certificate; False for a wrong but well-formed solution.
        """

    @abc.abstractmethod
    def size(self) -> dict[str, int]:
        """Size parameters used by the rules' size formulas.

        Returns
        -------
        dict of str to int
            Named size quantities of the instance.
        """

    def header(self) -> dict:
        """The common JSON header.

        Returns
        -------
        dict
            ``{"problem": PROBLEM, "schema": "lsahard.<problem>/1"}``.
        """
        return {"problem": self.PROBLEM, "schema": schema_name(self.PROBLEM)}

    def dumps(self) -> str:
        """The instance as JSON text.

        Returns
        -------
        str
            ``json.dumps(self.to_json())``.
        """
        return json.dumps(self.to_json())


_PROBLEMS: dict[str, type[Problem]] = {}

P = TypeVar("P", bound=type)


def register_problem(cls: P) -> P:
    """Class decorator: register ``cls`` under its graph-node name ``cls.PROBLEM`` and return it.

    Parameters
    ----------
    cls : type
        A subclass of :class:`Problem` with a non-empty ``PROBLEM`` not registered before.

    Returns
    -------
    type
        ``cls`` itself.

    Raises
    ------
    TypeError
        If ``cls`` is not a Problem subclass.
    ValueError
        If ``cls.PROBLEM`` is missing (empty) or already registered by another class.

    Examples
    --------
    >>> problem_class("cnf").__name__
    'CNF'
    """
    if not (isinstance(cls, type) and issubclass(cls, Problem)):
        raise TypeError(f"cls: expected a Problem subclass, got {cls!r}")
    name = cls.PROBLEM
    if not isinstance(name, str) or not name:
        raise ValueError(f"cls: {cls.__name__}.PROBLEM must be a non-empty str, got {name!r}")
    if name in _PROBLEMS and _PROBLEMS[name] is not cls:
        raise ValueError(f"cls: problem {name!r} is already registered by {_PROBLEMS[name].__qualname__}")
    _PROBLEMS[name] = cls
    return cls


def unregister_problem(name: str) -> type[Problem]:
    """Remove and return the class registered as ``name`` (for plugins and tests).

    Parameters
    ----------
    name : str
        Graph-node name of a registered problem.

    Returns
    -------
    type
        The Problem subclass that was registered under ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not registered.
    """
    cls = problem_class(name)
    del _PROBLEMS[name]
    return cls


def problems() -> Mapping[str, type[Problem]]:
    """A read-only view of the problem registry.

    Returns
    -------
    Mapping of str to type
        ``{graph-node name: Problem subclass}``, in registration order.
    """
    return MappingProxyType(_PROBLEMS)


def problem_class(name: str) -> type[Problem]:
    """The Problem subclass registered under a graph-node name.

    Parameters
    ----------
    name : str
        Graph-node name, e.g. ``"cnf"`` or ``"separability"``.

    Returns
    -------
    type
        The registered :class:`Problem` subclass.

    Raises
    ------
    ValueError
        If ``name`` is unknown.

    Examples
    --------
    >>> problem_class("partition").__name__
    'Partition'
    """
    if not isinstance(name, str) or name not in _PROBLEMS:
        raise ValueError(f"problem: unknown problem name {name!r}; expected one of {sorted(_PROBLEMS)}")
    return _PROBLEMS[name]
