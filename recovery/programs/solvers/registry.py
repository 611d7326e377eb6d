"""The solver registry: every solver declares itself once, next to its runner.

A runner module registers each of its solvers with ::

    register(SolverSpec(name="scip", requires="pyscipopt", pip_hint="pip install pyscipopt",
                        proves=("feasible", "optimal", "infeasible"), runner=run_scip))

:mod:`recovery.programs.solvers` imports every runner module (their registration order is the order
of ``SOLVER_NAMES``), and derives the solver names, the memory estimate, the documentation table
(:func:`solvers_table`), :func:`recovery.programs.solvers.available_solvers`, the runner lookup and the
set of solvers whose infeasibility is a proof from here.  A spec only names the Python package a
solver needs; the package itself is imported by the runner when it runs.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from recovery.programs.program import BilinearProgram
from recovery.programs.solvers.result import Outcome

__all__ = ["SolverSpec", "PROVABLE", "MEMORY_MODELS", "register", "unregister", "specs", "get", "names", "proving",
           "solvers_table"]

#: what a solver run can prove: a point (``feasible``), optimality, or infeasibility
PROVABLE = ("feasible", "optimal", "infeasible")

#: the dense arrays a solver holds beyond the point and the bounds (``64 (d+1)^2`` bytes):
#: ``"point"`` nothing more, ``"jacobian"`` a dense ``rows x free entries`` matrix (8 bytes per
#: entry: the local heuristics, the MILP and LP compilers), ``"moment"`` a ``(f+1)^2`` moment
#: matrix over the ``f`` free entries with cvxpy's overhead (about 40 bytes per entry)
MEMORY_MODELS = ("point", "jacobian", "moment")


@dataclass(frozen=True)
class SolverSpec:
    """One solver of the portfolio.

    Attributes
    ----------
    name : str
        The ``solver=`` / ``--solver`` value.
    requires : str
        The Python package (import name) the solver needs; looked up, not imported.
    pip_hint : str
        How to install it (shown when it is missing).
    proves : tuple of str
        What the solver's statuses prove, a subset of :data:`PROVABLE`; ``"infeasible"`` means its
        infeasibility (and its lower bound) is a proof.
    runner : callable
        ``runner(program, time_limit, seed) -> Outcome``.
    method : str
        One line saying what the solver does (the documentation table, :func:`solvers_table`).
    memory : str
        Its memory model, one of :data:`MEMORY_MODELS` (read by
        :func:`recovery.programs.solvers.estimate_bytes`).
    """

    name: str
    requires: str
    pip_hint: str
    proves: tuple[str, ...]
    runner: Callable[[BilinearProgram, float, int], Outcome]
    method: str = ""
    memory: str = "point"

    def __post_init__(self) -> None:
        for attr in ("name", "requires", "pip_hint"):
            if not isinstance(getattr(self, attr), str) or not getattr(self, attr):
                raise ValueError(f"{attr}: expected a non-empty str, got {getattr(self, attr)!r}")
        proves = tuple(self.proves)
        bad = [p for p in proves if p not in PROVABLE]
        if bad:
            raise ValueError(f"proves: expected a subset of {PROVABLE}, got {bad}")
        object.__setattr__(self, "proves", proves)
        if not callable(self.runner):
            raise TypeError(f"runner: expected a callable, got {self.runner!r}")
        if self.memory not in MEMORY_MODELS:
            raise ValueError(f"memory: expected one of {MEMORY_MODELS}, got {self.memory!r}")

    @property
    def proves_infeasible(self) -> bool:
        """Whether an ``infeasible`` status (or a lower bound) of this solver is a proof.

        Returns
        -------
        bool
            ``"infeasible" in proves``.
        """
        return "infeasible" in self.proves

    def installed(self) -> bool:
        """Whether the required package can be imported (without importing it).

        Returns
        -------
        bool
            ``importlib.util.find_spec(requires) is not None``.
        """
        return importlib.util.find_spec(self.requires) is not None


_SPECS: dict[str, SolverSpec] = {}


def register(spec: SolverSpec) -> SolverSpec:
    """Add ``spec`` to the registry and return it.

    Parameters
    ----------
    spec : SolverSpec
        The solver to register.

    Returns
    -------
    SolverSpec
        ``spec`` itself.

    Raises
    ------
    TypeError
        When ``spec`` is not a :class:`SolverSpec`.
    ValueError
        For a name already registered.
    """
    if not isinstance(spec, SolverSpec):
        raise TypeError(f"spec: expected a SolverSpec, got {type(spec).__name__}")
    if spec.name in _SPECS:
        raise ValueError(f"solver {spec.name!r} is already registered")
    _SPECS[spec.name] = spec
    return spec


def unregister(name: str) -> SolverSpec:
    """Remove and return the solver registered as ``name`` (for plugins and tests).

    Parameters
    ----------
    name : str
        A registered solver name.

    Returns
    -------
    SolverSpec
        The removed spec.

    Raises
    ------
    ValueError
        For an unknown solver.
    """
    spec = get(name)
    del _SPECS[name]
    return spec


def specs() -> Mapping[str, SolverSpec]:
    """A read-only view ``{name: SolverSpec}``, in registration order.

    Returns
    -------
    Mapping[str, SolverSpec]
        A ``MappingProxyType`` that follows later registrations.
    """
    return MappingProxyType(_SPECS)


def get(name: str) -> SolverSpec:
    """The spec registered as ``name``.

    Parameters
    ----------
    name : str
        A solver name.

    Returns
    -------
    SolverSpec
        The registered spec.

    Raises
    ------
    ValueError
        For an unknown solver (the message lists the registered ones).

    Examples
    --------
    >>> import recovery.programs.solvers
    >>> get("lm").proves_infeasible
    False
    """
    if not isinstance(name, str) or name not in _SPECS:
        raise ValueError(f"unknown solver {name!r}; choose one of {', '.join(_SPECS)}")
    return _SPECS[name]


def names() -> tuple[str, ...]:
    """Every registered solver name, in registration order.

    Returns
    -------
    tuple of str
        The names.
    """
    return tuple(_SPECS)


def proving() -> tuple[str, ...]:
    """The solvers whose ``infeasible`` status and lower bounds are proofs.

    Returns
    -------
    tuple of str
        Names of the specs with :attr:`SolverSpec.proves_infeasible`, in registration order.
    """
    return tuple(n for n, s in _SPECS.items() if s.proves_infeasible)


def solvers_table() -> str:
    """A Markdown table of every registered solver: name, method, what it proves, package.

    Returns
    -------
    str
        The table, one row per solver in registration order.

    Examples
    --------
    >>> import recovery.programs.solvers
    >>> solvers_table().splitlines()[0]
    '| solver | method | proves | package |'
    """
    lines = ["| solver | method | proves | package |", "|---|---|---|---|"]
    for s in _SPECS.values():
        lines.append(f"| `{s.name}` | {s.method} | {', '.join(s.proves)} | `{s.requires}` |")
    return "\n".join(lines)
