"""Runtime comparison of the solver portfolio on small programs with known answers.

    python -m benchmarks.perf.bench_solvers [--time-limit 10] [--seeds 3] [--out results.json]

Instances (all answers known by construction)::

  phi-d{2,3}   : phi recovery systems from_phi(phi(b, A)) (feasible)
  planted-d3   : 12 random sparse rows (==, <=, >=) with rhs from a random (b, A) (feasible)
  sign-infeas  : a product of nonnegative bounded variables <= -1 (infeasible)
  compl-zero   : complementarity min b0 A00 + b1 A10 = 0 (optimal 0)
  compl-pos    : same with b0, A00 >= 1 forced (minimum 1 > 0)

Each cell: status (how many seeds agree) and median wall time in seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics

from benchmarks.suites.solver_programs import complementarity, phi_planted, planted, sign_infeasible
from recovery.programs.program import BilinearProgram
from recovery.programs.solvers import SOLVER_NAMES, available_solvers, solve


def instances(seed: int) -> list[BilinearProgram]:
    return [phi_planted(seed, 2, name="phi-d2"), phi_planted(seed, 3, name="phi-d3"),
            planted(seed, 3, 12, name="planted-d3"), sign_infeasible("sign-infeas"),
            complementarity(True, "compl-zero"), complementarity(False, "compl-pos")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    av = available_solvers()
    names = [s for s in SOLVER_NAMES if av[s]]
    rows = []
    table: dict = {}
    for seed in range(args.seeds):
        for p in instances(seed):
            for s in names:
                r = solve(p, s, time_limit=args.time_limit, seed=seed)
                rows.append({"instance": p.name, "seed": seed, "solver": s, "status": r.status,
                             "verified": r.verified, "objective": r.objective, "bound": r.bound,
                             "wall_s": r.wall_s})
                table.setdefault((p.name, s), []).append(r)
    inst = list(dict.fromkeys(p.name for p in instances(0)))
    print("| instance | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for i in inst:
        cells = []
        for s in names:
            rs = table[(i, s)]
            sts = [r.status for r in rs]
            top = max(set(sts), key=sts.count)
            cells.append(f"{top} {sts.count(top)}/{len(rs)}, {statistics.median(r.wall_s for r in rs):.2f}s")
        print(f"| {i} | " + " | ".join(cells) + " |")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(rows, fh, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
