"""Generalised LSA parameter-recovery programs: bilinear programs, their exact verifier and solvers.

Modules: :mod:`~recovery.programs.program` (the bilinear program of Section 5),
:mod:`~recovery.programs.verification` (exact check of a solver's point) and the
:mod:`~recovery.programs.solvers` subpackage (MILP, global, heuristics, the solver registry).
"""
