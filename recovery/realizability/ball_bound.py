r"""The verified box bound of :mod:`recovery.realizability.interval`, vectorised over many boxes in float64 balls.

Same mathematics as :meth:`recovery.realizability.interval.IntervalCertifier.box_bound` (the per-box
``arb`` version; see the module docstring of :mod:`recovery.realizability.interval`, "Per box"), with
every quantity a midpoint-radius ball of :mod:`recovery.realizability.ball` computed for a batch of
``K`` boxes of one patch ``k`` at once.  For a proven metric ``W`` (``H - W^T W`` positive
semidefinite), ``N_u = W M(e_u)`` (shape ``(dm, p)``, ``p = d (d+1)``, ``M = phi_matrix_in_A``),
``r0 = W X^`` and the float hints ``a_c`` (shape ``(K, p)``) and ``Z`` (``(K, p, p)``, taken exactly):

* ``N0 = sum_u b_u N_u``, ``Gt = Z^T N0^T N0 Z`` with ``N0^T N0 = sum_{u,v} b_u b_v N_u^T N_v`` (the
  ``N_u^T N_v`` are balls computed once, so no ``(dm, p)`` matrix is formed per box),
  ``Qt = Z^T (sum_i w_i N_i^T N_i) Z``;
* Gershgorin: ``lambda_min(Gt) >= l0``, ``lambda_max(Qt) <= mu``; ``sk = sqrt(l0) - sqrt(sum_i w_i mu)``
  (``||N(b) Z y|| >= sk ||y||`` on the box, step 2 of
  :func:`recovery.realizability.patch_bounds.patch_box_lower_bound`);
* ``r_c = r0 - N0 a_c``, ``rho = ||r_c||^2``, ``Al = sum_i w_i |<r_c, N_i a_c>|``, ``Gam`` and ``pw`` the
  vertex maxima (step 5) of ``||sum_i delta_i N_i a_c||`` and ``||Z^T sum_i delta_i N_i^T r_c||``
  (each the smaller of the vertex maximum and the triangle sum), ``p0 = ||Z^T N0^T r_c||``;
* ``sqrt(Y) = (p0 + pw) / sk`` and the bound ``c0 + max(0, rho - 2 Al - Y - 2 sqrt(Y) Gam) - margin``.

Lower bounds are rounded down and upper bounds up at every step, so the returned float is a lower
bound of ``min(upper, f)`` on each box (``-inf`` where the hints are not good enough: ``l0 <= 0`` or
``sk <= 0``, or where an intermediate overflowed).
"""
from __future__ import annotations

import numpy as np

from recovery.lsa.reparam import phi_matrix_in_A
from recovery.realizability import ball

__all__ = ["BallMetric", "box_bounds"]


class BallMetric:
    """Ball data of one metric ``W`` (float, taken exactly) for the boxes of :func:`box_bounds`.

    Parameters
    ----------
    W : ndarray, shape (dm, dm)
        The metric, ``dm = d (d+1) (d+2) / 2``.
    d : int
        Chain length minus one.
    X_hat : ndarray, shape (dm,)
        The float centre of the whitening (taken exactly).

    Examples
    --------
    >>> import numpy as np
    >>> m = BallMetric(np.eye(3), 1, np.ones(3))
    >>> m.N[0].shape, m.p
    ((2, 3, 2), 2)
    """

    def __init__(self, W: np.ndarray, d: int, X_hat: np.ndarray) -> None:
        W = np.asarray(W, float)
        self.d, self.p = d, d * (d + 1)
        eye = np.eye(d + 1)
        M = np.stack([np.rint(phi_matrix_in_A(eye[u])) for u in range(d + 1)])  # integers, exact
        Nm, Nr = ball.matmul(W[None], None, M, None)  # N_u = W M(e_u), (d+1, dm, p)
        self.N = (Nm, Nr)
        self.dm = Nm.shape[1]
        # N_u^T N_v, (d+1, d+1, p, p), flattened to ((d+1)^2, p p) for G0 = sum_{u,v} b_u b_v N_u^T N_v
        Cm, Cr = ball.matmul(np.swapaxes(Nm, 1, 2)[:, None], np.swapaxes(Nr, 1, 2)[:, None], Nm[None], Nr[None])
        self.NtN_flat = (Cm.reshape((d + 1) ** 2, -1), Cr.reshape((d + 1) ** 2, -1))
        idx = np.arange(d + 1)
        self.NtN = (Cm[idx, idx], Cr[idx, idx])  # N_u^T N_u, (d+1, p, p)
        r0m, r0r = ball.matmul(W, None, np.asarray(X_hat, float)[:, None], None)
        self.r0 = (r0m[:, 0], r0r[:, 0])
        # r -> [N_u^T r]_u as one product: (dm, (d+1) p)
        self.Ncat = tuple(np.ascontiguousarray(x.transpose(1, 0, 2).reshape(self.dm, -1)) for x in self.N)
        # a -> [N_u a]_u as one product: (p, (d+1) dm)
        self.NcatT = tuple(np.ascontiguousarray(x.transpose(2, 0, 1).reshape(self.p, -1)) for x in self.N)
        self.signs = np.array(np.meshgrid(*([[-1.0, 1.0]] * d), indexing="ij")).reshape(d, -1).T


def _gershgorin(Gm: np.ndarray, Gr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower bound of ``lambda_min`` and upper bound of ``lambda_max`` of every symmetric matrix in the
    ball ``(Gm, Gr)`` (K, n, n): Gershgorin discs with the off-diagonal row sums of
    ``max(|G_ij|, |G_ji|)`` (which also covers an asymmetric ball)."""
    n = Gm.shape[-1]
    aup = ball.abs_upper(Gm, Gr)
    off = np.maximum(aup, np.swapaxes(aup, 1, 2))
    idx = np.arange(n)
    off[:, idx, idx] = 0.0
    rs = ball.up_n(off.sum(axis=2), n)
    dm, dr = Gm[:, idx, idx], Gr[:, idx, idx]
    lo = ball.down(ball.lower(dm, dr) - rs).min(axis=1)
    hi = ball.up(ball.upper(dm, dr) + rs).max(axis=1)
    return lo, hi


def _vertex_max(Vm: np.ndarray, Vr: np.ndarray, w: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Upper bound of ``max_{s in {-1,1}^d} ||sum_i s_i w_i v_i||`` for the ball vectors ``v_i`` (rows of
    ``(Vm, Vr)``, shape (K, d, n)): the smaller of the vertex maximum (via the Gram ball ``V V^T``) and
    the triangle sum ``sum_i w_i ||v_i||``."""
    d = w.shape[1]
    Gm, Gr = ball.matmul(Vm, Vr, np.swapaxes(Vm, 1, 2), np.swapaxes(Vr, 1, 2))  # (K, d, d)
    SW = signs[None] * w[:, None, :]  # (K, V, d), exact (signs are +-1)
    Tm, Tr = ball.matmul(SW, None, Gm, Gr)  # (K, V, d)
    qm, qr = ball.matmul(Tm[:, :, None, :], Tr[:, :, None, :], SW[:, :, :, None], None)  # (K, V, 1, 1)
    vmax = ball.up(np.sqrt(np.maximum(ball.upper(qm[..., 0, 0], qr[..., 0, 0]), 0.0))).max(axis=1)
    idx = np.arange(d)
    nrm = ball.up(np.sqrt(np.maximum(ball.upper(Gm[:, idx, idx], Gr[:, idx, idx]), 0.0)))
    tri = ball.up_n(np.sum(w * nrm, axis=1), d + 1)
    return np.minimum(vmax, tri)


def _perturbation(M: BallMetric, J: np.ndarray, b: np.ndarray, w: np.ndarray, Z: np.ndarray):
    """``(ok, sk)``: the hints' quality check and ``||N(b) Z y|| >= sk ||y||`` on every box."""
    K, p = w.shape[0], M.p
    ZT = np.swapaxes(Z, 1, 2)
    # Gt = Z^T G0 Z with G0 = N0^T N0 = sum_{u,v} b_u b_v N_u^T N_v (b exact, b_u b_v one rounding)
    bb = (b[:, :, None] * b[:, None, :]).reshape(K, -1)
    bbr = ball.up(ball.U * np.abs(bb))  # the rounding of the products b_u b_v
    G0m, G0r = ball.matmul(bb, bbr, *M.NtN_flat)
    Tm, Tr = ball.matmul(ZT, None, G0m.reshape(K, p, p), G0r.reshape(K, p, p))
    Gt = ball.matmul(Tm, Tr, Z, None)
    # Q_w = sum_i w_i N_i^T N_i, one product over the d directions (w exact)
    Qm, Qr = ball.matmul(w, None, M.NtN[0][J].reshape(-1, p * p), M.NtN[1][J].reshape(-1, p * p))
    Qm, Qr = Qm.reshape(K, p, p), Qr.reshape(K, p, p)
    Tm, Tr = ball.matmul(ZT, None, Qm, Qr)
    Qt = ball.matmul(Tm, Tr, Z, None)
    l0, _ = _gershgorin(*Gt)
    _, mu = _gershgorin(*Qt)
    sw = ball.up_n(w.sum(axis=1), w.shape[1])
    eta = ball.up(np.sqrt(ball.up(sw * np.maximum(mu, 0.0))))
    with np.errstate(invalid="ignore"):
        sk = ball.down(ball.down(np.sqrt(np.maximum(l0, 0.0))) - eta)
    ok = (l0 > 0) & (sk > 0)
    return ok, np.where(ok, sk, 1.0)


def box_bounds(M: BallMetric, k: int, t: np.ndarray, w: np.ndarray, a: np.ndarray, Z: np.ndarray,
               c0_lower: float, margin_upper: float) -> np.ndarray:
    """Verified lower bounds of ``min(upper, f)`` on ``K`` boxes of patch ``k`` (see the module docstring).

    Parameters
    ----------
    M : BallMetric
        The proven metric.
    k : int
        Patch index, ``0 <= k <= d``.
    t, w : ndarray, shape (K, d)
        Box centres and half-widths in patch coordinates (floats, exact).
    a : ndarray, shape (K, p)
        Float hints for the inner solution at the centres.
    Z : ndarray, shape (K, p, p)
        Float hints ``C^{-T} U`` (any matrices; only the bound's quality depends on them).
    c0_lower, margin_upper : float
        A lower bound of ``c0 = c - X^T H X^`` and an upper bound of the margin ``|2 e^T X|`` on the
        level set (from the exact set-up of :class:`recovery.realizability.interval.IntervalCertifier`).

    Returns
    -------
    ndarray, shape (K,)
        The bounds, ``-inf`` where the hints fail.

    Examples
    --------
    >>> import numpy as np
    >>> from recovery.lsa.reparam import num_pairs
    >>> M = BallMetric(np.eye(1 * num_pairs(1)), 1, np.ones(3))
    >>> lb = box_bounds(M, 0, np.zeros((1, 1)), np.full((1, 1), 0.5), np.zeros((1, 2)), np.eye(2)[None], 0.0, 0.0)
    >>> lb.shape
    (1,)
    """
    d, p = M.d, M.p
    K = t.shape[0]
    J = np.array([i for i in range(d + 1) if i != k])
    b = np.zeros((K, d + 1))
    b[:, k] = 1.0
    b[:, J] = t
    ok, sk = _perturbation(M, J, b, w, Z)
    # N_u a_c for every u, (K, d+1, dm); r_c = r0 - N0 a_c with N0 a_c = sum_u b_u N_u a_c; rho = ||r_c||^2
    Nam, Nar = ball.matmul(a, None, *M.NcatT)
    Nam, Nar = Nam.reshape(K, d + 1, M.dm), Nar.reshape(K, d + 1, M.dm)
    Na0m, Na0r = ball.matmul(b[:, None, :], None, Nam, Nar)
    rcm, rcr = ball.sub(M.r0[0][None], M.r0[1][None], Na0m[:, 0], Na0r[:, 0])
    rho = ball.norm_sq_lower(rcm, rcr)
    # N_i a_c (i in J), (K, d, dm); Al = sum_i w_i |<r_c, N_i a_c>|
    Nam, Nar = Nam[:, J], Nar[:, J]
    alm, alr = ball.matmul(Nam, Nar, rcm[:, :, None], rcr[:, :, None])
    Al = ball.up_n(np.sum(w * ball.abs_upper(alm[..., 0], alr[..., 0]), axis=1), d + 1)
    Gam = _vertex_max(Nam, Nar, w, M.signs)
    # rows r_c^T N_u; p0 = ||Z^T N0^T r_c|| with N0^T r_c = sum_u b_u N_u^T r_c, pw from the rows of i in J
    rowm, rowr = ball.matmul(rcm, rcr, *M.Ncat)
    rowm, rowr = rowm.reshape(K, d + 1, p), rowr.reshape(K, d + 1, p)
    g0m, g0r = ball.matmul(b[:, None, :], None, rowm, rowr)  # (K, 1, p)
    gm, gr = ball.matmul(g0m, g0r, Z, None)
    p0 = ball.norm_upper(gm[:, 0], gr[:, 0])
    rowm, rowr = rowm[:, J], rowr[:, J]
    zm, zr = ball.matmul(rowm, rowr, Z, None)
    pw = _vertex_max(zm, zr, w, M.signs)
    sY = ball.up(ball.up(p0 + pw) / sk)
    Y = ball.up(sY * sY)
    loss = ball.up_n(2.0 * Al + Y + 2.0 * sY * Gam, 6)
    lb = np.maximum(ball.down(rho - loss), 0.0)
    out = ball.down(ball.down(c0_lower + lb) - margin_upper)
    # an overflow (inf or nan anywhere above) leaves a non-finite value: such a box gets no bound
    return np.where(ok & np.isfinite(out), out, -np.inf)
