"""Shared plumbing of the claim checks: result construction, the "not checkable" guard, exact rational arithmetic,
parameter lists."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.paper.claims.result import ClaimResult
from recovery.validation import check_int, check_probability_open

__all__ = [
    "MissingDependency",
    "make_result",
    "call_string",
    "exact_fraction",
    "exact_is_positive_definite",
    "exact_solve",
]


class MissingDependency(Exception):
    """A computation a claim needs is not available.

    For example an experiment returned no summary; the ledger turns it into
    ``not checkable: <reason>`` (:func:`run_guarded`).
    """


class Raw(str):
    """A string rendered verbatim by :func:`call_string` (for names such as module constants)."""

    def __repr__(self) -> str:
        return str(self)


def call_string(func: str, **params: Any) -> str:
    """Return the Python call reproducing a check.

    Parameters
    ----------
    func : str
        Name of the check in :mod:`recovery.paper.claims`.
    **params
        Its keyword arguments (ranges kept as ``range(...)``; :class:`Raw` values verbatim).

    Returns
    -------
    str
        ``"from recovery.paper.claims import f; print(f(a=1, b=(1, 2)).to_json())"``.

    Examples
    --------
    >>> call_string("check_fig_3", seeds=(0, 1))
    'from recovery.paper.claims import check_fig_3; print(check_fig_3(seeds=(0, 1)).to_json())'
    """
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
    """Build a :class:`ClaimResult` with the ledger's command and the time since ``t0``.

    Parameters
    ----------
    id : str
        Claim id (the command is ``lsahard claims --only <id> --json``).
    claim : str
        The paper's statement in one line.
    check : str
        What was computed.
    verdict : str
        The verdict.
    evidence : mapping
        The evidence.
    call : str
        The Python call.
    t0 : float
        ``time.perf_counter()`` at the start of the check.

    Returns
    -------
    ClaimResult
        The row.
    """
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
    """Return a float given in decimal (0.1) as the decimal fraction it denotes (1/10), ints/Fractions as is.

    Parameters
    ----------
    x : int, float or Fraction
        The value.

    Returns
    -------
    Fraction
        ``Fraction(repr(float(x)))`` for floats.

    Examples
    --------
    >>> exact_fraction(0.1)
    Fraction(1, 10)
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return Fraction(int(x))
    return Fraction(repr(float(x)))


def exact_is_positive_definite(H: Any) -> tuple[bool, Fraction]:
    """Test positive definiteness of a symmetric rational matrix exactly by LDL^T pivots.

    Sylvester's criterion in the form "all pivots of symmetric Gaussian elimination without pivoting
    are > 0" is necessary and sufficient; elimination stops at the first pivot <= 0 (which is then
    returned).  Used for the exact certificates of paper Lemma 3.1.

    Parameters
    ----------
    H : array_like
        Symmetric matrix of rationals (ints, Fractions), shape ``(k, k)``.

    Returns
    -------
    is_pd : bool
        Whether ``H`` is positive definite.
    pivot : Fraction
        The smallest pivot computed (the first pivot <= 0 if not PD).

    Examples
    --------
    >>> exact_is_positive_definite([[2, 1], [1, 2]])
    (True, Fraction(3, 2))
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
    """Solve ``H x = h`` exactly in Fractions (Gaussian elimination with nonzero pivoting).

    Parameters
    ----------
    H : array_like
        Square matrix of rationals, shape ``(k, k)``.
    h : sequence
        Right-hand side, length ``k``.

    Returns
    -------
    list of Fraction
        The solution ``x``.

    Raises
    ------
    ValueError
        If ``H`` is singular.

    Examples
    --------
    >>> exact_solve([[2, 0], [0, 4]], [1, 1])
    [Fraction(1, 2), Fraction(1, 4)]
    """
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


def int_list(xs: Any, name: str, min_value: int = 1) -> list[int]:
    try:
        vals = list(xs)
    except TypeError:
        raise TypeError(f"{name} must be an iterable of ints") from None
    if not vals:
        raise ValueError(f"{name} must not be empty")
    return [check_int(v, f"{name}[{i}]", min_value=min_value) for i, v in enumerate(vals)]


def probability_list(xs: Any, name: str) -> list[float]:
    try:
        vals = list(xs)
    except TypeError:
        raise TypeError(f"{name} must be an iterable of probabilities") from None
    if not vals:
        raise ValueError(f"{name} must not be empty")
    return [check_probability_open(v, f"{name}[{i}]") for i, v in enumerate(vals)]
