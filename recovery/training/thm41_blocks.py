"""The layers of the Theorem 4.1 subspace: :class:`Thm41Block` (``P = [0; b^T]``, ``Q = [A, 0]``), conversions."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recovery.validation import check_int, check_real

__all__ = [
    "Thm41Block",
    "blocks_from_theta",
    "blocks_to_layers",
    "random_blocks",
]


@dataclass(frozen=True)
class Thm41Block:
    """One layer of the Theorem 4.1 subspace: ``P = [0; b^T]``, ``Q = [A, 0]``, ``A = -[Abar; a^T]``.

    The arrays are copied to float and validated on construction (paper Theorem 4.1, MATH.md
    section 6).

    Attributes
    ----------
    b : array_like
        The last row of ``P``, shape ``(d+1,)`` with ``d >= 1``.
    Abar : array_like
        Shape ``(d, d)``.
    a : array_like
        Shape ``(d,)``.

    Raises
    ------
    ValueError
        If the shapes do not fit together or an entry is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> blk = Thm41Block(np.ones(3), np.eye(2), np.array([1.0, 2.0]))
    >>> blk.d, blk.A.tolist()
    (2, [[-1.0, -0.0], [-0.0, -1.0], [-1.0, -2.0]])
    """

    b: np.ndarray
    Abar: np.ndarray
    a: np.ndarray

    def __post_init__(self) -> None:
        b = np.array(self.b, dtype=float)
        if b.ndim != 1 or b.shape[0] < 2:
            raise ValueError(f"b must be a vector of length d+1 >= 2, got shape {b.shape}")
        d = b.shape[0] - 1
        Abar = np.array(self.Abar, dtype=float)
        a = np.array(self.a, dtype=float)
        if Abar.shape != (d, d):
            raise ValueError(f"Abar must have shape ({d}, {d}), got {Abar.shape}")
        if a.shape != (d,):
            raise ValueError(f"a must have shape ({d},), got {a.shape}")
        for nm, v in (("b", b), ("Abar", Abar), ("a", a)):
            if not np.all(np.isfinite(v)):
                raise ValueError(f"{nm} must be finite")
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "Abar", Abar)
        object.__setattr__(self, "a", a)

    @property
    def d(self) -> int:
        """Input length ``d``.

        Returns
        -------
        int
            ``len(b) - 1``.
        """
        return self.b.shape[0] - 1

    @property
    def A(self) -> np.ndarray:
        """``A = -[Abar; a^T]`` of shape (d+1, d).

        Returns
        -------
        numpy.ndarray
            Shape ``(d+1, d)``.
        """
        return -np.vstack([self.Abar, self.a[None, :]])

    def layer(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the dense layer ``(P, Q)`` of the block.

        Returns
        -------
        P : numpy.ndarray
            Shape ``(d+1, d+1)``, zero except the last row ``b``.
        Q : numpy.ndarray
            Shape ``(d+1, d+1)``, ``[A, 0]``.
        """
        d = self.d
        P = np.zeros((d + 1, d + 1))
        Q = np.zeros((d + 1, d + 1))
        P[d] = self.b
        Q[:, :d] = self.A
        return P, Q


def _blocks(blocks: Sequence[Any]) -> list[Thm41Block]:
    if not isinstance(blocks, (list, tuple)) or len(blocks) < 1:
        raise ValueError("blocks must be a non-empty list of Thm41Block or (b, Abar, a) triples")
    out = [bl if isinstance(bl, Thm41Block) else Thm41Block(*bl) for bl in blocks]
    d = out[0].d
    for l, bl in enumerate(out):
        if bl.d != d:
            raise ValueError(f"blocks[{l}] has d = {bl.d}, blocks[0] has d = {d}")
    return out


def blocks_to_layers(blocks: Sequence[Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return the dense layers ``[(P_l, Q_l), ...]`` of Theorem 4.1 blocks.

    Parameters
    ----------
    blocks : sequence of Thm41Block or (b, Abar, a) triples
        ``L >= 1`` blocks of the same ``d``.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        Each of shape ``(d+1, d+1)``, for ``recovery.lsa.model.lsa_forward``.

    Raises
    ------
    ValueError
        If ``blocks`` is empty or not a list/tuple, or the blocks differ in ``d``.
    """
    return [bl.layer() for bl in _blocks(blocks)]


def blocks_from_theta(theta: np.ndarray, d: int, num_layers: int) -> list[Thm41Block]:
    """Return the blocks of the flat coordinates of ``Subspace('thm41', d, L)``.

    Per layer the coordinates are ``(b, vec Abar (row-major), a)``, ``(d+1) + d^2 + d`` numbers
    (:class:`recovery.training.subspace.Subspace`).

    Parameters
    ----------
    theta : numpy.ndarray
        Coordinates, shape ``(num_layers ((d+1) + d^2 + d),)``.
    d : int
        Input length (``>= 1``).
    num_layers : int
        Number of layers (``>= 1``).

    Returns
    -------
    list of Thm41Block
        One block per layer.

    Raises
    ------
    TypeError
        If ``d`` or ``num_layers`` is not an integer.
    ValueError
        If ``d`` or ``num_layers`` is below 1 or ``theta`` has the wrong shape.
    """
    d = check_int(d, "d", min_value=1)
    num_layers = check_int(num_layers, "num_layers", min_value=1)
    theta = np.asarray(theta, dtype=float)
    k = (d + 1) + d * d + d
    if theta.shape != (k * num_layers,):
        raise ValueError(f"theta must have shape ({k * num_layers},), got {theta.shape}")
    out = []
    for l in range(num_layers):
        c = theta[l * k : (l + 1) * k]
        out.append(Thm41Block(c[: d + 1], c[d + 1 : d + 1 + d * d].reshape(d, d), c[d + 1 + d * d :]))
    return out


def random_blocks(d: int, num_layers: int, rng: np.random.Generator, scale: float = 0.3) -> list[Thm41Block]:
    """Return ``num_layers`` blocks with i.i.d. ``N(0, scale^2)`` entries.

    Parameters
    ----------
    d : int
        Input length (``>= 1``).
    num_layers : int
        Number of layers (``>= 1``).
    rng : numpy.random.Generator
        Source of the entries.
    scale : float, optional
        Standard deviation (default 0.3).

    Returns
    -------
    list of Thm41Block
        The blocks.

    Raises
    ------
    TypeError
        If ``d`` or ``num_layers`` is not an integer or ``scale`` not a real number.
    ValueError
        If ``d`` or ``num_layers`` is below 1 or ``scale`` is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> bl = random_blocks(2, 3, np.random.default_rng(0))
    >>> len(bl), bl[0].b.shape, bl[0].Abar.shape, bl[0].a.shape
    (3, (3,), (2, 2), (2,))
    """
    d = check_int(d, "d", min_value=1)
    num_layers = check_int(num_layers, "num_layers", min_value=1)
    scale = check_real(scale, "scale")
    return [
        Thm41Block(scale * rng.standard_normal(d + 1), scale * rng.standard_normal((d, d)), scale * rng.standard_normal(d))
        for _ in range(num_layers)
    ]
