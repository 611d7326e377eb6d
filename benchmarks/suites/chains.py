"""Families of instances pushed through a chain of reduction rules, and the solvers of each level.

For ``sat3`` the chain is ``source (cnf, 3-SAT) -> nae_sat -> separability -> bm_program ->
lsa_program``.  Half of the instances of each size are *planted* (``reductions.generate(...,
planted=True)`` builds them from a hidden solution, so the answer YES is known by construction)
and half are *random*; the answer of a random instance is known only up to ``brute_max_size``
(by ``reductions.decide(instance, method="brute")``).  Reductions preserve the answer, so the
source answer is the known answer of every level.

Each level is attacked by every applicable solver: ``milp`` and ``brute`` at combinatorial
levels, ``milp`` and ``alternating`` at the Bennett-Mangasarian level, and every installed
solver of ``recovery.programs.solvers`` at the final LSA program.  The rule between two
consecutive problems is the one the rule registry (:mod:`reductions.rules.registry`) holds for
that edge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import reductions
from benchmarks.suites.cases import Case, Family, LevelInstance, SolverSpec, case_rng, instance_id
from benchmarks.suites.solver_runs import LSA_EXACT, lsa_solver_names
from reductions.deciders import source as source_deciders
from reductions.rules import registry

__all__ = ["ChainFamily", "rule_between", "brute_applicable", "DECIDE_RUNNER", "LSA_RUNNER"]

#: the worker entries of the solvers of a chain's levels
DECIDE_RUNNER = "benchmarks.suites.solver_runs:run_decide"
LSA_RUNNER = "benchmarks.suites.solver_runs:run_lsa"


def rule_between(source: str, target: str) -> Callable[..., Any]:
    """The ``reduce`` function of the registered rule ``source -> target``.

    Parameters
    ----------
    source, target : str
        Problem names (nodes of the reduction graph).

    Returns
    -------
    callable
        ``reduce(instance) -> Reduction`` of the rule on that edge.

    Raises
    ------
    ValueError
        If no rule joins them.

    Examples
    --------
    >>> rule_between("cnf", "nae_sat").__module__
    'reductions.rules.cnf_to_nae_sat'
    """
    for rule in registry.rules().values():
        if (rule.source, rule.target) == (source, target):
            return rule.reduce
    raise ValueError(f"target: no registered reduction rule from {source!r} to {target!r}")


class ChainFamily(Family):
    """Instances of a source problem pushed through a chain of reduction rules.

    Even instance indices are planted (known YES by construction), odd ones random (known by
    brute force up to ``brute_max_size``).  The LSA level is solved by every installed solver of
    ``recovery.programs.solvers``, the Bennett-Mangasarian level by ``milp`` and
    ``alternating``, the other levels by ``milp`` and (where it applies) ``brute``.

    Parameters
    ----------
    name : str
        Family name.
    chain : sequence of str
        Problem names, source first (e.g. ``("cnf", "nae_sat", "separability", "bm_program",
        "lsa_program")``); consecutive names must be joined by a registered rule
        (:func:`rule_between`).
    description : str
        One line.
    generator : str, optional
        The problem name handed to ``reductions.generate`` (default: the source problem).
    brute_max_size : int, optional
        Known answers of random instances by brute force up to this size.
    lsa_max_size : int, optional
        Skip the LSA level above this size (its programs grow fastest).
    brute_solver_max_size : int, optional
        The largest size at which ``brute`` is run as a benchmark solver.
    gen_size : callable, optional
        Maps the family size to the generator's size argument.

    Raises
    ------
    ValueError
        For an empty ``chain``.
    """

    def __init__(self, name: str, chain: Sequence[str], description: str, *,  # numpydoc ignore=GL08
                 generator: str | None = None, brute_max_size: int = 6, lsa_max_size: int | None = None,
                 brute_solver_max_size: int = 8, gen_size: Callable[[int], int] | None = None) -> None:
        if len(chain) < 1:
            raise ValueError("chain: expected at least the source problem")
        self.name = name
        self.chain = tuple(chain)
        self.description = description
        self.generator = generator or self.chain[0]
        self.brute_max_size = int(brute_max_size)
        self.lsa_max_size = lsa_max_size
        self.brute_solver_max_size = int(brute_solver_max_size)
        self._gen_size = gen_size

    def available(self) -> str | None:
        """The missing rule of the chain, or no LSA solver installed for an LSA chain; else None.

        Returns
        -------
        str or None
            The reason the family cannot run here, or None.
        """
        for a, b in zip(self.chain, self.chain[1:]):
            try:
                rule_between(a, b)
            except ValueError as exc:
                return str(exc)
        if self.chain[-1] == "lsa_program" and not lsa_solver_names():
            return "no solver of recovery.programs.solvers is installed"
        return None

    def level_names(self) -> tuple[str, ...]:
        """``"source"`` followed by the problems of the chain after the source.

        Returns
        -------
        tuple of str
            The level names, in chain order.
        """
        return ("source",) + self.chain[1:]

    def _levels(self, source: Any, skip_levels: frozenset[str] = frozenset()) -> tuple[LevelInstance, ...]:
        """Every level of the chain that is not skipped; levels are built only as far as the last
        level that is needed (intermediate skipped levels are built but not returned)."""
        names = self.level_names()
        needed = [i for i, n in enumerate(names) if n not in skip_levels]
        last = max(needed, default=0)
        levels = [LevelInstance("source", self.chain[0], source.to_json(), dict(source.size()))]
        inst = source
        for i, (a, b) in enumerate(zip(self.chain, self.chain[1:]), start=1):
            if i > last:
                break
            red = rule_between(a, b)(inst)
            inst = red.target
            data = inst.to_json()
            if b == "lsa_program" and "program" in data and isinstance(data["program"], Mapping):
                data = dict(data["program"])
            levels.append(LevelInstance(b, b, data, dict(inst.size())))
        kept = tuple(lv for lv in levels if lv.level not in skip_levels)
        return kept or tuple(levels[:1])

    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        """``count`` cases of ``size`` (see :meth:`benchmarks.suites.cases.Family.cases`).

        Parameters
        ----------
        size : int
            The family's size parameter.
        count : int
            Number of instances (even indices planted).
        base_seed : int, optional
            The suite's base seed.
        skip_levels : frozenset of str, optional
            Levels not to build; the LSA level is also skipped above ``lsa_max_size``.
        warn : callable, optional
            Called for an instance that could not be generated (None: the error propagates).

        Returns
        -------
        list of Case
            The cases built.
        """
        out = []
        skip = set(skip_levels)
        if self.lsa_max_size is not None and size > self.lsa_max_size:
            skip.add("lsa_program")  # building huge LSA programs nobody will solve costs minutes
        for k in range(count):
            try:
                out.append(self._case(size, k, base_seed, frozenset(skip)))
            except Exception as exc:  # noqa: BLE001 - one bad instance must not stop the suite
                msg = (f"{self.name}: instance {k} of size {size} could not be generated "
                       f"({type(exc).__name__}: {exc})")
                if warn is None:
                    raise
                warn(msg)
        return out

    def _case(self, size: int, k: int, base_seed: int, skip_levels: frozenset[str]) -> Case:
        gsize = self._gen_size(size) if self._gen_size else size
        planted = k % 2 == 0
        rng = case_rng(self.name, size, k, base_seed)
        inst, hidden = reductions.generate(self.generator, gsize, rng, planted)
        answer, prov = None, "unknown"
        if planted and hidden is not None and inst.check(hidden):
            answer, prov = "YES", "construction"
        elif size <= self.brute_max_size:
            dec = reductions.decide(inst, method="brute")
            if dec.answer is True:
                if dec.witness is None or not inst.check(dec.witness):
                    raise ValueError(f"{self.name}: brute force YES without a valid witness")
                answer, prov = "YES", "brute"
            elif dec.answer is False:
                answer, prov = "NO", "brute"
        return Case(instance_id(self.name, size, k, planted), self.name, size, planted,
                    answer, prov, self._levels(inst, skip_levels))

    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        """The solvers of ``level``: the LSA portfolio, or ``milp`` plus ``alternating``/``brute``.

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
        specs = [SolverSpec("milp", DECIDE_RUNNER)]
        if level.problem == "bm_program":
            specs.append(SolverSpec("alternating", DECIDE_RUNNER, exact=False))
        elif brute_applicable(level):
            specs.append(SolverSpec("brute", DECIDE_RUNNER,
                                    max_size=self.brute_solver_max_size))
        return specs


#: the size entry that brute force enumerates over, per problem, and its default cap
_BRUTE_SIZE_KEY = {"cnf": ("n_vars", "MAX_BRUTE_VARS", 24), "nae_sat": ("n_vars", "MAX_BRUTE_VARS", 24),
                   "set_splitting": ("n", "MAX_BRUTE_VARS", 24), "partition": ("n", "MAX_BRUTE_VARS", 24),
                   "separability": ("n_outside", "MAX_BRUTE_OUTSIDE", 16)}


def brute_applicable(level: LevelInstance) -> bool:
    """Whether brute force accepts ``level`` (it refuses instances above ``MAX_BRUTE_*``).

    Brute force refuses instances above ``reductions.deciders.source.MAX_BRUTE_*``: do not
    schedule it.  A problem with no such cap, or a level whose size entry is missing, is accepted.

    Parameters
    ----------
    level : LevelInstance
        The instance at one level (its ``size_detail`` is read).

    Returns
    -------
    bool
        True if brute force may be scheduled.
    """
    spec = _BRUTE_SIZE_KEY.get(level.problem)
    if spec is None:
        return True
    key, const, default = spec
    cap = int(getattr(source_deciders, const, default))
    value = level.size_detail.get(key)
    return value is None or int(value) <= cap
