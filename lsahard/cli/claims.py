"""``lsahard claims [--json] [--out DIR] [--quick] [--only IDS]``: the claims ledger of the paper."""
from __future__ import annotations

import argparse
import json
import sys

from lsahard.cli import args as cli_args
from recovery.paper.claims import run_claims
from recovery.paper.claims.ledger import summarise
from recovery.paper.claims.result import to_jsonable

__all__ = ["register"]


def _handler(args: argparse.Namespace) -> int:
    """Run the claims and print the ledger (or one JSON document)."""
    progress = None if args.json else (lambda line: sys.stderr.write(line + "\n"))
    rows = run_claims(args.out, quick=args.quick, only=args.only, progress=progress)
    if args.json:
        doc = {"quick": args.quick, "summary": summarise(rows), "claims": rows}
        sys.stdout.write(json.dumps(to_jsonable(doc)) + "\n")
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            sys.stdout.write(f"{r['id']:<{width}}  {r['verdict']}\n")
        counts = summarise(rows)
        sys.stdout.write(", ".join(f"{v} {k}" for k, v in counts.items()) + "\n")
        if args.out:
            sys.stdout.write(f"wrote {args.out}/claims.json and {args.out}/claims.md\n")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``lsahard claims`` to the ``lsahard`` sub-parsers: one ledger row per claim of the paper.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    p = subparsers.add_parser(
        "claims",
        help="check every claim of the paper and print the ledger",
        description="Compute one row per claim of the paper (Lemmas 3.1, 3.2, Theorems 3.3-3.5, 4.1, "
        "App. A, Figs 3 and 5): claim, check, computed verdict, evidence, command.",
    )
    cli_args.add_json(p)
    p.add_argument("--out", metavar="DIR", default=None, help="write claims.json and claims.md to DIR")
    p.add_argument("--quick", action="store_true", help="small grids and short runs (< 1 minute)")
    p.add_argument(
        "--only", metavar="IDS", default=None,
        help="comma-separated claim ids (lemma-3.1, lemma-3.2, thm-3.3, thm-3.4, thm-3.5, thm-4.1, "
        "app-a, fig-3, fig-5)",
    )
    p.set_defaults(func=_handler)
