"""The optimisers of :func:`recovery.training.loop.train` (Adam, L-BFGS-B) and its progress line.

Both stop at a wall-clock ``deadline`` (``time.monotonic()`` seconds, or None); L-BFGS-B then returns None (the
caller keeps the best iterate it has tracked through ``fg``).
"""
from __future__ import annotations

import math
import sys
import time
from typing import Callable

import numpy as np
from scipy.optimize import minimize

__all__ = ["Progress", "adam", "lbfgs"]


class Progress:
    """Throttled progress line on stderr (at most one line per ``every`` seconds)."""

    def __init__(self, enabled: bool, label: str, every: float = 2.0) -> None:
        self.enabled, self.label, self.every = enabled, label, every
        self.last = -math.inf

    def __call__(self, step: int, total: int, loss: float, best: float, force: bool = False,
                 val: float | None = None) -> None:
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
    """Adam (Kingma & Ba) with bias correction; ``grad(theta, k)`` -> gradient, ``on_step(theta, k)`` after step k."""
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
    """L-BFGS-B (scipy) on ``fg(theta) -> (f, grad)`` for at most ``steps`` iterations; None when ``deadline``
    passed first (the caller keeps the best iterate it tracked through ``fg``)."""
    def f(th: np.ndarray) -> tuple[float, np.ndarray]:
        if deadline is not None and time.monotonic() > deadline:
            raise _TimeUp
        return fg(th)

    try:
        res = minimize(f, theta, jac=True, method="L-BFGS-B", options={"maxiter": steps, "maxfun": 2 * steps + 20})
        return res.x
    except _TimeUp:
        return None
