"""The float64 node sum of the population quadratic (MATH.md section 4; paper Lemmas 3.1, 3.2).

With kernel nodes ``K_w`` and weights ``w`` (a quadrature rule of the prior, or one fixed kernel),
``H = sum_w w E[x x^T | K_w] kron E[g g^T | K_w]`` and ``h = sum_w w E[y x | K_w] kron E[g | K_w]``,
where ``E[G_ab G_ce | K] = (1/n) E[z_a z_b z_c z_e | K] + (1 - 1/n) E[z_a z_b | K] E[z_c z_e | K]``.
Both factors are symmetric, so only their upper triangles are contracted: one GEMM of shape
``(d(d+1)/2 x W) @ (W x m(m+1)/2)`` with ``E[g g^T | K]`` formed block by block.
"""
from __future__ import annotations

import numpy as np

from recovery.lsa.blas_threads import single_blas_thread
from recovery.lsa.chain_moments import _chain_moments, _powers, _sym_index, _tables, _unfold_symmetric
from recovery.lsa.quadratic import Quadratic
from recovery.lsa.reparam import num_pairs

__all__ = ["_FLOAT_BLOCK_ENTRIES", "_node_moments", "_assemble"]


#: float mode forms E[g g^T | K] in blocks of about this many entries (block x W)
_FLOAT_BLOCK_ENTRIES = 1 << 21


class _FourthMoments:
    """Rows of ``E[z_t0 z_t1 z_t2 z_t3 | K]`` (node axis last) for sorted time quadruples.

    With one state ``r`` of nonzero value (binary tokens: ``r = 1``) the recursion of
    :func:`recovery.lsa.chain_moments._chain_moments` is a product of tables:
    ``U[t0] * V[t1 - t0] * V[t2 - t1] * V[t3 - t2]`` with ``U[t] = E[v(s_t) | K]`` and
    ``V[g] = K^g[r, r]`` (times ``v(r)``), the same operations in the same order; the (Q, W)
    table of all quadruples is then never formed. Otherwise rows are gathered from that table.
    """

    def __init__(self, Kpow: np.ndarray, pic: np.ndarray, values: np.ndarray, quads: np.ndarray) -> None:
        d = Kpow.shape[1] - 1
        live = [r for r in range(values.shape[0]) if values[r] != 0]
        self.quads = quads
        self.table = None
        if len(live) == 1:
            r = live[0]
            times = np.arange(d + 1)[:, None]
            self.U = np.ascontiguousarray(_chain_moments(Kpow, pic, times, values).T)  # (d+1, W)
            self.V = np.ascontiguousarray(Kpow[:, :, r, r].T)  # (d+1, W)
            self.vr = values[r]
        else:
            self.table = np.ascontiguousarray(_chain_moments(Kpow, pic, quads, values).T)  # (Q, W)

    def rows(self, q: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
        """Write the rows of quadruples ``q`` (indices into ``quads``) into ``out``; ``tmp`` is scratch."""
        if self.table is not None:
            np.take(self.table, q, axis=0, out=out)
            return
        t = self.quads[q]
        np.take(self.U, t[:, 0], axis=0, out=out)
        for k in range(1, 4):
            np.take(self.V, t[:, k] - t[:, k - 1], axis=0, out=tmp)
            out *= tmp
            if self.vr != 1:
                out *= self.vr


class _GramBlocks:
    """Rows ``s:e`` of the transposed upper triangle of ``n E[g g^T | K]``, shape (e - s, W).

    ``n E[G_p G_q | K] = E[z z z z | K] + (n - 1) E[G_p | K] E[G_q | K]`` for the pairs
    ``p = (pu, pv)`` of the triangle. The node axis is last, so every block is built from whole-row
    gathers of small moment tables into two reusable buffers (the whole (m(m+1)/2, W) triangle is
    never materialised).
    """

    def __init__(self, fourth: _FourthMoments, mc2T: np.ndarray, idx4: np.ndarray, n: int, m: int) -> None:
        pu, pv, _ = _sym_index(m)
        self.pu, self.pv = pu, pv
        self.quad = idx4[pu, pv]
        self.fourth = fourth
        self.mc2T = mc2T * np.sqrt(n - 1.0)  # the (n - 1) factor split over both gathers
        self.ncols = pu.size
        W = mc2T.shape[1]
        self.step = max(1, min(self.ncols, _FLOAT_BLOCK_ENTRIES // max(W, 1)))
        self._blk = np.empty((self.step, W))
        self._tmp = np.empty((self.step, W))
        self._tmp2 = np.empty((self.step, W))

    def __call__(self, s: int, e: int) -> np.ndarray:
        k = e - s
        blk, tmp = self._blk[:k], self._tmp[:k]
        self.fourth.rows(self.quad[s:e], blk, tmp)
        np.take(self.mc2T, self.pu[s:e], axis=0, out=tmp)
        np.take(self.mc2T, self.pv[s:e], axis=0, out=self._tmp2[:k])
        tmp *= self._tmp2[:k]
        blk += tmp
        return blk


def _node_moments(
    d: int, n: int, K: np.ndarray, piq: np.ndarray, pic: np.ndarray, values: np.ndarray, *, sym: bool = True
) -> dict:
    """Per-node conditional moments (float): Mq, vq (W,d), cq (W,), Eg (W,m), Egg.

    ``sym=True`` (default): only the upper triangles of the symmetric ``E[x x^T | K]``
    (``Mq`` (W, d(d+1)/2)) and ``E[g g^T | K]`` are used, in ``numpy.triu_indices`` order; ``Egg``
    is then a :class:`_GramBlocks` returning row blocks of ``n`` times the transposed
    (m(m+1)/2, W) triangle, so that it is never materialised whole. ``sym=False`` (reference
    path): full ``Mq`` (W,d,d) and ``Egg`` (W,m,m) arrays.
    """
    tb = _tables(d)
    Kpow = _powers(K, d)
    allpairs = tb["pairs"]
    mq2 = _chain_moments(Kpow, piq, allpairs, values)  # (W, m): E[z_a z_b | K] for the query chain
    mc2 = _chain_moments(Kpow, pic, allpairs, values)  # (W, m): context chain
    pos = tb["pos"]
    if sym:
        ju, jv, _ = _sym_index(d)
        Mq = mq2[:, pos[ju, jv]]
        fourth = _FourthMoments(Kpow, pic, values, tb["quads"])
        Egg: object = _GramBlocks(fourth, np.ascontiguousarray(mc2.T), tb["idx4"], n, tb["m"])
    else:
        mc4 = _chain_moments(Kpow, pic, tb["quads"], values)  # (W, Q)
        Egg = mc4[:, tb["idx4"]] / n + (1.0 - 1.0 / n) * (mc2[:, :, None] * mc2[:, None, :])
        Mq = mq2[:, pos[:d, :d]]
    return {
        "Mq": Mq,
        "vq": mq2[:, pos[:d, d]],
        "cq": mq2[:, pos[d, d]],
        "Eg": mc2,
        "Egg": Egg,
        "n": n,
    }


def _assemble_sym(d: int, w: np.ndarray, mom: dict, *, factorised: bool) -> Quadratic:
    """The upper-triangle path of :func:`_assemble`: ``T[(j,k), (p,q)]`` then ``H`` unfolded from it."""
    m = num_pairs(d)
    Egg = mom["Egg"]
    ncols, step = Egg.ncols, Egg.step
    wn = w / mom["n"]  # Egg holds n E[g g^T | K]
    if factorised:
        Ew = np.empty(ncols)
        for s in range(0, ncols, step):
            e = min(s + step, ncols)
            np.matmul(Egg(s, e), wn, out=Ew[s:e])
        T = np.outer(w @ mom["Mq"], Ew)
        h2 = np.outer(w @ mom["vq"], w @ mom["Eg"])
    else:
        AT = np.ascontiguousarray((wn[:, None] * mom["Mq"]).T)  # (d(d+1)/2, W)
        T = np.empty((AT.shape[0], ncols))
        # blocks of (d(d+1)/2 x W) @ (W x ~2000): a second BLAS thread gains little here and spins
        # on a loaded machine (measured 2-3x slower there), so one thread (see blas_threads)
        with single_blas_thread():
            for s in range(0, ncols, step):
                e = min(s + step, ncols)
                np.matmul(AT, Egg(s, e).T, out=T[:, s:e])
        h2 = (w[:, None] * mom["vq"]).T @ mom["Eg"]
    c = float(w @ mom["cq"])
    # every entry of H is a copy of an entry of T: checking T is checking H (5x fewer entries)
    if not (np.all(np.isfinite(T)) and np.all(np.isfinite(h2)) and np.isfinite(c)):
        raise ValueError("H, h and c must be finite")
    H = _unfold_symmetric(T, d, m)
    return Quadratic._from_owned(H, h2.reshape(d * m), c, exact=False, finite=True)


def _assemble(d: int, w: np.ndarray, mom: dict, *, factorised: bool, sym: bool = True) -> Quadratic:
    """Float ``H = sum_w w Mq kron Egg`` etc. (or the factorised ``(sum w Mq) kron (sum w Egg)``).

    ``sym=True``: ``mom`` holds upper triangles (:func:`_node_moments`), the node GEMM is
    ``(m(m+1)/2 x W) @ (W x d(d+1)/2)`` (about 4x fewer flops than over full matrices) and ``H`` is
    unfolded block by block. ``sym=False``: the reference full-matrix GEMM.
    """
    if sym:
        return _assemble_sym(d, w, mom, factorised=factorised)
    m = num_pairs(d)
    W = w.shape[0]
    Mq = mom["Mq"].reshape(W, d * d)
    Egg = mom["Egg"].reshape(W, m * m)
    if factorised:
        H4 = np.outer(w @ Mq, w @ Egg)
        h2 = np.outer(w @ mom["vq"], w @ mom["Eg"])
    else:
        # one GEMM over the nodes: (d^2 x W) @ (W x m^2)
        H4 = (w[:, None] * Mq).T @ Egg
        h2 = (w[:, None] * mom["vq"]).T @ mom["Eg"]
    H = H4.reshape(d, d, m, m).transpose(0, 2, 1, 3).reshape(d * m, d * m)
    return Quadratic(H=H, h=h2.reshape(d * m), c=float(w @ mom["cq"]), exact=False)
