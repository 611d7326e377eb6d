"""Cost of the certified best one-layer LSA (``recovery.realizability.best``, ``method="bnb"``) on the population
quadratics (binary chains, p = 0.5, n = 100).

Two measurements per ``d``:

* **throughput**: box bounds per second of :class:`recovery.realizability.best._PatchBounds` (exact metric) and of
  the combined exact + shrunk bound used by the search, on 8192 random boxes of patch 0 with
  half-widths ``10^U(-3, -1)`` (median of 3 timed calls after one warm-up);
* **difficulty** (``--profile``): :func:`recovery.realizability.best._bnb_width_profile` with both metrics, i.e. the
  estimated number of leaves a uniform refinement needs (2000 sampled points).

* **interval** (``--interval``): the rigorous re-verification of :mod:`recovery.realizability.interval`:
  boxes per second of both engines on random boxes of patch 0 (half-width ``2^-6``; 40 boxes for
  ``arb``, the same 40 repeated to one working batch of 1024 for ``numpy``):
  ``arb`` (python-flint, one box at a time, the previous engine) and ``numpy`` (float64 balls
  vectorised over the boxes, :mod:`recovery.realizability.ball_bound`, the default), their ratio
  ``numpy_over_arb_*``, and the projected verification time ``leaves / rate / workers`` of each
  for the measured leaf counts (d = 2: 1.4e3, d = 3: 3.7e4, d = 4: about 1.95e6);
* **certify** (``--certify``): the full rigorous certificate, ``best_realizable(method="bnb",
  workers=--workers)`` on the exact rational quadratic: float search and interval re-verification
  times, leaves, the verified enclosure ``[f_lower, f_upper]``, the CPU time of the run and its
  workers (``cpu_s``; on a shared machine ``cpu_s / workers`` estimates the wall time when idle) and
  ``/proc/loadavg`` at the end.  For ``d = 5`` (beyond ``best_realizable``'s certified range) the same
  pipeline is called directly (:func:`certify_direct`: multistart, the float search of
  :func:`recovery.realizability.bnb._bnb_certify` within ``--time-limit``, and the re-verification of
  :func:`recovery.realizability.interval.certify_bnb` if the search closed its gap); without a
  closed gap it reports the search's frontier (lower bound, open boxes, pruned volume fraction).

``OPENBLAS_NUM_THREADS=1 python -m benchmarks.perf.bench_bnb [--d 1 2 3 4 5] [--profile] [--interval]
[--certify --workers 2 --time-limit 3600]`` prints one JSON object per line.  Wall-clock numbers are machine dependent; nothing here is asserted by the tests.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from contextlib import contextmanager
from fractions import Fraction

import flint
import numpy as np

from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.realizability.best import _as_quad, _BoxBounds, _PatchBounds, best_realizable
from recovery.realizability.bnb import INTERVAL_SEARCH_SLACK, _bnb_certify
from recovery.realizability.bnb_profile import _bnb_width_profile
from recovery.realizability.interval import (
    BATCH,
    ENGINES,
    IntervalCertifier,
    certify_bnb,
    exact_phi,
    exact_quadratic_data,
    exact_value,
)


def throughput(d: int, boxes: int = 8192, seed: int = 0) -> dict:
    q, _ = _as_quad(population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5)))
    rng = np.random.default_rng(seed)
    t = rng.uniform(-1, 1, (boxes, d))
    w = 10.0 ** rng.uniform(-3, -1, (boxes, d))
    out: dict = {"d": d, "boxes": boxes, "cond_H": float(np.linalg.cond(q.H))}
    for name, pb in (("exact", _PatchBounds(q, d)), ("best", _BoxBounds(q, d))):
        pb.evaluate(0, t, w, q.c)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            pb.evaluate(0, t, w, q.c)
            times.append(time.perf_counter() - t0)
        out[f"boxes_per_s_{name}"] = boxes / statistics.median(times)
    return out


def profile(d: int, samples: int = 2000) -> dict:
    q = population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    U = best_realizable(q, starts=6, rng=1).f_best
    out: dict = {"d": d, "U": U, "samples": samples}
    for metric in ("exact", "best"):
        p = _bnb_width_profile(q, U, samples=samples, rng=0, metric=metric)
        out[metric] = {"estimated_leaves": p["estimated_leaves"], "unresolved": p["unresolved"],
                       "fraction_per_level": {str(L): v["fraction"] for L, v in p["per_level"].items()}}
    return out


LEAVES = {1: 8, 2: 1.4e3, 3: 3.7e4, 4: 1.95e6}


def _exact_quad(d: int):
    return population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(1, 2)), exact=True)


def interval_throughput(d: int, boxes: int = 40, workers: int = 2, seed: int = 0) -> dict:
    qe = _exact_quad(d)
    q, _ = _as_quad(qe.to_float())
    pb = _BoxBounds(q, d)
    r = best_realizable(qe.to_float(), starts=2, rng=1)
    H, h, c, _ = exact_quadratic_data(qe)
    t0 = time.perf_counter()
    cert = IntervalCertifier(qe, d, pb, exact_value(H, h, c, exact_phi(r.b, r.A)))
    out: dict = {"d": d, "interval_setup_s": time.perf_counter() - t0, "metrics": cert.metric_names}
    rng = np.random.default_rng(seed)
    t = rng.uniform(-0.9, 0.9, (boxes, d))
    w = np.full((boxes, d), 2.0**-6)
    # the vectorised engine is measured on a batch the size of its working batch (on 40 boxes its
    # per-call overhead would dominate), after one warm-up call
    tn = np.concatenate([t] * (BATCH // boxes + 1))[:BATCH]
    wn = np.full((tn.shape[0], d), 2.0**-6)
    for mi, name in enumerate(cert.metric_names):
        cert.bounds(mi, 0, tn[:8], wn[:8], engine="numpy")
        for engine, (tt, ww) in (("numpy", (tn, wn)), ("arb", (t, w))):
            t0 = time.perf_counter()
            with _arb_precision(cert.prec):
                cert.bounds(mi, 0, tt, ww, engine=engine)
            out[f"{engine}_boxes_per_s_{name}"] = tt.shape[0] / (time.perf_counter() - t0)
        out[f"numpy_over_arb_{name}"] = out[f"numpy_boxes_per_s_{name}"] / out[f"arb_boxes_per_s_{name}"]
    out["leaves_assumed"] = LEAVES.get(d)
    if d in LEAVES:
        for engine in ENGINES:
            out[f"projected_verify_s_{workers}_workers_{engine}"] = (
                LEAVES[d] / out[f"{engine}_boxes_per_s_cholesky"] / workers)
    return out


@contextmanager
def _arb_precision(prec: int):
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        yield
    finally:
        flint.ctx.prec = old


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the worker pools)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def certify(d: int, workers: int = 2, time_limit: float = 3600.0) -> dict:
    if d > 4:
        return certify_direct(d, workers, time_limit)
    t0 = time.perf_counter()
    c0 = _cpu_seconds()
    r = best_realizable(_exact_quad(d), method="bnb", starts=4, rng=0, workers=workers, time_limit=time_limit)
    iv = r.details.get("interval", {})
    return {"d": d, "workers": workers, "certified": r.certified_global, "f_lower": r.f_lower,
            "f_best": r.f_best, "f_upper": r.f_upper, "search_s": r.details["bnb"]["seconds"],
            "nodes": r.details["bnb"]["nodes"], "leaves": iv.get("leaves"), "engine": iv.get("engine"),
            "verify_s": iv.get("verify_seconds"), "resplit_boxes": iv.get("resplit_boxes"),
            "failed_boxes": iv.get("failed_boxes"), "total_s": time.perf_counter() - t0,
            "cpu_s": _cpu_seconds() - c0, "loadavg_after": _loadavg()}


def certify_direct(d: int, workers: int = 2, time_limit: float = 3600.0, gap_tol: float = 1e-5) -> dict:
    """The certified pipeline of ``best_realizable(method="bnb")`` called step by step (any ``d``).

    Parameters
    ----------
    d : int
        Chain length minus one.
    workers : int
        Processes of the search and of the re-verification.
    time_limit : float
        Seconds of the float search (wall).
    gap_tol : float
        Relative gap of the certificate.

    Returns
    -------
    dict
        The search's status, bound, boxes and pruned volume fraction, and the certificate's
        ``certified``, ``f_lower`` and ``f_upper`` when the search closed its gap.
    """
    t0 = time.perf_counter()
    c0 = _cpu_seconds()
    qe = _exact_quad(d)
    q, _ = _as_quad(qe.to_float())
    ms = best_realizable(qe.to_float(), starts=4, rng=0)
    bb = _bnb_certify(q, d, ms.b, ms.A, ms.f_best, time_limit, gap_tol * INTERVAL_SEARCH_SLACK, workers=workers,
                      record=True)
    leaves = bb.pop("leaves")
    out = {"d": d, "workers": workers, "time_limit": time_limit, "f_best": bb["f"], "search_status": bb["status"],
           "search_lower_bound": bb["lower_bound"], "gap": bb["gap"], "search_s": bb["seconds"], "nodes": bb["nodes"],
           "open_boxes": bb["open_boxes"], "leaves": int(leaves[0].size),
           "pruned_volume_fraction": bb["pruned_volume_fraction"], "min_halfwidth": bb["min_halfwidth"],
           "certified": False, "f_lower": None, "f_upper": None}
    if bb["status"] == "gap closed":
        rig = certify_bnb(qe, d, _BoxBounds(q, d), bb["b"], bb["A"], leaves, gap_tol, workers=workers)
        out.update({"certified": rig["certified"], "f_lower": rig["f_lower"], "f_upper": rig["f_upper"],
                    "verify_s": rig.get("verify_seconds"), "failed_boxes": rig.get("failed_boxes")})
    out.update({"total_s": time.perf_counter() - t0, "cpu_s": _cpu_seconds() - c0, "loadavg_after": _loadavg()})
    return out


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as fh:
            return fh.read().strip()
    except OSError:
        return "unavailable"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.perf.bench_bnb", description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--profile", action="store_true", help="also estimate the leaves (slow at d = 4)")
    ap.add_argument("--interval", action="store_true", help="arb re-verification throughput and projection")
    ap.add_argument("--certify", action="store_true", help="full rigorous certificate (slow for d >= 3)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=3600.0, help="seconds of the certify search")
    a = ap.parse_args(argv)
    if any(d < 1 or d > 5 for d in a.d):
        ap.error("--d values must be in 1..5")
    for d in a.d:
        print(json.dumps(throughput(d)), flush=True)
        if a.profile:
            print(json.dumps(profile(d)), flush=True)
        if a.interval:
            print(json.dumps(interval_throughput(d, workers=a.workers)), flush=True)
        if a.certify:
            print(json.dumps(certify(d, a.workers, a.time_limit)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
