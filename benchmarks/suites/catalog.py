"""Benchmark suites and the suite driver (``lsahard bench --suite NAME --out DIR``).

Suites
------
``quick`` (default)  a few tiny sizes of every available family, every level, every installed
                     solver; sized to finish in under 5 minutes on 2 cores.
``scaling``          sizes grow one round at a time; a (level, solver) configuration is dropped
                     after a size at which it solved nothing, and a family stops once none of its
                     exact configurations is left (or at its size cap).
``tiny``             partition at n = 4 with the exact solvers (a real end-to-end self-test).
``toy*``             toy families only (runner self-tests and demos, no solver stack needed).
``recovery``         delegates to ``benchmarks.perf.bench_recovery.run(out_dir, ...)``.
``paper``            delegates to ``recovery.paper.experiments.run_paper_suite(out_dir, quick=...)``.
``claims``           delegates to ``recovery.paper.claims.run_claims(out_dir)``.

Driver
------
:func:`run_suite` plans a round (instances at each level written to ``DIR/instances``, known
answers to ``DIR/known_answers.json``), drops tasks already in ``DIR/results.jsonl``
(``--resume``) or outside the shard (``--shard I/K``: task key hash mod K), runs the rest with
:func:`benchmarks.runner.run.execute`, and for adaptive suites decides the next round from ALL
records in the file (so resumed runs take the same decisions).
"""

from __future__ import annotations

import importlib
import json
import math
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TextIO

from benchmarks.suites.families import Case, Family, get_family
from benchmarks.runner.results import (MANIFEST_FILE, META_FILE, RESULTS_FILE, ResultsWriter, read_json, read_records,
                                record_key, repair, save_known_answers, to_jsonable, write_json)
from benchmarks.runner.run import Progress, Task, machine_info, parse_shard, shard_of, versions_info

__all__ = ["FamilyPlan", "Suite", "SUITES", "DELEGATED_SUITES", "suite_names", "get_suite", "run_suite",
           "register_suite",
           "plan_round", "RunSummary"]


@dataclass(frozen=True)
class FamilyPlan:
    """Sizes of one family in a suite.  ``per_size`` instances per size (even -> half planted)."""

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

#: suites that run their own benchmark code: name -> (module, function, description)
DELEGATED_SUITES: dict[str, tuple[str, str, str]] = {
    "recovery": ("benchmarks.perf.bench_recovery", "run", "structured recovery: spectral vs generic solvers, d sweep"),
    "paper": ("recovery.paper.experiments", "run_paper_suite", "the paper's experiments"),
    "claims": ("recovery.paper.claims", "run_claims", "the project's claims, checked by computation"),
}


def register_suite(suite: Suite, *, replace: bool = False) -> Suite:
    """Add a :class:`Suite` (extension hook, e.g. from a ``--plugin`` module)."""
    if not isinstance(suite, Suite):
        raise TypeError(f"suite: expected a benchmarks.suites.catalog.Suite, got {type(suite).__name__}")
    if (suite.name in SUITES or suite.name in DELEGATED_SUITES) and not replace:
        raise ValueError(f"suite {suite.name!r} is already registered")
    SUITES[suite.name] = lambda: suite
    return suite


def suite_names() -> list[str]:
    return list(SUITES) + list(DELEGATED_SUITES)


def get_suite(name: str) -> Suite:
    if name not in SUITES:
        raise ValueError(f"--suite: unknown suite {name!r}; choose one of {', '.join(suite_names())}")
    return SUITES[name]()


# ---------------------------------------------------------------------------------------------
# planning
# ---------------------------------------------------------------------------------------------

def _instance_file(out_dir: Path, case: Case, level: str) -> Path:
    # absolute: workers fork from a server whose working directory is fixed at its start
    return (out_dir / "instances" / case.family / case.instance / f"{level}.json").resolve()


def _write_instance(path: Path, data: Mapping[str, Any]) -> None:
    """Write an instance file; on resume the stored file must equal the regenerated instance
    (generation is deterministic), otherwise the known answers and the stored instances could
    silently disagree - refuse instead."""
    if path.exists():
        stored = read_json(path, want=None)
        fresh = json.loads(json.dumps(to_jsonable(data)))
        if stored != fresh:
            raise ValueError(f"--resume: instance {path.parent.name}/{path.name} differs from the one generated "
                             "now (the generator changed?); start a new --out directory")
        return
    write_json(path, data)


def plan_round(out_dir: Path, suite: Suite, plan: FamilyPlan, family: Family, size: int,
               time_limit: float, alive: set[tuple[str, str]] | None,
               warn: Callable[[str], None] | None = None) -> tuple[list[Task], list[Case]]:
    """Tasks of one family at one size (instances written to disk).  ``alive``: allowed
    ``(level, solver)`` configurations (None = all)."""
    skip = {lv for lv, cap in plan.level_caps.items() if size > cap}
    if alive is not None:  # adaptive: levels none of whose solvers is still in the race
        names = getattr(family, "level_names", lambda: ())()
        skip |= {lv for lv in names if not any(a[0] == lv for a in alive)}
    skip = frozenset(skip)
    cases = family.cases(size, plan.per_size, suite.base_seed, skip_levels=skip, warn=warn)
    tasks: list[Task] = []
    for case in cases:
        for lv in case.levels:
            path = _instance_file(out_dir, case, lv.level)
            specs = [s for s in family.solvers(lv, size) if s.max_size is None or size <= s.max_size]
            if plan.solvers is not None:
                specs = [s for s in specs if s.name in plan.solvers]
            if alive is not None:
                specs = [s for s in specs if (lv.level, s.name) in alive]
            if not specs:
                continue
            _write_instance(path, lv.data)
            for spec in specs:
                for seed in suite.seeds:
                    log = (out_dir / "logs" / case.family / case.instance /
                           f"{lv.level}__{spec.name}__s{seed}.log").resolve()
                    tasks.append(Task(family.name, lv.level, lv.problem, case.instance, size, spec.name, seed,
                                      float(time_limit), str(path), spec.runner, dict(spec.options),
                                      case.answer, case.planted, spec.exact, str(log)))
    return tasks, cases


def _record_cases(out_dir: Path, cases: Sequence[Case]) -> None:
    answers = {c.instance: c.answer for c in cases if c.answer is not None}
    if answers:
        save_known_answers(out_dir, answers)
    mpath = out_dir / MANIFEST_FILE
    manifest: dict[str, Any] = {}
    if mpath.exists():
        manifest = read_json(mpath)
    changed = False
    for c in cases:
        if c.instance not in manifest:
            manifest[c.instance] = c.manifest()
            changed = True
    if changed:
        write_json(mpath, manifest)


@dataclass
class RunSummary:
    out_dir: str
    suite: str
    planned: int = 0
    skipped_done: int = 0
    skipped_shard: int = 0
    executed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    wall_s: float = 0.0


def _check_out_dir(out_dir: Path, resume: bool, suite: str, time_limit: float, shard: tuple[int, int] | None) -> None:
    res = out_dir / RESULTS_FILE
    has_results = res.exists() and res.stat().st_size > 0
    if has_results and not resume:
        raise ValueError(f"--out: {str(out_dir)!r} already holds results; pass --resume to continue it "
                         "or choose a new directory")
    meta_path = out_dir / META_FILE
    if resume and meta_path.exists():
        meta = read_json(meta_path)
        if meta.get("suite") not in (None, suite):
            raise ValueError(f"--resume: {str(out_dir)!r} holds suite {meta.get('suite')!r}, not {suite!r}")
        old = meta.get("time_limit")
        if old is not None and not math.isclose(float(old), time_limit):
            raise ValueError(f"--resume: {str(out_dir)!r} was run with --time-limit {old}, not {time_limit}")


def run_suite(suite_name: str | Suite, out_dir: str | os.PathLike[str], *, jobs: int = 1,
              time_limit: float | None = None,
              resume: bool = False, shard: str | tuple[int, int] | None = None, grace: float | None = None,
              progress: bool = True, stream: TextIO | None = None, families: Sequence[str] | None = None,
              max_rounds: int | None = None, seeds: int | None = None, executor: Any = None,
              family_objects: Mapping[str, Family] | None = None,
              meta_extra: Mapping[str, Any] | None = None) -> RunSummary:
    """Run a suite into ``out_dir`` (see the module docstring).  ``families``: restrict to these
    family names; ``seeds``: solver seeds 0..seeds-1 per (instance, level, solver) instead of the
    suite's.  ``suite_name`` may also be a :class:`Suite` object (e.g. the suite of
    ``--instances``, whose families come in ``family_objects`` instead of the registry);
    ``executor``: a :class:`benchmarks.runner.executors.Executor` (default: the local pool of ``jobs``
    workers); ``meta_extra``: more keys for ``meta.json``.  Returns a :class:`RunSummary`; wrong
    answers are also printed to ``stream``."""
    import dataclasses

    from benchmarks.runner.executors import LocalExecutor

    stream = sys.stderr if stream is None else stream
    suite = suite_name if isinstance(suite_name, Suite) else get_suite(suite_name)
    if seeds is not None:
        if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
            raise ValueError(f"--seeds: expected an integer >= 1, got {seeds!r}")
        suite = dataclasses.replace(suite, seeds=tuple(range(seeds)))
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs: expected an integer >= 1, got {jobs!r}")
    tl = suite.time_limit if time_limit is None else time_limit
    if isinstance(tl, bool) or not isinstance(tl, (int, float)) or not math.isfinite(tl) or tl <= 0:
        raise ValueError(f"--time-limit: expected a positive number of seconds, got {tl!r}")
    tl = float(tl)
    shard_t = parse_shard(shard) if isinstance(shard, str) or shard is None else tuple(shard)
    if shard_t is not None and (len(shard_t) != 2 or not 1 <= shard_t[0] <= shard_t[1]):
        raise ValueError(f"--shard: expected I/K with 1 <= I <= K, got {shard!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: {str(out)!r} exists and is not a directory")
    _check_out_dir(out, resume, suite.name, tl, shard_t)
    out.mkdir(parents=True, exist_ok=True)
    repair(out / RESULTS_FILE)

    summary = RunSummary(str(out), suite.name)
    plans = [p for p in suite.plans if families is None or p.family in families]
    if families is not None:
        unknown = set(families) - {p.family for p in suite.plans}
        if unknown:
            raise ValueError(f"--family: {sorted(unknown)} not in suite {suite.name!r}")
    active: list[tuple[FamilyPlan, Family]] = []
    for p in plans:
        f = family_objects[p.family] if family_objects and p.family in family_objects else get_family(p.family)
        why = f.available()
        if why is not None:
            msg = f"family {p.family} skipped: {why}"
            summary.warnings.append(msg)
            stream.write(f"lsahard bench: warning: {msg}\n")
            continue
        active.append((p, f))
    versions, machine = versions_info(), machine_info()
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    shard_txt = None if shard_t is None else f"{shard_t[0]}/{shard_t[1]}"
    if executor is None:
        executor = LocalExecutor(jobs)
    session = {"id": uuid.uuid4().hex[:12], "started_at": started_at, "finished_at": None,
               "shard": shard_txt, "jobs": jobs, "command": sys.argv[1:], "executed": 0, "counts": {},
               "wall_s": None, "warnings": summary.warnings, **executor.describe()}
    sessions = _previous_sessions(out / META_FILE) if resume else []
    sessions.append(session)
    meta = {"schema": "lsahard.bench-meta/1", "suite": suite.name, "time_limit": tl, "jobs": jobs,
            "shard": shard_txt, "seeds": list(suite.seeds),
            "families": {p.family: {"sizes": list(p.sizes), "per_size": p.per_size, "adaptive": p.adaptive,
                                    "description": f.description,
                                    "levels": list(getattr(f, "level_names", lambda: ())())}
                         for p, f in active},
            "warnings": summary.warnings, "versions": versions, "machine": machine,
            "started_at": started_at, "command": sys.argv[1:], "sessions": sessions, **dict(meta_extra or {})}
    write_json(out / META_FILE, meta)

    def _warn(msg: str) -> None:
        summary.warnings.append(msg)
        stream.write(f"\nlsahard bench: warning: {msg}\n")

    records = read_records(out / RESULTS_FILE)
    done = {record_key(r) for r in records}
    bar = Progress(stream=stream, jobs=jobs, enabled=progress)
    t0 = time.monotonic()
    # adaptive state: family -> set of alive (level, solver); None = not yet known (all)
    alive: dict[str, set[tuple[str, str]] | None] = {p.family: None for p, _ in active}
    stopped: set[str] = set()
    n_rounds = max((len(p.sizes) if p.adaptive else 1 for p, _ in active), default=0)
    if max_rounds is not None:
        n_rounds = min(n_rounds, max_rounds)
    with ResultsWriter(out / RESULTS_FILE) as writer:
        def on_record(rec: dict[str, Any]) -> None:
            rec["session"] = session["id"]  # which invocation ran it (the report's per-session counts)
            writer.write(rec)
            records.append(rec)
            summary.counts[rec["classification"]] = summary.counts.get(rec["classification"], 0) + 1

        for rnd in range(n_rounds):
            tasks: list[Task] = []
            round_sizes: dict[str, int] = {}
            for p, f in active:
                if p.family in stopped:
                    continue
                if p.adaptive:
                    sizes = p.sizes[rnd:rnd + 1]
                else:  # fixed sizes all run in the first round
                    sizes = p.sizes if rnd == 0 else ()
                for size in sizes:
                    ts, cases = plan_round(out, suite, p, f, size, tl, alive[p.family] if p.adaptive else None,
                                           warn=_warn)
                    _record_cases(out, cases)
                    tasks.extend(ts)
                    round_sizes[p.family] = size
            if not tasks and not round_sizes:
                break
            summary.planned += len(tasks)
            todo = []
            for t in tasks:
                if t.key() in done:
                    summary.skipped_done += 1
                elif shard_t is not None and shard_of(t.key(), shard_t[1]) != shard_t[0] - 1:
                    summary.skipped_shard += 1
                else:
                    todo.append(t)
            todo.sort(key=lambda t: (t.size, t.family, t.instance, t.level, t.solver, t.seed))
            bar.add_total(len(todo))
            bar.label = f"round {rnd + 1}" if n_rounds > 1 else ""
            summary.executed += executor.execute(todo, on_record=on_record, grace=grace, versions=versions,
                                                 machine=machine, progress=bar, wrong_stream=stream)
            for t in todo:
                done.add(t.key())
            # adaptive: keep configurations that solved something at this size
            for p, f in active:
                if not p.adaptive or p.family not in round_sizes:
                    continue
                size = round_sizes[p.family]
                at = [r for r in records if r["family"] == p.family and int(r["size"]) == size]
                if not at:  # nothing ran at this size (generation failed, or another shard's slice)
                    continue
                configs = {(r["level"], r["solver"]) for r in at}
                keep = {c for c in configs
                        if any(r["classification"] == "ok" for r in at if (r["level"], r["solver"]) == c)}
                exact_left = {(r["level"], r["solver"]) for r in at if r.get("exact", True)} & keep
                alive[p.family] = keep
                if not exact_left:
                    stopped.add(p.family)
    bar.close()
    logs = out / "logs"
    if logs.is_dir():  # drop the directories of runs that printed nothing
        for d, _, _ in sorted(os.walk(logs), key=lambda t: -len(t[0])):
            try:
                os.rmdir(d)
            except OSError:
                pass
    summary.wall_s = time.monotonic() - t0
    meta["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    meta["counts"] = summary.counts
    session.update(finished_at=meta["finished_at"], executed=summary.executed, counts=dict(summary.counts),
                   wall_s=round(summary.wall_s, 3))
    write_json(out / META_FILE, meta)
    return summary


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


def run_delegated(name: str, out_dir: str | os.PathLike[str], *, quick: bool = True,
                  time_limit: float | None = None, progress: bool = True) -> Any:
    """Run a delegated suite (``recovery`` / ``paper`` / ``claims``).

    Its module is imported lazily and a missing one is a clear ValueError.  ``quick`` is passed
    to functions that take it (``paper``, ``claims``), ``time_limit`` and ``progress`` (progress
    lines on stderr) to those that take them (``recovery``); the functions write their own files
    into ``out_dir``."""
    import inspect

    module, func, _ = DELEGATED_SUITES[name]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise ValueError(f"--suite {name}: {module} is not available yet ({exc}); "
                         f"it is written by another part of the project") from None
    fn = getattr(mod, func, None)
    if fn is None:
        raise ValueError(f"--suite {name}: {module}.{func} does not exist yet")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    kwargs: dict[str, Any] = {}
    if "quick" in params:
        kwargs["quick"] = bool(quick)
    if time_limit is not None and "time_limit" in params:
        kwargs["time_limit"] = float(time_limit)
    if "progress" in params:
        kwargs["progress"] = bool(progress)
    return fn(out_dir, **kwargs)
