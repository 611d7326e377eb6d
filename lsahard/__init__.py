"""The ``lsahard`` command line: it sits above ``recovery``, ``reductions`` and ``benchmarks``."""
