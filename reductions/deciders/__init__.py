"""Deciders: exact answers for source problems and Bennett-Mangasarian programs, with proofs.

Modules: :mod:`~reductions.deciders.source` (``decide``: brute force, MILP, SAT, SCIP, dispatching
to :mod:`~reductions.deciders.brute`, :mod:`~reductions.deciders.source_milp`,
:mod:`~reductions.deciders.separability_planes` and :mod:`~reductions.deciders.timer`),
:mod:`~reductions.deciders.program_solve` (one solver run on a bilinear program, certified),
:mod:`~reductions.deciders.bm_program` (the BM bilinear program), :mod:`~reductions.deciders.sat`
(PySAT), :mod:`~reductions.deciders.separability_scip`, :mod:`~reductions.deciders.highs_models`,
:mod:`~reductions.deciders.decision` (the answer record) and :mod:`~reductions.deciders.certify`
(certificates carried back from an LSA program to its source).
"""
