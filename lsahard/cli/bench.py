"""``lsahard bench``: run a benchmark suite, report on it, or merge result files.

::

    lsahard bench [run] --suite quick --out results/quick [--jobs N] [--time-limit S]
                        [--resume] [--shard I/K] [--family NAME ...] [--no-progress] [--plugin MODULE]
                        [--executor local|dask] [--scheduler tcp://HOST:PORT]
    lsahard bench --instances PATH [PATH ...] --out DIR [--levels L1,L2] [--answers FILE]
                  [--colors K] [--answer-budget S] [--executor local|dask] ...
    lsahard bench report DIR
    lsahard bench merge OUT IN1 [IN2 ...]

(``python -m benchmarks ...`` is the same command.)  The engine lives in :mod:`benchmarks`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from typing import Any

__all__ = ["register", "add_arguments", "handle"]

ACTIONS = ("run", "report", "merge")


def _positive_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(x) or x <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return x


def _positive_int(text: str) -> int:
    try:
        x = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if x < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return x


#: more solver seeds than this per run is a typo, not a benchmark (and 10**9 exhausts memory)
MAX_SEEDS = 10_000


def _seeds(text: str) -> int:
    x = _positive_int(text)
    if x > MAX_SEEDS:
        raise argparse.ArgumentTypeError(f"expected an integer in 1..{MAX_SEEDS}, got {text!r}")
    return x


def _nonneg_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(x) or x < 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return x


def _shard(text: str) -> str:
    from benchmarks.runner.run import parse_shard

    try:
        parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("--shard: ", "")) from None
    return text


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``bench`` arguments (shared by ``lsahard bench`` and ``python -m benchmarks``)."""
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
    p.add_argument("--colors", type=_positive_int, default=None, metavar="K",
                   help="--instances: number of colours of DIMACS .col graphs (default: from --answers)")
    p.add_argument("--answer-budget", type=_nonneg_float, default=10.0, metavar="S",
                   help="--instances: seconds for the exact source decider that finds a known answer the "
                        "manifest lacks (0: none; default 10)")
    p.add_argument("--executor", default="local", choices=("local", "dask"),
                   help="local: this machine's process pool of --jobs workers (default); dask: dask.distributed "
                        "(pip install 'lsahard[dask]')")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="--executor dask: address of a running scheduler (tcp://HOST:PORT); without it a "
                        "LocalCluster of --jobs workers is started")
    p.add_argument("--out", help="run directory (results.jsonl, known answers, instances, report)")
    p.add_argument("--jobs", type=_positive_int, default=1,
                   help="worker processes (default 1; with --executor dask: LocalCluster workers)")
    p.add_argument("--time-limit", type=_positive_float, default=None,
                   help="seconds per solver run (default: the suite's)")
    p.add_argument("--resume", action="store_true", help="skip runs already in DIR/results.jsonl")
    p.add_argument("--shard", type=_shard, default=None,
                   help="run slice I of K (1 <= I <= K) of the suite: task-key hash mod K")
    p.add_argument("--seeds", type=_seeds, default=None,
                   help="solver seeds 0..N-1 per run (default: the suite's, one seed)")
    p.add_argument("--family", action="append", default=None,
                   help="restrict to this family (repeatable)")
    p.add_argument("--grace", type=_positive_float, default=None,
                   help="seconds past the limit before a worker is killed (default max(1, 10%% of limit))")
    p.add_argument("--plugin", action="append", default=None, metavar="MODULE",
                   help="import MODULE first (it may call benchmarks.suites.families.register_family)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--no-report", action="store_true", help="run: do not write the report afterwards")
    p.add_argument("--full", action="store_true",
                   help="paper/claims suites: the full (not quick) version")


def handle(args: argparse.Namespace) -> int:
    action = args.action
    for mod in args.plugin or ():
        try:
            importlib.import_module(mod)
        except ImportError as exc:
            raise ValueError(f"--plugin: cannot import {mod!r} ({exc})") from None
    if action == "report":
        if len(args.paths) != 1:
            raise ValueError("bench report: expected exactly one run directory")
        from benchmarks.report.tables import write_report

        rep = write_report(args.paths[0])
        print(rep.summary_text())
        if rep.wrong or rep.conflicts:
            sys.stderr.write(f"lsahard bench: WRONG ANSWERS: {len(rep.wrong)} runs contradict the known "
                             f"answer, {len(rep.conflicts)} instances have conflicting proofs "
                             f"(see {rep.markdown_path})\n")
            return 1
        return 0
    if action == "merge":
        if len(args.paths) < 2:
            raise ValueError("bench merge: expected OUT IN1 [IN2 ...]")
        from benchmarks.runner.results import merge

        counts = merge(args.paths[0], args.paths[1:])
        print(json.dumps({"out": args.paths[0], **counts}))
        return 0
    # run
    if args.paths:
        raise ValueError(f"bench: unexpected argument {args.paths[0]!r} (did you mean --out?)")
    if not args.out:
        raise ValueError("bench: --out DIR is required to run a suite")
    from benchmarks.suites import catalog as suites
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
    if args.instances is None and args.suite in suites.DELEGATED_SUITES:
        if args.resume or args.shard or args.family or args.executor != "local":
            raise ValueError(f"--suite {args.suite}: --resume/--shard/--family/--executor apply to runner "
                             "suites only")
        result = suites.run_delegated(args.suite, args.out, quick=not args.full, time_limit=args.time_limit)
        from pathlib import Path

        files = sorted(str(p.relative_to(args.out)) for p in Path(args.out).rglob("*") if p.is_file())
        info: dict[str, Any] = {"suite": args.suite, "out": args.out, "files": files[:50]}
        if isinstance(result, (list, tuple, dict)):
            info["results"] = len(result)
        print(json.dumps(info))
        return 0
    if args.instances is None:
        suites.get_suite(args.suite)  # ValueError for an unknown suite, before any cluster starts
    from benchmarks.runner.executors import make_executor

    executor = make_executor(args.executor, jobs=args.jobs, scheduler=args.scheduler)
    common = dict(jobs=args.jobs, time_limit=args.time_limit, resume=args.resume, shard=args.shard,
                  grace=args.grace, progress=not args.no_progress, families=args.family, executor=executor)
    try:
        if args.instances is not None:
            from benchmarks.suites.instances import run_instances

            summary = run_instances(args.instances, args.out, levels=args.levels, answers=args.answers,
                                    colors=args.colors, answer_budget=args.answer_budget, seeds=args.seeds,
                                    **common)
        else:
            summary = suites.run_suite(args.suite, args.out, seeds=args.seeds, **common)
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
    if not args.no_report and (args.out is not None):
        from benchmarks.report.tables import write_report

        rep = write_report(args.out)
        out["report"] = str(rep.markdown_path)
    print(json.dumps(out))
    return 1 if summary.counts.get("wrong") else 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "bench", help="benchmark suites: run, report, merge",
        description="Run a benchmark suite (default action), write its report, or merge result files. "
                    "Examples: lsahard bench --suite quick --out results/quick; "
                    "lsahard bench --instances my.cnf graphs/ --answers answers.solu --colors 3 --out results/mine "
                    "--executor dask --jobs 2; "
                    "lsahard bench report results/quick; lsahard bench merge all shard1 shard2")
    add_arguments(p)
    p.set_defaults(func=handle)
