"""Realisability of the optimal predictor and the best realisable one-layer LSA.

Modules: :mod:`~recovery.realizability.realize` (Thm 3.4 / 3.5 certificates),
:mod:`~recovery.realizability.realize_scip` (the SCIP realisability model),
:mod:`~recovery.realizability.best` (branch and bound for f*) and
:mod:`~recovery.realizability.interval` (interval re-verification of the branch-and-bound cover).
"""
