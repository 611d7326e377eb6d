"""Applied reductions: the target instance with the two certificate maps, and their composition.

A :class:`Reduction` is the result of applying one rule (or a chain of rules) to one instance:
the target instance plus the two certificate maps ``forward`` (source solution -> target solution)
and ``backward`` (target solution -> source solution).  ``Reduction.compose(first, second)`` chains
two of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reductions.problems.problem import Problem

__all__ = ["Reduction"]


def _identity(x: Any) -> Any:
    return x


@dataclass(frozen=True)
class Reduction:
    """One applied rule (or a composed chain of rules).

    The certificate maps follow REDUCTIONS.md ("How a rule is proven"): ``forward`` maps a YES
    certificate to a YES certificate; ``backward`` maps any target solution to a source solution.

    Attributes
    ----------
    rule : str
        Rule name (module name), or ``"a+b+..."`` for a composed chain; non-empty.
    source : Problem
        The source instance.
    target : Problem
        The constructed target instance.
    forward : callable
        Source solution -> target solution (a YES certificate is mapped to a YES certificate).
    backward : callable
        Target solution -> source solution (any target solution yields a source solution).
    size : dict of str to int
        Actual ``target.size()``.
    predicted_size : dict of str to int
        The rule's documented size formula evaluated on ``source.size()``.
    steps : tuple of dict, optional
        Chain metadata, one dict per applied rule with keys ``rule``, ``source``, ``target``
        (problem names), ``source_size``, ``target_size``, ``predicted_size``.  Filled in
        automatically for a single rule.

    Raises
    ------
    ValueError
        If ``rule`` is empty or not a string.
    TypeError
        If ``source``/``target`` is not a Problem or ``forward``/``backward`` is not callable.
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
    def compose(first: Reduction, second: Reduction) -> Reduction:
        """Chain ``first`` (A -> B) and ``second`` (B -> C) into one reduction A -> C.

        forward = second.forward o first.forward, backward = first.backward o second.backward.

        Parameters
        ----------
        first : Reduction
            The reduction A -> B.
        second : Reduction
            The reduction B -> C; ``second.source`` must be ``first.target`` (the same object or an
            equal instance).

        Returns
        -------
        Reduction
            The composed reduction, rule ``"<first.rule>+<second.rule>"``, with the steps of both.

        Raises
        ------
        TypeError
            If either argument is not a Reduction.
        ValueError
            If ``second.source`` is not ``first.target``.
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
    def identity(instance: Problem) -> Reduction:
        """The empty chain on ``instance`` (source = target, identity maps).

        Parameters
        ----------
        instance : Problem
            The instance.

        Returns
        -------
        Reduction
            Rule ``"identity"``, with ``forward`` and ``backward`` the identity.
        """
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
        """Chain metadata (written to ``chain.json`` by ``lsahard reduce``).

        Returns
        -------
        dict
            Schema ``"lsahard.chain/1"``: rule, source and target names, the list of rules, the steps,
            source and target sizes and ``size_matches``.
        """
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
