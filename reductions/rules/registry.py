"""The rule registry: every reduction rule declares itself once, in its own module.

A rule module ends with ::

    RULE = register(Rule(name="cnf_to_nae_sat", source="cnf", target="nae_sat",
                         size_formula="...", predicted_size=predicted_size, reduce=reduce))

and :mod:`reductions.rules` imports every rule module, so importing it fills the registry.  The
graph (:func:`reductions.rules.graph.rules_graph`), ``reductions.rules.graph.RULES``, the CLI's listing and the
docs table (:func:`rules_table`) are all read from here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Callable, Mapping

from reductions.problems.base import PROBLEM_MODULES, Reduction

__all__ = ["Rule", "register", "unregister", "rules", "get", "ENDPOINTS", "rules_table"]


@dataclass(frozen=True)
class Rule:
    """One reduction rule: an edge ``source -> target`` of the reduction graph.

    ``size_formula`` is the symbolic target size (text); ``predicted_size(source, ...)`` computes
    it; ``reduce(instance, ...)`` builds the :class:`~reductions.problems.base.Reduction`.  ``module`` is the
    dotted name of the defining module (by default the module of ``reduce``).
    """

    name: str
    source: str
    target: str
    size_formula: str
    predicted_size: Callable[..., dict[str, int]]
    reduce: Callable[..., Reduction]
    module: str = field(default="")

    def __post_init__(self) -> None:
        for attr in ("name", "source", "target", "size_formula"):
            if not isinstance(getattr(self, attr), str) or not getattr(self, attr):
                raise ValueError(f"{attr}: expected a non-empty str, got {getattr(self, attr)!r}")
        for attr in ("source", "target"):
            if getattr(self, attr) not in PROBLEM_MODULES:
                raise ValueError(f"{attr}: unknown problem {getattr(self, attr)!r}; "
                                 f"expected one of {sorted(PROBLEM_MODULES)}")
        for attr in ("predicted_size", "reduce"):
            if not callable(getattr(self, attr)):
                raise TypeError(f"{attr}: expected a callable, got {getattr(self, attr)!r}")
        if not self.module:
            object.__setattr__(self, "module", self.reduce.__module__)

    def module_object(self) -> ModuleType:
        """The module that defines the rule (already imported: it registered the rule)."""
        return sys.modules[self.module]


_RULES: dict[str, Rule] = {}

#: rule name -> (source problem, target problem), in registration order; kept in step with the
#: registry (``reductions.rules.graph.RULES`` is this dict).
ENDPOINTS: dict[str, tuple[str, str]] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the registry and return it; ValueError for a name or edge already taken."""
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
    """Remove and return the rule registered as ``name`` (for plugins and tests)."""
    rule = get(name)
    del _RULES[name]
    del ENDPOINTS[name]
    return rule


def rules() -> Mapping[str, Rule]:
    """A read-only view ``{name: Rule}`` of every registered rule, in registration order."""
    return MappingProxyType(_RULES)


def get(name: str) -> Rule:
    """The rule registered as ``name`` (ValueError for an unknown rule)."""
    if not isinstance(name, str) or name not in _RULES:
        raise ValueError(f"rule: unknown rule {name!r}; expected one of {sorted(_RULES)}")
    return _RULES[name]


def rules_table() -> str:
    """A Markdown table of every registered rule: name, source, target, size formula."""
    lines = ["| rule | source | target | target size |", "|---|---|---|---|"]
    for r in _RULES.values():
        formula = r.size_formula.replace("|", "\\|")
        lines.append(f"| `{r.name}` | `{r.source}` | `{r.target}` | {formula} |")
    return "\n".join(lines)
