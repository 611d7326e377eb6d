"""Training objectives of an L-layer LSA and their analytic gradients (MATH.md sections 2-4).

Sampled objective: the mean squared error ``(1/B) sum_b (yhat_b - y_b)^2`` over a :class:`GramBatch`, its
gradient by hand-written reverse mode through the Gram-form layers of :mod:`recovery.training.gram`.

Analytic gradients (hand-written reverse mode)
----------------------------------------------
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

from collections.abc import Sequence

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
    """Return the mean squared error of an L-layer LSA on a batch and its gradient w.r.t. every layer.

    The loss is ``(1/B) sum_b (yhat_b - y_b)^2`` with ``yhat_b = v_L[b, d]`` from the Gram-form forward
    pass (:func:`recovery.training.gram.forward_gram`; the LSA layer of paper eq. (2.2)).  The
    gradient is computed by hand-written reverse mode through the layers (formulas in the module
    docstring) and checked against central finite differences by the tests.

    Parameters
    ----------
    batch : GramBatch
        Prompts in Gram form: ``G0`` of shape ``(B, d+1, d+1)``, ``v0`` of shape ``(B, d+1)`` and
        labels ``y`` of shape ``(B,)``.
    layers : sequence of (numpy.ndarray, numpy.ndarray)
        Per-layer ``(P_l, Q_l)``, each of shape ``(d+1, d+1)``.

    Returns
    -------
    loss : float
        The mean squared error over the batch.
    grads : list of (numpy.ndarray, numpy.ndarray)
        ``[(gP_l, gQ_l), ...]``, one pair per layer, each of shape ``(d+1, d+1)``.

    Examples
    --------
    >>> import numpy as np
    >>> from recovery.training.gram import make_prompts
    >>> batch = make_prompts(8, 2, 4, rng=np.random.default_rng(0))
    >>> zero = [(np.zeros((3, 3)), np.zeros((3, 3)))]
    >>> loss, grads = loss_and_grad_layers(batch, zero)
    >>> bool(np.isclose(loss, np.mean(batch.y ** 2))), grads[0][0].shape
    (True, (3, 3))
    """
    d = batch.d
    v, Gs, Es = forward_gram(batch.G0, batch.v0, layers, keep=True)
    r = v[:, d] - batch.y
    loss = float(np.mean(r * r))
    gv = np.zeros_like(v)
    gv[:, d] = 2.0 * r / batch.size
    return loss, _backward(layers, Gs, Es, batch.v0, gv)


def population_loss_and_grad_layers(H: np.ndarray, h: np.ndarray, c: float,
                                    layers: Layers) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Return the exact population objective of a one-layer LSA and its gradient.

    The objective is ``ftilde(phi(b, A)) = X^T H X - 2 h^T X + c`` (MATH.md section 4; strictly
    convex in ``X`` when ``H`` is positive definite, paper Lemma 3.1) with
    ``(b, A) = (P[d, :], Q[:, :d])`` of the single layer and ``X = phi(b, A)`` (MATH.md section 3).
    By the chain rule through the bilinear ``phi``: ``grad_b = C(A)^T (2 H X - 2 h)`` and
    ``grad_vec(A) = M(b)^T (2 H X - 2 h)`` (column-major vec), with ``C(A) = phi_matrix_in_b(A)`` and
    ``M(b) = phi_matrix_in_A(b)``.  Also used for the empirical quadratic of
    :func:`empirical_quadratic`.

    Parameters
    ----------
    H : numpy.ndarray
        Quadratic term, shape ``(dm, dm)`` with ``m = (d+1)(d+2)/2``.
    h : numpy.ndarray
        Linear term, shape ``(dm,)``.
    c : float
        Constant term ``E[y^2]``.
    layers : sequence of (numpy.ndarray, numpy.ndarray)
        Exactly one pair ``(P, Q)``, each of shape ``(d+1, d+1)``.

    Returns
    -------
    loss : float
        ``ftilde(phi(b, A))``.
    grads : list of (numpy.ndarray, numpy.ndarray)
        ``[(gP, gQ)]``; nonzero only in the last row of ``gP`` and the first ``d`` columns of ``gQ``.

    Raises
    ------
    ValueError
        If ``layers`` does not hold exactly one layer.

    Examples
    --------
    >>> import numpy as np
    >>> d, m = 1, 3
    >>> P, Q = np.zeros((2, 2)), np.zeros((2, 2))
    >>> loss, [(gP, gQ)] = population_loss_and_grad_layers(np.eye(d * m), np.ones(d * m), 0.5, [(P, Q)])
    >>> loss, gP.shape
    (0.5, (2, 2))
    """
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
    """Return the empirical quadratic ``(H, h, c)`` of the one-layer sampled loss.

    For one layer the sampled mean squared error is a quadratic in ``X = phi(b, A)``:
    ``(1/B) sum_b (F_b X - y_b)^2 = X^T H X - 2 h^T X + c`` with the one-layer features
    ``F_b = x_{n+1} kron g`` (``recovery.lsa.reparam.features``; MATH.md section 3), so
    ``H = F^T F / B``, ``h = F^T y / B`` and ``c = mean(y^2)``.  A full-batch training step then costs
    ``O((dm)^2)`` whatever the number of prompts.

    Parameters
    ----------
    batch : GramBatch
        ``B`` prompts in Gram form (``G0`` of shape ``(B, d+1, d+1)``).

    Returns
    -------
    H : numpy.ndarray
        Shape ``(dm, dm)``, ``m = (d+1)(d+2)/2``.
    h : numpy.ndarray
        Shape ``(dm,)``.
    c : float
        The mean squared label.

    Examples
    --------
    >>> import numpy as np
    >>> from recovery.training.gram import make_prompts
    >>> H, h, c = empirical_quadratic(make_prompts(10, 2, 4, rng=np.random.default_rng(0)))
    >>> H.shape, h.shape
    ((12, 12), (12,))
    """
    d = batch.d
    g = gvec(batch.G0)
    x = batch.v0[:, :d]
    F = (x[:, :, None] * g[:, None, :]).reshape(batch.size, -1)
    return F.T @ F / batch.size, F.T @ batch.y / batch.size, float(np.mean(batch.y**2))
