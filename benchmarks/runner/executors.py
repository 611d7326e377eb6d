"""Pluggable executors of benchmark runs: ``local`` (the runner's process pool) and ``dask``.

Both take the same :class:`benchmarks.runner.run.Task` list and hand every finished run to
``on_record(record)`` exactly once, so a results file written under one executor can be resumed
(``--resume``) or merged under the other.

``local``  :func:`benchmarks.runner.run.execute`: at most ``--jobs`` worker processes forked from a
           preloaded fork server on this machine (the embedded default).
``dask``   ``dask.distributed``: ``--scheduler tcp://HOST:PORT`` connects to an existing cluster
           (SLURM through ``dask-jobqueue``, Kubernetes, ``dask scheduler`` + ``dask worker`` by
           hand, ...); without it a ``distributed.LocalCluster`` of ``--jobs`` single-threaded
           worker processes is started and stopped by the command.

Under Dask every task is one ``(family, level, instance, solver, seed)`` run with a deterministic
key (:func:`dask_key`).  On the worker, :func:`run_on_worker` runs the very same worker entry
point as the local pool (:func:`benchmarks.runner.run._worker_main`) in a fresh child process
(``launcher="subprocess"``): the hard kill at ``time_limit + grace``, the process group, the
parent-death signal and the memory accounting are those of a local run.  Dask itself retries a
task whose worker was lost (up to ``distributed.scheduler.allowed-failures`` times); the client
writes a line only when a future finishes, and never twice for one key, so a retry cannot
duplicate a line.  A task that keeps killing its workers becomes one ``error`` record.

The run directory (instances, logs) must be visible at the same path on every worker (a shared
filesystem, as on any SLURM cluster).

Modules: :mod:`~benchmarks.runner.local_executor` (the :class:`Executor` interface and the local
pool) and :mod:`~benchmarks.runner.dask_executor` (Dask and the SLURM recipe); their public names
are importable from here too.
"""

from __future__ import annotations

from benchmarks.runner.dask_executor import (
    DASK_MISSING,
    DaskExecutor,
    dask_key,
    require_dask,
    run_on_worker,
    slurm_cluster,
)
from benchmarks.runner.local_executor import Executor, LocalExecutor

__all__ = ["EXECUTORS", "DASK_MISSING", "require_dask", "dask_key", "run_on_worker", "Executor",
           "LocalExecutor", "DaskExecutor", "make_executor", "slurm_cluster"]

EXECUTORS = ("local", "dask")


def make_executor(name: str = "local", *, jobs: int = 1, scheduler: str | None = None) -> Executor:
    """The executor named ``name``: ``local`` or ``dask``.

    Parameters
    ----------
    name : {"local", "dask"}, optional
        The executor (one of :data:`EXECUTORS`).
    jobs : int, optional
        Workers (local pool, or the Dask LocalCluster).
    scheduler : str, optional
        Dask scheduler address (only with ``name="dask"``).

    Returns
    -------
    Executor
        A :class:`LocalExecutor` or :class:`DaskExecutor`.

    Raises
    ------
    ValueError
        For anything else, or for a ``scheduler`` with ``local``.

    Examples
    --------
    >>> make_executor("local", jobs=2).describe()
    {'executor': 'local', 'jobs': 2}
    """
    if name not in EXECUTORS:
        raise ValueError(f"name must be one of {', '.join(EXECUTORS)}, got {name!r}")
    if name == "local":
        if scheduler is not None:
            raise ValueError("scheduler: only with name='dask'")
        return LocalExecutor(jobs)
    return DaskExecutor(scheduler, jobs)
