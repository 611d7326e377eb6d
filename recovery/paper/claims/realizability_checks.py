"""Claims that the stated ``(b, A)`` realises the one-layer population optimum for d = 1: Theorems 3.3 and 3.4."""
from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

import recovery.lsa.optimum as lsa_optimum
import recovery.lsa.population as lsa_population
import recovery.lsa.prompts as lsa_prompts
import recovery.lsa.reparam as lsa_reparam
from recovery.paper.claims._common import (
    call_string,
    exact_fraction,
    exact_solve,
    int_list,
    make_result,
    probability_list,
    run_guarded,
)
from recovery.paper.claims.result import ClaimResult
from recovery.paper.claims.verdicts import combine_verdicts, verdict_cross_check, verdict_theorem_3_3

__all__ = [
    "check_theorem_3_3",
    "check_theorem_3_4",
    "paper_thm33_h",
    "DEFAULT_PS",
]

DEFAULT_PS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def paper_thm33_h(p: Fraction) -> list[Fraction]:
    """Return the paper's Theorem 3.3 statement ``h = [p^2/2, p^2/3, p^2/12 + p/4]`` (order G_xx, G_xy, G_yy).

    Parameters
    ----------
    p : Fraction
        ``P(x_1 = 1)``.

    Returns
    -------
    list of Fraction
        The stated ``h`` (d = 1).

    Examples
    --------
    >>> from fractions import Fraction
    >>> paper_thm33_h(Fraction(1, 2))
    [Fraction(1, 8), Fraction(1, 12), Fraction(7, 48)]
    """
    return [p * p / 2, p * p / 3, p * p / 12 + p / 4]


# --------------------------------------------------------------------------- Theorems 3.3 / 3.4

THM_3_3 = dict(
    id="thm-3.3",
    claim="Thm 3.3: for d = 1, i.i.d. Bern(p) starts, h = [p^2/2, p^2/3, p^2/12 + p/4] and the stated (b, A) realises X* for every p, n.",
)
THM_3_4 = dict(
    id="thm-3.4",
    claim="Thm 3.4: for d = 1 with correlated initial states (example g(x) = (x-p)^2) the stated (b, A) realises X* for every p, n.",
)


def _realiser_residual(X: list[Fraction], optimum: Any) -> float:
    """Relative max-residual of ``phi(b, A) - X`` for the explicit d = 1 realiser.

    Uses :func:`recovery.lsa.optimum.realize_d1` when available, else the formula of MATH.md section 4
    (``b = (1, beta)``, ``beta`` a root of ``X_1 beta^2 - X_2 beta + X_3``, ``a = (X_1, X_2 - beta X_1)``).
    """
    phi_mod = lsa_reparam
    Xf = np.array([float(x) for x in X])
    if optimum is not None and hasattr(optimum, "realize_d1"):
        b, A = optimum.realize_d1(np.array(X, dtype=object))
        b = np.asarray(b, dtype=float)
        A = np.asarray(A, dtype=float).reshape(2, 1)
    else:
        X1, X2, X3 = Xf
        if X1 == 0:
            b, A = np.array([0.0, 1.0]), np.array([[X2], [X3]])
        else:
            disc = X2 * X2 - 4.0 * X1 * X3
            beta = (X2 + math.copysign(math.sqrt(max(disc, 0.0)), X2)) / (2.0 * X1)
            b, A = np.array([1.0, beta]), np.array([[X1], [X2 - beta * X1]])
    Xr = np.asarray(phi_mod.phi(b, A), dtype=float)
    return float(np.max(np.abs(Xr - Xf)) / max(float(np.max(np.abs(Xf))), 1e-300))


def _scan_d1(ps: list[float], ns: list[int], make_init: Any, *, with_h: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Exact d = 1 scan. X* by our own exact elimination; :mod:`recovery.lsa.optimum` (if present) is
    cross-checked against it: its exact X*, its realisability test and its explicit realiser."""
    pop = lsa_population
    prompts = lsa_prompts
    optimum = lsa_optimum
    h_points, r_points = [], []
    cross: dict[str, Any] = {
        "optimum_module": optimum is not None,
        "optimum_x_star_disagreements": 0,
        "optimum_realizable_disagreements": 0,
    }
    max_res = 0.0
    for p in ps:
        pf = exact_fraction(p)
        for n in ns:
            q = pop.population_quadratic(1, n, prior=prompts.UniformBinaryPrior(), init=make_init(pf), exact=True)
            X = exact_solve(q.H, list(q.h))
            disc = X[1] * X[1] - 4 * X[0] * X[2]
            scale = X[1] * X[1] + 4 * abs(X[0] * X[2])
            pt: dict[str, Any] = {
                "p": p, "n": n, "ok": disc >= 0,
                "X_star": [float(x) for x in X],
                "disc": float(disc), "rel_disc": float(disc / scale) if scale else 0.0,
            }
            if optimum is not None:
                opt = optimum.closed_form_optimum(q)
                if opt.X_star_exact is None:
                    raise ValueError("closed_form_optimum of an exact quadratic returned no exact X*")
                if list(opt.X_star_exact) != X:
                    cross["optimum_x_star_disagreements"] += 1
                if bool(optimum.realizable_d1(np.array(X, dtype=object))) != pt["ok"]:
                    cross["optimum_realizable_disagreements"] += 1
            if disc >= 0:
                res = _realiser_residual(X, optimum)
                pt["realiser_residual"] = res
                max_res = max(max_res, res)
            r_points.append(pt)
            if with_h:
                stated = paper_thm33_h(pf)
                h_points.append({
                    "p": p, "n": n, "ok": list(q.h) == stated,
                    "h_exact": [str(v) for v in q.h], "h_stated": [str(v) for v in stated],
                    "h_minus_stated": [float(a - b) for a, b in zip(q.h, stated)],
                })
    cross["max_realiser_residual"] = max_res
    return h_points, r_points, cross


def _cross_verdict(cross: Mapping[str, Any], num_points: int) -> str:
    """Our exact X* / discriminant vs recovery.lsa.optimum's (when present): any disagreement -> not checkable."""
    if not cross.get("optimum_module"):
        return "holds"
    dis = cross["optimum_x_star_disagreements"] + cross["optimum_realizable_disagreements"]
    return verdict_cross_check(min(dis, num_points), num_points,
                               what="our exact X*/realisability and recovery.lsa.optimum's")


def _scan_evidence(h_points: Sequence[Mapping[str, Any]], r_points: Sequence[Mapping[str, Any]],
                   cross: Mapping[str, Any]) -> dict[str, Any]:
    bad = [pt for pt in r_points if not pt["ok"]]
    ev: dict[str, Any] = {
        "num_points": len(r_points),
        "num_realisable": len(r_points) - len(bad),
        "num_not_realisable": len(bad),
        "not_realisable_at": [{"p": pt["p"], "n": pt["n"], "rel_disc": pt["rel_disc"]} for pt in bad],
        "min_rel_disc": min(pt["rel_disc"] for pt in r_points),
        "min_rel_disc_at": {k: min(r_points, key=lambda pt: pt["rel_disc"])[k] for k in ("p", "n")},
        **cross,
    }
    # per p: the smallest n0 such that X* is realisable for every scanned n >= n0
    per_p = {}
    for p in sorted({pt["p"] for pt in r_points}):
        pts = sorted((pt["n"], pt["ok"]) for pt in r_points if pt["p"] == p)
        n0 = None
        for n, ok in reversed(pts):
            if not ok:
                break
            n0 = n
        per_p[str(p)] = n0
    ev["realisable_for_all_n_from"] = per_p
    if h_points:
        ev["h_num_points"] = len(h_points)
        ev["h_num_equal"] = sum(1 for pt in h_points if pt["ok"])
        ev["h_mismatches"] = [pt for pt in h_points if not pt["ok"]][:5]
    # the full per-point table is kept small: (p, n, rel_disc) triples
    ev["scan"] = [[pt["p"], pt["n"], pt["rel_disc"]] for pt in r_points]
    return ev


def check_theorem_3_3(
    ps: Sequence[float] = DEFAULT_PS,
    ns: Sequence[int] = range(1, 101),
) -> ClaimResult:
    """Check paper Theorem 3.3 on the grid ``ps x ns`` in exact rational arithmetic (d = 1, uniform kernel prior).

    At every point: the exact h vs the paper's stated h (rational equality, p taken as the decimal
    fraction it is written as), ``X* = H^-1 h`` solved exactly, and the exact sign of the
    realisability discriminant ``X_2^2 - 4 X_1 X_3`` (MATH.md section 4).  Where it is >= 0 the
    explicit realiser is built and ``||phi(b, A) - X*||`` reported.

    Parameters
    ----------
    ps : sequence of float, optional
        The ``p`` values in (0, 1).
    ns : sequence of int, optional
        The ``n`` values (``>= 1``).

    Returns
    -------
    ClaimResult
        The ledger row (a missing computation gives a ``not checkable`` row).

    Raises
    ------
    TypeError
        If a grid is not an iterable of numbers.
    ValueError
        If a grid is empty or a value is out of range.
    """
    ps_ = probability_list(ps, "ps")
    ns_ = int_list(ns, "ns")
    call = call_string("check_theorem_3_3", ps=tuple(ps_), ns=_ns_repr(ns_))
    check = (
        f"exact rational scan of p in {ps_} x n in {_range_txt(ns_)} (d = 1): exact h vs stated h, "
        "X* = H^-1 h, sign of X_2^2 - 4 X_1 X_3"
    )

    # the check is a closure run by run_guarded (a missing computation becomes a "not checkable" row), hence
    # the length of the enclosing function
    def build() -> ClaimResult:
        t0 = time.perf_counter()
        prompts = lsa_prompts
        h_pts, r_pts, cross = _scan_d1(ps_, ns_, lambda pf: prompts.BernoulliInit(pf), with_h=True)
        verdict = combine_verdicts([verdict_theorem_3_3(h_pts, r_pts), _cross_verdict(cross, len(r_pts))])
        evidence = _scan_evidence(h_pts, r_pts, cross)
        return make_result(**THM_3_3, check=check, verdict=verdict, evidence=evidence, call=call, t0=t0)

    return run_guarded(build, **THM_3_3, check=check, call=call)


def check_theorem_3_4(
    ps: Sequence[float] = DEFAULT_PS,
    ns: Sequence[int] = range(1, 101),
) -> ClaimResult:
    """Check paper Theorem 3.4 on the grid ``ps x ns``: correlated starts ``CorrelatedInit(p, g)``, ``g(x) = (x-p)^2``.

    Same exact scan as :func:`check_theorem_3_3` (the realisability of X*); the paper's closed form
    for this case (through c1, c2) is not restated in MATH.md, so h is not compared.

    Parameters
    ----------
    ps : sequence of float, optional
        The ``p`` values in (0, 1).
    ns : sequence of int, optional
        The ``n`` values (``>= 1``).

    Returns
    -------
    ClaimResult
        The ledger row (a missing computation gives a ``not checkable`` row).

    Raises
    ------
    TypeError
        If a grid is not an iterable of numbers.
    ValueError
        If a grid is empty or a value is out of range.
    """
    ps_ = probability_list(ps, "ps")
    ns_ = int_list(ns, "ns")
    call = call_string("check_theorem_3_4", ps=tuple(ps_), ns=_ns_repr(ns_))
    check = (
        f"exact rational scan of p in {ps_} x n in {_range_txt(ns_)} (d = 1, correlated starts "
        "g(x) = (x-p)^2): X* = H^-1 h, sign of X_2^2 - 4 X_1 X_3"
    )

    # the check is a closure run by run_guarded (a missing computation becomes a "not checkable" row), hence
    # the length of the enclosing function
    def build() -> ClaimResult:
        t0 = time.perf_counter()
        prompts = lsa_prompts

        def make_init(pf: Fraction) -> Any:
            def g(x: Any) -> Any:
                return (x - pf) ** 2

            return prompts.CorrelatedInit(pf, g)

        h_pts, r_pts, cross = _scan_d1(ps_, ns_, make_init, with_h=False)
        verdict = combine_verdicts([verdict_theorem_3_3([], r_pts), _cross_verdict(cross, len(r_pts))])
        evidence = _scan_evidence([], r_pts, cross)
        return make_result(**THM_3_4, check=check, verdict=verdict, evidence=evidence, call=call, t0=t0)

    return run_guarded(build, **THM_3_4, check=check, call=call)


def _ns_repr(ns: list[int]) -> Any:
    """``range(a, b)`` when ``ns`` is contiguous (its repr is valid Python), else a tuple."""
    if len(ns) > 3 and ns == list(range(ns[0], ns[-1] + 1)):
        return range(ns[0], ns[-1] + 1)
    return tuple(ns)


def _range_txt(ns: list[int]) -> str:
    if len(ns) > 3 and ns == list(range(ns[0], ns[-1] + 1)):
        return f"{{{ns[0]},...,{ns[-1]}}}"
    return str(ns)
