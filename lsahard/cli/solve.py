"""``lsahard solve`` and ``lsahard export`` (issue 4).

``lsahard solve PROGRAM.json --solver NAME [--time-limit S] [--seed K] [--json]`` runs one solver
of :data:`recovery.programs.solvers.SOLVER_NAMES` on a ``lsahard.bilinear/1`` program; the point is
verified exactly, and the decision answer (``yes``/``no``/``unknown``) is printed with what proves
it, certified at the program's source when the program was written by ``lsahard reduce``.  Exit code 0 for every status except ``error`` (exit 1); bad input exits 2.

``lsahard export PROGRAM.json --format lp|mps|nl|gms -o FILE`` writes the Pyomo model
(``mps`` only when the program is linear after substituting fixed variables).
"""

from __future__ import annotations

import argparse
import json

__all__ = ["register"]


def _solve(args: argparse.Namespace) -> int:
    from recovery.programs.program import BilinearProgram
    from recovery.programs.solvers import solve
    from reductions.deciders.certify import answer_for_program

    program = BilinearProgram.load(args.program)
    res = solve(program, solver=args.solver, time_limit=args.time_limit, seed=args.seed,
                max_bytes=args.max_bytes)
    ans = answer_for_program(program, res)
    if args.json:
        print(json.dumps({**res.to_json(), "answer": ans.answer, "answer_proof": ans.proof,
                          "answer_reason": ans.reason}))
    else:
        print(f"answer: {ans.answer}  proof: {ans.proof}  ({ans.reason})")
        print(f"program: {args.program} (d={program.d}, {program.num_rows} rows, "
              f"objective: {'yes' if program.objective else 'no'})")
        print(f"solver: {res.solver}  status: {res.status}  verified: {res.verified}  "
              f"max_violation: {res.max_violation}")
        print(f"objective: {res.objective}  bound: {res.bound}  wall_s: {res.wall_s:.3f}")
        print(f"proof: {res.proof}")
        if res.b is not None and res.A.size <= 400:
            print(f"b: {res.b.tolist()}")
            print(f"A: {res.A.tolist()}")
        elif res.b is not None:
            print(f"point: {res.b.size + res.A.size} entries (use --json to print them)")
        if res.status in ("error", "unknown"):
            print(f"log: {res.log.strip().splitlines()[0] if res.log.strip() else ''}")
    return 1 if res.status == "error" else 0


def _export(args: argparse.Namespace) -> int:
    from recovery.programs.program import BilinearProgram
    from recovery.programs.solvers.pyomo_model import export_program

    program = BilinearProgram.load(args.program)
    path = export_program(program, args.output, args.format)
    print(f"wrote {path} ({args.format}, d={program.d}, {program.num_rows} rows)")
    return 0


def _time_limit(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--time-limit must be a number of seconds, got {text!r}")
    if not (v > 0 and v < float("inf")):
        raise argparse.ArgumentTypeError(f"--time-limit must be a finite number > 0, got {text!r}")
    return v


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be an int >= 0, got {text!r}")
    if v < 0:
        raise argparse.ArgumentTypeError(f"--seed must be an int >= 0, got {text!r}")
    return v


def _max_bytes(text: str) -> int:
    try:
        v = int(float(text))
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"--max-bytes must be a number of bytes > 0, got {text!r}")
    if v <= 0:
        raise argparse.ArgumentTypeError(f"--max-bytes must be a number of bytes > 0, got {text!r}")
    return v


def register(subparsers) -> None:
    from recovery.programs.solvers import MAX_BYTES, SOLVER_NAMES
    from recovery.programs.solvers.pyomo_model import EXPORT_FORMATS

    p = subparsers.add_parser("solve", help="solve a bilinear program (lsahard.bilinear/1 JSON)",
                              description=__doc__.split("\n\n")[1])
    p.add_argument("program", help="program JSON file (schema lsahard.bilinear/1)")
    p.add_argument("--solver", required=True, choices=SOLVER_NAMES, help="solver name")
    p.add_argument("--time-limit", type=_time_limit, default=60.0, help="seconds (default 60)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--max-bytes", type=_max_bytes, default=MAX_BYTES,
                   help=f"memory budget checked before solving (default {MAX_BYTES})")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_solve)

    e = subparsers.add_parser("export", help="export a bilinear program through Pyomo")
    e.add_argument("program", help="program JSON file (schema lsahard.bilinear/1)")
    e.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    e.add_argument("-o", "--output", required=True, help="output file")
    e.set_defaults(func=_export)
