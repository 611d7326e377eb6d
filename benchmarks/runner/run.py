"""Benchmark execution engine: worker processes with hard time limits, resumable JSONL results.

Model
-----
:func:`execute` runs :class:`~benchmarks.runner.task.Task` objects in at most ``jobs`` worker
processes at once (``multiprocessing`` *forkserver* context, so workers are forked from a clean
server that preloaded the heavy imports; *spawn* where forkserver does not exist); the worker
itself is :mod:`benchmarks.runner.worker`.

The parent kills a worker (SIGTERM, then SIGKILL after 0.5 s) at ``time_limit + grace``:
a hanging solver cannot stall the suite.  Every finished run becomes one JSON line written with
one ``write`` + ``fsync`` (:class:`benchmarks.runner.results.ResultsWriter`) the moment it finishes, so
Ctrl-C or a SIGKILL of the runner loses at most the runs in flight and never tears a line.

Classification (:func:`~benchmarks.runner.task.classify`) compares what a run PROVED with the
known answer; a contradiction is ``wrong`` and is printed to stderr at once (and bannered by the
report).  The names of :mod:`~benchmarks.runner.task`, :mod:`~benchmarks.runner.shards`,
:mod:`~benchmarks.runner.machine`, :mod:`~benchmarks.runner.progress` and
:mod:`~benchmarks.runner.worker` that were defined here are importable from here too.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.connection import wait as mp_wait
from typing import Any, TextIO

import psutil

from benchmarks.runner.machine import machine_info, versions_info
from benchmarks.runner.progress import Progress
from benchmarks.runner.shards import parse_shard, shard_of
from benchmarks.runner.task import DEFAULT_GRACE, HIT_LIMIT_FRACTION, Task, base_record, classify
from benchmarks.runner.worker import (
    STARTED,
    STARTUP_ALLOWANCE_S,
    context,
    launch_subprocess,
    preload_modules,
    subprocess_entry,
    worker_main,
)

__all__ = [
    "Task",
    "classify",
    "base_record",
    "execute",
    "Progress",
    "shard_of",
    "parse_shard",
    "versions_info",
    "machine_info",
    "preload_modules",
    "DEFAULT_GRACE",
    "HIT_LIMIT_FRACTION",
    "STARTUP_ALLOWANCE_S",
    "subprocess_entry",
]


@dataclass
class _Running:
    task: Task
    proc: Any
    conn: Any
    start: float
    deadline: float
    hard: float = 0.0
    started: bool = False
    peak_mb: float = 0.0


def _kill(proc: Any) -> None:
    """SIGTERM the worker's process group, then SIGKILL after 0.5 s if still alive."""
    pid = proc.pid
    for sig, wait_s in ((signal.SIGTERM, 0.5), (signal.SIGKILL, 2.0)):
        if not proc.is_alive():
            break
        try:
            os.killpg(pid, sig)
        except OSError:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        proc.join(wait_s)
    try:
        os.killpg(pid, signal.SIGKILL)  # stragglers of the group (solver sub-processes)
    except OSError:
        pass


def _sample_mem(run: _Running) -> None:
    try:
        p = psutil.Process(run.proc.pid)
        rss = p.memory_info().rss
        for ch in p.children(recursive=True):
            try:
                rss += ch.memory_info().rss
            except psutil.Error:
                pass
        run.peak_mb = max(run.peak_mb, rss / 2**20)
    except Exception:  # noqa: BLE001 - the process may just have exited
        pass


def _finish(run: _Running, msg: Mapping[str, Any] | None, *, killed: bool, now: float,
            versions: Mapping[str, Any], machine: Mapping[str, Any], exitcode: int | None) -> dict[str, Any]:
    task = run.task
    rec = base_record(task, versions, machine)
    elapsed = now - run.start
    outcome: Mapping[str, Any] = {}
    error_text = None
    if killed:
        status, wall = "killed", elapsed
        error_text = f"killed at the hard limit ({task.time_limit:g} s + grace)"
    elif msg is None:
        status, wall = "error", elapsed
        error_text = f"worker died without a result (exit code {exitcode})"
    elif not msg.get("ok"):
        status, wall = "error", float(msg.get("wall_s", elapsed))
        error_text = str(msg.get("error"))
    else:
        outcome = msg.get("outcome", {})
        # a runner may report its solver's own time apart from its certification work
        status = str(outcome.get("status", "unknown"))
        wall = float(outcome.get("solve_wall_s", msg.get("wall_s", elapsed)))
    answer = outcome.get("answer")
    if answer not in ("YES", "NO"):
        answer = None
    verified = outcome.get("verified")
    reported: Mapping[str, Any] = msg or {}
    peak = max(run.peak_mb, float(reported.get("peak_mem_mb") or 0.0))
    base_mem = reported.get("base_mem_mb")
    rec.update({
        "status": status,
        "answer": answer,
        "proof": str(outcome.get("proof", "none")) if answer else "none",
        "verified": None if verified is None else bool(verified),
        "classification": classify(answer, status, task.known_answer, verified=verified, killed=killed,
                                   error=error_text is not None and not killed,
                                   hit_limit=float(wall) >= HIT_LIMIT_FRACTION * task.time_limit),
        "wall_s": round(float(wall), 6),
        "process_s": round(float(elapsed), 6),
        "objective": outcome.get("objective"),
        "bound": outcome.get("bound"),
        "peak_mem_mb": round(peak, 1) if peak > 0 else None,
        "base_mem_mb": None if not base_mem else round(float(base_mem), 1),
        "detail": str(outcome.get("detail", ""))[:500],
        # the solver declined this program class (not applicable): still an error run, but the
        # report lists it apart instead of timing it
        "refused": str(outcome.get("detail", "")).strip().lower().startswith("refused"),
        "error": error_text,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })
    if msg is not None and msg.get("traceback"):
        rec["traceback"] = str(msg["traceback"])[-2000:]
    rec["log"] = None
    if task.log_path:
        try:
            if os.path.getsize(task.log_path) == 0:
                os.remove(task.log_path)
            else:
                rec["log"] = task.log_path
        except OSError:
            pass
    return rec


def _wrong_answer_line(rec: Mapping[str, Any]) -> str:
    return (f"\nlsahard bench: WRONG ANSWER: {rec['family']}/{rec['level']}/{rec['instance']} "
            f"solver {rec['solver']} (seed {rec['seed']}) proved {rec['answer']} but the known "
            f"answer is {rec['known_answer']}\n")


@dataclass
class _Pool:
    """The workers in flight and what a finished one is handed to."""

    launcher: str
    ctx: Any
    preload: Sequence[str]
    grace: float | None
    versions: Mapping[str, Any]
    machine: Mapping[str, Any]
    emit: Callable[[dict[str, Any]], None]
    running: dict[Any, _Running]

    def start(self, task: Task) -> None:
        g = DEFAULT_GRACE(task.time_limit) if self.grace is None else float(self.grace)
        hard = task.time_limit + g
        start = time.monotonic()
        if self.launcher == "subprocess":
            proc, parent_conn = launch_subprocess(task, hard, self.preload)
        else:
            parent_conn, child_conn = self.ctx.Pipe(duplex=False)
            proc = self.ctx.Process(target=worker_main, args=(asdict(task), child_conn, os.getpid(), hard),
                                    name=f"bench-{task.solver}", daemon=True)
            proc.start()
            child_conn.close()  # so a dead worker shows up as EOF on parent_conn
        # until the worker reports that its start-up is over, allow STARTUP_ALLOWANCE_S
        self.running[parent_conn] = _Running(task, proc, parent_conn, start, start + hard + STARTUP_ALLOWANCE_S, hard)

    def receive(self, poll_s: float) -> None:
        """Wait up to ``poll_s`` for messages; finish the workers that sent their result."""
        timeout = max(0.0, min(min(r.deadline for r in self.running.values()) - time.monotonic(), poll_s))
        ready = mp_wait(list(self.running), timeout=timeout)
        now = time.monotonic()
        for conn in ready:
            run = self.running[conn]  # run.conn is conn: the pipe end the worker writes to
            try:
                msg = run.conn.recv()
            except (EOFError, OSError):
                msg = None
            if msg == STARTED and not run.started:
                # the hard limit (and the run's process time) count from here
                run.started, run.start = True, now
                run.deadline = now + run.hard
                continue
            self.running.pop(conn)
            run.conn.close()
            run.proc.join(2.0)
            if run.proc.is_alive():
                _kill(run.proc)
            self.emit(_finish(run, msg, killed=False, now=now, versions=self.versions, machine=self.machine,
                              exitcode=run.proc.exitcode))

    def reap_overdue(self) -> None:
        """Kill the workers past their hard limit (a ``timeout`` record each); sample the others' memory."""
        now = time.monotonic()
        for conn, run in list(self.running.items()):
            if now >= run.deadline:
                self.running.pop(conn)
                _kill(run.proc)
                conn.close()
                self.emit(_finish(run, None, killed=True, now=now, versions=self.versions, machine=self.machine,
                                  exitcode=run.proc.exitcode))
            else:
                _sample_mem(run)

    def kill_all(self) -> None:
        for conn, run in self.running.items():
            _kill(run.proc)
            try:
                conn.close()
            except OSError:
                pass
        self.running.clear()


# over 60 lines only through its numpydoc docstring; the body is short
def execute(tasks: Iterable[Task], *, jobs: int = 1, on_record: Callable[[dict[str, Any]], None],
            grace: float | None = None, versions: Mapping[str, Any] | None = None,
            machine: Mapping[str, Any] | None = None, progress: Progress | None = None,
            wrong_stream: TextIO | None = None, preload: Sequence[str] | None = None,
            poll_s: float = 0.2, launcher: str = "forkserver") -> int:
    """Run ``tasks`` with at most ``jobs`` workers; call ``on_record(record)`` as each finishes.

    Each task runs in its own worker process, started in the given order; the parent kills a
    worker (SIGTERM, then SIGKILL) at ``time_limit + grace`` (counted from the end of the
    worker's start-up, which may take up to
    :data:`~benchmarks.runner.worker.STARTUP_ALLOWANCE_S` more), samples its memory, and turns
    its message into one record (:func:`~benchmarks.runner.task.base_record` plus the outcome and
    its :func:`~benchmarks.runner.task.classify` classification).

    Parameters
    ----------
    tasks : iterable of Task
        The runs, started in this order.
    jobs : int
        Workers at once (>= 1).
    on_record : callable
        Called with each finished run's record (a dict, see :mod:`benchmarks.runner.results`).
    grace : float, optional
        Seconds past each task's limit before the hard kill (default :data:`DEFAULT_GRACE`).
    versions, machine : Mapping, optional
        Stored in every record (default :func:`versions_info`, :func:`machine_info`).
    progress : Progress, optional
        Updated with each record's classification.
    wrong_stream : TextIO, optional
        Where a ``wrong`` run is announced at once (default stderr).
    preload : sequence of str, optional
        Modules the fork server imports once (default :func:`preload_modules` of the runners).
    poll_s : float
        Longest wait between checks of the deadlines.
    launcher : {"forkserver", "subprocess"}
        ``"forkserver"`` (workers forked from a preloaded server) or ``"subprocess"`` (each worker
        a fresh ``python`` running :func:`~benchmarks.runner.worker.subprocess_entry`; used inside
        Dask workers, which are daemonic processes that ``multiprocessing`` refuses to give children).

    Returns
    -------
    int
        The number of records produced.  On any exception (Ctrl-C included) every worker in flight
        is killed and the exception propagates: records already handed to ``on_record`` are final.

    Raises
    ------
    ValueError
        If ``jobs`` is not an integer >= 1 or ``launcher`` is neither ``"forkserver"`` nor
        ``"subprocess"``.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1, got {jobs!r}")
    if launcher not in ("forkserver", "subprocess"):
        raise ValueError(f"launcher must be 'forkserver' or 'subprocess', got {launcher!r}")
    wrong_stream = sys.stderr if wrong_stream is None else wrong_stream
    pending = list(tasks)
    if not pending:
        return 0
    pending.reverse()  # pop() from the end keeps the given order
    if preload is None:
        preload = preload_modules(sorted({t.runner for t in pending}))
    produced = 0

    def emit(rec: dict[str, Any]) -> None:
        nonlocal produced
        on_record(rec)
        produced += 1
        if rec["classification"] == "wrong":
            wrong_stream.write(_wrong_answer_line(rec))
            wrong_stream.flush()
        if progress is not None:
            progress.update(rec["classification"])

    pool = _Pool(launcher, context(preload) if launcher == "forkserver" else None, preload, grace,
                 versions_info() if versions is None else versions, machine_info() if machine is None else machine,
                 emit, {})
    try:
        while pending or pool.running:
            while pending and len(pool.running) < jobs:
                pool.start(pending.pop())
            pool.receive(poll_s)
            pool.reap_overdue()
            if progress is not None:
                progress.update()
    finally:
        pool.kill_all()
    return produced
