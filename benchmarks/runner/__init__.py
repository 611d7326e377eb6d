"""The benchmark runner: tasks in worker processes with hard limits, executors, the results store.

Modules: :mod:`~benchmarks.runner.run` (tasks, workers, progress, shards),
:mod:`~benchmarks.runner.executors` (local and Dask executors) and
:mod:`~benchmarks.runner.results` (the resumable JSONL store).
"""
