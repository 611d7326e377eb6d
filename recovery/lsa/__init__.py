"""The LSA mathematics: prompts, the model, the reparameterisation phi, the population objective
and its optimum.

Modules: :mod:`~recovery.lsa.prompts` (Markov-chain prompts, paper Section 2),
:mod:`~recovery.lsa.model` (the L-layer LSA forward pass, eq. (2.2)),
:mod:`~recovery.lsa.reparam` (phi(b, A) = X, Section 3), :mod:`~recovery.lsa.population`
(the exact one-layer population quadratic), :mod:`~recovery.lsa.optimum` (its minimiser,
Lemma 3.1 / Thm 3.3) and :mod:`~recovery.lsa.exact_linalg` (exact rational linear algebra).
"""
from recovery.lsa.model import check_layers, lsa_forward, predict, predict_one_layer, sparse_to_dense

__all__ = ["check_layers", "lsa_forward", "predict", "predict_one_layer", "sparse_to_dense"]
