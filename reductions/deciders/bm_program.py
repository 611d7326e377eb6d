"""Deciders for the Bennett-Mangasarian bilinear program (:class:`BMProgram`).

``decide_bm(instance, method)``:

* ``"milp"`` -- exact.  Mixed-integer linear program (HiGHS via ``scipy.optimize.milp``) over
  ``(w1, g1, w2, g2, z1, z2, y)`` with one binary ``y_l`` per outside point that linearises the
  complementarity ``z1_l z2_l = 0`` by big-M: ``z1_l <= Z y_l``, ``z2_l <= Z (1 - y_l)``, plus
  the linear BM constraints and the box ``|w| <= W``, ``|g| <= G``, ``0 <= z <= Z`` of
  :func:`reductions.problems.bm_program.vertex_box` (Cramer/Hadamard: a separable instance has a
  zero-objective point in that box, so the box loses no YES instance).  Feasible -> the split
  ``y`` and the planes are cleaned up exactly (margin rescaling, Fractions) and certified by
  ``instance.check``; answer True.  HiGHS proves infeasibility -> answer False.  Time limit ->
  None.
* ``"alternating"`` -- the Bennett-Mangasarian heuristic (REDUCTIONS.md "Heuristic for
  separability"): from random planes, alternately solve the LP in ``(w1, g1, z1)`` with ``z2``
  fixed (minimise ``z2^T z1``) and the LP in ``(w2, g2, z2)`` with ``z1`` fixed.  The objective
  never increases; a block stops when it no longer decreases, then a restart.  Answer True only
  with an exactly checked certificate, otherwise None -- never False (the method has no proof
  of infeasibility).
* ``"scip"`` -- exact, without big-M: the split of the outside points is searched by SCIP with
  indicator constraints (:func:`reductions.deciders.separability_scip.scip_split`; the BM complementarity
  ``z1_l z2_l = 0`` is exactly the disjunction "plane 1 or plane 2 cuts q_l off with margin 1"
  modelled there), the two margin-1 LPs of SCIP's split are re-solved (HiGHS) and the planes
  cleaned up exactly and certified by ``instance.check`` as for "milp".  SCIP status
  "infeasible" -> answer False.  This is the decider for instances whose vertex box makes the
  big-M of "milp" astronomically large.

Proof levels (``Decision.proof``, :data:`reductions.deciders.source.PROOF_LEVELS`): a True answer is
``"exact"`` (the certificate passed the exact ``check``); a False answer is ``"solver proof"``
(HiGHS's infeasibility confirmed by its presolve-off rerun, or SCIP's); unknown is ``"none"``.
"""

from __future__ import annotations

import time
from math import lcm
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from recovery.programs.solvers.highs_util import highs_solve
from reductions.deciders.decision import Decision
from reductions.deciders.highs_models import sep_lp
from reductions.deciders.separability_scip import scip_split
from reductions.problems.bm_program import BMProgram

__all__ = ["decide_bm", "METHODS"]

METHODS = ("milp", "alternating", "scip")


def _rng(rng: Any) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng: expected None, an int seed or a numpy Generator, got {type(rng).__name__}")


def _arrays(inst: BMProgram) -> tuple[np.ndarray, np.ndarray]:
    P = np.array([[float(c) for c in p] for p in inst.inside], dtype=float).reshape(-1, inst.dimension)
    Q = np.array([[float(c) for c in q] for q in inst.outside], dtype=float).reshape(-1, inst.dimension)
    return P, Q


def _certify(inst: BMProgram, w1, g1, w2, g2, split) -> dict | None:
    sol = inst.solution_from_split({"w1": list(w1), "g1": float(g1), "w2": list(w2), "g2": float(g2)}, split)
    if sol is not None and inst.check(sol):
        return sol
    return None


def _trivial(inst: BMProgram) -> dict:
    zero = [0] * inst.dimension
    return inst.complete(zero, -1, zero, -1)


def _decide_milp(inst: BMProgram, time_limit: float | None) -> tuple[bool | None, Any, str]:
    P, Q = _arrays(inst)
    n, k = inst.dimension, Q.shape[0]
    W, G, Z = inst.vertex_box()
    # variable layout: w1 (n), g1, w2 (n), g2, z1 (k), z2 (k), y (k)
    nv = 2 * (n + 1) + 3 * k
    o_w = [0, n + 1]
    o_z = [2 * (n + 1), 2 * (n + 1) + k]
    o_y = 2 * (n + 1) + 2 * k
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []
    for i in range(2):
        for p in P:  # p.w_i - g_i >= 1
            r = np.zeros(nv)
            r[o_w[i]:o_w[i] + n] = p
            r[o_w[i] + n] = -1.0
            rows.append(r)
            lo.append(1.0)
            hi.append(np.inf)
        for l, q in enumerate(Q):  # z_il - q.w_i + g_i >= 1
            r = np.zeros(nv)
            r[o_w[i]:o_w[i] + n] = -q
            r[o_w[i] + n] = 1.0
            r[o_z[i] + l] = 1.0
            rows.append(r)
            lo.append(1.0)
            hi.append(np.inf)
    for l in range(k):  # z1_l <= Z y_l ; z2_l <= Z (1 - y_l)
        r = np.zeros(nv)
        r[o_z[0] + l], r[o_y + l] = 1.0, -float(Z)
        rows.append(r)
        lo.append(-np.inf)
        hi.append(0.0)
        r = np.zeros(nv)
        r[o_z[1] + l], r[o_y + l] = 1.0, float(Z)
        rows.append(r)
        lo.append(-np.inf)
        hi.append(float(Z))
    lb = np.concatenate([[-W] * n + [-G], [-W] * n + [-G], [0.0] * (2 * k), [0.0] * k]).astype(float)
    ub = np.concatenate([[W] * n + [G], [W] * n + [G], [float(Z)] * (2 * k), [1.0] * k]).astype(float)
    integrality = np.concatenate([np.zeros(nv - k, bool), np.ones(k, bool)])
    res = highs_solve(np.zeros(nv), sparse.csr_matrix(np.array(rows)), np.array(lo), np.array(hi), lb, ub,
                      integrality, time_limit, seed=0, tight=False)
    if res.x is not None:
        x = res.x
        split = tuple(2 if x[o_y + l] > 0.5 else 1 for l in range(k))  # y_l = 1 forces z2_l = 0
        sol = _certify(inst, x[0:n], x[n], x[n + 1:2 * n + 1], x[2 * n + 1], split)
        if sol is not None:
            return True, sol, f"highs: {res.log} (certified exactly)"
        return None, None, f"highs: {res.log} (point failed the exact certificate)"
    # only HiGHS's infeasibility status, confirmed by highs_solve's presolve-off rerun, is a proof
    # (zero objective: "infeasible or unbounded" is infeasible); "Model error", time limits ... are not
    if res.model_status in ("kInfeasible", "kUnboundedOrInfeasible"):
        return False, None, f"highs: {res.log}"
    return None, None, f"highs: {res.log}"


def _decide_scip(inst: BMProgram, time_limit: float | None) -> tuple[bool | None, Any, str]:
    # integer data: scale by the common denominator L (the plane (w, g) of the scaled data is the
    # plane (w, g / L) of the original; solution_from_split rescales it exactly anyway)
    L = lcm(1, *(c.denominator for pts in (inst.inside, inst.outside) for p in pts for c in p))
    P, Q = _arrays(inst)
    P, Q = np.round(P * L), np.round(Q * L)
    kind, split, text = scip_split(P, Q, time_limit)
    if split is None:
        if kind == "infeasible":
            return False, None, f"scip (indicator): {text}"
        return None, None, f"scip (indicator): {text}"
    s1, s2 = sep_lp(P, Q[split]), sep_lp(P, Q[~split])
    if s1 is None or s2 is None:
        return None, None, f"scip (indicator): {text}; a margin-1 LP of SCIP's split is infeasible"
    (w1, g1), (w2, g2) = s1, s2
    sol = _certify(inst, w1, g1 / L, w2, g2 / L, tuple(1 if b else 2 for b in split))
    if sol is not None:
        return True, sol, f"scip (indicator): {text} (certified exactly)"
    return None, None, f"scip (indicator): {text} (point failed the exact certificate)"


def _block_lp(P: np.ndarray, Q: np.ndarray, weights: np.ndarray):
    """min weights.z over (w, g, z): p.w - g >= 1, z >= q.w - g + 1, z >= 0; returns (w, g, z, obj)."""
    n, m, k = P.shape[1], P.shape[0], Q.shape[0]
    c = np.concatenate([np.zeros(n + 1), weights])
    A_ub = np.zeros((m + k, n + 1 + k))
    A_ub[:m, :n] = -P
    A_ub[:m, n] = 1.0
    A_ub[m:, :n] = Q
    A_ub[m:, n] = -1.0
    A_ub[m:, n + 1:] = -np.eye(k)
    b_ub = -np.ones(m + k)
    bounds = [(None, None)] * (n + 1) + [(0, None)] * k
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        return None
    x = res.x
    return x[:n], x[n], x[n + 1:], float(res.fun)


def _decide_alternating(
    inst: BMProgram, time_limit: float | None, rng: np.random.Generator, restarts: int, max_iter: int
) -> tuple[bool | None, Any, str]:
    P, Q = _arrays(inst)
    n, k = inst.dimension, Q.shape[0]
    t0 = time.perf_counter()
    best = np.inf
    for restart in range(restarts):
        # random plane 2 shifted to give the inside set margin 1; its slacks start the iteration
        w2 = rng.standard_normal(n)
        g2 = (float(np.min(P @ w2)) - 1.0) if P.shape[0] else 0.0
        z2 = np.maximum(0.0, Q @ w2 - g2 + 1.0)
        prev = np.inf
        for _ in range(max_iter):
            if time_limit is not None and time.perf_counter() - t0 > time_limit:
                return None, None, f"alternating: time limit after {restart} restarts, best objective {best:.3g}"
            r1 = _block_lp(P, Q, z2)
            if r1 is None:
                break
            w1, g1, z1, _ = r1
            r2 = _block_lp(P, Q, z1)
            if r2 is None:
                break
            w2, g2, z2, obj = r2
            best = min(best, obj)
            if obj <= 1e-9 * max(1.0, float(np.max(z1, initial=0.0)) * float(np.max(z2, initial=0.0))):
                split = tuple(1 if z1[l] <= z2[l] else 2 for l in range(k))
                sol = _certify(inst, w1, g1, w2, g2, split)
                if sol is not None:
                    return True, sol, f"alternating: zero objective at restart {restart} (certified exactly)"
                break
            if obj >= prev - 1e-12 * max(1.0, prev):
                break  # stationary: no further decrease
            prev = obj
    return None, None, f"alternating: no certificate after {restarts} restarts, best objective {best:.3g}"


def decide_bm(
    instance: BMProgram,
    method: str = "milp",
    time_limit: float | None = None,
    rng: Any = None,
    *,
    restarts: int = 20,
    max_iter: int = 50,
) -> Decision:
    """Decide whether ``min z1^T z2 = 0`` for a :class:`BMProgram` (see module docstring).

    The Bennett-Mangasarian bilinear program of REDUCTIONS.md: two planes ``(w1, g1)``,
    ``(w2, g2)`` with margin 1 on the inside points and slacks ``z1, z2 >= 0`` on the outside
    points; objective zero iff every outside point is cut off by one of the planes.

    Parameters
    ----------
    instance : BMProgram
        The instance.
    method : str, optional
        One of :data:`METHODS`: ``"milp"`` (exact, big-M), ``"alternating"`` (heuristic, never
        answers False) or ``"scip"`` (exact, indicator constraints).
    time_limit : float or None, optional
        Seconds (> 0), or None for no limit.
    rng : int, numpy.random.Generator or None, optional
        Seed or generator of the heuristic's random starts (None = seed 0).
    restarts : int, optional
        Restarts of ``"alternating"``.
    max_iter : int, optional
        Alternations per restart of ``"alternating"``.

    Returns
    -------
    Decision
        A True answer always carries a witness that passed ``instance.check`` (exact,
        ``proof="exact"``); a False answer is a solver's infeasibility proof
        (``proof="solver proof"``); None is unknown (``proof="none"``).

    Raises
    ------
    TypeError
        When ``instance`` is not a :class:`BMProgram` or ``rng`` is of another type.
    ValueError
        When ``method`` is unknown or ``time_limit`` is not a positive number or None.
    """
    if not isinstance(instance, BMProgram):
        raise TypeError(f"instance: expected a BMProgram, got {type(instance).__name__}")
    if method not in METHODS:
        raise ValueError(f"method: expected one of {METHODS}, got {method!r}")
    if time_limit is not None:
        if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not time_limit > 0:
            raise ValueError(f"time_limit: expected a positive number or None, got {time_limit!r}")
    gen = _rng(rng)
    t0 = time.perf_counter()
    if not instance.outside:
        sol = _trivial(instance)
        return Decision(answer=True, witness=sol, status="trivial: no outside point", wall_s=time.perf_counter() - t0,
                        method=method, proof="exact")
    if method == "milp":
        answer, witness, status = _decide_milp(instance, time_limit)
    elif method == "scip":
        answer, witness, status = _decide_scip(instance, time_limit)
    else:
        answer, witness, status = _decide_alternating(instance, time_limit, gen, int(restarts), int(max_iter))
    if answer is True and not instance.check(witness):  # every path certifies already; never trust
        answer, witness, status = None, None, status + "; witness failed the exact check"
    proof = {True: "exact", False: "solver proof", None: "none"}[answer]
    return Decision(answer=answer, witness=witness, status=status, wall_s=time.perf_counter() - t0, method=method,
                    proof=proof)
