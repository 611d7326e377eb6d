r"""Multilayer LSA as preconditioned multi-objective optimisation (paper Thm 4.1, MATH.md section 6).

Indices: 0-based in code.  ``x_j`` = the first ``d`` rows of context column ``j`` (paper ``x_{j,1..d}``),
``y_j`` = its label (row ``d``); "the last input coordinate" ``x_{j,d}`` of the paper is ``x[j, d-1]`` here.

Subspace and the theta recursion
--------------------------------
``P_l = [0; b_l^T]`` (only the last row, ``b_l`` in R^{d+1}), ``Q_l = [A_l, 0]`` with ``A_l = -[Abar_l; a_l^T]``
(``Abar_l`` d x d, ``a_l`` in R^d).  A layer adds ``(1/n) P Z M Z^T Q Z``; since ``P`` has one nonzero row, only
row ``d`` (the label row) of ``Z`` changes, by ``b_l^T G^(l) A_l x_i`` in column ``i`` (``Q z_i = A_l x_i``).  So if
``yhat_i^(l) = y_i + <theta_l, x_i>`` for every column (query label ``y_{n+1} := 0``), ``theta_0 = 0``, then

    theta_{l+1} = theta_l + A_l^T G^(l) b_l,    G^(l) = (1/n) sum_{i<n} [x_i; yhat_i^(l)] [x_i; yhat_i^(l)]^T,

and the prediction is ``yhat_{n+1}^(L) = <theta_L, x_{n+1}>`` (:func:`theta_recursion`; the test checks it
against ``recovery.lsa.model.lsa_forward`` to 1e-10).

Our derivation of the objective groups R1 and R2
------------------------------------------------
Put ``w = -theta``, so ``yhat_i = r_i(w) := y_i - w^T x_i`` (the residual of the linear model ``w``).  Split
``b = (b_x, b_y)`` and write ``G = [[Gxx, g_xr], [g_xr^T, g_rr]]`` with ``Gxx = (1/n) sum x_i x_i^T``,
``g_xr = (1/n) sum r_i x_i``, ``g_rr = (1/n) sum r_i^2``.  Then ``-A^T = [Abar^T, a]`` and

    w_{l+1} = w_l + Abar^T (Gxx b_x + g_xr b_y) + a (g_xr^T b_x + g_rr b_y).                    (*)

R1 (d+1 objectives, convex):  ``f_k(w) = (1/n) sum_j x_{j,k} w^T x_j`` (k < d, linear) and
``f_d(w) = (1/2n) sum_j (w^T x_j - y_j)^2`` (least squares).  Their gradients are ``grad f_k = Gxx[:, k]`` and
``grad f_d = -g_xr``, so with the Jacobian ``J1`` (rows = gradients) the first term of (*) is
``Abar^T J1^T beta`` with weights ``beta = (b_x, -b_y)``: a step along the R1 gradients preconditioned by
``Abar_l`` and weighted by ``b_l``.

R2 (d+1 objectives whose ``w_{d-1}``-partials give the second term): we need ``h_k`` with
``d h_k / d w_{d-1} = (1/n) sum_j x_{j,k} r_j`` (k < d) and ``d h_d / d w_{d-1} = (1/n) sum_j r_j^2``.  Since
``d r_j / d w_{d-1} = -x_{j,d-1}``, integrate term by term:

    h_k(w) = (1/n) sum_j x_{j,k} phi1_j(w),  phi1_j = -r_j^2 / (2 x_{j,d-1})  if x_{j,d-1} != 0,  r_j w_{d-1} otherwise
    h_d(w) = (1/n) sum_j phi2_j(w),          phi2_j = -r_j^3 / (3 x_{j,d-1})  if x_{j,d-1} != 0,  r_j^2 w_{d-1} otherwise

(when ``x_{j,d-1} = 0``, ``r_j`` does not depend on ``w_{d-1}``).  With ``J2`` the Jacobian of R2, the second term
of (*) is ``a (e_{d-1}^T J2^T b) = [0; a^T]^T J2^T b``: the R2 gradients preconditioned by ``[0; a_l^T]``.  Hence

    w_{l+1} = w_l + Abar_l^T J1(w_l)^T (b_x, -b_y) + [0; a_l^T]^T J2(w_l)^T b_l                  (**)

or, in descent form, ``w_{l+1} = w_l - Abar_l^T J1^T (-b_x, b_y) - [0; a_l^T]^T J2'^T b_l`` with ``R2' = -R2``:
the paper's R2 objectives (``x_{j,d}^{-1} r_j^3 / 3`` and ``-r_j^2 w_d``) are exactly our ``-phi2_j``, i.e. the
paper writes the same step as a preconditioned DESCENT on ``R2' = -R2``.  (**) is what
:func:`preconditioned_step` implements with ANY Jacobians (tests feed finite-difference Jacobians of
:func:`r1_values` / :func:`r2_values`, and the analytic ones of :func:`r1_jacobian` / :func:`r2_jacobian`).

Pareto front and Generational Distance
--------------------------------------
We report GD for R1, whose objectives are convex, using its EXACT front.  If ``Gxx`` is positive definite, the
weighted-sum minimisers of R1 (weights ``lambda >= 0``, ``lambda_d > 0``) are ``w = w* - lambda_{<d}/lambda_d`` with
``w* = Gxx^{-1} g_xy`` (least squares), and by the Fritz-John conditions for convex objectives the Pareto set is
exactly ``{w : w <= w*}`` (componentwise).  The front is its image
``F = {(Gxx (w* - mu), f_d(w*) + mu^T Gxx mu / 2) : mu >= 0}``.  The distance of the layer-``l`` objective vector
``R1(w_l)`` to ``F`` is ``min_{mu >= 0} ||R1(w_l) - R1(w* - mu)||_2`` (bounded nonlinear least squares, scipy ``least_squares``
'trf', from two starts; zero
exactly when ``w_l <= w*``).  For one point, GD equals this distance; for a set ``P`` of points we use
Van Veldhuizen's ``GD(P, F) = sqrt(sum_i dist(p_i, F)^2) / |P|``; :func:`generational_distance` computes it for a
finite (sampled) front, and the tests check that the exact distance never exceeds the distance to points sampled
on the front.  R2 is not convex (cubic terms); for it we report objective values only.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recovery.training.thm41_blocks import Thm41Block, _blocks, blocks_from_theta, blocks_to_layers, random_blocks
from recovery.training.thm41_front import front_distance_r1, generational_distance, r1_front_point
from recovery.training.thm41_objectives import r1_jacobian, r1_values, r2_jacobian, r2_values

__all__ = [
    "Thm41Block",
    "ObjectiveTrace",
    "blocks_from_theta",
    "blocks_to_layers",
    "front_distance_r1",
    "generational_distance",
    "objectives_per_layer",
    "preconditioned_step",
    "r1_front_point",
    "r1_jacobian",
    "r1_values",
    "r2_jacobian",
    "r2_values",
    "random_blocks",
    "theta_recursion",
]


def _split(Z0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    Z0 = np.asarray(Z0, dtype=float)
    single = Z0.ndim == 2
    if single:
        Z0 = Z0[None]
    if Z0.ndim != 3 or Z0.shape[1] < 2 or Z0.shape[2] < 2:
        raise ValueError(f"Z0 must have shape (B, d+1, n+1) or (d+1, n+1), got {Z0.shape}")
    if not np.all(np.isfinite(Z0)):
        raise ValueError("Z0 must be finite")
    d, n = Z0.shape[1] - 1, Z0.shape[2] - 1
    X = Z0[:, :d, :n].transpose(0, 2, 1)  # (B, n, d) context inputs
    y = Z0[:, d, :n]  # (B, n) context labels
    return X, y, Z0[:, :d, n], single


def theta_recursion(Z0: np.ndarray, blocks: Sequence[Any]) -> np.ndarray:
    """Return the Theorem 4.1 weights ``theta_0, ..., theta_L`` of prompts under given blocks.

    ``theta_0 = 0`` and ``theta_{l+1} = theta_l + A_l^T G^(l) b_l`` with
    ``G^(l) = (1/n) sum_{i<n} [x_i; yhat_i^(l)] [x_i; yhat_i^(l)]^T`` and
    ``yhat_i^(l) = y_i + <theta_l, x_i>`` (paper Theorem 4.1, MATH.md section 6); the L-layer LSA then
    predicts ``<theta_L, x_{n+1}>`` for the query.  Computed from the context columns directly, not via
    the LSA forward pass.

    Parameters
    ----------
    Z0 : numpy.ndarray
        Prompts, shape ``(B, d+1, n+1)``, or one prompt of shape ``(d+1, n+1)``.
    blocks : sequence of Thm41Block or (b, Abar, a) triples
        ``L`` blocks of dimension ``d``.

    Returns
    -------
    numpy.ndarray
        ``thetas`` of shape ``(B, L+1, d)``, or ``(L+1, d)`` for a single prompt.

    Raises
    ------
    ValueError
        If ``Z0`` has the wrong shape or is not finite, or the blocks do not match its ``d``.

    Examples
    --------
    >>> import numpy as np
    >>> from recovery.lsa.model import lsa_forward
    >>> rng = np.random.default_rng(0)
    >>> Z0 = rng.integers(0, 2, (4, 3, 6)).astype(float); Z0[:, 2, 5] = 0.0
    >>> blocks = random_blocks(2, 3, rng)
    >>> thetas = theta_recursion(Z0, blocks)
    >>> thetas.shape
    (4, 4, 2)
    >>> ZL = lsa_forward(Z0, blocks_to_layers(blocks))
    >>> bool(np.allclose(ZL[:, 2, 5], np.einsum("bk,bk->b", thetas[:, -1], Z0[:, :2, 5])))
    True
    """
    X, y, _, single = _split(Z0)
    bl = _blocks(blocks)
    B, n, d = X.shape
    if bl[0].d != d:
        raise ValueError(f"blocks have d = {bl[0].d} but Z0 has d = {d}")
    theta = np.zeros((B, d))
    out = [theta]
    for blk in bl:
        yhat = y + np.einsum("bjk,bk->bj", X, theta)  # (B, n)
        Zc = np.concatenate([X, yhat[:, :, None]], axis=2)  # (B, n, d+1): rows [x_i; yhat_i]
        G = np.einsum("bju,bjv->buv", Zc, Zc) / n
        theta = theta + np.einsum("uk,buv,v->bk", blk.A, G, blk.b)
        out.append(theta)
    res = np.stack(out, axis=1)
    return res[0] if single else res


def preconditioned_step(w: np.ndarray, block: Any, J1: np.ndarray, J2: np.ndarray) -> np.ndarray:
    """Return one preconditioned multi-objective step, equation (**) of the module docstring.

    ``w + Abar^T J1^T (b_x, -b_y) + [0; a^T]^T J2^T b``: the R1 gradients preconditioned by ``Abar``
    and weighted by ``(b_x, -b_y)``, plus the R2 gradients preconditioned by ``[0; a^T]`` (paper
    Theorem 4.1).  Works with ANY Jacobians (analytic or finite-difference).

    Parameters
    ----------
    w : numpy.ndarray
        Current point ``w_l = -theta_l``, shape ``(d,)``.
    block : Thm41Block or (b, Abar, a)
        The layer's block.
    J1 : numpy.ndarray
        Jacobian of R1 at ``w``, shape ``(d+1, d)``.
    J2 : numpy.ndarray
        Jacobian of R2 at ``w``, shape ``(d+1, d)``.

    Returns
    -------
    numpy.ndarray
        ``w_{l+1}``, shape ``(d,)``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y, blk = rng.standard_normal((6, 2)), rng.standard_normal(6), random_blocks(2, 1, rng)[0]
    >>> w0 = np.zeros(2)
    >>> w1 = preconditioned_step(w0, blk, r1_jacobian(w0, X, y), r2_jacobian(w0, X, y))
    >>> Z0 = np.zeros((3, 7)); Z0[:2, :6], Z0[2, :6] = X.T, y
    >>> bool(np.allclose(w1, -theta_recursion(Z0, [blk])[1]))
    True
    """
    blk = block if isinstance(block, Thm41Block) else Thm41Block(*block)
    d = blk.d
    beta = np.concatenate([blk.b[:d], [-blk.b[d]]])
    pre2 = np.zeros((d, d))
    pre2[d - 1] = blk.a  # [0; a^T]
    return np.asarray(w, float) + blk.Abar.T @ (J1.T @ beta) + pre2.T @ (J2.T @ blk.b)


@dataclass(frozen=True)
class ObjectiveTrace:
    """Objective values of the Theorem 4.1 iterates, per prompt and layer.

    Attributes
    ----------
    w : numpy.ndarray
        ``w_l = -theta_l``, shape ``(B, L+1, d)``.
    R1 : numpy.ndarray
        R1 objectives, shape ``(B, L+1, d+1)``.
    R2 : numpy.ndarray
        R2 objectives, shape ``(B, L+1, d+1)``.
    gd : numpy.ndarray
        GD of ``R1(w_l)`` to the exact R1 front, shape ``(B, L+1)`` (NaN where undefined or not
        computed).
    pareto : numpy.ndarray
        Bool, shape ``(B, L+1)``: ``w_l <= w*`` (on the Pareto set).
    """

    w: np.ndarray
    R1: np.ndarray
    R2: np.ndarray
    gd: np.ndarray
    pareto: np.ndarray

    def summary(self) -> dict[str, list[Any]]:
        """Return the means over prompts, per layer (JSON friendly).

        Returns
        -------
        dict
            ``R1_mean``, ``R2_mean`` (``(L+1, d+1)`` nested lists), ``gd_mean`` (NaN-ignoring mean,
            length ``L+1``) and ``pareto_fraction`` (length ``L+1``).
        """
        return {
            "R1_mean": self.R1.mean(axis=0).tolist(),
            "R2_mean": self.R2.mean(axis=0).tolist(),
            "gd_mean": np.nanmean(self.gd, axis=0).tolist(),
            "pareto_fraction": self.pareto.mean(axis=0).tolist(),
        }


def objectives_per_layer(Z0: np.ndarray, blocks: Sequence[Any], *, with_gd: bool = True) -> ObjectiveTrace:
    """Return R1, R2 and the GD of R1 at ``w_l = -theta_l`` for l = 0..L.

    Runs :func:`theta_recursion` (paper Theorem 4.1) and evaluates :func:`r1_values`,
    :func:`r2_values` and :func:`front_distance_r1` per prompt and layer.

    Parameters
    ----------
    Z0 : numpy.ndarray
        Prompts, shape ``(B, d+1, n+1)`` or ``(d+1, n+1)``.
    blocks : sequence of Thm41Block or (b, Abar, a) triples
        ``L`` blocks.
    with_gd : bool, optional
        Compute the Generational Distance (the costly part); NaN otherwise.

    Returns
    -------
    ObjectiveTrace
        Arrays with a leading prompt axis of length ``B`` (1 for a single prompt).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> Z0 = rng.integers(0, 2, (2, 3, 8)).astype(float); Z0[:, 2, 7] = 0.0
    >>> tr = objectives_per_layer(Z0, random_blocks(2, 2, rng), with_gd=False)
    >>> tr.w.shape, tr.R1.shape, tr.gd.shape
    ((2, 3, 2), (2, 3, 3), (2, 3))
    """
    X, y, _, single = _split(Z0)
    thetas = theta_recursion(Z0 if not single else np.asarray(Z0)[None], blocks)
    W = -thetas
    B, L1, d = W.shape
    R1 = np.empty((B, L1, d + 1))
    R2 = np.empty((B, L1, d + 1))
    gd = np.full((B, L1), np.nan)
    par = np.zeros((B, L1), dtype=bool)
    for bi in range(B):
        Xb, yb = X[bi], y[bi]
        try:
            wstar = np.linalg.solve(Xb.T @ Xb, Xb.T @ yb)
        except np.linalg.LinAlgError:
            wstar = None
        for l in range(L1):
            R1[bi, l] = r1_values(W[bi, l], Xb, yb)
            R2[bi, l] = r2_values(W[bi, l], Xb, yb)
            if wstar is not None:
                par[bi, l] = bool(np.all(W[bi, l] <= wstar))
            if with_gd:
                gd[bi, l] = front_distance_r1(W[bi, l], Xb, yb)
    return ObjectiveTrace(W, R1, R2, gd, par)
