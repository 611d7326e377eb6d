"""Instance files on disk: which files are instances, their names, and the paths a user gives.

Read are DIMACS CNF ``.cnf`` (also ``.dimacs``, and compressed ``.cnf.gz`` / ``.cnf.xz``), DIMACS
graph colouring ``.col``, and ``.json`` (lsahard problem JSON, ``lsahard.bilinear/1`` programs).
A ``.json`` file that is an answers map is a manifest, not an instance.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["SUFFIXES", "suffix_of", "instance_name", "collect_paths", "is_manifest"]

#: file endings read as instances (longest first: ``.cnf.gz`` before ``.gz``)
SUFFIXES = (".cnf.gz", ".cnf.xz", ".cnf", ".dimacs", ".col", ".json")


def suffix_of(path: Path) -> str | None:
    """The instance suffix of ``path`` (one of :data:`SUFFIXES`, lower case), None if it has none.

    Parameters
    ----------
    path : Path
        A file name or path (only the name is read; case-insensitive).

    Returns
    -------
    str or None
        The longest matching suffix.

    Examples
    --------
    >>> from pathlib import Path
    >>> suffix_of(Path("uf20-01.CNF.gz")), suffix_of(Path("notes.txt"))
    ('.cnf.gz', None)
    """
    name = path.name.lower()
    for s in SUFFIXES:
        if name.endswith(s):
            return s
    return None


def instance_name(path: str | os.PathLike[str]) -> str:
    """The instance id of a file: its name without the instance suffix.

    Parameters
    ----------
    path : path-like
        An instance file.

    Returns
    -------
    str
        The file name without its instance suffix (or without its last suffix, for another file).

    Examples
    --------
    >>> instance_name("data/uf20-01.cnf.gz")
    'uf20-01'
    """
    p = Path(path)
    s = suffix_of(p)
    return p.name[: -len(s)] if s else p.stem


def collect_paths(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Instance files named by ``paths`` (files, directories searched recursively, globs).

    The result is in a stable order (sorted per path, paths in the given order), each file once.
    Hidden files and answers manifests (:func:`is_manifest`) found in directories or by globs
    are left out.

    Parameters
    ----------
    paths : sequence of path-like
        Files, directories or glob patterns.

    Returns
    -------
    list of Path
        The instance files.

    Raises
    ------
    ValueError
        For a path that matches nothing, does not exist, or is a file without an instance suffix.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        text = str(raw)
        p = Path(text)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and suffix_of(q) is not None
                           and not q.name.startswith("."))
            # a manifest in the directory is not an instance
            found = [q for q in found if not is_manifest(q)]
        elif p.is_file():
            if suffix_of(p) is None:
                raise ValueError(f"paths: {text!r} is not an instance file (expected one of "
                                 f"{', '.join(SUFFIXES)})")
            found = [p]
        elif glob.has_magic(text):
            found = sorted(Path(q) for q in glob.glob(text, recursive=True)
                           if Path(q).is_file() and suffix_of(Path(q)) is not None)
            found = [q for q in found if not is_manifest(q)]
        else:
            raise ValueError(f"paths: no such file or directory {text!r}")
        if not found:
            raise ValueError(f"paths: no instance files ({', '.join(SUFFIXES)}) in {text!r}")
        for q in found:
            r = q.resolve()
            if r not in seen:
                seen.add(r)
                out.append(q)
    return out


def is_manifest(path: Path) -> bool:
    """Whether ``path`` is a ``.json`` answers map, not a problem (``{"x.cnf": "YES", ...}``).

    Parameters
    ----------
    path : Path
        A file.

    Returns
    -------
    bool
        True for a non-empty JSON object of strings or objects without ``problem``, ``schema``
        or ``nodes`` keys; False for anything else, an unreadable file included.
    """
    if path.suffix.lower() != ".json":
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "problem" not in data and "schema" not in data and \
        "nodes" not in data and bool(data) and all(isinstance(v, (str, dict)) for v in data.values())
