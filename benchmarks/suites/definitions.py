"""What a suite is (:class:`Suite` of :class:`FamilyPlan` objects), the built-in suites and their registry.

===================  ==============================================================================
``quick`` (default)  a few tiny sizes of every available family, every level, every installed
                     solver; sized to finish in under 5 minutes on 2 cores.
``scaling``          sizes grow one round at a time (adaptive plans, see
                     :func:`benchmarks.suites.driver.run_suite`).
``tiny``             partition at n = 4 with the exact solvers (a real end-to-end self-test).
``toy*``             toy families only (runner self-tests and demos, no solver stack needed).
===================  ==============================================================================

The delegated suites (:mod:`benchmarks.suites.delegated`) share the namespace of suite names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from benchmarks.suites.delegated import DELEGATED_SUITES

__all__ = ["FamilyPlan", "Suite", "SUITES", "register_suite", "suite_names", "get_suite"]


@dataclass(frozen=True)
class FamilyPlan:
    """Sizes of one family in a suite.  ``per_size`` instances per size (even -> half planted).

    Attributes
    ----------
    family : str
        A registered family name.
    sizes : tuple of int
        The family's sizes, in the order they are run.
    per_size : int, optional
        Instances per size (even -> half planted).
    adaptive : bool, optional
        One size per round, dropping the (level, solver) configurations that solved nothing at
        the previous size (see :func:`benchmarks.suites.driver.run_suite`).
    level_caps : Mapping of str to int, optional
        Level name -> largest size at which that level is built and solved (suite-specific caps).
    solvers : tuple of str, optional
        Restrict to these solver names (None = every applicable solver).
    """

    family: str
    sizes: tuple[int, ...]
    per_size: int = 2
    adaptive: bool = False
    #: level name -> largest size at which that level is built and solved (suite-specific caps)
    level_caps: Mapping[str, int] = field(default_factory=dict)
    #: restrict to these solver names (None = every applicable solver)
    solvers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Suite:
    """A benchmark suite: a name, a description and the plans of its families.

    Attributes
    ----------
    name : str
        The suite's name (``lsahard bench --suite NAME``).
    description : str
        One line.
    plans : tuple of FamilyPlan
        The families and their sizes.
    time_limit : float, optional
        Seconds per run (> 0).
    seeds : tuple of int, optional
        Solver seeds of every (instance, level, solver).
    base_seed : int, optional
        Seed of the instance generators (:func:`benchmarks.suites.cases.case_rng`).
    """

    name: str
    description: str
    plans: tuple[FamilyPlan, ...]
    time_limit: float = 10.0
    seeds: tuple[int, ...] = (0,)
    base_seed: int = 0


def _suite_quick() -> Suite:
    # sizes and caps chosen so that the whole suite stays under 5 minutes on 2 cores; LSA
    # programs grow fastest (sat3: d = 40 at n = 3, sat3-ss: d = 72, coloring: d = 220 at n = 3),
    # so they run at the smallest size only, and coloring's in the scaling suite only
    return Suite("quick", "tiny sizes of every family, every level, every installed solver", (
        FamilyPlan("partition", (4, 6), 2),
        FamilyPlan("separability", (4, 6), 2),
        FamilyPlan("setsplit", (4, 5), 2, level_caps={"lsa_program": 4}),
        FamilyPlan("sat3", (3, 4), 2, level_caps={"lsa_program": 3}),
        FamilyPlan("sat3-ss", (3, 4), 2, level_caps={"lsa_program": 3}),
        FamilyPlan("coloring", (3, 4), 2, level_caps={"lsa_program": 0}),
    ), time_limit=2.0)


#: sizes growing by about 25 % per step: the scaling suite reaches the hard region in few rounds
_GROW = (3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 256)


def _suite_scaling() -> Suite:
    return Suite("scaling", "sizes grow until every exact solver times out, per family", (
        FamilyPlan("partition", tuple(s for s in _GROW if s >= 4), 4, adaptive=True),
        FamilyPlan("separability", tuple(s for s in _GROW if s >= 4), 4, adaptive=True),
        FamilyPlan("setsplit", tuple(s for s in _GROW if s >= 4), 4, adaptive=True),
        FamilyPlan("sat3", _GROW, 4, adaptive=True),
        FamilyPlan("sat3-ss", _GROW, 4, adaptive=True),
        FamilyPlan("coloring", _GROW, 4, adaptive=True),
    ), time_limit=30.0)


def _suite_tiny() -> Suite:
    return Suite("tiny", "one real family at its smallest size, exact solvers only (tests)",
                 (FamilyPlan("partition", (4,), 2, solvers=("milp", "brute", "scip", "highs-milp", "mccormick")),),
                 time_limit=2.0)


def _suite_toy() -> Suite:
    return Suite("toy", "toy family (runner tests)", (FamilyPlan("toy", (2, 3), 2),), time_limit=2.0)


def _suite_toy_scaling() -> Suite:
    return Suite("toy-scaling", "toy family, adaptive sizes (runner tests)",
                 (FamilyPlan("toy", tuple(range(1, 12)), 2, adaptive=True),), time_limit=0.2)


def _suite_toy_mini() -> Suite:
    return Suite("toy-mini", "toy family, one size (runner tests)", (FamilyPlan("toy", (2,), 2),), time_limit=2.0)


def _suite_toy_hang() -> Suite:
    return Suite("toy-hang", "a hanging toy solver (runner tests)", (FamilyPlan("toy-hang", (2,), 1),),
                 time_limit=1.0)


def _suite_toy_bad() -> Suite:
    return Suite("toy-bad", "lying / crashing toy solvers (runner tests)", (FamilyPlan("toy-bad", (2,), 2),),
                 time_limit=2.0)


SUITES: dict[str, Callable[[], Suite]] = {
    "quick": _suite_quick,
    "scaling": _suite_scaling,
    "tiny": _suite_tiny,
    "toy": _suite_toy,
    "toy-scaling": _suite_toy_scaling,
    "toy-mini": _suite_toy_mini,
    "toy-hang": _suite_toy_hang,
    "toy-bad": _suite_toy_bad,
}


def register_suite(suite: Suite, *, replace: bool = False) -> Suite:
    """Add a :class:`Suite` (extension hook, e.g. from a ``--plugin`` module).

    Parameters
    ----------
    suite : Suite
        Registered under ``suite.name``.
    replace : bool
        Replace a suite (or shadow a delegated suite) of the same name; else ValueError.

    Returns
    -------
    Suite
        ``suite`` itself.

    Raises
    ------
    TypeError
        If ``suite`` is not a :class:`Suite`.
    ValueError
        If the name is taken and ``replace`` is False.
    """
    if not isinstance(suite, Suite):
        raise TypeError(f"suite must be a benchmarks.suites.catalog.Suite, got {type(suite).__name__}")
    if (suite.name in SUITES or suite.name in DELEGATED_SUITES) and not replace:
        raise ValueError(f"suite {suite.name!r} is already registered")
    SUITES[suite.name] = lambda: suite
    return suite


def suite_names() -> list[str]:
    """Every suite name: the runner suites, then the delegated ones.

    Returns
    -------
    list of str
        The names of :data:`SUITES` followed by those of
        :data:`~benchmarks.suites.delegated.DELEGATED_SUITES`.

    Examples
    --------
    >>> names = suite_names()
    >>> names[:3]
    ['quick', 'scaling', 'tiny']
    >>> "claims" in names
    True
    """
    return list(SUITES) + list(DELEGATED_SUITES)


def get_suite(name: str) -> Suite:
    """The runner suite registered as ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`SUITES` (delegated suites are run by
        :func:`benchmarks.suites.delegated.run_delegated` instead).

    Returns
    -------
    Suite
        A fresh copy of the suite.

    Raises
    ------
    ValueError
        For an unknown name (the message names the choices).

    Examples
    --------
    >>> s = get_suite("toy")
    >>> s.name, s.time_limit, [(p.family, p.sizes) for p in s.plans]
    ('toy', 2.0, [('toy', (2, 3))])
    """
    if name not in SUITES:
        raise ValueError(f"name: unknown suite {name!r}; choose one of {', '.join(suite_names())}")
    return SUITES[name]()
