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
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

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
]

RESULTS_FILE = "results.jsonl"
KNOWN_FILE = "known_answers.json"
MANIFEST_FILE = "instances.json"
META_FILE = "meta.json"
RECORD_SCHEMA = "lsahard.bench-record/1"

#: the identity of one run; ``--resume`` and ``merge`` deduplicate on it.
KEY_FIELDS = ("family", "level", "instance", "solver", "seed")

#: keys every record carries (the issue's minimum, plus ``problem`` and the schema).
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

    def __enter__(self) -> "ResultsWriter":
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


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes (the report's checksum of the results).

    Parameters
    ----------
    path : path-like
        Any file (read in 1 MiB blocks).

    Returns
    -------
    str
        64 hex digits.
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_json(path: str | os.PathLike[str], *, want: type | None = dict) -> Any:
    """JSON content of ``path``, checked to be of type ``want``.

    A corrupt side file gives one clear line naming the file instead of a bare decoder message.

    Parameters
    ----------
    path : path-like
        A JSON file (UTF-8).
    want : type or None, optional
        The expected type of the content (default ``dict``; None: any).

    Returns
    -------
    Any
        The decoded content.

    Raises
    ------
    ValueError
        Naming the file, if it is not valid UTF-8 JSON or not of type ``want``.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    if want is not None and not isinstance(data, want):
        raise ValueError(f"{path}: expected a JSON {'object' if want is dict else want.__name__}, "
                         f"got {type(data).__name__}")
    return data


def load_known_answers(path: str | os.PathLike[str]) -> dict[str, str]:
    """``instance id -> "YES"/"NO"`` from a run directory or a known-answers file ({} if absent).

    Parameters
    ----------
    path : path-like
        A run directory (its :data:`KNOWN_FILE` is read) or a known-answers file.

    Returns
    -------
    dict of str to str
        Instance id -> ``"YES"`` or ``"NO"``; ``{}`` when the file does not exist.

    Raises
    ------
    ValueError
        If the file is not a JSON object or an answer is not ``"YES"``/``"NO"``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     before = load_known_answers(tmp)
    ...     _ = save_known_answers(tmp, {"toy-n2-00p": "YES"})
    ...     before, load_known_answers(tmp)
    ({}, {'toy-n2-00p': 'YES'})
    """
    p = Path(path)
    if p.is_dir():
        p = p / KNOWN_FILE
    if not p.exists():
        return {}
    data = read_json(p, want=None)
    if not isinstance(data, dict):
        raise ValueError(f"{p}: expected a JSON object instance id -> YES/NO")
    out: dict[str, str] = {}
    for k, v in data.items():
        if v not in ("YES", "NO"):
            raise ValueError(f"{p}: answer of {k!r} must be 'YES' or 'NO', got {v!r}")
        out[str(k)] = v
    return out


def _atomic_write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(_clean(data), fh, indent=1, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def save_known_answers(directory: str | os.PathLike[str], answers: Mapping[str, str]) -> Path:
    """Merge ``answers`` into ``directory/known_answers.json`` (atomic replace).

    ValueError if an instance already has the opposite answer: two independent certificates
    disagreeing means a generator or decider bug, never something to overwrite silently.
    The file is written sorted by instance id (temp file, fsync, rename).

    Parameters
    ----------
    directory : path-like
        The run directory (created if needed).
    answers : Mapping of str to str
        Instance id -> ``"YES"`` or ``"NO"``.

    Returns
    -------
    Path
        The known-answers file.

    Raises
    ------
    ValueError
        For an answer other than ``"YES"``/``"NO"``, or one that contradicts the stored answer.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = save_known_answers(tmp, {"a": "YES"})
    ...     _ = save_known_answers(tmp, {"b": "NO"})
    ...     print(load_known_answers(tmp))
    ...     try:
    ...         save_known_answers(tmp, {"a": "NO"})
    ...     except ValueError as exc:
    ...         print(exc)
    {'a': 'YES', 'b': 'NO'}
    known answer conflict for instance 'a': YES vs NO
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    current = load_known_answers(d)
    for k, v in answers.items():
        if v not in ("YES", "NO"):
            raise ValueError(f"answers[{k!r}]: expected 'YES' or 'NO', got {v!r}")
        if k in current and current[k] != v:
            raise ValueError(f"known answer conflict for instance {k!r}: {current[k]} vs {v}")
        current[str(k)] = v
    path = d / KNOWN_FILE
    _atomic_write_json(path, dict(sorted(current.items())))
    return path


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Atomic JSON write (temp file + fsync + rename).

    The content is made JSON-safe first (:data:`to_jsonable`) and written indented with sorted
    keys; the parent directory is created if needed.

    Parameters
    ----------
    path : path-like
        The JSON file to (re)write.
    data : Any
        JSON-able content (numpy values allowed).
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write_json(p, data)


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
