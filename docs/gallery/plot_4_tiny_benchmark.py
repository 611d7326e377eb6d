"""
A tiny benchmark and its report
===============================

``lsahard bench`` attacks the same instance at several encoding levels with several solvers and
reports, per configuration ``level/solver``, the shifted geometric mean of the effective times and
the Dolan-More performance profile (:doc:`guide </guides/benchmarks>`). This example does a
miniature version in one process: a few random 3-SAT formulas, decided at the source level by
three methods and, after :func:`reductions.chain`, as LSA programs by HiGHS; the statistics come
from :mod:`benchmarks.report.tables`. Every answer is checked against the source; a run that does
not finish within its limit counts as unsolved at the limit, as in the benchmark reports.

The timings are those of the documentation build, on whatever machine built it.
"""

import math
import time

import matplotlib.pyplot as plt
import numpy as np

from benchmarks.report.tables import performance_ratios, profile_value, shifted_geometric_mean
from reductions import chain, decide, generate

LIMIT = 2.0  # seconds per run
rng = np.random.default_rng(1)
instances = [generate("cnf", n, rng)[0] for n in (4, 6, 8, 10)]

times: dict[str, dict[str, float]] = {}  # instance -> configuration -> effective time
for k, formula in enumerate(instances):
    name = f"cnf{k}-n{formula.n_vars}"
    times[name] = {}
    truth = decide(formula, "brute").answer
    runs = [(f"source/{m}", formula, m, None) for m in ("brute", "sat", "milp")]
    red = chain(formula, "lsa_program")
    runs.append(("lsa_program/highs-milp", red.target, "highs-milp", red))
    for config, instance, method, reduction in runs:
        t0 = time.perf_counter()
        dec = decide(instance, method, time_limit=LIMIT)
        wall = time.perf_counter() - t0
        ok = dec.answer is not None and dec.answer == truth
        if ok and dec.answer and reduction is not None:  # a YES must map back to a satisfying assignment
            ok = formula.check(reduction.backward(dec.witness))
        times[name][config] = min(wall, LIMIT) if ok else LIMIT
    print(name, "satisfiable" if truth else "unsatisfiable",
          {c: round(t, 4) for c, t in times[name].items()})

configs = sorted({c for row in times.values() for c in row})
print("\n| configuration | solved | SGM(10 s) [s] | SGM(1 s) [s] |")
print("|---|---:|---:|---:|")
for c in configs:
    ts = [row[c] for row in times.values()]
    solved = sum(t < LIMIT for t in ts)
    print(f"| {c} | {solved}/{len(ts)} | {shifted_geometric_mean(ts, 10.0):.4f} | "
          f"{shifted_geometric_mean(ts, 1.0):.4f} |")

# Dolan-More profile: per instance, the ratio to the fastest configuration (unsolved: infinity)
solved_times = {c: {p: row[c] for p, row in times.items() if row[c] < LIMIT} for c in configs}
for p in times:  # an instance nobody solved still counts, as unsolved for everyone
    solved_times[configs[0]].setdefault(p, math.inf)
ratios = performance_ratios(solved_times)
taus = np.logspace(0, 4, 300)
fig, ax = plt.subplots(figsize=(7, 3.5))
for c in configs:
    ax.step(taus, [profile_value(ratios[c], t) for t in taus], where="post", label=c)
ax.set_xscale("log")
ax.set_xlabel("tau (time / fastest time on the instance)")
ax.set_ylabel("fraction of instances")
ax.set_ylim(-0.05, 1.05)
ax.set_title("performance profile: 3-SAT at the source level and as LSA programs")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
