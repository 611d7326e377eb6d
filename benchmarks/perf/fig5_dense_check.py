"""Independent dense multistart check of the f* column of fig5 (100 random starts, seed 777).

Run from the repository root:
``OPENBLAS_NUM_THREADS=1 python -m benchmarks.perf.fig5_dense_check 2 3 4 5 6 7 8 9 10``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.realizability.best import best_realizable

__all__ = ["main"]

TABLE = Path("docs/figures/fig5_population/fig5_population.json")


def main(argv: list[str] | None = None) -> int:
    """Print, for every d given, the dense multistart f* beside the table's value.

    Parameters
    ----------
    argv : list of str, optional
        The values of ``d`` (default ``sys.argv[1:]``); each needs a row of the fig5 table.

    Returns
    -------
    int
        0.
    """
    ref = {r["d"]: r["f_star"] for r in json.loads(TABLE.read_text())}
    for d in [int(a) for a in (sys.argv[1:] if argv is None else argv)]:
        q = population_quadratic(d, 100, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
        t = time.time()
        r = best_realizable(q, starts=100, rng=777)
        print(d, f"{r.f_best:.10f} fig5 {ref[d]:.10f} diff {r.f_best - ref[d]:.2e} at_best "
              f"{r.details['starts_at_best']}/{r.details['starts_total']} {time.time() - t:.0f}s", flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
