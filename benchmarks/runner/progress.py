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
    line is printed at most every ``quiet_interval`` s (logs stay short).
    """

    def __init__(self, total: int = 0, *, stream: TextIO | None = None, interval: float = 0.25,
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
        self.total += int(n)

    def update(self, classification: str | None = None, *, force: bool = False) -> None:
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
        now = time.monotonic() if now is None else now
        if self.done == 0:
            return math.inf
        return (now - self.t0) / self.done * max(0, self.total - self.done)

    def render(self, now: float | None = None) -> str:
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
        if self.enabled:
            self.update(force=True)
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()
