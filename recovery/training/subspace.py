"""Parameter subspaces of an L-layer LSA: flat coordinates ``theta`` <-> per-layer ``(P_l, Q_l)``.

* ``dense``: every ``P_l, Q_l`` free (2 L (d+1)^2 parameters).
* ``sparse``: only the last row ``b_l`` of ``P_l`` and the first ``d`` columns ``A_l`` of ``Q_l`` free
  (the paper's sparse view; for ``L = 1`` this is ``(b, A)`` of MATH.md section 3).
* ``thm41``: ``P_l = [0; b_l^T]``, ``Q_l = [A_l, 0]`` with ``A_l = -[Abar_l; a_l^T]`` (paper Thm 4.1,
  MATH.md section 6).  As a SET this is the same subspace as ``sparse``; only the coordinates differ
  (``Abar_l``, ``a_l`` instead of ``A_l``: a sign flip and a split), which is what ``recovery.training.thm41`` needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from recovery.training._args import check_count
from recovery.training.gram import Layers

__all__ = ["SUBSPACES", "Subspace"]

SUBSPACES = ("dense", "sparse", "thm41")


@dataclass(frozen=True)
class Subspace:
    """Coordinates ``theta`` (flat float64 vector) of a family of L-layer LSA parameters (see module docstring)."""

    name: str
    d: int
    num_layers: int

    def __post_init__(self) -> None:
        if self.name not in SUBSPACES:
            raise ValueError(f"subspace must be one of {SUBSPACES}, got {self.name!r}")
        check_count(self.d, "d", 1)
        check_count(self.num_layers, "layers", 1)

    @property
    def per_layer(self) -> int:
        D = self.d + 1
        return 2 * D * D if self.name == "dense" else D + D * self.d

    @property
    def size(self) -> int:
        return self.per_layer * self.num_layers

    def _chunks(self, theta: np.ndarray) -> list[np.ndarray]:
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.size,):
            raise ValueError(f"theta must have shape ({self.size},), got {theta.shape}")
        k = self.per_layer
        return [theta[l * k : (l + 1) * k] for l in range(self.num_layers)]

    def to_layers(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        d, D = self.d, self.d + 1
        out = []
        for c in self._chunks(theta):
            if self.name == "dense":
                out.append((c[: D * D].reshape(D, D).copy(), c[D * D :].reshape(D, D).copy()))
                continue
            P = np.zeros((D, D))
            Q = np.zeros((D, D))
            P[d, :] = c[:D]
            if self.name == "sparse":
                Q[:, :d] = c[D:].reshape(D, d)
            else:  # thm41: c = (b, vec Abar (d x d, row-major), a); A = -[Abar; a^T]
                Q[:d, :d] = -c[D : D + d * d].reshape(d, d)
                Q[d, :d] = -c[D + d * d :]
            out.append((P, Q))
        return out

    def grad_to_theta(self, grads: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Pull back per-layer gradients (gP, gQ) to the coordinates theta."""
        d = self.d
        parts = []
        for gP, gQ in grads:
            if self.name == "dense":
                parts += [gP.ravel(), gQ.ravel()]
            elif self.name == "sparse":
                parts += [gP[d, :], gQ[:, :d].ravel()]
            else:
                parts += [gP[d, :], -gQ[:d, :d].ravel(), -gQ[d, :d]]
        return np.concatenate(parts)

    def from_layers(self, layers: Layers) -> np.ndarray:
        """Coordinates of given layers (projection onto the subspace for sparse/thm41)."""
        d = self.d
        parts = []
        for P, Q in layers:
            P = np.asarray(P, dtype=float)
            Q = np.asarray(Q, dtype=float)
            if self.name == "dense":
                parts += [P.ravel(), Q.ravel()]
            elif self.name == "sparse":
                parts += [P[d, :], Q[:, :d].ravel()]
            else:
                parts += [P[d, :], -Q[:d, :d].ravel(), -Q[d, :d]]
        return np.concatenate(parts)

    def init(self, rng: np.random.Generator, scale: float) -> np.ndarray:
        return scale * rng.standard_normal(self.size)

    def named_params(self, theta: np.ndarray) -> list[dict[str, list[Any]]]:
        """Per-layer parameters in the subspace's own names (JSON friendly)."""
        d, D = self.d, self.d + 1
        out = []
        for c, (P, Q) in zip(self._chunks(theta), self.to_layers(theta)):
            if self.name == "dense":
                out.append({"P": P.tolist(), "Q": Q.tolist()})
            elif self.name == "sparse":
                out.append({"b": c[:D].tolist(), "A": c[D:].reshape(D, d).tolist()})
            else:
                out.append(
                    {
                        "b": c[:D].tolist(),
                        "Abar": c[D : D + d * d].reshape(d, d).tolist(),
                        "a": c[D + d * d :].tolist(),
                    }
                )
        return out
