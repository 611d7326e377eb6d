"""Multilayer LSA training (Section 4) and the Theorem 4.1 recursion.

Modules: :mod:`~recovery.training.loop` (losses, gradients, the training loop) and
:mod:`~recovery.training.thm41` (theta recursion and the generational distance of Thm 4.1).
"""
from recovery.training.loop import TrainResult, train

__all__ = ["TrainResult", "train"]
