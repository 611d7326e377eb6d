r"""The exact set-up and the verified per-box bounds of the interval re-verification.

:class:`IntervalCertifier` holds the proven metrics and the exact constants of the module docstring
of :mod:`recovery.realizability.interval` and bounds boxes either one at a time in python-flint
``arb`` (:meth:`IntervalCertifier.box_bound`, the reference) or many at once in float64 balls
(:mod:`recovery.realizability.ball_bound`, the default engine); :meth:`IntervalCertifier.verify_boxes`
verifies a list of boxes, re-splitting those that fail.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.reparam import phi_matrix_in_A
from recovery.realizability.ball_bound import BallMetric, box_bounds
from recovery.realizability.exact import (
    _arb_lower_float,
    _arb_upper_float,
    _eye_obj,
    _flint,
    _fq_mat,
    _psd_proof,
    exact_quadratic_data,
)

__all__ = ["IntervalCertifier", "VerifyStats", "ENGINES", "CHOL_SCALE", "MAX_RESPLIT", "BATCH"]

#: per-box bound of the re-verification: float64 balls vectorised over boxes
#: (:mod:`recovery.realizability.ball_bound`, the default) or python-flint ``arb`` one box at a time
ENGINES = ("numpy", "arb")
#: scaling of the float Cholesky factor for the exact metric: H - (s L^T)^T (s L^T) ~ 2^-25 H > 0
CHOL_SCALE = 1.0 - 2.0**-26
#: the coarsest splitting depth used when a leaf fails re-verification
MAX_RESPLIT = 6
#: boxes per vectorised call (bounds the memory of the float64 balls, about 0.2 MB per box at d = 4)
BATCH = 1024


@dataclass
class VerifyStats:
    """Statistics of a re-verification (:meth:`IntervalCertifier.verify_boxes`).

    Attributes
    ----------
    leaves : int
        Boxes handed in.
    verified : int
        Boxes (leaves or pieces of re-split leaves) whose verified bound reached the target.
    resplit_boxes : int
        Boxes that failed and were split in two.
    failed : int
        Boxes still failing after ``max_resplit`` splits (then nothing is certified).
    min_bound : float
        The rigorous minimum of the verified bounds (``-inf`` if a box failed).
    seconds : float
        Wall time.
    """

    leaves: int = 0
    verified: int = 0
    resplit_boxes: int = 0
    failed: int = 0
    min_bound: float = math.inf
    seconds: float = 0.0


class _Metric:
    """arb data of one proven metric ``W``: ``N_u = W M(e_u)`` and ``N_u^T N_u``, ``r0 = W X^``; plus
    the float :class:`recovery.realizability.best._PatchBounds` that proposes the hints."""

    def __init__(self, W: np.ndarray, pb_float: Any, d: int, X_hat: np.ndarray) -> None:
        fl = _flint()
        self.pb = pb_float
        self.d = d
        p = d * (d + 1)
        eye = np.eye(d + 1)
        Wa = fl.arb_mat(W.tolist())
        self.N = []
        for u in range(d + 1):
            Mu = fl.arb_mat(np.rint(phi_matrix_in_A(eye[u])).tolist())
            self.N.append(Wa * Mu)
        self.NtN = [n.transpose() * n for n in self.N]
        self.r0 = Wa * fl.arb_mat([[float(v)] for v in X_hat])
        self.dm = self.N[0].nrows()
        self.p = p
        # stacked: rows (u, r) for N_u a; and N_u^T rc via rc^T [N_0 ... N_d]
        self.Nv = fl.arb_mat([[self.N[u][r, c] for c in range(p)] for u in range(d + 1) for r in range(self.dm)])
        self.Nh = fl.arb_mat([[self.N[u][r, c] for u in range(d + 1) for c in range(p)] for r in range(self.dm)])


class IntervalCertifier:
    """Exact set-up and per-box verification (see the module docstring).

    Proves, in exact rational arithmetic, ``lambda_min(H) >= mu`` and that ``H - W^T W`` is positive
    definite for each metric ``W`` (the float Cholesky factor scaled by :data:`CHOL_SCALE`, and the
    shrunk metric of the search), so every per-box bound is a bound of ``min(upper, f)`` with
    ``f(b, A) = ftilde(phi(b, A))`` (paper Lemma 3.2); see :mod:`recovery.realizability.interval`.

    Parameters
    ----------
    quad : object
        Supplies the exact data (see :func:`exact_quadratic_data`).
    d : int
        Chain length minus one (the certified methods take ``d <= 4``).
    pb : recovery.realizability.patch_bounds._BoxBounds
        The bounds of the search: its float metrics propose the hints and the shrunk metric's ``W'``.
    upper_q : Fraction
        The exact value of the incumbent.
    prec : int, optional
        ``arb`` working precision in bits for the per-box bounds (default 64).

    Attributes
    ----------
    lam_proof : bool
        Whether ``lambda_min(H) >= mu > 0`` was proven (needed for every metric).
    metrics : list
        The proven metrics (``arb`` data); empty if no proof succeeded.
    ball_metrics : list of recovery.realizability.ball_bound.BallMetric
        The same metrics as float64 balls.
    metric_names : list of str
        ``"cholesky"`` and/or ``"shrunk"``.
    c0_lower, margin_upper : float
        Rounded bounds of the constant ``c0`` and of the margin ``2 ||e|| (||X^|| + z)``.
    """

    def __init__(self, quad: Any, d: int, pb: Any, upper_q: Fraction, prec: int = 64) -> None:
        fl = _flint()
        self.d, self.prec = d, prec
        H, h, c, self.data = exact_quadratic_data(quad)
        self.upper_q = upper_q
        full = pb.full
        X_hat = np.asarray(full.X_hat, float)
        old = fl.ctx.prec
        fl.ctx.prec = 256
        try:
            Xq = np.array([Fraction(float(v)) for v in X_hat], dtype=object)
            Hq, hq, xq = _fq_mat(H), _fq_mat(h.reshape(-1, 1)), _fq_mat(Xq.reshape(-1, 1))
            eq = Hq * xq - hq
            c0q = fl.fmpq(c.numerator, c.denominator) - (xq.transpose() * Hq * xq)[0, 0]
            c0 = fl.arb(c0q)
            e2 = sum(fl.arb(eq[i, 0]) ** 2 for i in range(eq.nrows()))
            # lambda_min(H) >= mu (exact proof), hence ||X - X^|| <= z on {ftilde <= upper}:
            # mu z^2 - 2 ||e|| z - (upper - c0 + 2 ||e|| ||X^||) <= 0
            lam = np.linalg.eigvalsh(np.asarray(full.q.H, float))
            mu = Fraction(float(lam[0]) * 0.5)
            n = H.shape[0]
            self.lam_proof = mu > 0 and bool(_psd_proof(H - mu * _eye_obj(n), np.zeros((1, n))))
            ne = e2.sqrt()
            nxq = sum(Fraction(float(v)) ** 2 for v in X_hat)
            nx = fl.arb(fl.fmpq(nxq.numerator, nxq.denominator)).sqrt()
            mua = fl.arb(fl.fmpq(mu.numerator, mu.denominator))
            U = fl.arb(fl.fmpq(upper_q.numerator, upper_q.denominator))
            rhs = (U - c0 + 2 * ne * nx).nonnegative_part()
            z = (ne + (ne * ne + mua * rhs).sqrt()) / mua
            self.margin = (2 * ne * (nx + z)).upper()
            self.c0 = c0
            self.c0_lower, self.margin_upper = _arb_lower_float(c0), _arb_upper_float(self.margin)
            self.metrics: list[_Metric] = []
            self.ball_metrics: list[BallMetric] = []
            self.metric_names: list[str] = []
            Wf = CHOL_SCALE * np.asarray(full.W, float)
            if self.lam_proof and _psd_proof(H, Wf):
                self.metrics.append(_Metric(Wf, full, d, X_hat))
                self.ball_metrics.append(BallMetric(Wf, d, X_hat))
                self.metric_names.append("cholesky")
            if pb.shrunk is not None and _psd_proof(H, np.asarray(pb.shrunk.W, float)):
                Ws = np.asarray(pb.shrunk.W, float)
                self.metrics.append(_Metric(Ws, pb.shrunk, d, X_hat))
                self.ball_metrics.append(BallMetric(Ws, d, X_hat))
                self.metric_names.append("shrunk")
        finally:
            fl.ctx.prec = old
        self.signs = np.array(np.meshgrid(*([[-1.0, 1.0]] * d), indexing="ij")).reshape(d, -1).T

    # ------------------------------------------------------------------ hints (float, vectorised)
    @staticmethod
    def hints(pbm: Any, k: int, t: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Float hints ``(ok, a_c, Z)`` for boxes of patch ``k`` in the float metric ``pbm``.

        ``t``, ``w`` have shape ``(K, d)``; ``ok`` ``(K,)``, ``a_c`` ``(K, p)``, ``Z`` ``(K, p, p)``,
        ``p = d (d+1)``.  Hints only have to be good, not correct.
        """
        d, p = pbm.d, pbm.p
        K = t.shape[0]
        J = pbm.J[k]
        _, _, Ci, _, ok, a = pbm.centre_solve(k, t)
        Qw = (w @ pbm.NtN[J].reshape(d, p * p)).reshape(K, p, p)
        T2 = np.matmul(np.matmul(Ci, Qw), np.swapaxes(Ci, 1, 2))
        _, Uv = np.linalg.eigh(0.5 * (T2 + np.swapaxes(T2, 1, 2)))
        Z = np.matmul(np.swapaxes(Ci, 1, 2), Uv)
        ok &= np.all(np.isfinite(Z), axis=(1, 2)) & np.all(np.isfinite(a), axis=1)
        return ok, a, Z

    # ------------------------------------------------------------------ one box (arb)
    def box_bound(self, mi: int, k: int, t: np.ndarray, w: np.ndarray, a: np.ndarray, Z: np.ndarray,
                  mutate: str | None = None) -> Any:
        """The verified lower bound (an ``arb``; ``-inf`` arb-free ``None`` if the hints fail) of
        ``min(upper, f)`` on the box of patch ``k`` with centre ``t``, half-widths ``w``.
        ``mutate`` (tests only) deliberately breaks the proof to check that the tests notice."""
        fl = _flint()
        arb, arb_mat = fl.arb, fl.arb_mat
        M = self.metrics[mi]
        d, p, dm = self.d, M.p, M.dm
        J = [i for i in range(d + 1) if i != k]
        b = np.zeros(d + 1)
        b[k] = 1.0
        b[J] = t
        Za = arb_mat(Z.tolist())
        aa = arb_mat([[float(v)] for v in a])
        # N0 = sum_u b_u N_u
        N0 = M.N[k]
        for i, ti in zip(J, t):
            if ti != 0.0:
                N0 = N0 + arb(float(ti)) * M.N[i]
        Nt = N0 * Za
        Gt = Nt.transpose() * Nt
        Qw = None
        for i, wi in zip(J, w):
            term = arb(float(wi)) * M.NtN[i]
            Qw = term if Qw is None else Qw + term
        Qt = Za.transpose() * (Qw * Za)
        l0 = _gersh(Gt, lower=True)
        mu = _gersh(Qt, lower=False)
        if not (l0 > 0):
            return None
        sw = sum(arb(float(v)) for v in w)
        eta = (sw * mu).sqrt().upper()
        if mutate == "radius":
            eta = eta * arb(0.5)
        sk = (l0.sqrt() - eta).lower()
        if not (sk > 0):
            return None
        # vectors: r_c = r0 - N0 a_c, N_i a_c (i in J)
        rc = M.r0 - N0 * aa
        rho = (rc.transpose() * rc)[0, 0]
        va = (M.Nv * aa).entries()
        NaJ = arb_mat([va[i * dm:(i + 1) * dm] for i in J])  # (d, dm)
        al = (NaJ * rc).entries()
        Al = sum((arb(float(wi)) * x.abs_upper() for wi, x in zip(w, al)), arb(0)).upper()
        if mutate == "rounding":
            Al = arb(0)
        Gam = self._vertex_max(NaJ * NaJ.transpose(), w)  # Gram of the N_i a_c
        # Z^T N0^T r_c and Z^T N_i^T r_c
        g = rc.transpose() * Nt
        p0 = (g * g.transpose())[0, 0].nonnegative_part().sqrt().upper()
        row = (rc.transpose() * M.Nh).entries()  # rc^T N_u, u-major
        zr = arb_mat([row[i * p:(i + 1) * p] for i in J]) * Za  # rows (Z^T N_i^T r_c)^T
        pw = self._vertex_max(zr * zr.transpose(), w)
        sY = ((p0 + pw) / sk).upper()
        Y = (sY * sY).upper()
        lb = rho - 2 * Al - Y - 2 * sY * Gam
        return self.c0 + lb.nonnegative_part() - self.margin

    def _vertex_max(self, G: Any, w: np.ndarray) -> Any:
        """Upper bound of ``max_{s in {-1,1}^d} sqrt((s w)^T G (s w))`` (``G`` a d x d Gram ball matrix),
        and of the triangle bound ``sum_i w_i sqrt(G_ii)``; the smaller is returned (as an exact arb)."""
        fl = _flint()
        d = self.d
        Sw = fl.arb_mat((self.signs * w[None, :]).tolist())
        q = ((Sw * G) * Sw.transpose())
        vmax = None
        for v in range(self.signs.shape[0]):
            x = q[v, v].nonnegative_part().sqrt().upper()
            vmax = x if vmax is None else vmax.max(x)
        if vmax is None:
            raise ValueError("no sign vectors: the certifier needs d >= 1")
        tri = sum((fl.arb(float(w[i])) * G[i, i].nonnegative_part().sqrt() for i in range(d)), fl.arb(0)).upper()
        return vmax.min(tri).upper()

    # ------------------------------------------------------------------ leaves
    def bounds(self, mi: int, k: int, t: np.ndarray, w: np.ndarray, engine: str = "numpy",
               mutate: str | None = None) -> np.ndarray:
        """Verified lower bounds (floats, rounded down; ``-inf`` where the hints fail) of ``min(upper, f)``
        on the boxes ``(t, w)`` (shape (K, d)) of patch ``k`` in metric ``mi``; ``engine`` is one of
        :data:`ENGINES` (``mutate`` only with ``"arb"``).  ``arb`` needs the caller's ``flint.ctx.prec``."""
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
        out = np.full(t.shape[0], -math.inf)
        eye = np.eye(self.ball_metrics[mi].p)
        for s0 in range(0, t.shape[0], BATCH):
            sl = slice(s0, s0 + BATCH)
            ok, a, Z = self.hints(self.metrics[mi].pb, k, t[sl], w[sl])
            if engine == "numpy":
                # failed hints are replaced by harmless finite ones; their bounds are discarded
                a = np.where(ok[:, None], a, 0.0)
                Z = np.where(ok[:, None, None], Z, eye)
                lb = box_bounds(self.ball_metrics[mi], k, t[sl], w[sl], a, Z, self.c0_lower, self.margin_upper)
                out[sl] = np.where(ok, lb, -math.inf)
                continue
            for j in np.flatnonzero(ok):
                lb = self.box_bound(mi, k, t[s0 + j], w[s0 + j], a[j], Z[j], mutate)
                if lb is not None:
                    out[s0 + j] = _arb_lower_float(lb)
        return out

    def _best_bound(self, k: np.ndarray, t: np.ndarray, w: np.ndarray, target: float, engine: str,
                    mutate: str | None, prefer: np.ndarray | None = None) -> np.ndarray:
        """Per box the first metric's bound that reaches ``target`` (else the largest); the metrics are
        tried from the shrunk one where ``prefer`` (the search's winner) says so, else from the first."""
        n = len(self.metrics)
        first = np.zeros(k.size, int)
        if prefer is not None and "shrunk" in self.metric_names:
            first[np.asarray(prefer, bool)] = self.metric_names.index("shrunk")
        bound = np.full(k.size, -math.inf)
        for step in range(n):
            mi_box = (first + step) % n
            todo = bound < target
            for mi in range(n):
                for kv in np.unique(k[todo & (mi_box == mi)]):
                    sel = np.flatnonzero(todo & (mi_box == mi) & (k == kv))
                    bound[sel] = np.maximum(bound[sel], self.bounds(mi, int(kv), t[sel], w[sel], engine, mutate))
        return bound

    def verify_boxes(self, k: np.ndarray, t: np.ndarray, w: np.ndarray, target: float,
                     max_resplit: int = MAX_RESPLIT, mutate: str | None = None,
                     engine: str = "numpy", prefer: np.ndarray | None = None) -> tuple[float, VerifyStats]:
        """Verify every box; returns the rigorous minimum of the verified bounds and statistics.

        A box passes when some metric gives a bound ``>= target``; otherwise it is split in two along
        its widest side.

        Parameters
        ----------
        k : ndarray of int, shape (K,)
            Patch of every box.
        t, w : ndarray, shape (K, d)
            Centres and half-widths.
        target : float
            The bound every box must reach.
        max_resplit : int, optional
            Extra splits allowed per box (default :data:`MAX_RESPLIT`).
        mutate : str or None, optional
            Tests only (engine ``"arb"``): deliberately break the proof.
        engine : str, optional
            One of :data:`ENGINES` (default ``"numpy"``).
        prefer : ndarray of bool, shape (K,), optional
            Marks the boxes whose shrunk metric is tried first.

        Returns
        -------
        min_bound : float
            Rounded down; ``-inf`` if some box could not be verified down to ``max_resplit`` extra splits.
        stats : VerifyStats

        Raises
        ------
        ValueError
            If ``engine`` is not in :data:`ENGINES`.
        """
        fl = _flint()
        st = VerifyStats(leaves=int(k.size))
        t0 = time.perf_counter()
        old = fl.ctx.prec
        fl.ctx.prec = self.prec
        best_min = math.inf
        try:
            pref = np.zeros(np.size(k), bool) if prefer is None else np.asarray(prefer, bool)
            pend = [(np.asarray(k, int), np.asarray(t, float), np.asarray(w, float), pref, 0)]
            while pend:
                kk, tt, ww, pp, depth = pend.pop()
                if kk.size == 0:
                    continue
                bound = self._best_bound(kk, tt, ww, target, engine, mutate, pp)
                good = bound >= target
                if np.any(good):
                    best_min = min(best_min, float(bound[good].min()))
                    st.verified += int(good.sum())
                bad = np.flatnonzero(~good)
                if bad.size and depth >= max_resplit:
                    st.failed += int(bad.size)
                    best_min = -math.inf
                elif bad.size:
                    st.resplit_boxes += int(bad.size)
                    pend.append(_halve(kk[bad], tt[bad], ww[bad]) + (np.concatenate([pp[bad], pp[bad]]), depth + 1))
        finally:
            fl.ctx.prec = old
        st.min_bound = best_min
        st.seconds = time.perf_counter() - t0
        return best_min, st


def _halve(k: np.ndarray, t: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both halves of every box, split along its widest side (exact: dyadic widths)."""
    ax = np.argmax(w, axis=1)
    rows = np.arange(k.size)
    w2 = w.copy()
    w2[rows, ax] *= 0.5
    tl, tr = t.copy(), t.copy()
    tl[rows, ax] -= w2[rows, ax]
    tr[rows, ax] += w2[rows, ax]
    return np.concatenate([k, k]), np.concatenate([tl, tr]), np.concatenate([w2, w2])


def _gersh(G: Any, lower: bool) -> Any:
    """Gershgorin bound on the extreme eigenvalue of a symmetric ball matrix: ``min_i (G_ii - sum_j
    |G_ij|)`` (``lower``) or ``max_i (G_ii + sum_j |G_ij|)``, as an exact arb (a rigorous bound for
    every symmetric matrix in the ball; an asymmetric ball is symmetrised by taking the larger
    off-diagonal radius of ``G_ij``, ``G_ji``)."""
    fl = _flint()
    n = G.nrows()
    e = G.entries()
    out = None
    for i in range(n):
        off = fl.arb(0)
        for j in range(n):
            if j != i:
                off += e[i * n + j].abs_upper().max(e[j * n + i].abs_upper())
        v = (e[i * n + i] - off).lower() if lower else (e[i * n + i] + off).upper()
        out = v if out is None else (out.min(v) if lower else out.max(v))
    return out
