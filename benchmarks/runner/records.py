"""The results file: one JSON line per run, its key, the fsync'ed writer and the readers.

The file layout and why the writer looks the way it does: :mod:`benchmarks.runner.results`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

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
    "results_path",
    "to_jsonable",
    "repair",
    "ResultsWriter",
    "iter_lines",
    "read_records",
    "read_done_keys",
    "iter_jsonable",
]

RESULTS_FILE = "results.jsonl"
KNOWN_FILE = "known_answers.json"
MANIFEST_FILE = "instances.json"
META_FILE = "meta.json"
RECORD_SCHEMA = "lsahard.bench-record/1"

#: the identity of one run; ``--resume`` and ``merge`` deduplicate on it.
KEY_FIELDS = ("family", "level", "instance", "solver", "seed")

#: keys every record carries (the required minimum, plus ``problem`` and the schema).
REQUIRED_FIELDS = (
    "schema", "family", "level", "problem", "instance", "size", "solver", "seed", "status",
    "verified", "classification", "wall_s", "objective", "bound", "peak_mem_mb", "time_limit",
    "versions", "machine",
)

#: ``ok``: a decided answer (YES with an exactly verified witness, or a proven NO) that agrees with
#: the known answer (or no answer is known); ``wrong``: contradicts the known answer;
#: ``timeout``: stopped by the time limit (the solver's or the runner's hard kill) undecided;
#: ``error``: crashed, raised, or refused; ``unknown``: finished without proving anything.
CLASSIFICATIONS = ("ok", "wrong", "timeout", "error", "unknown")


def record_key(rec: Mapping[str, Any]) -> tuple[str, str, str, str, int]:
    """The key ``(family, level, instance, solver, seed)`` of a record or task dict.

    Parameters
    ----------
    rec : Mapping
        A result record or a task as a dict.

    Returns
    -------
    tuple of (str, str, str, str, int)
        The run's identity (:data:`KEY_FIELDS`).

    Raises
    ------
    ValueError
        When a key field is missing or ``seed`` is not an integer (e.g. ``"seed": null`` in a
        hand-edited or corrupt line).

    Examples
    --------
    >>> record_key({"family": "toy", "level": "source", "instance": "i", "solver": "s", "seed": "3"})
    ('toy', 'source', 'i', 's', 3)
    """
    try:
        return (str(rec["family"]), str(rec["level"]), str(rec["instance"]), str(rec["solver"]),
                int(rec["seed"]))
    except KeyError as exc:
        raise ValueError(f"record: missing key field {exc.args[0]!r}") from None
    except (TypeError, ValueError):  # e.g. "seed": null or "seed": "x" (a hand-edited/corrupt line)
        raise ValueError(f"record: seed must be an integer, got {rec.get('seed')!r}") from None


def results_path(path: str | os.PathLike[str]) -> Path:
    """The results file of ``path``: ``path/results.jsonl`` for a directory, else ``path``.

    Parameters
    ----------
    path : path-like
        A run directory or a results file.

    Returns
    -------
    Path
        The results file (it need not exist).
    """
    p = Path(path)
    return p / RESULTS_FILE if p.is_dir() else p


def _clean(x: Any) -> Any:
    """JSON-safe copy: numpy scalars/arrays -> Python, non-finite floats -> None.

    Public as :data:`to_jsonable`.  Mappings get string keys; tuples become lists.

    Parameters
    ----------
    x : Any
        A value (nested mappings, sequences and numpy values allowed).

    Returns
    -------
    Any
        The copy.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"a": np.arange(2), 1: (np.float64(1.5), float("inf"))})
    {'a': [0, 1], '1': [1.5, None]}
    """
    if isinstance(x, Mapping):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if hasattr(x, "tolist") and not isinstance(x, (str, bytes)):
        return _clean(x.tolist())
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


#: public name of the JSON normalisation the writer applies
to_jsonable = _clean


def repair(path: str | os.PathLike[str]) -> int:
    """Trim a trailing partial line (no final newline) from ``path``; return bytes removed.

    A missing file is fine (0).  Only the fragment after the last ``\\n`` is removed, so every
    complete line survives.  The truncation is fsync'ed.

    Parameters
    ----------
    path : path-like
        A results file.

    Returns
    -------
    int
        The number of bytes removed (0 for a missing, empty or intact file).
    """
    p = Path(path)
    if not p.exists():
        return 0
    size = p.stat().st_size
    if size == 0:
        return 0
    with open(p, "rb+") as fh:
        # scan back in blocks for the last newline
        block = 65536
        pos = size
        last_nl = -1
        while pos > 0 and last_nl < 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            idx = chunk.rfind(b"\n")
            if idx >= 0:
                last_nl = start + idx
            pos = start
        keep = last_nl + 1  # 0 if there is no newline at all
        if keep < size:
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
        return size - keep


class ResultsWriter:
    """Append-only, fsync'ed JSON-lines writer (one ``os.write`` per complete line).

    Use as a context manager.  ``write(record)`` validates the key fields, serialises, writes
    and fsyncs before returning, so a record that ``write`` returned for survives any later
    crash of this process.  Opening creates the parent directory and first trims a torn last
    line (:func:`repair`).

    Parameters
    ----------
    path : path-like
        The results file (created if missing, appended to otherwise).
    fsync : bool, optional
        Call fsync after every line (default True; ``merge`` turns it off and fsyncs once at the end).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with ResultsWriter(pathlib.Path(tmp) / RESULTS_FILE) as w:
    ...         w.write({"family": "toy", "level": "source", "instance": "i", "solver": "s", "seed": 0,
    ...                  "wall_s": float("nan")})
    ...     read_records(tmp)
    [{'family': 'toy', 'instance': 'i', 'level': 'source', 'seed': 0, 'solver': 's', 'wall_s': None}]
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = True) -> None:  # numpydoc ignore=GL08
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repair(self.path)
        self._fsync = bool(fsync)
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, record: Mapping[str, Any]) -> None:
        """Append ``record`` as one JSON line (keys sorted, non-finite floats as null) and fsync.

        Parameters
        ----------
        record : Mapping
            A result record with the :data:`KEY_FIELDS`.

        Raises
        ------
        ValueError
            After :meth:`close`, for a record without valid key fields (:func:`record_key`), or
            when the serialised line would contain a newline.
        """
        if self._fd is None:
            raise ValueError("ResultsWriter: write after close")
        record_key(record)
        line = json.dumps(_clean(record), sort_keys=True, separators=(",", ":"), allow_nan=False)
        if "\n" in line:  # json.dumps escapes newlines in strings; guard against surprises
            raise ValueError("record: serialised line contains a newline")
        data = (line + "\n").encode("utf-8")
        written = os.write(self._fd, data)
        while written < len(data):  # regular files write fully; loop only for exotic filesystems
            written += os.write(self._fd, data[written:])
        if self._fsync:
            os.fsync(self._fd)

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw bytes)`` of every complete non-blank line (a trailing fragment is ignored).

    Parameters
    ----------
    path : Path
        A results file.

    Yields
    ------
    tuple of (int, bytes)
        1-based line number and the line without its newline.
    """
    with open(path, "rb") as fh:
        data = fh.read()
    lines = data.split(b"\n")
    # the last element is b"" for a file ending in a newline, else a partial fragment: ignore it
    for i, raw in enumerate(lines[:-1], start=1):
        if raw.strip():
            yield i, raw


def read_records(path: str | os.PathLike[str], *, strict: bool = False) -> list[dict[str, Any]]:
    """All complete records of a results file (or directory), in file order.

    A trailing fragment without newline is ignored.  Lines that are not JSON objects with the key
    fields are skipped (``strict=True``: ValueError naming the line).

    Parameters
    ----------
    path : path-like
        A results file or a run directory (:func:`results_path`).
    strict : bool, optional
        Raise on a malformed complete line instead of skipping it.

    Returns
    -------
    list of dict
        The records; ``[]`` for a missing file.

    Raises
    ------
    ValueError
        With ``strict=True``, for a malformed complete line (``FILE:LINE: malformed record``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = pathlib.Path(tmp) / RESULTS_FILE
    ...     _ = f.write_text('{"family":"toy","level":"source","instance":"i","solver":"s","seed":0}\\n'
    ...                      'not json\\n{"family": "torn')
    ...     [r["instance"] for r in read_records(f)]
    ['i']
    """
    p = results_path(path)
    if not p.exists():
        return []
    out: list[dict[str, Any]] = []
    for lineno, raw in iter_lines(p):
        try:
            rec = json.loads(raw.decode("utf-8"))  # UnicodeDecodeError is a ValueError too
            if not isinstance(rec, dict):
                raise ValueError("not a JSON object")
            record_key(rec)
        except ValueError as exc:
            if strict:
                raise ValueError(f"{p}:{lineno}: malformed record ({exc})") from None
            continue
        out.append(rec)
    return out


def read_done_keys(path: str | os.PathLike[str]) -> set[tuple[str, str, str, str, int]]:
    """Collect the keys of every finished run in a results file (what ``--resume`` skips).

    Parameters
    ----------
    path : path-like
        A results file or a run directory.

    Returns
    -------
    set of tuple
        :func:`record_key` of every complete record.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with ResultsWriter(pathlib.Path(tmp) / RESULTS_FILE) as w:
    ...         w.write({"family": "toy", "level": "source", "instance": "i", "solver": "s", "seed": 1})
    ...     read_done_keys(tmp)
    {('toy', 'source', 'i', 's', 1)}
    """
    return {record_key(r) for r in read_records(path)}


def iter_jsonable(records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield the records made JSON-safe (numpy -> Python, non-finite -> None).

    Parameters
    ----------
    records : iterable of Mapping
        Result records.

    Yields
    ------
    dict
        A JSON-safe copy of each record.
    """
    for r in records:
        yield _clean(dict(r))
