r"""Rigorous (ball-arithmetic) re-verification of the branch-and-bound cover of :mod:`recovery.realizability.best`.

``best_realizable(..., method="bnb")`` searches in float64 (:func:`recovery.realizability.best.patch_box_lower_bound`).
Its float bound carries generous safety margins but is not a proof.  This module turns the float
search into a proof *a posteriori*: every pruned box (leaf) of the final cover is re-bounded in
python-flint ``arb``/``arb_mat`` ball arithmetic from the quadratic's data entered exactly
(``fractions.Fraction`` for an exact :func:`recovery.lsa.population.population_quadratic`, else the
float64 values taken as exact binary rationals), and the certificate is the verified interval
``lower <= f* <= upper``:

* ``upper = ftilde(phi(b, A))`` evaluated in exact rational arithmetic at the returned float
  ``(b, A)`` (rounded up to a float);
* ``lower = min(upper, min over the leaves of the verified box bounds)`` (rounded down).

**Exact set-up (once, exact rationals / fmpq).**  With ``X^`` any float vector (the computed
``H^{-1} h``), ``e = H X^ - h`` and ``c0 = c - X^T H X^`` (exact), ``ftilde(X) = c0 + (X - X^)^T H
(X - X^) + 2 e^T X`` for every ``X``.  For a float matrix ``W`` with ``H - W^T W`` *proven* positive
semidefinite (exactly, :func:`recovery.lsa.exact_linalg.certify_positive_definite`), ``ftilde(X) >= c0 +
||W (X^ - X)||^2 + 2 e^T X``.  Two metrics are used, as in the search: ``W = s L^T`` (``L`` the float
Cholesky factor of ``H``, ``s = 1 - 2^-26``: the shrink by ``2^-25`` leaves a positive margin far
above the rounding error of ``L``) and the shrunk metric ``W'`` of the search (step 7 of
:func:`recovery.realizability.best.patch_box_lower_bound`), each only if its proof succeeds.  ``lambda_min(H) >= mu``
is proven the same way (``H - mu I`` positive definite), which bounds ``||X|| <= Rx`` on
``{ftilde <= upper}`` and hence ``|2 e^T X| <= 2 ||e|| Rx`` there; every box bound is therefore a
bound of ``min(upper, f)``.

**Per box (arb).**  The bound of :func:`recovery.realizability.best.patch_box_lower_bound` (steps 1-5) is
re-derived with *hints* -- float data that only have to be good, not correct: the inner solution
``a_c`` and a matrix ``Z`` (``C^{-T} U`` with ``G0 = C C^T`` and ``U`` the eigenvectors of
``C^{-1} Q_w C^{-T}``).  Substituting ``a = Z y`` (``Z`` is proven invertible below):
``Nt(b) = N(b) Z``, ``Gt = Z^T G0 Z`` (~ I) and ``Qt = Z^T Q_w Z`` (~ diagonal).  Gershgorin's
theorem on the ball matrices ``Gt`` and ``Qt`` gives ``lambda_min(Gt) >= l0 > 0`` and
``lambda_max(Qt) <= mu_w``; for ``b`` in the box, ``||Nt(b) y|| >= (sqrt(l0) - sqrt(sum_i w_i mu_w))
||y|| =: sk ||y||`` (Cauchy-Schwarz as in step 2) and, as in steps 3-5 (vertex norms included),
``s(b)^2 >= rho - 2 Al - Y - 2 sqrt(Y) Gam`` with ``sqrt(Y) = (||Z^T N0^T r_c|| + max_vertex ||Z^T
sum_i delta_i N_i^T r_c||) / sk``.  Every quantity is an ``arb`` ball computed from the exact float
inputs; upper bounds enter through ``arb.upper()`` and the result through ``arb.lower()``.  A box
fails if ``Z`` or the bound is not good enough (``l0 <= 0``, ``sk <= 0``) or if its verified bound is
below the target; a failed box is split in two along its widest side and both halves are verified
again (up to ``max_resplit`` levels); if any piece still fails the result is *not certified*.

**Cover.**  The leaves must tile the ``d + 1`` patches ``[-1, 1]^d``: every leaf is checked to be an
aligned dyadic cube cell (``w`` a power of two ``>= 2^-40``, ``(t - w + 1) / (2 w)`` an integer), so
that all splits of the search were exact and its leaves are disjoint, and their volumes must add up
exactly (integer arithmetic) to ``(d + 1) 2^d``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["IntervalCertifier", "exact_quadratic_data", "exact_value", "verify_cover", "VerifyStats"]

#: scaling of the float Cholesky factor for the exact metric: H - (s L^T)^T (s L^T) ~ 2^-25 H > 0
CHOL_SCALE = 1.0 - 2.0**-26
#: the coarsest splitting depth used when a leaf fails re-verification
MAX_RESPLIT = 6


def _flint():
    import flint

    return flint


def exact_quadratic_data(quad: Any) -> tuple[np.ndarray, np.ndarray, Fraction, str]:
    """``(H, h, c)`` as object arrays of ``Fraction`` and a Fraction, and a label of their origin:
    ``"exact rational"`` if ``quad`` is exact (``quad.exact`` or Fraction entries), else
    ``"float64 values taken as exact"``."""
    H = np.asarray(quad.H, dtype=object)
    h = np.asarray(quad.h, dtype=object)
    c = quad.c
    exact = bool(getattr(quad, "exact", False)) or isinstance(c, Fraction)
    conv = np.frompyfunc(lambda v: Fraction(v), 1, 1)
    Hf = conv(H).astype(object)
    Hf = (Hf + Hf.T) / 2  # symmetric part (ftilde only sees it); exact for a symmetric H
    return Hf, conv(h).astype(object), Fraction(c), ("exact rational" if exact else "float64 values taken as exact")


def _fq_mat(A: np.ndarray):
    fl = _flint()
    return fl.fmpq_mat(A.shape[0], A.shape[1], [fl.fmpq(v.numerator, v.denominator) for v in A.reshape(-1)])


def _frac_of(v: Any) -> Fraction:
    return Fraction(float(v)) if not isinstance(v, Fraction) else v


def exact_value(H: np.ndarray, h: np.ndarray, c: Fraction, X: np.ndarray) -> Fraction:
    """``X^T H X - 2 h^T X + c`` in exact rational arithmetic (``X`` floats taken exactly)."""
    fl = _flint()
    Xq = np.array([Fraction(float(v)) for v in X], dtype=object)
    Hq, hq, xq = _fq_mat(H), _fq_mat(h.reshape(-1, 1)), _fq_mat(Xq.reshape(-1, 1))
    v = (xq.transpose() * Hq * xq)[0, 0] - 2 * (hq.transpose() * xq)[0, 0] + fl.fmpq(c.numerator, c.denominator)
    return Fraction(int(v.p), int(v.q))


def exact_phi(b: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``phi(b, A)`` exactly (object array of Fraction) for float ``b``, ``A`` (phi has integer
    coefficients: ``phi(b, A) = sum_u b_u M(e_u) vec(A)``)."""
    from recovery.lsa.reparam import phi_matrix_in_A

    d = A.shape[1]
    a = np.array([Fraction(float(v)) for v in np.asarray(A, float).reshape(-1, order="F")], dtype=object)
    X = None
    for u in range(d + 1):
        e = np.zeros(d + 1)
        e[u] = 1.0
        Mu = np.rint(phi_matrix_in_A(e)).astype(np.int64).astype(object)
        term = Fraction(float(b[u])) * Mu.dot(a)
        X = term if X is None else X + term
    return X


def _round_down(q: Fraction) -> float:
    x = float(q)
    return x if Fraction(x) <= q else float(np.nextafter(x, -np.inf))


def _round_up(q: Fraction) -> float:
    x = float(q)
    return x if Fraction(x) >= q else float(np.nextafter(x, np.inf))


def _arb_to_fraction(x) -> Fraction:
    """An exact ``arb`` (zero radius, e.g. ``y.lower()``) as a Fraction."""
    m, e = x.mid().man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)


def _arb_lower_float(x) -> float:
    if not x.is_finite():
        return -math.inf
    return _round_down(_arb_to_fraction(x.lower()))


def _psd_proof(H: np.ndarray, W: np.ndarray) -> bool:
    """Exact proof that ``H - W^T W`` is positive definite (``W`` float, taken exactly)."""
    from recovery.lsa.exact_linalg import certify_positive_definite

    Wq = _fq_mat(np.array([Fraction(float(v)) for v in W.reshape(-1)], dtype=object).reshape(W.shape))
    D = _fq_mat(H) - Wq.transpose() * Wq
    n = H.shape[0]
    Dq = np.array([Fraction(int(D[i, j].p), int(D[i, j].q)) for i in range(n) for j in range(n)],
                  dtype=object).reshape(n, n)
    return bool(certify_positive_definite(Dq, name="H - W^T W").positive_definite)


@dataclass
class VerifyStats:
    leaves: int = 0
    verified: int = 0
    resplit_boxes: int = 0
    failed: int = 0
    min_bound: float = math.inf
    seconds: float = 0.0


class _Metric:
    """arb data of one proven metric ``W``: ``N_u = W M(e_u)`` and ``N_u^T N_u``, ``r0 = W X^``; plus
    the float :class:`recovery.realizability.best._PatchBounds` that proposes the hints."""

    def __init__(self, W: np.ndarray, pb_float, d: int, X_hat: np.ndarray) -> None:
        from recovery.lsa.reparam import phi_matrix_in_A

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
    """Exact set-up and per-box arb verification (see the module docstring).

    ``quad`` supplies the exact data (see :func:`exact_quadratic_data`); ``pb`` is the
    :class:`recovery.realizability.best._BoxBounds` of the search (its float metrics propose the hints and the
    shrunk metric's ``W'``); ``upper_q`` the exact value of the incumbent.
    """

    def __init__(self, quad: Any, d: int, pb, upper_q: Fraction, prec: int = 64) -> None:
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
            self.metrics: list[_Metric] = []
            self.metric_names: list[str] = []
            Wf = CHOL_SCALE * np.asarray(full.W, float)
            if self.lam_proof and _psd_proof(H, Wf):
                self.metrics.append(_Metric(Wf, full, d, X_hat))
                self.metric_names.append("cholesky")
            if pb.shrunk is not None and _psd_proof(H, np.asarray(pb.shrunk.W, float)):
                self.metrics.append(_Metric(np.asarray(pb.shrunk.W, float), pb.shrunk, d, X_hat))
                self.metric_names.append("shrunk")
        finally:
            fl.ctx.prec = old
        self.signs = np.array(np.meshgrid(*([[-1.0, 1.0]] * d), indexing="ij")).reshape(d, -1).T

    # ------------------------------------------------------------------ hints (float, vectorised)
    @staticmethod
    def hints(pbm, k: int, t: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Float hints ``(ok, a_c, Z)`` for boxes of patch ``k`` in the float metric ``pbm``."""
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
                  mutate: str | None = None):
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

    def _vertex_max(self, G, w: np.ndarray):
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
        tri = sum((fl.arb(float(w[i])) * G[i, i].nonnegative_part().sqrt() for i in range(d)), fl.arb(0)).upper()
        return vmax.min(tri).upper()

    # ------------------------------------------------------------------ leaves
    def verify_boxes(self, k: np.ndarray, t: np.ndarray, w: np.ndarray, target: float,
                     max_resplit: int = MAX_RESPLIT, mutate: str | None = None) -> tuple[float, VerifyStats]:
        """Verify every box; returns the rigorous minimum of the verified bounds (float, rounded down;
        ``-inf`` if some box could not be verified down to ``max_resplit`` extra splits) and stats.
        A box passes when some metric gives a bound ``>= target``; otherwise it is split."""
        fl = _flint()
        st = VerifyStats(leaves=int(k.size))
        t0 = time.perf_counter()
        old = fl.ctx.prec
        fl.ctx.prec = self.prec
        best_min = math.inf
        try:
            pend = [(np.asarray(k, int), np.asarray(t, float), np.asarray(w, float), 0)]
            while pend:
                kk, tt, ww, depth = pend.pop()
                if kk.size == 0:
                    continue
                bound = np.full(kk.size, -math.inf)
                for mi, M in enumerate(self.metrics):
                    todo = np.flatnonzero(bound < target)
                    for kv in np.unique(kk[todo]):
                        sel = todo[kk[todo] == kv]
                        for s0 in range(0, sel.size, 4096):
                            idx = sel[s0:s0 + 4096]
                            ok, a, Z = self.hints(M.pb, int(kv), tt[idx], ww[idx])
                            for j, i in enumerate(idx):
                                if not ok[j]:
                                    continue
                                lb = self.box_bound(mi, int(kv), tt[i], ww[i], a[j], Z[j], mutate)
                                if lb is not None:
                                    bound[i] = max(bound[i], _arb_lower_float(lb))
                good = bound >= target
                if np.any(good):
                    best_min = min(best_min, float(bound[good].min()))
                    st.verified += int(good.sum())
                bad = np.flatnonzero(~good)
                if bad.size == 0:
                    continue
                if depth >= max_resplit:
                    st.failed += int(bad.size)
                    best_min = -math.inf
                    continue
                st.resplit_boxes += int(bad.size)
                kb, tb, wb = kk[bad], tt[bad], ww[bad]
                ax = np.argmax(wb, axis=1)
                rows = np.arange(bad.size)
                w2 = wb.copy()
                w2[rows, ax] *= 0.5
                tl, tr = tb.copy(), tb.copy()
                tl[rows, ax] -= w2[rows, ax]
                tr[rows, ax] += w2[rows, ax]
                pend.append((np.concatenate([kb, kb]), np.concatenate([tl, tr]), np.concatenate([w2, w2]),
                             depth + 1))
        finally:
            fl.ctx.prec = old
        st.min_bound = best_min
        st.seconds = time.perf_counter() - t0
        return best_min, st


def _eye_obj(n: int) -> np.ndarray:
    E = np.zeros((n, n), dtype=object)
    E[...] = Fraction(0)
    for i in range(n):
        E[i, i] = Fraction(1)
    return E


def _gersh(G, lower: bool):
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


def verify_cover(k: np.ndarray, t: np.ndarray, w: np.ndarray, d: int) -> tuple[bool, str]:
    """Check that the boxes tile the ``d + 1`` patches (see the module docstring, "Cover")."""
    k, t, w = np.asarray(k), np.asarray(t, float), np.asarray(w, float)
    if k.size == 0:
        return False, "no boxes"
    if np.any((k < 0) | (k > d)):
        return False, "patch index out of range"
    m, ex = np.frexp(w)
    if not np.all(m == 0.5) or np.any(w < 2.0**-40) or np.any(w > 1.0):
        return False, "a half-width is not a power of two in [2^-40, 1]"
    cell = (t - w + 1.0) / (2.0 * w)  # exact: w is a power of two and |t|, w are coarse dyadics
    if not np.all(cell == np.floor(cell)) or np.any(t - w < -1.0) or np.any(t + w > 1.0):
        return False, "a box is not an aligned dyadic cell of [-1, 1]^d"
    L = -(ex - 1)  # w = 2^-L
    Ls = L.sum(axis=1).astype(np.int64)
    top = int(Ls.max())
    vol = sum(int(cnt) << int(top - s) for s, cnt in zip(*np.unique(Ls, return_counts=True)))
    # box volume (2w)^d = 2^(d - Ls); total must be (d + 1) 2^d, i.e. sum 2^-Ls = d + 1
    if vol != (d + 1) << top:
        return False, f"box volumes add up to {vol / 2.0**top:.12g} patches, not {d + 1}"
    return True, "aligned dyadic cells of total volume (d + 1) 2^d"


_POOL_CERT: IntervalCertifier | None = None


def _verify_share(args):
    k, t, w, target, max_resplit = args
    return _POOL_CERT.verify_boxes(k, t, w, target, max_resplit)


def verify_leaves(cert: IntervalCertifier, k: np.ndarray, t: np.ndarray, w: np.ndarray, target: float,
                  workers: int = 1, max_resplit: int = MAX_RESPLIT) -> tuple[float, VerifyStats]:
    """:meth:`IntervalCertifier.verify_boxes` over ``workers`` forked processes (boxes dealt
    round-robin); returns the minimum verified bound and the summed statistics."""
    global _POOL_CERT
    t0 = time.perf_counter()
    workers = max(1, min(int(workers), max(1, k.size // 64)))
    if workers == 1:
        return cert.verify_boxes(k, t, w, target, max_resplit)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    _POOL_CERT = cert
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
            shares = [np.arange(i, k.size, workers) for i in range(workers)]
            res = list(ex.map(_verify_share, [(k[s], t[s], w[s], target, max_resplit) for s in shares]))
    finally:
        _POOL_CERT = None
    st = VerifyStats(leaves=int(k.size))
    for _, s in res:
        st.verified += s.verified
        st.resplit_boxes += s.resplit_boxes
        st.failed += s.failed
    st.min_bound = min(m for m, _ in res)
    st.seconds = time.perf_counter() - t0
    return st.min_bound, st


def certify_bnb(quad_exact: Any, d: int, pb, b: np.ndarray, A: np.ndarray, leaves: tuple, gap_tol: float,
                workers: int = 1) -> dict:
    """The rigorous certificate of a closed branch-and-bound search (see the module docstring).

    ``leaves = (k, t, w)`` are the pruned boxes of the search.  Returns a dict with ``f_upper`` (exact
    value of ``phi(b, A)``, rounded up), ``f_lower`` (rigorous, rounded down), ``certified`` (the cover
    is verified and ``f_upper - f_lower <= gap_tol max(1, |f_upper|)``) and statistics."""
    t0 = time.perf_counter()
    H, h, c, label = exact_quadratic_data(quad_exact)
    up_q = exact_value(H, h, c, exact_phi(np.asarray(b, float), np.asarray(A, float)))
    upper = _round_up(up_q)
    tol = gap_tol * max(1.0, abs(upper))
    out: dict = {"data": label, "f_upper": upper, "f_lower": None, "certified": False, "leaves": int(leaves[0].size)}
    ok, why = verify_cover(*leaves, d)
    out["cover"] = why
    if not ok:
        out["seconds"] = time.perf_counter() - t0
        return out
    cert = IntervalCertifier(quad_exact, d, pb, up_q)
    out["metrics"] = list(cert.metric_names)
    out["lambda_min_proof"] = cert.lam_proof
    out["setup_seconds"] = time.perf_counter() - t0
    if not cert.metrics:
        out["seconds"] = time.perf_counter() - t0
        return out
    target = float(np.nextafter(upper - tol, np.inf))
    lo, st = verify_leaves(cert, *leaves, target, workers=workers)
    out.update({"verified_boxes": st.verified, "resplit_boxes": st.resplit_boxes, "failed_boxes": st.failed,
                "verify_seconds": st.seconds})
    if st.failed == 0 and np.isfinite(lo):
        out["f_lower"] = min(lo, upper)
        out["certified"] = upper - out["f_lower"] <= tol
    out["seconds"] = time.perf_counter() - t0
    return out
