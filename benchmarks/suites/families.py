"""The registry of benchmark instance families, and the built-in families.

Registered chain families (:class:`~benchmarks.suites.chains.ChainFamily`): ``partition``,
``separability``, ``setsplit``, ``sat3``, ``sat3-ss`` (3-SAT -> NAE-4-SAT -> set splitting ->
...) and ``coloring``; toy families (:class:`~benchmarks.suites.toy.ToyFamily`): ``toy``,
``toy-hang`` and ``toy-bad``.

Extension hook (documented in the guide "Benchmarks"): :func:`register_family` adds a family
object; ``lsahard bench --plugin MODULE`` imports a module that calls it.

The building blocks live in :mod:`~benchmarks.suites.cases` (cases and the Family interface),
:mod:`~benchmarks.suites.chains` (reduction-chain families), :mod:`~benchmarks.suites.toy` (the
toy family) and :mod:`~benchmarks.suites.solver_runs` (the runner functions executed in the
workers); their public names are importable from here too.
"""

from __future__ import annotations

from benchmarks.suites.cases import Case, Family, LevelInstance, SolverSpec, case_rng, instance_id
from benchmarks.suites.chains import ChainFamily, brute_applicable, rule_between
from benchmarks.suites.solver_runs import (
    FORKSERVER_PRELOAD,
    LSA_EXACT,
    OBJECTIVE_TOL,
    decide_outcome,
    lsa_outcome,
    lsa_solver_names,
    run_decide,
    run_lsa,
)
from benchmarks.suites.toy import ToyFamily, run_toy

__all__ = [
    "SolverSpec",
    "LevelInstance",
    "Case",
    "Family",
    "ChainFamily",
    "ToyFamily",
    "FAMILIES",
    "register_family",
    "get_family",
    "family_names",
    "case_rng",
    "instance_id",
    "rule_between",
    "brute_applicable",
    "decide_outcome",
    "lsa_outcome",
    "run_decide",
    "run_lsa",
    "run_toy",
    "lsa_solver_names",
    "LSA_EXACT",
    "OBJECTIVE_TOL",
    "FORKSERVER_PRELOAD",
]

#: name -> family; filled by :func:`register_family`
FAMILIES: dict[str, Family] = {}


def register_family(family: Family, *, replace: bool = False) -> Family:
    """Add ``family`` to :data:`FAMILIES` (the documented extension hook).

    Parameters
    ----------
    family : Family
        Its ``name`` becomes the family's name in suites and records.
    replace : bool
        Replace a family registered under the same name (else ValueError).

    Returns
    -------
    Family
        ``family`` itself.

    Raises
    ------
    TypeError
        If ``family`` is not a :class:`~benchmarks.suites.cases.Family`.
    ValueError
        For an empty name, or a name already taken when ``replace`` is False.
    """
    if not isinstance(family, Family):
        raise TypeError(f"family must be a benchmarks.suites.families.Family, got {type(family).__name__}")
    if not family.name or not isinstance(family.name, str):
        raise ValueError("family.name must be a non-empty string")
    if family.name in FAMILIES and not replace:
        raise ValueError(f"family {family.name!r} is already registered")
    FAMILIES[family.name] = family
    return family


def get_family(name: str) -> Family:
    """The family registered as ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`FAMILIES`.

    Returns
    -------
    Family
        The registered family object.

    Raises
    ------
    ValueError
        For an unknown name (the message names the known ones).

    Examples
    --------
    >>> get_family("toy").solver_names
    ('toy-fast', 'toy-slow')
    """
    if name not in FAMILIES:
        raise ValueError(f"name: unknown family {name!r}; known: {', '.join(sorted(FAMILIES))}")
    return FAMILIES[name]


def family_names() -> list[str]:
    """The registered family names, sorted.

    Returns
    -------
    list of str
        The keys of :data:`FAMILIES`.

    Examples
    --------
    >>> "sat3" in family_names() and "toy" in family_names()
    True
    """
    return sorted(FAMILIES)


_SEP_TAIL = ("separability", "bm_program", "lsa_program")

#: the reduction families of the paper's hardness argument and its neighbours
register_family(ChainFamily(
    "sat3", ("cnf", "nae_sat") + _SEP_TAIL,
    "3-SAT -> NAE-4-SAT -> 2-plane separability -> Bennett-Mangasarian program -> LSA program",
    brute_max_size=10))
register_family(ChainFamily(
    "setsplit", ("set_splitting",) + _SEP_TAIL,
    "set splitting -> separability -> Bennett-Mangasarian program -> LSA program (Blum-Rivest)",
    brute_max_size=10))
register_family(ChainFamily(
    "partition", ("partition", "lsa_program"),
    "partition -> LSA program (gauge-fixed sign variables)", brute_max_size=14,
    brute_solver_max_size=16))
register_family(ChainFamily(
    "separability", ("separability", "bm_program", "lsa_program"),
    "2-plane separability (points in the plane) -> Bennett-Mangasarian program -> LSA program",
    brute_max_size=12, brute_solver_max_size=14))
register_family(ChainFamily(
    "sat3-ss", ("cnf", "nae_sat", "set_splitting") + _SEP_TAIL,
    "3-SAT -> NAE-4-SAT -> set splitting -> separability -> BM program -> LSA program",
    brute_max_size=10))
register_family(ChainFamily(
    "coloring", ("coloring", "cnf", "nae_sat") + _SEP_TAIL,
    "graph 3-colouring -> CNF -> NAE-4-SAT -> separability -> BM program -> LSA program",
    brute_max_size=6))
register_family(ToyFamily())
register_family(ToyFamily("toy-hang", ("toy-fast", "toy-hang")))
register_family(ToyFamily("toy-bad", ("toy-fast", "toy-wrong", "toy-crash", "toy-heur")))
