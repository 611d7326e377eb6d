"""Benchmark suites and the suite driver (``lsahard bench --suite NAME --out DIR``), in one namespace.

Suites
------
===================  ==============================================================================
``quick`` (default)  a few tiny sizes of every available family, every level, every installed
                     solver; sized to finish in under 5 minutes on 2 cores.
``scaling``          sizes grow one round at a time; a (level, solver) configuration is dropped
                     after a size at which it solved nothing, and a family stops once none of its
                     exact configurations is left (or at its size cap).
``tiny``             partition at n = 4 with the exact solvers (a real end-to-end self-test).
``toy*``             toy families only (runner self-tests and demos, no solver stack needed).
``recovery``         delegates to ``benchmarks.perf.bench_recovery.run`` (registered by the command line).
``paper``            delegates to ``recovery.paper.experiments.run_paper_suite(out_dir, quick=...)``.
``claims``           delegates to ``recovery.paper.claims.run_claims(out_dir, quick=...)``.
===================  ==============================================================================

Where things live: :mod:`~benchmarks.suites.definitions` (:class:`Suite`, :class:`FamilyPlan`,
the built-in suites and their registry), :mod:`~benchmarks.suites.planning` (one round's
instances and tasks), :mod:`~benchmarks.suites.driver` (:func:`run_suite`) and
:mod:`~benchmarks.suites.delegated` (the delegated suites and their call signature).
"""

from __future__ import annotations

from benchmarks.suites.definitions import SUITES, FamilyPlan, Suite, get_suite, register_suite, suite_names
from benchmarks.suites.delegated import DELEGATED_SUITES, DelegatedSuite, register_delegated, run_delegated
from benchmarks.suites.driver import RunSummary, run_suite
from benchmarks.suites.planning import plan_round, record_cases

__all__ = ["FamilyPlan", "Suite", "SUITES", "DELEGATED_SUITES", "DelegatedSuite", "suite_names", "get_suite",
           "run_suite", "register_suite", "register_delegated", "run_delegated", "plan_round", "record_cases",
           "RunSummary"]
