"""Prompts in Gram form and the L-layer LSA forward pass on them (MATH.md section 2).

Model (paper eq. for LSA, MATH.md section 2): ``L`` layers, each
``Z <- Z + (1/n) P_l Z M Z^T Q_l Z`` with ``M = diag(1, ..., 1, 0)`` of size ``n + 1``; the prediction is
``yhat = Z_L[d, n]`` (0-based; the paper's ``Z_L[d+1, n+1]``).

Gram compression (why training cost does not grow with ``n``)
-------------------------------------------------------------
Write ``G_l = (1/n) Z_l M Z_l^T`` (a (d+1) x (d+1) symmetric matrix per prompt).  One layer is
``Z_{l+1} = E_l Z_l`` with ``E_l = I + P_l G_l Q_l``, hence

* ``G_{l+1} = E_l G_l E_l^T``  and
* the query column ``v_{l+1} = E_l v_l`` (``v_0 = Z_0[:, n] = (x_{n+1}; 0)``).

So the whole L-layer forward pass needs only ``G_0`` (shape (B, d+1, d+1)) and ``v_0`` (shape (B, d+1)) per
prompt: cost ``O(B L d^3)`` instead of ``O(B L d^2 n)``.  ``tests/recovery/training/test_loop.py`` checks this
against ``recovery.lsa.model.lsa_forward`` (the literal Z recursion).

Accuracy: prediction rounded to the nearest state value and clipped to ``[0, S-1]``, compared with the label.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

import numpy as np

from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts

__all__ = [
    "SUPPORTED_STATES",
    "GramBatch",
    "Layers",
    "accuracy_of",
    "compress_prompts",
    "forward_gram",
    "make_prompts",
    "predict_gram",
    "prior_and_init",
]

SUPPORTED_STATES = (2, 3, 4)
#: per-layer ``(P_l, Q_l)``, each (d+1, d+1)
Layers = Sequence[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class GramBatch:
    """Prompts compressed to what an LSA needs: their Gram matrices, query columns and labels.

    With ``G_0 = (1/n) Z_0 M Z_0^T`` per prompt (MATH.md section 2), the whole L-layer forward pass
    needs only ``G0``, the query column ``v0 = Z_0[:, n] = (x_{n+1}; 0)`` and, for training, the label
    (module docstring).  The arrays are converted to float on construction.

    Attributes
    ----------
    G0 : numpy.ndarray
        Gram matrices, shape ``(B, d+1, d+1)``.
    v0 : numpy.ndarray
        Query columns, shape ``(B, d+1)``.
    y : numpy.ndarray
        Labels ``y_{n+1}``, shape ``(B,)``.

    Raises
    ------
    ValueError
        If the shapes do not fit together.

    Examples
    --------
    >>> import numpy as np
    >>> b = GramBatch(np.zeros((4, 3, 3)), np.zeros((4, 3)), np.zeros(4))
    >>> b.size, b.d
    (4, 2)
    """

    G0: np.ndarray
    v0: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        G0 = np.asarray(self.G0, dtype=float)
        v0 = np.asarray(self.v0, dtype=float)
        y = np.asarray(self.y, dtype=float)
        if G0.ndim != 3 or G0.shape[1] != G0.shape[2]:
            raise ValueError(f"G0 must have shape (B, d+1, d+1), got {G0.shape}")
        if v0.shape != G0.shape[:2]:
            raise ValueError(f"v0 must have shape {G0.shape[:2]}, got {v0.shape}")
        if y.shape != G0.shape[:1]:
            raise ValueError(f"y must have shape {G0.shape[:1]}, got {y.shape}")
        object.__setattr__(self, "G0", G0)
        object.__setattr__(self, "v0", v0)
        object.__setattr__(self, "y", y)

    @property
    def size(self) -> int:
        """Number of prompts ``B``.

        Returns
        -------
        int
            ``G0.shape[0]``.
        """
        return int(self.G0.shape[0])

    @property
    def d(self) -> int:
        """Input length ``d`` (chain length minus one).

        Returns
        -------
        int
            ``G0.shape[1] - 1``.
        """
        return int(self.G0.shape[1]) - 1


def compress_prompts(Z0: np.ndarray, y: np.ndarray) -> GramBatch:
    """Compress embedded prompts ``Z0`` and labels ``y`` to a :class:`GramBatch`.

    ``G0 = (1/n) sum_{i<n} z_i z_i^T`` (the ``n`` context columns) and ``v0 = Z0[:, :, n]`` (the query
    column).

    Parameters
    ----------
    Z0 : numpy.ndarray
        Embedded prompts, shape ``(B, d+1, n+1)`` with ``n >= 1``.
    y : numpy.ndarray
        Labels, shape ``(B,)``.

    Returns
    -------
    GramBatch
        ``G0`` of shape ``(B, d+1, d+1)``, ``v0`` of shape ``(B, d+1)``, ``y``.

    Raises
    ------
    ValueError
        If ``Z0`` is not three-dimensional or has fewer than two columns, or ``y`` has the wrong shape.

    Examples
    --------
    >>> import numpy as np
    >>> Z0 = np.ones((2, 3, 5)); Z0[:, 2, 4] = 0.0
    >>> b = compress_prompts(Z0, np.zeros(2))
    >>> b.G0[0].tolist()[0], b.v0[0].tolist()
    ([1.0, 1.0, 1.0], [1.0, 1.0, 0.0])
    """
    Z0 = np.asarray(Z0, dtype=float)
    if Z0.ndim != 3 or Z0.shape[2] < 2:
        raise ValueError(f"Z0 must have shape (B, d+1, n+1) with n >= 1, got {Z0.shape}")
    n = Z0.shape[2] - 1
    ctx = Z0[:, :, :n]
    G0 = np.matmul(ctx, ctx.transpose(0, 2, 1)) / n
    return GramBatch(G0=G0, v0=Z0[:, :, n].copy(), y=np.asarray(y, dtype=float))


def prior_and_init(num_states: int, p: float) -> tuple[Any, Any]:
    """Return the kernel prior and initial law of :func:`make_prompts` (MATH.md section 1).

    Parameters
    ----------
    num_states : int
        ``|S|``: 2 gives the uniform binary kernel prior and ``Bern(p)`` starts, more states
        Dirichlet(1) rows and uniform starts.
    p : float
        ``P(x_1 = 1)`` of the binary initial law (unused for ``|S| >= 3``).

    Returns
    -------
    (prior, init)
        Objects of :mod:`recovery.lsa.prompts`.

    Examples
    --------
    >>> prior, init = prior_and_init(3, 0.5)
    >>> type(prior).__name__, type(init).__name__
    ('DirichletPrior', 'UniformInit')
    """
    if num_states == 2:
        return UniformBinaryPrior(), BernoulliInit(p)
    return DirichletPrior(num_states, 1.0), UniformInit()


def make_prompts(
    size: int, d: int, n: int, *, num_states: int = 2, p: float = 0.5, rng: np.random.Generator
) -> GramBatch:
    """Sample ``size`` prompts with ``recovery.lsa.prompts.sample_prompts`` and compress them.

    Binary: kernel prior ``p01, p10 ~ U(0,1)`` and initial state ``Bern(p)``; ``|S| >= 3``:
    Dirichlet(1) rows and a uniform initial state (MATH.md section 1; :func:`prior_and_init`).

    Parameters
    ----------
    size : int
        Number of prompts ``B``.
    d : int
        Chain length minus one (``d >= 1``).
    n : int
        Number of context chains (``n >= 1``).
    num_states : int, optional
        ``|S|``, one of :data:`SUPPORTED_STATES` (2, 3, 4); default 2.
    p : float, optional
        ``P(x_1 = 1)`` of the binary initial law (default 0.5; unused for ``|S| >= 3``).
    rng : numpy.random.Generator
        Source of the prompts.

    Returns
    -------
    GramBatch
        ``G0`` of shape ``(size, d+1, d+1)``, ``v0`` of shape ``(size, d+1)``, ``y`` of shape ``(size,)``.

    Raises
    ------
    ValueError
        If ``num_states`` is not supported.

    Examples
    --------
    >>> import numpy as np
    >>> b = make_prompts(5, 2, 4, rng=np.random.default_rng(0))
    >>> b.G0.shape, b.v0.shape, b.y.shape
    ((5, 3, 3), (5, 3), (5,))
    """
    if num_states not in SUPPORTED_STATES:
        raise ValueError(f"num_states must be one of {SUPPORTED_STATES}, got {num_states}")
    prior, init = prior_and_init(num_states, p)
    pr = sample_prompts(size, d, n, prior=prior, init=init, rng=rng)
    return compress_prompts(pr.Z0, pr.y)


@overload
def forward_gram(G0: np.ndarray, v0: np.ndarray, layers: Layers, *, keep: Literal[False] = False) -> np.ndarray: ...


@overload
def forward_gram(G0: np.ndarray, v0: np.ndarray, layers: Layers, *,
                 keep: Literal[True]) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]: ...


def forward_gram(G0: np.ndarray, v0: np.ndarray, layers: Layers, *,
                 keep: bool = False) -> np.ndarray | tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Run the L-layer LSA in Gram form.

    Per layer ``E_l = I + P_l G_l Q_l``, ``G_{l+1} = E_l G_l E_l^T`` and ``v_{l+1} = E_l v_l`` (module
    docstring): the layer ``Z <- Z + (1/n) P_l Z M Z^T Q_l Z`` of paper eq. (2.2) on the Gram form,
    at cost ``O(B L d^3)`` instead of ``O(B L d^2 n)``.

    Parameters
    ----------
    G0 : numpy.ndarray
        Gram matrices, shape ``(B, d+1, d+1)``.
    v0 : numpy.ndarray
        Query columns, shape ``(B, d+1)``.
    layers : sequence of (numpy.ndarray, numpy.ndarray)
        Per-layer ``(P_l, Q_l)``, each of shape ``(d+1, d+1)``.
    keep : bool, optional
        Also return the per-layer inputs and maps (for the backward pass).

    Returns
    -------
    v : numpy.ndarray
        The final query column ``v_L``, shape ``(B, d+1)``; the prediction is ``v_L[:, d]``.
    Gs : list of numpy.ndarray
        Only with ``keep=True``: the per-layer inputs ``G_l``, each ``(B, d+1, d+1)``.
    Es : list of numpy.ndarray
        Only with ``keep=True``: the per-layer maps ``E_l``, each ``(B, d+1, d+1)``.

    Examples
    --------
    >>> import numpy as np
    >>> b = make_prompts(3, 2, 4, rng=np.random.default_rng(0))
    >>> v = forward_gram(b.G0, b.v0, [(np.zeros((3, 3)), np.zeros((3, 3)))])
    >>> bool(np.array_equal(v, b.v0))
    True
    """
    D = G0.shape[-1]
    eye = np.eye(D)
    G, v = G0, v0
    Gs: list[np.ndarray] = []
    Es: list[np.ndarray] = []
    for P, Q in layers:
        E = eye + np.matmul(np.matmul(P, G), Q)
        if keep:
            Gs.append(G)
            Es.append(E)
        G = np.matmul(np.matmul(E, G), E.transpose(0, 2, 1))
        v = np.einsum("bij,bj->bi", E, v)
    return (v, Gs, Es) if keep else v


def predict_gram(batch: GramBatch, layers: Layers) -> np.ndarray:
    """Return the predictions of the L-layer LSA on a batch in Gram form.

    Parameters
    ----------
    batch : GramBatch
        ``B`` prompts in Gram form.
    layers : sequence of (numpy.ndarray, numpy.ndarray)
        Per-layer ``(P_l, Q_l)``, each of shape ``(d+1, d+1)``.

    Returns
    -------
    numpy.ndarray
        ``yhat = v_L[:, d]``, shape ``(B,)`` (the paper's ``Z_L[d+1, n+1]``).

    Examples
    --------
    >>> import numpy as np
    >>> b = make_prompts(3, 2, 4, rng=np.random.default_rng(0))
    >>> predict_gram(b, [(np.zeros((3, 3)), np.zeros((3, 3)))]).tolist()
    [0.0, 0.0, 0.0]
    """
    return forward_gram(batch.G0, batch.v0, layers)[:, batch.d]


def accuracy_of(yhat: np.ndarray, y: np.ndarray, num_states: int) -> float:
    """Return the fraction of prompts whose rounded prediction equals the label.

    Each prediction is rounded to the nearest state value and clipped to ``[0, S-1]``.

    Parameters
    ----------
    yhat : numpy.ndarray
        Predictions, shape ``(B,)``.
    y : numpy.ndarray
        Labels (state values), shape ``(B,)``.
    num_states : int
        ``|S|``.

    Returns
    -------
    float
        Accuracy in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> accuracy_of(np.array([0.4, 1.7, -3.0, 0.6]), np.array([0, 1, 0, 0]), 2)
    0.75
    """
    pred = np.clip(np.rint(yhat), 0, num_states - 1)
    return float(np.mean(pred == np.rint(y)))
