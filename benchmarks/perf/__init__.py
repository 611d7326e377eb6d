"""Performance scripts, each run as ``python -m benchmarks.perf.<name>``: exact arithmetic, the
population quadratic, branch and bound, solvers, reductions, training, cross-checks."""
