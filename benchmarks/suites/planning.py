"""Planning one round of a suite: the instances of a family at a size, written to disk, and their tasks.

Instances go to ``DIR/instances/<family>/<instance>/<level>.json``, known answers to
``DIR/known_answers.json`` and each case's manifest entry to ``DIR/instances.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.runner.results import MANIFEST_FILE, read_json, save_known_answers, to_jsonable, write_json
from benchmarks.runner.task import Task
from benchmarks.suites.cases import Case, Family
from benchmarks.suites.definitions import FamilyPlan, Suite

__all__ = ["plan_round", "record_cases"]


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
            raise ValueError(f"resume: instance {path.parent.name}/{path.name} differs from the one generated "
                             "now (the generator changed?); use a new out_dir")
        return
    write_json(path, data)


def plan_round(out_dir: Path, suite: Suite, plan: FamilyPlan, family: Family, size: int,
               time_limit: float, alive: set[tuple[str, str]] | None,
               warn: Callable[[str], None] | None = None) -> tuple[list[Task], list[Case]]:
    """Build the tasks of one family at one size (instances written to disk).

    Parameters
    ----------
    out_dir : Path
        The run directory.
    suite, plan, family : Suite, FamilyPlan, Family
        What to build: ``plan.per_size`` cases of ``family``; ``suite`` gives the seeds.
    size : int
        The family's size parameter.
    time_limit : float
        Seconds per run.
    alive : set of (level, solver), optional
        The configurations still in the race of an adaptive plan (None = all).
    warn : callable, optional
        Called with a message for each instance that could not be generated.

    Returns
    -------
    tasks : list of Task
        One per (case, level, solver, seed).
    cases : list of Case
        The cases built.

    Raises
    ------
    ValueError
        When an instance file already on disk (resume) differs from the regenerated instance.
    """
    skip = {lv for lv, cap in plan.level_caps.items() if size > cap}
    if alive is not None:  # adaptive: levels none of whose solvers is still in the race
        names = getattr(family, "level_names", lambda: ())()
        skip |= {lv for lv in names if not any(a[0] == lv for a in alive)}
    cases = family.cases(size, plan.per_size, suite.base_seed, skip_levels=frozenset(skip), warn=warn)
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


def record_cases(out_dir: Path, cases: Sequence[Case]) -> None:
    """Add the known answers and manifest entries of ``cases`` to the run directory ``out_dir``.

    Entries already in ``DIR/instances.json`` are kept as they are.

    Parameters
    ----------
    out_dir : Path
        The run directory.
    cases : sequence of Case
        The cases of a round.

    Raises
    ------
    ValueError
        When a known answer contradicts the stored one
        (:func:`benchmarks.runner.results.save_known_answers`).
    """
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
