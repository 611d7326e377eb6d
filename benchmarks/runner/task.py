"""One benchmark run and its classification.

A :class:`Task` is one run: ``(family, level, instance, solver, seed)`` plus what the worker
needs (instance file, ``"module:function"`` runner, time limit).  :func:`classify` compares what
a run PROVED with the known answer (``ok`` / ``wrong`` / ``timeout`` / ``error`` / ``unknown``);
:func:`base_record` is the part of a result record that the task alone determines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from benchmarks.runner.results import RECORD_SCHEMA

__all__ = ["Task", "classify", "base_record", "DEFAULT_GRACE", "HIT_LIMIT_FRACTION"]

#: extra seconds past the time limit before the runner kills a worker: max(1 s, 10 % of limit)
DEFAULT_GRACE: Callable[[float], float] = lambda limit: max(1.0, 0.1 * float(limit))  # noqa: E731


#: an undecided run that used at least this fraction of its time limit is a ``timeout``
HIT_LIMIT_FRACTION = 0.95


@dataclass(frozen=True)
class Task:
    """One solver run (picklable; crosses the process boundary as a dict).

    A task is identified by :meth:`key`, ``(family, level, instance, solver, seed)``; the other
    fields say what the worker needs to run it.

    Attributes
    ----------
    family : str
        Family name (e.g. ``"sat3"``).
    level : str
        Level of the reduction chain (``"source"``, an intermediate problem, ``"lsa_program"``).
    problem : str
        Problem name of the instance at this level.
    instance : str
        Instance id (see :func:`benchmarks.suites.cases.instance_id`).
    size : int
        The family's size parameter of the instance.
    solver : str
        Solver name (the record's ``solver`` field).
    seed : int
        Solver seed.
    time_limit : float
        Seconds the solver may use (> 0).
    instance_path : str
        JSON file of the instance at this level.
    runner : str
        ``"module:function"`` the worker imports and calls.
    options : Mapping, optional
        JSON-able keyword options handed to the runner.
    known_answer : {"YES", "NO", None}, optional
        The instance's known answer (None: unknown).
    planted : bool, optional
        The instance was built from a hidden solution.
    exact : bool, optional
        The solver can prove NO.
    log_path : str, optional
        The worker's stdout/stderr (solver chatter) go here; removed afterwards if empty.
    """

    family: str
    level: str
    problem: str
    instance: str
    size: int
    solver: str
    seed: int
    time_limit: float
    instance_path: str
    runner: str
    options: Mapping[str, Any] = field(default_factory=dict)
    known_answer: str | None = None
    planted: bool | None = None
    exact: bool = True
    #: the worker's stdout/stderr (solver chatter) go here; removed afterwards if empty
    log_path: str | None = None

    def key(self) -> tuple[str, str, str, str, int]:
        """The run's identity ``(family, level, instance, solver, seed)``.

        Returns
        -------
        tuple of (str, str, str, str, int)
            The key ``--resume`` and ``merge`` deduplicate on.
        """
        return (self.family, self.level, self.instance, self.solver, int(self.seed))


_TIMEOUT_WORDS = ("timeout", "time_limit", "timelimit", "time limit")


def classify(answer: str | None, status: str | None, known: str | None, *, verified: bool | None = None,
             killed: bool = False, error: bool = False, hit_limit: bool = False) -> str:
    """Classify one run as ``ok``, ``wrong``, ``timeout``, ``error`` or ``unknown``.

    ``answer`` is what the run PROVED ("YES" needs a verified witness, "NO" a proof); a YES
    whose ``verified`` is not True (False or None) proves nothing.  Contradicting ``known`` is
    ``wrong``; a proven answer with no known answer is ``ok`` (it carries its own proof; the report
    cross-checks solvers against each other and flags opposite proofs).
    Undecided runs: killed by the runner, a solver status mentioning the time limit, or a run
    that used (almost) all its time (``hit_limit``: some solvers just say "unknown" when their
    clock runs out) -> ``timeout``; an exception / status ``error`` -> ``error``; otherwise
    ``unknown`` (gave up early without proving anything).  The checks are made in this order:
    ``error``, then ``killed``, then the proven answer, then the status.

    Parameters
    ----------
    answer : {"YES", "NO", None}
        What the run claims to have proved.
    status : str or None
        The solver's own status word (case-insensitive; ``"error"`` or a word mentioning the time
        limit, such as ``"timeout"`` or ``"time_limit"``, decide an undecided run).
    known : {"YES", "NO", None}
        The instance's known answer (None: unknown).
    verified : bool or None, optional
        True only when the YES witness passed the exact check.
    killed : bool, optional
        The runner killed the worker at its hard limit.
    error : bool, optional
        The run raised or the worker died without a result.
    hit_limit : bool, optional
        The run used at least :data:`HIT_LIMIT_FRACTION` of its time limit.

    Returns
    -------
    str
        One of :data:`benchmarks.runner.results.CLASSIFICATIONS`.

    Examples
    --------
    >>> classify("YES", "optimal", "YES", verified=True)
    'ok'
    >>> classify("YES", "optimal", "NO", verified=True)
    'wrong'
    >>> classify("YES", "optimal", "YES", verified=None)  # an unverified YES proves nothing
    'unknown'
    >>> classify(None, "time limit reached", "NO")
    'timeout'
    >>> classify(None, "error", None)
    'error'
    """
    if error:
        return "error"
    if killed:
        return "timeout"
    if answer == "YES" and verified is not True:
        # a YES is a proof only with a witness that passed the exact check: an unverified or
        # unchecked (verified None) point proves nothing, whatever the solver's label
        answer = None
    if answer in ("YES", "NO"):
        if known in ("YES", "NO") and answer != known:
            return "wrong"
        return "ok"
    st = (status or "").lower()
    if st == "error":
        return "error"
    if hit_limit or any(w in st for w in _TIMEOUT_WORDS):
        return "timeout"
    return "unknown"


def base_record(task: Task, versions: Mapping[str, Any], machine: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a result record that the task alone determines.

    Parameters
    ----------
    task : Task
        The run.
    versions : Mapping
        Python and package versions (:func:`benchmarks.runner.machine.versions_info`).
    machine : Mapping
        Host description (:func:`benchmarks.runner.machine.machine_info`).

    Returns
    -------
    dict
        ``schema`` (:data:`~benchmarks.runner.results.RECORD_SCHEMA`), the task's key fields,
        ``problem``, ``size``, ``time_limit``, ``known_answer``, ``planted``, ``exact``,
        ``versions`` and ``machine``; the executor adds the outcome fields.
    """
    return {
        "schema": RECORD_SCHEMA, "family": task.family, "level": task.level, "problem": task.problem,
        "instance": task.instance, "size": int(task.size), "solver": task.solver, "seed": int(task.seed),
        "time_limit": float(task.time_limit), "known_answer": task.known_answer, "planted": task.planted,
        "exact": bool(task.exact), "versions": dict(versions), "machine": dict(machine),
    }
