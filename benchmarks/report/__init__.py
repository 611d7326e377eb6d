"""Benchmark reports: tables, performance profiles and growth fits from a results directory.

Modules: :mod:`~benchmarks.report.tables` (:func:`~benchmarks.report.tables.write_report` and
the report's names in one place), :mod:`~benchmarks.report.stats`,
:mod:`~benchmarks.report.comparisons`, :mod:`~benchmarks.report.sessions`,
:mod:`~benchmarks.report.build`, :mod:`~benchmarks.report.markdown` and
:mod:`~benchmarks.report.figures`.
"""
