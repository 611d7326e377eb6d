"""Benchmark instance families: reduction chains and the solvers that attack every level.

A *family* turns a size parameter into a list of :class:`Case` objects (one per instance), each
holding the instance at EVERY level of its reduction chain, e.g. for ``sat3``::

    source (cnf, 3-SAT) -> nae_sat -> separability -> bm_program -> lsa_program

Half of the instances of each size are *planted* (``reductions.generate(..., planted=True)``
builds them from a hidden solution, so the answer YES is known by construction) and half are
*random*; the answer of a random instance is known only up to ``brute_max_size`` (by
``reductions.decide(instance, method="brute")``).  Reductions preserve the answer, so the source
answer is the known answer of every level.

Registered chain families: ``partition``, ``separability``, ``setsplit``, ``sat3``, ``sat3-ss``
(3-SAT -> NAE-4-SAT -> set splitting -> ...) and ``coloring``; see the bottom of this module.

Each level is attacked by every applicable solver (:meth:`Family.solvers`): ``milp`` and
``brute`` (``reductions.decide``) at combinatorial levels, ``milp`` and ``alternating`` at the
Bennett-Mangasarian level, and every installed solver of ``recovery.programs.solvers`` at the final LSA
program.  Comparing them shows what each encoding level costs.

Solver runs happen in worker processes (:mod:`benchmarks.runner.run`), so a solver is named by an
importable ``"module:function"`` string, never by an object: the worker imports it afresh.
A runner function has the signature::

    fn(instance: dict, solver: str, time_limit: float, seed: int, options: dict) -> dict

taking the level's instance JSON and returning an *outcome* dict with keys ``status`` (the
solver's own word), ``answer`` ("YES"/"NO"/None: what the run PROVED, see :func:`decide_outcome`
and :func:`lsa_outcome`), ``verified`` (a returned witness passed an exact check), ``objective``,
``bound`` and ``detail``.

Extension hook (documented in the README section "Benchmarks"): :func:`register_family` adds a
family object; ``lsahard bench --plugin MODULE`` imports a module that calls it.  The built-in
``toy`` family (toy solvers that answer, sleep, hang, crash or lie on purpose) exists for the
runner's own tests and for trying the machinery without the solver stack.
"""

from __future__ import annotations

import abc
import math
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "SolverSpec",
    "LevelInstance",
    "Case",
    "Family",
    "ChainFamily",
    "ToyFamily",
    "FAMILIES",
    "register_family",
    "get_family",
    "family_names",
    "case_rng",
    "decide_outcome",
    "lsa_outcome",
    "run_decide",
    "run_lsa",
    "run_toy",
    "lsa_solver_names",
    
    "OBJECTIVE_TOL",
]

#: a verified LSA point counts as YES when its (exact, verifier) objective is at most this.
OBJECTIVE_TOL = 1e-6


@dataclass(frozen=True)
class SolverSpec:
    """One solver applicable to one level.

    ``name``: the record's ``solver`` field; ``runner``: ``"module:function"`` executed in the
    worker; ``exact``: the solver can prove NO (used by the scaling suite to decide when a family
    is exhausted); ``options``: JSON-able keyword options handed to the runner;
    ``max_size``: skip the solver above this source size (brute force), None = no cap.
    """

    name: str
    runner: str
    exact: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)
    max_size: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("SolverSpec.name: expected a non-empty string")
        if not isinstance(self.runner, str) or ":" not in self.runner:
            raise ValueError(f"SolverSpec.runner: expected 'module:function', got {self.runner!r}")


@dataclass(frozen=True)
class LevelInstance:
    """The instance at one level: ``level`` ("source", an intermediate problem name, or
    ``lsa_program``), its ``problem`` name, its JSON ``data`` and its ``size()`` dict."""

    level: str
    problem: str
    data: Mapping[str, Any]
    size_detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One benchmark instance across all levels of its family's chain.

    ``answer`` is "YES", "NO" or None (unknown); ``provenance`` says how it is known
    ("construction", "brute", or "unknown").
    """

    instance: str
    family: str
    size: int
    planted: bool
    answer: str | None
    provenance: str
    levels: tuple[LevelInstance, ...]

    def __post_init__(self) -> None:
        if self.answer not in ("YES", "NO", None):
            raise ValueError(f"Case.answer: expected 'YES', 'NO' or None, got {self.answer!r}")
        if not self.levels:
            raise ValueError("Case.levels: expected at least one level")

    def manifest(self) -> dict[str, Any]:
        return {
            "family": self.family, "size": self.size, "planted": self.planted,
            "answer": self.answer, "provenance": self.provenance,
            "levels": {lv.level: {"problem": lv.problem, "size": dict(lv.size_detail)} for lv in self.levels},
        }


def case_rng(family: str, size: int, index: int, base_seed: int = 0) -> np.random.Generator:
    """The generator of instance ``index`` of ``family`` at ``size``: a pure function of its
    arguments (crc32 of the name, never Python's salted ``hash``), so every shard, resume and
    machine builds the same instances."""
    return np.random.default_rng([int(base_seed), zlib.crc32(family.encode()), int(size), int(index)])


def instance_id(family: str, size: int, index: int, planted: bool) -> str:
    return f"{family}-n{size}-{index:02d}{'p' if planted else 'r'}"


class Family(abc.ABC):
    """A benchmark family: builds cases and names the solvers of each level."""

    name: str = ""
    description: str = ""

    @abc.abstractmethod
    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        """``count`` instances of ``size``: indices 0..count-1, even indices planted (YES).

        ``skip_levels``: levels not to build (a chain stops at the first skipped level, since
        later levels are built from it); ``warn``: called with a message for every instance
        that could not be generated (it is skipped, the suite goes on)."""

    @abc.abstractmethod
    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        """Solvers applicable to ``level`` (of a case of source size ``size``)."""

    def available(self) -> str | None:
        """None if the family can be built here, else the reason why not (shown as a warning)."""
        return None


# ---------------------------------------------------------------------------------------------
# runner functions (executed inside worker processes)
# ---------------------------------------------------------------------------------------------

def decide_outcome(decision: Any, instance: Any) -> dict[str, Any]:
    """Outcome of ``reductions.decide``: YES only with a witness that passes ``instance.check``
    (exact), NO when the decider says False (MILP infeasibility / exhaustive search are proofs),
    otherwise no answer.  A YES whose witness fails the check is reported as ``answer=None`` with
    ``verified=False`` and a detail, i.e. classified ``unknown``: an uncertified claim proves
    nothing."""
    ans = getattr(decision, "answer", None)
    witness = getattr(decision, "witness", None)
    status = str(getattr(decision, "status", ""))
    out: dict[str, Any] = {"status": status, "answer": None, "verified": None, "objective": None,
                           "bound": None, "detail": ""}
    if ans is True:
        ok = False
        if witness is not None:
            try:
                ok = bool(instance.check(witness))
            except (TypeError, ValueError) as exc:
                out["detail"] = f"witness malformed: {exc}"
        out["verified"] = ok
        if ok:
            out["answer"] = "YES"
        else:
            out["detail"] = out["detail"] or "decider claimed YES but its witness fails the exact check"
    elif ans is False:
        out["answer"] = "NO"
    out["proof"] = str(getattr(decision, "proof", "none")) if out["answer"] else "none"
    return out


def run_decide(instance: Mapping[str, Any], solver: str, time_limit: float, seed: int,
               options: Mapping[str, Any]) -> dict[str, Any]:
    """Worker entry: ``reductions.decide(problem, method=solver, time_limit=...)``."""
    import inspect

    import reductions

    problem = reductions.load_problem(dict(instance))
    method = str(options.get("method", solver))
    kwargs: dict[str, Any] = {"method": method, "time_limit": float(time_limit)}
    try:
        if "seed" in inspect.signature(reductions.decide).parameters:
            kwargs["seed"] = int(seed)
    except (TypeError, ValueError):
        pass
    decision = reductions.decide(problem, **kwargs)
    return decide_outcome(decision, problem)


_LOOKUP = object()


def lsa_outcome(result: Any, program: Any, *, reduction: Any = _LOOKUP) -> dict[str, Any]:
    """Outcome of ``recovery.programs.solvers.solve``, classified by what the run PROVED.

    The answer is :func:`reductions.deciders.certify.answer_for_program`: YES only with an exact witness
    (at the program's source when it was built by a reduction), NO only with a proof (solver
    infeasibility, or a proven dual bound above the YES value), else no answer; ``proof`` records
    the level (``exact``, ``solver proof``, ``none``).  A tolerance-feasible point with objective
    near 0 is no YES, whatever the status label.  ``reduction``: the program's provenance when the
    caller already looked it up (:func:`reductions.deciders.certify.checked_provenance`; None: none).
    ``solve_wall_s`` is the solver call's own wall time, without the certification.
    """
    from reductions.deciders.certify import answer_for_program, answer_for_result

    status = str(getattr(result, "status", "unknown"))
    obj, bound = getattr(result, "objective", None), getattr(result, "bound", None)
    obj = None if obj is None or not math.isfinite(float(obj)) else float(obj)
    bound = None if bound is None or not math.isfinite(float(bound)) else float(bound)
    ans = answer_for_program(program, result) if reduction is _LOOKUP else answer_for_result(reduction, result)
    out: dict[str, Any] = {"status": status, "answer": {"yes": "YES", "no": "NO"}.get(ans.answer),
                           "proof": ans.proof, "verified": bool(getattr(result, "verified", False)),
                           "objective": obj, "bound": bound,
                           "detail": f"{getattr(result, 'proof', '')}: {ans.reason}"[:300]}
    if getattr(result, "wall_s", None) is not None:
        out["solve_wall_s"] = float(result.wall_s)
    return out


def run_lsa(instance: Mapping[str, Any], solver: str, time_limit: float, seed: int,
            options: Mapping[str, Any]) -> dict[str, Any]:
    """Worker entry: ``recovery.programs.solvers.solve(program, solver=..., time_limit, seed)``.

    The program's provenance (rebuilding its reduction, seconds for d ~ 400) is looked up before
    the solve, which gets what is left of ``time_limit``; the run's reported time is the solve's.
    """
    import time

    from recovery.programs.program import BilinearProgram
    from recovery.programs.solvers import solve
    from reductions.deciders.certify import checked_provenance

    data = dict(instance)
    if "program" in data and isinstance(data["program"], Mapping):  # a wrapped LSAProgram JSON
        data = dict(data["program"])
    program = BilinearProgram.from_json(data)
    t0 = time.perf_counter()
    reduction = checked_provenance(program)
    left = max(0.05, float(time_limit) - (time.perf_counter() - t0))
    result = solve(program, solver=solver, time_limit=left, seed=int(seed))
    return lsa_outcome(result, program, reduction=reduction)


def lsa_solver_names() -> list[str]:
    """Installed solvers of the ``recovery.programs.solvers`` portfolio ([] if it is not importable)."""
    try:
        from recovery.programs.solvers import available_solvers
    except ImportError:  # a broken installation of the portfolio: no LSA solvers
        return []
    avail = available_solvers()
    if isinstance(avail, Mapping):
        return [k for k, v in avail.items() if v]
    return list(avail)


#: modules worth importing once in the fork server that forks the workers of this module's runners
#: (read by :func:`benchmarks.runner.run.preload_modules`)
FORKSERVER_PRELOAD = ("numpy", "scipy", "networkx", "highspy", "reductions", "recovery.programs.program",
                      "recovery.programs.verification", "recovery.programs.solvers", "pyomo.environ")


#: solvers of the portfolio that can prove infeasibility (exact in the scaling sense)
_LSA_EXACT = {"scip", "maingo", "gurobi", "highs-milp", "mccormick", "shor"}


# ---------------------------------------------------------------------------------------------
# reduction-chain families
# ---------------------------------------------------------------------------------------------

class ChainFamily(Family):
    """Instances of a source problem pushed through a chain of reduction rules.

    ``chain``: problem names, source first (e.g. ``("cnf", "nae_sat", "separability",
    "bm_program", "lsa_program")``); consecutive names must be joined by a rule module
    ``reductions.rules.<a>_to_<b>`` (or a path in ``reductions.path``).  ``generator``: the
    problem name handed to ``reductions.generate``; ``gen_size``: maps the family size to the
    generator's size argument.  ``brute_max_size``: known answers of random instances by brute
    force up to this size; ``lsa_max_size``: skip the LSA level above this size (its programs
    grow fastest); ``decide_levels_max``: per problem name, the largest size at which ``brute``
    is run as a benchmark solver.
    """

    def __init__(self, name: str, chain: Sequence[str], description: str, *,
                 generator: str | None = None, brute_max_size: int = 6, lsa_max_size: int | None = None,
                 brute_solver_max_size: int = 8, gen_size: Callable[[int], int] | None = None) -> None:
        if len(chain) < 1:
            raise ValueError("chain: expected at least the source problem")
        self.name = name
        self.chain = tuple(chain)
        self.description = description
        self.generator = generator or self.chain[0]
        self.brute_max_size = int(brute_max_size)
        self.lsa_max_size = lsa_max_size
        self.brute_solver_max_size = int(brute_solver_max_size)
        self._gen_size = gen_size

    def available(self) -> str | None:
        try:
            import reductions
            for fn in ("generate", "decide", "load_problem"):
                if not hasattr(reductions, fn):
                    return f"reductions.{fn} is not available yet"
            for a, b in zip(self.chain, self.chain[1:]):
                self._rule(a, b)
            if self.chain[-1] == "lsa_program" and not lsa_solver_names():
                return "recovery.programs.solvers is not available"
        except Exception as exc:  # noqa: BLE001 - any import problem means "not available"
            return f"{type(exc).__name__}: {exc}"
        return None

    @staticmethod
    def _rule(a: str, b: str) -> Callable[[Any], Any]:
        import importlib

        try:
            mod = importlib.import_module(f"reductions.rules.{a}_to_{b}")
        except ModuleNotFoundError:
            import reductions

            names = reductions.path(a, b)
            if len(names) != 1:
                raise ValueError(f"no single rule from {a} to {b} (path {names})") from None
            mod = importlib.import_module(f"reductions.rules.{names[0]}")
        return mod.reduce

    def level_names(self) -> tuple[str, ...]:
        return ("source",) + self.chain[1:]

    def _levels(self, source: Any, skip_levels: frozenset[str] = frozenset()) -> tuple[LevelInstance, ...]:
        """Every level of the chain that is not skipped; levels are built only as far as the last
        level that is needed (intermediate skipped levels are built but not returned)."""
        names = self.level_names()
        needed = [i for i, n in enumerate(names) if n not in skip_levels]
        last = max(needed, default=0)
        levels = [LevelInstance("source", self.chain[0], source.to_json(), dict(source.size()))]
        inst = source
        for i, (a, b) in enumerate(zip(self.chain, self.chain[1:]), start=1):
            if i > last:
                break
            red = self._rule(a, b)(inst)
            inst = red.target
            data = inst.to_json()
            if b == "lsa_program" and "program" in data and isinstance(data["program"], Mapping):
                data = dict(data["program"])
            levels.append(LevelInstance(b, b, data, dict(inst.size())))
        kept = tuple(lv for lv in levels if lv.level not in skip_levels)
        return kept or levels[:1]

    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        out = []
        skip = set(skip_levels)
        if self.lsa_max_size is not None and size > self.lsa_max_size:
            skip.add("lsa_program")  # building huge LSA programs nobody will solve costs minutes
        for k in range(count):
            try:
                out.append(self._case(size, k, base_seed, frozenset(skip)))
            except Exception as exc:  # noqa: BLE001 - one bad instance must not stop the suite
                msg = (f"{self.name}: instance {k} of size {size} could not be generated "
                       f"({type(exc).__name__}: {exc})")
                if warn is None:
                    raise
                warn(msg)
        return out

    def _case(self, size: int, k: int, base_seed: int, skip_levels: frozenset[str]) -> Case:
        import reductions

        gsize = self._gen_size(size) if self._gen_size else size
        planted = k % 2 == 0
        rng = case_rng(self.name, size, k, base_seed)
        inst, hidden = reductions.generate(self.generator, gsize, rng, planted)
        answer, prov = None, "unknown"
        if planted and hidden is not None and inst.check(hidden):
            answer, prov = "YES", "construction"
        elif size <= self.brute_max_size:
            dec = reductions.decide(inst, method="brute")
            if dec.answer is True:
                if dec.witness is None or not inst.check(dec.witness):
                    raise ValueError(f"{self.name}: brute force YES without a valid witness")
                answer, prov = "YES", "brute"
            elif dec.answer is False:
                answer, prov = "NO", "brute"
        return Case(instance_id(self.name, size, k, planted), self.name, size, planted,
                    answer, prov, self._levels(inst, skip_levels))

    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        if level.problem == "lsa_program":
            return [SolverSpec(n, "benchmarks.suites.families:run_lsa", exact=n in _LSA_EXACT)
                    for n in lsa_solver_names()]
        specs = [SolverSpec("milp", "benchmarks.suites.families:run_decide")]
        if level.problem == "bm_program":
            specs.append(SolverSpec("alternating", "benchmarks.suites.families:run_decide", exact=False))
        elif _brute_applicable(level):
            specs.append(SolverSpec("brute", "benchmarks.suites.families:run_decide",
                                    max_size=self.brute_solver_max_size))
        return specs


#: the size entry that brute force enumerates over, per problem, and its default cap
_BRUTE_SIZE_KEY = {"cnf": ("n_vars", "MAX_BRUTE_VARS", 24), "nae_sat": ("n_vars", "MAX_BRUTE_VARS", 24),
                   "set_splitting": ("n", "MAX_BRUTE_VARS", 24), "partition": ("n", "MAX_BRUTE_VARS", 24),
                   "separability": ("n_outside", "MAX_BRUTE_OUTSIDE", 16)}


def _brute_applicable(level: LevelInstance) -> bool:
    """Brute force refuses instances above ``reductions.deciders.source.MAX_BRUTE_*``: do not schedule it."""
    spec = _BRUTE_SIZE_KEY.get(level.problem)
    if spec is None:
        return True
    key, const, default = spec
    try:
        from reductions.deciders import source as rs
        cap = int(getattr(rs, const, default))
    except Exception:  # noqa: BLE001
        cap = default
    value = level.size_detail.get(key)
    return value is None or int(value) <= cap


# ---------------------------------------------------------------------------------------------
# toy family (tests and demos; no solver stack needed)
# ---------------------------------------------------------------------------------------------

def run_toy(instance: Mapping[str, Any], solver: str, time_limit: float, seed: int,
            options: Mapping[str, Any]) -> dict[str, Any]:
    """Toy solvers on ``{"problem": "toy", "values": [...]}`` (answer YES iff the sum is even).

    ``toy-fast``: correct after ``0.01 * len(values)`` s; ``toy-slow``: correct after
    ``0.01 * 2**len(values)`` s but gives up at ``time_limit`` (status ``timeout``);
    ``toy-hang``: sleeps forever (ignores the limit: the runner must kill it);
    ``toy-wrong``: proves the opposite answer (classification ``wrong``);
    ``toy-crash``: raises; ``toy-heur``: finds YES witnesses only (NO -> ``unknown``).
    """
    values = [int(v) for v in instance["values"]]
    truth = "YES" if sum(values) % 2 == 0 else "NO"
    n = len(values)
    base = {"verified": None, "objective": None, "bound": None, "detail": ""}
    if solver == "toy-fast":
        time.sleep(0.01 * n)
        return {**base, "status": "optimal", "answer": truth, "verified": truth == "YES"}
    if solver == "toy-slow":
        need = 0.01 * 2 ** n
        if need > time_limit:
            time.sleep(time_limit)
            return {**base, "status": "timeout", "answer": None}
        time.sleep(need)
        return {**base, "status": "optimal", "answer": truth, "verified": truth == "YES"}
    if solver == "toy-hang":
        while True:
            time.sleep(3600)
    if solver == "toy-wrong":
        return {**base, "status": "optimal", "answer": "NO" if truth == "YES" else "YES", "verified": truth == "NO"}
    if solver == "toy-crash":
        raise RuntimeError("toy-crash: deliberate failure")
    if solver == "toy-heur":
        return {**base, "status": "feasible" if truth == "YES" else "unknown",
                "answer": "YES" if truth == "YES" else None, "verified": truth == "YES"}
    raise ValueError(f"toy: unknown solver {solver!r}")


class ToyFamily(Family):
    """Lists of small integers; YES iff the sum is even.  Two levels (``source`` and ``toy_mid``,
    the same list doubled) so level handling is exercised.  ``solver_names`` selects toy solvers."""

    def __init__(self, name: str = "toy", solver_names: Sequence[str] = ("toy-fast", "toy-slow")) -> None:
        self.name = name
        self.description = "toy: integer lists, YES iff the sum is even (runner tests)"
        self.solver_names = tuple(solver_names)

    def cases(self, size: int, count: int, base_seed: int = 0, *, skip_levels: frozenset[str] = frozenset(),
              warn: Callable[[str], None] | None = None) -> list[Case]:
        out = []
        for k in range(count):
            planted = k % 2 == 0
            rng = case_rng(self.name, size, k, base_seed)
            values = [int(v) for v in rng.integers(1, 10, size=size)]
            if planted and sum(values) % 2:
                values[0] += 1
            answer = "YES" if sum(values) % 2 == 0 else "NO"
            src = {"problem": "toy", "values": values}
            # the "reduced" level appends an even number: same answer by construction
            mid = {"problem": "toy", "values": values + [2]}
            levels = (LevelInstance("source", "toy", src, {"n": size}),
                      LevelInstance("toy_mid", "toy", mid, {"n": size + 1}))
            levels = tuple(lv for lv in levels if lv.level not in skip_levels) or levels[:1]
            out.append(Case(instance_id(self.name, size, k, planted), self.name, size, planted,
                            answer, "construction" if planted else "brute", levels))
        return out

    def solvers(self, level: LevelInstance, size: int) -> list[SolverSpec]:
        return [SolverSpec(n, "benchmarks.suites.families:run_toy", exact=n not in ("toy-heur",))
                for n in self.solver_names]


# ---------------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------------

FAMILIES: dict[str, Family] = {}


def register_family(family: Family, *, replace: bool = False) -> Family:
    """Add ``family`` to :data:`FAMILIES` (the documented extension hook)."""
    if not isinstance(family, Family):
        raise TypeError(f"family: expected a benchmarks.suites.families.Family, got {type(family).__name__}")
    if not family.name or not isinstance(family.name, str):
        raise ValueError("family.name: expected a non-empty string")
    if family.name in FAMILIES and not replace:
        raise ValueError(f"family {family.name!r} is already registered")
    FAMILIES[family.name] = family
    return family


def get_family(name: str) -> Family:
    if name not in FAMILIES:
        raise ValueError(f"unknown family {name!r}; known: {', '.join(sorted(FAMILIES))}")
    return FAMILIES[name]


def family_names() -> list[str]:
    return sorted(FAMILIES)


_SEP_TAIL = ("separability", "bm_program", "lsa_program")

#: the reduction families of the paper's hardness argument and its neighbours
register_family(ChainFamily(
    "sat3", ("cnf", "nae_sat") + _SEP_TAIL,
    "3-SAT -> NAE-4-SAT -> 2-plane separability -> Bennett-Mangasarian program -> LSA program",
    brute_max_size=10))
register_family(ChainFamily(
    "setsplit", ("set_splitting",) + _SEP_TAIL,
    "set splitting -> separability -> Bennett-Mangasarian program -> LSA program (Blum-Rivest)",
    brute_max_size=10))
register_family(ChainFamily(
    "partition", ("partition", "lsa_program"),
    "partition -> LSA program (gauge-fixed sign variables)", brute_max_size=14,
    brute_solver_max_size=16))
register_family(ChainFamily(
    "separability", ("separability", "bm_program", "lsa_program"),
    "2-plane separability (points in the plane) -> Bennett-Mangasarian program -> LSA program",
    brute_max_size=12, brute_solver_max_size=14))
register_family(ChainFamily(
    "sat3-ss", ("cnf", "nae_sat", "set_splitting") + _SEP_TAIL,
    "3-SAT -> NAE-4-SAT -> set splitting -> separability -> BM program -> LSA program",
    brute_max_size=10))
register_family(ChainFamily(
    "coloring", ("coloring", "cnf", "nae_sat") + _SEP_TAIL,
    "graph 3-colouring -> CNF -> NAE-4-SAT -> separability -> BM program -> LSA program",
    brute_max_size=6))
register_family(ToyFamily())
register_family(ToyFamily("toy-hang", ("toy-fast", "toy-hang")))
register_family(ToyFamily("toy-bad", ("toy-fast", "toy-wrong", "toy-crash", "toy-heur")))
