"""The progress bar of a benchmark run: one throttled line with counts and ETA on stderr."""

from __future__ import annotations

import math
import sys
import time
from typing import TextIO

from benchmarks.runner.results import CLASSIFICATIONS

__all__ = ["Progress"]


def _fmt_s(s: float) -> str:
    if not math.isfinite(s):
        return "--:--"
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


class Progress:
    """A throttled one-line progress bar with ETA on a stream (stderr); no dependencies.

    On a terminal the line is redrawn in place at most every ``interval`` s; otherwise a plain
    line is printed at most every ``quiet_interval`` s (logs stay short).  The line shows the
    runs done out of ``total``, the counts per classification (``WRONG`` only when there are
    any), the elapsed time and the ETA (mean time per finished run times the runs left).

    Parameters
    ----------
    total : int, optional
        Runs expected (more are added with :meth:`add_total`).
    stream : TextIO, optional
        Where the line goes (default ``sys.stderr``).
    interval : float, optional
        Seconds between redraws on a terminal.
    quiet_interval : float, optional
        Seconds between lines when ``stream`` is not a terminal.
    jobs : int, optional
        Workers in use (>= 1).
    enabled : bool, optional
        False: count, but print nothing.

    Examples
    --------
    >>> import io
    >>> bar = Progress(2, stream=io.StringIO())
    >>> bar.update("ok")
    >>> bar.done, bar.counts["ok"]
    (1, 1)
    """

    def __init__(self, total: int = 0, *, stream: TextIO | None = None, interval: float = 0.25,  # numpydoc ignore=GL08
                 quiet_interval: float = 15.0, jobs: int = 1, enabled: bool = True) -> None:
        self.total = int(total)
        self.done = 0
        self.counts: dict[str, int] = {c: 0 for c in CLASSIFICATIONS}
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if self.tty else quiet_interval
        self.jobs = max(1, int(jobs))
        self.enabled = enabled
        self.t0 = time.monotonic()
        self._last = -1e9
        self.label = ""

    def add_total(self, n: int) -> None:
        """Expect ``n`` more runs.

        Parameters
        ----------
        n : int
            Runs to add to the total.
        """
        self.total += int(n)

    def update(self, classification: str | None = None, *, force: bool = False) -> None:
        """Count a finished run (if ``classification`` is given) and redraw when it is time.

        Parameters
        ----------
        classification : str, optional
            The finished run's classification; None only redraws.
        force : bool, optional
            Redraw now, whatever the throttle says.
        """
        if classification is not None:
            self.done += 1
            self.counts[classification] = self.counts.get(classification, 0) + 1
        now = time.monotonic()
        if not self.enabled or (not force and now - self._last < self.interval):
            return
        self._last = now
        self.stream.write(self.render(now) + ("\r" if self.tty else "\n"))
        self.stream.flush()

    def eta(self, now: float | None = None) -> float:
        """Estimated seconds left: mean seconds per finished run times the runs left.

        Parameters
        ----------
        now : float, optional
            A ``time.monotonic()`` reading (default: now).

        Returns
        -------
        float
            Seconds; ``math.inf`` before the first run finished.
        """
        now = time.monotonic() if now is None else now
        if self.done == 0:
            return math.inf
        return (now - self.t0) / self.done * max(0, self.total - self.done)

    def render(self, now: float | None = None) -> str:
        """The progress line (without its line ending).

        Parameters
        ----------
        now : float, optional
            A ``time.monotonic()`` reading (default: now).

        Returns
        -------
        str
            Bar, counts, elapsed time, ETA and :attr:`label`.
        """
        now = time.monotonic() if now is None else now
        total = max(self.total, self.done, 1)
        frac = self.done / total
        width = 24
        fill = int(round(frac * width))
        c = self.counts
        tail = f" ok {c['ok']} to {c['timeout']} err {c['error']} unk {c['unknown']}"
        if c["wrong"]:
            tail += f" WRONG {c['wrong']}"
        return (f"[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} {100 * frac:3.0f}%"
                f"{tail} | {_fmt_s(now - self.t0)} elapsed, ETA {_fmt_s(self.eta(now))} {self.label}")

    def close(self) -> None:
        """Draw the final line (and end it on a terminal)."""
        if self.enabled:
            self.update(force=True)
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()
