"""Kernel priors of the in-context Markov prompts (MATH.md section 1; paper Section 2).

:class:`UniformBinaryPrior` (binary kernels with ``p01, p10 ~ U(0, 1)``), :class:`DirichletPrior`
(each row ``~ Dirichlet(alpha 1_S)``) and :class:`FixedKernel` (one kernel for every prompt); each
samples ``(batch, S, S)`` row-stochastic kernels from a ``numpy.random.Generator``. Numbers given
as ``int``/``Fraction`` are kept exact for the rational population mode.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.validation import check_int, check_probability_open, check_real

__all__ = ["UniformBinaryPrior", "DirichletPrior", "FixedKernel", "KernelPrior"]


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
        """``(batch, 2, 2)`` kernels.

        Parameters
        ----------
        batch : int
            Number of kernels.
        rng : numpy.random.Generator
            Source of randomness.

        Returns
        -------
        numpy.ndarray, shape (batch, 2, 2)
            Row-stochastic kernels.
        """
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

    Attributes
    ----------
    num_states : int
        ``S >= 2``.
    alpha : float or Fraction
        Concentration ``alpha > 0``.
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
    """One fixed row-stochastic kernel ``K`` for every prompt (the conditional analysis).

    Attributes
    ----------
    K : numpy.ndarray, shape (S, S)
        The kernel (float64, read-only).
    K_exact : tuple of tuple of Fraction
        Exact rows, each summing to exactly 1.
    """

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


KernelPrior = UniformBinaryPrior | DirichletPrior | FixedKernel
