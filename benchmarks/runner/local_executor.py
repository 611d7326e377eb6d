"""The executor interface (:class:`Executor`) and the ``local`` executor, the runner's process pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from benchmarks.runner.progress import Progress
from benchmarks.runner.run import execute
from benchmarks.runner.task import Task

__all__ = ["Executor", "LocalExecutor"]


class Executor:
    """Runs tasks; ``on_record`` is called exactly once per task, as each one finishes.

    The base class of :class:`LocalExecutor` and :class:`DaskExecutor`; a context manager that
    calls :meth:`close` on exit.
    """

    name = "executor"

    def execute(self, tasks: Iterable[Task], *, on_record: Callable[[dict[str, Any]], None],
                grace: float | None = None, versions: Mapping[str, Any] | None = None,
                machine: Mapping[str, Any] | None = None, progress: Progress | None = None,
                wrong_stream: TextIO | None = None) -> int:
        """Run ``tasks``; call ``on_record(record)`` once per task as it finishes.

        Parameters
        ----------
        tasks : iterable of Task
            The runs.
        on_record : callable
            Called with each finished run's record.
        grace : float, optional
            Seconds past each task's limit before the hard kill.
        versions, machine : Mapping, optional
            Stored in every record (default: this host's).
        progress : Progress, optional
            Updated with each record's classification.
        wrong_stream : TextIO, optional
            Where a ``wrong`` run is announced at once (default stderr).

        Returns
        -------
        int
            The number of records produced.
        """
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """What ``meta.json`` records about the executor.

        Returns
        -------
        dict
            At least ``{"executor": name}``.
        """
        return {"executor": self.name}

    def close(self) -> None:
        """Release the executor's resources (nothing for the base class)."""
        return None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class LocalExecutor(Executor):
    """Today's pool: :func:`benchmarks.runner.run.execute` with ``jobs`` workers.

    Every record it produces gets ``"executor": "local"``.

    Parameters
    ----------
    jobs : int, optional
        Worker processes at once (>= 1).
    """

    name = "local"

    def __init__(self, jobs: int = 1) -> None:  # numpydoc ignore=GL08
        self.jobs = jobs

    def execute(self, tasks: Iterable[Task], *, on_record: Callable[[dict[str, Any]], None],
                grace: float | None = None, versions: Mapping[str, Any] | None = None,
                machine: Mapping[str, Any] | None = None, progress: Progress | None = None,
                wrong_stream: TextIO | None = None) -> int:
        """Run ``tasks`` with :func:`benchmarks.runner.run.execute` and ``jobs`` workers.

        Parameters
        ----------
        tasks : iterable of Task
            The runs, started in this order.
        on_record : callable
            Called with each finished run's record (tagged ``"executor": "local"``).
        grace : float, optional
            Seconds past each task's limit before the hard kill.
        versions, machine : Mapping, optional
            Stored in every record (default: this host's).
        progress : Progress, optional
            Updated with each record's classification.
        wrong_stream : TextIO, optional
            Where a ``wrong`` run is announced at once (default stderr).

        Returns
        -------
        int
            The number of records produced.
        """
        def tagged(rec: dict[str, Any]) -> None:
            rec["executor"] = "local"
            on_record(rec)

        return execute(tasks, jobs=self.jobs, on_record=tagged, grace=grace, versions=versions,
                       machine=machine, progress=progress, wrong_stream=wrong_stream)

    def describe(self) -> dict[str, Any]:  # numpydoc ignore=GL08
        return {"executor": "local", "jobs": self.jobs}
