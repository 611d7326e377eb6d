"""Core benchmarks: prompt sampler throughput, exact population quadratic timings, Monte Carlo cost.

Run: ``python -m benchmarks.perf.bench_core [--quick] [--rational-cap SECONDS] [--json]``

* sampler tokens/s (one core: BLAS/OpenMP threads pinned to 1 before numpy is imported);
* time to compute the exact (H, h, c) for d = 2, 6, 10, 12 (n = 100, uniform binary prior,
  p = 3/10) in float mode and in rational mode (rational runs in a subprocess with a time cap);
* Monte Carlo prompts needed for 1e-3 entrywise accuracy of H at d = 10: the max entrywise
  standard error scales as 1/sqrt(B); measured at two batch sizes, then extrapolated.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from recovery.lsa.optimum import closed_form_optimum  # noqa: E402
from recovery.lsa.population import factorised_quadratic, monte_carlo_quadratic, population_quadratic  # noqa: E402
from recovery.lsa.prompts import (  # noqa: E402
    BernoulliInit,
    DirichletPrior,
    InitialLaw,
    KernelPrior,
    UniformBinaryPrior,
    UniformInit,
    sample_prompts,
)


def bench_sampler(repeats: int = 3) -> list[dict[str, Any]]:
    out = []
    settings: list[tuple[str, KernelPrior, InitialLaw, tuple[int, int, int]]] = [
        ("binary uniform prior, iid p=0.3", UniformBinaryPrior(), BernoulliInit(0.3), (10000, 10, 100)),
        ("binary uniform prior, iid p=0.3", UniformBinaryPrior(), BernoulliInit(0.3), (50000, 2, 100)),
        ("Dirichlet S=4 alpha=0.5, uniform init", DirichletPrior(4, 0.5), UniformInit(), (10000, 10, 100)),
    ]
    for name, prior, init, (B, d, n) in settings:
        sample_prompts(100, d, n, prior=prior, init=init, rng=0)  # warm-up
        best, best_cpu = np.inf, np.inf
        for r in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            sample_prompts(B, d, n, prior=prior, init=init, rng=r)
            best = min(best, time.perf_counter() - t)
            best_cpu = min(best_cpu, time.process_time() - c)
        tokens = B * (n + 1) * (d + 1)
        out.append({"setting": name, "B": B, "d": d, "n": n, "tokens": tokens, "seconds": best,
                    "tokens_per_s": tokens / best, "tokens_per_cpu_s": tokens / best_cpu})
    return out


_RATIONAL_SNIPPET = """
import os, time
os.environ['OMP_NUM_THREADS'] = '1'
from fractions import Fraction
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
t, c = time.perf_counter(), time.process_time()
q = population_quadratic({d}, {n}, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(3, 10)), exact=True)
print(time.perf_counter() - t, time.process_time() - c)
"""


def bench_population(ds: Sequence[int], n: int, rational_cap: float) -> list[dict[str, Any]]:
    out = []
    for d in ds:
        population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))  # warm caches
        best, best_cpu = np.inf, np.inf
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
            best = min(best, time.perf_counter() - t)
            best_cpu = min(best_cpu, time.process_time() - c)
        row: dict[str, Any] = {"d": d, "n": n, "dm": d * (d + 1) * (d + 2) // 2, "float_seconds": best,
                     "float_cpu_seconds": best_cpu}
        try:
            r = subprocess.run(
                [sys.executable, "-c", _RATIONAL_SNIPPET.format(d=d, n=n)],
                capture_output=True, text=True, timeout=rational_cap,
            )
            if r.returncode == 0:
                wall, cpu = r.stdout.strip().splitlines()[-1].split()
                row["rational_seconds"], row["rational_cpu_seconds"] = float(wall), float(cpu)
            else:
                row["rational_seconds"] = None
            if r.returncode != 0:
                row["rational_error"] = r.stderr.strip().splitlines()[-1:]
        except subprocess.TimeoutExpired:
            row["rational_seconds"] = None
            row["rational_timeout"] = rational_cap
        out.append(row)
    return out


def bench_monte_carlo(d: int, n: int, sizes: Sequence[int], target: float) -> dict[str, Any]:
    exact = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    rows = []
    for B in sizes:
        t = time.perf_counter()
        est, se = monte_carlo_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.3),
                                        num_prompts=B, rng=B, batch_size=2000)
        dt = time.perf_counter() - t
        rows.append({"B": B, "max_se_H": float(se.H.max()), "max_abs_err_H": float(np.abs(est.H - exact.H).max()),
                     "seconds": dt})
    last = rows[-1]
    B_needed = last["B"] * (last["max_se_H"] / target) ** 2
    return {"d": d, "n": n, "target": target, "runs": rows,
            "se_ratio_first_last": rows[0]["max_se_H"] / last["max_se_H"],
            "sqrt_B_ratio": float(np.sqrt(last["B"] / rows[0]["B"])),
            "prompts_needed": B_needed,
            "seconds_needed_extrapolated": last["seconds"] * B_needed / last["B"]}


def bench_factorised(ds: Sequence[int]) -> dict[str, Any]:
    """Kernel-conditioned H (ours) vs the paper's factorised E[xx^T] kron E[gg^T]: which one the data obey."""
    prior, init = UniformBinaryPrior(), BernoulliInit(0.3)
    cond, fact = population_quadratic(2, 3, prior=prior, init=init), factorised_quadratic(2, 3, prior=prior, init=init)
    est, se = monte_carlo_quadratic(2, 3, num_prompts=60000, rng=7, prior=prior, init=init)
    z = {"d": 2, "n": 3, "B": 60000,
         "max_z_conditional_H": float((abs(est.H - cond.H) / se.H).max()),
         "max_z_conditional_h": float((abs(est.h - cond.h) / se.h).max()),
         "max_z_factorised_H": float((abs(est.H - fact.H) / se.H).max()),
         "max_z_factorised_h": float((abs(est.h - fact.h) / se.h).max())}
    rows = []
    for d in ds:
        cond, fact = population_quadratic(d, 100, prior=prior, init=init), factorised_quadratic(d, 100, prior=prior, init=init)
        Xc, Xf = closed_form_optimum(cond).X_star, closed_form_optimum(fact).X_star
        rows.append({"d": d, "n": 100, "rel_diff_H": float(abs(fact.H - cond.H).max() / abs(cond.H).max()),
                     "ftilde_at_X_cond": float(cond.ftilde(Xc)), "ftilde_at_X_fact": float(cond.ftilde(Xf))})
    return {"z_scores": z, "optima": rows}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.perf.bench_core", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    ap.add_argument("--rational-cap", type=float, default=300.0, help="seconds per rational run (default 300)")
    ap.add_argument("--only", choices=["sampler", "population", "monte_carlo", "factorised"], action="append",
                    help="run only these sections (repeatable; default all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    ds = [2, 6] if args.quick else [2, 6, 10, 12]
    want = set(args.only or ["sampler", "population", "monte_carlo", "factorised"])
    jobs: dict[str, Callable[[], Any]] = {
        "sampler": lambda: bench_sampler(),
        "population": lambda: bench_population(ds, 100, args.rational_cap),
        "monte_carlo": lambda: bench_monte_carlo(10, 100, [500, 2000] if args.quick else [2000, 8000], 1e-3),
        "factorised": lambda: bench_factorised([2, 6] if args.quick else [2, 6, 10]),
    }
    res = {k: f() for k, f in jobs.items() if k in want}
    if args.json:
        print(json.dumps(res))
        return 0
    if "sampler" in res:
        print("== sampler (one core)")
    for r in res.get("sampler", []):
        print(f"  {r['setting']:40s} B={r['B']:6d} d={r['d']:2d} n={r['n']:3d}: "
              f"{r['tokens_per_s'] / 1e6:7.1f} M tokens/s wall ({r['seconds']:.3f} s), "
              f"{r['tokens_per_cpu_s'] / 1e6:7.1f} M tokens per CPU-s")
    if "population" in res:
        print("== exact population quadratic, uniform binary prior, p = 3/10, n = 100")
    for r in res.get("population", []):
        rat = (f"{r['rational_seconds']:.2f} s wall / {r['rational_cpu_seconds']:.2f} s CPU"
               if r.get("rational_seconds") is not None
               else f"> {r.get('rational_timeout', '?')} s (cap)" if "rational_timeout" in r else "failed")
        print(f"  d={r['d']:2d} (dm={r['dm']:4d}): float {r['float_seconds']:.4f} s wall / "
              f"{r['float_cpu_seconds']:.4f} s CPU, rational {rat}")
    if "monte_carlo" not in res:
        return 0
    mc = res["monte_carlo"]
    print(f"== Monte Carlo, d={mc['d']}, n={mc['n']}: max entrywise stderr of H")
    for r in mc["runs"]:
        print(f"  B={r['B']:6d}: max se {r['max_se_H']:.3e}, max |H_mc - H| {r['max_abs_err_H']:.3e} ({r['seconds']:.2f} s)")
    print(f"  se ratio {mc['se_ratio_first_last']:.3f} vs sqrt(B ratio) {mc['sqrt_B_ratio']:.3f}; "
          f"prompts for max se <= {mc['target']:g}: {mc['prompts_needed']:.3g} "
          f"(~{mc['seconds_needed_extrapolated']:.0f} s of sampling + accumulation)")
    if "factorised" not in res:
        return 0
    fz = res["factorised"]["z_scores"]
    print(f"== conditional vs factorised (paper) H, d=2 n=3, MC B={fz['B']}: max |z| conditional "
          f"H {fz['max_z_conditional_H']:.2f} h {fz['max_z_conditional_h']:.2f}; factorised "
          f"H {fz['max_z_factorised_H']:.2f} h {fz['max_z_factorised_h']:.2f}")
    for r in res["factorised"]["optima"]:
        print(f"  d={r['d']:2d} n=100: max|H_fact - H|/max|H| = {r['rel_diff_H']:.3f}; true ftilde at "
              f"X*_cond {r['ftilde_at_X_cond']:.6f}, at X*_fact {r['ftilde_at_X_fact']:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
