"""Parameter subspaces of an L-layer LSA: flat coordinates ``theta`` <-> per-layer ``(P_l, Q_l)``.

* ``dense``: every ``P_l, Q_l`` free (2 L (d+1)^2 parameters).
* ``sparse``: only the last row ``b_l`` of ``P_l`` and the first ``d`` columns ``A_l`` of ``Q_l`` free
  (the paper's sparse view; for ``L = 1`` this is ``(b, A)`` of MATH.md section 3).
* ``thm41``: ``P_l = [0; b_l^T]``, ``Q_l = [A_l, 0]`` with ``A_l = -[Abar_l; a_l^T]`` (paper Thm 4.1,
  MATH.md section 6).  As a SET this is the same subspace as ``sparse``; only the coordinates differ
  (``Abar_l``, ``a_l`` instead of ``A_l``: a sign flip and a split), which is what ``recovery.training.thm41`` needs.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recovery.training.gram import Layers
from recovery.validation import check_int

__all__ = ["SUBSPACES", "Subspace"]

SUBSPACES = ("dense", "sparse", "thm41")


@dataclass(frozen=True)
class Subspace:
    """Coordinates ``theta`` (flat float64 vector) of a family of L-layer LSA parameters.

    The families (module docstring): ``dense`` (every ``P_l, Q_l`` free, ``2 (d+1)^2`` coordinates per
    layer), ``sparse`` (the last row ``b_l`` of ``P_l`` and the first ``d`` columns ``A_l`` of
    ``Q_l``; for ``L = 1`` the ``(b, A)`` of MATH.md section 3) and ``thm41`` (the same set, with
    coordinates ``(b_l, Abar_l, a_l)``, ``A_l = -[Abar_l; a_l^T]``, of paper Theorem 4.1).  The last
    two have ``(d+1) + (d+1) d`` coordinates per layer.

    Attributes
    ----------
    name : {"dense", "sparse", "thm41"}
        The family.
    d : int
        Chain length minus one (``d >= 1``).
    num_layers : int
        Number of layers ``L >= 1``.

    Raises
    ------
    ValueError
        If ``name`` is unknown or ``d``/``num_layers`` is below 1.
    TypeError
        If ``d`` or ``num_layers`` is not an integer.

    Examples
    --------
    >>> import numpy as np
    >>> sub = Subspace("sparse", 2, 1)
    >>> sub.size
    9
    >>> P, Q = sub.to_layers(np.arange(9.0))[0]
    >>> P[2].tolist(), Q[:, :2].tolist()
    ([0.0, 1.0, 2.0], [[3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    >>> sub.from_layers([(P, Q)]).tolist() == list(range(9))
    True
    """

    name: str
    d: int
    num_layers: int

    def __post_init__(self) -> None:
        if self.name not in SUBSPACES:
            raise ValueError(f"subspace must be one of {SUBSPACES}, got {self.name!r}")
        check_int(self.d, "d", min_value=1)
        check_int(self.num_layers, "layers", min_value=1)

    @property
    def per_layer(self) -> int:
        """Number of coordinates per layer.

        Returns
        -------
        int
            ``2 (d+1)^2`` for ``dense``, ``(d+1) + (d+1) d`` otherwise.
        """
        D = self.d + 1
        return 2 * D * D if self.name == "dense" else D + D * self.d

    @property
    def size(self) -> int:
        """Total number of coordinates.

        Returns
        -------
        int
            ``per_layer * num_layers``.
        """
        return self.per_layer * self.num_layers

    def _chunks(self, theta: np.ndarray) -> list[np.ndarray]:
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.size,):
            raise ValueError(f"theta must have shape ({self.size},), got {theta.shape}")
        k = self.per_layer
        return [theta[l * k : (l + 1) * k] for l in range(self.num_layers)]

    def to_layers(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return the dense per-layer matrices of coordinates ``theta``.

        For ``thm41`` the coordinates of a layer are ``(b, vec Abar (d x d, row-major), a)`` and
        ``A = -[Abar; a^T]``.

        Parameters
        ----------
        theta : numpy.ndarray
            Coordinates, shape ``(size,)``.

        Returns
        -------
        list of (numpy.ndarray, numpy.ndarray)
            ``[(P_l, Q_l), ...]``, each of shape ``(d+1, d+1)`` (fresh arrays).

        Raises
        ------
        ValueError
            If ``theta`` has the wrong shape.
        """
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
        """Pull back per-layer gradients ``(gP, gQ)`` to the coordinates theta.

        Parameters
        ----------
        grads : sequence of (numpy.ndarray, numpy.ndarray)
            ``[(gP_l, gQ_l), ...]``, each of shape ``(d+1, d+1)``.

        Returns
        -------
        numpy.ndarray
            The gradient w.r.t. ``theta``, shape ``(size,)``.
        """
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
        """Return the coordinates of given layers (projection onto the subspace for sparse/thm41).

        Parameters
        ----------
        layers : sequence of (array_like, array_like)
            ``[(P_l, Q_l), ...]``, each of shape ``(d+1, d+1)``; for ``sparse``/``thm41`` entries outside
            the subspace are ignored.

        Returns
        -------
        numpy.ndarray
            Coordinates, shape ``(size,)``.
        """
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
        """Return random initial coordinates with i.i.d. ``N(0, scale^2)`` entries.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of the entries.
        scale : float
            Standard deviation.

        Returns
        -------
        numpy.ndarray
            Shape ``(size,)``.
        """
        return scale * rng.standard_normal(self.size)

    def named_params(self, theta: np.ndarray) -> list[dict[str, list[Any]]]:
        """Return the per-layer parameters in the subspace's own names (JSON friendly).

        Parameters
        ----------
        theta : numpy.ndarray
            Coordinates, shape ``(size,)``.

        Returns
        -------
        list of dict
            Per layer: ``{"P", "Q"}`` (dense), ``{"b", "A"}`` (sparse) or ``{"b", "Abar", "a"}`` (thm41),
            as nested lists.
        """
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
