"""Argument checks shared by the population-quadratic modules of :mod:`recovery.lsa`."""
from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

from recovery.validation import check_int
from recovery.lsa.prompts import check_prior_init

__all__ = ["check_common", "exactify"]


def exactify(x: Any, name: str) -> Fraction:
    """``x`` as a Fraction; TypeError naming ``name`` unless it is an int or a Fraction (exact mode)."""
    if isinstance(x, bool) or not isinstance(x, (Fraction, numbers.Integral)):
        raise TypeError(
            f"{name} must be an int or Fraction in exact mode (got {type(x).__name__} {x!r}); "
            "pass fractions.Fraction values"
        )
    return Fraction(x)


def check_common(d: Any, n: Any, prior: Any, init: Any, exact: Any) -> tuple[int, int, int]:
    """Validate ``d >= 1``, ``n >= 1``, the bool ``exact`` and the (prior, init) pair; return ``(d, n, S)``."""
    d = check_int(d, "d", min_value=1)
    n = check_int(n, "n", min_value=1)
    if not isinstance(exact, bool):
        raise TypeError(f"exact must be a bool, got {type(exact).__name__}")
    S = check_prior_init(prior, init)
    return d, n, S
