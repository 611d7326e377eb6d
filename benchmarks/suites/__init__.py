"""Benchmark suites and their instances.

Modules: :mod:`~benchmarks.suites.catalog` (the suites and the suite driver),
:mod:`~benchmarks.suites.families` (instance families per problem and level),
:mod:`~benchmarks.suites.instances` (your own instance files), :mod:`~benchmarks.suites.solver_programs`
(small bilinear programs with known answers) and :mod:`~benchmarks.suites.public_soundness`
(the sweep over the public SAT and colouring instances).
"""
