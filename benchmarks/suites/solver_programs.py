"""Small bilinear programs with known answers, shared by the solver tests and
``benchmarks.perf.bench_solvers`` so that both measure exactly the same instances."""
from __future__ import annotations

import numpy as np

from recovery.lsa.reparam import phi
from recovery.programs.program import BilinearProgram, ProgramBuilder

__all__ = [
    "planted",
    "contradictory_fixing",
    "sign_infeasible",
    "linear_after_fixing",
    "complementarity",
    "phi_planted",
]


def planted(seed: int, d: int, R: int, senses=("==", "<=", ">="), name: str | None = None) -> BilinearProgram:
    """Random sparse rows; rhs computed from a random (b, A) (slack 0.1 on inequalities): feasible."""
    rng = np.random.default_rng(seed)
    b, A = rng.normal(size=d + 1), rng.normal(size=(d + 1, d))
    pb = ProgramBuilder(d)
    for r in range(R):
        j = int(rng.integers(d))
        cells = sorted({(int(rng.integers(d + 1)), int(rng.integers(d + 1))) for _ in range(3)})
        trip = [(u, v, float(rng.normal())) for u, v in cells]
        lhs = sum(w * b[u] * A[v, j] for u, v, w in trip)
        s = senses[r % len(senses)]
        pb.add_row(j, trip, s, lhs + {"==": 0.0, "<=": 0.1, ">=": -0.1}[s])
    return pb.build(name or f"planted-{seed}")


def contradictory_fixing() -> BilinearProgram:
    """Infeasible: fixed b0 = A00 = 1 but b0 * A00 == 2."""
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("A[0,0]", 1.0)
    pb.add_row(0, [(0, 0, 1.0)], "==", 2.0)       # 1 * 1 == 2
    pb.add_row(1, [(0, 1, 1.0)], "==", 1.0)       # b0 * A[1,1] == 1 (linear after fixing)
    return pb.build("contradictory")


def sign_infeasible(name: str = "sign") -> BilinearProgram:
    """Infeasible: a product of nonnegative variables must be <= -1."""
    pb = ProgramBuilder(2)
    pb.bound("b[1]", 0, 1).bound("A[2,1]", 0, 1).fix("b[0]", 1.0)
    pb.add_row(1, [(1, 2, 1.0)], "<=", -1.0)      # product of nonnegatives <= -1
    pb.add_row(0, [(0, 0, 1.0)], "==", 1.0)
    return pb.build(name)


def linear_after_fixing(feasible: bool) -> BilinearProgram:
    """Rows that become linear once b is fixed; feasible or not as asked."""
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("b[1]", 2.0).bound("A[0,0]", 0, 1)
    pb.add_row(0, [(0, 0, 1.0), (1, 1, 1.0)], "==", 3.0)      # A00 + 2 A10 == 3
    pb.add_row(0, [(1, 0, 1.0)], "<=", 2.0 if feasible else -0.5)  # 2 A00 <= 2 (or <= -0.5)
    return pb.build("linear")


def complementarity(zero: bool, name: str = "compl") -> BilinearProgram:
    """min b0*A00 + b1*A10, z in [0,5]; rows force sum b >= 1, sum A[:2,0] >= 1; with
    zero=False also b0 >= 1, A00 >= 1 so the minimum is 1 (attained at b=(1,0), A00=1)."""
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
    return pb.build(name)


def phi_planted(seed: int, d: int, name: str = "") -> BilinearProgram:
    """The phi recovery system of a random (b, A): feasible and phi-structured."""
    rng = np.random.default_rng(seed)
    return BilinearProgram.from_phi(phi(rng.normal(size=d + 1), rng.normal(size=(d + 1, d))), d, name=name)
