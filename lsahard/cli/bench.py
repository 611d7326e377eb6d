"""``lsahard bench``: run a benchmark suite, report on it, or merge result files.

::

    lsahard bench [run] --suite quick --out results/quick [--jobs N] [--time-limit S]
                        [--resume] [--shard I/K] [--family NAME ...] [--no-progress] [--plugin MODULE]
                        [--executor local|dask] [--scheduler tcp://HOST:PORT]
    lsahard bench --instances PATH [PATH ...] --out DIR [--levels L1,L2] [--answers FILE]
                  [--colors K] [--answer-budget S] [--executor local|dask] ...
    lsahard bench report DIR
    lsahard bench merge OUT IN1 [IN2 ...]

The engine lives in :mod:`benchmarks`; the library names its arguments in its errors, and
:func:`handle` shows them as the flags that set them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from benchmarks.perf import bench_recovery
from benchmarks.report.tables import write_report
from benchmarks.runner.executors import make_executor
from benchmarks.runner.results import merge
from benchmarks.runner.shards import parse_shard
from benchmarks.suites import catalog
from benchmarks.suites.instances import run_instances
from benchmarks.suites.plugins import load_plugins
from lsahard.cli import args as shared

__all__ = ["register", "add_arguments", "handle"]

ACTIONS = ("run", "report", "merge")

#: more solver seeds than this per run is a typo, not a benchmark (and 10**9 exhausts memory)
MAX_SEEDS = 10_000

_jobs = shared.positive_int("--jobs")
_colors = shared.positive_int("--colors")
_grace = shared.positive_float("--grace", "a number of seconds")


def _seeds(text: str) -> int:
    x = shared.positive_int("--seeds")(text)
    if x > MAX_SEEDS:
        raise argparse.ArgumentTypeError(f"--seeds must be an integer in 1..{MAX_SEEDS}, got {text!r}")
    return x


def _nonneg_seconds(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--answer-budget must be a number of seconds >= 0, got {text!r}") from None
    if not math.isfinite(x) or x < 0:
        raise argparse.ArgumentTypeError(f"--answer-budget must be a number of seconds >= 0, got {text!r}")
    return x


def _shard(text: str) -> str:
    try:
        parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--{exc}") from None
    return text


#: the library's argument names and the flags that set them
_FLAGS = {"suite_name": "--suite", "out_dir": "--out", "resume": "--resume", "time_limit": "--time-limit",
          "jobs": "--jobs", "seeds": "--seeds", "shard": "--shard", "families": "--family", "paths": "--instances",
          "answers": "--answers", "levels": "--levels", "colors": "--colors", "answer_budget": "--answer-budget",
          "modules": "--plugin", "scheduler": "--scheduler", "directory": "bench report"}


def _as_flags(exc: ValueError) -> ValueError:
    """The library's error with its leading argument name shown as the flag that sets it."""
    head, sep, rest = str(exc).partition(" ")
    key = head.rstrip(":")
    if key in _FLAGS:
        return ValueError(_FLAGS[key] + head[len(key):] + sep + rest)
    return exc


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the ``bench`` arguments (action, paths and every option of the usage above) to ``p``.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The ``bench`` parser.
    """
    p.add_argument("action", nargs="?", default="run", choices=ACTIONS,
                   help="run a suite (default), report on a run directory, or merge result files")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="report: DIR; merge: OUT IN1 [IN2 ...]")
    p.add_argument("--suite", default=None,
                   help="quick (default), scaling, recovery, paper, claims; runner self-tests: tiny, toy, "
                        "toy-mini, toy-scaling, toy-hang, toy-bad")
    p.add_argument("--instances", nargs="+", default=None, metavar="PATH",
                   help="benchmark your own instance files instead of a suite: files, directories or globs "
                        "(DIMACS .cnf/.cnf.gz/.cnf.xz, DIMACS .col, lsahard problem JSON, lsahard.bilinear/1)")
    p.add_argument("--levels", default=None, metavar="L1,L2",
                   help="--instances: reduction levels to run (source, nae_sat, separability, bm_program, "
                        "lsa_program, ...; default all)")
    p.add_argument("--answers", default=None, metavar="FILE",
                   help="--instances: known answers, a JSON map file -> YES/NO or MIPLIB-style .solu "
                        "(=sat= NAME, =unsat= NAME, =chi= NAME K)")
    p.add_argument("--colors", type=_colors, default=None, metavar="K",
                   help="--instances: number of colours of DIMACS .col graphs (default: from --answers)")
    p.add_argument("--answer-budget", type=_nonneg_seconds, default=10.0, metavar="S",
                   help="--instances: seconds for the exact source decider that finds a known answer the "
                        "manifest lacks (0: none; default 10)")
    p.add_argument("--executor", default="local", choices=("local", "dask"),
                   help="local: this machine's process pool of --jobs workers (default); dask: dask.distributed "
                        "(pip install 'lsahard[dask]')")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="--executor dask: address of a running scheduler (tcp://HOST:PORT); without it a "
                        "LocalCluster of --jobs workers is started")
    p.add_argument("--out", help="run directory (results.jsonl, known answers, instances, report)")
    p.add_argument("--jobs", type=_jobs, default=1,
                   help="worker processes (default 1; with --executor dask: LocalCluster workers)")
    shared.add_time_limit(p, None, "seconds per solver run (default: the suite's)")
    p.add_argument("--resume", action="store_true", help="skip runs already in DIR/results.jsonl")
    p.add_argument("--shard", type=_shard, default=None,
                   help="run slice I of K (1 <= I <= K) of the suite: task-key hash mod K")
    p.add_argument("--seeds", type=_seeds, default=None,
                   help="solver seeds 0..N-1 per run (default: the suite's, one seed)")
    p.add_argument("--family", action="append", default=None,
                   help="restrict to this family (repeatable)")
    p.add_argument("--grace", type=_grace, default=None,
                   help="seconds past the limit before a worker is killed (default max(1, 10%% of limit))")
    p.add_argument("--plugin", action="append", default=None, metavar="MODULE",
                   help="import MODULE first (it may call benchmarks.suites.families.register_family)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--no-report", action="store_true", help="run: do not write the report afterwards")
    p.add_argument("--full", action="store_true",
                   help="paper/claims suites: the full (not quick) version")


def _report(args: argparse.Namespace) -> int:
    if len(args.paths) != 1:
        raise ValueError("bench report: expected exactly one run directory")
    rep = write_report(args.paths[0])
    print(rep.summary_text())
    if rep.wrong or rep.conflicts:
        sys.stderr.write(f"lsahard bench: WRONG ANSWERS: {len(rep.wrong)} runs contradict the known "
                         f"answer, {len(rep.conflicts)} instances have conflicting proofs "
                         f"(see {rep.markdown_path})\n")
        return 1
    return 0


def _merge(args: argparse.Namespace) -> int:
    if len(args.paths) < 2:
        raise ValueError("bench merge: expected OUT IN1 [IN2 ...]")
    counts = merge(args.paths[0], args.paths[1:])
    print(json.dumps({"out": args.paths[0], **counts}))
    return 0


def _check_run_flags(args: argparse.Namespace) -> None:
    """The flag combinations a run accepts (the suite defaults to ``quick``)."""
    if args.paths:
        raise ValueError(f"bench: unexpected argument {args.paths[0]!r} (did you mean --out?)")
    if not args.out:
        raise ValueError("bench: --out DIR is required to run a suite")
    if args.instances is not None and args.suite is not None:
        raise ValueError("bench: --instances and --suite exclude each other")
    inst_only = [f for f, v in (("--levels", args.levels), ("--answers", args.answers), ("--colors", args.colors))
                 if v is not None]
    if args.instances is None and inst_only:
        raise ValueError(f"bench: {inst_only[0]} applies to --instances only")
    if args.scheduler is not None and args.executor != "dask":
        raise ValueError("--scheduler: only with --executor dask")
    if args.instances is None and args.suite is None:
        args.suite = "quick"
    if args.instances is None and args.suite not in catalog.suite_names():
        raise ValueError(f"--suite: unknown suite {args.suite!r}; choose one of {', '.join(catalog.suite_names())}")
    if args.suite in catalog.DELEGATED_SUITES and (args.resume or args.shard or args.family
                                                   or args.executor != "local"):
        raise ValueError(f"--suite {args.suite}: --resume/--shard/--family/--executor apply to runner suites only")


def _delegated(args: argparse.Namespace) -> int:
    result = catalog.run_delegated(args.suite, args.out, quick=not args.full, time_limit=args.time_limit,
                                   progress=not args.no_progress)
    files = sorted(str(p.relative_to(args.out)) for p in Path(args.out).rglob("*") if p.is_file())
    info: dict[str, Any] = {"suite": args.suite, "out": args.out, "files": files[:50]}
    if isinstance(result, (list, tuple, dict)):
        info["results"] = len(result)
    print(json.dumps(info))
    return 0


def _run(args: argparse.Namespace) -> int:
    _check_run_flags(args)
    if args.instances is None and args.suite in catalog.DELEGATED_SUITES:
        return _delegated(args)
    executor = make_executor(args.executor, jobs=args.jobs, scheduler=args.scheduler)
    common = dict(jobs=args.jobs, time_limit=args.time_limit, resume=args.resume, shard=args.shard, seeds=args.seeds,
                  grace=args.grace, progress=not args.no_progress, families=args.family, executor=executor)
    try:
        if args.instances is not None:
            summary = run_instances(args.instances, args.out, levels=args.levels, answers=args.answers,
                                    colors=args.colors, answer_budget=args.answer_budget, **common)
        else:
            summary = catalog.run_suite(args.suite, args.out, **common)
    except KeyboardInterrupt:
        sys.stderr.write(f"\nlsahard bench: interrupted; every finished run is saved in {args.out}/results.jsonl "
                         "(continue with --resume)\n")
        raise
    finally:
        executor.close()
    out: dict[str, Any] = {"suite": summary.suite, "out": summary.out_dir, "executed": summary.executed,
                           "skipped_done": summary.skipped_done, "skipped_shard": summary.skipped_shard,
                           "counts": summary.counts, "wall_s": round(summary.wall_s, 1)}
    if summary.warnings:
        out["warnings"] = summary.warnings
    if not args.no_report:
        out["report"] = str(write_report(args.out).markdown_path)
    print(json.dumps(out))
    return 1 if summary.counts.get("wrong") else 0


def handle(args: argparse.Namespace) -> int:
    """Load the plugins, then run, report or merge; library errors name the flags.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``bench`` arguments.

    Returns
    -------
    int
        The exit code (a run with a ``wrong`` answer exits 1).

    Raises
    ------
    ValueError
        The library's error, with its leading argument name shown as the flag that sets it.
    """
    try:
        load_plugins(args.plugin or ())
        return {"report": _report, "merge": _merge}.get(args.action, _run)(args)
    except ValueError as exc:
        raise _as_flags(exc) from None


def _run_recovery(out_dir: Path, *, quick: bool, time_limit: float | None, progress: bool) -> Any:
    # the structured-recovery comparison has one size only (no quick version); without a time
    # limit its own default applies
    if time_limit is None:
        return bench_recovery.run(out_dir, progress=progress)
    return bench_recovery.run(out_dir, time_limit=time_limit, progress=progress)


#: the performance scripts sit above the suites, so the recovery suite is registered from here
catalog.register_delegated("recovery", catalog.DelegatedSuite(
    _run_recovery, "structured recovery: spectral vs generic solvers, d sweep"), replace=True)


def register(subparsers: Any) -> None:
    """Add ``lsahard bench`` (handler :func:`handle`) to the ``lsahard`` sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    p = subparsers.add_parser(
        "bench", help="benchmark suites: run, report, merge",
        description="Run a benchmark suite (default action), write its report, or merge result files. "
                    "Examples: lsahard bench --suite quick --out results/quick; "
                    "lsahard bench --instances my.cnf graphs/ --answers answers.solu --colors 3 --out results/mine "
                    "--executor dask --jobs 2; "
                    "lsahard bench report results/quick; lsahard bench merge all shard1 shard2")
    add_arguments(p)
    p.set_defaults(func=handle)
