"""lsahard benchmarks: the benchmark runner, suites, reports and performance scripts."""
