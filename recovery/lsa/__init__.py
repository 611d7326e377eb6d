"""The LSA mathematics: prompts, the model, the reparameterisation phi, the population objective
and its optimum.

Modules: :mod:`~recovery.lsa.prompts` and :mod:`~recovery.lsa.kernel_priors` (Markov-chain prompts,
paper Section 2), :mod:`~recovery.lsa.model` (the L-layer LSA forward pass, eq. (2.2)),
:mod:`~recovery.lsa.reparam` (phi(b, A) = X, Section 3), :mod:`~recovery.lsa.population` (the exact
one-layer population quadratic; its parts in :mod:`~recovery.lsa.quadratic`,
:mod:`~recovery.lsa.chain_moments`, :mod:`~recovery.lsa.float_quadratic`,
:mod:`~recovery.lsa.exact_quadratic`, :mod:`~recovery.lsa.cubature`,
:mod:`~recovery.lsa.dirichlet_quadratic`, :mod:`~recovery.lsa.monte_carlo` and
:mod:`~recovery.lsa.memory`), :mod:`~recovery.lsa.optimum` (its minimiser, Lemma 3.1 / Thm 3.3),
:mod:`~recovery.lsa.optimum_problem` (one problem from plain values) and the exact rational linear
algebra (:mod:`~recovery.lsa.exact_linalg`, :mod:`~recovery.lsa.flint_matrices`,
:mod:`~recovery.lsa.pd_certificate`, :mod:`~recovery.lsa.blas_threads`).
"""
from recovery.lsa.model import check_layers, lsa_forward, predict, predict_one_layer, sparse_to_dense

__all__ = ["check_layers", "lsa_forward", "predict", "predict_one_layer", "sparse_to_dense"]
