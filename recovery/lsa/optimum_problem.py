"""One population problem from plain values: the prior from a short spec, the initial law, the exact
quadratic ``(H, h, c)`` and its closed-form optimum ``X* = H^{-1} h`` (MATH.md section 4; paper
Lemmas 3.1, 3.2).

:func:`prior_from_spec` reads ``uniform``, ``fixed:P01,P10`` or ``dirichlet:S,ALPHA``;
:func:`solve_optimum_problem` validates everything, builds the initial law with
:func:`recovery.lsa.prompts.initial_law` and returns an :class:`OptimumProblem`.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from recovery.lsa.optimum import Optimum, closed_form_optimum, realizable_d1, realize_d1
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import INIT_KINDS, DirichletPrior, FixedKernel, UniformBinaryPrior, initial_law
from recovery.lsa.quadratic import Quadratic
from recovery.validation import check_int

__all__ = ["EXACT_MAX_D", "PRIOR_SPECS", "OptimumProblem", "parse_number", "prior_from_spec", "solve_optimum_problem"]

#: largest d accepted in exact mode (a TIME guard; memory is guarded by the ``max_bytes`` budget):
#: the exact solve of the (d*m)-dimensional system grows about like d^7 and the sizes of the
#: rationals with it, so d = 13+ would run for minutes to hours (see docs/results/exact_speed.md)
EXACT_MAX_D = 12

#: the prior specs :func:`prior_from_spec` accepts
PRIOR_SPECS = "uniform, fixed:P01,P10 or dirichlet:S,ALPHA"


def parse_number(text: Any, name: str, exact: bool) -> Any:
    """A number written as text (``0.3``, ``3/10``, ``1e-2``): a Fraction if ``exact``, else a float.

    Parameters
    ----------
    text : str or number
        The value; numbers are converted the same way as their text.
    name : str
        The name used in error messages.
    exact : bool
        Keep the exact rational value (``True``) or round to float64.

    Returns
    -------
    fractions.Fraction or float
        The value.

    Raises
    ------
    ValueError
        If ``text`` is not a number (or, for floats, out of float range).

    Examples
    --------
    >>> parse_number("3/10", "p", True)
    Fraction(3, 10)
    >>> parse_number("0.25", "p", False)
    0.25
    """
    try:
        v = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{name} must be a number (e.g. 0.3 or 3/10), got {text!r}") from None
    if exact:
        return v
    try:
        return float(v)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number of float range, got {text!r}") from None


def _fixed_prior(parts: list[str], spec: str, exact: bool) -> FixedKernel:
    if len(parts) != 2:
        raise ValueError(f"prior spec fixed needs fixed:P01,P10, got {spec!r}")
    a = parse_number(parts[0], "fixed prior P01", exact)
    b = parse_number(parts[1], "fixed prior P10", exact)
    for nm, v in (("P01", a), ("P10", b)):
        if not 0 <= v <= 1:
            raise ValueError(f"fixed prior {nm} must lie in [0, 1], got {v}")
    return FixedKernel([[1 - a, a], [b, 1 - b]])


def prior_from_spec(spec: str, exact: bool = False) -> Any:
    """The kernel prior named by ``spec``: ``uniform`` | ``fixed:P01,P10`` | ``dirichlet:S,ALPHA``.

    ``uniform``: :class:`~recovery.lsa.prompts.UniformBinaryPrior`; ``fixed:P01,P10``: the binary
    :class:`~recovery.lsa.prompts.FixedKernel` ``[[1-P01, P01], [P10, 1-P10]]``;
    ``dirichlet:S,ALPHA``: :class:`~recovery.lsa.prompts.DirichletPrior` ``(S, ALPHA)``.

    Parameters
    ----------
    spec : str
        The spec text.
    exact : bool
        Keep the numbers exact (Fractions) for the rational mode.

    Returns
    -------
    UniformBinaryPrior, FixedKernel or DirichletPrior
        The prior.

    Raises
    ------
    ValueError
        If ``spec`` is not one of :data:`PRIOR_SPECS` or a number in it is invalid.

    Examples
    --------
    >>> prior_from_spec("dirichlet:3,1/2", exact=True)
    DirichletPrior(num_states=3, alpha=Fraction(1, 2))
    """
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a str, got {type(spec).__name__}")
    spec = spec.strip()
    if spec == "uniform":
        return UniformBinaryPrior()
    kind, _, rest = spec.partition(":")
    parts = rest.split(",") if rest else []
    if kind == "fixed":
        return _fixed_prior(parts, spec, exact)
    if kind == "dirichlet":
        if len(parts) != 2:
            raise ValueError(f"prior spec dirichlet needs dirichlet:S,ALPHA, got {spec!r}")
        try:
            S = int(parts[0])
        except ValueError:
            raise ValueError(f"dirichlet prior S must be an integer, got {parts[0]!r}") from None
        return DirichletPrior(S, parse_number(parts[1], "dirichlet prior ALPHA", exact))
    raise ValueError(f"prior spec must be {PRIOR_SPECS}, got {spec!r}")


@dataclass(frozen=True, eq=False)
class OptimumProblem:
    """The inputs, the population quadratic and its optimum of :func:`solve_optimum_problem`.

    Attributes
    ----------
    d, n : int
        Chain input length and number of context chains.
    p : float, Fraction or None
        ``P(s_1 = 1)`` (None for more than two states).
    prior : UniformBinaryPrior, FixedKernel or DirichletPrior
        The kernel prior.
    init : BernoulliInit, CorrelatedInit or UniformInit
        The initial law.
    exact : bool
        Rational mode.
    quad : Quadratic
        ``(H, h, c)``.
    opt : Optimum
        ``X* = H^{-1} h`` and ``ftilde*``.
    """

    d: int
    n: int
    p: Any
    prior: Any
    init: Any
    exact: bool
    quad: Quadratic
    opt: Optimum

    def realization_d1(self) -> tuple[bool, tuple[Any, Any] | None]:
        """``d = 1`` only: whether ``X*`` is in the image of phi and a realising ``(b, A)`` (or None).

        Exact ``X*`` is tested exactly (:func:`recovery.lsa.optimum.realizable_d1`).

        Returns
        -------
        realizable : bool
            Whether ``X*`` is in the image of phi.
        realization : tuple of (numpy.ndarray, numpy.ndarray) or None
            ``(b, A)`` of shapes ``(2,)`` and ``(2, 1)`` (:func:`recovery.lsa.optimum.realize_d1`).

        Raises
        ------
        ValueError
            If ``d != 1``.
        """
        if self.d != 1:
            raise ValueError(f"realization_d1 needs d = 1, got d = {self.d}")
        X = list(self.opt.X_star_exact) if self.opt.X_star_exact is not None else self.opt.X_star
        if not realizable_d1(X):
            return False, None
        return True, realize_d1(X)


def solve_optimum_problem(
    d: int, n: int, *, prior: str = "uniform", p: Any = None, init: str = "iid", exact: bool = False,
    max_bytes: Any = None,
) -> OptimumProblem:
    """The exact population quadratic of (``d``, ``n``, prior, initial law) and ``X* = H^{-1} h``.

    Parameters
    ----------
    d, n : int
        Chain input length and number of context chains (``>= 1``); exact mode needs
        ``d <= EXACT_MAX_D``.
    prior : str
        A spec for :func:`prior_from_spec`.
    p : str, number or None
        ``P(s_1 = 1)`` in (0, 1) for binary priors (text such as ``"3/10"`` is read by
        :func:`parse_number`); None for more than two states.
    init : str
        ``"iid"`` or ``"correlated"`` (:func:`recovery.lsa.prompts.initial_law`).
    exact : bool
        Rational arithmetic (python-flint) instead of float64.
    max_bytes : float or None
        Memory budget of :func:`recovery.lsa.population.population_quadratic`.

    Returns
    -------
    OptimumProblem
        The inputs, the quadratic and its optimum.

    Raises
    ------
    ValueError
        Bad values, a d beyond ``EXACT_MAX_D`` in exact mode, a memory estimate above
        ``max_bytes`` or a singular ``H`` (the message names the argument).

    Examples
    --------
    >>> prob = solve_optimum_problem(1, 5, p="3/10", exact=True)
    >>> [str(v) for v in prob.quad.h]
    ['9/200', '3/100', '33/400']
    """
    d = check_int(d, "d", min_value=1)
    n = check_int(n, "n", min_value=1)
    if not isinstance(exact, bool):
        raise TypeError(f"exact must be a bool, got {type(exact).__name__}")
    if exact and d > EXACT_MAX_D:
        raise ValueError(f"exact mode supports d <= {EXACT_MAX_D} (got {d}): the exact solve of H X = h grows "
                         "~d^7 (minutes to hours beyond); the float mode agrees to 1e-12")
    if init not in INIT_KINDS:
        raise ValueError(f"init must be one of {INIT_KINDS}, got {init!r}")
    pri = prior_from_spec(prior, exact)
    pv = None
    if p is not None:
        pv = parse_number(p, "p", exact)
        if not 0 < pv < 1:
            raise ValueError(f"p must lie in the open interval (0, 1), got {p}")
    law = initial_law(pri.num_states, pv, init)
    quad = population_quadratic(d, n, prior=pri, init=law, exact=exact, max_bytes=max_bytes)
    return OptimumProblem(d=d, n=n, p=pv, prior=pri, init=law, exact=exact, quad=quad, opt=closed_form_optimum(quad))
