r"""Independent SCIP cross-check of the certified best one-layer LSA, by decomposition of the patches.

``f* = min_{b, A} ftilde(phi(b, A))`` with ``ftilde(X) = X^T H X - 2 h^T X + c`` (``recovery.realizability.best``).
``recovery.realizability.best.best_realizable(q, method="bnb")`` certifies ``f*`` with our own sphere/patch
branch-and-bound; SCIP on the whole polynomial formulation (``method="scip"``) does not close d = 3.
Here SCIP, not our box bound, supplies the lower bound, one small polynomial program per sub-box.

Decomposition (the patches of ``method="bnb"``).  By the gauge ``phi(c b, A/c) = phi(b, A)`` (any
``c != 0``, negative included) every ``(b, A)`` with ``b != 0`` has the same ``X`` as one with
``b = e_k + sum_{i != k} t_i e_i``, ``t in [-1, 1]^d``, where ``k`` is an index of largest ``|b_k|``
(take ``c = 1/b_k``).  So the ``d + 1`` patches ``k = 0..d`` cover the problem, and each patch is split
into ``S^d`` equal sub-boxes ``t in prod_i [lo_i, hi_i]``: ``(d + 1) S^d`` boxes in total.

Per box, SCIP (Pyomo ``pyomo.contrib.solver`` ``scip_direct``) minimises

    ``sum_i Y_i^2 + ftilde*``  s.t.  ``Y = L^T (X - X*)`` (``H = L L^T``),  ``X = phi(b, A)``
    (``d m`` bilinear equalities ``X_r = b_u A[v, j] + b_v A[u, j]`` or ``b_u A[u, j]``),
    ``b_k = 1`` (substituted), ``b_i in [lo_i, hi_i]``, and the finite boxes below on ``A, X, Y``,

whose objective equals ``ftilde(X)`` since ``ftilde(X) = (X - X*)^T H (X - X*) + ftilde*`` with
``X* = H^{-1} h`` and ``ftilde* = ftilde(X*)``.  SCIP's dual bound ``L_box`` and termination status
are recorded.

Validity of the finite boxes (the "level-set argument").  Let ``U`` be the multistart value
(``best_realizable(q, starts=6, rng=1).f_best``, a realised value, so ``f* <= U``) and
``rho = (U - ftilde*)(1 + 1e-6) + 1e-9 >= U - ftilde*``.  Call a point *relevant* if
``ftilde(phi(b, A)) <= ftilde* + rho`` (this includes every point with value ``<= U``).  The goal is
only to prove ``min_box ftilde(phi(b, A)) >= U - tol``; an irrelevant point has value
``> ftilde* + rho >= U``, so it can never violate that, and it suffices to bound the minimum over the
relevant points of the box.  We therefore add constraints that every relevant point satisfies:

1. ``||Y||^2 = (X - X*)^T H (X - X*) <= rho``; hence ``|Y_i| <= sqrt(rho)``, and, maximising
   ``+-(X_r - X*_r)`` over that ellipsoid, ``|X_r - X*_r| <= xr_r := sqrt(rho (H^{-1})_{rr})``.
   Likewise the block ``X^{(j)}`` (the ``m`` entries of column ``j``) satisfies
   ``||X^{(j)} - X*^{(j)}|| <= R_j := sqrt(rho lambda_max((H^{-1})_{jj}))``, so
   ``||X^{(j)}|| <= xb_j := ||X*^{(j)}|| + R_j``.
2. Norm bound on ``a_j = A[:, j]``.  ``S_j = b a_j^T + a_j b^T`` holds the same numbers as ``X^{(j)}``
   (``S_j[u,u] = 2 X^{(j)}_{uu}``, ``S_j[u,v] = X^{(j)}_{uv}``), so
   ``||X^{(j)}||^2 = sum_u X_uu^2 + sum_{u<v} X_uv^2 >= ||S_j||_F^2 / 4`` and
   ``||S_j||_F^2 = trace((b a^T + a b^T)^2) = 2 ||a_j||^2 ||b||^2 + 2 (b . a_j)^2 >= 2 ||a_j||^2 ||b||^2``.
   Hence ``||a_j|| <= sqrt(2) ||X^{(j)}|| / ||b|| <= sqrt(2) xb_j / nb_min`` where, on the box,
   ``||b||^2 = 1 + sum_{i != k} t_i^2 >= nb_min^2 := 1 + sum_i dist(0, [lo_i, hi_i])^2 >= 1``.
   So ``|A[u, j]| <= anorm_j := sqrt(2) xb_j / nb_min``.
3. Sharper entrywise bounds from ``b_k = 1``: ``X^{(j)}_{(k,k)} = b_k A[k, j] = A[k, j]`` and, for
   ``u != k``, ``X^{(j)}_{(u,k)} = b_u A[k, j] + b_k A[u, j]``, i.e. ``A[u, j] = X^{(j)}_{(u,k)} - t_u A[k, j]``.
   Interval arithmetic with the boxes of step 1 (``X_r in [X*_r - xr_r, X*_r + xr_r]``,
   ``t_u in [lo_u, hi_u]``) gives an interval for every ``A[u, j]``; it is intersected with step 2 and
   widened outward by ``1e-9 (1 + |bound|)`` against rounding.
4. The level cut ``sum_i Y_i^2 <= rho`` itself (on by default, ``--no-level-cut`` drops it).  With it,
   a box that holds no relevant point is *infeasible* for SCIP; that proves ``min_box > ftilde* + rho
   >= U`` and the box is counted with the bound ``ftilde* + rho``.

For every box, ``min_box ftilde(phi) >= min(L_box, ftilde* + rho)`` (relevant points are feasible for
SCIP's model, so their values are ``>= L_box``; the others are ``> ftilde* + rho``): this
``effective_bound`` is what the verdict uses.  A box whose SCIP run hit the time limit counts with its
reported dual bound (which may be weak; ``-inf`` if SCIP reported none).  The cross-check lower bound
is ``LB_scip = min_box effective_bound``; SCIP independently certifies ``f*`` within ``tol = 1e-5`` iff
``LB_scip >= U - tol`` (then ``U - tol <= f* <= U``).  This uses nothing from our branch-and-bound
(``U``, ``X*`` and ``ftilde*`` are elementary; the patch cover is the standard gauge argument).
Caveat: SCIP works with a feasibility tolerance (``numerics/feastol = 1e-6``) on the bilinear
equalities and is not an exact-arithmetic prover, so its dual bound is for a slightly relaxed
problem; that is why the verdict compares at ``1e-5``.  The primal point of each box is re-checked by
evaluating ``ftilde(phi(b, A))`` in float64 at SCIP's ``(b, A)`` (``b_k = 1``).

Alternative formulations (``--formulation``; the default ``plain`` is the one above):

* ``kkt-quad``: adds ``W = H X - h`` (``|W_r| <= sqrt(rho H_rr)`` on the level set: maximise
  ``e_r^T H (X - X*)`` over the ellipsoid) and the stationarity equalities
  ``d ftilde / d A[u, j] = 2 sum_r (d X_r / d A[u, j]) W_r = 0`` (bilinear in ``b`` and ``W``).
  Valid: ``min_box ftilde(phi) = min_t g(t)`` with ``g(t) = min_A ftilde(phi(b(t), A))``, the inner
  minimiser ``A*(t)`` is stationary (``A`` is free), and for a relevant ``t`` it is relevant, hence
  inside every box above; so the model still contains ``(t, A*(t))`` for every relevant ``t``.
* ``kkt``: the same, with the objective replaced by the linear ``c - h^T X`` (equal to ``ftilde(X)``
  at stationary points, where ``X^T (H X - h) = 0``) and the level cut by ``c - h^T X <= ftilde* + rho``.
* ``--b-priority P`` (> 0) gives the ``b`` variables SCIP branching priority ``P`` and switches
  ``constraints/nonlinear/branching/external`` on (SCIP's nonlinear handler otherwise ignores
  priorities).

Pyomo/SCIP note: ``pyomo.contrib.solver``'s ``scip_direct`` captures SCIP's stdout through a pipe
read by a Python thread, while PySCIPOpt's ``optimize()`` holds the GIL; once SCIP's log exceeds the
64 KiB pipe buffer the process deadlocks (seen here on a 30 s box).  ``display/verblevel = 0`` is set
for every box.

Results (2 cores, one SCIP process at a time; SCIP 10.0.0 / PySCIPOpt 6.3.0 / Pyomo 6.10.1):

* d = 2, S = 1 (3 boxes, 25 s limit): all 3 closed (2 infeasible, 1 at the gap limit) in 9 s of SCIP;
  ``LB_scip = 0.23472280 >= U - 1e-5`` (``U = 0.23472446``; our bnb: lower bound 0.23471516).
  S = 2 (12 boxes, 30 s): 11 infeasible, the box of the minimiser at the time limit with dual bound
  0.23471914, still ``>= U - 1e-5``: certified either way.
* d = 3, S = 2 (32 boxes, 60 s limit, 1608 s of SCIP in total): only 9 boxes closed (all infeasible,
  6-47 s); 23 hit the time limit with dual bounds 0.20715-0.20968, so ``LB_scip = 0.20714580``
  against ``U - 1e-5 = 0.20996104`` (our bnb lower bound 0.20996107): **no SCIP certificate** at
  d = 3 in this budget.  SCIP's primal in the box of the minimiser re-evaluates to 0.20997104 = U.
  Spot checks on S = 3 boxes (15 s) gave dual bounds ~0.208, and the ``kkt``/``kkt-quad``
  formulations and the branching priority on ``b`` did not help (d = 2 whole patches; one S = 3
  box).  The reason is structural: the A box is wide (largest half-width 4.6-7.2 per S = 2 box at
  d = 3, since ``cond(H) ~ 4e4`` makes ``xr`` large) while ``U - ftilde* ~ 3e-3``, so the McCormick relaxations of
  the products ``t_u A[v, j]`` are far too loose until SCIP has branched on both ``t`` and ``A`` at a
  resolution it does not reach at ~140-250 nodes per second.

Usage::

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.perf.crosscheck_best_scip --d 3 --split 2 \
        --time-limit 60 --out crosscheck_d3.json

Progress (one line per box) goes to stderr; the JSON is rewritten after every box, so an interrupted
run (Ctrl-C) keeps every finished box; ``--resume`` skips the boxes already in ``--out`` (same
``d``, ``split``, ``U`` and formulation).  One SCIP process at a time.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time
from typing import Any

import numpy as np

from benchmarks.perf.crosscheck_scip_box import FORMULATIONS, SOLVED_STATUSES, a_bounds, build_model, ftilde, solve_box
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.lsa.reparam import num_pairs
from recovery.realizability.best import best_realizable, level_set_box

__all__ = ["setup", "boxes", "summarize", "run_bnb", "crosscheck", "main", "ftilde", "a_bounds", "build_model",
           "solve_box", "FORMULATIONS", "SOLVED_STATUSES", "SCHEMA", "TOL"]

#: schema tag of the JSON document of :func:`crosscheck`
SCHEMA = "lsahard.crosscheck_best_scip/1"
TOL = 1e-5  #: the verdict tolerance: certified iff LB_scip >= U - TOL


# ----------------------------------------------------------------------------------------------------
# problem data
# ----------------------------------------------------------------------------------------------------

def setup(d: int, n: int = 100, *, starts: int = 6, rng: int = 1, quad: Any = None) -> dict:
    """The population quadratic, the multistart value ``U`` and the level-set boxes (docstring steps 1-2).

    Parameters
    ----------
    d, n : int
        Chain length minus one and number of context chains (binary chains, ``p = 1/2``).
    starts, rng : int, optional
        Multistart directions and seed for ``U``.
    quad : object, optional
        Anything with ``H, h, c``; overrides the population quadratic (used by the tests).

    Returns
    -------
    dict
        ``H``, ``h``, ``c``, ``L`` (Cholesky factor), ``X_star``, ``f_star``, ``U``, ``rho``, the
        boxes ``xr`` ``(d m,)``, ``R`` and ``xb`` ``(d,)``, the multistart ``b_ms``, ``A_ms``.

    Raises
    ------
    ValueError
        If ``len(h)`` is not ``d m``.
    """

    if quad is None:
        quad = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    H = np.asarray(quad.H, dtype=float)
    H = 0.5 * (H + H.T)
    h = np.asarray(quad.h, dtype=float)
    c = float(quad.c)
    m = num_pairs(d)
    if h.size != d * m:
        raise ValueError(f"quadratic has length {h.size}, expected d m = {d * m}")
    t0 = time.perf_counter()
    ms = best_realizable(quad, starts=starts, rng=rng)
    t_ms = time.perf_counter() - t0
    U = float(ms.f_best)
    L = np.linalg.cholesky(H)
    X_star = np.linalg.solve(H, h)
    X_star = X_star + np.linalg.solve(H, h - H @ X_star)  # one step of iterative refinement
    f_star = float(X_star @ H @ X_star - 2.0 * h @ X_star + c)
    rho = max(U - f_star, 0.0) * (1.0 + 1e-6) + 1e-9
    xr, R, xb = level_set_box(H, X_star, d, rho)  # elementary ellipsoid projections, not the bnb bound
    return {"d": d, "n": n, "m": m, "H": H, "h": h, "c": c, "L": L, "X_star": X_star, "f_star": f_star,
            "U": U, "rho": rho, "xr": xr, "R": R, "xb": xb, "b_ms": np.asarray(ms.b, float),
            "A_ms": np.asarray(ms.A, float), "multistart_seconds": t_ms, "starts": starts, "rng": rng}


def boxes(d: int, split: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """All ``(k, lo, hi)``: patch ``k`` and the sub-box ``prod_i [lo_i, hi_i]`` of ``t in [-1, 1]^d``.

    Returns ``(d + 1) split^d`` boxes, ``lo`` and ``hi`` of shape ``(d,)``.

    Examples
    --------
    >>> [(k, lo.tolist(), hi.tolist()) for k, lo, hi in boxes(1, 2)][:2]
    [(0, [-1.0], [0.0]), (0, [0.0], [1.0])]
    """
    edges = np.linspace(-1.0, 1.0, split + 1)
    out = []
    for k in range(d + 1):
        for cell in itertools.product(range(split), repeat=d):
            idx = np.asarray(cell)
            out.append((k, edges[idx].copy(), edges[idx + 1].copy()))
    return out


def _eff(r: dict) -> float:
    return -math.inf if r["effective_bound"] is None else float(r["effective_bound"])


def summarize(P: dict, results: list[dict], total_boxes: int, bnb: dict | None, tol: float = TOL,
              full_cover: bool = True) -> dict:
    """Verdict over the finished boxes; certified only if they are all the boxes of the cover.

    ``LB_scip`` is the minimum effective bound; ``certified_within_tol`` iff ``full_cover``, every box
    is done and ``LB_scip >= U - tol``.  ``bnb`` (the output of :func:`run_bnb`, optional) adds
    comparisons.  Returns the summary dict.
    """
    U = P["U"]
    done = len(results)
    effs = [_eff(r) for r in results]
    lb = min(effs) if effs else None
    order = sorted(range(done), key=lambda i: effs[i])[:5]
    primals = [r["primal_recheck"] for r in results if r["primal_recheck"] is not None]
    s = {"boxes_total": total_boxes, "boxes_done": done, "complete": done == total_boxes,
         "boxes_solved": sum(r["solved"] for r in results),
         "boxes_infeasible": sum(r["infeasible"] for r in results),
         "boxes_time_limit": sum(r["status"] == "timelimit" for r in results),
         "status_counts": {st: sum(r["status"] == st for r in results) for st in sorted({r["status"] for r in results})},
         "lower_bound_scip": lb if lb is None or math.isfinite(lb) else None,
         "U": U, "U_minus_tol": U - tol, "tol": tol,
         "full_cover": full_cover,
         "certified_within_tol": bool(full_cover and done == total_boxes and lb is not None and lb >= U - tol),
         "U_minus_lower_bound_scip": None if lb is None or not math.isfinite(lb) else U - lb,
         "best_primal_recheck": min(primals) if primals else None,
         "scip_seconds_total": sum(r["seconds"] for r in results),
         "smallest_bounds": [{"index": results[i]["index"], "k": results[i]["k"], "lo": results[i]["lo"],
                              "hi": results[i]["hi"], "status": results[i]["status"],
                              "dual_bound": results[i]["dual_bound"], "effective_bound": results[i]["effective_bound"],
                              "primal_scip": results[i]["primal_scip"], "primal_recheck": results[i]["primal_recheck"]}
                             for i in order]}
    if bnb is not None and lb is not None and math.isfinite(lb):
        s["lower_bound_scip_minus_bnb_lower_bound"] = lb - bnb["lower_bound"]
        s["bnb_lower_bound_le_scip_primal"] = bool(bnb["lower_bound"] <= (min(primals) if primals else math.inf) + 1e-12)
    return s


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return x if math.isfinite(x) else None
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def _write(path: str | None, doc: dict) -> None:
    if not path:
        return
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as fh:
        json.dump(_jsonable(doc), fh, indent=1, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, path)


def run_bnb(d: int, n: int = 100, starts: int = 6, rng: int = 1, time_limit: float = 120.0, quad: Any = None) -> dict:
    """Our branch-and-bound on the same quadratic (for comparison only; nothing above depends on it).

    Returns ``f_best``, ``lower_bound``, ``certified_global``, ``nodes``, ``seconds`` and ``status``;
    raises ``ValueError`` if the search reported no lower bound.
    """

    if quad is None:
        quad = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    r = best_realizable(quad, method="bnb", starts=starts, rng=rng, time_limit=time_limit)
    bb = r.details.get("bnb", {})
    if r.lower_bound is None:
        raise ValueError("the branch-and-bound reported no lower bound")
    return {"f_best": float(r.f_best), "lower_bound": float(r.lower_bound), "certified_global": bool(r.certified_global),
            "nodes": bb.get("nodes"), "seconds": bb.get("seconds"), "status": bb.get("status")}


def crosscheck(d: int, split: int, time_limit: float, *, n: int = 100, out: str | None = None,
               abs_gap: float = 1e-6, level_cut: bool = True, with_bnb: bool = True, resume: bool = False,
               only: list[int] | None = None, quad: Any = None, progress: bool = True, starts: int = 6,
               rng: int = 1, formulation: str = "plain", b_priority: int = 0) -> dict:
    """Run the decomposition; returns (and writes to ``out`` after every box) the JSON document.

    ``(d + 1) split^d`` boxes, each solved by :func:`solve_box` within ``time_limit`` seconds;
    ``only`` restricts to some box indices (then no certificate is claimed), ``resume`` skips the
    boxes already in ``out``.  The document (schema :data:`SCHEMA`) holds the data of :func:`setup`,
    every box's result, :func:`summarize` and, with ``with_bnb``, :func:`run_bnb`.
    """
    # longer than 60 lines: the resumable loop over boxes with its progress and JSON checkpoint
    t_start = time.perf_counter()
    P = setup(d, n, starts=starts, rng=rng, quad=quad)
    bnb = run_bnb(d, n, starts=starts, rng=rng, quad=quad) if with_bnb else None
    allb = boxes(d, split)
    todo = list(range(len(allb))) if only is None else sorted(set(only))
    config = {"d": d, "n": n, "split": split, "time_limit_per_box": time_limit, "abs_gap": abs_gap,
              "level_cut": level_cut, "starts": starts, "rng": rng, "formulation": formulation,
              "b_priority": b_priority}
    results: list[dict] = []
    if resume and out and os.path.exists(out):
        with open(out) as fh:
            old = json.load(fh)
        oc = old.get("config", {})
        oc.setdefault("formulation", "plain")
        oc.setdefault("b_priority", 0)
        if (all(oc.get(key) == config[key] for key in ("d", "n", "split", "level_cut", "starts", "rng",
                                                         "formulation", "b_priority"))
                and abs(old.get("U", math.inf) - P["U"]) <= 1e-12):
            results = [r for r in old.get("boxes", []) if r["index"] in todo]
            if progress:
                print(f"resume: {len(results)} boxes from {out}", file=sys.stderr, flush=True)
        elif progress:
            print(f"resume: {out} has another configuration; starting afresh", file=sys.stderr, flush=True)
    have = {r["index"] for r in results}
    doc: dict = {"schema": SCHEMA, "config": config, "U": P["U"], "ftilde_star": P["f_star"], "rho": P["rho"],
                 "multistart": {"b": P["b_ms"], "A": P["A_ms"], "seconds": P["multistart_seconds"]},
                 "level_set": {"xr_max": float(P["xr"].max()), "R": P["R"], "xb": P["xb"]},
                 "bnb": bnb, "boxes": results}
    if progress:
        msg = f"crosscheck d={d} split={split}: {len(todo)} boxes, U = {P['U']:.10f}, ftilde* = {P['f_star']:.10f}"
        if bnb:
            msg += f", bnb f* = {bnb['f_best']:.10f} lower bound {bnb['lower_bound']:.10f}"
        print(msg, file=sys.stderr, flush=True)
    interrupted = False

    def finish() -> dict:
        results.sort(key=lambda r: r["index"])
        doc["boxes"] = results
        doc["summary"] = summarize(P, results, len(todo), bnb, full_cover=len(todo) == len(allb))
        doc["interrupted"] = interrupted
        doc["wall_seconds"] = time.perf_counter() - t_start
        _write(out, doc)
        return doc

    try:
        for idx in todo:
            if idx in have:
                continue
            k, lo, hi = allb[idx]
            r = solve_box(P, k, lo, hi, time_limit=time_limit, abs_gap=abs_gap, level_cut=level_cut,
                          formulation=formulation, b_priority=b_priority)
            if r["status"] == "userinterrupt":
                interrupted = True
                break
            r["index"] = idx
            results.append(r)
            finish()
            if progress:
                lb = min(_eff(x) for x in results)
                db = "none" if r["dual_bound"] is None else f"{r['dual_bound']:.8f}"
                pr = "none" if r["primal_recheck"] is None else f"{r['primal_recheck']:.8f}"
                print(f"[{len(results)}/{len(todo)}] box {idx} k={k} t in "
                      f"{np.array2string(lo, precision=2)}..{np.array2string(hi, precision=2)}: {r['status']}, "
                      f"dual {db}, primal {pr}, {r['nodes']} nodes, {r['seconds']:.1f} s | min bound {lb:.8f} "
                      f"(U - tol = {P['U'] - TOL:.8f})", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        interrupted = True
    return finish()


def main(argv: list[str] | None = None) -> int:
    """Command line (``python -m benchmarks.perf.crosscheck_best_scip --help``); prints a JSON summary.

    Returns 0, or 130 when interrupted.
    """
    ap = argparse.ArgumentParser(prog="python -m benchmarks.perf.crosscheck_best_scip",
                                 description="SCIP cross-check of the certified best one-layer LSA, box by box")
    ap.add_argument("--d", type=int, default=3)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--split", type=int, default=2, help="S: each patch is split into S^d boxes")
    ap.add_argument("--time-limit", type=float, default=60.0, help="SCIP time limit per box (s)")
    ap.add_argument("--abs-gap", type=float, default=1e-6, help="SCIP absolute gap limit per box")
    ap.add_argument("--no-level-cut", action="store_true", help="drop the constraint sum Y^2 <= rho")
    ap.add_argument("--formulation", choices=FORMULATIONS, default="plain",
                    help="plain (default) or with the stationarity constraints in A (see the docstring)")
    ap.add_argument("--b-priority", type=int, default=0,
                    help="> 0: SCIP branching priority of the b variables (external nonlinear branching)")
    ap.add_argument("--no-bnb", action="store_true", help="skip our branch-and-bound (comparison only)")
    ap.add_argument("--boxes", type=int, nargs="*", default=None, help="only these box indices (then no certificate is claimed)")
    ap.add_argument("--resume", action="store_true", help="skip the boxes already in --out")
    ap.add_argument("--out", default=None, help="JSON output file (rewritten after every box)")
    a = ap.parse_args(argv)
    if a.d < 1 or a.split < 1 or a.time_limit <= 0:
        ap.error("need d >= 1, split >= 1, time-limit > 0")
    doc = crosscheck(a.d, a.split, a.time_limit, n=a.n, out=a.out, abs_gap=a.abs_gap, level_cut=not a.no_level_cut,
                     with_bnb=not a.no_bnb, resume=a.resume, only=a.boxes, formulation=a.formulation,
                     b_priority=a.b_priority)
    s = doc["summary"]
    lb = s["lower_bound_scip"]
    print(json.dumps({"d": a.d, "split": a.split, "boxes": s["boxes_total"], "done": s["boxes_done"],
                      "solved": s["boxes_solved"], "infeasible": s["boxes_infeasible"], "U": doc["U"],
                      "lower_bound_scip": lb, "bnb_lower_bound": (doc["bnb"] or {}).get("lower_bound"),
                      "certified_within_1e-5": s["certified_within_tol"], "wall_seconds": doc["wall_seconds"],
                      "interrupted": doc["interrupted"]}))
    return 130 if doc["interrupted"] else 0


if __name__ == "__main__":
    sys.exit(main())

