"""Benchmark execution engine: worker processes with hard time limits, resumable JSONL results.

Model
-----
A :class:`Task` is one run: ``(family, level, instance, solver, seed)`` plus what the worker
needs (instance file, ``"module:function"`` runner, time limit).  :func:`execute` runs tasks in
at most ``jobs`` worker processes at once (``multiprocessing`` *forkserver* context, so workers
are forked from a clean server that preloaded the heavy imports; *spawn* where forkserver does
not exist).  Each worker:

* puts itself in its own process group (so a kill also reaches any solver sub-process),
  ignores SIGINT (the parent decides), and asks the kernel to SIGKILL it if its parent (the
  fork server, which exits with the runner) dies - a killed runner leaves no orphans;
* measures the solve's wall time and its peak resident memory (``resource.getrusage``);
* sends back one small dict through a pipe.

The parent kills a worker (SIGTERM, then SIGKILL after 0.5 s) at ``time_limit + grace``:
a hanging solver cannot stall the suite.  Every finished run becomes one JSON line written with
one ``write`` + ``fsync`` (:class:`benchmarks.runner.results.ResultsWriter`) the moment it finishes, so
Ctrl-C or a SIGKILL of the runner loses at most the runs in flight and never tears a line.

Classification (:func:`classify`) compares what a run PROVED with the known answer; a
contradiction is ``wrong`` and is printed to stderr at once (and bannered by the report).
"""

from __future__ import annotations

import importlib
import json
import math
import multiprocessing as mp
import os
import platform
import signal
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from hashlib import sha256
from multiprocessing.connection import wait as mp_wait
from typing import Any, Callable, Iterable, Mapping, Sequence, TextIO

from benchmarks.runner.results import CLASSIFICATIONS, RECORD_SCHEMA

__all__ = [
    "Task",
    "classify",
    "execute",
    "Progress",
    "shard_of",
    "parse_shard",
    "versions_info",
    "machine_info",
    "DEFAULT_GRACE",
    "subprocess_entry",
]

#: extra seconds past the time limit before the runner kills a worker: max(1 s, 10 % of limit)
DEFAULT_GRACE: Callable[[float], float] = lambda limit: max(1.0, 0.1 * float(limit))  # noqa: E731


#: an undecided run that used at least this fraction of its time limit is a ``timeout``
HIT_LIMIT_FRACTION = 0.95


@dataclass(frozen=True)
class Task:
    """One solver run (picklable; crosses the process boundary as a dict)."""

    family: str
    level: str
    problem: str
    instance: str
    size: int
    solver: str
    seed: int
    time_limit: float
    instance_path: str
    runner: str
    options: Mapping[str, Any] = field(default_factory=dict)
    known_answer: str | None = None
    planted: bool | None = None
    exact: bool = True
    #: the worker's stdout/stderr (solver chatter) go here; removed afterwards if empty
    log_path: str | None = None

    def key(self) -> tuple[str, str, str, str, int]:
        return (self.family, self.level, self.instance, self.solver, int(self.seed))


# ---------------------------------------------------------------------------------------------
# sharding
# ---------------------------------------------------------------------------------------------

def shard_of(key: Sequence[Any], k: int) -> int:
    """0-based shard of a task key: sha256 of ``"|".join(key)`` mod ``k`` (stable everywhere)."""
    digest = sha256("|".join(str(x) for x in key).encode()).hexdigest()
    return int(digest[:16], 16) % int(k)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"I/K"`` (1 <= I <= K) -> ``(I, K)``; None -> None.  ValueError names ``--shard``."""
    if text is None:
        return None
    parts = str(text).split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        i, k = int(parts[0]), int(parts[1])
    except ValueError:
        raise ValueError(f"--shard: expected I/K with integers 1 <= I <= K, got {text!r}") from None
    if k < 1 or not 1 <= i <= k:
        raise ValueError(f"--shard: expected I/K with 1 <= I <= K, got {text!r}")
    return i, k


# ---------------------------------------------------------------------------------------------
# versions / machine
# ---------------------------------------------------------------------------------------------

_VERSION_PACKAGES = ("lsahard", "numpy", "scipy", "highspy", "pyscipopt", "pyomo", "networkx", "cvxpy",
                     "maingopy", "gurobipy", "psutil")


def versions_info() -> dict[str, str]:
    """Python and package versions (installed distributions only)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in _VERSION_PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    # the solver libraries themselves (the Python bindings' versions differ from them)
    try:
        import pyscipopt

        out["scip"] = str(pyscipopt.Model().version())
    except Exception:  # noqa: BLE001 - optional
        pass
    try:
        import highspy

        from recovery.programs.solvers.isolation import captured_output

        with captured_output():  # Highs() prints its banner on fd 1
            h = highspy.Highs()
        out["highs"] = f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # noqa: BLE001 - optional
        pass
    return out


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    """Host, OS, CPU model, logical CPUs and memory of this machine."""
    info: dict[str, Any] = {
        "host": platform.node(),
        "system": f"{platform.system()} {platform.release()}",
        "arch": platform.machine(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
    }
    try:
        import psutil

        info["mem_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except Exception:  # psutil is a dependency, but memory is only informative
        pass
    return info


# ---------------------------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------------------------

_TIMEOUT_WORDS = ("timeout", "time_limit", "timelimit", "time limit")


def classify(answer: str | None, status: str | None, known: str | None, *, verified: bool | None = None,
             killed: bool = False, error: bool = False, hit_limit: bool = False) -> str:
    """``ok`` / ``wrong`` / ``timeout`` / ``error`` / ``unknown`` of one run.

    ``answer`` is what the run PROVED ("YES" needs a verified witness, "NO" a proof); a YES
    whose ``verified`` is not True (False or None) proves nothing.  Contradicting ``known`` is
    ``wrong``; a proven answer with no known answer is ``ok`` (it carries its own proof; the report
    cross-checks solvers against each other and flags opposite proofs).
    Undecided runs: killed by the runner, a solver status mentioning the time limit, or a run
    that used (almost) all its time (``hit_limit``: some solvers just say "unknown" when their
    clock runs out) -> ``timeout``; an exception / status ``error`` -> ``error``; otherwise
    ``unknown`` (gave up early without proving anything).
    """
    if error:
        return "error"
    if killed:
        return "timeout"
    if answer == "YES" and verified is not True:
        # a YES is a proof only with a witness that passed the exact check: an unverified or
        # unchecked (verified None) point proves nothing, whatever the solver's label
        answer = None
    if answer in ("YES", "NO"):
        if known in ("YES", "NO") and answer != known:
            return "wrong"
        return "ok"
    st = (status or "").lower()
    if st == "error":
        return "error"
    if hit_limit or any(w in st for w in _TIMEOUT_WORDS):
        return "timeout"
    return "unknown"


# ---------------------------------------------------------------------------------------------
# the worker
# ---------------------------------------------------------------------------------------------

def _set_parent_death_signal() -> None:
    """Linux: SIGKILL this process when its parent dies (best effort, no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - only a safety net
        pass


def _peak_mem_mb() -> float:
    import resource

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
_STARTED = {"started": True}

#: seconds a worker may take to start (before it says so) on top of its hard limit
STARTUP_ALLOWANCE_S = 60.0


def _worker_main(task: dict[str, Any], conn: Any, parent_pid: int, hard_s: float) -> None:
    """Run one task in this (fresh) process and send one result dict through ``conn``."""
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
        from multiprocessing import forkserver as _fs

        fd = getattr(_fs._forkserver, "_forkserver_alive_fd", None)
        if fd is not None:
            os.close(fd)
            _fs._forkserver._forkserver_alive_fd = None
    except Exception:  # noqa: BLE001 - not a forkserver child (spawn)
        pass
    server_pid = os.getppid()
    _set_parent_death_signal()

    def _runner_alive() -> bool:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return os.getppid() == server_pid

    if not _runner_alive():
        os._exit(125)
    if task.get("log_path"):
        # solver libraries print from C: redirect the file descriptors, not just sys.stdout
        try:
            os.makedirs(os.path.dirname(task["log_path"]), exist_ok=True)
            fd = os.open(task["log_path"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.close(fd)
        except OSError:
            pass

    def _watchdog() -> None:  # second line of defence: the runner vanished, or never killed us
        end = time.monotonic() + hard_s + 5.0
        while time.monotonic() < end:
            time.sleep(0.5)
            if not _runner_alive():
                os._exit(125)
        os._exit(124)

    threading.Thread(target=_watchdog, daemon=True).start()
    # Tell the runner that start-up is over: its hard-limit clock starts now.  Every forkserver
    # child first re-runs the parent's main script (multiprocessing's "fix up main" step; for the
    # `lsahard` console script that imports the whole `recovery` package, ~1 s of CPU), and with
    # more workers than idle cores that start-up alone used to exceed the limit, so whole batches
    # were killed before their solver started.
    conn.send(_STARTED)
    t0 = time.perf_counter()
    msg: dict[str, Any]
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
        msg = {"ok": True, "outcome": dict(out), "wall_s": wall, "base_mem_mb": base_mb}
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, never raised
        wall = time.perf_counter() - t0
        tb = traceback.format_exc(limit=8)
        msg = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000], "traceback": tb[-4000:],
               "wall_s": wall}
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
        conn.send({"ok": False, "error": "result not transferable", "wall_s": wall,
                   "peak_mem_mb": msg.get("peak_mem_mb")})
    conn.close()


def preload_modules(runners: Sequence[str]) -> list[str]:
    """Modules to preload in the fork server for tasks whose runners are ``runners``
    (``"module:function"``): numpy, each runner's module and what that module lists in its
    ``FORKSERVER_PRELOAD`` tuple (read only if the module is already imported)."""
    mods: list[str] = ["numpy"]
    for r in runners:
        module = r.partition(":")[0]
        for m in (module, *getattr(sys.modules.get(module), "FORKSERVER_PRELOAD", ())):
            if m not in mods:
                mods.append(m)
    return mods


def _context(preload: Sequence[str] | None = None) -> mp.context.BaseContext:
    """forkserver context (spawn where unavailable), with heavy modules preloaded once."""
    # one BLAS/OpenMP thread per worker unless the user says otherwise: --jobs N workers on N
    # cores must not oversubscribe them (must be set before the server imports numpy)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        ctx = mp.get_context("forkserver")
    except ValueError:
        return mp.get_context("spawn")
    import importlib.util

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
        import subprocess

        try:
            self._p.wait(timeout)
        except subprocess.TimeoutExpired:
            pass

    @property
    def exitcode(self) -> int | None:
        return self._p.poll()


def _launch_subprocess(task: Task, hard: float, preload: Sequence[str] | None) -> tuple[_PopenProcess, Any]:
    """Start ``python -c 'benchmarks.runner.run.subprocess_entry()'`` for ``task``.

    The task goes in as JSON on stdin; results come back through an inherited pipe wrapped as a
    ``multiprocessing.connection.Connection`` (the same messages as under forkserver).
    """
    import subprocess
    from multiprocessing.connection import Connection

    r_fd, w_fd = os.pipe()
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    payload = json.dumps({"task": asdict(task), "hard_s": float(hard), "parent_pid": os.getpid(),
                          "fd": w_fd, "preload": list(preload or ())})
    try:
        popen = subprocess.Popen(
            [sys.executable, "-c", "import benchmarks.runner.run as r; r.subprocess_entry()"],
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
    """Entry of a worker started by :func:`_launch_subprocess`: preload, then :func:`_worker_main`."""
    from multiprocessing.connection import Connection

    msg = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    conn = Connection(int(msg["fd"]), readable=False)
    for mod in msg.get("preload") or ():  # what the fork server preloads, before the clock starts
        try:
            importlib.import_module(mod)
        except Exception:  # noqa: BLE001 - the run reports its own import errors
            pass
    _worker_main(msg["task"], conn, int(msg["parent_pid"]), float(msg["hard_s"]))
    sys.exit(0)


# ---------------------------------------------------------------------------------------------
# progress bar
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# execution
# ---------------------------------------------------------------------------------------------

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
        import psutil

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


def base_record(task: Task, versions: Mapping[str, Any], machine: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "schema": RECORD_SCHEMA, "family": task.family, "level": task.level, "problem": task.problem,
        "instance": task.instance, "size": int(task.size), "solver": task.solver, "seed": int(task.seed),
        "time_limit": float(task.time_limit), "known_answer": task.known_answer, "planted": task.planted,
        "exact": bool(task.exact), "versions": dict(versions), "machine": dict(machine),
    }


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
    peak = max(run.peak_mb, float((msg or {}).get("peak_mem_mb") or 0.0))
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
        "base_mem_mb": None if not (msg or {}).get("base_mem_mb") else round(float(msg["base_mem_mb"]), 1),
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


def execute(tasks: Iterable[Task], *, jobs: int = 1, on_record: Callable[[dict[str, Any]], None],
            grace: float | None = None, versions: Mapping[str, Any] | None = None,
            machine: Mapping[str, Any] | None = None, progress: Progress | None = None,
            wrong_stream: TextIO | None = None, preload: Sequence[str] | None = None,
            poll_s: float = 0.2, launcher: str = "forkserver") -> int:
    """Run ``tasks`` with at most ``jobs`` workers; call ``on_record(record)`` as each finishes.

    ``grace``: seconds past each task's limit before the hard kill (default
    :data:`DEFAULT_GRACE`).  On any exception (Ctrl-C included) every worker in flight is
    killed and the exception propagates: records already handed to ``on_record`` are final.
    ``launcher``: ``"forkserver"`` (default: workers forked from a preloaded server) or
    ``"subprocess"`` (each worker a fresh ``python`` running the same entry point,
    :func:`_worker_main`, through :func:`subprocess_entry`; used inside Dask workers, which are
    daemonic processes that ``multiprocessing`` refuses to give children).
    Returns the number of records produced.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs: expected an integer >= 1, got {jobs!r}")
    if launcher not in ("forkserver", "subprocess"):
        raise ValueError(f"launcher: expected 'forkserver' or 'subprocess', got {launcher!r}")
    versions = versions_info() if versions is None else versions
    machine = machine_info() if machine is None else machine
    wrong_stream = sys.stderr if wrong_stream is None else wrong_stream
    pending = list(tasks)
    if not pending:
        return 0
    pending.reverse()  # pop() from the end keeps the given order
    if preload is None:
        preload = preload_modules(sorted({t.runner for t in pending}))
    ctx = _context(preload) if launcher == "forkserver" else None
    running: dict[Any, _Running] = {}
    produced = 0

    def emit(rec: dict[str, Any]) -> None:
        nonlocal produced
        on_record(rec)
        produced += 1
        if rec["classification"] == "wrong":
            wrong_stream.write(
                f"\nlsahard bench: WRONG ANSWER: {rec['family']}/{rec['level']}/{rec['instance']} "
                f"solver {rec['solver']} (seed {rec['seed']}) proved {rec['answer']} but the known "
                f"answer is {rec['known_answer']}\n")
            wrong_stream.flush()
        if progress is not None:
            progress.update(rec["classification"])

    try:
        while pending or running:
            while pending and len(running) < jobs:
                task = pending.pop()
                g = DEFAULT_GRACE(task.time_limit) if grace is None else float(grace)
                hard = task.time_limit + g
                start = time.monotonic()
                if launcher == "subprocess":
                    proc, parent_conn = _launch_subprocess(task, hard, preload)
                else:
                    parent_conn, child_conn = ctx.Pipe(duplex=False)
                    proc = ctx.Process(target=_worker_main, args=(asdict(task), child_conn, os.getpid(), hard),
                                       name=f"bench-{task.solver}", daemon=True)
                    proc.start()
                    child_conn.close()  # so a dead worker shows up as EOF on parent_conn
                # until the worker reports that its start-up is over, allow STARTUP_ALLOWANCE_S
                running[parent_conn] = _Running(task, proc, parent_conn, start,
                                                start + hard + STARTUP_ALLOWANCE_S, hard)
            timeout = max(0.0, min(min(r.deadline for r in running.values()) - time.monotonic(), poll_s))
            ready = mp_wait(list(running), timeout=timeout)
            now = time.monotonic()
            for conn in ready:
                run = running[conn]
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    msg = None
                if msg == _STARTED and not run.started:
                    # the hard limit (and the run's process time) count from here
                    run.started, run.start = True, now
                    run.deadline = now + run.hard
                    continue
                running.pop(conn)
                conn.close()
                run.proc.join(2.0)
                if run.proc.is_alive():
                    _kill(run.proc)
                emit(_finish(run, msg, killed=False, now=now, versions=versions, machine=machine,
                             exitcode=run.proc.exitcode))
            now = time.monotonic()
            for conn, run in list(running.items()):
                if now >= run.deadline:
                    running.pop(conn)
                    _kill(run.proc)
                    conn.close()
                    emit(_finish(run, None, killed=True, now=now, versions=versions, machine=machine,
                                 exitcode=run.proc.exitcode))
                else:
                    _sample_mem(run)
            if progress is not None:
                progress.update()
    finally:
        for conn, run in running.items():
            _kill(run.proc)
            try:
                conn.close()
            except OSError:
                pass
        running.clear()
    return produced
