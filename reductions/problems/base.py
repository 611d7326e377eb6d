"""Common interface of the reductions package: problems, reductions and their composition.

Every decision problem is a frozen dataclass deriving from :class:`Problem`.  It knows

* its graph-node name ``PROBLEM`` (``"cnf"``, ``"nae_sat"``, ...),
* its JSON form (``to_json`` / ``from_json``) which always carries ``"problem": PROBLEM`` and
  ``"schema": "lsahard.<problem>/1"``,
* an EXACT checker ``check(solution) -> bool`` of a proposed solution (rational arithmetic where
  numbers are involved; a wrong-but-well-formed solution returns ``False``, a malformed one raises
  ``TypeError``/``ValueError``),
* ``size() -> dict[str, int]``, the quantities that the rules' size formulas talk about.

A :class:`Reduction` is the result of applying one rule (or a chain of rules) to one instance:
the target instance plus the two certificate maps ``forward`` (source solution -> target solution)
and ``backward`` (target solution -> source solution).  ``Reduction.compose(first, second)`` chains
two of them.

``load_problem`` reads any problem from a dict or a file (``.json``, DIMACS ``.cnf`` /
``.cnf.gz`` / ``.cnf.xz``, DIMACS ``.col``, or a networkx-readable graph file for colouring).
"""

from __future__ import annotations

import abc
import importlib
import json
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral, Rational, Real
from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping

import numpy as np

__all__ = [
    "Problem",
    "Reduction",
    "load_problem",
    "problem_class",
    "PROBLEM_MODULES",
    "schema_name",
    "check_header",
    "as_fraction",
    "as_bool_tuple",
    "to_jsonable",
]

#: graph-node name -> (module, class name).  Imported lazily: the problem modules import this one.
PROBLEM_MODULES: dict[str, tuple[str, str]] = {
    "cnf": ("reductions.problems.cnf", "CNF"),
    "nae_sat": ("reductions.problems.nae_sat", "NAESAT"),
    "set_splitting": ("reductions.problems.set_splitting", "SetSplitting"),
    "partition": ("reductions.problems.partition", "Partition"),
    "coloring": ("reductions.problems.coloring", "Coloring"),
    "separability": ("reductions.problems.separability", "Separability"),
    "bm_program": ("reductions.problems.bm_program", "BMProgram"),
    "lsa_program": ("reductions.problems.lsa_program", "LSAProgram"),
}

#: schema string of the generalised LSA program (``recovery.programs.program.BilinearProgram``).
BILINEAR_SCHEMA = "lsahard.bilinear/1"

#: file suffixes read as colouring graphs by ``load_problem`` (networkx readers).
GRAPH_SUFFIXES = (".graphml", ".gml", ".edgelist", ".adjlist")


def schema_name(problem: str) -> str:
    """The JSON schema string ``"lsahard.<problem>/1"`` of a problem name."""
    return f"lsahard.{problem}/1"


def problem_class(name: str) -> type["Problem"]:
    """The Problem subclass registered under graph-node name ``name`` (ValueError if unknown)."""
    if not isinstance(name, str) or name not in PROBLEM_MODULES:
        raise ValueError(
            f"problem: unknown problem name {name!r}; expected one of {sorted(PROBLEM_MODULES)}"
        )
    module_name, class_name = PROBLEM_MODULES[name]
    module = importlib.import_module(module_name)
    return getattr(module, class_name)


def check_header(data: Any, problem: str) -> None:
    """Validate the ``"problem"``/``"schema"`` header of a problem's JSON dict (ValueError)."""
    if not isinstance(data, Mapping):
        raise TypeError(f"data: expected a JSON object (dict) for problem {problem!r}, got {type(data).__name__}")
    got = data.get("problem")
    if got != problem:
        raise ValueError(f"problem: expected {problem!r}, got {got!r}")
    schema = data.get("schema", schema_name(problem))
    if schema != schema_name(problem):
        raise ValueError(f"schema: expected {schema_name(problem)!r}, got {schema!r}")


def as_fraction(x: Any, name: str = "value") -> Fraction:
    """Exact rational value of a number: int, Fraction, float (exact binary value) or a string
    such as ``"3/4"`` / ``"0.1"`` (decimal strings are read exactly as decimals).

    bool is rejected (TypeError); non-finite floats raise ValueError.
    """
    if isinstance(x, bool):
        raise TypeError(f"{name}: expected a number, got bool")
    if isinstance(x, (Integral, Rational)):
        return Fraction(x)
    if isinstance(x, str):
        try:
            return Fraction(x)
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"{name}: cannot read {x!r} as a rational number") from exc
    if isinstance(x, Real):
        xf = float(x)
        if xf != xf or xf in (float("inf"), float("-inf")):
            raise ValueError(f"{name}: expected a finite number, got {x!r}")
        return Fraction(xf)
    raise TypeError(f"{name}: expected a number, got {type(x).__name__}")


#: largest |numerator| / denominator accepted for a point coordinate (separability, bm_program):
#: the deciders and the LSA export work in float64 with 1e-9 tolerances, so coordinates far
#: outside this range cannot be solved meaningfully (1e300 gave HiGHS "Model error" and
#: OverflowError tracebacks).
MAX_COORDINATE = 10**12


def check_coordinate(x: Fraction, name: str) -> Fraction:
    """ValueError unless |x| <= MAX_COORDINATE and its denominator <= MAX_COORDINATE."""
    if abs(x) > MAX_COORDINATE or x.denominator > MAX_COORDINATE:
        text = str(x) if len(str(x)) <= 40 else str(x)[:37] + "..."
        raise ValueError(f"{name}: coordinate {text} out of range (|x| and its denominator must be <= 1e12)")
    return x


def as_bool_tuple(solution: Any, n: int, name: str = "solution") -> tuple[bool, ...]:
    """A length-``n`` sequence of truth values (bool, 0/1 ints or numpy bools) as a tuple of bools.

    TypeError for a non-sequence or non-boolean entries, ValueError for a wrong length or an
    integer other than 0/1.
    """
    if isinstance(solution, (str, bytes, Mapping)) or not hasattr(solution, "__len__"):
        raise TypeError(f"{name}: expected a sequence of {n} booleans, got {type(solution).__name__}")
    values = list(solution)
    if len(values) != n:
        raise ValueError(f"{name}: expected {n} entries, got {len(values)}")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        elif isinstance(v, Integral):
            if int(v) not in (0, 1):
                raise ValueError(f"{name}[{i}]: expected 0/1 or a bool, got {v!r}")
            out.append(bool(int(v)))
        else:
            raise TypeError(f"{name}[{i}]: expected a bool, got {type(v).__name__}")
    return tuple(out)


class Problem(abc.ABC):
    """Abstract base of every decision problem (subclasses are frozen dataclasses).

    Subclasses set ``PROBLEM`` (the graph-node name) and implement ``to_json``, ``from_json``,
    ``check`` and ``size``.
    """

    PROBLEM: ClassVar[str] = ""

    @abc.abstractmethod
    def to_json(self) -> dict:
        """JSON-serialisable dict including ``"problem"`` and ``"schema"``."""

    @classmethod
    @abc.abstractmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Problem":
        """Inverse of ``to_json`` (ValueError naming the malformed field)."""

    @abc.abstractmethod
    def check(self, solution: Any) -> bool:
        """Exact check that ``solution`` solves this instance."""

    @abc.abstractmethod
    def size(self) -> dict[str, int]:
        """Size parameters used by the rules' size formulas."""

    def header(self) -> dict:
        """The common JSON header ``{"problem": ..., "schema": ...}``."""
        return {"problem": self.PROBLEM, "schema": schema_name(self.PROBLEM)}

    def dumps(self) -> str:
        """``json.dumps(self.to_json())``."""
        return json.dumps(self.to_json())


def _identity(x: Any) -> Any:
    return x


@dataclass(frozen=True)
class Reduction:
    """One applied rule (or a composed chain of rules).

    Attributes
    ----------
    rule: rule name (module name), or ``"a+b+..."`` for a composed chain.
    source, target: the source and the constructed target instance.
    forward: source solution -> target solution (a YES certificate is mapped to a YES certificate).
    backward: target solution -> source solution (any target solution yields a source solution).
    size: actual ``target.size()``.
    predicted_size: the rule's documented size formula evaluated on ``source.size()``.
    steps: chain metadata, one dict per applied rule with keys ``rule``, ``source``, ``target``
        (problem names), ``source_size``, ``target_size``, ``predicted_size``.  Filled in
        automatically for a single rule.
    """

    rule: str
    source: Problem
    target: Problem
    forward: Callable[[Any], Any]
    backward: Callable[[Any], Any]
    size: dict[str, int]
    predicted_size: dict[str, int]
    steps: tuple[dict, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.rule, str) or not self.rule:
            raise ValueError("rule: expected a non-empty string")
        for name in ("source", "target"):
            if not isinstance(getattr(self, name), Problem):
                raise TypeError(f"{name}: expected a Problem, got {type(getattr(self, name)).__name__}")
        if not callable(self.forward) or not callable(self.backward):
            raise TypeError("forward/backward: expected callables")
        if not self.steps:
            object.__setattr__(
                self,
                "steps",
                (
                    {
                        "rule": self.rule,
                        "source": self.source.PROBLEM,
                        "target": self.target.PROBLEM,
                        "source_size": dict(self.source.size()),
                        "target_size": dict(self.size),
                        "predicted_size": dict(self.predicted_size),
                    },
                ),
            )

    @property
    def size_matches(self) -> bool:
        """True iff every predicted size entry equals the actual one (for every step)."""
        return all(
            all(s["target_size"].get(k) == v for k, v in s["predicted_size"].items()) for s in self.steps
        )

    @staticmethod
    def compose(first: "Reduction", second: "Reduction") -> "Reduction":
        """Chain ``first`` (A -> B) and ``second`` (B -> C) into one reduction A -> C.

        forward = second.forward o first.forward, backward = first.backward o second.backward.
        ``second.source`` must be ``first.target`` (the same object or an equal instance).
        """
        if not isinstance(first, Reduction) or not isinstance(second, Reduction):
            raise TypeError("compose: expected two Reduction objects")
        if second.source is not first.target and second.source != first.target:
            raise ValueError(
                f"compose: second.source ({second.source.PROBLEM}) is not first.target "
                f"({first.target.PROBLEM}) of rule {first.rule!r}"
            )
        f1, f2, b1, b2 = first.forward, second.forward, first.backward, second.backward
        return Reduction(
            rule=f"{first.rule}+{second.rule}",
            source=first.source,
            target=second.target,
            forward=lambda sol: f2(f1(sol)),
            backward=lambda sol: b1(b2(sol)),
            size=dict(second.size),
            predicted_size=dict(second.predicted_size),
            steps=tuple(first.steps) + tuple(second.steps),
        )

    @staticmethod
    def identity(instance: Problem) -> "Reduction":
        """The empty chain on ``instance`` (source = target, identity maps)."""
        return Reduction(
            rule="identity",
            source=instance,
            target=instance,
            forward=_identity,
            backward=_identity,
            size=dict(instance.size()),
            predicted_size=dict(instance.size()),
            steps=(
                {
                    "rule": "identity",
                    "source": instance.PROBLEM,
                    "target": instance.PROBLEM,
                    "source_size": dict(instance.size()),
                    "target_size": dict(instance.size()),
                    "predicted_size": dict(instance.size()),
                },
            ),
        )

    def chain_json(self) -> dict:
        """Chain metadata (written to ``chain.json`` by ``lsahard reduce``)."""
        return {
            "schema": "lsahard.chain/1",
            "rule": self.rule,
            "source": self.source.PROBLEM,
            "target": self.target.PROBLEM,
            "rules": [s["rule"] for s in self.steps],
            "steps": [dict(s) for s in self.steps],
            "source_size": dict(self.source.size()),
            "target_size": dict(self.size),
            "size_matches": self.size_matches,
        }


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
    import gzip
    import lzma

    opener = gzip.open if path.name.lower().endswith(".gz") else lzma.open
    try:
        with opener(path, "rb") as fh:
            return fh.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"instance: {path}: not UTF-8 text inside ({exc.reason} at byte {exc.start})") from None
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise ValueError(f"instance: {path}: cannot decompress ({exc})") from None


def load_problem(obj: Any, *, k: int | None = None) -> Problem:
    """Read a problem instance.

    ``obj`` is a Problem (returned as is), a dict (dispatch on its ``"problem"`` key; a dict with
    ``"schema": "lsahard.bilinear/1"`` and no ``"problem"`` key is an ``lsa_program``), or a path:
    ``.json`` (a problem dict, or bare networkx node-link data read as colouring), ``.cnf``/``.dimacs`` (DIMACS CNF,
    also compressed as ``.cnf.gz`` / ``.cnf.xz``), ``.col`` (DIMACS graph colouring, ``k`` colours required), or a networkx-readable graph
    (``.graphml``, ``.gml``, ``.edgelist``, ``.adjlist``) read as a colouring instance with ``k``
    colours (``k`` from the argument, else from a graph attribute ``"k"``).
    """
    if isinstance(obj, Problem):
        return obj
    if isinstance(obj, Mapping):
        return _load_dict(obj, k)
    if isinstance(obj, (str, Path)):
        path = Path(obj)
        if not path.exists():
            raise OSError(f"instance: no such file {str(path)!r}")
        suffix = path.suffix.lower()
        name = path.name.lower()
        if name.endswith((".cnf.gz", ".cnf.xz")):
            return problem_class("cnf").from_dimacs(_read_compressed(path), source=str(path))
        if suffix == ".col":
            return problem_class("coloring").read_dimacs(path, k=k)
        if suffix == ".json":
            try:
                data = json.loads(path.read_text())
            except UnicodeDecodeError as exc:
                raise ValueError(f"instance: {path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
            except json.JSONDecodeError as exc:
                raise ValueError(f"instance: {path}: invalid JSON ({exc})") from exc
            except ValueError as exc:  # Python's limit on integer digits (4300 by default)
                raise ValueError(f"instance: {path}: a number in the JSON text is too long to read ({exc})") from None
            if not isinstance(data, Mapping):
                raise ValueError(f"instance: {path}: expected a JSON object")
            return _load_dict(data, k)
        if suffix in (".cnf", ".dimacs"):
            return problem_class("cnf").read_dimacs(path)
        if suffix in GRAPH_SUFFIXES:
            return problem_class("coloring").read_graph(path, k=k)
        raise ValueError(
            f"instance: unsupported file suffix {suffix!r}; expected .json, .cnf, .cnf.gz, .cnf.xz, .col "
            f"or one of {GRAPH_SUFFIXES}"
        )
    raise TypeError(f"instance: expected a dict, a path or a Problem, got {type(obj).__name__}")


def _jsonable(x: Any) -> Any:
    """A JSON-serialisable copy of a solution: tuples/arrays -> lists, Fractions -> int or "p/q",
    numpy scalars -> Python numbers, dict keys -> str, Problems -> their JSON."""
    import numpy as np

    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, Problem):
        return x.to_json()
    if isinstance(x, Fraction):
        return int(x) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.generic):
        return _jsonable(x.item())
    if isinstance(x, Integral):
        return int(x)
    if isinstance(x, Real):
        return float(x)
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    raise TypeError(f"cannot convert {type(x).__name__} to JSON")


#: public alias of the solution-to-JSON converter
to_jsonable = _jsonable
