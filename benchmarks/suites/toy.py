"""The toy family: tiny integer lists and toy solvers that answer, sleep, hang, crash or lie.

It exists for the runner's own tests and for trying the machinery without the solver stack
(its runner module imports nothing heavy, so its workers start fast).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from benchmarks.suites.cases import Case, Family, LevelInstance, SolverSpec, case_rng, instance_id

__all__ = ["run_toy", "ToyFamily", "TOY_RUNNER"]

#: the worker entry of every toy solver
TOY_RUNNER = "benchmarks.suites.toy:run_toy"


def run_toy(instance: Mapping[str, Any], solver: str, time_limit: float, seed: int,
            options: Mapping[str, Any]) -> dict[str, Any]:
    """Toy solvers on ``{"problem": "toy", "values": [...]}`` (answer YES iff the sum is even).

    ``toy-fast``: correct after ``0.01 * len(values)`` s; ``toy-slow``: correct after
    ``0.01 * 2**len(values)`` s but gives up at ``time_limit`` (status ``timeout``);
    ``toy-hang``: sleeps forever (ignores the limit: the runner must kill it);
    ``toy-wrong``: proves the opposite answer (classification ``wrong``);
    ``toy-crash``: raises; ``toy-heur``: finds YES witnesses only (NO -> ``unknown``).

    Parameters
    ----------
    instance : Mapping
        ``{"problem": "toy", "values": [...]}``.
    solver : str
        One of the toy solver names above.
    time_limit : float
        Seconds (only ``toy-slow`` looks at it).
    seed : int
        Not used.
    options : Mapping
        Not used.

    Returns
    -------
    dict
        The outcome: ``status``, ``answer``, ``verified``, ``objective``, ``bound``, ``detail``.

    Raises
    ------
    RuntimeError
        For ``toy-crash``.
    ValueError
        For an unknown solver name.

    Examples
    --------
    >>> out = run_toy({"problem": "toy", "values": [1, 3]}, "toy-fast", 1.0, 0, {})
    >>> out["status"], out["answer"], out["verified"]
    ('optimal', 'YES', True)
    """
    values = [int(v) for v in instance["values"]]
    truth = "YES" if sum(values) % 2 == 0 else "NO"
    n = len(values)
    base = {"verified": None, "objective": None, "bound": None, "detail": ""}
    if solver == "toy-fast":
        time.sleep(0.01 * n)
        return {**base, "status": "optimal", "answer": truth, "verified": truth == "YES"}
    if solver == "toy-slow":
        need = 0.01 * 2 ** n
        if need > time_limit:
            time.sleep(time_limit)
            return {**base, "status": "timeout", "answer": None}
        time.sleep(need)
        return {**base, "status": "optimal", "answer": truth, "verified": truth == "YES"}
    if solver == "toy-hang":
        while True:
            time.sleep(3600)
    if solver == "toy-wrong":
        return {**base, "status": "optimal", "answer": "NO" if truth == "YES" else "YES", "verified": truth == "NO"}
    if solver == "toy-crash":
        raise RuntimeError("toy-crash: deliberate failure")
    if solver == "toy-heur":
        return {**base, "status": "feasible" if truth == "YES" else "unknown",
                "answer": "YES" if truth == "YES" else None, "verified": truth == "YES"}
    raise ValueError(f"toy: unknown solver {solver!r}")


class ToyFamily(Family):
    """Lists of small integers; YES iff the sum is even.

    Two levels (``source`` and ``toy_mid``, the same list with an even number appended, so the
    same answer by construction) so level handling is exercised.

    Parameters
    ----------
    name : str, optional
        Family name.
    solver_names : sequence of str, optional
        The toy solvers (:func:`run_toy`) run on every level.

    Examples
    --------
    >>> cases = ToyFamily().cases(3, 2)
    >>> [(c.instance, [lv.level for lv in c.levels]) for c in cases]
    [('toy-n3-00p', ['source', 'toy_mid']), ('toy-n3-01r', ['source', 'toy_mid'])]
    >>> cases[0].answer, cases[0].provenance
    ('YES', 'construction')
    """

    def __init__(self, name: str = "toy", solver_names: Sequence[str] = ("toy-fast", "toy-slow")) -> None:  # numpydoc ignore=GL08
        self.name = name
        self.description = "toy: integer lists, YES iff the sum is even (runner tests)"
        self.solver_names = tuple(solver_names)

    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        """``count`` toy cases of ``size`` integers in 1..9 (even indices planted: even sum).

        Parameters
        ----------
        size : int
            Length of the list.
        count : int
            Number of instances.
        base_seed : int, optional
            The suite's base seed.
        skip_levels : frozenset of str, optional
            Levels not to build (the source is kept if every level is skipped).
        warn : callable, optional
            Not used (toy instances always build).

        Returns
        -------
        list of Case
            The cases.
        """
        out = []
        for k in range(count):
            planted = k % 2 == 0
            rng = case_rng(self.name, size, k, base_seed)
            values = [int(v) for v in rng.integers(1, 10, size=size)]
            if planted and sum(values) % 2:
                values[0] += 1
            answer = "YES" if sum(values) % 2 == 0 else "NO"
            src = {"problem": "toy", "values": values}
            # the "reduced" level appends an even number: same answer by construction
            mid = {"problem": "toy", "values": values + [2]}
            levels: tuple[LevelInstance, ...] = (LevelInstance("source", "toy", src, {"n": size}),
                                                 LevelInstance("toy_mid", "toy", mid, {"n": size + 1}))
            levels = tuple(lv for lv in levels if lv.level not in skip_levels) or levels[:1]
            out.append(Case(instance_id(self.name, size, k, planted), self.name, size, planted,
                            answer, "construction" if planted else "brute", levels))
        return out

    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        """The family's toy solvers (all exact except ``toy-heur``).

        Parameters
        ----------
        level : LevelInstance
            The instance at one level.
        size : int
            The case's source size.

        Returns
        -------
        list of SolverSpec
            One per name of ``solver_names``.
        """
        return [SolverSpec(n, TOY_RUNNER, exact=n not in ("toy-heur",))
                for n in self.solver_names]
