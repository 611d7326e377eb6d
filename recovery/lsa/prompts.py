"""In-context Markov prompts (MATH.md section 1): kernel priors, initial laws and a vectorised sampler.

Layout (0-based in code; the paper's time ``t`` is our index ``t-1``):

* a chain is ``z = (s_0, ..., s_d)`` (paper: ``s_1..s_{d+1}``); input ``x = z[:d]``, label ``y = z[d]``;
* ``Z0`` has shape ``(B, d+1, n+1)``: ``Z0[:, :, i]`` for ``i < n`` is context chain ``i``,
  ``Z0[:, :d, n]`` is the query input ``x_{n+1}`` and ``Z0[:, d, n] = 0``;
* tokens are the numeric state values ``0..S-1``.

Given the kernel ``K`` of a prompt, its ``n`` context chains and the query chain are independent
(for :class:`CorrelatedInit`: independent given ``K`` and the query's initial state, paper Thm 3.4).

The kernel priors are defined in :mod:`recovery.lsa.kernel_priors` and importable from here.
"""
from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.kernel_priors import (
    DirichletPrior,
    FixedKernel,
    KernelPrior,
    UniformBinaryPrior,
    _exact_or_float,
    _no_overflow,
)
from recovery.validation import check_int, check_real, check_rng

__all__ = [
    "UniformBinaryPrior",
    "DirichletPrior",
    "FixedKernel",
    "BernoulliInit",
    "UniformInit",
    "CorrelatedInit",
    "Prompts",
    "sample_prompts",
    "KernelPrior",
    "InitialLaw",
    "INIT_KINDS",
    "initial_law",
    "check_prior_init",
]

SCHEMA_VERSION = "lsahard.prompts/1"


# --------------------------------------------------------------------------- initial laws


@dataclass(frozen=True)
class BernoulliInit:
    """Binary i.i.d. initial states: ``P(s_0 = 1) = p``, ``p`` in (0, 1) (int/Fraction kept exact).

    Attributes
    ----------
    p : float or Fraction
        ``P(s_0 = 1)`` (paper ``P(s_1 = 1)``).
    """

    p: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "p", _exact_or_float(self.p, "p", open01=True))

    def law(self, num_states: int) -> list[Any]:
        """The law ``[1 - p, p]`` of the initial state (binary only).

        Parameters
        ----------
        num_states : int
            Number of states of the prior; must be 2.

        Returns
        -------
        list
            ``[1 - p, p]``.
        """
        _require_binary(num_states, "BernoulliInit")
        return [1 - self.p, self.p]

    def to_json(self) -> dict[str, Any]:
        """JSON record ``{"kind": "iid", "p": str(p)}``."""
        return {"kind": "iid", "p": str(self.p)}


@dataclass(frozen=True)
class UniformInit:
    """i.i.d. initial states uniform on ``{0, ..., S-1}``."""

    def law(self, num_states: int) -> list[Any]:
        """The uniform law ``[1/S] * S``.

        Parameters
        ----------
        num_states : int
            Number of states ``S``.

        Returns
        -------
        list of Fraction
            ``S`` entries ``1/S``.
        """
        return [Fraction(1, num_states)] * num_states

    def to_json(self) -> dict[str, Any]:
        """JSON record ``{"kind": "uniform"}``."""
        return {"kind": "uniform"}


def _default_g(p: Any) -> Callable[[Any], Any]:
    def g(x: Any) -> Any:
        return (x - p) ** 2

    return g


@dataclass(frozen=True, eq=False)
class CorrelatedInit:
    """Correlated initial states (paper Thm 3.4), binary only.

    Query ``x_{n+1,1} ~ Bern(p)``; each context ``x_{i,1} | x_{n+1,1} ~ Bern(g(x_{n+1,1}))``
    independently. ``g`` is any callable with ``g(0), g(1)`` in [0, 1]; default ``g(x) = (x-p)^2``.
    For the rational population mode ``p`` must be a Fraction/int and ``g`` must return exact values.
    """

    p: Any
    g: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "p", _exact_or_float(self.p, "p", open01=True))
        g = _default_g(self.p) if self.g is None else self.g
        object.__setattr__(self, "g", g)
        if not callable(g):
            raise TypeError(f"g must be callable, got {type(g).__name__}")
        for q0 in (0, 1):
            v = g(q0)
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"g({q0}) must return a real number, got {type(v).__name__}")
            _no_overflow(v, f"g({q0})")
            check_real(v, f"g({q0})", low=0.0, high=1.0)

    def context_prob(self, q0: int) -> Any:
        """``P(x_{i,1} = 1 | x_{n+1,1} = q0) = g(q0)``.

        Parameters
        ----------
        q0 : int
            Initial state of the query, 0 or 1.

        Returns
        -------
        float or Fraction
            ``g(q0)``.
        """
        return self._g()(q0)

    def law(self, num_states: int) -> list:
        """Marginal law of the query's initial state.

        Parameters
        ----------
        num_states : int
            Number of states of the prior; must be 2.

        Returns
        -------
        list
            ``[1 - p, p]``.
        """
        _require_binary(num_states, "CorrelatedInit")
        return [1 - self.p, self.p]

    def to_json(self) -> dict[str, Any]:
        """JSON record with ``p``, ``g(0)`` and ``g(1)`` as strings."""
        g = self._g()
        return {"kind": "correlated", "p": str(self.p), "g0": str(g(0)), "g1": str(g(1))}

    def _g(self) -> Callable[[Any], Any]:
        """``g``, never None once the instance exists (``__post_init__`` sets the default)."""
        if self.g is None:  # pragma: no cover - only an instance built around __post_init__
            raise ValueError("CorrelatedInit.g is unset (construct CorrelatedInit(p, g) normally)")
        return self.g


InitialLaw = BernoulliInit | UniformInit | CorrelatedInit



#: the kinds of initial law :func:`initial_law` builds
INIT_KINDS = ("iid", "correlated")


def initial_law(num_states: int, p: Any = None, kind: str = "iid") -> Any:
    """The initial law of the context chains for a prior with ``num_states`` states.

    ``kind="correlated"``: :class:`CorrelatedInit` ``(p)`` (every chain starts where the query
    starts, with probability ``p``); ``kind="iid"``: :class:`BernoulliInit` ``(p)`` for two states,
    :class:`UniformInit` otherwise (``p`` must then be None).

    Parameters
    ----------
    num_states : int
        Number of states ``S`` of the prior.
    p : float, Fraction or None
        ``P(s_1 = 1)`` for binary state spaces.
    kind : str
        One of :data:`INIT_KINDS`.

    Returns
    -------
    BernoulliInit, CorrelatedInit or UniformInit
        The initial law.

    Raises
    ------
    ValueError
        If ``kind`` is unknown, ``p`` is missing for a binary law or given for ``S > 2``.

    Examples
    --------
    >>> initial_law(2, 0.25)
    BernoulliInit(p=0.25)
    """
    if kind not in INIT_KINDS:
        raise ValueError(f"kind must be one of {INIT_KINDS}, got {kind!r}")
    if p is not None and num_states != 2:
        raise ValueError(f"p applies to binary state spaces only; the prior has {num_states} states")
    if kind == "correlated":
        if p is None:
            raise ValueError("p is required for a correlated initial law")
        return CorrelatedInit(p)
    if num_states == 2:
        if p is None:
            raise ValueError("p is required for a binary state space")
        return BernoulliInit(p)
    return UniformInit()


def _require_binary(num_states: int, what: str) -> None:
    if num_states != 2:
        raise ValueError(f"init {what} needs a binary state space, the prior has {num_states} states")


def check_prior_init(prior: Any, init: Any) -> int:
    """Validate the (prior, init) pair and return the number of states ``S``.

    Parameters
    ----------
    prior : UniformBinaryPrior, DirichletPrior or FixedKernel
        Kernel prior.
    init : BernoulliInit, UniformInit or CorrelatedInit
        Initial law.

    Returns
    -------
    int
        ``S``.

    Raises
    ------
    TypeError
        If either has the wrong type.
    ValueError
        If a binary-only law meets ``S > 2``.
    """
    if not isinstance(prior, (UniformBinaryPrior, DirichletPrior, FixedKernel)):
        raise TypeError(
            f"prior must be UniformBinaryPrior, DirichletPrior or FixedKernel, got {type(prior).__name__}"
        )
    if not isinstance(init, (BernoulliInit, UniformInit, CorrelatedInit)):
        raise TypeError(
            f"init must be BernoulliInit, UniformInit or CorrelatedInit, got {type(init).__name__}"
        )
    S = prior.num_states
    init.law(S)  # raises for binary-only laws on |S| > 2
    return S


# --------------------------------------------------------------------------- sampler


@dataclass(frozen=True, eq=False)
class Prompts:
    """A batch of prompts.

    Attributes
    ----------
    Z0 : numpy.ndarray, shape (B, d+1, n+1)
        float64 prompts (module docstring layout).
    y : numpy.ndarray, shape (B,)
        float64 query labels.
    kernels : numpy.ndarray, shape (B, S, S)
        The kernel of each prompt.
    states : numpy.ndarray, shape (B, n+1, d+1)
        int64 states (row ``n`` is the query chain including its label).
    """

    Z0: np.ndarray
    y: np.ndarray
    kernels: np.ndarray
    states: np.ndarray

    def __post_init__(self) -> None:
        for name in ("Z0", "y", "kernels", "states"):
            if not isinstance(getattr(self, name), np.ndarray):
                raise TypeError(f"{name} must be a numpy array, got {type(getattr(self, name)).__name__}")
        if self.Z0.ndim != 3 or self.Z0.dtype != np.float64:
            raise ValueError(f"Z0 must be a float64 array of shape (B, d+1, n+1), got {self.Z0.dtype} {self.Z0.shape}")
        if not np.issubdtype(self.states.dtype, np.integer):
            raise TypeError(f"states must be an integer array, got dtype {self.states.dtype}")
        B, dp1, np1 = self.Z0.shape
        if B < 1 or dp1 < 2 or np1 < 2:
            raise ValueError(f"Z0 must have B >= 1, d >= 1, n >= 1, got shape {self.Z0.shape}")
        if self.y.shape != (B,):
            raise ValueError(f"y must have shape ({B},), got {self.y.shape}")
        if self.states.shape != (B, np1, dp1):
            raise ValueError(f"states must have shape ({B}, {np1}, {dp1}), got {self.states.shape}")
        if self.kernels.ndim != 3 or self.kernels.shape[0] != B or self.kernels.shape[1] != self.kernels.shape[2]:
            raise ValueError(f"kernels must have shape ({B}, S, S), got {self.kernels.shape}")
        S = self.kernels.shape[1]
        if not np.all(np.isfinite(self.kernels)):
            raise ValueError("kernels must be finite (no NaN or inf)")
        if self.states.min() < 0 or self.states.max() > S - 1:
            raise ValueError(f"states must lie in 0..{S - 1} (the state space of the kernels)")

    @property
    def batch(self) -> int:
        """Number of prompts ``B``."""
        return self.Z0.shape[0]

    @property
    def d(self) -> int:
        """Chain input length ``d``."""
        return self.Z0.shape[1] - 1

    @property
    def n(self) -> int:
        """Number of context chains ``n``."""
        return self.Z0.shape[2] - 1


def sample_prompts(
    batch: int,
    d: int,
    n: int,
    *,
    prior: KernelPrior,
    init: InitialLaw,
    rng: Any,
) -> Prompts:
    """Sample ``batch`` prompts of ``n`` context chains and one query chain, each of length ``d+1``.

    Vectorised over all prompts and chains at once (the only Python loop is over the ``d``
    transitions): next state = inverse CDF of the current state's kernel row at a uniform draw.

    Parameters
    ----------
    batch : int
        Number of prompts ``B >= 1``.
    d, n : int
        Chain input length and number of context chains, both ``>= 1``.
    prior : UniformBinaryPrior, DirichletPrior or FixedKernel
        Kernel prior (one kernel per prompt).
    init : BernoulliInit, UniformInit or CorrelatedInit
        Initial law.
    rng : numpy.random.Generator or int
        Source of randomness (an int seeds a new generator).

    Returns
    -------
    Prompts
        ``Z0`` (B, d+1, n+1), ``y`` (B,), ``kernels`` (B, S, S), ``states`` (B, n+1, d+1).

    Examples
    --------
    >>> P = sample_prompts(8, 3, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=0)
    >>> P.Z0.shape, P.y.shape, float(P.Z0[0, 3, 5])
    ((8, 4, 6), (8,), 0.0)
    """
    batch = check_int(batch, "batch", min_value=1)
    d = check_int(d, "d", min_value=1)
    n = check_int(n, "n", min_value=1)
    S = check_prior_init(prior, init)
    rng = check_rng(rng, "rng")

    K = prior.sample(batch, rng)  # (B, S, S)
    st = _run_chains(K, _initial_states(init, batch, n, S, rng), d, rng)
    Z0 = st.astype(np.float64)
    Z0[:, d, n] = 0.0
    states = np.swapaxes(st, 1, 2)
    y = st[:, d, n].astype(np.float64)
    return Prompts(Z0=Z0, y=y, kernels=K, states=states)


def _initial_states(init: Any, batch: int, n: int, S: int, rng: np.random.Generator) -> np.ndarray:
    """Initial states (B, n+1) int64; column n is the query chain."""
    C = n + 1
    if isinstance(init, CorrelatedInit):
        q0 = rng.random(batch) < float(init.p)
        pc = np.array([float(init.context_prob(0)), float(init.context_prob(1))])[q0.astype(np.intp)]
        s = np.empty((batch, C), dtype=np.int64)
        s[:, :n] = rng.random((batch, n)) < pc[:, None]
        s[:, n] = q0
        return s
    if isinstance(init, BernoulliInit):
        return (rng.random((batch, C)) < float(init.p)).astype(np.int64)
    return rng.integers(0, S, size=(batch, C), dtype=np.int64)


def _run_chains(K: np.ndarray, s: np.ndarray, d: int, rng: np.random.Generator) -> np.ndarray:
    """Chains (B, d+1, C) from kernels K (B, S, S) and initial states s (B, C), time-major.

    Every step writes one contiguous slab and the array is already Z0's layout; the caller returns
    ``states`` as the (B, n+1, d+1) transposed view.
    """
    batch, C = s.shape
    S = K.shape[1]
    st = np.empty((batch, d + 1, C), dtype=np.int64)
    st[:, 0, :] = s
    if S == 2:
        # binary: next = 1 iff u < K[s, 1]; select P(->1) per prompt without a gather.
        p_from0 = K[:, 0, 1][:, None]
        p_from1 = K[:, 1, 1][:, None]
        cur = s.astype(bool)
        for t in range(1, d + 1):
            cur = rng.random((batch, C)) < np.where(cur, p_from1, p_from0)
            st[:, t, :] = cur
        return st
    # cumulative rows, one flat table per cumulant k: cumk[k][b*S + r] = sum_{j<=k} K[b, r, j]
    cum = np.cumsum(K, axis=2)
    cumk = [np.ascontiguousarray(cum[:, :, k]).ravel() for k in range(S - 1)]
    base = (np.arange(batch, dtype=np.int64) * S)[:, None]
    for t in range(1, d + 1):
        idx = base + s  # (B, C) row index into the flat tables
        u = rng.random((batch, C))
        nxt = np.zeros((batch, C), dtype=np.int64)
        for k in range(S - 1):  # inverse CDF: next = #{k : u >= cum_k}
            nxt += u >= np.take(cumk[k], idx)
        s = nxt
        st[:, t, :] = s
    return st
