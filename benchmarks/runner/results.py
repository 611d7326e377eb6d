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
    """``(family, level, instance, solver, seed)`` of a record or task dict."""
    try:
        return (str(rec["family"]), str(rec["level"]), str(rec["instance"]), str(rec["solver"]),
                int(rec["seed"]))
    except KeyError as exc:
        raise ValueError(f"record: missing key field {exc.args[0]!r}") from None
    except (TypeError, ValueError):  # e.g. "seed": null or "seed": "x" (a hand-edited/corrupt line)
        raise ValueError(f"record: seed must be an integer, got {rec.get('seed')!r}") from None


def results_path(path: str | os.PathLike[str]) -> Path:
    """The results file of ``path``: ``path/results.jsonl`` for a directory, else ``path``."""
    p = Path(path)
    return p / RESULTS_FILE if p.is_dir() else p


def _clean(x: Any) -> Any:
    """JSON-safe copy: numpy scalars/arrays -> Python, non-finite floats -> None."""
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
    complete line survives.
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
    crash of this process.
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repair(self.path)
        self._fsync = bool(fsync)
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, record: Mapping[str, Any]) -> None:
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
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "ResultsWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
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
    """Keys of every finished run in a results file (what ``--resume`` skips)."""
    return {record_key(r) for r in read_records(path)}


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes (the report's checksum of the results)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_json(path: str | os.PathLike[str], *, want: type | None = dict) -> Any:
    """JSON content of ``path``; ValueError naming the file if it is not valid UTF-8 JSON (of type
    ``want``), so a corrupt side file gives one clear line instead of a bare decoder message."""
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
    """``instance id -> "YES"/"NO"`` from a run directory or a known-answers file ({} if absent)."""
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
    """Atomic JSON write (temp file + fsync + rename)."""
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
    Returns counts ``{"read": ..., "written": ..., "duplicates": ...}``.
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
    """Records made JSON-safe (numpy -> Python, non-finite -> None)."""
    for r in records:
        yield _clean(dict(r))
