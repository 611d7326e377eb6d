"""Training benchmarks: forward+backward throughput and the wall time of the full Fig. 3 reproduction.

Run: ``python -m benchmarks.perf.bench_training [--quick] [--skip-fig3] [--out DIR] [--json]``

* prompts/s of one forward+backward pass (``recovery.training.loop.loss_and_grad_layers``, Gram form, analytic
  reverse mode) for the Fig. 3 shapes (d = 5, n = 10, L = 1..3, minibatch 500) and the Fig. 2 shape
  (d = 4, n = 100, L = 10), next to the prompts/s of the literal forward pass ``recovery.lsa.model.lsa_forward``
  (forward only) to show what the Gram compression buys;
* the wall time of ``recovery.paper.experiments.fig3`` with its default (full) settings: 45 trainings
  (``|S|`` in {2,3,4} x L in {1,2,3} x 5 seeds); the target is 5 minutes on this 2-core machine.

The bundled OpenBLAS runs on one thread throughout (:func:`recovery.lsa.blas_threads.single_blas_thread`:
single-core numbers).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

import numpy as np

from recovery.lsa.blas_threads import one_blas_thread
from recovery.lsa.model import lsa_forward
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior, sample_prompts
from recovery.paper.experiments import fig3
from recovery.training.loop import Subspace, compress_prompts, loss_and_grad_layers


def _best_time(fn, repeats: int) -> float:
    fn()  # warm-up
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


@one_blas_thread
def bench_throughput(quick: bool = False) -> list[dict]:
    rows = []
    repeats = 3 if quick else 10
    for d, n, L, B, sub in [(5, 10, 1, 500, "dense"), (5, 10, 2, 500, "dense"), (5, 10, 3, 500, "dense"),
                            (5, 10, 3, 2000, "dense"), (4, 100, 10, 500, "thm41")]:
        rng = np.random.default_rng(0)
        pr = sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
        batch = compress_prompts(pr.Z0, pr.y)
        s = Subspace(sub, d, L)
        layers = s.to_layers(s.init(rng, 0.1))
        t_fb = _best_time(lambda: loss_and_grad_layers(batch, layers), repeats)
        t_lit = _best_time(lambda: lsa_forward(pr.Z0, layers), repeats)
        rows.append({"d": d, "n": n, "layers": L, "batch": B, "subspace": sub,
                     "fwd_bwd_seconds": t_fb, "fwd_bwd_prompts_per_s": B / t_fb,
                     "literal_forward_prompts_per_s": B / t_lit})
    return rows


def bench_fig3(out_dir: str | None = None) -> dict:
    out = out_dir or tempfile.mkdtemp(prefix="fig3_")
    t = time.perf_counter()
    res = fig3(out)
    wall = time.perf_counter() - t
    return {"wall_time_s": wall, "cpu_time_s": res["cpu_time"], "note": "wall time on a shared 2-core machine",
            "num_trainings": res["num_trainings"], "target_s": 300.0, "within_target": wall <= 300.0,
            "out_dir": out, "config": res["config"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.perf.bench_training")
    ap.add_argument("--quick", action="store_true", help="fewer repeats; implies --skip-fig3")
    ap.add_argument("--skip-fig3", action="store_true")
    ap.add_argument("--out", default=None, help="directory for the Fig. 3 outputs")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.process_time()
    res: dict = {"throughput": bench_throughput(args.quick)}
    if not (args.quick or args.skip_fig3):
        res["fig3"] = bench_fig3(args.out)
    res["process_cpu_s"] = time.process_time() - t0
    if args.json:
        print(json.dumps(res))
        return 0
    print("| d | n | L | batch | subspace | fwd+bwd ms | fwd+bwd prompts/s | literal forward-only prompts/s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in res["throughput"]:
        print(f"| {r['d']} | {r['n']} | {r['layers']} | {r['batch']} | {r['subspace']} | {1e3 * r['fwd_bwd_seconds']:.2f} | "
              f"{r['fwd_bwd_prompts_per_s']:,.0f} | {r['literal_forward_prompts_per_s']:,.0f} |")
    if "fig3" in res:
        f = res["fig3"]
        print(f"\nFig. 3 reproduction: {f['num_trainings']} trainings in {f['wall_time_s']:.1f} s wall, "
              f"{f['cpu_time_s']:.1f} s process CPU "
              f"(target {f['target_s']:.0f} s: {'met' if f['within_target'] else 'MISSED'}); outputs in {f['out_dir']}")
    print(f"process CPU time {res['process_cpu_s']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
