"""The ``dask`` executor: benchmark runs on ``dask.distributed``, and the SLURM cluster recipe.

How a run is kept apart on a Dask worker, retried and written once: :mod:`benchmarks.runner.executors`.
"""

from __future__ import annotations

import functools
import io
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from hashlib import sha256
from typing import Any, TextIO

from benchmarks.runner.local_executor import Executor
from benchmarks.runner.machine import machine_info, versions_info
from benchmarks.runner.progress import Progress
from benchmarks.runner.run import execute
from benchmarks.runner.task import Task, base_record, classify
from benchmarks.runner.worker import context, preload_modules

__all__ = ["DASK_MISSING", "require_dask", "dask_key", "run_on_worker", "DaskExecutor", "slurm_cluster"]

#: the one-line error when the dask executor is asked for without the extra
DASK_MISSING = ("the dask executor needs dask.distributed, which is not installed: "
                "pip install 'lsahard[dask]'")


def require_dask() -> Any:
    """Import ``distributed`` or raise the one-line ValueError :data:`DASK_MISSING`.

    Returns
    -------
    module
        The ``distributed`` package.

    Raises
    ------
    ValueError
        :data:`DASK_MISSING`, when ``dask.distributed`` is not installed.
    """
    try:
        import distributed
    except ImportError:
        raise ValueError(DASK_MISSING) from None
    return distributed


def dask_key(task: Task) -> str:
    """Deterministic Dask key of a task: its run key plus a hash of everything it runs with.

    The same run (same instance file, limit, options) gets the same key in every session, so a
    scheduler never holds two copies of it; a different limit or instance gets a different key.

    Parameters
    ----------
    task : Task
        The run.

    Returns
    -------
    str
        ``lsahard-run-FAMILY-LEVEL-INSTANCE-SOLVER-sSEED-DIGEST`` with the first 12 hex digits of
        the sha256 of every field of the task.
    """
    fam, level, inst, solver, seed = task.key()
    digest = sha256(repr(sorted(asdict(task).items())).encode()).hexdigest()[:12]
    return f"lsahard-run-{fam}-{level}-{inst}-{solver}-s{seed}-{digest}"


@functools.lru_cache(maxsize=1)
def _worker_info() -> tuple[dict[str, Any], dict[str, Any]]:
    """Versions and machine of the host a Dask worker runs on (once per worker process)."""
    return versions_info(), machine_info()


_FORK_LOCK = threading.Lock()


def _allow_children() -> None:
    """Let this (daemonic) Dask worker process start ``multiprocessing`` children.

    ``multiprocessing`` refuses children to daemonic processes only so that they are not
    orphaned; the runner's workers already die with their parent (parent-death signal, and the
    fork server exits when this process does), so clearing the flag is safe here.
    """
    # ``_config`` is private to CPython's BaseProcess (not in the typeshed stubs): reached by name
    config: dict[str, Any] = getattr(multiprocessing.current_process(), "_config")  # noqa: B009
    config["daemon"] = False


def run_on_worker(task: Mapping[str, Any], grace: float | None = None,
                  launcher: str = "forkserver") -> dict[str, Any]:
    """The Dask task: one run in its own child process, hard-killed at ``limit + grace``.

    Parameters
    ----------
    task : Mapping
        A :class:`~benchmarks.runner.task.Task` as a dict.
    grace : float, optional
        Seconds past the limit before the kill (default
        :data:`~benchmarks.runner.task.DEFAULT_GRACE`).
    launcher : {"forkserver", "subprocess"}, optional
        ``"forkserver"`` (default: a fork server per Dask worker preloads the solver stack once,
        as in a local run) or ``"subprocess"`` (a fresh interpreter per run; no
        ``multiprocessing`` in the worker at all).

    Returns
    -------
    dict
        The finished record (versions and machine are those of the worker's host; ``worker``
        is the Dask worker's address when run inside one).
    """
    t = Task(**dict(task))
    versions, machine = _worker_info()
    out: list[dict[str, Any]] = []
    if launcher == "forkserver":
        with _FORK_LOCK:  # the first run of a worker starts its fork server; others wait for it
            _allow_children()
            context(preload_modules([t.runner]))
    execute([t], jobs=1, on_record=out.append, grace=grace, versions=versions, machine=machine,
            wrong_stream=io.StringIO(), launcher=launcher)
    rec = out[0]
    try:
        from distributed import get_worker

        rec["worker"] = get_worker().address
    except Exception:  # noqa: BLE001 - called outside a worker (tests)
        pass
    return rec


def _wrong_line(rec: Mapping[str, Any]) -> str:
    return (f"\nlsahard bench: WRONG ANSWER: {rec['family']}/{rec['level']}/{rec['instance']} "
            f"solver {rec['solver']} (seed {rec['seed']}) proved {rec['answer']} but the known "
            f"answer is {rec['known_answer']}\n")


class DaskExecutor(Executor):
    """Runs on ``dask.distributed``: an existing scheduler, or a LocalCluster of ``jobs`` workers.

    Every task is submitted under :func:`dask_key` (earlier tasks with higher priority, never
    served from a cache) and runs :func:`run_on_worker`; a task Dask gave up on becomes one
    ``error`` record, and no key is ever written twice.  Every record gets ``"executor": "dask"``.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:PORT``); None starts a
        ``distributed.LocalCluster`` of ``jobs`` single-threaded worker processes (dashboard on a
        free port).
    jobs : int, optional
        Workers of the LocalCluster.
    poll_s : float, optional
        Seconds between checks of the futures.
    cluster_kwargs : Mapping, optional
        More keyword arguments for the LocalCluster.
    launcher : {"forkserver", "subprocess"}, optional
        How :func:`run_on_worker` starts each run.

    Raises
    ------
    ValueError
        When ``dask.distributed`` is not installed (:data:`DASK_MISSING`), for another
        ``launcher``, or when the scheduler cannot be reached within 30 s.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, jobs: int = 1, *, poll_s: float = 0.2,  # numpydoc ignore=GL08
                 cluster_kwargs: Mapping[str, Any] | None = None, launcher: str = "forkserver") -> None:
        distributed = require_dask()
        if launcher not in ("forkserver", "subprocess"):
            raise ValueError(f"launcher: expected 'forkserver' or 'subprocess', got {launcher!r}")
        self.launcher = launcher
        self.scheduler = scheduler
        self.jobs = jobs
        self.poll_s = poll_s
        self._cluster = None
        if scheduler is None:
            # the dashboard on a free port (8787 may be taken by another cluster)
            kw = {"n_workers": int(jobs), "threads_per_worker": 1, "processes": True,
                  "dashboard_address": ":0"}
            kw.update(cluster_kwargs or {})
            self._cluster = distributed.LocalCluster(**kw)
            self.client = distributed.Client(self._cluster)
        else:
            try:
                self.client = distributed.Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise ValueError(f"scheduler: cannot connect to {scheduler!r} ({exc})") from None

    @property
    def address(self) -> str:
        """The scheduler's address.

        Returns
        -------
        str
            E.g. ``tcp://127.0.0.1:8786``.
        """
        return str(self.client.scheduler.address)

    def describe(self) -> dict[str, Any]:
        """What ``meta.json`` records: executor, scheduler address, LocalCluster or not, workers.

        Returns
        -------
        dict
            ``executor``, ``scheduler``, ``local_cluster`` and ``workers`` (None if unknown).
        """
        try:
            n = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        except TypeError:  # older distributed: no n_workers argument
            n = len(self.client.scheduler_info().get("workers", {}))
        except Exception:  # noqa: BLE001 - only informative
            n = None
        return {"executor": "dask", "scheduler": self.address, "local_cluster": self._cluster is not None,
                "workers": n}

    def _lost_record(self, task: Task, exc: BaseException, versions: Mapping[str, Any],
                     machine: Mapping[str, Any]) -> dict[str, Any]:
        """The record of a task Dask gave up on (its workers kept dying), like a local worker
        that died without a result."""
        rec = base_record(task, versions, machine)
        rec.update({"status": "error", "answer": None, "proof": "none", "verified": None,
                    "classification": classify(None, "error", task.known_answer, error=True),
                    "wall_s": 0.0, "process_s": 0.0, "objective": None, "bound": None,
                    "peak_mem_mb": None, "base_mem_mb": None, "detail": "", "refused": False,
                    "error": f"the Dask task failed: {type(exc).__name__}: {exc}"[:2000],
                    "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "log": None})
        return rec

    # one loop over Dask futures with its bookkeeping (lost workers, progress); splitting it hides the flow
    def execute(self, tasks: Iterable[Task], *, on_record: Callable[[dict[str, Any]], None],
                grace: float | None = None, versions: Mapping[str, Any] | None = None,
                machine: Mapping[str, Any] | None = None, progress: Progress | None = None,
                wrong_stream: TextIO | None = None) -> int:
        """Submit ``tasks`` to Dask and write each record as its future finishes.

        Parameters
        ----------
        tasks : iterable of Task
            The runs; the same run twice in one batch gives one line only.
        on_record : callable
            Called with each finished run's record, never twice for one key.
        grace : float, optional
            Seconds past each task's limit before the hard kill.
        versions, machine : Mapping, optional
            Stored in the records of tasks Dask gave up on (default: this host's); finished
            runs carry those of their worker's host.
        progress : Progress, optional
            Updated with each record's classification.
        wrong_stream : TextIO, optional
            Where a ``wrong`` run is announced at once (default stderr).

        Returns
        -------
        int
            The number of records produced.  When interrupted, the futures still queued or
            running are cancelled.
        """
        wrong_stream = sys.stderr if wrong_stream is None else wrong_stream
        todo: Sequence[Task] = list(tasks)
        if not todo:
            return 0
        versions = versions_info() if versions is None else versions
        machine = machine_info() if machine is None else machine
        futures: dict[Any, Task] = {}
        seen: set[str] = set()
        for i, task in enumerate(todo):
            key = dask_key(task)
            if key in seen:  # the same run twice in one batch: one line only
                continue
            seen.add(key)
            # earlier tasks first (the runner's order); pure=False: never served from a cache
            fut = self.client.submit(run_on_worker, asdict(task), grace, self.launcher, key=key, pure=False,
                                     priority=-i)
            futures[fut] = task
        written: set[tuple[str, str, str, str, int]] = set()
        produced = 0
        pending = dict(futures)
        try:
            while pending:
                finished = [f for f in pending if f.status in ("finished", "error", "cancelled", "lost")]
                for fut in finished:
                    task = pending.pop(fut)
                    if fut.status == "finished":
                        rec = fut.result()
                    else:
                        try:
                            exc = fut.exception()
                        except BaseException as e:  # noqa: BLE001 - cancelled futures raise here
                            exc = e
                        rec = self._lost_record(task, exc, versions, machine)
                    fut.release()
                    rec["executor"] = "dask"
                    k = task.key()
                    if k in written:  # never two lines for one key
                        continue
                    written.add(k)
                    on_record(rec)
                    produced += 1
                    if rec["classification"] == "wrong":
                        wrong_stream.write(_wrong_line(rec))
                        wrong_stream.flush()
                    if progress is not None:
                        progress.update(rec["classification"])
                if progress is not None:
                    progress.update()
                if pending and not finished:
                    time.sleep(self.poll_s)
        finally:
            if pending:  # interrupted: drop what is still queued or running
                try:
                    self.client.cancel(list(pending), force=True)
                except Exception:  # noqa: BLE001
                    pass
        return produced

    def close(self) -> None:
        """Close the client and, if this executor started it, the LocalCluster."""
        try:
            self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None


def slurm_cluster(*, cores: int = 8, memory: str = "16GB", walltime: str = "02:00:00",
                  python: str | None = None, **kwargs: Any) -> Any:
    """A ``dask_jobqueue.SLURMCluster`` laid out for benchmark runs (the SLURM recipe).

    One SLURM job per ``cluster.scale(jobs=N)`` job, with ``cores`` single-threaded Dask workers
    (``processes=cores``): each worker runs one solver run at a time, so a job runs ``cores`` runs
    side by side, one per core, and the memory of the job is shared by them.
    Needs ``pip install dask-jobqueue``.

    Parameters
    ----------
    cores : int, optional
        Cores, and so single-threaded workers, per SLURM job.
    memory : str, optional
        Memory per job (e.g. ``"16GB"``), shared by its workers.
    walltime : str, optional
        SLURM wall time per job (``HH:MM:SS``).
    python : str, optional
        The interpreter of the environment where lsahard is installed (default: this one).
    **kwargs
        Other keyword arguments (``queue``, ``account``, ``job_extra_directives``,
        ``job_script_prologue``, ...) go to ``SLURMCluster``.

    Returns
    -------
    dask_jobqueue.SLURMCluster
        The cluster (no job started yet).

    Raises
    ------
    ValueError
        When ``dask-jobqueue`` is not installed.
    """
    try:
        from dask_jobqueue import SLURMCluster
    except ImportError:
        raise ValueError("the SLURM recipe needs dask-jobqueue: pip install dask-jobqueue") from None
    kw: dict[str, Any] = {"cores": int(cores), "processes": int(cores), "memory": memory, "walltime": walltime,
                          "python": python or sys.executable}
    kw.update(kwargs)
    return SLURMCluster(**kw)
