"""Benchmarks of the user's own instances: ``lsahard bench --instances PATH [PATH ...] --out DIR``.

Inputs
------
Each PATH is a file, a directory (searched recursively) or a glob.  Read are:

* DIMACS CNF ``.cnf`` (also ``.dimacs``, and compressed ``.cnf.gz`` / ``.cnf.xz``),
* DIMACS graph colouring ``.col`` (``p edge N M`` / ``e u v``; the number of colours from
  ``colors`` or from the manifest),
* lsahard problem JSON (``{"problem": ..., ...}``) and ``lsahard.bilinear/1`` programs (``.json``).

Every file is one instance, named by its file name without the suffix (names must be unique).
It is pushed down its reduction chain (:data:`CHAINS`) to the levels asked for (``levels``,
default all: ``source``, then every problem of the chain) and every level is solved by every
applicable installed solver: the source deciders of :data:`reductions.deciders.source.METHOD_PROBLEMS`
(``sat`` - PySAT - for cnf / nae_sat / set_splitting / coloring, ``scip`` for separability,
``milp`` everywhere, ``brute`` where the instance is small enough), ``milp`` and
``alternating`` for Bennett-Mangasarian programs, and the whole ``recovery.programs.solvers`` portfolio
for LSA programs.  The run directory and the report are those of a generated suite (suite name
``instances``, one family ``<problem>-files`` per source problem, size = the source's main size:
variables of a CNF, nodes of a graph, ...).

Known answers
-------------
1. ``--answers FILE``: a JSON object mapping a file (its name, its name without suffix, or its
   path) to ``"YES"``/``"NO"`` (``SAT``/``UNSAT`` too) or to an object ``{"answer": ...,
   "colors": K, "chi": X}``; or MIPLIB-style ``.solu`` text: ``=sat= NAME``, ``=unsat= NAME``,
   ``=inf= NAME`` (NO) and ``=chi= NAME X`` (chromatic number: a graph is K-colourable iff
   K >= X; without ``--colors`` it is run with K = X colours, a YES instance).
2. else an exact source decider (:func:`reductions.decide`) given ``--answer-budget`` seconds
   (YES only with a witness that passes the exact check, NO with the decider's proof);
3. else none: the runs then count by what they prove, as for large random instances.

Modules: :mod:`~benchmarks.suites.instance_loading` (the files read with their known answers) and
:mod:`~benchmarks.suites.file_families` (their families, levels and suite); their public names are
importable from here too.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from benchmarks.suites.answers import read_answers
from benchmarks.suites.driver import RunSummary, run_suite
from benchmarks.suites.file_families import FileCase, FileFamily, build_suite, level_choices, parse_levels
from benchmarks.suites.instance_files import SUFFIXES, collect_paths, instance_name
from benchmarks.suites.instance_loading import CHAINS, SOURCE_DECIDER, FileInstance, load_instances

__all__ = ["SUFFIXES", "CHAINS", "SOURCE_DECIDER", "collect_paths", "instance_name", "read_answers",
           "FileInstance", "FileCase", "load_instances", "FileFamily", "build_suite", "level_choices", "parse_levels",
           "run_instances"]


def run_instances(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], *,
                  levels: str | Sequence[str] | None = None, answers: str | os.PathLike[str] | None = None,
                  colors: int | None = None, answer_budget: float = 10.0, time_limit: float | None = None,
                  seeds: int | None = None, stream: TextIO | None = None, **run_kw: Any) -> RunSummary:
    """Benchmark the instance files ``paths`` into ``out_dir`` (``lsahard bench --instances``).

    The files are read with their known answers (:func:`load_instances`), grouped into a suite
    (:func:`build_suite`) and run; ``meta.json`` records the paths, the manifest and every
    file's known answer under ``instances``.

    Parameters
    ----------
    paths : sequence of path-like
        Files, directories (searched recursively) or globs.
    out_dir : path-like
        The run directory.
    levels : str or sequence of str, optional
        Levels to run (:func:`parse_levels`; default all).
    answers : path-like, optional
        A manifest of known answers (JSON or ``.solu``).
    colors : int, optional
        Colours of DIMACS ``.col`` graphs (>= 1).
    answer_budget : float, optional
        Seconds (>= 0) for the exact source decider of an instance the manifest does not answer.
    time_limit : float, optional
        Seconds per run (default 10).
    seeds : int, optional
        Solver seeds per run (default 1).
    stream : TextIO, optional
        Warnings and progress (default stderr).
    **run_kw
        Goes to :func:`benchmarks.suites.catalog.run_suite` (``jobs``, ``resume``, ``shard``,
        ``grace``, ``progress``, ``executor``, ...).

    Returns
    -------
    RunSummary
        Its :class:`~benchmarks.suites.catalog.RunSummary`, with the loading warnings first.

    Raises
    ------
    ValueError
        For ``colors`` that is not an integer >= 1, an ``answer_budget`` that is not a number
        >= 0, unknown levels, and whatever :func:`load_instances` and ``run_suite`` refuse.
    """
    stream = sys.stderr if stream is None else stream
    if colors is not None and (isinstance(colors, bool) or not isinstance(colors, int) or colors < 1):
        raise ValueError(f"colors must be an integer >= 1, got {colors!r}")
    if not (isinstance(answer_budget, (int, float)) and math.isfinite(answer_budget) and answer_budget >= 0):
        raise ValueError(f"answer_budget must be a number of seconds >= 0, got {answer_budget!r}")
    lv = parse_levels(levels)
    warnings: list[str] = []

    def warn(msg: str) -> None:
        warnings.append(msg)
        stream.write(f"lsahard bench: warning: {msg}\n")

    insts = load_instances(paths, answers=answers, colors=colors, answer_budget=answer_budget, warn=warn)
    tl = 10.0 if time_limit is None else float(time_limit)
    suite, fams = build_suite(insts, levels=lv, time_limit=tl, seeds=seeds or 1, warn=warn)
    extra = {"instances": {"paths": [str(p) for p in paths], "files": len(insts),
                           "answers": None if answers is None else str(answers), "colors": colors,
                           "levels": None if lv is None else list(lv),
                           "known": {fi.name: {"answer": fi.answer, "provenance": fi.provenance,
                                               "file": str(fi.path)} for fi in insts}}}
    summary = run_suite(suite, out_dir, time_limit=tl, stream=stream, family_objects=fams, meta_extra=extra,
                        **run_kw)
    summary.warnings[:0] = warnings
    return summary
