"""The benchmark runner: tasks in worker processes with hard limits, executors, the results store.

Modules: :mod:`~benchmarks.runner.task` (a run and its classification),
:mod:`~benchmarks.runner.worker` (the worker process and the fork server),
:mod:`~benchmarks.runner.run` (the execute loop), :mod:`~benchmarks.runner.progress` (the
progress bar), :mod:`~benchmarks.runner.shards` (``--shard I/K``),
:mod:`~benchmarks.runner.machine` (versions and machine info),
:mod:`~benchmarks.runner.executors` (local and Dask executors:
:mod:`~benchmarks.runner.local_executor`, :mod:`~benchmarks.runner.dask_executor`) and
:mod:`~benchmarks.runner.results` (the resumable JSONL store: :mod:`~benchmarks.runner.records`,
:mod:`~benchmarks.runner.side_files`, :mod:`~benchmarks.runner.merging`).
"""
