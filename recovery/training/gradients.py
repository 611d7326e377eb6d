"""Training objectives of an L-layer LSA and their analytic gradients (MATH.md sections 2-4).

Sampled objective: the mean squared error ``(1/B) sum_b (yhat_b - y_b)^2`` over a :class:`GramBatch`, its
gradient by hand-written reverse mode through the Gram-form layers of :mod:`recovery.training.gram`.

Analytic gradients (hand-written reverse mode)
-----------------------------------------------
With upstream gradients ``gG' = dLoss/dG_{l+1}`` and ``gv' = dLoss/dv_{l+1}`` and ``G = G_l`` symmetric:

* ``gE = (gG' + gG'^T) E G + gv' v^T``
* ``gG_l = E^T gG' E + P^T gE Q^T``,  ``gv_l = E^T gv'``
* ``gP_l = sum_batch gE Q^T G``,  ``gQ_l = sum_batch G P^T gE``

(from ``dG' = dE G E^T + E dG E^T + E G dE^T`` and ``dE = dP G Q + P dG Q + P G dQ``).  The tests compare
them with central finite differences.

Population objective (``L = 1``): the exact ``ftilde(phi(b, A)) = X^T H X - 2 h^T X + c`` of MATH.md section 4,
with ``(b, A) = (P[d, :], Q[:, :d])``; gradient by the chain rule through the bilinear ``phi``:
``grad_b = C(A)^T (2 H X - 2 h)`` with ``C(A) = phi_matrix_in_b(A)``, and ``grad_vec(A) = M(b)^T (2 H X - 2 h)``
with ``M(b) = phi_matrix_in_A(b)`` (column-major vec).  For one layer with a full batch the sampled loss is the
empirical quadratic ``X^T H_B X - 2 h_B^T X + c_B`` in ``X = phi(b, A)`` (:func:`empirical_quadratic`), so a step
costs ``O((dm)^2)`` whatever the number of prompts.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from recovery.lsa.reparam import gvec, phi, phi_matrix_in_A, phi_matrix_in_b
from recovery.training.gram import GramBatch, Layers, forward_gram

__all__ = ["empirical_quadratic", "loss_and_grad_layers", "population_loss_and_grad_layers"]


def _bsum_mm(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``sum_b X_b @ Y_b`` for (B, D, D) stacks as ONE gemm (einsum's path for this is ~10x slower)."""
    B, D, K = X.shape
    return X.transpose(1, 0, 2).reshape(D, B * K) @ Y.reshape(B * K, Y.shape[2])


def _backward(layers: Layers, Gs: Sequence[np.ndarray], Es: Sequence[np.ndarray], v0: np.ndarray,
              gv: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Reverse mode through the Gram-form layers (formulas in the module docstring)."""
    grads_rev: list[tuple[np.ndarray, np.ndarray]] = []  # last layer first
    # query columns entering each layer (recomputed forward: cheap, O(B L D^2))
    vs = [v0]
    for E in Es[:-1]:
        vs.append(np.einsum("bij,bj->bi", E, vs[-1]))
    gG = None
    for l in range(len(layers) - 1, -1, -1):
        P, Q = layers[l]
        G, E, v = Gs[l], Es[l], vs[l]
        gE = gv[:, :, None] * v[:, None, :]
        if gG is not None:
            gE = gE + np.matmul(np.matmul(gG + gG.transpose(0, 2, 1), E), G)
        gP = _bsum_mm(np.matmul(gE, Q.T), G)  # sum_b gE Q^T G
        gQ = _bsum_mm(np.matmul(G, P.T), gE)  # sum_b G P^T gE
        grads_rev.append((gP, gQ))
        gG_in = np.matmul(np.matmul(P.T, gE), Q.T)
        if gG is not None:
            gG_in = gG_in + np.matmul(np.matmul(E.transpose(0, 2, 1), gG), E)
        gG = gG_in
        gv = np.einsum("bji,bj->bi", E, gv)
    return grads_rev[::-1]


def loss_and_grad_layers(batch: GramBatch, layers: Layers) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Mean squared error ``(1/B) sum (yhat - y)^2`` and its gradient w.r.t. every ``(P_l, Q_l)``."""
    d = batch.d
    v, Gs, Es = forward_gram(batch.G0, batch.v0, layers, keep=True)
    r = v[:, d] - batch.y
    loss = float(np.mean(r * r))
    gv = np.zeros_like(v)
    gv[:, d] = 2.0 * r / batch.size
    return loss, _backward(layers, Gs, Es, batch.v0, gv)


def population_loss_and_grad_layers(H: np.ndarray, h: np.ndarray, c: float,
                                    layers: Layers) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """``ftilde(phi(b, A))`` with ``(b, A) = (P[d, :], Q[:, :d])`` of the single layer, and its gradient as
    ``[(gP, gQ)]`` (nonzero only in the last row of gP and the first d columns of gQ)."""
    if len(layers) != 1:
        raise ValueError(f"the population objective needs exactly 1 layer, got {len(layers)}")
    P, Q = layers[0]
    D = P.shape[0]
    d = D - 1
    b, A = P[d, :].copy(), Q[:, :d].copy()
    X = phi(b, A)
    HX = H @ X
    loss = float(X @ HX - 2.0 * h @ X + c)
    gX = 2.0 * (HX - h)
    gb = phi_matrix_in_b(A).T @ gX
    gA = (phi_matrix_in_A(b).T @ gX).reshape((D, d), order="F")
    gP = np.zeros_like(P)
    gQ = np.zeros_like(Q)
    gP[d, :] = gb
    gQ[:, :d] = gA
    return loss, [(gP, gQ)]


def empirical_quadratic(batch: GramBatch) -> tuple[np.ndarray, np.ndarray, float]:
    """``(H, h, c)`` with ``(1/B) sum (F_b X - y_b)^2 = X^T H X - 2 h^T X + c``, ``F_b = x_{n+1} kron g`` the
    one-layer features (``recovery.lsa.reparam.features``): ``H = F^T F / B``, ``h = F^T y / B``, ``c = mean(y^2)``."""
    d = batch.d
    g = gvec(batch.G0)
    x = batch.v0[:, :d]
    F = (x[:, :, None] * g[:, None, :]).reshape(batch.size, -1)
    return F.T @ F / batch.size, F.T @ batch.y / batch.size, float(np.mean(batch.y**2))
