"""The side files of a run directory: JSON files written atomically, known answers, checksums."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.runner.records import KNOWN_FILE, _clean

__all__ = ["sha256_file", "read_json", "load_known_answers", "save_known_answers", "write_json"]


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
