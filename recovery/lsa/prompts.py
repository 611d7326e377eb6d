"""In-context Markov prompts (MATH.md section 1): kernel priors, initial laws and a vectorised sampler.

Layout (0-based in code; the paper's time ``t`` is our index ``t-1``):

* a chain is ``z = (s_0, ..., s_d)`` (paper: ``s_1..s_{d+1}``); input ``x = z[:d]``, label ``y = z[d]``;
* ``Z0`` has shape ``(B, d+1, n+1)``: ``Z0[:, :, i]`` for ``i < n`` is context chain ``i``,
  ``Z0[:, :d, n]`` is the query input ``x_{n+1}`` and ``Z0[:, d, n] = 0``;
* tokens are the numeric state values ``0..S-1``.

Given the kernel ``K`` of a prompt, its ``n`` context chains and the query chain are independent
(for :class:`CorrelatedInit`: independent given ``K`` and the query's initial state, paper Thm 3.4).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Union

import numpy as np

from recovery.validation import check_int, check_probability_open, check_real, check_rng

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
]

SCHEMA_VERSION = "lsahard.prompts/1"


def _no_overflow(x: Any, name: str) -> None:
    """Huge ints/Fractions make ``float(x)`` raise OverflowError: report a ValueError instead."""
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        try:
            float(x)
        except OverflowError:
            raise ValueError(f"{name} must be a finite real number, got a value too large for a float") from None


def _exact_or_float(x: Any, name: str, *, open01: bool = False, positive: bool = False) -> Any:
    """Validate a real scalar; keep ``int``/``Fraction`` values exact, turn everything else to float."""
    _no_overflow(x, name)
    if open01:
        check_probability_open(x, name)
    elif positive:
        check_real(x, name, low=0.0, low_open=True)
    else:
        check_real(x, name)
    if isinstance(x, Fraction):
        return x
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    return float(x)


# --------------------------------------------------------------------------- kernel priors


@dataclass(frozen=True)
class UniformBinaryPrior:
    """Binary kernel ``K = [[1-p01, p01], [p10, 1-p10]]`` with ``p01, p10 ~ U(0,1)`` independent."""

    @property
    def num_states(self) -> int:
        return 2

    def sample(self, batch: int, rng: np.random.Generator) -> np.ndarray:
        """``(batch, 2, 2)`` kernels."""
        p = rng.random((batch, 2))
        K = np.empty((batch, 2, 2))
        K[:, 0, 1] = p[:, 0]
        K[:, 0, 0] = 1.0 - p[:, 0]
        K[:, 1, 0] = p[:, 1]
        K[:, 1, 1] = 1.0 - p[:, 1]
        return K

    def to_json(self) -> dict:
        return {"kind": "uniform"}


@dataclass(frozen=True)
class DirichletPrior:
    """Each kernel row ``K[s, :] ~ Dirichlet(alpha * 1_S)`` independently (``S = num_states``).

    ``alpha`` may be an ``int``/``Fraction`` (kept exact for the rational population mode).
    """

    num_states: int
    alpha: Any = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "num_states", check_int(self.num_states, "num_states", min_value=2))
        object.__setattr__(self, "alpha", _exact_or_float(self.alpha, "alpha", positive=True))

    def sample(self, batch: int, rng: np.random.Generator) -> np.ndarray:
        S = self.num_states
        # Gamma normalisation == Dirichlet; done by hand to vectorise over (batch, S) rows.
        g = rng.standard_gamma(float(self.alpha), size=(batch, S, S))
        s = g.sum(axis=2, keepdims=True)
        # alpha << 1 can underflow every gamma draw of a row to 0: fall back to a vertex then.
        bad = s[..., 0] == 0.0
        if np.any(bad):
            idx = rng.integers(0, S, size=int(bad.sum()))
            rows = np.zeros((idx.size, S))
            rows[np.arange(idx.size), idx] = 1.0
            g[bad] = rows
            s = g.sum(axis=2, keepdims=True)
        return g / s

    def to_json(self) -> dict:
        return {"kind": "dirichlet", "num_states": self.num_states, "alpha": str(self.alpha)}


def _as_kernel(K: Any, name: str = "K") -> tuple[np.ndarray, tuple[tuple[Fraction, ...], ...]]:
    """Validate a row-stochastic matrix; return (float copy, exact rows).

    Exact rows: entries given as int/Fraction stay exact; floats become their exact binary value,
    and the last entry of each row is set to ``1 - sum(others)`` so every row sums to exactly 1
    (a change of at most a few ulp, documented for the rational mode).
    """
    if isinstance(K, (str, bytes)):
        raise TypeError(f"{name} must be a square numeric matrix")
    raw = np.asarray(K, dtype=object)
    if raw.ndim != 2 or raw.shape[0] != raw.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {raw.shape}")
    if raw.shape[0] < 2:
        raise ValueError(f"{name} must have at least 2 states, got shape {raw.shape}")
    exact_rows = []
    for r in range(raw.shape[0]):
        row = []
        for c in range(raw.shape[1]):
            x = raw[r, c]
            if isinstance(x, np.generic):
                x = x.item()
            if isinstance(x, bool) or not isinstance(x, numbers.Real):
                raise TypeError(f"{name}[{r},{c}] must be a real number, got {type(x).__name__}")
            _no_overflow(x, f"{name}[{r},{c}]")
            v = float(x)
            if not np.isfinite(v) or v < 0.0 or v > 1.0:
                raise ValueError(f"{name}[{r},{c}] must lie in [0, 1], got {x!r}")
            row.append(Fraction(x) if isinstance(x, (Fraction, numbers.Integral)) else Fraction(v))
        exact_rows.append(row)
    Kf = np.array([[float(v) for v in row] for row in exact_rows])
    sums = Kf.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > 1e-12):
        raise ValueError(f"{name} must be row-stochastic (rows sum to 1), got row sums {sums.tolist()}")
    for row in exact_rows:
        last = 1 - sum(row[:-1], Fraction(0))
        if last < 0:
            raise ValueError(f"{name} must be row-stochastic, a row's first entries sum above 1")
        row[-1] = last
    return Kf, tuple(tuple(r) for r in exact_rows)


@dataclass(frozen=True, eq=False)
class FixedKernel:
    """One fixed row-stochastic kernel ``K`` for every prompt (the conditional analysis)."""

    K: Any
    K_exact: tuple = field(init=False, repr=False)

    def __post_init__(self) -> None:
        Kf, Kx = _as_kernel(self.K, "K")
        Kf.setflags(write=False)
        object.__setattr__(self, "K", Kf)
        object.__setattr__(self, "K_exact", Kx)

    @property
    def num_states(self) -> int:
        return self.K.shape[0]

    def sample(self, batch: int, rng: np.random.Generator) -> np.ndarray:
        return np.broadcast_to(self.K, (batch,) + self.K.shape).copy()

    def to_json(self) -> dict:
        return {"kind": "fixed", "K": [[str(v) for v in row] for row in self.K_exact]}


KernelPrior = Union[UniformBinaryPrior, DirichletPrior, FixedKernel]


# --------------------------------------------------------------------------- initial laws


@dataclass(frozen=True)
class BernoulliInit:
    """Binary i.i.d. initial states: ``P(s_0 = 1) = p``, ``p`` in (0, 1) (int/Fraction kept exact)."""

    p: Any

    def __post_init__(self) -> None:
        object.__setattr__(self, "p", _exact_or_float(self.p, "p", open01=True))

    def law(self, num_states: int) -> list:
        _require_binary(num_states, "BernoulliInit")
        return [1 - self.p, self.p]

    def to_json(self) -> dict:
        return {"kind": "iid", "p": str(self.p)}


@dataclass(frozen=True)
class UniformInit:
    """i.i.d. initial states uniform on ``{0, ..., S-1}``."""

    def law(self, num_states: int) -> list:
        return [Fraction(1, num_states)] * num_states

    def to_json(self) -> dict:
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
        if self.g is None:
            object.__setattr__(self, "g", _default_g(self.p))
        if not callable(self.g):
            raise TypeError(f"g must be callable, got {type(self.g).__name__}")
        for q0 in (0, 1):
            v = self.g(q0)
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"g({q0}) must return a real number, got {type(v).__name__}")
            _no_overflow(v, f"g({q0})")
            check_real(v, f"g({q0})", low=0.0, high=1.0)

    def context_prob(self, q0: int) -> Any:
        """``P(x_{i,1} = 1 | x_{n+1,1} = q0) = g(q0)``."""
        return self.g(q0)

    def law(self, num_states: int) -> list:
        """Marginal law of the query's initial state."""
        _require_binary(num_states, "CorrelatedInit")
        return [1 - self.p, self.p]

    def to_json(self) -> dict:
        return {"kind": "correlated", "p": str(self.p), "g0": str(self.g(0)), "g1": str(self.g(1))}


InitialLaw = Union[BernoulliInit, UniformInit, CorrelatedInit]



#: the kinds of initial law :func:`initial_law` builds
INIT_KINDS = ("iid", "correlated")


def initial_law(num_states: int, p: Any = None, kind: str = "iid") -> Any:
    """The initial law of the context chains for a prior with ``num_states`` states.

    ``kind="correlated"``: :class:`CorrelatedInit` ``(p)`` (every chain starts where the query
    starts, with probability ``p``); ``kind="iid"``: :class:`BernoulliInit` ``(p)`` for two states,
    :class:`UniformInit` otherwise (``p`` must then be None).

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
    """Validate the (prior, init) pair and return the number of states ``S``."""
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

    ``Z0`` (B, d+1, n+1) float64, ``y`` (B,) float64 query labels, ``kernels`` (B, S, S),
    ``states`` (B, n+1, d+1) int64 (row ``n`` is the query chain including its label).
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
        return self.Z0.shape[0]

    @property
    def d(self) -> int:
        return self.Z0.shape[1] - 1

    @property
    def n(self) -> int:
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
    """
    batch = check_int(batch, "batch", min_value=1)
    d = check_int(d, "d", min_value=1)
    n = check_int(n, "n", min_value=1)
    S = check_prior_init(prior, init)
    rng = check_rng(rng, "rng")

    K = prior.sample(batch, rng)  # (B, S, S)
    C = n + 1
    # initial states (B, n+1); column n is the query chain
    if isinstance(init, CorrelatedInit):
        q0 = rng.random(batch) < float(init.p)
        pc = np.array([float(init.context_prob(0)), float(init.context_prob(1))])[q0.astype(np.intp)]
        s = np.empty((batch, C), dtype=np.int64)
        s[:, :n] = rng.random((batch, n)) < pc[:, None]
        s[:, n] = q0
    elif isinstance(init, BernoulliInit):
        s = (rng.random((batch, C)) < float(init.p)).astype(np.int64)
    else:
        s = rng.integers(0, S, size=(batch, C), dtype=np.int64)

    # chains stored time-major per prompt, (B, d+1, n+1): every step writes one contiguous slab and
    # the array is already Z0's layout; ``states`` is returned as the (B, n+1, d+1) transposed view.
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
    else:
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

    Z0 = st.astype(np.float64)
    Z0[:, d, n] = 0.0
    states = np.swapaxes(st, 1, 2)
    y = st[:, d, n].astype(np.float64)
    return Prompts(Z0=Z0, y=y, kernels=K, states=states)
