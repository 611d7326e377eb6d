"""``lsahard solve`` and ``lsahard export``.

``lsahard solve PROGRAM.json --solver NAME [--time-limit S] [--seed K] [--json]`` runs one solver
of :data:`recovery.programs.solvers.SOLVER_NAMES` on a ``lsahard.bilinear/1`` program; the point is
verified exactly, and the decision answer (``yes``/``no``/``unknown``) is printed with what proves
it, certified at the program's source when the program was written by ``lsahard reduce``
(:func:`reductions.deciders.program_solve.solve_program`).  Exit code 0 for every status except
``error`` (exit 1); bad input exits 2.

``lsahard export PROGRAM.json --format lp|mps|nl|gms -o FILE`` writes the Pyomo model
(``mps`` only when the program is linear after substituting fixed variables).
"""

from __future__ import annotations

import argparse
import json

from lsahard.cli.args import add_json, add_max_bytes, add_seed, add_time_limit
from recovery.programs.solvers import MAX_BYTES, SOLVER_NAMES
from recovery.programs.solvers.pyomo_model import EXPORT_FORMATS, export_program
from reductions.deciders.program_solve import solve_program

__all__ = ["register"]


def _solve(args: argparse.Namespace) -> int:
    run = solve_program(args.program, args.solver, time_limit=args.time_limit, seed=args.seed,
                        max_bytes=args.max_bytes)
    print(json.dumps(run.to_json()) if args.json else run.text())
    return 1 if run.result.status == "error" else 0


def _export(args: argparse.Namespace) -> int:
    path = export_program(args.program, args.output, args.format)
    print(f"wrote {path} ({args.format})")
    return 0


def register(subparsers) -> None:
    """Add ``lsahard solve`` and ``lsahard export`` (usage in the module docstring) to the ``lsahard`` sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    p = subparsers.add_parser("solve", help="solve a bilinear program (lsahard.bilinear/1 JSON)",
                              description=__doc__.split("\n\n")[1])
    p.add_argument("program", help="program JSON file (schema lsahard.bilinear/1)")
    p.add_argument("--solver", required=True, choices=SOLVER_NAMES, help="solver name")
    add_time_limit(p, 60.0)
    add_seed(p)
    add_max_bytes(p, MAX_BYTES, f"memory budget in bytes checked before solving (default {MAX_BYTES})")
    add_json(p)
    p.set_defaults(func=_solve)

    e = subparsers.add_parser("export", help="export a bilinear program through Pyomo")
    e.add_argument("program", help="program JSON file (schema lsahard.bilinear/1)")
    e.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    e.add_argument("-o", "--output", required=True, help="output file")
    e.set_defaults(func=_export)
