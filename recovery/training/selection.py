"""Which iterate :func:`recovery.training.loop.train` returns: model selection over the tracked objective values.

With a validation batch, the validation MSE is computed every ``eval_every`` steps and at the last iterate, and
the iterate with the lowest validation MSE is selected; without one, the iterate with the lowest training
objective.  A non-finite training objective raises :class:`FloatingPointError` (the caller decides whether a
finite iterate was already selected).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from recovery.training.gram import GramBatch, predict_gram
from recovery.training.subspace import Subspace

__all__ = ["Selection"]


class Selection:
    """Tracks the training objective of the iterates and keeps the selected one.

    Parameters
    ----------
    theta0 : numpy.ndarray
        The initial coordinates, shape ``(sub.size,)``; selected until an iterate is recorded.
    sub : Subspace
        Maps coordinates to layers (for the validation predictions).
    val_b : GramBatch or None
        Validation prompts; None selects by training objective.
    eval_every : int
        Validation period in steps (``>= 1``).
    steps : int
        Step budget (for the recording period of ``history`` and the progress line).
    progress : callable
        A :class:`recovery.training.optim.Progress` (or any callable with its signature).

    Examples
    --------
    >>> sel = Selection(np.zeros(4), Subspace("sparse", 1, 1), None, 1, 10, lambda *a, **k: None)
    >>> sel.record(np.ones(4), 0.5, 0)
    >>> sel.loss, sel.step, sel.theta.tolist()
    (0.5, 0, [1.0, 1.0, 1.0, 1.0])
    """

    def __init__(self, theta0: np.ndarray, sub: Subspace, val_b: GramBatch | None, eval_every: int, steps: int,
                 progress: Callable[..., None]) -> None:
        self.sub, self.val_b, self.eval_every, self.steps, self.progress = sub, val_b, eval_every, steps, progress
        # loss/theta/step: the selected iterate and its training objective; val: its validation loss;
        # last: the training objective of the latest iterate
        self.loss: float = math.inf
        self.theta: np.ndarray = theta0.copy()
        self.step: int | None = None
        self.val: float = math.inf
        self.last: float = math.inf
        self.history: list[tuple[int, float]] = []
        self.val_history: list[tuple[int, float]] = []
        self.evaluations = 0
        self.final = False  # the last iterate is always validated
        self.record_every = max(1, steps // 200)

    def validation_loss(self, theta: np.ndarray) -> float:
        """Return the validation MSE of ``theta`` (``inf`` when not finite).

        Parameters
        ----------
        theta : numpy.ndarray
            Coordinates, shape ``(sub.size,)``.

        Returns
        -------
        float
            Mean squared error on the validation batch, or ``inf``.

        Raises
        ------
        ValueError
            If the selection has no validation batch.
        """
        val_b = self.val_b
        if val_b is None:
            raise ValueError("validation_loss needs a validation batch (val_b is None)")
        yhat = predict_gram(val_b, self.sub.to_layers(theta))
        vl = float(np.mean((yhat - val_b.y) ** 2))
        return vl if math.isfinite(vl) else math.inf

    def record(self, theta: np.ndarray, loss: float, k: int) -> None:
        """Record the training objective ``loss`` of iterate ``theta`` at step ``k`` and update the selection.

        Without a validation batch the iterate is selected if its training objective is the lowest so
        far; with one, it is validated at steps that are multiples of ``eval_every`` and at the final
        iterate (once per step) and selected if its validation loss is the lowest so far.  Every
        ``record_every`` steps ``(k, loss)`` is appended to ``history``; the progress callable is called.

        Parameters
        ----------
        theta : numpy.ndarray
            Coordinates, shape ``(sub.size,)``.
        loss : float
            Its training objective.
        k : int
            The step.

        Raises
        ------
        FloatingPointError
            If ``loss`` is not finite (training diverged).
        """
        if not math.isfinite(loss):
            raise FloatingPointError(f"training diverged (loss = {loss}); lower lr")
        self.last = loss
        if self.val_b is None:
            if loss < self.loss:
                self.loss, self.theta, self.step = loss, theta.copy(), k
        elif (self.final or k % self.eval_every == 0) and not (self.val_history and self.val_history[-1][0] == k):
            vl = self.validation_loss(theta)
            self.val_history.append((k, vl))
            if vl < self.val or self.step is None:
                self.loss, self.theta, self.step, self.val = loss, theta.copy(), k, vl
        if not self.history or k - self.history[-1][0] >= self.record_every:
            self.history.append((k, loss))
        self.progress(k, self.steps, loss, self.loss, val=self.shown_val)

    @property
    def shown_val(self) -> float | None:
        """The selected validation loss, None without a validation batch.

        Returns
        -------
        float or None
            ``val``, or None.
        """
        return None if self.val_b is None else self.val
