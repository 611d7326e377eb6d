"""The wall-clock budget of one decider run (``time_limit`` seconds, or None for no limit)."""

from __future__ import annotations

import time

__all__ = ["Timer"]


class Timer:
    """Seconds since construction against an optional limit.

    The wall-clock budget of one decider run, started when the object is built.

    Parameters
    ----------
    time_limit : float or None
        The budget in seconds (> 0), or None for no limit.

    Attributes
    ----------
    t0 : float
        ``time.perf_counter()`` at construction.
    limit : float or None
        The budget in seconds, or None.

    Examples
    --------
    >>> t = Timer(None)
    >>> t.expired(), t.remaining()
    (False, None)
    """

    def __init__(self, time_limit: float | None) -> None:
        self.t0 = time.perf_counter()
        self.limit = time_limit

    def elapsed(self) -> float:
        """Seconds since construction.

        Returns
        -------
        float
            Wall-clock seconds (``time.perf_counter`` difference).
        """
        return time.perf_counter() - self.t0

    def expired(self) -> bool:
        """Whether the budget is spent.

        Returns
        -------
        bool
            True iff there is a limit and :meth:`elapsed` exceeds it.
        """
        return self.limit is not None and self.elapsed() > self.limit

    def remaining(self) -> float | None:
        """Seconds left of the budget.

        Returns
        -------
        float or None
            ``max(1e-3, limit - elapsed)`` (never zero or negative, so that it can be handed to a solver
            as a time limit), or None without a limit.
        """
        return None if self.limit is None else max(1e-3, self.limit - self.elapsed())
