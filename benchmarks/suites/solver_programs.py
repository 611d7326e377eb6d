"""Small bilinear programs with known answers for the solver tests and benchmarks.

They are shared by the solver tests and ``benchmarks.perf.bench_solvers`` so that both measure
exactly the same instances.  A program's variables are ``b`` of shape ``(d+1,)`` and ``A`` of
shape ``(d+1, d)`` (the one-layer LSA parameters of MATH.md section 3); each row is a sum of
bilinear terms ``w * b[u] * A[v, j]`` for one column ``j``.
"""
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
    """Random sparse rows; rhs computed from a random (b, A) (slack 0.1 on inequalities): feasible.

    Each row belongs to a random column ``j`` of ``A`` and holds up to 3 bilinear terms
    ``w * b[u] * A[v, j]`` with normal weights; its right-hand side is the value at a random
    normal ``(b, A)`` of shapes ``(d+1,)`` and ``(d+1, d)``, loosened by 0.1 for ``<=`` and
    ``>=`` rows, so that point is feasible.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.
    d : int
        Chain input length (``b`` has ``d+1`` entries, ``A`` is ``(d+1, d)``).
    R : int
        Number of rows.
    senses : sequence of str, optional
        Row senses, cycled through.
    name : str, optional
        Program name (default ``planted-SEED``).

    Returns
    -------
    BilinearProgram
        A feasible program.

    Examples
    --------
    >>> planted(0, 2, 3).name
    'planted-0'
    """
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
    """Infeasible: fixed b0 = A00 = 1 but b0 * A00 == 2.

    Returns
    -------
    BilinearProgram
        An infeasible program with ``d = 2`` (a second row is linear after fixing).
    """
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("A[0,0]", 1.0)
    pb.add_row(0, [(0, 0, 1.0)], "==", 2.0)       # 1 * 1 == 2
    pb.add_row(1, [(0, 1, 1.0)], "==", 1.0)       # b0 * A[1,1] == 1 (linear after fixing)
    return pb.build("contradictory")


def sign_infeasible(name: str = "sign") -> BilinearProgram:
    """Infeasible: a product of nonnegative variables must be <= -1.

    Parameters
    ----------
    name : str, optional
        Program name.

    Returns
    -------
    BilinearProgram
        An infeasible program with ``d = 2``.
    """
    pb = ProgramBuilder(2)
    pb.bound("b[1]", 0, 1).bound("A[2,1]", 0, 1).fix("b[0]", 1.0)
    pb.add_row(1, [(1, 2, 1.0)], "<=", -1.0)      # product of nonnegatives <= -1
    pb.add_row(0, [(0, 0, 1.0)], "==", 1.0)
    return pb.build(name)


def linear_after_fixing(feasible: bool) -> BilinearProgram:
    """Build rows that become linear once b is fixed; feasible or not as asked.

    Parameters
    ----------
    feasible : bool
        Build the feasible variant (``2 A00 <= 2``) or the infeasible one (``2 A00 <= -0.5``).

    Returns
    -------
    BilinearProgram
        A program with ``d = 2`` named ``linear``.
    """
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 1.0).fix("b[1]", 2.0).bound("A[0,0]", 0, 1)
    pb.add_row(0, [(0, 0, 1.0), (1, 1, 1.0)], "==", 3.0)      # A00 + 2 A10 == 3
    pb.add_row(0, [(1, 0, 1.0)], "<=", 2.0 if feasible else -0.5)  # 2 A00 <= 2 (or <= -0.5)
    return pb.build("linear")


def complementarity(zero: bool, name: str = "compl") -> BilinearProgram:
    """A complementarity program: min ``b0*A00 + b1*A10`` with its variables in [0, 5].

    min b0*A00 + b1*A10, z in [0,5]; rows force sum b >= 1, sum A[:2,0] >= 1; with
    zero=False also b0 >= 1, A00 >= 1 so the minimum is 1 (attained at b=(1,0), A00=1).

    Parameters
    ----------
    zero : bool
        Without the extra rows (minimum 0) or with them (minimum 1).
    name : str, optional
        Program name.

    Returns
    -------
    BilinearProgram
        A program with ``d = 3`` and an objective.
    """
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
    """The phi recovery system of a random (b, A): feasible and phi-structured.

    ``X = phi(b, A)`` (the paper's reparameterisation of a one-layer LSA, in which the population
    loss is the quadratic of Lemma 3.1; MATH.md section 3) of a random normal ``b`` of shape
    ``(d+1,)`` and ``A`` of shape ``(d+1, d)``; the program asks for ``(b, A)`` with
    ``phi(b, A) = X`` (Theorem 3.5's recovery problem).

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``.
    d : int
        Chain input length.
    name : str, optional
        Program name.

    Returns
    -------
    BilinearProgram
        A feasible program (``BilinearProgram.from_phi``).
    """
    rng = np.random.default_rng(seed)
    return BilinearProgram.from_phi(phi(rng.normal(size=d + 1), rng.normal(size=(d + 1, d))), d, name=name)
