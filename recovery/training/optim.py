"""The optimisers of :func:`recovery.training.loop.train` (Adam, L-BFGS-B) and its progress line.

Both stop at a wall-clock ``deadline`` (``time.monotonic()`` seconds, or None); L-BFGS-B then returns None (the
caller keeps the best iterate it has tracked through ``fg``).
"""
from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize

__all__ = ["Progress", "adam", "lbfgs"]


class Progress:
    """Throttled progress line on stderr (at most one line per ``every`` seconds).

    Parameters
    ----------
    enabled : bool
        Print anything at all.
    label : str
        Shown in brackets at the start of each line.
    every : float, optional
        Minimum number of seconds between two lines (default 2).

    Examples
    --------
    >>> prog = Progress(False, "demo")
    >>> prog(1, 10, 0.5, 0.4)  # disabled: prints nothing
    """

    def __init__(self, enabled: bool, label: str, every: float = 2.0) -> None:
        self.enabled, self.label, self.every = enabled, label, every
        self.last = -math.inf

    def __call__(self, step: int, total: int, loss: float, best: float, force: bool = False,
                 val: float | None = None) -> None:
        """Print ``step/total``, the current and the best loss if enough time has passed.

        Parameters
        ----------
        step : int
            The current step.
        total : int
            The step budget.
        loss : float
            The current training objective.
        best : float
            The training objective of the selected iterate.
        force : bool, optional
            Print regardless of the time since the last line.
        val : float, optional
            The selected validation loss, shown when given.
        """
        if not self.enabled:
            return
        now = time.monotonic()
        if force or now - self.last >= self.every:
            self.last = now
            extra = "" if val is None else f" best validation {val:.6g}"
            print(f"[train {self.label}] step {step}/{total} loss {loss:.6g} best {best:.6g}{extra}", file=sys.stderr)


class _TimeUp(Exception):
    pass


def adam(grad: Callable[[np.ndarray, int], np.ndarray], theta: np.ndarray, steps: int, lr: float,
         deadline: float | None, on_step: Callable[[np.ndarray, int], None],
         betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> np.ndarray:
    """Run Adam (Kingma & Ba) with bias correction.

    Update with moments ``m <- b1 m + (1 - b1) g``, ``s <- b2 s + (1 - b2) g^2`` and
    ``theta <- theta - lr (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)``.

    Parameters
    ----------
    grad : callable
        ``grad(theta, k)`` -> gradient (same shape as ``theta``) at step ``k`` (0-based).
    theta : numpy.ndarray
        Initial coordinates, shape ``(p,)``.
    steps : int
        Maximum number of steps.
    lr : float
        Learning rate.
    deadline : float or None
        ``time.monotonic()`` time after which no further step is started; ``None`` for none.
    on_step : callable
        ``on_step(theta, k)``, called after step ``k`` (1-based) with the new iterate.
    betas : tuple of float, optional
        ``(b1, b2)``, default ``(0.9, 0.999)``.
    eps : float, optional
        Denominator offset, default ``1e-8``.

    Returns
    -------
    numpy.ndarray
        The last iterate, shape ``(p,)``.

    Examples
    --------
    >>> import numpy as np
    >>> th = adam(lambda t, k: 2 * t, np.array([1.0]), 200, 0.1, None, lambda t, k: None)
    >>> bool(abs(th[0]) < 0.1)
    True
    """
    m = np.zeros_like(theta)
    s = np.zeros_like(theta)
    b1, b2 = betas
    for t in range(1, steps + 1):
        if deadline is not None and time.monotonic() > deadline:
            break
        g = grad(theta, t - 1)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        on_step(theta, t)
    return theta


def lbfgs(fg: Callable[[np.ndarray], tuple[float, np.ndarray]], theta: np.ndarray, steps: int,
          deadline: float | None) -> np.ndarray | None:
    """Run L-BFGS-B (scipy) on ``fg(theta) -> (f, grad)`` for at most ``steps`` iterations.

    Parameters
    ----------
    fg : callable
        ``fg(theta)`` -> ``(objective, gradient)``.
    theta : numpy.ndarray
        Initial coordinates, shape ``(p,)``.
    steps : int
        Maximum number of iterations (at most ``2 steps + 20`` evaluations).
    deadline : float or None
        ``time.monotonic()`` time after which the run is stopped; ``None`` for none.

    Returns
    -------
    numpy.ndarray or None
        The final iterate, shape ``(p,)``; ``None`` when ``deadline`` passed first (the caller keeps
        the best iterate it tracked through ``fg``).

    Examples
    --------
    >>> import numpy as np
    >>> th = lbfgs(lambda t: (float(t @ t), 2 * t), np.array([1.0, -2.0]), 50, None)
    >>> bool(np.allclose(th, 0.0))
    True
    """
    def f(th: np.ndarray) -> tuple[float, np.ndarray]:
        if deadline is not None and time.monotonic() > deadline:
            raise _TimeUp
        return fg(th)

    try:
        res = minimize(f, theta, jac=True, method="L-BFGS-B", options={"maxiter": steps, "maxfun": 2 * steps + 20})
        return res.x
    except _TimeUp:
        return None
