"""Reading a problem instance from a dict or a file, dispatched through the problem registry.

``load_problem`` reads any problem from a dict or a file (``.json``, DIMACS ``.cnf`` /
``.cnf.gz`` / ``.cnf.xz``, DIMACS ``.col``, or a networkx-readable graph file for colouring).
"""

from __future__ import annotations

import gzip
import json
import lzma
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reductions.problems.cnf import CNF
from reductions.problems.coloring import Coloring
from reductions.problems.problem import Problem, problem_class
from reductions.problems.values import read_text

__all__ = ["load_problem", "BILINEAR_SCHEMA", "GRAPH_SUFFIXES"]

#: schema string of the generalised LSA program (``recovery.programs.program.BilinearProgram``).
BILINEAR_SCHEMA = "lsahard.bilinear/1"

#: file suffixes read as colouring graphs by ``load_problem`` (networkx readers).
GRAPH_SUFFIXES = (".graphml", ".gml", ".edgelist", ".adjlist")


def _load_dict(data: Mapping[str, Any], k: int | None = None) -> Problem:
    if data.get("schema") == BILINEAR_SCHEMA and "problem" not in data:
        return problem_class("lsa_program").from_json(data)
    name = data.get("problem")
    if name is None and "nodes" in data and ("edges" in data or "links" in data):
        # bare networkx node-link data: a colouring instance (k from the argument or graph["k"])
        k = k if k is not None else (data.get("graph") or {}).get("k")
        if k is None:
            raise ValueError("k: node-link graph data without a 'k' attribute; pass the number of colours")
        return problem_class("coloring").from_json({"problem": "coloring", "k": k, "graph": data})
    if name is None:
        raise ValueError('problem: the JSON object has no "problem" key (and is not a "lsahard.bilinear/1" program)')
    return problem_class(name).from_json(data)


def _read_compressed(path: Path) -> str:
    """Text of a ``.gz`` / ``.xz`` file (ValueError naming the file if it is not valid)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else lzma.open
    try:
        with opener(path, "rb") as fh:
            return fh.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"instance: {path}: not UTF-8 text inside ({exc.reason} at byte {exc.start})") from None
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise ValueError(f"instance: {path}: cannot decompress ({exc})") from None


def _read_json(path: Path, k: int | None) -> Problem:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"instance: {path}: invalid JSON ({exc})") from exc
    except ValueError as exc:  # Python's limit on integer digits (4300 by default)
        raise ValueError(f"instance: {path}: a number in the JSON text is too long to read ({exc})") from None
    if not isinstance(data, Mapping):
        raise ValueError(f"instance: {path}: expected a JSON object")
    return _load_dict(data, k)


def _cnf_class() -> type[CNF]:
    """The class registered as ``cnf`` (TypeError unless it derives from CNF, whose DIMACS reader is used)."""
    cls = problem_class("cnf")
    if not issubclass(cls, CNF):
        raise TypeError(f"problem 'cnf' is registered as {cls.__qualname__}, which does not derive from CNF")
    return cls


def _coloring_class() -> type[Coloring]:
    """The class registered as ``coloring`` (TypeError unless it derives from Coloring)."""
    cls = problem_class("coloring")
    if not issubclass(cls, Coloring):
        raise TypeError(f"problem 'coloring' is registered as {cls.__qualname__}, which does not derive from Coloring")
    return cls


def _load_path(path: Path, k: int | None) -> Problem:
    if not path.exists():
        raise OSError(f"instance: no such file {str(path)!r}")
    suffix = path.suffix.lower()
    if path.name.lower().endswith((".cnf.gz", ".cnf.xz")):
        return _cnf_class().from_dimacs(_read_compressed(path), source=str(path))
    if suffix == ".col":
        return _coloring_class().read_dimacs(path, k=k)
    if suffix == ".json":
        return _read_json(path, k)
    if suffix in (".cnf", ".dimacs"):
        return _cnf_class().read_dimacs(path)
    if suffix in GRAPH_SUFFIXES:
        return _coloring_class().read_graph(path, k=k)
    raise ValueError(
        f"instance: unsupported file suffix {suffix!r}; expected .json, .cnf, .cnf.gz, .cnf.xz, .col "
        f"or one of {GRAPH_SUFFIXES}"
    )


def load_problem(obj: Any, *, k: int | None = None) -> Problem:
    """Read a problem instance.

    Parameters
    ----------
    obj : Problem, dict, str or Path
        A Problem (returned as is); a dict (dispatch on its ``"problem"`` key through the problem
        registry; a dict with ``"schema": "lsahard.bilinear/1"`` and no ``"problem"`` key is an
        ``lsa_program``); or a path: ``.json`` (a problem dict, or bare networkx node-link data read
        as colouring), ``.cnf``/``.dimacs`` (DIMACS CNF, also compressed as ``.cnf.gz`` /
        ``.cnf.xz``), ``.col`` (DIMACS graph colouring, ``k`` colours required), or a
        networkx-readable graph (``.graphml``, ``.gml``, ``.edgelist``, ``.adjlist``) read as a
        colouring instance.
    k : int or None
        Number of colours of a colouring instance read from a graph (else the graph attribute ``"k"``).

    Returns
    -------
    Problem
        The instance; ValueError/OSError naming ``instance`` for unreadable input.

    Examples
    --------
    >>> load_problem({"problem": "partition", "values": [1, 1]}).PROBLEM
    'partition'
    """
    if isinstance(obj, Problem):
        return obj
    if isinstance(obj, Mapping):
        return _load_dict(obj, k)
    if isinstance(obj, (str, Path)):
        return _load_path(Path(obj), k)
    raise TypeError(f"instance: expected a dict, a path or a Problem, got {type(obj).__name__}")
