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

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy.optimize import least_squares

from recovery.validation import check_int, check_real

__all__ = [
    "Thm41Block",
    "ObjectiveTrace",
    "blocks_from_theta",
    "blocks_to_layers",
    "front_distance_r1",
    "generational_distance",
    "objectives_per_layer",
    "preconditioned_step",
    "r1_jacobian",
    "r1_values",
    "r2_jacobian",
    "r2_values",
    "random_blocks",
    "theta_recursion",
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


# ---------------------------------------------------------------------------------------------------- objectives
def _data(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), got {X.shape} and {y.shape}")
    return X, y


def r1_values(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the R1 objectives at ``w``.

    ``f_k = (1/n) sum_j x_{j,k} w^T x_j`` (k < d, linear) and ``f_d = (1/2n) sum_j (w^T x_j - y_j)^2``
    (least squares); the convex group of Theorem 4.1 (module docstring).

    Parameters
    ----------
    w : numpy.ndarray
        Linear model, shape ``(d,)`` (``w = -theta``).
    X : numpy.ndarray
        Context inputs, shape ``(n, d)``.
    y : numpy.ndarray
        Context labels, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        ``R1(w)``, shape ``(d+1,)``.

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> r1_values(np.zeros(2), np.eye(2), np.array([1.0, 3.0])).tolist()
    [0.0, 0.0, 2.5]
    """
    X, y = _data(X, y)
    n = X.shape[0]
    p = X @ w
    return np.concatenate([X.T @ p / n, [np.sum((p - y) ** 2) / (2 * n)]])


def r1_jacobian(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the analytic Jacobian of R1.

    Rows ``Gxx[k] = ((1/n) X^T X)[k]`` (k < d) and ``(1/n) sum_j (w^T x_j - y_j) x_j``.

    Parameters
    ----------
    w : numpy.ndarray
        Shape ``(d,)``.
    X : numpy.ndarray
        Shape ``(n, d)``.
    y : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(d+1, d)`` (rows = gradients).

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.
    """
    X, y = _data(X, y)
    n = X.shape[0]
    return np.vstack([X.T @ X / n, (X.T @ (X @ w - y) / n)[None, :]])


def _phis(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                               np.ndarray, np.ndarray]:
    r = y - X @ w
    xl = X[:, -1]
    nz = xl != 0
    safe = np.where(nz, xl, 1.0)
    wl = w[-1]
    phi1 = np.where(nz, -(r**2) / (2 * safe), r * wl)
    phi2 = np.where(nz, -(r**3) / (3 * safe), r**2 * wl)
    return r, xl, nz, safe, phi1, phi2


def r2_values(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the R2 objectives at ``w``.

    ``h_k = (1/n) sum_j x_{j,k} phi1_j`` (k < d) and ``h_d = (1/n) sum_j phi2_j`` with ``phi1_j``,
    ``phi2_j`` of the module docstring (their ``w_{d-1}``-partials reproduce the ``a_l`` term of
    Theorem 4.1; not convex).

    Parameters
    ----------
    w : numpy.ndarray
        Shape ``(d,)``.
    X : numpy.ndarray
        Shape ``(n, d)``.
    y : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        ``R2(w)``, shape ``(d+1,)``.

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.
    """
    X, y = _data(X, y)
    n = X.shape[0]
    _, _, _, _, phi1, phi2 = _phis(np.asarray(w, float), X, y)
    return np.concatenate([X.T @ phi1 / n, [phi2.sum() / n]])


def r2_jacobian(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the analytic Jacobian of R2.

    Per prompt column: ``d phi1/dw = (r/x_l) x`` if ``x_l != 0``, else ``r e_l - w_l x``;
    ``d phi2/dw = (r^2/x_l) x`` if ``x_l != 0``, else ``r^2 e_l - 2 r w_l x`` (``dr/dw = -x``,
    ``l = d-1``).

    Parameters
    ----------
    w : numpy.ndarray
        Shape ``(d,)``.
    X : numpy.ndarray
        Shape ``(n, d)``.
    y : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(d+1, d)`` (rows = gradients).

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.
    """
    X, y = _data(X, y)
    n, d = X.shape
    w = np.asarray(w, float)
    r, xl, nz, safe, _, _ = _phis(w, X, y)
    # d phi1/dw = (r/x_l) x if x_l != 0; else r e_l - w_l x   (dr/dw = -x)
    # d phi2/dw = (r^2/x_l) x if x_l != 0; else r^2 e_l - 2 r w_l x
    el = np.zeros(d)
    el[-1] = 1.0
    g1 = np.where(nz[:, None], (r / safe)[:, None] * X, r[:, None] * el[None, :] - w[-1] * X)
    g2 = np.where(nz[:, None], (r**2 / safe)[:, None] * X, (r**2)[:, None] * el[None, :] - 2 * (r * w[-1])[:, None] * X)
    return np.vstack([X.T @ g1 / n, g2.sum(axis=0)[None, :] / n])


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


# ------------------------------------------------------------------------------------------- Pareto front / GD
def generational_distance(points: np.ndarray, front: np.ndarray) -> float:
    """Return Van Veldhuizen's Generational Distance of a finite set of points to a finite front.

    ``GD = sqrt(sum_i min_f ||p_i - f||^2) / k``.  For one point this is its distance to the nearest
    front point.

    Parameters
    ----------
    points : array_like
        Shape ``(k, m)`` (or ``(m,)`` for one point).
    front : array_like
        Shape ``(K, m)`` (or ``(m,)``).

    Returns
    -------
    float
        The Generational Distance.

    Raises
    ------
    ValueError
        If the numbers of objectives differ or either set is empty.

    Examples
    --------
    >>> generational_distance([[0.0, 1.0]], [[0.0, 0.0], [3.0, 4.0]])
    1.0
    """
    P = np.atleast_2d(np.asarray(points, dtype=float))
    F = np.atleast_2d(np.asarray(front, dtype=float))
    if P.shape[1] != F.shape[1]:
        raise ValueError(f"points and front must have the same number of objectives, got {P.shape[1]} and {F.shape[1]}")
    if P.shape[0] == 0 or F.shape[0] == 0:
        raise ValueError("points and front must be non-empty")
    dist2 = ((P[:, None, :] - F[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    return float(np.sqrt(dist2.sum()) / P.shape[0])


def r1_front_point(mu: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the point ``R1(w* - mu)`` of the exact R1 front (``mu >= 0``).

    Parameters
    ----------
    mu : numpy.ndarray
        Shape ``(d,)``, componentwise ``>= 0``.
    X : numpy.ndarray
        Shape ``(n, d)``, ``X^T X`` invertible.
    y : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(d+1,)``.
    """
    X, y = _data(X, y)
    wstar = np.linalg.solve(X.T @ X, X.T @ y)
    return r1_values(wstar - np.asarray(mu, float), X, y)


def front_distance_r1(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Return the Euclidean distance of ``R1(w)`` to the exact Pareto front of R1.

    The front is ``{R1(w* - mu) : mu >= 0}`` with ``w* = Gxx^{-1} g_xy`` (module docstring); the
    distance is ``min_{mu >= 0} ||R1(w) - R1(w* - mu)||_2``, a bound-constrained nonlinear least-squares
    problem solved with scipy ``least_squares`` ('trf') from the projection ``mu = (w* - w)_+`` and,
    if better, from ``mu = 0``.  It is zero exactly when ``w <= w*`` componentwise.

    Parameters
    ----------
    w : numpy.ndarray
        Shape ``(d,)``.
    X : numpy.ndarray
        Shape ``(n, d)``.
    y : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    float
        The distance; NaN if ``Gxx`` is singular (condition number above ``1e12``: the front is then
        not described by the formula).

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.eye(2), np.array([1.0, 1.0])
    >>> front_distance_r1(np.zeros(2), X, y)
    0.0
    >>> bool(front_distance_r1(np.array([2.0, 2.0]), X, y) > 0)
    True
    """
    X, y = _data(X, y)
    n, d = X.shape
    Gxx = X.T @ X / n
    if np.linalg.cond(Gxx) > 1e12:
        return float("nan")
    w = np.asarray(w, float)
    wstar = np.linalg.solve(Gxx, X.T @ y / n)
    Fstar = np.sum((X @ wstar - y) ** 2) / (2 * n)
    target = r1_values(w, X, y)
    if np.all(w <= wstar):
        return 0.0

    # a bound-constrained nonlinear least-squares problem in mu: residual
    # r(mu) = (Gxx (w* - mu) - R1_{<d}(w),  f_d(w*) + mu^T Gxx mu / 2 - f_d(w)),  Jacobian (-Gxx; (Gxx mu)^T)
    def resid(mu: np.ndarray) -> np.ndarray:
        return np.concatenate([Gxx @ (wstar - mu) - target[:d], [Fstar + mu @ Gxx @ mu / 2 - target[d]]])

    def jac(mu: np.ndarray) -> np.ndarray:
        return np.vstack([-Gxx, (Gxx @ mu)[None, :]])

    def solve(mu0: np.ndarray) -> float:
        res = least_squares(resid, mu0, jac=jac, bounds=(0.0, np.inf), method="trf", xtol=1e-14, ftol=1e-14, gtol=1e-14)
        return float(resid(res.x) @ resid(res.x))

    # start at the componentwise projection of w onto the Pareto set, mu = (w* - w)_+; restart from mu = 0 only if
    # that point is better than the first solution (the residual is quadratic in mu, the objective quartic)
    best = solve(np.maximum(wstar - w, 0.0))
    r0 = resid(np.zeros(d))
    if r0 @ r0 < best:
        best = min(best, solve(np.zeros(d)))
    return float(np.sqrt(max(best, 0.0)))


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
