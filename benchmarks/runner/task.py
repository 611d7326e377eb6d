"""One benchmark run and its classification.

A :class:`Task` is one run: ``(family, level, instance, solver, seed)`` plus what the worker
needs (instance file, ``"module:function"`` runner, time limit).  :func:`classify` compares what
a run PROVED with the known answer (``ok`` / ``wrong`` / ``timeout`` / ``error`` / ``unknown``);
:func:`base_record` is the part of a result record that the task alone determines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from benchmarks.runner.results import RECORD_SCHEMA

__all__ = ["Task", "classify", "base_record", "DEFAULT_GRACE", "HIT_LIMIT_FRACTION"]

#: extra seconds past the time limit before the runner kills a worker: max(1 s, 10 % of limit)
DEFAULT_GRACE: Callable[[float], float] = lambda limit: max(1.0, 0.1 * float(limit))  # noqa: E731


#: an undecided run that used at least this fraction of its time limit is a ``timeout``
HIT_LIMIT_FRACTION = 0.95


@dataclass(frozen=True)
class Task:
    """One solver run (picklable; crosses the process boundary as a dict)."""

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
        return (self.family, self.level, self.instance, self.solver, int(self.seed))


_TIMEOUT_WORDS = ("timeout", "time_limit", "timelimit", "time limit")


def classify(answer: str | None, status: str | None, known: str | None, *, verified: bool | None = None,
             killed: bool = False, error: bool = False, hit_limit: bool = False) -> str:
    """``ok`` / ``wrong`` / ``timeout`` / ``error`` / ``unknown`` of one run.

    ``answer`` is what the run PROVED ("YES" needs a verified witness, "NO" a proof); a YES
    whose ``verified`` is not True (False or None) proves nothing.  Contradicting ``known`` is
    ``wrong``; a proven answer with no known answer is ``ok`` (it carries its own proof; the report
    cross-checks solvers against each other and flags opposite proofs).
    Undecided runs: killed by the runner, a solver status mentioning the time limit, or a run
    that used (almost) all its time (``hit_limit``: some solvers just say "unknown" when their
    clock runs out) -> ``timeout``; an exception / status ``error`` -> ``error``; otherwise
    ``unknown`` (gave up early without proving anything).
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
    return {
        "schema": RECORD_SCHEMA, "family": task.family, "level": task.level, "problem": task.problem,
        "instance": task.instance, "size": int(task.size), "solver": task.solver, "seed": int(task.seed),
        "time_limit": float(task.time_limit), "known_answer": task.known_answer, "planted": task.planted,
        "exact": bool(task.exact), "versions": dict(versions), "machine": dict(machine),
    }
