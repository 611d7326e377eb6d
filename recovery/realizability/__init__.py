"""Realisability of the optimal predictor and the best realisable one-layer LSA.

Modules: :mod:`~recovery.realizability.realize` (Thm 3.4 / 3.5 certificates),
:mod:`~recovery.realizability.realize_scip` (the SCIP realisability model),
:mod:`~recovery.realizability.best` (f* and psi: the entry point),
:mod:`~recovery.realizability.inner` (the closed-form inner problem and the multistart),
:mod:`~recovery.realizability.patch_bounds` (the rigorous box bound),
:mod:`~recovery.realizability.bnb` (the branch-and-bound search and its worker pool),
:mod:`~recovery.realizability.bnb_profile` (its difficulty profile),
:mod:`~recovery.realizability.scip_certify` (the SCIP certificate of f*),
:mod:`~recovery.realizability.interval` (interval re-verification of the branch-and-bound cover), with
:mod:`~recovery.realizability.certifier` (the per-box verified bounds),
:mod:`~recovery.realizability.exact` (exact rational data),
:mod:`~recovery.realizability.ball` and :mod:`~recovery.realizability.ball_bound` (float64 ball
arithmetic vectorised over boxes).
"""
