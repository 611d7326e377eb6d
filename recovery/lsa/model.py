r"""Linear self-attention (LSA) forward pass (paper Section 2, MATH.md Section 2).

One layer maps ``Z -> Z + (1/n) P Z M Z^T Q Z`` with ``M = diag(1, ..., 1, 0)`` of size ``n+1``
(the query column is masked out of the attention sum). ``Z`` has shape ``(d+1, n+1)``: columns
``0..n-1`` are context chains ``z_i = (s_1, ..., s_{d+1})``, column ``n`` is ``(x_{n+1}, 0)``.
The prediction is the bottom-right entry ``Z_L[d, n]`` (paper ``Z_L[d+1, n+1]``).
All functions accept a batch ``(B, d+1, n+1)`` or a single prompt ``(d+1, n+1)``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recovery.lsa.reparam import gram
from recovery.validation import as_float_array

__all__ = ["lsa_forward", "predict", "sparse_to_dense", "predict_one_layer", "check_layers"]

Layer = tuple[np.ndarray, np.ndarray]


def _as_batch(Z0: np.ndarray) -> tuple[np.ndarray, bool]:
    Z0 = as_float_array(Z0, "Z0")
    single = Z0.ndim == 2
    if single:
        Z0 = Z0[None]
    if Z0.ndim != 3 or Z0.shape[1] < 2 or Z0.shape[2] < 2 or Z0.shape[0] < 1:
        raise ValueError(
            f"Z0 must have shape (B, d+1, n+1) or (d+1, n+1) with B >= 1, d >= 1, n >= 1; got {Z0.shape}"
        )
    return Z0, single


def check_layers(layers: Sequence[Layer], d: int) -> list[Layer]:
    """Validate a sequence of ``(P, Q)`` pairs, each ``(d+1, d+1)`` and finite.

    Parameters
    ----------
    layers : list or tuple of (P, Q)
        One pair per layer, at least one.
    d : int
        Chain input length.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        The pairs as float64 arrays of shape ``(d+1, d+1)``.

    Raises
    ------
    ValueError
        If there is no layer or a matrix has the wrong shape or a non-finite entry.
    TypeError
        If ``layers`` is not a list/tuple of pairs.
    """
    if isinstance(layers, np.ndarray) or not isinstance(layers, (list, tuple)):
        raise TypeError("layers must be a list or tuple of (P, Q) pairs")
    if len(layers) < 1:
        raise ValueError("layers must contain at least one (P, Q) pair")
    out = []
    for l, pq in enumerate(layers):
        if not isinstance(pq, (list, tuple)) or len(pq) != 2:
            raise TypeError(f"layers[{l}] must be a (P, Q) pair")
        P = as_float_array(pq[0], f"layers[{l}].P", shape=(d + 1, d + 1))
        Q = as_float_array(pq[1], f"layers[{l}].Q", shape=(d + 1, d + 1))
        out.append((P, Q))
    return out


def lsa_forward(Z0: np.ndarray, layers: Sequence[Layer]) -> np.ndarray:
    """Run ``L = len(layers)`` LSA layers; returns ``Z_L`` with the shape of ``Z0``.

    Each layer is ``Z <- Z + (1/n) P Z M Z^T Q Z`` (paper eq. (2.2), MATH.md section 2).
    Cost per layer ``O(B (d+1)^2 (n+1))``: ``Z M Z^T`` is formed once per layer as the Gram of
    the context columns (``n * gram``), never as an ``(n+1) x (n+1)`` matrix.

    Parameters
    ----------
    Z0 : array_like, shape (B, d+1, n+1) or (d+1, n+1)
        Prompt(s), ``d >= 1``, ``n >= 1``.
    layers : sequence of (P, Q)
        ``L >= 1`` pairs of ``(d+1, d+1)`` matrices.

    Returns
    -------
    numpy.ndarray
        ``Z_L``, shape of ``Z0``.

    Raises
    ------
    ValueError
        If a shape is wrong or an entry is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> Z0 = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]])  # d = 1, n = 2
    >>> P, Q = sparse_to_dense(np.array([0.0, 1.0]), np.array([[1.0], [0.0]]))
    >>> lsa_forward(Z0, [(P, Q)])[-1, -1]  # b^T G A x = G[1, 0] * 1
    np.float64(0.5)
    """
    Z, single = _as_batch(Z0)
    d, n = Z.shape[1] - 1, Z.shape[2] - 1
    for P, Q in check_layers(layers, d):
        ZMZ = np.matmul(Z[:, :, :n], np.swapaxes(Z[:, :, :n], 1, 2))  # Z M Z^T, (B, d+1, d+1)
        Z = Z + (P @ ZMZ @ Q @ Z) / n
    return Z[0] if single else Z


def predict(Z0: np.ndarray, layers: Sequence[Layer]) -> np.ndarray:
    """Prediction ``Z_L[..., d, n]`` (shape ``(B,)``, or a scalar array for a single prompt).

    Parameters
    ----------
    Z0 : array_like, shape (B, d+1, n+1) or (d+1, n+1)
        Prompt(s).
    layers : sequence of (P, Q)
        ``L >= 1`` pairs of ``(d+1, d+1)`` matrices.

    Returns
    -------
    numpy.ndarray
        ``yhat`` (paper ``Z_L[d+1, n+1]``).

    Examples
    --------
    >>> import numpy as np
    >>> Z0 = np.zeros((4, 3, 6))
    >>> predict(Z0, [(np.eye(3), np.eye(3))]).shape
    (4,)
    """
    Z = lsa_forward(Z0, layers)
    return Z[..., -1, -1]


def sparse_to_dense(b: np.ndarray, A: np.ndarray) -> Layer:
    """Embed the one-layer sparse view ``(b, A)`` as dense ``(P, Q)``: ``P[d, :] = b``, ``Q[:, :d] = A``.

    Parameters
    ----------
    b : array_like, shape (d+1,)
        Last row of ``P``, ``d >= 1``.
    A : array_like, shape (d+1, d)
        First ``d`` columns of ``Q``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(P, Q)``, each ``(d+1, d+1)``, zero elsewhere.
    """
    b = as_float_array(b, "b", ndim=1)
    if b.shape[0] < 2:
        raise ValueError(f"b must have length d+1 >= 2, got {b.shape[0]}")
    d = b.shape[0] - 1
    A = as_float_array(A, "A", shape=(d + 1, d))
    P = np.zeros((d + 1, d + 1))
    Q = np.zeros((d + 1, d + 1))
    P[d, :] = b
    Q[:, :d] = A
    return P, Q


def predict_one_layer(Z0: np.ndarray, b: np.ndarray, A: np.ndarray) -> np.ndarray:
    """One-layer prediction ``b^T G A x_{n+1}`` (equal to ``predict(Z0, [sparse_to_dense(b, A)])``).

    ``G`` is the Gram matrix of the context columns (MATH.md section 3).

    Parameters
    ----------
    Z0 : array_like, shape (B, d+1, n+1) or (d+1, n+1)
        Prompt(s).
    b : array_like, shape (d+1,)
        Last row of ``P``.
    A : array_like, shape (d+1, d)
        First ``d`` columns of ``Q``.

    Returns
    -------
    numpy.ndarray
        ``yhat``, shape ``(B,)`` or a scalar for a single prompt.
    """
    Z, single = _as_batch(Z0)
    d = Z.shape[1] - 1
    b = as_float_array(b, "b", shape=(d + 1,))
    A = as_float_array(A, "A", shape=(d + 1, d))
    G = gram(Z)
    x = Z[:, :d, -1]
    out = np.einsum("u,buv,bv->b", b, G, x @ A.T)
    return out[0] if single else out
