"""The suite driver: :func:`run_suite` (``lsahard bench --suite NAME --out DIR``).

It plans a round (instances at each level written to ``DIR/instances``, known answers to
``DIR/known_answers.json``, :mod:`benchmarks.suites.planning`), drops tasks already in
``DIR/results.jsonl`` (``resume``) or outside the shard (``shard = "I/K"``: task key hash mod K),
runs the rest with an executor (:mod:`benchmarks.runner.executors`), and for adaptive plans
decides the next round from ALL records in the file (so resumed runs take the same decisions):
a (level, solver) configuration is dropped after a size at which it solved nothing, and a
family stops once none of its exact configurations is left (or at its size cap).
"""

from __future__ import annotations

import dataclasses
import math
import os
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from benchmarks.runner.executors import LocalExecutor
from benchmarks.runner.machine import machine_info, versions_info
from benchmarks.runner.progress import Progress
from benchmarks.runner.results import (
    META_FILE,
    RESULTS_FILE,
    ResultsWriter,
    read_json,
    read_records,
    record_key,
    repair,
    write_json,
)
from benchmarks.runner.shards import parse_shard, shard_of
from benchmarks.runner.task import Task
from benchmarks.suites.cases import Family
from benchmarks.suites.definitions import SUITES, FamilyPlan, Suite, get_suite, suite_names
from benchmarks.suites.families import get_family
from benchmarks.suites.planning import plan_round, record_cases

__all__ = ["RunSummary", "run_suite"]


@dataclass
class RunSummary:
    """What one invocation of :func:`run_suite` did.

    Attributes
    ----------
    out_dir : str
        The run directory.
    suite : str
        The suite's name.
    planned : int, optional
        Runs planned over all rounds.
    skipped_done : int, optional
        Runs skipped because they are already in the results file (``resume``).
    skipped_shard : int, optional
        Runs skipped because they belong to another shard.
    executed : int, optional
        Runs executed now.
    counts : dict of str to int, optional
        Classification -> runs executed now.
    warnings : list of str, optional
        Warnings (skipped families, instances that could not be generated).
    wall_s : float, optional
        Wall time of the invocation in seconds.
    """

    out_dir: str
    suite: str
    planned: int = 0
    skipped_done: int = 0
    skipped_shard: int = 0
    executed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    wall_s: float = 0.0



def _previous_sessions(meta_path: Path) -> list[dict[str, Any]]:
    """The sessions recorded in an existing ``meta.json`` (for ``--resume``).

    Parameters
    ----------
    meta_path : Path
        ``DIR/meta.json`` of the run directory being resumed (it may be missing).

    Returns
    -------
    list of dict
        One dict per earlier invocation (``id``, ``started_at``, ``finished_at`` - None if it was
        interrupted -, ``shard``, ``jobs``, ``executed``, ``counts``, ``wall_s``).  A ``meta.json``
        written before sessions were recorded gives one session built from its top-level
        ``started_at`` / ``finished_at`` / ``counts``; a missing file gives ``[]``.
    """
    if not meta_path.exists():
        return []
    old = read_json(meta_path)
    sessions = old.get("sessions")
    if isinstance(sessions, list):
        return [dict(x) for x in sessions if isinstance(x, dict)]
    if not old.get("started_at"):
        return []
    counts = old.get("counts") if isinstance(old.get("counts"), dict) else {}
    return [{"id": None, "started_at": old.get("started_at"), "finished_at": old.get("finished_at"),
             "shard": old.get("shard"), "jobs": old.get("jobs"), "command": old.get("command"),
             "executed": sum(counts.values()) if old.get("finished_at") else None, "counts": counts,
             "wall_s": None, "warnings": list(old.get("warnings") or [])}]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 1


def _checked_suite(suite_name: str | Suite, seeds: int | None, jobs: int, time_limit: float | None,
                   shard: str | tuple[int, int] | None) -> tuple[Suite, float, tuple[int, int] | None]:
    """The suite (with ``seeds`` applied), its time limit and the shard; ValueError naming the argument."""
    if isinstance(suite_name, Suite):
        suite = suite_name
    elif suite_name in SUITES:
        suite = get_suite(suite_name)
    else:
        raise ValueError(f"suite_name: unknown suite {suite_name!r}; choose one of {', '.join(suite_names())}")
    if seeds is not None:
        if not _is_count(seeds):
            raise ValueError(f"seeds must be an integer >= 1, got {seeds!r}")
        suite = dataclasses.replace(suite, seeds=tuple(range(seeds)))
    if not _is_count(jobs):
        raise ValueError(f"jobs must be an integer >= 1, got {jobs!r}")
    tl = suite.time_limit if time_limit is None else time_limit
    if isinstance(tl, bool) or not isinstance(tl, (int, float)) or not math.isfinite(tl) or tl <= 0:
        raise ValueError(f"time_limit must be a finite number of seconds > 0, got {tl!r}")
    shard_t = parse_shard(shard) if isinstance(shard, str) or shard is None else tuple(shard)
    if shard_t is not None and (len(shard_t) != 2 or not 1 <= shard_t[0] <= shard_t[1]):
        raise ValueError(f"shard must be I/K with 1 <= I <= K, got {shard!r}")
    return suite, float(tl), shard_t


def _prepare_out_dir(out: Path, resume: bool, suite: str, time_limit: float) -> None:
    """Refuse a directory that holds another run; create it and repair a torn last line."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"out_dir: {str(out)!r} exists and is not a directory")
    res = out / RESULTS_FILE
    if res.exists() and res.stat().st_size > 0 and not resume:
        raise ValueError(f"out_dir: {str(out)!r} already holds results; continue it with resume=True "
                         "or choose a new directory")
    meta_path = out / META_FILE
    if resume and meta_path.exists():
        meta = read_json(meta_path)
        if meta.get("suite") not in (None, suite):
            raise ValueError(f"resume: {str(out)!r} holds suite {meta.get('suite')!r}, not {suite!r}")
        old = meta.get("time_limit")
        if old is not None and not math.isclose(float(old), time_limit):
            raise ValueError(f"resume: {str(out)!r} was run with time_limit {old}, not {time_limit}")
    out.mkdir(parents=True, exist_ok=True)
    repair(res)


def _active_families(suite: Suite, families: Sequence[str] | None, family_objects: Mapping[str, Family] | None,
                     warn: Callable[[str], None]) -> list[tuple[FamilyPlan, Family]]:
    """The plans to run with their families; an unavailable family is skipped with a warning."""
    if families is not None:
        unknown = set(families) - {p.family for p in suite.plans}
        if unknown:
            raise ValueError(f"families: {sorted(unknown)} not in suite {suite.name!r}")
    active = []
    for p in suite.plans:
        if families is not None and p.family not in families:
            continue
        f = family_objects[p.family] if family_objects and p.family in family_objects else get_family(p.family)
        why = f.available()
        if why is not None:
            warn(f"family {p.family} skipped: {why}")
            continue
        active.append((p, f))
    return active


@dataclass
class _Run:
    """What every round of one invocation shares."""

    out: Path
    suite: Suite
    time_limit: float
    shard: tuple[int, int] | None
    active: list[tuple[FamilyPlan, Family]]
    summary: RunSummary
    records: list[dict[str, Any]]
    done: set[Any]
    warn: Callable[[str], None]
    #: adaptive state: family -> alive (level, solver) configurations (None = not yet known: all)
    alive: dict[str, set[tuple[str, str]] | None] = field(default_factory=dict)
    stopped: set[str] = field(default_factory=set)

    def plan(self, rnd: int) -> tuple[list[Task], dict[str, int]]:
        """The tasks of round ``rnd`` and the size each family runs at in it."""
        tasks: list[Task] = []
        round_sizes: dict[str, int] = {}
        for p, f in self.active:
            if p.family in self.stopped:
                continue
            # adaptive plans run one size per round; fixed sizes all run in the first round
            sizes = p.sizes[rnd:rnd + 1] if p.adaptive else (p.sizes if rnd == 0 else ())
            for size in sizes:
                ts, cases = plan_round(self.out, self.suite, p, f, size, self.time_limit,
                                       self.alive.get(p.family) if p.adaptive else None, warn=self.warn)
                record_cases(self.out, cases)
                tasks.extend(ts)
                round_sizes[p.family] = size
        return tasks, round_sizes

    def select(self, tasks: Sequence[Task]) -> list[Task]:
        """The tasks not yet done and inside the shard, in a stable order."""
        todo = []
        for t in tasks:
            if t.key() in self.done:
                self.summary.skipped_done += 1
            elif self.shard is not None and shard_of(t.key(), self.shard[1]) != self.shard[0] - 1:
                self.summary.skipped_shard += 1
            else:
                todo.append(t)
        return sorted(todo, key=lambda t: (t.size, t.family, t.instance, t.level, t.solver, t.seed))

    def adapt(self, round_sizes: Mapping[str, int]) -> None:
        """Adaptive plans keep the configurations that solved something at this round's size."""
        for p, _ in self.active:
            if not p.adaptive or p.family not in round_sizes:
                continue
            size = round_sizes[p.family]
            at = [r for r in self.records if r["family"] == p.family and int(r["size"]) == size]
            if not at:  # nothing ran at this size (generation failed, or another shard's slice)
                continue
            keep = {(r["level"], r["solver"]) for r in at if r["classification"] == "ok"}
            exact_left = {(r["level"], r["solver"]) for r in at if r.get("exact", True)} & keep
            self.alive[p.family] = keep
            if not exact_left:
                self.stopped.add(p.family)


def _rounds(run: _Run, max_rounds: int | None) -> int:
    n = max((len(p.sizes) if p.adaptive else 1 for p, _ in run.active), default=0)
    return n if max_rounds is None else min(n, max_rounds)


def _execute_rounds(run: _Run, executor: Any, bar: Progress, session_id: str, grace: float | None,
                    versions: Mapping[str, Any], machine: Mapping[str, Any], stream: TextIO,
                    max_rounds: int | None) -> None:
    summary = run.summary
    n_rounds = _rounds(run, max_rounds)
    with ResultsWriter(run.out / RESULTS_FILE) as writer:
        def on_record(rec: dict[str, Any]) -> None:
            rec["session"] = session_id  # which invocation ran it (the report's per-session counts)
            writer.write(rec)
            run.records.append(rec)
            summary.counts[rec["classification"]] = summary.counts.get(rec["classification"], 0) + 1

        for rnd in range(n_rounds):
            tasks, round_sizes = run.plan(rnd)
            if not tasks and not round_sizes:
                break
            summary.planned += len(tasks)
            todo = run.select(tasks)
            bar.add_total(len(todo))
            bar.label = f"round {rnd + 1}" if n_rounds > 1 else ""
            summary.executed += executor.execute(todo, on_record=on_record, grace=grace, versions=versions,
                                                 machine=machine, progress=bar, wrong_stream=stream)
            run.done.update(t.key() for t in todo)
            run.adapt(round_sizes)


def _remove_empty_log_dirs(out: Path) -> None:
    """Drop the log directories of runs that printed nothing (deepest first)."""
    logs = out / "logs"
    if logs.is_dir():
        for d, _, _ in sorted(os.walk(logs), key=lambda t: -len(t[0])):
            try:
                os.rmdir(d)
            except OSError:
                pass


def _meta(suite: Suite, time_limit: float, jobs: int, shard_txt: str | None, active: Sequence[tuple[FamilyPlan, Family]],
          summary: RunSummary, versions: Mapping[str, Any], machine: Mapping[str, Any], started_at: str,
          sessions: list[dict[str, Any]], meta_extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """The content of ``meta.json`` at the start of a run."""
    return {"schema": "lsahard.bench-meta/1", "suite": suite.name, "time_limit": time_limit, "jobs": jobs,
            "shard": shard_txt, "seeds": list(suite.seeds),
            "families": {p.family: {"sizes": list(p.sizes), "per_size": p.per_size, "adaptive": p.adaptive,
                                    "description": f.description,
                                    "levels": list(getattr(f, "level_names", lambda: ())())}
                         for p, f in active},
            "warnings": summary.warnings, "versions": dict(versions), "machine": dict(machine),
            "started_at": started_at, "command": sys.argv[1:], "sessions": sessions, **dict(meta_extra or {})}


# over 60 lines only through its numpydoc docstring; the body is short
def run_suite(suite_name: str | Suite, out_dir: str | os.PathLike[str], *, jobs: int = 1,
              time_limit: float | None = None,
              resume: bool = False, shard: str | tuple[int, int] | None = None, grace: float | None = None,
              progress: bool = True, stream: TextIO | None = None, families: Sequence[str] | None = None,
              max_rounds: int | None = None, seeds: int | None = None, executor: Any = None,
              family_objects: Mapping[str, Family] | None = None,
              meta_extra: Mapping[str, Any] | None = None) -> RunSummary:
    """Run a suite into ``out_dir`` (see the module docstring).

    Parameters
    ----------
    suite_name : str or Suite
        A registered suite, or a :class:`~benchmarks.suites.definitions.Suite` object (e.g. the
        suite of ``--instances``, whose families come in ``family_objects``).
    out_dir : path
        The run directory (``results.jsonl``, ``meta.json``, instances, logs).
    jobs : int
        Workers of the default local executor (>= 1).
    time_limit : float, optional
        Seconds per run (default: the suite's).
    resume : bool
        Continue ``out_dir``: runs already in its results file are skipped.
    shard : str or (int, int), optional
        ``"I/K"``: run only the tasks whose key hashes to slice I of K.
    grace : float, optional
        Seconds past the limit before a worker is killed.
    progress : bool
        A progress bar on ``stream``.
    stream : TextIO, optional
        Progress, warnings and wrong answers (default stderr).
    families : sequence of str, optional
        Restrict to these family names of the suite.
    max_rounds : int, optional
        Stop an adaptive suite after this many rounds.
    seeds : int, optional
        Solver seeds ``0..seeds-1`` per (instance, level, solver) instead of the suite's.
    executor : benchmarks.runner.executors.Executor, optional
        Default: the local pool of ``jobs`` workers.
    family_objects : Mapping, optional
        Families by name, used instead of the registry.
    meta_extra : Mapping, optional
        More keys for ``meta.json``.

    Returns
    -------
    RunSummary
        Counts of planned, skipped and executed runs and their classifications.

    Raises
    ------
    ValueError
        For an unknown suite, ``seeds`` or ``jobs`` that is not an integer >= 1, a time limit
        that is not a finite number > 0, a bad shard, families not in the suite, an ``out_dir``
        that is a file or already holds results (without ``resume``), a resumed directory of
        another suite or time limit, or a stored instance that differs from the regenerated one.
    """
    suite, tl, shard_t = _checked_suite(suite_name, seeds, jobs, time_limit, shard)
    stream = sys.stderr if stream is None else stream
    out = Path(out_dir)
    _prepare_out_dir(out, resume, suite.name, tl)
    summary = RunSummary(str(out), suite.name)

    def warn(msg: str) -> None:
        summary.warnings.append(msg)
        stream.write(f"\nlsahard bench: warning: {msg}\n")

    def warn_skipped(msg: str) -> None:
        summary.warnings.append(msg)
        stream.write(f"lsahard bench: warning: {msg}\n")

    active = _active_families(suite, families, family_objects, warn_skipped)
    versions, machine = versions_info(), machine_info()
    started_at = _now()
    shard_txt = None if shard_t is None else f"{shard_t[0]}/{shard_t[1]}"
    executor = LocalExecutor(jobs) if executor is None else executor
    session = {"id": uuid.uuid4().hex[:12], "started_at": started_at, "finished_at": None,
               "shard": shard_txt, "jobs": jobs, "command": sys.argv[1:], "executed": 0, "counts": {},
               "wall_s": None, "warnings": summary.warnings, **executor.describe()}
    sessions = _previous_sessions(out / META_FILE) if resume else []
    sessions.append(session)
    meta = _meta(suite, tl, jobs, shard_txt, active, summary, versions, machine, started_at, sessions, meta_extra)
    write_json(out / META_FILE, meta)
    records = read_records(out / RESULTS_FILE)
    run = _Run(out, suite, tl, shard_t, active, summary, records, {record_key(r) for r in records}, warn)
    bar = Progress(stream=stream, jobs=jobs, enabled=progress)
    t0 = time.monotonic()
    _execute_rounds(run, executor, bar, session["id"], grace, versions, machine, stream, max_rounds)
    bar.close()
    _remove_empty_log_dirs(out)
    summary.wall_s = time.monotonic() - t0
    meta.update(finished_at=_now(), counts=summary.counts)
    session.update(finished_at=meta["finished_at"], executed=summary.executed, counts=dict(summary.counts),
                   wall_s=round(summary.wall_s, 3))
    write_json(out / META_FILE, meta)
    return summary
