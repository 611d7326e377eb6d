"""Shared plumbing of the claim checks: result construction, the "not checkable" guard, exact rational arithmetic."""
from __future__ import annotations

import time
from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from recovery.paper.claims.result import ClaimResult

__all__ = [
    "MissingDependency",
    "make_result",
    "call_string",
    "exact_fraction",
    "exact_is_positive_definite",
    "exact_solve",
]


class MissingDependency(Exception):
    """A computation a claim needs is not available (e.g. an experiment returned no summary); the ledger turns
    it into ``not checkable: <reason>`` (:func:`run_guarded`)."""


class Raw(str):
    """A string rendered verbatim by :func:`call_string` (for names such as module constants)."""

    def __repr__(self) -> str:
        return str(self)


def call_string(func: str, **params: Any) -> str:
    """``"from recovery.paper.claims import f; f(a=1, b=(1, 2))"`` (ranges kept as ``range(...)``)."""
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return f"from recovery.paper.claims import {func}; print({func}({args}).to_json())"


def make_result(
    *,
    id: str,
    claim: str,
    check: str,
    verdict: str,
    evidence: Mapping[str, Any],
    call: str,
    t0: float,
) -> ClaimResult:
    return ClaimResult(
        id=id,
        claim=claim,
        check=check,
        verdict=verdict,
        evidence=dict(evidence),
        command=f"lsahard claims --only {id} --json",
        call=call,
        wall_s=time.perf_counter() - t0,
    )


def run_guarded(
    build: Callable[[], ClaimResult], *, id: str, claim: str, check: str, call: str
) -> ClaimResult:
    """Run ``build``; a MissingDependency becomes a ``not checkable`` row."""
    t0 = time.perf_counter()
    try:
        return build()
    except MissingDependency as exc:
        return make_result(
            id=id,
            claim=claim,
            check=check,
            verdict=f"not checkable: {exc}",
            evidence={"missing": str(exc)},
            call=call,
            t0=t0,
        )


def exact_fraction(x: Any) -> Fraction:
    """A float given in decimal (0.1) as the decimal fraction it denotes (1/10), ints/Fractions as is."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return Fraction(int(x))
    return Fraction(repr(float(x)))


def exact_is_positive_definite(H: Any) -> tuple[bool, Fraction]:
    """Exact test of positive definiteness of a symmetric rational matrix by LDL^T pivots.

    Returns ``(is_pd, smallest pivot)``: Sylvester's criterion in the form "all pivots of symmetric
    Gaussian elimination without pivoting are > 0" is necessary and sufficient; elimination stops
    at the first pivot <= 0 (which is then returned).
    """
    M = [[Fraction(v) for v in row] for row in np.asarray(H, dtype=object)]
    n = len(M)
    smallest: Fraction | None = None
    for k in range(n):
        piv = M[k][k]
        smallest = piv if smallest is None or piv < smallest else smallest
        if piv <= 0:
            return False, piv
        row_k = M[k]
        for i in range(k + 1, n):
            f = M[i][k] / piv
            if f:
                row_i = M[i]
                for j in range(k + 1, n):
                    row_i[j] -= f * row_k[j]
    return True, smallest if smallest is not None else Fraction(0)


def exact_solve(H: Any, h: Any) -> list[Fraction]:
    """Solve ``H x = h`` exactly in Fractions (Gaussian elimination with nonzero pivoting)."""
    M = [[Fraction(v) for v in row] + [Fraction(r)] for row, r in zip(np.asarray(H, dtype=object), h)]
    n = len(M)
    for k in range(n):
        piv = next((i for i in range(k, n) if M[i][k] != 0), None)
        if piv is None:
            raise ValueError("H is singular")
        M[k], M[piv] = M[piv], M[k]
        for i in range(n):
            if i != k and M[i][k]:
                f = M[i][k] / M[k][k]
                M[i] = [a - f * b for a, b in zip(M[i], M[k])]
    return [M[i][n] / M[i][i] for i in range(n)]


def float_list(xs: Sequence[Any]) -> list[float]:
    return [float(x) for x in xs]
