"""Argument checks shared by the population-quadratic modules of :mod:`recovery.lsa`."""
from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

from recovery.lsa.prompts import check_prior_init
from recovery.validation import check_int

__all__ = ["check_common", "exactify"]


def exactify(x: Any, name: str) -> Fraction:
    """``x`` as a Fraction; TypeError naming ``name`` unless it is an int or a Fraction (exact mode).

    Parameters
    ----------
    x : int or Fraction
        The value.
    name : str
        Argument name used in the error message.

    Returns
    -------
    Fraction
        ``Fraction(x)``.

    Raises
    ------
    TypeError
        If ``x`` is not an int (bool excluded) or a Fraction.
    """
    if isinstance(x, bool) or not isinstance(x, (Fraction, numbers.Integral)):
        raise TypeError(
            f"{name} must be an int or Fraction in exact mode (got {type(x).__name__} {x!r}); "
            "pass fractions.Fraction values"
        )
    return Fraction(x)


def check_common(d: Any, n: Any, prior: Any, init: Any, exact: Any) -> tuple[int, int, int]:
    """Validate ``d >= 1``, ``n >= 1``, the bool ``exact`` and the (prior, init) pair; return ``(d, n, S)``.

    Parameters
    ----------
    d, n : int
        Chain input length and number of context chains, both ``>= 1``.
    prior : UniformBinaryPrior, DirichletPrior or FixedKernel
        Kernel prior.
    init : BernoulliInit, UniformInit or CorrelatedInit
        Initial law.
    exact : bool
        Rational mode flag.

    Returns
    -------
    tuple of int
        ``(d, n, S)`` with ``S`` the number of states.

    Raises
    ------
    ValueError
        If ``d`` or ``n`` is below 1 or a binary-only law meets more than two states.
    TypeError
        If a value has the wrong type.
    """
    d = check_int(d, "d", min_value=1)
    n = check_int(n, "n", min_value=1)
    if not isinstance(exact, bool):
        raise TypeError(f"exact must be a bool, got {type(exact).__name__}")
    S = check_prior_init(prior, init)
    return d, n, S
