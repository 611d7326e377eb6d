"""The wall-clock budget of one decider run (``time_limit`` seconds, or None for no limit)."""

from __future__ import annotations

import time

__all__ = ["Timer"]


class Timer:
    """Seconds since construction against an optional limit.

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
        return time.perf_counter() - self.t0

    def expired(self) -> bool:
        return self.limit is not None and self.elapsed() > self.limit

    def remaining(self) -> float | None:
        return None if self.limit is None else max(1e-3, self.limit - self.elapsed())
