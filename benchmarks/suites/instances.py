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
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TextIO

import reductions
from benchmarks.suites.answers import read_answers
from benchmarks.suites.cases import Case, LevelInstance, SolverSpec
from benchmarks.suites.chains import DECIDE_RUNNER, LSA_RUNNER, ChainFamily, brute_applicable, rule_between
from benchmarks.suites.definitions import FamilyPlan, Suite
from benchmarks.suites.driver import RunSummary, run_suite
from benchmarks.suites.instance_files import SUFFIXES, collect_paths, instance_name, suffix_of
from benchmarks.suites.solver_runs import LSA_EXACT, lsa_solver_names
from reductions.deciders.source import METHOD_PROBLEMS

__all__ = ["SUFFIXES", "CHAINS", "SOURCE_DECIDER", "collect_paths", "instance_name", "read_answers",
           "FileInstance", "FileCase", "load_instances", "FileFamily", "build_suite", "level_choices", "parse_levels",
           "run_instances"]

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


@dataclass(frozen=True)
class FileCase(Case):
    """A :class:`~benchmarks.suites.families.Case` read from a file (the manifest also names the file).

    Attributes
    ----------
    instance, family, size, planted, answer, provenance, levels
        As for :class:`~benchmarks.suites.cases.Case`.
    file : str, optional
        The instance file.
    """

    file: str = ""

    def manifest(self) -> dict[str, Any]:
        """The case's manifest entry, with ``file``.

        Returns
        -------
        dict
            :meth:`benchmarks.suites.cases.Case.manifest` plus ``file``.
        """
        return {**super().manifest(), "file": self.file}


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
    """Read every instance file of ``paths`` with its known answer (see the module docstring).

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


class FileFamily(ChainFamily):
    """The instances of one source problem read from files (``<problem>-files``).

    The chain is :data:`CHAINS` ``[problem]``; every instance is a :class:`FileCase` (not
    planted) at its own size.  Each level is solved by the applicable source deciders of
    :data:`reductions.deciders.source.METHOD_PROBLEMS` (``sat``, ``scip``, ``milp``, ``brute``
    where small enough), ``milp`` and ``alternating`` for Bennett-Mangasarian programs, and the
    installed LSA portfolio for LSA programs.

    Parameters
    ----------
    problem : str
        A key of :data:`CHAINS`.
    instances : sequence of FileInstance
        The files of that problem.
    """

    def __init__(self, problem: str, instances: Sequence[FileInstance]) -> None:  # numpydoc ignore=GL08
        super().__init__(f"{problem}-files", CHAINS[problem],
                         f"{problem} instances read from files -> " + " -> ".join(CHAINS[problem][1:]))
        self.instances = list(instances)

    def available(self) -> str | None:
        """The missing rule of the chain, else None (no LSA solver is no reason to skip files).

        Returns
        -------
        str or None
            The reason the family cannot run here, or None.
        """
        # unlike a generated family, the files are benchmarked even with no LSA solver installed
        for a, b in zip(self.chain, self.chain[1:]):
            try:
                rule_between(a, b)
            except ValueError as exc:
                return str(exc)
        return None

    def sizes(self) -> tuple[int, ...]:
        """The distinct sizes of the instances, ascending.

        Returns
        -------
        tuple of int
            The sizes.
        """
        return tuple(sorted({fi.size for fi in self.instances}))

    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        """The cases of the files of ``size`` (``count`` and ``base_seed`` are not used).

        Parameters
        ----------
        size : int
            The size whose files are wanted.
        count : int
            Not used (every file of that size is a case).
        base_seed : int, optional
            Not used.
        skip_levels : frozenset of str, optional
            Levels not to build.
        warn : callable, optional
            Called for a file that could not be reduced (None: the error propagates).

        Returns
        -------
        list of Case
            One :class:`FileCase` per file of that size.
        """
        out: list[Case] = []
        for fi in self.instances:
            if fi.size != size:
                continue
            try:
                levels = self._levels(fi.problem, frozenset(skip_levels))
            except Exception as exc:  # noqa: BLE001 - one bad instance must not stop the suite
                if warn is None:
                    raise
                warn(f"{self.name}: {fi.name} could not be reduced ({type(exc).__name__}: {exc})")
                continue
            out.append(FileCase(fi.name, self.name, size, False, fi.answer, fi.provenance, levels,
                                file=str(fi.path)))
        return out

    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        """The solvers of ``level`` (see the class docstring).

        Parameters
        ----------
        level : LevelInstance
            The instance at one level.
        size : int
            The case's source size.

        Returns
        -------
        list of SolverSpec
            The solvers to run on it.
        """
        if level.problem == "lsa_program":
            return [SolverSpec(n, LSA_RUNNER, exact=n in LSA_EXACT) for n in lsa_solver_names()]
        if level.problem == "bm_program":
            return [SolverSpec("milp", DECIDE_RUNNER), SolverSpec("alternating", DECIDE_RUNNER, exact=False)]
        specs = [SolverSpec(m, DECIDE_RUNNER)
                 for m in ("sat", "scip", "milp") if level.problem in METHOD_PROBLEMS.get(m, ())]
        if level.problem in METHOD_PROBLEMS.get("brute", ()) and brute_applicable(level):
            specs.append(SolverSpec("brute", DECIDE_RUNNER))
        return specs


def level_choices(problems: Sequence[str] | None = None) -> list[str]:
    """Level names accepted by ``levels``: ``source`` and every problem of the chains.

    Parameters
    ----------
    problems : sequence of str, optional
        Source problems whose chains count (default: every key of :data:`CHAINS`).

    Returns
    -------
    list of str
        ``"source"`` first, then each level once in chain order.

    Examples
    --------
    >>> level_choices(["partition"])
    ['source', 'lsa_program']
    """
    names = ["source"]
    for prob in (problems or CHAINS):
        for n in CHAINS[prob][1:]:
            if n not in names:
                names.append(n)
    return names


def parse_levels(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """Parse a level list: ``"source,separability"`` -> ``("source", "separability")``.

    Parameters
    ----------
    text : str or sequence of str or None
        Comma-separated level names (several strings are joined); None or ``"all"`` means all.

    Returns
    -------
    tuple of str or None
        The levels, each once in the given order; None for all.

    Raises
    ------
    ValueError
        For a name not in :func:`level_choices`.

    Examples
    --------
    >>> parse_levels("source, separability,source")
    ('source', 'separability')
    >>> parse_levels("all") is None
    True
    """
    if text is None:
        return None
    items: list[str] = []
    for part in ([text] if isinstance(text, str) else list(text)):
        items += [y.strip() for y in str(part).split(",") if y.strip()]
    if not items or items == ["all"]:
        return None
    valid = level_choices()
    bad = [x for x in items if x not in valid]
    if bad:
        raise ValueError(f"levels: unknown level(s) {bad}; choose from {', '.join(valid)} (or all)")
    return tuple(dict.fromkeys(items))


def build_suite(instances: Sequence[FileInstance], *, levels: Sequence[str] | None = None,
                time_limit: float = 10.0, seeds: int = 1,
                warn: Callable[[str], None] | None = None) -> tuple[Any, dict[str, FileFamily]]:
    """The :class:`~benchmarks.suites.definitions.Suite` of ``instances`` and its families by name.

    One :class:`FileFamily` per source problem, each with one instance per file at its own size;
    the suite is named ``instances``.

    Parameters
    ----------
    instances : sequence of FileInstance
        The loaded files (:func:`load_instances`).
    levels : sequence of str, optional
        Levels to run (default all); a family with none of them on its chain is skipped.
    time_limit : float, optional
        Seconds per run.
    seeds : int, optional
        Solver seeds ``0..seeds-1``.
    warn : callable, optional
        Called for a skipped family.

    Returns
    -------
    suite : Suite
        The suite.
    families : dict of str to FileFamily
        Its families by name (``run_suite(family_objects=...)``).
    """
    by_problem: dict[str, list[FileInstance]] = {}
    for fi in instances:
        by_problem.setdefault(fi.problem.PROBLEM, []).append(fi)
    fams: dict[str, FileFamily] = {}
    plans = []
    for prob in sorted(by_problem):
        fam = FileFamily(prob, by_problem[prob])
        names = fam.level_names()
        keep = names if levels is None else tuple(n for n in names if n in levels)
        if not keep:
            if warn is not None:
                warn(f"{fam.name}: none of the levels {list(levels or ())} is on its chain {list(names)}; skipped")
            continue
        fams[fam.name] = fam
        plans.append(FamilyPlan(fam.name, fam.sizes(), 1, level_caps={n: -1 for n in names if n not in keep}))
    suite = Suite("instances", "the user's instance files", tuple(plans), time_limit=float(time_limit),
                  seeds=tuple(range(int(seeds))))
    return suite, fams


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
