"""Runtime comparison of the solver portfolio on small programs with known answers.

    python -m benchmarks.bench_solvers [--time-limit 10] [--seeds 3] [--out results.json]

Instances (all answers known by construction):
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

import numpy as np

from recovery.phi import phi
from recovery.program import BilinearProgram, ProgramBuilder
from recovery.solvers import SOLVER_NAMES, available_solvers, solve


def _planted(seed: int, d: int, R: int) -> BilinearProgram:
    rng = np.random.default_rng(seed)
    b, A = rng.normal(size=d + 1), rng.normal(size=(d + 1, d))
    pb = ProgramBuilder(d)
    for r in range(R):
        j = int(rng.integers(d))
        cells = sorted({(int(rng.integers(d + 1)), int(rng.integers(d + 1))) for _ in range(3)})
        trip = [(u, v, float(rng.normal())) for u, v in cells]
        s = ("==", "<=", ">=")[r % 3]
        pb.add_row(j, trip, s, sum(w * b[u] * A[v, j] for u, v, w in trip) + {"==": 0, "<=": .1, ">=": -.1}[s])
    return pb.build(f"planted-d{d}")


def _phi(seed: int, d: int) -> BilinearProgram:
    rng = np.random.default_rng(seed)
    return BilinearProgram.from_phi(phi(rng.normal(size=d + 1), rng.normal(size=(d + 1, d))), d,
                                    name=f"phi-d{d}")


def _sign() -> BilinearProgram:
    pb = ProgramBuilder(2)
    pb.bound("b[1]", 0, 1).bound("A[2,1]", 0, 1).fix("b[0]", 1.0)
    pb.add_row(1, [(1, 2, 1.0)], "<=", -1.0)
    pb.add_row(0, [(0, 0, 1.0)], "==", 1.0)
    return pb.build("sign-infeas")


def _compl(zero: bool) -> BilinearProgram:
    pb = ProgramBuilder(3)
    for n in ("b[0]", "b[1]", "A[0,0]", "A[1,0]"):
        pb.bound(n, 0, 5)
    pb.fix("A[2,1]", 1.0).fix("b[2]", 1.0)
    pb.add_row(1, [(0, 2, 1.0), (1, 2, 1.0)], ">=", 1)
    pb.add_row(0, [(2, 0, 1.0), (2, 1, 1.0)], ">=", 1)
    if not zero:
        pb.add_row(1, [(0, 2, 1.0)], ">=", 1)
        pb.add_row(0, [(2, 0, 1.0)], ">=", 1)
    pb.set_objective(0, [(0, 0, 1.0), (1, 1, 1.0)])
    return pb.build("compl-zero" if zero else "compl-pos")


def instances(seed: int) -> list[BilinearProgram]:
    return [_phi(seed, 2), _phi(seed, 3), _planted(seed, 3, 12), _sign(), _compl(True), _compl(False)]


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
    print(f"| instance | " + " | ".join(names) + " |")
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
