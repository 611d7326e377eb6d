"""The benchmark results store: one JSON line per (family, level, instance, solver, seed) run.

File layout of a run directory ``DIR`` (see the README section "Benchmarks")::

    DIR/results.jsonl        one complete JSON object per line, appended as each run finishes
    DIR/known_answers.json   instance id -> "YES" / "NO" (construction or brute force)
    DIR/instances.json       instance manifest (family, size, planted, provenance of the answer)
    DIR/meta.json            suite, time limit, versions, machine (of the last invocation) and
                             ``sessions``: start, end, shard, jobs and counts of every invocation
                             (``--resume`` appends one; each record names its session in ``session``)
    DIR/instances/...        every instance at every level (JSON), for re-running a single case

Durability (why the writer looks the way it does): every record is serialised first and
handed to the kernel in ONE ``os.write`` on a descriptor opened with ``O_APPEND``, followed by
``os.fsync``.  A killed process therefore leaves either the whole line or (if the kill lands
inside the write of a very long line, or the disk fills) a trailing fragment without its
newline; :func:`repair` trims such a fragment before anything is appended, and the readers
ignore it.  Nothing ever rewrites earlier lines.

Modules: :mod:`~benchmarks.runner.records` (the results file: record key, writer, readers),
:mod:`~benchmarks.runner.side_files` (known answers and the other JSON side files) and
:mod:`~benchmarks.runner.merging` (``lsahard bench merge``); their public names are importable
from here too.
"""

from __future__ import annotations

from benchmarks.runner.merging import merge
from benchmarks.runner.records import (
                                       CLASSIFICATIONS,
                                       KEY_FIELDS,
                                       KNOWN_FILE,
                                       MANIFEST_FILE,
                                       META_FILE,
                                       RECORD_SCHEMA,
                                       REQUIRED_FIELDS,
                                       RESULTS_FILE,
                                       ResultsWriter,
                                       iter_jsonable,
                                       iter_lines,
                                       read_done_keys,
                                       read_records,
                                       record_key,
                                       repair,
                                       results_path,
                                       to_jsonable,
)
from benchmarks.runner.side_files import load_known_answers, read_json, save_known_answers, sha256_file, write_json

__all__ = [
    "RESULTS_FILE",
    "KNOWN_FILE",
    "MANIFEST_FILE",
    "META_FILE",
    "RECORD_SCHEMA",
    "KEY_FIELDS",
    "REQUIRED_FIELDS",
    "CLASSIFICATIONS",
    "record_key",
    "ResultsWriter",
    "repair",
    "read_records",
    "read_done_keys",
    "sha256_file",
    "results_path",
    "load_known_answers",
    "save_known_answers",
    "read_json",
    "merge",
    "to_jsonable",
    "write_json",
    "iter_lines",
    "iter_jsonable",
]
