"""Problem C.9 as rows: the bilinear rows ``b^T D^(r) A[:, j(r)] == X[r]`` of phi(b, A) = X."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.reparam import D_pattern
from recovery.programs.rows import BilinearRow
from recovery.programs.values import as_dimension, as_number

__all__ = ["phi_rows", "rows_are_phi_pattern"]


def phi_rows(X: Any, d: int) -> tuple[BilinearRow, ...]:
    """The rows of Problem C.9 for right-hand sides ``X``.

    Parameters
    ----------
    X : array_like
        Right-hand sides, shape (d*m,), m = (d+1)(d+2)/2, ordered as ``recovery.lsa.reparam.phi``
        (0-based ``r = j*m + pair_position(u, v)``); Fractions are kept exactly.
    d : int
        The dimension.

    Returns
    -------
    tuple of BilinearRow
        One equality row per entry of ``X``, with D^(r) from ``recovery.lsa.reparam.D_pattern(d)``.

    Raises
    ------
    ValueError
        When ``X`` has the wrong shape or ``d`` is invalid.

    Examples
    --------
    >>> [r.j for r in phi_rows([1, 2, 3], 1)]
    [0, 0, 0]
    """
    d = as_dimension(d)
    pattern = D_pattern(d)
    X = np.asarray(X)
    if X.shape != (len(pattern),):
        raise ValueError(f"X must have shape ({len(pattern)},) = (d*m,) for d={d}, got {X.shape}")
    rows = []
    for r, (j, trip) in enumerate(pattern):
        x = X[r]
        rhs = x if isinstance(x, Fraction) else as_number(x.item() if hasattr(x, "item") else x, f"X[{r}]")
        rows.append(BilinearRow(int(j), tuple((int(u), int(v), w) for u, v, w in trip), "==", rhs))
    return tuple(rows)


def rows_are_phi_pattern(d: int, rows: Sequence[BilinearRow]) -> bool:
    """Whether ``rows`` are exactly the d*m equality rows of ``D_pattern(d)``.

    Parameters
    ----------
    d : int
        The dimension.
    rows : sequence of BilinearRow
        The rows to compare (any order, each once; D values compared numerically, any rhs).

    Returns
    -------
    bool
        True iff the rows are those of Problem C.9.
    """
    pattern = D_pattern(d)
    if len(rows) != len(pattern) or any(r.sense != "==" for r in rows):
        return False

    def key(j: int, trip: Iterable) -> tuple:
        return (int(j), tuple(sorted((int(u), int(v), Fraction(w)) for u, v, w in trip)))

    return sorted(key(j, t) for j, t in pattern) == sorted(key(r.j, r.D) for r in rows)
