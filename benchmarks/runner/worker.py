"""The worker process of one run, and how it is started (fork server or fresh interpreter).

Each worker puts itself in its own process group (so a kill also reaches any solver
sub-process), ignores SIGINT (the parent decides), and asks the kernel to SIGKILL it if its
parent (the fork server, which exits with the runner) dies - a killed runner leaves no orphans.
It measures the solve's wall time and its peak resident memory (``resource.getrusage``) and
sends back one small dict through a pipe.

Runners are named by ``"module:function"`` strings (a ``--plugin`` module may name its own), so
the worker imports them by name with :mod:`importlib`.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import json
import multiprocessing as mp
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.runner.task import Task

__all__ = ["STARTUP_ALLOWANCE_S", "STARTED", "worker_main", "preload_modules", "context", "launch_subprocess",
           "subprocess_entry"]

def _set_parent_death_signal() -> None:
    """Linux: SIGKILL this process when its parent dies (best effort, no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - only a safety net
        pass


def _peak_mem_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024.0  # Linux reports KiB


def _current_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def _import_runner(spec: str) -> Callable[..., Mapping[str, Any]]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


#: first message of every worker (start-up finished); then exactly one result dict follows
STARTED = {"started": True}

#: seconds a worker may take to start (before it says so) on top of its hard limit
STARTUP_ALLOWANCE_S = 60.0


def _detach_from_runner(parent_pid: int) -> Callable[[], bool]:
    """Own process group, SIGINT ignored, parent-death signal; returns a "runner alive" probe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.setpgid(0, 0)  # own process group: the parent kills solver sub-processes with us
    except OSError:
        pass
    # The fork server hands every child its "alive" pipe end and exits only when all holders have
    # closed it; a hanging worker holding it would keep the server (our parent) alive after the
    # runner died.  Close it, so that the server exits with the runner and the kernel's
    # parent-death signal kills us even while a solver holds the GIL in C code.
    try:
        # a private CPython attribute (not in the typeshed stubs): read and cleared by name
        server = forkserver._forkserver
        fd = getattr(server, "_forkserver_alive_fd", None)
        if fd is not None:
            os.close(fd)
            setattr(server, "_forkserver_alive_fd", None)  # noqa: B010 - private, not in the stubs
    except Exception:  # noqa: BLE001 - not a forkserver child (spawn)
        pass
    server_pid = os.getppid()
    _set_parent_death_signal()

    def runner_alive() -> bool:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return os.getppid() == server_pid

    return runner_alive


def _redirect_output(log_path: str | None) -> None:
    """Solver libraries print from C: redirect the file descriptors 1 and 2, not just sys.stdout."""
    if not log_path:
        return
    try:
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    except OSError:
        pass


def _start_watchdog(runner_alive: Callable[[], bool], hard_s: float) -> None:
    """Second line of defence: exit when the runner vanished, or never killed us."""
    def watch() -> None:
        end = time.monotonic() + hard_s + 5.0
        while time.monotonic() < end:
            time.sleep(0.5)
            if not runner_alive():
                os._exit(125)
        os._exit(124)

    threading.Thread(target=watch, daemon=True).start()


def _solve(task: Mapping[str, Any]) -> dict[str, Any]:
    """Run the task's runner on its instance; the message for the runner (never raises)."""
    t0 = time.perf_counter()
    try:
        fn = _import_runner(task["runner"])
        with open(task["instance_path"], encoding="utf-8") as fh:
            data = json.load(fh)
        base_mb = _current_rss_mb()  # the interpreter + preloaded libraries, before the solve
        t0 = time.perf_counter()
        out = fn(data, task["solver"], float(task["time_limit"]), int(task["seed"]), dict(task["options"]))
        wall = time.perf_counter() - t0
        if not isinstance(out, Mapping):
            raise TypeError(f"runner {task['runner']} returned {type(out).__name__}, expected a dict")
        return {"ok": True, "outcome": dict(out), "wall_s": wall, "base_mem_mb": base_mb}
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, never raised
        wall = time.perf_counter() - t0
        tb = traceback.format_exc(limit=8)
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000], "traceback": tb[-4000:],
                "wall_s": wall}


def worker_main(task: Mapping[str, Any], conn: Any, parent_pid: int, hard_s: float) -> None:
    """Run one task in this (fresh) process and send one result dict through ``conn``.

    The worker detaches from the runner (own process group, SIGINT ignored, parent-death
    signal), redirects file descriptors 1 and 2 to the task's ``log_path``, starts a watchdog
    that exits when the runner vanished or never killed it, sends :data:`STARTED`, runs the
    task's runner on its instance and sends the result: ``{"ok": True, "outcome": ..., "wall_s":
    ..., "base_mem_mb": ..., "peak_mem_mb": ...}`` or ``{"ok": False, "error": ..., "traceback":
    ..., "wall_s": ...}``.  Failures are reported, never raised.

    Parameters
    ----------
    task : Mapping
        A :class:`~benchmarks.runner.task.Task` as a dict.
    conn : multiprocessing.connection.Connection
        The write end of the pipe to the runner.
    parent_pid : int
        Process id of the runner (its death ends the worker).
    hard_s : float
        The hard limit in seconds (``time_limit + grace``); the watchdog exits 5 s after it.
    """
    runner_alive = _detach_from_runner(parent_pid)
    if not runner_alive():
        os._exit(125)
    _redirect_output(task.get("log_path"))
    _start_watchdog(runner_alive, hard_s)
    # Tell the runner that start-up is over: its hard-limit clock starts now.  Every forkserver
    # child first re-runs the parent's main script (multiprocessing's "fix up main" step; for the
    # `lsahard` console script that imports the whole `recovery` package, ~1 s of CPU), and with
    # more workers than idle cores that start-up alone used to exceed the limit, so whole batches
    # were killed before their solver started.
    conn.send(STARTED)
    msg = _solve(task)
    msg["peak_mem_mb"] = _peak_mem_mb()
    if msg.get("traceback"):
        sys.stderr.write(msg["traceback"])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001
        pass
    try:
        conn.send(msg)
    except Exception:  # noqa: BLE001 - the outcome may hold something unpicklable
        conn.send({"ok": False, "error": "result not transferable", "wall_s": msg["wall_s"],
                   "peak_mem_mb": msg.get("peak_mem_mb")})
    conn.close()


def preload_modules(runners: Sequence[str]) -> list[str]:
    """List the modules to preload in the fork server for tasks whose runners are ``runners``.

    Numpy, each runner's module and what that module lists in its ``FORKSERVER_PRELOAD`` tuple
    (read only if the module is already imported), each once, in that order.

    Parameters
    ----------
    runners : sequence of str
        Runner strings ``"module:function"``.

    Returns
    -------
    list of str
        Module names.

    Examples
    --------
    >>> preload_modules(["benchmarks.suites.toy:run_toy"])
    ['numpy', 'benchmarks.suites.toy']
    """
    mods: list[str] = ["numpy"]
    for r in runners:
        module = r.partition(":")[0]
        for m in (module, *getattr(sys.modules.get(module), "FORKSERVER_PRELOAD", ())):
            if m not in mods:
                mods.append(m)
    return mods


def context(preload: Sequence[str] | None = None) -> mp.context.BaseContext:
    """The forkserver context (spawn where unavailable), with heavy modules preloaded once.

    Sets ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` to 1 unless the
    user set them (``--jobs N`` workers on N cores must not oversubscribe them), keeps only the
    preload modules that exist, and on a new preload list starts the server with a no-op child
    so that its start-up is not charged to the first task's time limit.

    Parameters
    ----------
    preload : sequence of str, optional
        Modules the server imports once (default ``("numpy",)``).

    Returns
    -------
    multiprocessing.context.BaseContext
        The forkserver context, or the spawn context where forkserver does not exist.
    """
    # one BLAS/OpenMP thread per worker unless the user says otherwise: --jobs N workers on N
    # cores must not oversubscribe them (must be set before the server imports numpy)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        ctx = mp.get_context("forkserver")
    except ValueError:
        return mp.get_context("spawn")
    mods = []
    for m in (("numpy",) if preload is None else preload):
        # only modules that exist (the server ignores ImportError but nothing else); they are not
        # imported here: the runner itself does not need the solver stack
        try:
            if m in sys.modules or importlib.util.find_spec(m) is not None:
                mods.append(m)
        except Exception:  # noqa: BLE001 - a broken parent package: leave it to the workers
            continue
    ctx.set_forkserver_preload(mods)
    key = tuple(mods)
    if _WARM.get("key") != key:
        # start the server and wait for its preloads with a no-op child, so the start-up is not
        # charged to the first task's time limit
        proc = ctx.Process(target=_noop, daemon=True)
        proc.start()
        proc.join(120.0)
        _WARM["key"] = key
    return ctx


_WARM: dict[str, Any] = {}


def _noop() -> None:
    return None


class _PopenProcess:
    """A ``subprocess.Popen`` with the slice of the ``multiprocessing.Process`` API the runner uses."""

    def __init__(self, popen: Any) -> None:
        self._p = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self._p.poll() is None

    def join(self, timeout: float | None = None) -> None:
        try:
            self._p.wait(timeout)
        except subprocess.TimeoutExpired:
            pass

    @property
    def exitcode(self) -> int | None:
        return self._p.poll()


def launch_subprocess(task: Task, hard: float, preload: Sequence[str] | None) -> tuple[_PopenProcess, Any]:
    """Start ``python -c 'benchmarks.runner.worker.subprocess_entry()'`` for ``task``.

    The task goes in as JSON on stdin; results come back through an inherited pipe wrapped as a
    ``multiprocessing.connection.Connection`` (the same messages as under forkserver).

    Parameters
    ----------
    task : Task
        The run.
    hard : float
        The hard limit in seconds (``time_limit + grace``).
    preload : sequence of str or None
        Modules the child imports before its clock starts.

    Returns
    -------
    process : _PopenProcess
        The child, with the slice of the ``multiprocessing.Process`` API the runner uses.
    conn : multiprocessing.connection.Connection
        The read end of the result pipe.
    """
    r_fd, w_fd = os.pipe()
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    payload = json.dumps({"task": asdict(task), "hard_s": float(hard), "parent_pid": os.getpid(),
                          "fd": w_fd, "preload": list(preload or ())})
    try:
        popen = subprocess.Popen(
            [sys.executable, "-c", "import benchmarks.runner.worker as w; w.subprocess_entry()"],
            stdin=subprocess.PIPE, pass_fds=(w_fd,), env=env, close_fds=True)
    except BaseException:
        os.close(r_fd)
        os.close(w_fd)
        raise
    os.close(w_fd)  # ours: a dead worker shows up as EOF on the read end
    try:
        assert popen.stdin is not None
        popen.stdin.write(payload.encode("utf-8"))
        popen.stdin.close()
    except OSError:  # the child died at once: EOF on the pipe reports it
        pass
    return _PopenProcess(popen), Connection(r_fd, writable=False)


def subprocess_entry() -> None:
    """Entry of a worker started by :func:`launch_subprocess`: preload, then :func:`worker_main`.

    Reads ``{"task", "hard_s", "parent_pid", "fd", "preload"}`` as JSON from stdin, imports the
    preload modules (an import error is left to the run to report) and exits with code 0.
    """
    msg = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    conn = Connection(int(msg["fd"]), readable=False)
    for mod in msg.get("preload") or ():  # what the fork server preloads, before the clock starts
        try:
            importlib.import_module(mod)
        except Exception:  # noqa: BLE001 - the run reports its own import errors
            pass
    worker_main(msg["task"], conn, int(msg["parent_pid"]), float(msg["hard_s"]))
    sys.exit(0)


# ---------------------------------------------------------------------------------------------
# progress bar
