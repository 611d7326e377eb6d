"""Benchmarks of the user's own instances: ``lsahard bench --instances PATH [PATH ...] --out DIR``.

Inputs
------
Each PATH is a file, a directory (searched recursively) or a glob.  Read are:

* DIMACS CNF ``.cnf`` (also ``.dimacs``, and compressed ``.cnf.gz`` / ``.cnf.xz``),
* DIMACS graph colouring ``.col`` (``p edge N M`` / ``e u v``; the number of colours from
  ``--colors K`` or from the manifest),
* lsahard problem JSON (``{"problem": ..., ...}``) and ``lsahard.bilinear/1`` programs (``.json``).

Every file is one instance, named by its file name without the suffix (names must be unique).
It is pushed down its reduction chain (:data:`CHAINS`) to the levels asked for (``--levels``,
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

import glob
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TextIO

from benchmarks.suites.families import Case, ChainFamily, LevelInstance, SolverSpec, _brute_applicable, lsa_solver_names

__all__ = ["SUFFIXES", "CHAINS", "SOURCE_DECIDER", "collect_paths", "instance_name", "read_answers",
           "FileInstance", "load_instances", "FileFamily", "build_suite", "level_choices", "run_instances"]

#: file endings read as instances (longest first: ``.cnf.gz`` before ``.gz``)
SUFFIXES = (".cnf.gz", ".cnf.xz", ".cnf", ".dimacs", ".col", ".json")

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

#: a .solu line: =tag= NAME [VALUE]
_SOLU = re.compile(r"^=(\w+)=\s+(\S+)(?:\s+(\S+))?\s*$")


def _suffix(path: Path) -> str | None:
    name = path.name.lower()
    for s in SUFFIXES:
        if name.endswith(s):
            return s
    return None


def instance_name(path: str | os.PathLike[str]) -> str:
    """The instance id of a file: its name without the instance suffix (``uf20-01.cnf.gz`` ->
    ``uf20-01``)."""
    p = Path(path)
    s = _suffix(p)
    return p.name[: -len(s)] if s else p.stem


def collect_paths(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Instance files named by ``paths`` (files, directories searched recursively, globs), in a
    stable order, each once.  ValueError for a path that matches nothing."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        text = str(raw)
        p = Path(text)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and _suffix(q) is not None
                           and not q.name.startswith("."))
            # a manifest in the directory is not an instance
            found = [q for q in found if not _is_manifest(q)]
        elif p.is_file():
            if _suffix(p) is None:
                raise ValueError(f"--instances: {text!r} is not an instance file (expected one of "
                                 f"{', '.join(SUFFIXES)})")
            found = [p]
        elif glob.has_magic(text):
            found = sorted(Path(q) for q in glob.glob(text, recursive=True)
                           if Path(q).is_file() and _suffix(Path(q)) is not None)
            found = [q for q in found if not _is_manifest(q)]
        else:
            raise ValueError(f"--instances: no such file or directory {text!r}")
        if not found:
            raise ValueError(f"--instances: no instance files ({', '.join(SUFFIXES)}) in {text!r}")
        for q in found:
            r = q.resolve()
            if r not in seen:
                seen.add(r)
                out.append(q)
    return out


def _is_manifest(path: Path) -> bool:
    """A ``.json`` file that is an answers map, not a problem (``{"x.cnf": "YES", ...}``)."""
    if path.suffix.lower() != ".json":
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "problem" not in data and "schema" not in data and \
        "nodes" not in data and bool(data) and all(isinstance(v, (str, dict)) for v in data.values())


_YESNO = {"yes": "YES", "sat": "YES", "true": "YES", "no": "NO", "unsat": "NO", "false": "NO"}


def _answer_word(value: Any, where: str) -> str | None:
    if value is None:
        return None
    w = _YESNO.get(str(value).strip().lower())
    if w is None:
        raise ValueError(f"{where}: expected YES/NO (or SAT/UNSAT), got {value!r}")
    return w


def _int_field(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected an integer >= 1, got {value!r}")
    try:
        x = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected an integer >= 1, got {value!r}") from None
    if x < 1 or x != float(value):
        raise ValueError(f"{where}: expected an integer >= 1, got {value!r}")
    return x


def read_answers(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The manifest ``path`` as ``key -> {"answer": YES/NO/None, "colors": K|None, "chi": X|None}``.

    JSON (an object) or ``.solu`` text (any other content).  Keys are as written (a file name, a
    name without suffix, or a path); :func:`load_instances` matches them to the files.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"--answers: cannot read {str(p)!r} ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"--answers: {str(p)!r} is not UTF-8 text") from None
    out: dict[str, dict[str, Any]] = {}
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"--answers: {p}: invalid JSON ({exc})") from None
        for key, val in data.items():
            where = f"--answers: {p}: {key!r}"
            if isinstance(val, dict):
                unknown = set(val) - {"answer", "colors", "k", "chi"}
                if unknown:
                    raise ValueError(f"{where}: unknown keys {sorted(unknown)} (answer, colors, chi)")
                ent = {"answer": _answer_word(val.get("answer"), where),
                       "colors": _int_field(val.get("colors", val.get("k")), where + " colors"),
                       "chi": _int_field(val.get("chi"), where + " chi")}
            else:
                ent = {"answer": _answer_word(val, where), "colors": None, "chi": None}
            out[str(key)] = ent
        return out
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _SOLU.match(line)
        if not m:
            raise ValueError(f"--answers: {p}:{lineno}: expected '=sat= NAME', '=unsat= NAME' or "
                             f"'=chi= NAME K', got {line!r}")
        tag, name, value = m.group(1).lower(), m.group(2), m.group(3)
        ent = out.setdefault(name, {"answer": None, "colors": None, "chi": None})
        if tag == "sat":
            ent["answer"] = "YES"
        elif tag in ("unsat", "inf"):
            ent["answer"] = "NO"
        elif tag == "chi":
            ent["chi"] = _int_field(value, f"--answers: {p}:{lineno}: chi")
        # other MIPLIB tags (=opt=, =best=, =unkn=) carry no decision answer: ignored
    return out


@dataclass(frozen=True)
class FileCase(Case):
    """A :class:`~benchmarks.suites.families.Case` read from a file (the manifest also names the file)."""

    file: str = ""

    def manifest(self) -> dict[str, Any]:
        return {**super().manifest(), "file": self.file}


@dataclass
class FileInstance:
    """One instance file: its problem, size, and known answer with its provenance."""

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
    import reductions

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


def load_instances(paths: Sequence[str | os.PathLike[str]], *, answers: str | os.PathLike[str] | None = None,
                   colors: int | None = None, answer_budget: float = 10.0,
                   warn: Callable[[str], None] | None = None) -> list[FileInstance]:
    """Read every instance file of ``paths`` with its known answer (see the module docstring)."""
    import reductions

    files = collect_paths(paths)
    entries = read_answers(answers) if answers is not None else {}
    base = Path(answers).parent if answers is not None else None
    by_name: dict[str, Path] = {}
    out: list[FileInstance] = []
    used: set[int] = set()
    for path in files:
        name = instance_name(path)
        if name in by_name:
            raise ValueError(f"--instances: two files give the instance name {name!r}: {by_name[name]} and "
                             f"{path} (rename one)")
        by_name[name] = path
        ent = _match(entries, path, base)
        if ent is not None:
            used.add(id(ent))
        answer, prov = None, "unknown"
        k = None
        if _suffix(path) == ".col":
            k = colors
            if k is None and ent is not None:
                k = ent.get("colors") or ent.get("chi")
            if k is None:
                raise ValueError(f"--instances: {path}: a DIMACS .col graph needs a number of colours "
                                 "(--colors K, or colors / =chi= in the --answers manifest)")
        try:
            problem = reductions.load_problem(path, k=k)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"--instances: {exc}") from None
        if ent is not None:
            if problem.PROBLEM == "coloring" and ent.get("chi") is not None:
                answer, prov = ("YES" if problem.k >= ent["chi"] else "NO"), f"manifest (chi = {ent['chi']})"
            if ent.get("answer") is not None:
                mk = ent.get("colors")
                if problem.PROBLEM != "coloring" or mk is None or mk == problem.k:
                    if answer is not None and answer != ent["answer"]:
                        raise ValueError(f"--answers: {name}: answer {ent['answer']} contradicts chi = {ent['chi']}")
                    answer, prov = ent["answer"], "manifest"
        if answer is None:
            try:
                answer, prov = _decide_known(problem, answer_budget)
            except Exception as exc:  # noqa: BLE001 - no known answer is no reason to stop
                if warn is not None:
                    warn(f"{name}: the source decider failed ({type(exc).__name__}: {exc}); no known answer")
                answer, prov = None, "unknown"
        fam = f"{problem.PROBLEM}-files"
        if problem.PROBLEM not in CHAINS:
            raise ValueError(f"--instances: {path}: problem {problem.PROBLEM!r} has no benchmark chain")
        out.append(FileInstance(name, path, problem, _size_of(problem), answer, prov, fam,
                                {"k": getattr(problem, "k", None)}))
    if warn is not None:
        unused = [k for k, e in entries.items() if id(e) not in used]
        if unused:
            warn(f"--answers: {len(unused)} manifest entries match no instance file (e.g. {unused[0]!r})")
    return out


class FileFamily(ChainFamily):
    """The instances of one source problem read from files (``<problem>-files``)."""

    def __init__(self, problem: str, instances: Sequence[FileInstance]) -> None:
        super().__init__(f"{problem}-files", CHAINS[problem],
                         f"{problem} instances read from files -> " + " -> ".join(CHAINS[problem][1:]))
        self.instances = list(instances)

    def available(self) -> str | None:
        try:
            for a, b in zip(self.chain, self.chain[1:]):
                self._rule(a, b)
        except Exception as exc:  # noqa: BLE001
            return f"{type(exc).__name__}: {exc}"
        return None

    def sizes(self) -> tuple[int, ...]:
        return tuple(sorted({fi.size for fi in self.instances}))

    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
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
        if level.problem == "lsa_program":
            return [SolverSpec(n, "benchmarks.suites.families:run_lsa", exact=n in _lsa_exact())
                    for n in lsa_solver_names()]
        if level.problem == "bm_program":
            return [SolverSpec("milp", "benchmarks.suites.families:run_decide"),
                    SolverSpec("alternating", "benchmarks.suites.families:run_decide", exact=False)]
        try:
            from reductions.deciders.source import METHOD_PROBLEMS
        except ImportError:  # pragma: no cover - an older reductions package
            METHOD_PROBLEMS = {"milp": (level.problem,), "brute": (level.problem,)}
        specs = [SolverSpec(m, "benchmarks.suites.families:run_decide")
                 for m in ("sat", "scip", "milp") if level.problem in METHOD_PROBLEMS.get(m, ())]
        if level.problem in METHOD_PROBLEMS.get("brute", ()) and _brute_applicable(level):
            specs.append(SolverSpec("brute", "benchmarks.suites.families:run_decide"))
        return specs


def _lsa_exact() -> set[str]:
    from benchmarks.suites.families import _LSA_EXACT

    return set(_LSA_EXACT)


def level_choices(problems: Sequence[str] | None = None) -> list[str]:
    """Level names accepted by ``--levels``: ``source`` and every problem of the chains."""
    names = ["source"]
    for prob in (problems or CHAINS):
        for n in CHAINS[prob][1:]:
            if n not in names:
                names.append(n)
    return names


def parse_levels(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``"source,separability"`` -> ``("source", "separability")``; None/"all" -> None (all)."""
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
        raise ValueError(f"--levels: unknown level(s) {bad}; choose from {', '.join(valid)} (or all)")
    return tuple(dict.fromkeys(items))


def build_suite(instances: Sequence[FileInstance], *, levels: Sequence[str] | None = None,
                time_limit: float = 10.0, seeds: int = 1,
                warn: Callable[[str], None] | None = None) -> tuple[Any, dict[str, FileFamily]]:
    """The :class:`~benchmarks.suites.catalog.Suite` of ``instances`` and its families by name."""
    from benchmarks.suites.catalog import FamilyPlan, Suite

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
                  seeds: int | None = None, stream: TextIO | None = None, **run_kw: Any) -> Any:
    """Benchmark the instance files ``paths`` into ``out_dir`` (``lsahard bench --instances``).

    ``run_kw`` goes to :func:`benchmarks.suites.catalog.run_suite` (``jobs``, ``resume``, ``shard``,
    ``grace``, ``progress``, ``executor``, ...).  Returns its :class:`~benchmarks.suites.catalog.RunSummary`.
    """
    from benchmarks.suites.catalog import run_suite

    stream = sys.stderr if stream is None else stream
    if colors is not None and (isinstance(colors, bool) or not isinstance(colors, int) or colors < 1):
        raise ValueError(f"--colors: expected an integer >= 1, got {colors!r}")
    if not (isinstance(answer_budget, (int, float)) and math.isfinite(answer_budget) and answer_budget >= 0):
        raise ValueError(f"--answer-budget: expected seconds >= 0, got {answer_budget!r}")
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
