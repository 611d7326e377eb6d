"""Benchmark reports: tables, performance profiles and growth fits from a results directory.

Module: :mod:`~benchmarks.report.tables`.
"""
