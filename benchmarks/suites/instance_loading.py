"""The user's instance files read in: each file's problem, size and known answer, and the chain of each problem."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reductions
from benchmarks.suites.answers import read_answers
from benchmarks.suites.instance_files import collect_paths, instance_name, suffix_of

__all__ = ["CHAINS", "SOURCE_DECIDER", "FileInstance", "load_instances"]

_SEP_TAIL = ("separability", "bm_program", "lsa_program")

#: the reduction chain of each source problem (the same rules as the generated families)
CHAINS: dict[str, tuple[str, ...]] = {
    "cnf": ("cnf", "nae_sat") + _SEP_TAIL,
    "nae_sat": ("nae_sat",) + _SEP_TAIL,
    "set_splitting": ("set_splitting",) + _SEP_TAIL,
    "coloring": ("coloring", "cnf", "nae_sat") + _SEP_TAIL,
    "partition": ("partition", "lsa_program"),
    "separability": _SEP_TAIL,
    "bm_program": ("bm_program", "lsa_program"),
    "lsa_program": ("lsa_program",),
}

#: the exact decider that gives a source its known answer when no manifest does
SOURCE_DECIDER = {"cnf": "sat", "nae_sat": "sat", "set_splitting": "sat", "coloring": "sat",
                  "separability": "scip", "partition": "milp"}

#: the size entry reported as the instance's size, per problem (else the first entry)
_SIZE_KEY = {"cnf": "n_vars", "nae_sat": "n_vars", "set_splitting": "n", "partition": "n",
             "coloring": "n_nodes", "separability": "n_outside"}


@dataclass
class FileInstance:
    """One instance file: its problem, size, and known answer with its provenance.

    Attributes
    ----------
    name : str
        Instance id (the file name without its suffix).
    path : Path
        The file.
    problem : Any
        The loaded problem object (``reductions.load_problem``).
    size : int
        The source's main size (variables of a CNF, nodes of a graph, ...).
    answer : {"YES", "NO", None}, optional
        Known answer.
    provenance : str, optional
        How it is known (``manifest``, a decider, or ``unknown``).
    family : str, optional
        ``<problem>-files``.
    extra : dict, optional
        More facts (``k``: colours of a colouring problem).
    """

    name: str
    path: Path
    problem: Any
    size: int
    answer: str | None = None
    provenance: str = "unknown"
    family: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _match(entries: Mapping[str, dict[str, Any]], path: Path, base: Path | None) -> dict[str, Any] | None:
    cands = [str(path), path.name, instance_name(path)]
    try:
        cands.append(str(path.resolve()))
        if base is not None:
            cands.append(os.path.relpath(path.resolve(), base.resolve()))
    except (OSError, ValueError):
        pass
    for c in cands:
        if c in entries:
            return entries[c]
    return None


def _size_of(problem: Any) -> int:
    s = dict(problem.size())
    key = _SIZE_KEY.get(problem.PROBLEM)
    if key in s:
        return int(s[key])
    for v in s.values():
        if isinstance(v, int) and not isinstance(v, bool):
            return int(v)
    return 0


def _decide_known(problem: Any, budget: float) -> tuple[str | None, str]:
    """Known answer by the exact source decider within ``budget`` seconds (None if it did not
    finish, or the problem has no source decider)."""
    method = SOURCE_DECIDER.get(problem.PROBLEM)
    if method is None or budget <= 0:
        return None, "unknown"
    dec = reductions.decide(problem, method=method, time_limit=float(budget))
    if dec.answer is True:
        if dec.witness is not None and problem.check(dec.witness):
            return "YES", f"{method} decider (exact witness)"
        return None, "unknown"
    if dec.answer is False:
        return "NO", f"{method} decider ({getattr(dec, 'proof', 'solver proof')})"
    return None, "unknown"



def _colours(path: Path, colors: int | None, ent: Mapping[str, Any] | None) -> int | None:
    """The number of colours of a DIMACS ``.col`` graph (None for other files)."""
    if suffix_of(path) != ".col":
        return None
    k = colors
    if k is None and ent is not None:
        k = ent.get("colors") or ent.get("chi")
    if k is None:
        raise ValueError(f"colors: {path}: a DIMACS .col graph needs a number of colours "
                         "(colors=K, or colors / =chi= in the answers manifest)")
    return k


def _manifest_answer(problem: Any, ent: Mapping[str, Any] | None, name: str) -> tuple[str | None, str]:
    """The known answer the manifest entry gives ``problem`` (chi, or a YES/NO for these colours)."""
    answer, prov = None, "unknown"
    if ent is None:
        return answer, prov
    if problem.PROBLEM == "coloring" and ent.get("chi") is not None:
        answer, prov = ("YES" if problem.k >= ent["chi"] else "NO"), f"manifest (chi = {ent['chi']})"
    if ent.get("answer") is not None:
        mk = ent.get("colors")
        if problem.PROBLEM != "coloring" or mk is None or mk == problem.k:
            if answer is not None and answer != ent["answer"]:
                raise ValueError(f"answers: {name}: answer {ent['answer']} contradicts chi = {ent['chi']}")
            answer, prov = ent["answer"], "manifest"
    return answer, prov


def _load_one(path: Path, ent: Mapping[str, Any] | None, colors: int | None, answer_budget: float,
              warn: Callable[[str], None] | None) -> FileInstance:
    name = instance_name(path)
    try:
        problem = reductions.load_problem(path, k=_colours(path, colors, ent))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"paths: {exc}") from None
    answer, prov = _manifest_answer(problem, ent, name)
    if answer is None:
        try:
            answer, prov = _decide_known(problem, answer_budget)
        except Exception as exc:  # noqa: BLE001 - no known answer is no reason to stop
            if warn is not None:
                warn(f"{name}: the source decider failed ({type(exc).__name__}: {exc}); no known answer")
            answer, prov = None, "unknown"
    if problem.PROBLEM not in CHAINS:
        raise ValueError(f"paths: {path}: problem {problem.PROBLEM!r} has no benchmark chain")
    return FileInstance(name, path, problem, _size_of(problem), answer, prov, f"{problem.PROBLEM}-files",
                        {"k": getattr(problem, "k", None)})


def load_instances(paths: Sequence[str | os.PathLike[str]], *, answers: str | os.PathLike[str] | None = None,
                   colors: int | None = None, answer_budget: float = 10.0,
                   warn: Callable[[str], None] | None = None) -> list[FileInstance]:
    """Read every instance file of ``paths`` with its known answer (see :mod:`benchmarks.suites.instances`).

    Parameters
    ----------
    paths : sequence of path
        Files, directories (searched recursively) or globs.
    answers : path, optional
        A manifest of known answers (:func:`~benchmarks.suites.answers.read_answers`).
    colors : int, optional
        Colours of DIMACS ``.col`` graphs (default: from the manifest).
    answer_budget : float
        Seconds for the exact source decider of an instance the manifest does not answer.
    warn : callable, optional
        Called with a message for each manifest entry matching no file and each failed decider.

    Returns
    -------
    list of FileInstance
        One per file, in the order of :func:`~benchmarks.suites.instance_files.collect_paths`.

    Raises
    ------
    ValueError
        For paths that match no instance file, a file that cannot be loaded or has no benchmark
        chain, two files with the same instance name, a ``.col`` graph without a number of
        colours, a bad manifest, or a manifest answer that contradicts its chromatic number.
    """
    files = collect_paths(paths)
    entries = read_answers(answers) if answers is not None else {}
    base = Path(answers).parent if answers is not None else None
    by_name: dict[str, Path] = {}
    out: list[FileInstance] = []
    used: set[int] = set()
    for path in files:
        name = instance_name(path)
        if name in by_name:
            raise ValueError(f"paths: two files give the instance name {name!r}: {by_name[name]} and "
                             f"{path} (rename one)")
        by_name[name] = path
        ent = _match(entries, path, base)
        if ent is not None:
            used.add(id(ent))
        out.append(_load_one(path, ent, colors, answer_budget, warn))
    if warn is not None:
        unused = [k for k, e in entries.items() if id(e) not in used]
        if unused:
            warn(f"answers: {len(unused)} manifest entries match no instance file (e.g. {unused[0]!r})")
    return out
