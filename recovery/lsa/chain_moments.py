"""Moments of Markov chains given the kernel (MATH.md section 4) and the index tables they use.

For a kernel ``K`` and an initial law ``pi``, ``E[prod_k v(s_{t_k}) | K]`` over sorted time tuples
``t_1 <= ... <= t_r`` is ``pi K^{t_1} D_v K^{t_2 - t_1} D_v ... 1`` with ``D_v = diag(v)``: the
recursion of :func:`_chain_moments`, vectorised over quadrature nodes and time tuples. The same code
runs on float64 arrays and on object arrays of Python ints (the exact path). The index tables map
the pairs ``(u, v)`` of :func:`recovery.lsa.reparam.pair_position` and the sorted quadruples of times
of ``E[G_p G_q | K]`` to columns; :func:`_unfold_symmetric` turns a matrix over upper triangles
back into the full ``H`` (paper Lemma 3.2 ordering).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from itertools import combinations_with_replacement
from typing import Any

import numpy as np

from recovery.lsa.reparam import num_pairs

__all__ = ["_tables", "_sym_index", "_chain_moments", "_powers", "_unfold_symmetric"]


@cache
def _tables(d: int) -> dict[str, Any]:
    """Index tables shared by the node computations (0-based times 0..d)."""
    m = num_pairs(d)
    iu, iv = np.triu_indices(d + 1)  # pairs(d) order
    pos = np.zeros((d + 1, d + 1), dtype=np.intp)
    pos[iu, iv] = np.arange(m)
    pos[iv, iu] = np.arange(m)
    quads = np.array(list(combinations_with_replacement(range(d + 1), 4)), dtype=np.intp)
    base = d + 1
    code = ((quads[:, 0] * base + quads[:, 1]) * base + quads[:, 2]) * base + quads[:, 3]
    lookup = np.full(base**4, -1, dtype=np.intp)
    lookup[code] = np.arange(len(quads))
    four = np.stack(
        [np.repeat(iu, m), np.repeat(iv, m), np.tile(iu, m), np.tile(iv, m)], axis=1
    )  # (m*m, 4): times of G_p G_q
    four.sort(axis=1)
    qcode = ((four[:, 0] * base + four[:, 1]) * base + four[:, 2]) * base + four[:, 3]
    idx4 = lookup[qcode].reshape(m, m)
    return {
        "m": m,
        "pairs": np.stack([iu, iv], axis=1),
        "pos": pos,
        "quads": quads,
        "idx4": idx4,
    }


@cache
def _sym_index(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle (i, j) of a k x k symmetric matrix and the (k, k) map to their position."""
    iu, iv = np.triu_indices(k)
    pos = np.zeros((k, k), dtype=np.intp)
    pos[iu, iv] = np.arange(iu.size)
    pos[iv, iu] = np.arange(iu.size)
    for a in (iu, iv, pos):
        a.setflags(write=False)  # cached: shared by every caller
    return iu, iv, pos


def _chain_moments(Kpow: np.ndarray, pi: np.ndarray, times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``E[prod_k v(s_{t_k}) | K, s_0 ~ pi]`` for sorted time tuples (MATH.md section 4 recursion).

    ``Kpow`` (W, d+1, S, S) holds ``K^0..K^d`` per node, ``pi`` (W, S), ``times`` (T, r) sorted
    (repeats allowed: ``K^0 = I`` then multiplies ``v`` again, giving ``v^multiplicity``),
    ``values`` (S,). Works for float and object (Fraction/int) arrays. Returns (W, T).
    """
    S = Kpow.shape[-1]
    pis = [pi[None, :, s] for s in range(S)]
    # states whose value is 0 contribute nothing once multiplied by v: carry only the others
    # (binary tokens: a single running product per step); the same exact operations otherwise
    live = [r for r in range(S) if values[r] != 0]
    if not live:
        return np.zeros((pi.shape[0], times.shape[0]), dtype=Kpow.dtype)
    if Kpow.dtype != object:
        # float: explicit loops over the (few) states, each op vectorised over (T, W); avoids
        # batched matmul of tiny S x S matrices, which is dominated by per-matrix overhead
        KT = np.ascontiguousarray(np.moveaxis(Kpow, (2, 3), (0, 1)))  # (S, S, W, d+1)
        KT = np.ascontiguousarray(np.moveaxis(KT, 3, 2))  # (S, S, d+1, W)
        return _chain_moments_float(KT, pis, times, values, live)
    KT = np.moveaxis(np.moveaxis(Kpow, (2, 3), (0, 1)), 3, 2)  # (S, S, d+1, W) object view

    def total(terms: Any) -> Any:
        it = iter(terms)
        acc = next(it)
        for t in it:
            acc = acc + t
        return acc

    def scale(arr: Any, r: int) -> Any:
        return arr if values[r] == 1 else arr * values[r]

    t0 = times[:, 0]
    alpha = {r: scale(total(pis[s] * KT[s, r][t0] for s in range(S)), r) for r in live}
    for k in range(1, times.shape[1]):
        gap = times[:, k] - times[:, k - 1]
        alpha = {r: scale(total(alpha[s] * KT[s, r][gap] for s in live), r) for r in live}
    return total(alpha[r] for r in live).T  # (W, T)


def _chain_moments_float(
    KT: np.ndarray, pis: Sequence[np.ndarray], times: np.ndarray, values: np.ndarray, live: Sequence[int]
) -> np.ndarray:
    """The float recursion of :func:`_chain_moments` with whole-row gathers into reused (T, W) buffers.

    Same operations in the same order as the object path (so the same rounding), but every
    product is formed in place: for binary tokens two (T, W) buffers in all instead of a fresh
    array per operation (fresh memory is paid for in page faults at the sizes of d ~ 20).
    """
    S, W = KT.shape[0], KT.shape[-1]
    T = times.shape[0]
    tmp = np.empty((T, W))

    def combine(
        coef: Sequence[np.ndarray] | Mapping[int, np.ndarray], r: int, idx: np.ndarray, states: Sequence[int]
    ) -> np.ndarray:
        """``sum_{s in states} coef[s] * K^{idx}[s, r]`` (times ``v(r)``) as a new (T, W) array."""
        acc = np.empty((T, W))
        for i, s in enumerate(states):
            dst = acc if i == 0 else tmp
            np.take(KT[s, r], idx, axis=0, out=dst)
            np.multiply(coef[s], dst, out=dst)
            if i:
                acc += tmp
        if values[r] != 1:
            acc *= values[r]
        return acc

    t0 = times[:, 0]
    alpha = {r: combine(pis, r, t0, list(range(S))) for r in live}
    for k in range(1, times.shape[1]):
        gap = times[:, k] - times[:, k - 1]
        if len(live) == 1:  # one running product, updated in place
            r = live[0]
            np.take(KT[r, r], gap, axis=0, out=tmp)
            alpha[r] *= tmp
            if values[r] != 1:
                alpha[r] *= values[r]
        else:
            alpha = {r: combine(alpha, r, gap, live) for r in live}
    out = alpha[live[0]]
    for r in live[1:]:
        out += alpha[r]
    return out.T  # (W, T)


def _powers(K: np.ndarray, d: int) -> np.ndarray:
    """``K^0..K^d`` per node: (W, S, S) float -> (W, d+1, S, S)."""
    W, S, _ = K.shape
    out = np.empty((W, d + 1, S, S))
    out[:, 0] = np.eye(S)
    for t in range(1, d + 1):
        out[:, t] = np.matmul(out[:, t - 1], K)
    return out


def _unfold_symmetric(T: np.ndarray, d: int, m: int) -> np.ndarray:
    """``H[(j,p),(k,q)] = T[sym(j,k), sym(p,q)]`` (``T`` over upper triangles) as a (dm, dm) array.

    Works for float and object ``T``; blocks ``(j, k)`` and ``(k, j)`` are the same symmetric
    (m, m) block, so only ``d(d+1)/2`` gathers of ``m^2`` entries are made.
    """
    ju, jv, _ = _sym_index(d)
    _, _, ppos = _sym_index(m)
    H = np.empty((d * m, d * m), dtype=T.dtype)
    for s, (j, k) in enumerate(zip(ju.tolist(), jv.tolist())):
        blk = T[s].take(ppos)
        H[j * m:(j + 1) * m, k * m:(k + 1) * m] = blk
        if j != k:
            H[k * m:(k + 1) * m, j * m:(j + 1) * m] = blk
    return H
