"""The rule registry: every reduction rule declares itself once, in its own module.

A rule module ends with ::

    RULE = register(Rule(name="cnf_to_nae_sat", source="cnf", target="nae_sat",
                         size_formula={"n_vars": "n_vars + 1", ...}, reduce=reduce))
    predicted_size = RULE.predicted_size

(the size formula is declared once, as text, and evaluated by :meth:`Rule.predicted_size`,
:mod:`reductions.rules.size_formula`)

and :mod:`reductions.rules` imports every rule module, so importing it fills the registry.  The
graph (:func:`reductions.rules.graph.rules_graph`), ``reductions.rules.graph.RULES``, the CLI's listing and the
docs table (:func:`rules_table`) are all read from here.
"""

from __future__ import annotations

import ast
import inspect
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any

import reductions.problems  # noqa: F401  (imports every problem module, which fills the problem registry)
from reductions.problems.problem import problems
from reductions.problems.reduction import Reduction
from reductions.rules.size_formula import evaluate_formula, formula_text, parse_formula

__all__ = ["Rule", "register", "unregister", "rules", "get", "ENDPOINTS", "rules_table"]


@dataclass(frozen=True, eq=False)
class Rule:
    """One reduction rule: an edge ``source -> target`` of the reduction graph.

    Attributes
    ----------
    name : str
        The rule's name (non-empty, unique in the registry), e.g. ``"cnf_to_nae_sat"``.
    source : str
        The source problem (a registered problem name).
    target : str
        The target problem (a registered problem name).
    size_formula : Mapping[str, str]
        The symbolic target size, ``{target size key: expression}`` over the source's size, the
        keyword parameters of ``reduce`` and ``functions`` (:mod:`reductions.rules.size_formula`);
        :meth:`predicted_size` evaluates it.
    reduce : callable
        ``reduce(instance, ...)`` builds the :class:`~reductions.problems.base.Reduction`.
    functions : Mapping[str, callable]
        Functions the size formula may call.
    module : str
        The dotted name of the defining module (by default the module of ``reduce``).

    Raises
    ------
    ValueError
        When a size expression does not parse, ``name``, ``source`` or ``target`` is not a
        non-empty str, or ``source`` / ``target`` is not a registered problem.
    TypeError
        When ``reduce`` or a value of ``functions`` is not callable.
    """

    name: str
    source: str
    target: str
    size_formula: Mapping[str, str]
    reduce: Callable[..., Reduction]
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    module: str = field(default="")
    #: the parsed ``size_formula`` (set by ``__post_init__``)
    _parsed: dict[str, ast.Expression] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size_formula", dict(self.size_formula) if isinstance(self.size_formula, Mapping)
                           else self.size_formula)
        object.__setattr__(self, "_parsed", parse_formula(self.size_formula))
        for attr in ("name", "source", "target"):
            if not isinstance(getattr(self, attr), str) or not getattr(self, attr):
                raise ValueError(f"{attr}: expected a non-empty str, got {getattr(self, attr)!r}")
        for attr in ("source", "target"):
            if getattr(self, attr) not in problems():
                raise ValueError(f"{attr}: unknown problem {getattr(self, attr)!r}; "
                                 f"expected one of {sorted(problems())}")
        if not callable(self.reduce):
            raise TypeError(f"reduce: expected a callable, got {self.reduce!r}")
        if not all(callable(f) for f in self.functions.values()):
            raise TypeError(f"functions: expected callables, got {dict(self.functions)!r}")
        if not self.module:
            object.__setattr__(self, "module", self.reduce.__module__)

    @property
    def size_text(self) -> str:
        """The size formula as one line ``key = expression; ...`` (the docs table, the CLI).

        Returns
        -------
        str
            :func:`reductions.rules.size_formula.formula_text` of ``size_formula``.
        """
        return formula_text(self.size_formula)

    def predicted_size(self, source: Any, **params: Any) -> dict[str, int]:
        """The target size the formula predicts for ``source``.

        Parameters
        ----------
        source : Problem
            An instance of the rule's source problem.
        **params
            Keyword parameters of ``reduce`` (its defaults fill the others).

        Returns
        -------
        dict
            ``{target size key: int}``, to compare with ``reduce(source, **params).target.size()``.

        Examples
        --------
        >>> from reductions import CNF
        >>> get("cnf_to_nae_sat").predicted_size(CNF(n_vars=2, clauses=((1, 2),)))["n_vars"]
        3
        """
        defaults = {p.name: p.default for p in list(inspect.signature(self.reduce).parameters.values())[1:]
                    if p.default is not inspect.Parameter.empty}
        unknown = set(params) - set(defaults)
        if unknown:
            raise TypeError(f"params: {sorted(unknown)} are not keyword parameters of rule {self.name}")
        return evaluate_formula(self._parsed, source.size(), {**defaults, **params}, self.functions)

    def module_object(self) -> ModuleType:
        """The module that defines the rule (already imported: it registered the rule).

        Returns
        -------
        types.ModuleType
            ``sys.modules[self.module]``.
        """
        return sys.modules[self.module]


_RULES: dict[str, Rule] = {}

#: rule name -> (source problem, target problem), in registration order; kept in step with the
#: registry (``reductions.rules.graph.RULES`` is this dict).
ENDPOINTS: dict[str, tuple[str, str]] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the registry and return it.

    Parameters
    ----------
    rule : Rule
        The rule to register; also recorded in :data:`ENDPOINTS`.

    Returns
    -------
    Rule
        ``rule`` itself (so that a module can write ``RULE = register(Rule(...))``).

    Raises
    ------
    TypeError
        When ``rule`` is not a :class:`Rule`.
    ValueError
        When its name or its edge ``source -> target`` is already taken.
    """
    if not isinstance(rule, Rule):
        raise TypeError(f"rule: expected a Rule, got {type(rule).__name__}")
    if rule.name in _RULES:
        raise ValueError(f"rule: {rule.name!r} is already registered (by {_RULES[rule.name].module})")
    for other in _RULES.values():
        if (other.source, other.target) == (rule.source, rule.target):
            raise ValueError(f"rule: {rule.source} -> {rule.target} is already registered as {other.name!r}")
    _RULES[rule.name] = rule
    ENDPOINTS[rule.name] = (rule.source, rule.target)
    return rule


def unregister(name: str) -> Rule:
    """Remove and return the rule registered as ``name`` (for plugins and tests).

    Parameters
    ----------
    name : str
        A registered rule name.

    Returns
    -------
    Rule
        The removed rule (also removed from :data:`ENDPOINTS`).

    Raises
    ------
    ValueError
        When no rule is registered as ``name``.
    """
    rule = get(name)
    del _RULES[name]
    del ENDPOINTS[name]
    return rule


def rules() -> Mapping[str, Rule]:
    """A read-only view of every registered rule, in registration order.

    Returns
    -------
    Mapping[str, Rule]
        ``{name: Rule}`` (a ``MappingProxyType`` that follows later registrations).
    """
    return MappingProxyType(_RULES)


def get(name: str) -> Rule:
    """The rule registered as ``name``.

    Parameters
    ----------
    name : str
        A rule name.

    Returns
    -------
    Rule
        The registered rule.

    Raises
    ------
    ValueError
        For an unknown rule (the message lists the registered ones).

    Examples
    --------
    >>> r = get("cnf_to_nae_sat")
    >>> r.source, r.target
    ('cnf', 'nae_sat')
    """
    if not isinstance(name, str) or name not in _RULES:
        raise ValueError(f"rule: unknown rule {name!r}; expected one of {sorted(_RULES)}")
    return _RULES[name]


def rules_table() -> str:
    """A Markdown table of every registered rule: name, source, target, size formula.

    Returns
    -------
    str
        The table, one row per rule in registration order (``|`` in formulas escaped).
    """
    lines = ["| rule | source | target | target size |", "|---|---|---|---|"]
    for r in _RULES.values():
        formula = r.size_text.replace("|", "\\|")
        lines.append(f"| `{r.name}` | `{r.source}` | `{r.target}` | {formula} |")
    return "\n".join(lines)
