r"""The rigorous second-order box bound of the sphere/patch branch-and-bound (paper Remark C.15; MATH.md Section 5).

:func:`patch_box_lower_bound` proves the bound (its docstring); :class:`_PatchBounds` evaluates it for
many boxes of one patch at once, in the exact metric ``H`` or in a shrunk metric ``H' <= H``
(:func:`_shrunk_spectrum`), and :class:`_BoxBounds` takes per box the larger of the two, as the
search of :mod:`recovery.realizability.bnb` does.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy import linalg as sla

from recovery.lsa.reparam import phi_matrix_in_A
from recovery.realizability.batch_linalg import _lam_max_upper, _norms, _tril_inv, _vertex_norm_max
from recovery.realizability.inner import SimpleQuadratic, _as_quad
from recovery.validation import as_float_array, check_int

__all__ = ["patch_box_lower_bound", "SHRINK_TAU_COND", "SHRINK_MIN_COND"]


class _PatchBounds:
    r"""Whitened data and the vectorised box bound of :func:`patch_box_lower_bound` (see its docstring).

    ``H = V diag(lam) V^T``; ``W = diag(sqrt(lam')) V^T`` with ``lam' = lam`` (``spectrum=None``: the
    exact bound) or a given ``lam' <= lam - margin`` (a *shrunk* metric ``H' = W^T W <= H``, step 7 of
    :func:`patch_box_lower_bound`).  ``N_i = W M(e_i)`` (``M = phi_matrix_in_A``), shape ``(dm, p)``
    with ``p = d (d+1)``; ``r0 = W X^`` with ``X^`` the computed ``H^{-1} h``; ``c0 = c - X^T H X^``.
    For every ``X``: ``ftilde(X) = ||W_H (X^ - X)||^2 + c0 + 2 e^T X >= ||W (X^ - X)||^2 + c0 + 2 e^T X``
    with ``e = H X^ - h`` (the float residual of the linear solve; ``|2 e^T X|`` is added to the margin).

    Everything that depends on ``b = sum_u b_u e_u`` is assembled from per-``e_u`` products in single
    matrix products over the batch (``N(b)^T r = sum_u b_u N_u^T r``, ``N(b) a = sum_u b_u N_u a``,
    ``N(b)^T N(b) = sum_{u,v} b_u b_v N_u^T N_v``), never by forming ``N(b)`` per box.
    """

    def __init__(self, q: SimpleQuadratic, d: int, spectrum: np.ndarray | None = None) -> None:
        self.q, self.d = q, d
        p = self.p = d * (d + 1)
        lam, V = np.linalg.eigh(q.H)
        if not lam[0] > 0:
            raise ValueError("method='bnb' needs a positive definite H (smallest eigenvalue "
                             f"{lam[0]:.3g})")
        self.lam_min = float(lam[0])
        Lc = np.linalg.cholesky(q.H)
        X = sla.cho_solve((Lc, True), q.h)
        X = X + sla.cho_solve((Lc, True), q.h - q.H @ X)  # one step of iterative refinement
        self.X_hat = X
        self.e_res = q.H @ X - q.h
        self.c0 = float(q.c - X @ q.H @ X)
        if spectrum is None:
            self.W = Lc.T
            self.shrunk = False
        else:
            lp = np.asarray(spectrum, float)
            # H - W^T W = V diag(lam - lam') V^T + (H - V diag(lam) V^T) must stay >= 0: the gap
            # lam - lam' has to dominate the eigendecomposition error (~ n eps lam_max)
            gap = 100.0 * lam.size * np.finfo(float).eps * lam[-1]
            if lp.shape != lam.shape or not np.all(lp > 0) or not np.all(lp <= lam - gap):
                raise ValueError("spectrum must be positive and below eig(H) by the eigen-error margin")
            self.W = np.sqrt(lp)[:, None] * V.T
            self.shrunk = True
        self.r0 = self.W @ X
        eye = np.eye(d + 1)
        N = np.stack([self.W @ phi_matrix_in_A(eye[i]) for i in range(d + 1)])  # (d+1, dm, p)
        dm = N.shape[1]
        self.Ncat = np.ascontiguousarray(N.transpose(1, 0, 2).reshape(dm, (d + 1) * p))  # r -> N_u^T r
        self.NcatT = np.ascontiguousarray(N.transpose(2, 0, 1).reshape(p, (d + 1) * dm))  # a -> N_u a
        NtN = np.einsum("urc,vrs->uvcs", N, N)  # N_u^T N_v, (d+1, d+1, p, p)
        self.NtN_flat = np.ascontiguousarray(NtN.reshape((d + 1) ** 2, p * p))
        self.NtN = np.stack([NtN[i, i] for i in range(d + 1)])  # N_i^T N_i, (d+1, p, p)
        self.NtN_cross = NtN
        self.Ntr0 = np.stack([N[i].T @ self.r0 for i in range(d + 1)])  # (d+1, p)
        self.J = [np.array([i for i in range(d + 1) if i != k]) for k in range(d + 1)]
        # the 2^d vertices of a box in sign form (for the concave vertex bound kappa_v, see evaluate)
        self.signs = np.array(np.meshgrid(*([[-1.0, 1.0]] * d), indexing="ij")).reshape(d, -1).T
        self.vertex_kappa = False  # measured: 1.6x fewer leaves at d = 4 but 6x the cost per box
        self.vertex_norms = True
        # step 2's lambda_max: "eigvalsh" (exact up to rounding) or "trace_power" (the cheaper upper bound
        # of batch_linalg._lam_max_upper, within a factor 1.10 at p = 20; used by the search)
        self.lam_bound = "eigvalsh"

    def _margin_res(self, U: float) -> float:
        """Bound on ``|2 e^T X|`` over every ``X`` with ``ftilde(X) <= U`` (twice the naive radius)."""
        rad = np.sqrt(max(U - self.c0, 0.0) / self.lam_min) * 2.0 + 1e-300
        return float(2.0 * np.linalg.norm(self.e_res) * (np.linalg.norm(self.X_hat) + rad))

    def _Nt(self, b: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(N(b)^T r, [N_u^T r]_u)``: shapes ``(K, p)`` and ``(K, d+1, p)``."""
        K = r.shape[0]
        all_u = (r @ self.Ncat).reshape(K, self.d + 1, self.p)
        return np.einsum("ku,kuc->kc", b, all_u), all_u

    def _N(self, b: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(N(b) a, [N_u a]_u)``: shapes ``(K, dm)`` and ``(K, d+1, dm)``."""
        K = a.shape[0]
        all_u = (a @ self.NcatT).reshape(K, self.d + 1, -1)
        return np.einsum("ku,kur->kr", b, all_u), all_u

    def centre_solve(self, k: int, t: np.ndarray, inverse: bool = False):
        """Float solve at the centres ``t`` (K, d) of boxes of patch ``k``.

        Returns ``(b, G0, Ci, G0i, good, a)``: the centres ``b`` (K, d+1) with ``b_k = 1``,
        ``G0 = N(b)^T N(b)`` (K, p, p), the inverse ``Ci`` of its Cholesky factor and
        ``G0i = Ci^T Ci = G0^{-1}`` (only with ``inverse=True``, else ``None``), the mask ``good`` of
        boxes whose ``G0`` is numerically positive definite (the others get ``Ci`` of the identity),
        and the inner solution ``a = G0^{-1} N(b)^T r0`` after one step of iterative refinement.
        """
        d, p = self.d, self.p
        K = t.shape[0]
        b = np.zeros((K, d + 1))
        b[:, k] = 1.0
        b[:, self.J[k]] = t
        bb = (b[:, :, None] * b[:, None, :]).reshape(K, -1)
        G0 = (bb @ self.NtN_flat).reshape(K, p, p)
        G0 = 0.5 * (G0 + np.swapaxes(G0, 1, 2))
        # G0 = C C^T; boxes whose G0 is numerically singular get the trivial bound (never on a patch in
        # exact arithmetic, see the docstring of patch_box_lower_bound)
        try:
            C = np.linalg.cholesky(G0)
            good = np.ones(K, bool)
        except np.linalg.LinAlgError:
            good = np.array([np.all(np.linalg.eigvalsh(g) > 0) for g in G0])
            C = np.linalg.cholesky(np.where(good[:, None, None], G0, np.eye(p)[None]))
        Ci = _tril_inv(C)  # C^{-1}
        CiT = np.swapaxes(Ci, 1, 2)
        # G0^{-1} v = C^{-T} (C^{-1} v): two matrix-vector products per box
        a = np.matmul(CiT, np.matmul(Ci, (b @ self.Ntr0)[..., None]))[..., 0]
        Na0, _ = self._N(b, a)
        g, _ = self._Nt(b, self.r0[None, :] - Na0)
        a = a + np.matmul(CiT, np.matmul(Ci, g[..., None]))[..., 0]  # one step of iterative refinement
        G0i = np.matmul(CiT, Ci) if inverse else None
        return b, G0, Ci, G0i, good, a

    def evaluate(self, k: int, t: np.ndarray, w: np.ndarray, U: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes of patch ``k`` with centres ``t`` (K, d) and half-widths ``w`` (K, d) (patch coordinates).

        Returns ``(lower, value, a)``: the rigorous lower bound of ``f`` on every box (K,), the float
        value ``c0 + ||r0 - N(b_c) a_c||^2`` at the centre (K,) (the true ``f(b_c)`` only when
        ``self.shrunk`` is False) and the inner solution ``a_c`` (K, p).
        ``U`` only enters the tiny solve-residual margin.
        """
        # one function: steps 1-6 of patch_box_lower_bound in order on shared batch arrays
        d, p = self.d, self.p
        K = t.shape[0]
        J = self.J[k]
        eps = np.finfo(float).eps
        b, G0, Ci, _, good, a = self.centre_solve(k, t)
        # cond(G0) <= ||G0||_F ||G0^{-1}||_F  (an upper bound; it sizes the safety margin)
        cond = np.sqrt(np.einsum("kij,kij->k", G0, G0)) * np.einsum("kij,kij->k", Ci, Ci)
        good &= cond < 1.0 / (1e3 * p * eps)
        marg = np.where(good, 1e-9 + 100.0 * p * eps * cond, 1.0)
        Na0, Na_all = self._N(b, a)
        rc = self.r0[None, :] - Na0
        rho = np.einsum("kr,kr->k", rc, rc)
        g, Ntr_all = self._Nt(b, rc)
        # Z columns: N0^T r_c, N_i^T r_c (i in J);  ||G0^{-1/2} z|| = ||C^{-1} z||
        Z = np.concatenate([g[:, :, None], np.swapaxes(Ntr_all[:, J], 1, 2)], axis=2)
        CZv = np.matmul(Ci, Z)  # (K, p, d+1)
        CZ = _norms(CZv, 1) * (1 + marg)[:, None]  # (K, d+1)
        p0, pi = CZ[:, 0], CZ[:, 1:]
        Qw = (w @ self.NtN[J].reshape(d, p * p)).reshape(K, p, p)
        T2 = np.matmul(np.matmul(Ci, Qw), np.swapaxes(Ci, 1, 2))  # C^{-1} Qw C^{-T}
        T2 = 0.5 * (T2 + np.swapaxes(T2, 1, 2))
        lam = _lam_max_upper(T2) if self.lam_bound == "trace_power" else np.linalg.eigvalsh(T2)[:, -1]
        eta = np.sqrt(np.maximum(lam, 0.0) * w.sum(1)) * (1 + marg) + marg
        kappa = np.where(eta < 1.0, (1.0 - eta) ** 2, 0.0)
        if self.vertex_kappa:
            # N^T N = G0 + N0^T E + E^T N0 + E^T E >= C (I + sum_i delta_i S_i) C^T with
            # S_i = C^{-1} (N0^T N_i + N_i^T N0) C^{-T}; lambda_min of an affine matrix function is concave,
            # so its minimum over the box is at one of the 2^d vertices delta = s * w
            F = np.einsum("ku,ujcs->kjcs", b, self.NtN_cross[:, J], optimize=True)  # N0^T N_i
            S = np.matmul(np.matmul(Ci[:, None], F + np.swapaxes(F, 2, 3)), np.swapaxes(Ci, 1, 2)[:, None])
            Lv = np.einsum("vj,kj,kjcs->kvcs", self.signs, w, S, optimize=True)
            Lv = 0.5 * (Lv + np.swapaxes(Lv, 2, 3))
            kv = 1.0 + np.linalg.eigvalsh(Lv)[..., 0].min(axis=1)
            kv = kv - marg * (1.0 + np.einsum("kj,kj->k", w, np.linalg.norm(S, axis=(2, 3))))
            kappa = np.maximum(kappa, kv)
        ok = good & (kappa > 0.0)
        kappa = np.where(ok, kappa, 1.0)
        Na = Na_all[:, J]  # N_i a_c, (K, d, dm)
        inflate = 1 + 1e-9
        al = np.abs(np.einsum("kjr,kr->kj", Na, rc))
        ga = _norms(Na, 2)
        Al = (w * al).sum(1) * inflate
        Gam = (w * ga).sum(1) * inflate
        pw = (w * pi).sum(1)
        if self.vertex_norms:
            # a norm of a vector that is linear in delta is convex, so its maximum over the box is at a
            # vertex: ||E a_c|| <= max_v ||sum_i s_vi w_i N_i a_c||, ||C^-1 sum delta_i N_i^T r_c|| likewise
            gv = _vertex_norm_max(np.matmul(Na, np.swapaxes(Na, 1, 2)), w, self.signs, Gam)
            Gam = np.minimum(Gam, gv * inflate * (1 + 1e-9))
            CZi = CZv[:, :, 1:]
            pv = _vertex_norm_max(np.matmul(np.swapaxes(CZi, 1, 2), CZi), w, self.signs, pw)
            pw = np.minimum(pw, pv * (1 + marg) * inflate)
        sk = np.sqrt(kappa)
        sY = (p0 + pw) / sk
        Y = sY**2
        lb = rho - 2.0 * Al - Y - 2.0 * sY * Gam
        lb = lb - 1e-9 * (rho + 2.0 * Al + Y + 2.0 * sY * Gam) - 1e-15 * abs(self.c0)
        lb = np.where(ok, np.maximum(lb, 0.0), 0.0)
        lower = self.c0 + lb - self._margin_res(U)
        # splitting heuristic (no effect on validity): each side's share of the bound's loss, or of
        # eta (trace(G0^{-1} N_i^T N_i)) where the bound is trivial
        tr = np.zeros((K, d))
        bad = np.flatnonzero(~ok)
        if bad.size:
            G0i = np.matmul(np.swapaxes(Ci[bad], 1, 2), Ci[bad])
            tr[bad] = np.sqrt(np.maximum(G0i.reshape(bad.size, p * p) @ self.NtN[J].reshape(d, p * p).T, 0.0))
        loss_i = 2.0 * al + 2.0 * sY[:, None] * (ga + pi / sk[:, None])
        self.last_score = w * np.where(ok[:, None], loss_i, tr)
        return lower, self.c0 + rho, a


def patch_box_lower_bound(quad: Any, k: int, center: Any, halfwidth: Any, *, metric: str = "exact") -> float:
    r"""Rigorous lower bound of ``f(b) = min_A ftilde(phi(b, A))`` over one box of patch ``k``.

    **Patches.**  Every ``b != 0`` is, up to the gauge ``phi(c b, A / c) = phi(b, A)`` (``c != 0``,
    including the sign), equal to ``e_k + sum_{i != k} t_i e_i`` with ``t in [-1, 1]^d`` for
    ``k = argmax_u |b_u|``; so ``f* = min_k min_{t in [-1,1]^d} f(b_k(t))`` over the ``d + 1`` patches.
    ``center`` and ``halfwidth`` are the ``d`` patch coordinates ``t_i`` (``i != k`` in increasing
    order) of the box centre and its half-widths ``w_i``.

    **Whitening.**  With ``H = L L^T``, ``W = L^T``, ``X* = H^{-1} h``, ``ftilde* = c - h^T X*``:
    ``ftilde(X) = ftilde* + ||W (X* - X)||^2``, hence ``f(b) = ftilde* + s(b)^2`` with
    ``s(b) = min_a ||r0 - N(b) a||``, ``r0 = W X*``, ``N(b) = W M(b) = sum_u b_u N_u`` (linear in b).
    ``N(b)`` is injective for ``b != 0`` (``b a^T + a b^T = 0`` forces ``a = 0``) and ``W`` is
    invertible, so ``sigma_min(N(b)) > 0`` on every patch.

    **Bound.**  Let ``N0 = N(b_c)``, ``G0 = N0^T N0``, ``a_c`` *any* vector (the computed inner
    solution), ``r_c = r0 - N0 a_c``, ``rho = ||r_c||^2``.  For ``b`` in the box write
    ``N = N(b) = N0 + E``, ``E = sum_{i != k} delta_i N_i``, ``|delta_i| <= w_i``.

    1. *Exact residual.*  ``s(b)^2 = ||(I - P) v||^2 = ||v||^2 - ||P v||^2`` with ``v = r0 - N a_c =
       r_c - E a_c`` and ``P = N (N^T N)^{-1} N^T`` the orthogonal projector on ``range N``.
    2. *Directional perturbation.*  For every ``x``, ``||E x|| <= sum w_i ||N_i x|| <= sqrt(sum w_i)
       sqrt(x^T Q_w x)`` (Cauchy-Schwarz), ``Q_w = sum w_i N_i^T N_i``.  Hence ``||E x|| <= eta ||N0 x||``
       with ``eta = sqrt(sum w_i * lambda_max(G0^{-1/2} Q_w G0^{-1/2}))``; if ``eta < 1`` then
       ``||N x|| >= (1 - eta) ||N0 x||``, i.e. ``N^T N >= kappa G0`` with ``kappa = (1 - eta)^2`` (so
       ``N`` is injective on the whole box) and ``(N^T N)^{-1} <= G0^{-1} / kappa``.  If ``eta >= 1``
       the box gets the trivial bound ``ftilde*`` and is split further; since ``N(b)`` is injective
       for ``b != 0`` (``b a^T + a b^T = 0`` forces ``a = 0``) and ``W`` is invertible, ``eta -> 0``
       as the box shrinks, so every box is eventually bounded.  Any upper bound of ``lambda_max`` gives
       a valid (lower) bound; the code uses the trace-power bound of
       :func:`recovery.realizability.batch_linalg._lam_max_upper` instead of an eigendecomposition.
       (Weighting by ``G0^{-1/2}`` matters: ``H`` is badly conditioned, and
       ``sum w_i ||N_i|| / sigma_min(N0)`` is 10-20 times larger than ``eta`` on the population
       quadratics.)
    3. ``||P r_c||^2 = (N^T r_c)^T (N^T N)^{-1} (N^T r_c) <= ||G0^{-1/2} N^T r_c||^2 / kappa <= Y :=
       (||G0^{-1/2} N0^T r_c|| + sum w_i ||G0^{-1/2} N_i^T r_c||)^2 / kappa``; ``||P E a_c|| <=
       ||E a_c|| <= Gam := sum w_i ||N_i a_c||``; ``|<r_c, E a_c>| <= Al := sum w_i |<r_c, N_i a_c>|``.
    4. ``||v||^2 = rho - 2 <r_c, E a_c> + ||E a_c||^2`` and ``||P v||^2 <= (sqrt(Y) + ||E a_c||)^2``,
       so ``s(b)^2 >= rho - 2 Al - Y - 2 sqrt(Y) Gam``.

    5. *Vertex norms* (``_PatchBounds.vertex_norms``, on by default).  ``||E a_c||`` and
       ``||G0^{-1/2} N^T r_c|| = ||C^{-1} sum_i delta_i N_i^T r_c||`` (``N0^T r_c = 0`` up to the ``p0``
       term) are norms of vectors linear in ``delta``, hence convex in ``delta``: their maximum over the
       box is attained at one of its ``2^d`` vertices ``delta = s * w`` (``s in {-1, 1}^d``), which can
       only be smaller than the triangle-inequality sums ``Gam`` and ``sum w_i ||C^{-1} N_i^T r_c||``; the
       smaller of the two is used (``Al`` is already exact: ``max |sum delta_i al_i| = sum w_i |al_i|``).
    6. *Vertex kappa* (``_PatchBounds.vertex_kappa``, off by default: measured at d = 4 it needs 1.6x
       fewer leaves but costs 6x per box).  ``N^T N = G0 + N0^T E + E^T N0 + E^T E >= C (I + sum_i
       delta_i S_i) C^T`` with ``S_i = C^{-1} (N0^T N_i + N_i^T N0) C^{-T}`` (``E^T E >= 0`` dropped);
       ``lambda_min`` of an affine symmetric matrix function is concave, so ``kappa_v = min`` over the
       ``2^d`` vertices of ``lambda_min(I + sum_i s_i w_i S_i)`` gives ``N^T N >= kappa_v G0``; the larger
       of ``kappa_v`` and ``(1 - eta)^2`` is used, and ``kappa_v > 0`` suffices even when ``eta >= 1``
       (the perturbation orthogonal to ``range N0`` does not shrink ``N^T N``).

    7. *Shrunk metric* (``metric="best"``, the default of ``method="bnb"``).  Any ``H' = W'^T W' <= H``
       gives ``ftilde(X) >= c0 + ||W' (X^ - X)||^2 + 2 e^T X``, so steps 1-6 with ``W'`` in place of
       ``W`` are again a valid lower bound of ``f`` on the box (of a smaller function).  With
       ``H = V diag(lam) V^T`` we use ``W' = diag(sqrt(lam')) V^T``, ``lam' = lam tau / (lam + tau) -
       margin`` (harmonic shrinkage, ``tau = 3000 lam_min``; ``margin = 200 n eps lam_max`` dominates
       the error of the computed eigendecomposition, so ``H - H' >= 0`` holds for the true ``H``).
       ``H'`` has condition number ``< 3000``, so ``N'(b)`` is far better conditioned and ``eta`` stays
       below 1 on boxes many times larger; the price is a lower function (useless near the minimiser,
       where the exact metric is needed).  Each box takes the larger of the two bounds.  Why it helps:
       the exact bound fails far from the minimiser (``f - U`` of 0.01-0.03 on a gap of ``1e-5``) because
       ``cond(H) = 1.2e5`` makes ``eta >= 1``, and there the slack easily pays for the shrinkage.

    The box bound is ``ftilde* + max(0, rho - 2 Al - Y - 2 sqrt(Y) Gam)``.  It is of second order
    near a minimiser: ``Al`` is ``w`` times the gradient of ``f`` at the centre (which vanishes at a
    minimiser), ``G0^{-1/2} N0^T r_c ~ 0`` (``a_c`` is the least-squares solution), so ``Y`` and
    ``sqrt(Y) Gam`` are ``O(w^2)``; this avoids the cluster effect of plain Lipschitz bounds
    (``s(b) >= s(b_c) - sum w_i ||N_i|| ||a(b)||``, which needs boxes of width ~ the tolerance).

    **Floating point.**  Computed in float64 with margins: the ``w_i``-weighted sums are inflated by
    ``1e-9`` (relative); the ``G0^{-1/2}``-norms and ``eta`` by ``m = 1e-9 + 100 p eps cond(G0)``
    (relative; ``eta`` also absolute), which dominates the float error of the Cholesky factor of
    ``G0`` (boxes with ``cond(G0) > 1 / (1000 p eps)`` get the trivial bound); the bound on ``s^2`` is
    lowered by ``1e-9`` times the magnitudes of its terms, and the identity
    ``ftilde = c0 + ||.||^2`` for the *computed* ``X^`` (``c0 = c - X^T H X^``) carries the extra term
    ``2 (H X^ - h)^T X``, bounded over ``{X : ftilde(X) <= U}`` and subtracted (so, strictly, the
    statement is ``f(b) >= min(U, bound)``; here ``U = c = ftilde(0) >= f(b)``).  The bound is
    therefore valid unless float errors exceed these (generous) margins; it is not interval
    arithmetic.  The returned value is ``ftilde* + max(0, ...)`` minus the margins, with ``c0`` for
    ``ftilde*``.
    """
    q, d = _as_quad(quad)
    k = check_int(k, "k", min_value=0, max_value=d)
    t = as_float_array(center, "center", shape=(d,))
    w = as_float_array(halfwidth, "halfwidth", shape=(d,))
    if np.any(w < 0):
        raise ValueError("halfwidth must be >= 0")
    if metric not in ("exact", "shrunk", "best"):
        raise ValueError(f"metric must be 'exact', 'shrunk' or 'best', got {metric!r}")
    pb: _PatchBounds | _BoxBounds
    if metric == "shrunk":
        sp = _shrunk_spectrum(q.H)
        if sp is None:
            raise ValueError("metric='shrunk' needs a positive definite H with cond(H) > "
                             f"{SHRINK_MIN_COND:g}")
        pb = _PatchBounds(q, d, spectrum=sp)
    else:
        pb = _PatchBounds(q, d) if metric == "exact" else _BoxBounds(q, d)
    lower, _, _ = pb.evaluate(k, t[None, :], w[None, :], U=float(q.c))
    return float(lower[0])


#: shrunk metric of the second bound (step 7 of patch_box_lower_bound): harmonic shrinkage
#: lam' = lam tau / (lam + tau) with tau = SHRINK_TAU_COND * lam_min(H), used when cond(H) exceeds
#: SHRINK_MIN_COND.  Chosen on the d = 4 population quadratic (README "Realisability"): estimated
#: leaves 7.3e7 (exact metric alone) -> 5.9e6 (max of both); hard clipping min(lam, tau) and other tau
#: were measured too.
SHRINK_TAU_COND = 3.0e3
SHRINK_MIN_COND = 3.0e4


def _shrunk_spectrum(H: np.ndarray) -> np.ndarray | None:
    """The harmonic shrinkage ``lam tau / (lam + tau) - margin`` of ``eig(H)``, or ``None`` if ``H`` is
    well conditioned (``cond <= SHRINK_MIN_COND``; the exact metric then suffices)."""
    lam = np.linalg.eigvalsh(H)
    if not lam[0] > 0 or lam[-1] / lam[0] <= SHRINK_MIN_COND:
        return None
    tau = SHRINK_TAU_COND * lam[0]
    gap = 200.0 * lam.size * np.finfo(float).eps * lam[-1]
    return lam * tau / (lam + tau) - gap


#: gap ratio above which the search skips the exact metric on a box (see :meth:`_BoxBounds.evaluate`)
SKIP_EXACT_GAP = 0.3


class _BoxBounds:
    """The exact-metric bound, and the shrunk-metric bound where it applies; per box the larger."""

    def __init__(self, q: SimpleQuadratic, d: int, shrink: bool = True, lam_bound: str = "eigvalsh") -> None:
        if lam_bound not in ("eigvalsh", "trace_power"):
            raise ValueError(f"lam_bound must be 'eigvalsh' or 'trace_power', got {lam_bound!r}")
        self.full = _PatchBounds(q, d)
        sp = _shrunk_spectrum(q.H) if shrink else None
        self.shrunk = None if sp is None else _PatchBounds(q, d, spectrum=sp)
        for pb in (self.full, self.shrunk):
            if pb is not None:
                pb.lam_bound = lam_bound
        self.c0, self.J = self.full.c0, self.full.J

    def evaluate(self, k: int, t: np.ndarray, w: np.ndarray, U: float, prune_at: float | None = None,
                 skip_gap: float | None = SKIP_EXACT_GAP):
        """``(lower, value, a)`` as :meth:`_PatchBounds.evaluate`, the lower bound the larger of the two
        metrics'.  With ``prune_at``, the shrunk metric goes first and boxes whose shrunk bound already
        reaches ``prune_at`` skip the exact metric: their bound is the shrunk one and their centre value
        is ``+inf`` (such a box cannot hold a point below ``prune_at``, so its centre is no useful
        incumbent within the search's tolerance).

        Boxes whose shrunk bound is far below ``prune_at`` (``prune_at - lower >= skip_gap (prune_at -
        c0)``) skip the exact metric too unless their shrunk centre value is below ``prune_at``: such a
        box is split whichever bound it gets (measured at d = 3: the exact metric pruned none of them,
        all its prunings came from boxes with a gap ratio below 0.1), so the exact evaluation would
        only sharpen a bound that is not used for pruning.  Their bound is the (valid) shrunk one and
        their centre value ``+inf``; a centre that could improve the incumbent has a shrunk value
        below ``prune_at`` (``H' <= H``), so it still gets the exact metric.  ``skip_gap = None``
        evaluates the exact metric on every box the shrunk one does not prune."""
        if self.shrunk is None or prune_at is None:
            return self._both(k, t, w, U)
        lo2, val2, a2 = self.shrunk.evaluate(k, t, w, U)
        score2 = self.shrunk.last_score
        need = lo2 < prune_at
        if skip_gap is not None:
            need &= (prune_at - lo2 < skip_gap * (prune_at - self.c0)) | (val2 < prune_at)
        rest = np.flatnonzero(need)
        lo, val, a = lo2.copy(), np.full(lo2.size, np.inf), a2
        win = np.ones(lo2.size, bool)
        score = score2.copy()
        if rest.size:
            lo1, val[rest], a1 = self.full.evaluate(k, t[rest], w[rest], U)
            a = a2.copy()
            a[rest] = a1
            w1 = lo2[rest] > lo1
            win[rest] = w1
            lo[rest] = np.where(w1, lo2[rest], lo1)
            score[rest] = np.where(w1[:, None], score2[rest], self.full.last_score)
        self.won_shrunk, self.last_win, self.last_score = int(win.sum()), win, score
        return lo, val, a

    def _both(self, k: int, t: np.ndarray, w: np.ndarray, U: float):
        lo, val, a = self.full.evaluate(k, t, w, U)
        score = self.full.last_score
        self.won_shrunk = 0
        self.last_win = np.zeros(lo.size, bool)
        if self.shrunk is not None:
            lo2, _, _ = self.shrunk.evaluate(k, t, w, U)
            win = lo2 > lo
            self.won_shrunk = int(win.sum())
            self.last_win = win
            lo = np.where(win, lo2, lo)
            score = np.where(win[:, None], self.shrunk.last_score, score)
        self.last_score = score
        return lo, val, a

