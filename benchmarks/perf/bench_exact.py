"""Exact arithmetic at C speed: the reference (old) and the production (new) path, measured in the same run.

Run: ``python -m benchmarks.perf.bench_exact [--quick] [--json] [--skip-old]``

Rows (uniform binary prior, i.i.d. Bernoulli starts, n = 5, p = 3/10; float rows p = 0.3):

* ``optimum --exact`` (library equivalent: exact quadratic + closed-form optimum): old = the
  pure-Python path (object-integer GEMM over the tensor rule + fraction-free elimination of
  ``[H | h]`` in Python ints, kept as ``engine="reference"`` / ``_exact_solve_pd_reference``),
  new = python-flint (total-degree rule, ``fmpz_mat`` GEMM, exact congruence PD certificate,
  ``fmpz_mat.solve``, ``min_eig_H`` by Lanczos on the certificate's float factor); d = 5, 6 both,
  d = 8, 10 new only;
* rational population quadratic, d = 8, 10: old vs new;
* float population quadratic, d = 16, 20: full-matrix GEMM (old, ``engine="reference"``) vs the
  upper-triangle GEMM with ``E[g g^T | K]`` formed in node-major row blocks (new).

* ``lsahard optimum --d 10 --n 5 --p 3/10 --exact --json`` as a subprocess (new path only; the
  whole command: start-up, the quadratic, the optimum and the JSON of the exact rationals).

Every new result is compared with the old one where both run (identical rationals; float to
1e-12 relative). Wall-clock seconds of one run each for the exact rows (the old exact paths are
too slow to repeat); the float rows take the best of two runs of each path, so that neither pays
for the first touch of its (dm)^2 output alone. Ratios are old / new in the same process, of
wall-clock seconds and of CPU seconds (all threads, and the child process of the CLI row; on a
shared machine the CPU ratio is the steadier one). No timing is asserted anywhere.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.optimum import _exact_solve_pd_reference, closed_form_optimum
from recovery.lsa.population import _quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior

N_CONTEXT = 5
P_EXACT = Fraction(3, 10)

FULL = {"optimum_both": (5, 6), "optimum_new": (8, 10), "rational": (8, 10), "float": (16, 20), "cli": (10,)}
QUICK = {"optimum_both": (2, 3), "optimum_new": (4,), "rational": (3, 4), "float": (4, 6), "cli": ()}


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of its finished children."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


def _timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, float, Any]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs of ``fn``, and its (last) result."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), _cpu()
        out = fn()
        best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, _cpu() - c)
    return best, best_cpu, out


def _cli_exact(d: int) -> bool:
    """``lsahard optimum --exact --json`` in a subprocess; True iff it printed one JSON object."""
    argv = [sys.executable, "-m", "lsahard.cli", "optimum", "--d", str(d), "--n", str(N_CONTEXT),
            "--p", str(P_EXACT), "--exact", "--json"]
    r = subprocess.run(argv, capture_output=True, text=True, check=False)
    return r.returncode == 0 and "X_star_exact" in json.loads(r.stdout)


def _quad(d: int, exact: bool, engine: str) -> Any:
    init = BernoulliInit(P_EXACT if exact else float(P_EXACT))
    return _quadratic(d, N_CONTEXT, UniformBinaryPrior(), init, exact, False, engine=engine)


def _optimum_old(d: int) -> tuple[list[Fraction], Fraction]:
    q = _quad(d, True, "reference")
    X, _ = _exact_solve_pd_reference(q.H, q.h)
    np.linalg.eigvalsh(np.asarray(q.H, dtype=np.float64))  # the old path also reported min eig
    return X, q.c - q.h.dot(np.array(X, dtype=object))


def _optimum_new(d: int) -> tuple[list[Fraction], Fraction]:
    q = _quad(d, True, "fast")
    opt = closed_form_optimum(q)
    if opt.X_star_exact is None or opt.ftilde_star_exact is None:
        raise ValueError("closed_form_optimum of an exact quadratic returned no exact X* / ftilde*")
    return list(opt.X_star_exact), opt.ftilde_star_exact


def run(sizes: Mapping[str, Sequence[int]], skip_old: bool = False) -> list[dict[str, Any]]:
    """Measure every row of the module docstring; returns one dict per (task, d)."""
    rows: list[dict[str, Any]] = []

    def row(task: str, d: int, new: Callable[[], Any], old: Callable[[], Any] | None,
            same: Callable[[Any, Any], bool], repeat: int = 1) -> None:
        t_new, c_new, r_new = _timed(new, repeat)
        rec: dict[str, Any] = {"task": task, "d": d, "new_s": t_new, "old_s": None, "ratio": None, "agree": None,
                     "new_cpu_s": c_new, "old_cpu_s": None, "cpu_ratio": None}
        if old is not None and not skip_old:
            t_old, c_old, r_old = _timed(old, repeat)
            rec.update(old_s=t_old, ratio=t_old / t_new if t_new > 0 else None, agree=bool(same(r_old, r_new)),
                       old_cpu_s=c_old, cpu_ratio=c_old / c_new if c_new > 0 else None)
        rows.append(rec)
        print(_fmt(rec), flush=True)

    def same_exact_quad(a: Any, b: Any) -> bool:
        return bool(np.array_equal(a.H, b.H) and np.array_equal(a.h, b.h) and a.c == b.c)

    def same_float_quad(a: Any, b: Any) -> bool:
        return bool(np.abs(a.H - b.H).max() <= 1e-12 * np.abs(a.H).max()
                    and np.abs(a.h - b.h).max() <= 1e-12 * np.abs(a.h).max())

    print(_header(), flush=True)
    for d in sizes["optimum_both"]:
        row("optimum --exact", d, lambda: _optimum_new(d), lambda: _optimum_old(d), lambda a, b: a == b)
    for d in sizes["optimum_new"]:
        row("optimum --exact", d, lambda: _optimum_new(d), None, lambda a, b: True)
    for d in sizes["rational"]:
        row("rational quadratic", d, lambda: _quad(d, True, "fast"), lambda: _quad(d, True, "reference"),
            same_exact_quad)
    for d in sizes["float"]:
        _quad(2, False, "fast")  # warm the index tables / BLAS
        row("float quadratic", d, lambda: _quad(d, False, "fast"), lambda: _quad(d, False, "reference"),
            same_float_quad, repeat=2)
    for d in sizes.get("cli", ()):
        t_cli, c_cli, ok = _timed(lambda: _cli_exact(d))
        rows.append({"task": "CLI optimum --exact", "d": d, "new_s": t_cli, "old_s": None, "ratio": None,
                     "agree": None if ok else False,  # False: the command failed
                     "new_cpu_s": c_cli, "old_cpu_s": None, "cpu_ratio": None})
        print(_fmt(rows[-1]), flush=True)
    return rows


def _header() -> str:
    return (f"{'task':<20} {'d':>3} {'old [s]':>9} {'new [s]':>9} {'old/new':>8} {'old CPU':>9} {'new CPU':>9} "
            f"{'CPU o/n':>8}  same result")


def _fmt(r: Mapping[str, Any]) -> str:
    def num(v: Any, spec: str, suffix: str = "") -> str:
        return "-" if v is None else f"{v:{spec}}{suffix}"

    agree = "-" if r["agree"] is None else ("yes" if r["agree"] else "NO")
    return (f"{r['task']:<20} {r['d']:>3} {num(r['old_s'], '.3f'):>9} {r['new_s']:>9.3f} {num(r['ratio'], '.1f', 'x'):>8} "
            f"{num(r['old_cpu_s'], '.3f'):>9} {num(r['new_cpu_s'], '.3f'):>9} {num(r['cpu_ratio'], '.1f', 'x'):>8}  {agree}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.perf.bench_exact", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes (seconds; for tests)")
    ap.add_argument("--skip-old", action="store_true", help="time the new path only")
    ap.add_argument("--json", action="store_true", help="also print the rows as one JSON line")
    args = ap.parse_args(argv)
    rows = run(QUICK if args.quick else FULL, skip_old=args.skip_old)
    if args.json:
        print(json.dumps({"n": N_CONTEXT, "p": str(P_EXACT), "rows": rows}))
    return 0 if all(r["agree"] is not False for r in rows) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
