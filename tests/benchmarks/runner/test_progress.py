"""The progress bar (benchmarks.runner.progress)."""
from __future__ import annotations

import io

from benchmarks.runner.progress import Progress


def test_progress_bar_eta():
    s = io.StringIO()
    bar = Progress(10, stream=s, quiet_interval=0.0)
    bar.t0 -= 10.0  # pretend 10 s elapsed
    for _ in range(5):
        bar.update("ok")
    assert abs(bar.eta() - 10.0) < 0.5  # 5 done in 10 s -> 5 left take 10 s
    text = s.getvalue()
    assert "5/10" in text and "ETA" in text
