"""``lsahard paper``: the paper's experiments and the population version of Fig. 5.

Usage::

    lsahard paper experiments FIGURE --out DIR [--quick]
    lsahard paper fig5 --out DIR [--dmax D] [--n N] [--p P] [--batch B] [--starts K]
                       [--certified-max-d D] [--time-limit T] [--workers W] [--seed S]

``lsahard paper experiments FIGURE --out DIR`` (the paper's experiments: ``FIGURE`` is
``fig3``, ``fig5``, ``fig2``, ``appa`` or ``all``) and ``lsahard paper fig5 --out DIR`` (the
population version of Fig. 5).  Each writes Markdown, JSON and PNG files into ``--out``.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lsahard.cli import args as cli_args
from recovery.paper.experiments import FIGURES, run_figure
from recovery.paper.fig5_population import write_fig5_population

__all__ = ["register"]


def _experiments(args: argparse.Namespace) -> int:
    res = run_figure(args.figure, args.out, quick=args.quick)
    if args.figure == "all":
        print(f"wrote {args.out}/paper_suite.md in {res['total_wall_time']:.1f} s")
    else:
        print(Path(res["markdown"]).read_text())
        print(f"wall time {res['wall_time']:.1f} s")
    return 0


def _fig5(args: argparse.Namespace) -> int:
    print(write_fig5_population(args.out, dmax=args.dmax, n=args.n, p=args.p, batch=args.batch, starts=args.starts,
                                certified_max_d=args.certified_max_d, time_limit=args.time_limit,
                                workers=args.workers, seed=args.seed, progress=True))
    return 0


def register(subparsers: Any) -> None:
    """Add ``lsahard paper experiments`` and ``lsahard paper fig5`` to the ``lsahard`` sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    paper = subparsers.add_parser(
        "paper", help="reproduce the paper's experiments (Figs 2, 3, 5, App. A) and the population Fig. 5",
        description="Reproductions of the paper's experiments; each writes Markdown, JSON and PNG files into --out.")
    sub = paper.add_subparsers(dest="paper_command", metavar="EXPERIMENT", parser_class=type(paper))
    sub.required = True

    e = sub.add_parser("experiments", help="Fig. 3, Fig. 5 (sampled), Fig. 2, App. A or all of them",
                       description="Run one of the paper's experiments (held-out accuracies, the paper's values "
                       "beside ours) and write <name>.md/.json/.png into --out.")
    e.add_argument("figure", choices=[*FIGURES, "all"])
    e.add_argument("--out", type=Path, required=True, help="output directory for .md/.png/.json")
    e.add_argument("--quick", action="store_true", help="fewer seeds/iterations (smoke run)")
    e.set_defaults(func=_experiments)

    f = sub.add_parser("fig5", help="population Fig. 5: linear model vs best one-layer LSA vs psi(X*)",
                       description="Exact population losses and sampled accuracies per d; writes "
                       "fig5_population.{md,json,png} into --out.")
    f.add_argument("--out", type=Path, required=True, help="output directory")
    f.add_argument("--dmax", type=cli_args.positive_int("--dmax"), default=10, help="largest d (default 10)")
    f.add_argument("--n", type=cli_args.positive_int("--n"), default=100, help="context chains (default 100)")
    f.add_argument("--p", type=cli_args.open_probability("--p"), default=0.5, help="initial law Bern(p), 0 < p < 1 (default 0.5)")
    f.add_argument("--batch", type=cli_args.positive_int("--batch"), default=2000,
                   help="sampled prompts per d for the accuracies (default 2000)")
    f.add_argument("--starts", type=cli_args.positive_int("--starts"), default=40,
                   help="multistart runs per d (default 40)")
    f.add_argument("--certified-max-d", type=cli_args.positive_int("--certified-max-d", minimum=0), default=4,
                   help="certify f* for d <= this (at most 4; default 4)")
    cli_args.add_time_limit(f, 1800.0, "branch-and-bound time limit per d in seconds")
    f.add_argument("--workers", type=cli_args.positive_int("--workers"), default=1,
                   help="branch-and-bound processes (default 1)")
    cli_args.add_seed(f)
    f.set_defaults(func=_fig5)
