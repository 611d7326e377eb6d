"""The instance families of the user's files (one per source problem), their levels and their suite."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.suites.cases import Case, LevelInstance, SolverSpec
from benchmarks.suites.chains import DECIDE_RUNNER, LSA_RUNNER, ChainFamily, brute_applicable, rule_between
from benchmarks.suites.definitions import FamilyPlan, Suite
from benchmarks.suites.instance_loading import CHAINS, FileInstance
from benchmarks.suites.solver_runs import LSA_EXACT, lsa_solver_names
from reductions.deciders.source import METHOD_PROBLEMS

__all__ = ["FileCase", "FileFamily", "level_choices", "parse_levels", "build_suite"]


@dataclass(frozen=True)
class FileCase(Case):
    """A :class:`~benchmarks.suites.families.Case` read from a file (the manifest also names the file).

    Attributes
    ----------
    instance, family, size, planted, answer, provenance, levels
        As for :class:`~benchmarks.suites.cases.Case`.
    file : str, optional
        The instance file.
    """

    file: str = ""

    def manifest(self) -> dict[str, Any]:
        """The case's manifest entry, with ``file``.

        Returns
        -------
        dict
            :meth:`benchmarks.suites.cases.Case.manifest` plus ``file``.
        """
        return {**super().manifest(), "file": self.file}


class FileFamily(ChainFamily):
    """The instances of one source problem read from files (``<problem>-files``).

    The chain is :data:`CHAINS` ``[problem]``; every instance is a :class:`FileCase` (not
    planted) at its own size.  Each level is solved by the applicable source deciders of
    :data:`reductions.deciders.source.METHOD_PROBLEMS` (``sat``, ``scip``, ``milp``, ``brute``
    where small enough), ``milp`` and ``alternating`` for Bennett-Mangasarian programs, and the
    installed LSA portfolio for LSA programs.

    Parameters
    ----------
    problem : str
        A key of :data:`CHAINS`.
    instances : sequence of FileInstance
        The files of that problem.
    """

    def __init__(self, problem: str, instances: Sequence[FileInstance]) -> None:  # numpydoc ignore=GL08
        super().__init__(f"{problem}-files", CHAINS[problem],
                         f"{problem} instances read from files -> " + " -> ".join(CHAINS[problem][1:]))
        self.instances = list(instances)

    def available(self) -> str | None:
        """The missing rule of the chain, else None (no LSA solver is no reason to skip files).

        Returns
        -------
        str or None
            The reason the family cannot run here, or None.
        """
        # unlike a generated family, the files are benchmarked even with no LSA solver installed
        for a, b in zip(self.chain, self.chain[1:]):
            try:
                rule_between(a, b)
            except ValueError as exc:
                return str(exc)
        return None

    def sizes(self) -> tuple[int, ...]:
        """The distinct sizes of the instances, ascending.

        Returns
        -------
        tuple of int
            The sizes.
        """
        return tuple(sorted({fi.size for fi in self.instances}))

    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        """The cases of the files of ``size`` (``count`` and ``base_seed`` are not used).

        Parameters
        ----------
        size : int
            The size whose files are wanted.
        count : int
            Not used (every file of that size is a case).
        base_seed : int, optional
            Not used.
        skip_levels : frozenset of str, optional
            Levels not to build.
        warn : callable, optional
            Called for a file that could not be reduced (None: the error propagates).

        Returns
        -------
        list of Case
            One :class:`FileCase` per file of that size.
        """
        out: list[Case] = []
        for fi in self.instances:
            if fi.size != size:
                continue
            try:
                levels = self._levels(fi.problem, frozenset(skip_levels))
            except Exception as exc:  # noqa: BLE001 - one bad instance must not stop the suite
                if warn is None:
                    raise
                warn(f"{self.name}: {fi.name} could not be reduced ({type(exc).__name__}: {exc})")
                continue
            out.append(FileCase(fi.name, self.name, size, False, fi.answer, fi.provenance, levels,
                                file=str(fi.path)))
        return out

    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        """The solvers of ``level`` (see the class docstring).

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
        if level.problem == "lsa_program":
            return [SolverSpec(n, LSA_RUNNER, exact=n in LSA_EXACT) for n in lsa_solver_names()]
        if level.problem == "bm_program":
            return [SolverSpec("milp", DECIDE_RUNNER), SolverSpec("alternating", DECIDE_RUNNER, exact=False)]
        specs = [SolverSpec(m, DECIDE_RUNNER)
                 for m in ("sat", "scip", "milp") if level.problem in METHOD_PROBLEMS.get(m, ())]
        if level.problem in METHOD_PROBLEMS.get("brute", ()) and brute_applicable(level):
            specs.append(SolverSpec("brute", DECIDE_RUNNER))
        return specs


def level_choices(problems: Sequence[str] | None = None) -> list[str]:
    """Level names accepted by ``levels``: ``source`` and every problem of the chains.

    Parameters
    ----------
    problems : sequence of str, optional
        Source problems whose chains count (default: every key of :data:`CHAINS`).

    Returns
    -------
    list of str
        ``"source"`` first, then each level once in chain order.

    Examples
    --------
    >>> level_choices(["partition"])
    ['source', 'lsa_program']
    """
    names = ["source"]
    for prob in (problems or CHAINS):
        for n in CHAINS[prob][1:]:
            if n not in names:
                names.append(n)
    return names


def parse_levels(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """Parse a level list: ``"source,separability"`` -> ``("source", "separability")``.

    Parameters
    ----------
    text : str or sequence of str or None
        Comma-separated level names (several strings are joined); None or ``"all"`` means all.

    Returns
    -------
    tuple of str or None
        The levels, each once in the given order; None for all.

    Raises
    ------
    ValueError
        For a name not in :func:`level_choices`.

    Examples
    --------
    >>> parse_levels("source, separability,source")
    ('source', 'separability')
    >>> parse_levels("all") is None
    True
    """
    if text is None:
        return None
    items: list[str] = []
    for part in ([text] if isinstance(text, str) else list(text)):
        items += [y.strip() for y in str(part).split(",") if y.strip()]
    if not items or items == ["all"]:
        return None
    valid = level_choices()
    bad = [x for x in items if x not in valid]
    if bad:
        raise ValueError(f"levels: unknown level(s) {bad}; choose from {', '.join(valid)} (or all)")
    return tuple(dict.fromkeys(items))


def build_suite(instances: Sequence[FileInstance], *, levels: Sequence[str] | None = None,
                time_limit: float = 10.0, seeds: int = 1,
                warn: Callable[[str], None] | None = None) -> tuple[Any, dict[str, FileFamily]]:
    """The :class:`~benchmarks.suites.definitions.Suite` of ``instances`` and its families by name.

    One :class:`FileFamily` per source problem, each with one instance per file at its own size;
    the suite is named ``instances``.

    Parameters
    ----------
    instances : sequence of FileInstance
        The loaded files (:func:`load_instances`).
    levels : sequence of str, optional
        Levels to run (default all); a family with none of them on its chain is skipped.
    time_limit : float, optional
        Seconds per run.
    seeds : int, optional
        Solver seeds ``0..seeds-1``.
    warn : callable, optional
        Called for a skipped family.

    Returns
    -------
    suite : Suite
        The suite.
    families : dict of str to FileFamily
        Its families by name (``run_suite(family_objects=...)``).
    """
    by_problem: dict[str, list[FileInstance]] = {}
    for fi in instances:
        by_problem.setdefault(fi.problem.PROBLEM, []).append(fi)
    fams: dict[str, FileFamily] = {}
    plans = []
    for prob in sorted(by_problem):
        fam = FileFamily(prob, by_problem[prob])
        names = fam.level_names()
        keep = names if levels is None else tuple(n for n in names if n in levels)
        if not keep:
            if warn is not None:
                warn(f"{fam.name}: none of the levels {list(levels or ())} is on its chain {list(names)}; skipped")
            continue
        fams[fam.name] = fam
        plans.append(FamilyPlan(fam.name, fam.sizes(), 1, level_caps={n: -1 for n in names if n not in keep}))
    suite = Suite("instances", "the user's instance files", tuple(plans), time_limit=float(time_limit),
                  seeds=tuple(range(int(seeds))))
    return suite, fams
