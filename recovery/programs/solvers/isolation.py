"""Running foreign solver code under a hard wall-clock limit, with its output kept off stdout.

Solver libraries print to the C-level file descriptors 1 and 2 (HiGHS prints a banner when
``Highs()`` is constructed, SCIP warns about tolerances), and some check their clock only between
nodes.  Two tools keep the package's promises regardless:

* :func:`captured_output` redirects file descriptors 1 and 2 to a temporary file for the duration
  of a ``with`` block (an in-process call that is known to finish, such as one HiGHS LP);
* :func:`run_isolated` runs a function in a forked child process whose descriptors 1 and 2 go to a
  log file, and kills it when it overruns ``time_limit`` by more than ``max(2 s, 20 %)``.  The
  limit therefore covers model building, loading and solving, whatever the library does with its
  own clock.  A child that is killed, crashes or cannot send its result is reported, never raised.

Both work at the descriptor level, so output written by C or Fortran code is captured as well as
Python's.  On platforms without ``os.fork`` :func:`run_isolated` runs the function in-process
(the limit is then only the solver's own).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["IsolatedRun", "captured_output", "grace_seconds", "run_isolated"]


def grace_seconds(time_limit: float) -> float:
    """Overrun tolerated before a run is stopped: ``max(2 s, 20 % of time_limit)``.

    Parameters
    ----------
    time_limit : float
        The run's own limit in seconds.

    Returns
    -------
    float
        The grace period in seconds.

    Examples
    --------
    >>> grace_seconds(1.0), grace_seconds(60.0)
    (2.0, 12.0)
    """
    return max(2.0, 0.2 * float(time_limit))


@contextlib.contextmanager
def captured_output() -> Iterator[list[str]]:
    """Redirect file descriptors 1 and 2 to a temporary file inside the block.

    Yields
    ------
    list of str
        A list that holds, after the block, the captured text (its last 20 000 bytes, decoded) as
        its single element.

    Examples
    --------
    >>> with captured_output() as text:
    ...     _ = os.write(1, b"hidden")
    >>> "hidden" in text[0]
    True
    """
    out: list[str] = []
    sys.stdout.flush()
    sys.stderr.flush()
    saved = (os.dup(1), os.dup(2))
    with tempfile.TemporaryFile(mode="w+b") as log:
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            yield out
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            log.seek(0)
            out.append(log.read()[-20000:].decode("utf-8", "replace"))


@dataclass(frozen=True)
class IsolatedRun:
    """Outcome of :func:`run_isolated`.

    Attributes
    ----------
    status : str
        ``"ok"`` (``value`` holds the function's return value), ``"timeout"`` (stopped at
        ``time_limit + grace``), ``"exception"`` (the function raised; ``error`` holds the text) or
        ``"crashed"`` (the child died without a result, e.g. a segmentation fault or out of memory).
    value : Any
        The function's return value (status ``"ok"``).
    error : str
        The exception text (status ``"exception"``).
    output : str
        The last 20 000 characters the child printed on descriptors 1 and 2.
    wall_s : float
        Wall-clock seconds.
    """

    status: str
    value: Any
    error: str
    output: str
    wall_s: float


def _child(fn: Callable[..., Any], args: tuple, write_fd: int, log_fd: int) -> None:
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        payload = ("ok", fn(*args), "")
    except BaseException as exc:  # reported to the parent, which decides what it means
        import traceback

        payload = ("exception", None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}")
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an unpicklable result is an error of the runner, not a crash
        data = pickle.dumps(("exception", None, f"result not picklable: {exc}"))
    with os.fdopen(write_fd, "wb") as pipe:
        pipe.write(data)


def _read_until(read_fd: int, pid: int, deadline: float) -> tuple[bytes, bool]:
    """Read the child's result until EOF or ``deadline``; True when the deadline passed."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"".join(chunks), True
        ready, _, _ = select.select([read_fd], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)


def _reap(pid: int, kill: bool) -> None:
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def run_isolated(fn: Callable[..., Any], args: tuple, time_limit: float) -> IsolatedRun:
    """Call ``fn(*args)`` in a forked child with a hard limit of ``time_limit + grace`` seconds.

    Parameters
    ----------
    fn : callable
        The function; its return value must be picklable.
    args : tuple
        Its positional arguments.
    time_limit : float
        Seconds the function is allowed (its own limit); the child is killed after
        ``time_limit + grace_seconds(time_limit)``.

    Returns
    -------
    IsolatedRun
        The status, value, error text, captured output and wall-clock seconds.

    Examples
    --------
    >>> run_isolated(pow, (2, 10), time_limit=5).value
    1024
    """
    t0 = time.monotonic()
    if not hasattr(os, "fork"):
        with captured_output() as text:
            try:
                value, status, error = fn(*args), "ok", ""
            except Exception as exc:
                value, status, error = None, "exception", f"{type(exc).__name__}: {exc}"
        return IsolatedRun(status, value, error, text[0], time.monotonic() - t0)
    deadline = t0 + float(time_limit) + grace_seconds(time_limit)
    read_fd, write_fd = os.pipe()
    log = tempfile.TemporaryFile(mode="w+b")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller's stack
        code = 0
        try:
            os.close(read_fd)
            _child(fn, args, write_fd, log.fileno())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    try:
        data, late = _read_until(read_fd, pid, deadline)
        _reap(pid, kill=late)
    except BaseException:  # KeyboardInterrupt included: never leave the child behind
        _reap(pid, kill=True)
        raise
    finally:
        os.close(read_fd)
    log.seek(0)
    output = log.read()[-20000:].decode("utf-8", "replace")
    log.close()
    wall = time.monotonic() - t0
    if late:
        return IsolatedRun("timeout", None, f"stopped after {wall:.1f} s (limit {time_limit:g} s "
                           f"+ grace {grace_seconds(time_limit):g} s)", output, wall)
    try:
        status, value, error = pickle.loads(data)
    except Exception:
        return IsolatedRun("crashed", None, "the solver process ended without a result", output, wall)
    return IsolatedRun(status, value, error, output, wall)
