"""Merging results files and run directories into one run directory, one line per run key."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.runner.records import MANIFEST_FILE, META_FILE, RESULTS_FILE, ResultsWriter, read_records, record_key
from benchmarks.runner.side_files import load_known_answers, read_json, save_known_answers, write_json

__all__ = ["merge"]


def _merge_sources(out_dir: Path, inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The input paths of a merge; ValueError naming ``out`` or ``inputs`` for an unusable one."""
    if not inputs:
        raise ValueError("inputs: expected at least one result file or directory to merge")
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out: {str(out_dir)!r} must be a directory (results.jsonl is written inside)")
    if (out_dir / RESULTS_FILE).exists() and (out_dir / RESULTS_FILE).stat().st_size > 0:
        raise ValueError(f"out: {str(out_dir)!r} already holds results; choose a new directory")
    sources = [Path(p) for p in inputs]
    for src in sources:
        if not src.exists():
            raise ValueError(f"inputs: {str(src)!r} does not exist")
        if src.is_dir() and not (src / RESULTS_FILE).is_file():
            raise ValueError(f"inputs: directory {str(src)!r} has no {RESULTS_FILE}")
        if src.resolve() == out_dir.resolve():
            raise ValueError("out must differ from every input")
    return sources


def _merge_side_files(src: Path, answers: dict[str, str], manifest: dict[str, Any], meta: dict[str, Any]) -> None:
    """Add the known answers, manifest entries and ``meta.json`` of input directory ``src``."""
    for k, v in load_known_answers(src).items():
        if k in answers and answers[k] != v:
            raise ValueError(f"inputs: known answer conflict for instance {k!r}: {answers[k]} vs {v}")
        answers[k] = v
    mpath = src / MANIFEST_FILE
    if mpath.exists():
        for k, v in read_json(mpath).items():
            manifest.setdefault(k, v)
    mt = src / META_FILE
    if mt.exists():
        meta["merged_from"].append(read_json(mt))


def merge(out: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]) -> dict[str, int]:
    """Combine result files/directories ``inputs`` into the run directory ``out``.

    Records are deduplicated by :data:`KEY_FIELDS`, keeping the FIRST complete line in the order
    ``inputs`` are given (and, within a file, file order); partial trailing lines are ignored.
    Known answers and instance manifests of input directories are merged too (a YES/NO conflict
    is a ValueError).  ``out`` must not already hold results (so a merge never mixes silently).
    ``out/meta.json`` lists the ``meta.json`` of every input directory under ``merged_from``.

    Parameters
    ----------
    out : path-like
        The new run directory (created).
    inputs : sequence of path-like
        Results files or run directories, in order of precedence.

    Returns
    -------
    dict of str to int
        Counts ``{"read": ..., "written": ..., "duplicates": ...}``.

    Raises
    ------
    ValueError
        For no inputs, a missing input, a directory without ``results.jsonl``, an ``out`` that is
        a file, already holds results or is one of the inputs, a malformed complete line in an
        input, or a known-answer conflict between inputs.
    """
    out_dir = Path(out)
    sources = _merge_sources(out_dir, inputs)
    seen: set[tuple] = set()
    kept: list[dict[str, Any]] = []
    n_read = 0
    answers: dict[str, str] = {}
    manifest: dict[str, Any] = {}
    meta: dict[str, Any] = {"merged_from": []}
    for src in sources:
        # strict: a malformed complete line in an input is corruption, not something to drop
        # silently (only a trailing fragment without newline - a torn last write - is ignored)
        recs = read_records(src, strict=True)
        n_read += len(recs)
        for rec in recs:
            key = record_key(rec)
            if key not in seen:
                seen.add(key)
                kept.append(rec)
        if src.is_dir():
            _merge_side_files(src, answers, manifest, meta)
    out_dir.mkdir(parents=True, exist_ok=True)
    with ResultsWriter(out_dir / RESULTS_FILE, fsync=False) as w:
        for rec in kept:
            w.write(rec)
    fd = os.open(out_dir / RESULTS_FILE, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    if answers:
        save_known_answers(out_dir, answers)
    if manifest:
        write_json(out_dir / MANIFEST_FILE, manifest)
    write_json(out_dir / META_FILE, meta)
    return {"read": n_read, "written": len(kept), "duplicates": n_read - len(kept)}
