"""One row of the claims ledger: :class:`ClaimResult` (frozen, validated, JSON round trip).

A row states a claim of the paper in one line, what was computed to check it, the verdict
(computed from the evidence by the pure functions of :mod:`recovery.paper.claims.verdicts`, never
written by hand), the evidence numbers (JSON-serialisable) and the command that reproduces it.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "ClaimResult",
    "CLAIM_IDS",
    "OUTCOMES",
    "SCHEMA_VERSION",
    "outcome_of",
    "to_jsonable",
]

SCHEMA_VERSION = "lsahard.claim/1"

#: The ledger's rows, in the order of the paper.
CLAIM_IDS: tuple[str, ...] = (
    "lemma-3.1",
    "lemma-3.2",
    "thm-3.3",
    "thm-3.4",
    "thm-3.5",
    "thm-4.1",
    "app-a",
    "fig-3",
    "fig-5",
)

#: The four verdict kinds. Every verdict is ``"holds"`` or ``"<kind>: <reason>"`` for the others.
OUTCOMES: tuple[str, ...] = ("holds", "holds with conditions", "fails", "not checkable")


def outcome_of(verdict: str) -> str:
    """Return the kind of a verdict string (one of :data:`OUTCOMES`).

    Parameters
    ----------
    verdict : str
        ``"holds"`` or ``"<kind>: <reason>"`` with a non-empty reason.

    Returns
    -------
    str
        ``holds``, ``holds with conditions``, ``fails`` or ``not checkable``.

    Raises
    ------
    TypeError
        If ``verdict`` is not a string.
    ValueError
        If ``verdict`` is malformed.

    Examples
    --------
    >>> outcome_of("holds"), outcome_of("fails: 3 points")
    ('holds', 'fails')
    """
    if not isinstance(verdict, str):
        raise TypeError(f"verdict must be a str, got {type(verdict).__name__}")
    if verdict == "holds":
        return "holds"
    for kind in OUTCOMES[1:]:
        prefix = kind + ": "
        if verdict.startswith(prefix) and verdict[len(prefix):].strip():
            return kind
    raise ValueError(
        "verdict must be 'holds' or start with 'holds with conditions: ', 'fails: ' or "
        f"'not checkable: ' followed by a reason, got {verdict!r}"
    )


def to_jsonable(obj: Any) -> Any:
    """Turn evidence into plain JSON types.

    numpy scalars/arrays -> Python numbers/lists; ``Fraction`` -> ``"p/q"`` string when not an
    integer (exactness is kept, and :func:`float` of it is a separate key where it matters);
    tuples -> lists; dict keys -> str; non-finite floats -> ``"nan"``/``"inf"``/``"-inf"`` strings
    (strict JSON has no NaN).

    Parameters
    ----------
    obj : object
        Evidence: None, bool, str, numbers, Fractions, numpy arrays, mappings and sequences of these.

    Returns
    -------
    object
        The JSON-ready value.

    Raises
    ------
    TypeError
        If a value of another type is met.

    Examples
    --------
    >>> from fractions import Fraction
    >>> to_jsonable({1: (Fraction(1, 3), float("inf"))})
    {'1': ['1/3', 'inf']}
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, Fraction):
        return int(obj) if obj.denominator == 1 else f"{obj.numerator}/{obj.denominator}"
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, bool):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()] if obj.dtype != object else [
            to_jsonable(v) for v in obj.tolist()
        ]
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset, range)):
        return [to_jsonable(v) for v in obj]
    raise TypeError(f"evidence value of type {type(obj).__name__} is not JSON-serialisable")


@dataclass(frozen=True)
class ClaimResult:
    """One ledger row: a claim of the paper, what was computed, the verdict and its evidence.

    The fields are validated on construction and ``evidence`` is converted by :func:`to_jsonable`.

    Attributes
    ----------
    id : str
        One of :data:`CLAIM_IDS` (free-form ids are allowed for user checks, non-empty).
    claim : str
        The paper's statement in one line.
    check : str
        What was computed.
    verdict : str
        ``holds`` / ``holds with conditions: ...`` / ``fails: ...`` / ``not checkable: ...``.
    evidence : dict
        JSON-serialisable numbers (converted by :func:`to_jsonable` at construction).
    command : str
        Shell command reproducing the row.
    call : str
        The Python call with the parameters actually used.
    wall_s : float
        Seconds spent computing the row (finite, ``>= 0``).

    Raises
    ------
    TypeError
        If a text field is not a string, ``evidence`` not a mapping or ``wall_s`` not a number.
    ValueError
        If ``id`` is empty, ``claim`` has several lines, ``verdict`` is malformed or ``wall_s`` is
        negative or not finite.

    Examples
    --------
    >>> row = ClaimResult(id="thm-4.1", claim="theta recursion", check="forward pass", verdict="holds",
    ...                   evidence={"max_error": 1e-15})
    >>> row.outcome, ClaimResult.from_json(row.to_json()) == row
    ('holds', True)
    """

    id: str
    claim: str
    check: str
    verdict: str
    evidence: dict[str, Any] = field(default_factory=dict)
    command: str = ""
    call: str = ""
    wall_s: float = 0.0

    def __post_init__(self) -> None:
        for name in ("id", "claim", "check", "command", "call"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        if not self.id.strip():
            raise ValueError("id must be a non-empty string")
        if "\n" in self.claim:
            raise ValueError("claim must be one line")
        outcome_of(self.verdict)
        if not isinstance(self.evidence, Mapping):
            raise TypeError(f"evidence must be a mapping, got {type(self.evidence).__name__}")
        object.__setattr__(self, "evidence", to_jsonable(dict(self.evidence)))
        if isinstance(self.wall_s, bool) or not isinstance(self.wall_s, (int, float)):
            raise TypeError("wall_s must be a real number")
        if not math.isfinite(self.wall_s) or self.wall_s < 0:
            raise ValueError(f"wall_s must be finite and >= 0, got {self.wall_s}")
        object.__setattr__(self, "wall_s", float(self.wall_s))

    @property
    def outcome(self) -> str:
        """The kind of the verdict.

        Returns
        -------
        str
            ``holds``, ``holds with conditions``, ``fails`` or ``not checkable``.
        """
        return outcome_of(self.verdict)

    def to_json(self) -> dict[str, Any]:
        """Return the row as a JSON-ready dict (schema ``lsahard.claim/1``).

        Returns
        -------
        dict
            ``schema``, the fields and ``outcome``.
        """
        return {
            "schema": SCHEMA_VERSION,
            "id": self.id,
            "claim": self.claim,
            "check": self.check,
            "verdict": self.verdict,
            "outcome": self.outcome,
            "evidence": self.evidence,
            "command": self.command,
            "call": self.call,
            "wall_s": self.wall_s,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClaimResult:
        """Build a row from its JSON form (:meth:`to_json`).

        Parameters
        ----------
        data : mapping
            The JSON object; ``call`` and ``wall_s`` may be absent.

        Returns
        -------
        ClaimResult
            The row.

        Raises
        ------
        TypeError
            If ``data`` is not a mapping.
        ValueError
            If the schema is wrong or a required key is missing.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"data must be a mapping, got {type(data).__name__}")
        schema = data.get("schema")
        if schema != SCHEMA_VERSION:
            raise ValueError(f"schema must be {SCHEMA_VERSION!r}, got {schema!r}")
        for key in ("id", "claim", "check", "verdict", "evidence", "command"):
            if key not in data:
                raise ValueError(f"claim JSON is missing the key {key!r}")
        return cls(
            id=data["id"],
            claim=data["claim"],
            check=data["check"],
            verdict=data["verdict"],
            evidence=dict(data["evidence"]),
            command=data["command"],
            call=data.get("call", ""),
            wall_s=float(data.get("wall_s", 0.0)),
        )
