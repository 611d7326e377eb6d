"""Cost of the certified best one-layer LSA (``recovery.best``, ``method="bnb"``) on the population
quadratics (binary chains, p = 0.5, n = 100).

Two measurements per ``d``:

* **throughput**: box bounds per second of :class:`recovery.best._PatchBounds` (exact metric) and of
  the combined exact + shrunk bound used by the search, on 8192 random boxes of patch 0 with
  half-widths ``10^U(-3, -1)`` (median of 3 timed calls after one warm-up);
* **difficulty** (``--profile``): :func:`recovery.best._bnb_width_profile` with both metrics, i.e. the
  estimated number of leaves a uniform refinement needs (2000 sampled points).

``OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_bnb [--d 1 2 3 4] [--profile]`` prints one JSON
object per line.  Wall-clock numbers are machine dependent; nothing here is asserted by the tests.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np


def throughput(d: int, boxes: int = 8192, seed: int = 0) -> dict:
    from recovery.best import _as_quad, _BoxBounds, _PatchBounds
    from recovery.population import population_quadratic
    from recovery.prompts import BernoulliInit, UniformBinaryPrior

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
    from recovery.best import _bnb_width_profile, best_realizable
    from recovery.population import population_quadratic
    from recovery.prompts import BernoulliInit, UniformBinaryPrior

    q = population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    U = best_realizable(q, starts=6, rng=1).f_best
    out: dict = {"d": d, "U": U, "samples": samples}
    for metric in ("exact", "best"):
        p = _bnb_width_profile(q, U, samples=samples, rng=0, metric=metric)
        out[metric] = {"estimated_leaves": p["estimated_leaves"], "unresolved": p["unresolved"],
                       "fraction_per_level": {str(L): v["fraction"] for L, v in p["per_level"].items()}}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_bnb", description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--profile", action="store_true", help="also estimate the leaves (slow at d = 4)")
    a = ap.parse_args(argv)
    if any(d < 1 or d > 4 for d in a.d):
        ap.error("--d values must be in 1..4")
    for d in a.d:
        print(json.dumps(throughput(d)), flush=True)
        if a.profile:
            print(json.dumps(profile(d)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
