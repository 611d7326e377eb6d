"""``lsahard reduce`` and ``lsahard reductions``: apply the reduction graph from the command line.

``lsahard reduce INSTANCE --to NAME --out DIR`` reads INSTANCE (.json problem, DIMACS .cnf, or a
networkx graph file with ``--k``), composes the rules on the shortest path to NAME (through the
problems listed in ``--via``) and writes ``DIR/target.json`` and ``DIR/chain.json``
(:func:`reductions.apply.reduce_to_files`, which says what else it writes and what ``--witness``
and ``--solve-target`` decide and certify).

``lsahard reductions [--png FILE]`` prints the graph of problems and rules and draws it
(:func:`reductions.rules.drawing.graph_summary`).
"""

from __future__ import annotations

import argparse
import json

from lsahard.cli.args import add_json, add_time_limit
from reductions.apply import reduce_to_files
from reductions.rules.drawing import graph_summary

__all__ = ["register"]


def register(subparsers) -> None:
    """Add ``lsahard reduce`` and ``lsahard reductions`` (usage in the module docstring) to the sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    p = subparsers.add_parser(
        "reduce",
        help="reduce a problem instance along the reduction graph",
        description="Reduce INSTANCE to the problem NAME; write DIR/target.json and DIR/chain.json.",
    )
    p.add_argument("instance", help="instance file: .json (problem JSON), .cnf (DIMACS) or a graph file")
    p.add_argument("--to", required=True, metavar="NAME", help="target problem name")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created)")
    p.add_argument("--via", default="", metavar="P1,P2", help="comma-separated intermediate problems")
    p.add_argument("--k", type=int, default=None, help="number of colours for graph files")
    p.add_argument("--witness", action="store_true",
                   help="decide the source (HiGHS MILP), map its solution forward and check it on the target")
    p.add_argument("--solve-target", default=None, metavar="METHOD",
                   help="decide the target (milp|brute, or a recovery solver name for lsa_program), "
                        "map the solution back and check it on the source")
    add_time_limit(p, 60.0, "seconds per solve")
    add_json(p)
    p.set_defaults(func=_reduce)

    g = subparsers.add_parser("reductions", help="print the reduction graph (and draw it as PNG)")
    g.add_argument("--png", default=None, metavar="FILE", help="write a PNG drawing of the graph")
    add_json(g)
    g.set_defaults(func=_reductions)


def _reduce(args: argparse.Namespace) -> int:
    report = reduce_to_files(args.instance, args.to, args.out, via=args.via.split(","), k=args.k,
                             witness=args.witness, solve_target=args.solve_target, time_limit=args.time_limit)
    print(json.dumps(report.data) if args.json else report.text())
    return 0


def _reductions(args: argparse.Namespace) -> int:
    summary = graph_summary(args.png)
    if args.json:
        print(json.dumps({k: v for k, v in summary.items() if k != "text"}))
    else:
        print(summary["text"])
        if summary["png"]:
            print(f"wrote {summary['png']}")
    return 0
