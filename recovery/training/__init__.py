"""Multilayer LSA training (Section 4) and the Theorem 4.1 recursion.

Modules: :mod:`~recovery.training.loop` (the training loop :func:`train`; its building blocks are
:mod:`~recovery.training.gram` (prompts in Gram form, forward pass), :mod:`~recovery.training.gradients`
(objectives and analytic gradients), :mod:`~recovery.training.subspace` (parameter coordinates),
:mod:`~recovery.training.optim` (Adam, L-BFGS), :mod:`~recovery.training.selection` (which iterate is returned),
:mod:`~recovery.training.result` (:class:`TrainResult`), :mod:`~recovery.training.settings` (argument checks),
:mod:`~recovery.training.batches` (training, validation and test prompts)),
:mod:`~recovery.training.thm41` (theta recursion and the generational distance of Thm 4.1; its parts are
:mod:`~recovery.training.thm41_blocks` (the layers), :mod:`~recovery.training.thm41_objectives` (R1, R2) and
:mod:`~recovery.training.thm41_front` (the R1 Pareto front, Generational Distance)) and
:mod:`~recovery.training.thm41_check` (the Thm 4.1 check on sampled prompts).
"""
from recovery.training.loop import TrainResult, train

__all__ = ["TrainResult", "train"]
