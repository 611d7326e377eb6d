"""Benchmark suites and their instances.

Modules: :mod:`~benchmarks.suites.catalog` (the suites and the suite driver in one namespace:
:mod:`~benchmarks.suites.definitions`, :mod:`~benchmarks.suites.planning`,
:mod:`~benchmarks.suites.driver`, :mod:`~benchmarks.suites.delegated`),
:mod:`~benchmarks.suites.families` (the registry of instance families: :mod:`~benchmarks.suites.cases`,
:mod:`~benchmarks.suites.chains`, :mod:`~benchmarks.suites.toy`, :mod:`~benchmarks.suites.solver_runs`),
:mod:`~benchmarks.suites.instances` (your own instance files: :mod:`~benchmarks.suites.instance_files`,
:mod:`~benchmarks.suites.answers`, :mod:`~benchmarks.suites.instance_loading`,
:mod:`~benchmarks.suites.file_families`), :mod:`~benchmarks.suites.plugins` (``--plugin`` modules),
:mod:`~benchmarks.suites.solver_programs` (small bilinear programs with known answers) and
:mod:`~benchmarks.suites.public_soundness` (the sweep over the public SAT and colouring instances).
"""
