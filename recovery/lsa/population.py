"""The exact one-layer population quadratic (MATH.md section 4; paper Lemmas 3.1, 3.2).

``ftilde(X) = E[((x kron g)^T X - y)^2] = X^T H X - 2 h^T X + c`` with ``X`` ordered as in
:mod:`recovery.lsa.reparam` (entry ``j*m + pair_position(u, v)``) and

* ``H = E_K[ E[x x^T | K] kron E[g g^T | K] ]``,
* ``h = E_K[ E[y x | K] kron E[g | K] ]``, ``c = E[y^2]``,
* ``E[G_ab G_ce | K] = (1/n) E[z_a z_b z_c z_e | K] + (1 - 1/n) E[z_a z_b | K] E[z_c z_e | K]``.

Conditioning is on the kernel ``K`` (and, for correlated initial states, on the query's initial
state too: given both, the context chains are i.i.d. and independent of the query).

How the outer expectation over ``K`` is done exactly:

* uniform binary prior: given ``K`` every needed moment is a polynomial in ``(p01, p10)`` whose
  degree is at most the largest time involved, so the integrands have total degree
  ``<= (d-1) + 2d = 3d-1``. A tensor quadrature rule that is exact for that degree in each variable
  therefore gives the exact integral. Float mode uses Gauss-Legendre (positive weights, no
  cancellation: agrees with the rational mode to ~1e-15); rational mode uses an interpolatory rule on
  the rational nodes ``i/D`` with exactly computed rational weights and Fraction arithmetic.
* fixed kernel: one node, weight 1 (the conditional objective).
* Dirichlet rows: enumeration of the joint state paths of the (at most three) chains involved and
  the closed-form Dirichlet moment ``E[prod_s K_rs^{c_s}] = prod_s alpha^{(c_s)} / (S alpha)^{(c_r)}``
  (rising factorials) of the summed transition counts.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import combinations_with_replacement
from typing import Any

import numpy as np

from recovery.validation import check_int, check_rng
from recovery.lsa.exact_linalg import exact_gemm
from recovery.lsa.reparam import features, num_pairs
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
    check_prior_init,
    sample_prompts,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "estimate_quadratic_bytes",
    "Quadratic",
    "population_quadratic",
    "factorised_quadratic",
    "monte_carlo_quadratic",
]

SCHEMA_VERSION = "lsahard.quadratic/1"


# --------------------------------------------------------------------------- the quadratic


def _d_from_dm(dm: int) -> int:
    for d in range(1, 200):
        v = d * (d + 1) * (d + 2) // 2
        if v == dm:
            return d
        if v > dm:
            break
    raise ValueError(f"h has length {dm}, which is not d*(d+1)(d+2)/2 for any d >= 1")


def _fraction_array(A: Any, name: str) -> np.ndarray:
    """A new object array of ``Fraction`` (ints converted; Fractions kept as they are)."""
    arr = np.asarray(A, dtype=object)
    flat = arr.ravel().tolist()
    for i, v in enumerate(flat):
        if type(v) is Fraction:
            continue
        if isinstance(v, bool) or not isinstance(v, (Fraction, numbers.Integral)):
            raise TypeError(f"{name} entries must be Fractions in exact mode, got {type(v).__name__}")
        flat[i] = Fraction(v)
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape)


@dataclass(frozen=True, eq=False)
class Quadratic:
    """``ftilde(X) = X^T H X - 2 h^T X + c``; ``H`` (dm, dm), ``h`` (dm,), ``c`` scalar.

    ``exact=True``: object arrays of ``fractions.Fraction`` and a Fraction ``c``; otherwise float64.
    """

    H: np.ndarray
    h: np.ndarray
    c: Any
    exact: bool = False

    def __post_init__(self) -> None:
        if self.exact:
            H = _fraction_array(self.H, "H")
            h = _fraction_array(self.h, "h")
            if not isinstance(self.c, (Fraction, numbers.Integral)) or isinstance(self.c, bool):
                raise TypeError(f"c must be a Fraction in exact mode, got {type(self.c).__name__}")
            c: Any = Fraction(self.c)
        else:
            H = np.array(self.H, dtype=np.float64)
            h = np.array(self.h, dtype=np.float64)
            c = float(self.c)
            if not (np.all(np.isfinite(H)) and np.all(np.isfinite(h)) and math.isfinite(c)):
                raise ValueError("H, h and c must be finite")
        self._finish(H, h, c)

    def _finish(self, H: np.ndarray, h: np.ndarray, c: Any) -> None:
        if h.ndim != 1:
            raise ValueError(f"h must be 1-D, got shape {h.shape}")
        _d_from_dm(h.shape[0])
        if H.shape != (h.shape[0], h.shape[0]):
            raise ValueError(f"H must have shape ({h.shape[0]}, {h.shape[0]}), got {H.shape}")
        H.setflags(write=False)
        h.setflags(write=False)
        object.__setattr__(self, "H", H)
        object.__setattr__(self, "h", h)
        object.__setattr__(self, "c", c)

    @classmethod
    def _from_owned(cls, H: np.ndarray, h: np.ndarray, c: Any, *, exact: bool) -> "Quadratic":
        """Internal: wrap arrays built by this module (no copy, no per-entry conversion).

        ``H``/``h`` must be fresh float64 arrays (``exact=False``) or object arrays whose entries
        are all ``Fraction`` (``exact=True``); they are made read-only, not copied.
        """
        obj = object.__new__(cls)
        object.__setattr__(obj, "exact", exact)
        if exact:
            c = Fraction(c)
        else:
            c = float(c)
            if H.dtype != np.float64 or h.dtype != np.float64:
                raise TypeError("internal: float quadratic arrays must be float64")
            if not (np.all(np.isfinite(H)) and np.all(np.isfinite(h)) and math.isfinite(c)):
                raise ValueError("H, h and c must be finite")
        obj._finish(H, h, c)
        return obj

    @property
    def d(self) -> int:
        return _d_from_dm(self.h.shape[0])

    @property
    def dim(self) -> int:
        return self.h.shape[0]

    def ftilde(self, X: Any) -> Any:
        """``X^T H X - 2 h^T X + c`` (exact when both the quadratic and ``X`` are exact)."""
        maybe_exact = not isinstance(X, np.ndarray) or X.dtype == object
        if self.exact and maybe_exact:
            Xo = np.asarray(X, dtype=object)
            if Xo.shape != (self.dim,):
                raise ValueError(f"X must have shape ({self.dim},), got {Xo.shape}")
            if all(isinstance(v, (Fraction, numbers.Integral)) for v in Xo):
                Xo = np.array([Fraction(v) for v in Xo], dtype=object)
                return Xo.dot(self.H.dot(Xo)) - 2 * self.h.dot(Xo) + self.c
        q = self.to_float() if self.exact else self
        Xf = np.asarray(X, dtype=np.float64)
        if Xf.shape[-1:] != (self.dim,):
            raise ValueError(f"X must have shape (..., {self.dim}), got {Xf.shape}")
        return np.einsum("...i,ij,...j->...", Xf, q.H, Xf) - 2.0 * Xf @ q.h + q.c

    def to_float(self) -> "Quadratic":
        if not self.exact:
            return self
        return Quadratic(
            H=np.array(self.H, dtype=np.float64),
            h=np.array(self.h, dtype=np.float64),
            c=float(self.c),
            exact=False,
        )

    def to_json(self) -> dict:
        out = {
            "schema": SCHEMA_VERSION,
            "exact": self.exact,
            "H": np.asarray(self.H, dtype=np.float64).tolist(),
            "h": np.asarray(self.h, dtype=np.float64).tolist(),
            "c": float(self.c),
        }
        if self.exact:
            out["H_exact"] = [[str(v) for v in row] for row in self.H]
            out["h_exact"] = [str(v) for v in self.h]
            out["c_exact"] = str(self.c)
        return out

    @classmethod
    def from_json(cls, obj: dict) -> "Quadratic":
        if obj.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"quadratic JSON must have schema {SCHEMA_VERSION!r}, got {obj.get('schema')!r}")
        if obj.get("exact"):
            H = np.array([[Fraction(v) for v in row] for row in obj["H_exact"]], dtype=object)
            h = np.array([Fraction(v) for v in obj["h_exact"]], dtype=object)
            return cls(H=H, h=h, c=Fraction(obj["c_exact"]), exact=True)
        return cls(H=np.array(obj["H"]), h=np.array(obj["h"]), c=obj["c"], exact=False)


# --------------------------------------------------------------------------- index tables


@lru_cache(maxsize=None)
def _tables(d: int) -> dict:
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


# --------------------------------------------------------------------------- node evaluation


def _chain_moments(Kpow: np.ndarray, pi: np.ndarray, times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``E[prod_k v(s_{t_k}) | K, s_0 ~ pi]`` for sorted time tuples (MATH.md section 4 recursion).

    ``Kpow`` (W, d+1, S, S) holds ``K^0..K^d`` per node, ``pi`` (W, S), ``times`` (T, r) sorted
    (repeats allowed: ``K^0 = I`` then multiplies ``v`` again, giving ``v^multiplicity``),
    ``values`` (S,). Works for float and object (Fraction/int) arrays. Returns (W, T).
    """
    if Kpow.dtype != object:
        # float: explicit loops over the (few) states, each op vectorised over (W, T); avoids
        # batched matmul of tiny S x S matrices, which is dominated by per-matrix overhead
        S = Kpow.shape[-1]
        KT = np.ascontiguousarray(np.moveaxis(Kpow, (2, 3), (0, 1)))  # (S, S, W, d+1)
        KT = np.ascontiguousarray(np.moveaxis(KT, 3, 2))  # (S, S, d+1, W)
        pis = [pi[None, :, s] for s in range(S)]
    else:
        S = Kpow.shape[-1]
        KT = np.moveaxis(np.moveaxis(Kpow, (2, 3), (0, 1)), 3, 2)  # (S, S, d+1, W) object view
        pis = [pi[None, :, s] for s in range(S)]
    # states whose value is 0 contribute nothing once multiplied by v: carry only the others
    # (binary tokens: a single running product per step); the same exact operations otherwise
    live = [r for r in range(S) if values[r] != 0]
    if not live:
        return np.zeros((pi.shape[0], times.shape[0]), dtype=Kpow.dtype)
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


def _powers(K: np.ndarray, d: int) -> np.ndarray:
    """``K^0..K^d`` per node: (W, S, S) float -> (W, d+1, S, S)."""
    W, S, _ = K.shape
    out = np.empty((W, d + 1, S, S))
    out[:, 0] = np.eye(S)
    for t in range(1, d + 1):
        out[:, t] = np.matmul(out[:, t - 1], K)
    return out


def _to_int_rows(A: np.ndarray) -> tuple[np.ndarray, int]:
    """Fraction/int object array -> (int object array, common denominator L) with A = ints / L."""
    L = 1
    for v in A.flat:
        L = L * v.denominator // math.gcd(L, v.denominator)
    ints = np.empty(A.shape, dtype=object)
    flat_out = ints.ravel()
    for i, v in enumerate(A.ravel()):
        flat_out[i] = v.numerator * (L // v.denominator)
    return ints, L


def _node_moments(
    d: int, n: int, K: np.ndarray, piq: np.ndarray, pic: np.ndarray, values: np.ndarray, *, sym: bool = True
) -> dict:
    """Per-node conditional moments (float): Mq, vq (W,d), cq (W,), Eg (W,m), Egg.

    ``sym=True`` (default): only the upper triangles of the symmetric ``E[x x^T | K]``
    (``Mq`` (W, d(d+1)/2)) and ``E[g g^T | K]`` are used, in ``numpy.triu_indices`` order; ``Egg``
    is then a function returning a block of columns of the (W, m(m+1)/2) triangle, so that it is
    never materialised whole. ``sym=False`` (reference path): full ``Mq`` (W,d,d) and ``Egg``
    (W,m,m) arrays.
    """
    tb = _tables(d)
    Kpow = _powers(K, d)
    allpairs = tb["pairs"]
    mq2 = _chain_moments(Kpow, piq, allpairs, values)  # (W, m): E[z_a z_b | K] for the query chain
    mc2 = _chain_moments(Kpow, pic, allpairs, values)  # (W, m): context chain
    mc4 = _chain_moments(Kpow, pic, tb["quads"], values)  # (W, Q)
    pos = tb["pos"]
    if sym:
        ju, jv, _ = _sym_index(d)
        pu, pv, _ = _sym_index(tb["m"])
        Mq = mq2[:, pos[ju, jv]]

        def Egg(cols: slice) -> np.ndarray:
            """Columns ``cols`` of the upper triangle of ``E[g g^T | K]`` (formed block by block)."""
            blk = mc4[:, tb["idx4"][pu[cols], pv[cols]]]
            blk *= 1.0 / n
            prod = mc2[:, pu[cols]]
            prod *= mc2[:, pv[cols]]
            prod *= 1.0 - 1.0 / n
            blk += prod
            return blk

        Egg.ncols = pu.size  # type: ignore[attr-defined]
    else:
        Egg = mc4[:, tb["idx4"]] / n + (1.0 - 1.0 / n) * (mc2[:, :, None] * mc2[:, None, :])
        Mq = mq2[:, pos[:d, :d]]
    return {
        "Mq": Mq,
        "vq": mq2[:, pos[:d, d]],
        "cq": mq2[:, pos[d, d]],
        "Eg": mc2,
        "Egg": Egg,
    }


#: float mode forms E[g g^T | K] in column blocks of about this many entries (W x block)
_FLOAT_BLOCK_ENTRIES = 1 << 21


def _unfold_symmetric(T: np.ndarray, d: int, m: int) -> np.ndarray:
    """``H[(j,p),(k,q)] = T[sym(j,k), sym(p,q)]`` (``T`` over upper triangles) as a (dm, dm) array.

    Works for float and object ``T``; blocks ``(j, k)`` and ``(k, j)`` are the same symmetric
    (m, m) block, so only ``d(d+1)/2`` gathers of ``m^2`` entries are made.
    """
    ju, jv, _ = _sym_index(d)
    _, _, ppos = _sym_index(m)
    H = np.empty((d * m, d * m), dtype=T.dtype)
    for s, (j, k) in enumerate(zip(ju.tolist(), jv.tolist())):
        blk = T[s][ppos]
        H[j * m:(j + 1) * m, k * m:(k + 1) * m] = blk
        if j != k:
            H[k * m:(k + 1) * m, j * m:(j + 1) * m] = blk
    return H


def _assemble(d: int, w: np.ndarray, mom: dict, *, factorised: bool, sym: bool = True) -> "Quadratic":
    """Float ``H = sum_w w Mq kron Egg`` etc. (or the factorised ``(sum w Mq) kron (sum w Egg)``).

    ``sym=True``: ``mom`` holds upper triangles (:func:`_node_moments`), the node GEMM is
    ``(d(d+1)/2 x W) @ (W x m(m+1)/2)`` (about 4x fewer flops than over full matrices) and ``H`` is
    unfolded block by block. ``sym=False``: the reference full-matrix GEMM.
    """
    m = num_pairs(d)
    W = w.shape[0]
    if sym:
        Egg = mom["Egg"]
        ncols = Egg.ncols
        step = max(1, _FLOAT_BLOCK_ENTRIES // max(W, 1))
        if factorised:
            Ew = np.empty(ncols)
            for s in range(0, ncols, step):
                Ew[s:s + step] = w @ Egg(slice(s, s + step))
            T = np.outer(w @ mom["Mq"], Ew)
            h2 = np.outer(w @ mom["vq"], w @ mom["Eg"])
        else:
            A = (w[:, None] * mom["Mq"]).T.copy()
            T = np.empty((A.shape[0], ncols))
            for s in range(0, ncols, step):
                np.matmul(A, Egg(slice(s, s + step)), out=T[:, s:s + step])
            h2 = (w[:, None] * mom["vq"]).T @ mom["Eg"]
        H = _unfold_symmetric(T, d, m)
        return Quadratic._from_owned(H, h2.reshape(d * m), float(w @ mom["cq"]), exact=False)
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


@lru_cache(maxsize=None)
def _gauss_legendre01(N: int) -> tuple[np.ndarray, np.ndarray]:
    x, wt = np.polynomial.legendre.leggauss(N)
    return (x + 1.0) / 2.0, wt / 2.0


@lru_cache(maxsize=None)
def _rational_rule01(D: int) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Interpolatory rule on nodes ``i/D`` (i = 0..D), exact for polynomials of degree <= D on [0,1].

    Weights solve ``sum_i w_i t_i^k = 1/(k+1)`` (k = 0..D) in exact rational arithmetic.
    """
    t = [Fraction(i, D) if D > 0 else Fraction(1, 2) for i in range(D + 1)]
    nD = D + 1
    A = [[t[i] ** k for i in range(nD)] + [Fraction(1, k + 1)] for k in range(nD)]
    for col in range(nD):  # Gauss-Jordan elimination over the rationals
        piv = next(r for r in range(col, nD) if A[r][col] != 0)
        A[col], A[piv] = A[piv], A[col]
        pv = A[col][col]
        A[col] = [v / pv for v in A[col]]
        for r in range(nD):
            if r != col and A[r][col] != 0:
                f = A[r][col]
                A[r] = [a - f * b for a, b in zip(A[r], A[col])]
    return tuple(t), tuple(A[r][nD] for r in range(nD))


def _binary_kernels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    W = a.shape[0]
    K = np.empty((W, 2, 2), dtype=a.dtype)
    K[:, 0, 0] = 1 - a
    K[:, 0, 1] = a
    K[:, 1, 0] = b
    K[:, 1, 1] = 1 - b
    return K


def _exactify(x: Any, name: str) -> Fraction:
    if isinstance(x, bool) or not isinstance(x, (Fraction, numbers.Integral)):
        raise TypeError(
            f"{name} must be an int or Fraction in exact mode (got {type(x).__name__} {x!r}); "
            "pass fractions.Fraction values"
        )
    return Fraction(x)


def _init_nodes(init: Any, S: int, exact: bool) -> list[tuple[Any, np.ndarray, np.ndarray]]:
    """(weight, pi_query, pi_context) branches: one for i.i.d. laws, one per query start if correlated."""
    conv = (lambda v, nm: _exactify(v, nm)) if exact else (lambda v, nm: float(v))
    dt = object if exact else np.float64
    if isinstance(init, CorrelatedInit):
        p = conv(init.p, "p")
        out = []
        for q0, wq in ((0, 1 - p), (1, p)):
            gq = conv(init.context_prob(q0), f"g({q0})")
            piq = np.array([conv(0, "e"), conv(0, "e")], dtype=dt)
            piq[q0] = conv(1, "e")
            pic = np.array([1 - gq, gq], dtype=dt)
            out.append((wq, piq, pic))
        return out
    law = np.array([conv(v, "p") for v in init.law(S)], dtype=dt)
    return [(conv(1, "w"), law, law)]


def _node_quadratic(
    d: int, n: int, K: np.ndarray, wK: np.ndarray, init: Any, *, exact: bool, factorised: bool, engine: str = "fast"
) -> Quadratic:
    S = K.shape[1]
    branches = _init_nodes(init, S, exact)
    Ks, ws, piqs, pics = [], [], [], []
    for wq, piq, pic in branches:
        Ks.append(K)
        ws.append(wK * wq)
        piqs.append(np.broadcast_to(piq, (K.shape[0], S)))
        pics.append(np.broadcast_to(pic, (K.shape[0], S)))
    K_all = np.concatenate(Ks)
    w_all = np.concatenate(ws)
    if exact:
        return _node_quadratic_exact(
            d, n, K_all, w_all, np.concatenate(piqs), np.concatenate(pics), factorised, engine
        )
    values = np.arange(S, dtype=np.float64)
    sym = engine == "fast"
    mom = _node_moments(d, n, K_all, np.concatenate(piqs), np.concatenate(pics), values, sym=sym)
    return _assemble(d, w_all, mom, factorised=factorised, sym=sym)


def _sym_index(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle (i, j) of a k x k symmetric matrix and the (k, k) map to their position."""
    iu, iv = np.triu_indices(k)
    pos = np.zeros((k, k), dtype=np.intp)
    pos[iu, iv] = np.arange(iu.size)
    pos[iv, iu] = np.arange(iu.size)
    return iu, iv, pos


def _node_quadratic_exact(
    d: int, n: int, K: np.ndarray, w: np.ndarray, piq: np.ndarray, pic: np.ndarray, factorised: bool,
    engine: str = "fast",
) -> Quadratic:
    """Rational node sum in pure integer arithmetic (Fractions only at the very end).

    Kernels are integers over one common denominator ``D``, initial laws over ``P`` and node
    weights over ``Lw``. A moment whose last time is ``t`` is an integer over ``P D^t``; scaling it
    by ``D^(d-t)`` puts every moment over ``P D^d`` and ``E[G_p G_q | K]`` over ``n P^2 D^(2d)``.
    Only the upper triangles of the symmetric ``E[x x^T|K]`` and ``E[g g^T|K]`` are contracted.
    ``engine="fast"``: the contractions are ``fmpz_mat`` products (python-flint);
    ``engine="reference"``: the previous numpy object-integer GEMM (tests/benchmarks only).
    """
    W, S, _ = K.shape
    tb = _tables(d)
    m = tb["m"]
    Ki, D = _to_int_rows(K)
    pis, P = _to_int_rows(np.concatenate([piq, pic]))
    piqi, pici = pis[:W], pis[W:]
    wi, Lw = _to_int_rows(w)
    values = np.array(list(range(S)), dtype=object)
    Kpow = np.empty((W, d + 1, S, S), dtype=object)
    Kpow[:, 0] = np.array([[int(i == j) for j in range(S)] for i in range(S)], dtype=object)
    for t in range(1, d + 1):
        Kpow[:, t] = np.matmul(Kpow[:, t - 1], Ki)
    Dpow = np.array([D**k for k in range(d + 1)], dtype=object)
    allpairs = tb["pairs"]
    quads = tb["quads"]
    mq2 = _chain_moments(Kpow, piqi, allpairs, values) * Dpow[d - allpairs[:, 1]]
    mc2 = _chain_moments(Kpow, pici, allpairs, values) * Dpow[d - allpairs[:, 1]]
    mc4 = _chain_moments(Kpow, pici, quads, values) * Dpow[d - quads[:, 3]]
    den_1 = P * D**d  # one chain moment
    den_gg = n * den_1 * den_1  # E[G_p G_q | K]
    ju, jv, jpos = _sym_index(d)
    pu, pv, ppos = _sym_index(m)
    pos = tb["pos"]
    Mq = mq2[:, pos[ju, jv]]  # (W, d(d+1)/2)
    vq = mq2[:, pos[:d, d]]
    cq = mq2[:, pos[d, d]]
    Egg = mc4[:, tb["idx4"][pu, pv]] * den_1 + (n - 1) * (mc2[:, pu] * mc2[:, pv])  # (W, m(m+1)/2)

    def frac(arr: Any, den: int) -> np.ndarray:
        return np.vectorize(lambda v: Fraction(v, den), otypes=[object])(np.asarray(arr, dtype=object))

    if engine == "reference":
        # the pre-flint path (numpy object-integer GEMM, Fractions for every entry of H): kept
        # only as the independent reference of the tests and benchmarks.perf.bench_exact
        if factorised:
            T = np.multiply.outer(wi.dot(Mq), wi.dot(Egg))
            Hden = Lw * den_1 * Lw * den_gg
            hb = np.multiply.outer(wi.dot(vq), wi.dot(mc2))
            hden = Lw * den_1 * Lw * den_1
        else:
            T = (wi[:, None] * Mq).T.dot(Egg)
            Hden = Lw * den_1 * den_gg
            hb = (wi[:, None] * vq).T.dot(mc2)
            hden = Lw * den_1 * den_1
        # H[(j,p),(k,q)] = T[sym(j,k), sym(p,q)]
        H = T[jpos[:, None, :, None], ppos[None, :, None, :]].reshape(d * m, d * m)
        c = Fraction(int(wi.dot(cq)), Lw * den_1)
        return Quadratic(H=frac(H, Hden), h=frac(hb, hden).reshape(d * m), c=c, exact=True)

    # python-flint: every contraction over the nodes is one fmpz_mat product
    wrow = wi.reshape(1, W)
    if factorised:
        T = np.multiply.outer(exact_gemm(wrow, Mq, check=False)[0], exact_gemm(wrow, Egg, check=False)[0])
        Hden = Lw * den_1 * Lw * den_gg
        hb = np.multiply.outer(exact_gemm(wrow, vq, check=False)[0], exact_gemm(wrow, mc2, check=False)[0])
        hden = Lw * den_1 * Lw * den_1
    else:
        T = exact_gemm((wi[:, None] * Mq).T, Egg, check=False)
        Hden = Lw * den_1 * den_gg
        hb = exact_gemm((wi[:, None] * vq).T, mc2, check=False)
        hden = Lw * den_1 * den_1
    # one Fraction per entry of the triangle-indexed T, shared by the symmetric entries of H
    H = _unfold_symmetric(frac(T, Hden), d, m)
    c = Fraction(int(exact_gemm(wrow, cq.reshape(W, 1), check=False)[0, 0]), Lw * den_1)
    return Quadratic._from_owned(H, frac(hb, hden).reshape(d * m), c, exact=True)


@lru_cache(maxsize=None)
def _nested_rules01(D: int) -> tuple[tuple[Fraction, ...], ...]:
    """1-D interpolatory rules ``Q_r`` (r = 0..D) on the nested nodes ``0, 1/D, ..., r/D``.

    ``Q_r`` has ``r + 1`` weights and integrates every polynomial of degree ``<= r`` over [0, 1]
    exactly. Weights solve ``sum_i w_i (i/D)^k = 1/(k+1)`` (k = 0..r), rows scaled by ``D^k`` to
    integers, by python-flint's exact solver.
    """
    from recovery.lsa.exact_linalg import exact_solve

    rules = []
    for r in range(D + 1):
        A = np.array([[i**k for i in range(r + 1)] for k in range(r + 1)], dtype=object)
        rhs = np.array([Fraction(D**k, k + 1) for k in range(r + 1)], dtype=object)
        rules.append(tuple(exact_solve(A, rhs)))
    return tuple(rules)


@lru_cache(maxsize=None)
def _total_degree_rule01(D: int) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Rational cubature on [0,1]^2 exact for all polynomials of TOTAL degree ``<= D``.

    Nodes ``(i/D, j/D)`` with ``i + j <= D`` ((D+1)(D+2)/2 nodes instead of the (D+1)^2 of the
    tensor rule). It is the integral of the interpolant on this lower set of a nested grid:
    ``Q = sum_{r+s<=D} (Q_r - Q_{r-1}) x (Q_s - Q_{s-1}) = sum_r (Q_r - Q_{r-1}) x Q_{D-r}``
    (sparse-grid / lower-set interpolation: for ``r'+s' <= D`` the terms with ``r <= r', s <= s'``
    telescope to ``Q_{r'} x Q_{s'}``, exact on ``a^r' b^s'``, and the others vanish). So
    ``w_ij = sum_{r=i}^{D-j} (q_r[i] - q_{r-1}[i]) q_{D-r}[j]`` with :func:`_nested_rules01`.
    Zero weights are dropped. Returns ``(a_nodes, b_nodes, weights)``.
    """
    q = _nested_rules01(D)

    def qw(r: int, i: int) -> Fraction:
        return q[r][i] if 0 <= r and i <= r else Fraction(0)

    A, B, Wt = [], [], []
    for i in range(D + 1):
        for j in range(D + 1 - i):
            w = sum(((qw(r, i) - qw(r - 1, i)) * q[D - r][j] for r in range(i, D - j + 1)), Fraction(0))
            if w != 0:
                A.append(Fraction(i, D) if D > 0 else Fraction(1, 2))
                B.append(Fraction(j, D) if D > 0 else Fraction(1, 2))
                Wt.append(w)
    return tuple(A), tuple(B), tuple(Wt)


def _uniform_binary_nodes(d: int, exact: bool, engine: str = "fast") -> tuple[np.ndarray, np.ndarray]:
    """Kernel nodes and weights of the uniform binary prior (exact for degree ``3d-1``).

    Float: tensor Gauss-Legendre. Exact, ``engine="fast"``: the total-degree rational rule
    :func:`_total_degree_rule01` (about half the nodes); exact, ``engine="reference"``: the tensor
    interpolatory rule of :func:`_rational_rule01` (the previous path, an independent check).
    """
    deg = max(3 * d - 1, 1)  # total degree bound of every integrand (see module docstring)
    if exact and engine == "fast" and deg >= 2:
        a, b, w = (np.array(v, dtype=object) for v in _total_degree_rule01(deg))
        return _binary_kernels(a, b), w
    if exact:
        t, wt = _rational_rule01(deg)
        t = np.array(t, dtype=object)
        wt = np.array(wt, dtype=object)
    else:
        t, wt = _gauss_legendre01(deg // 2 + 1)  # exact for degree 2N-1 >= deg
    a = np.repeat(t, t.shape[0])
    b = np.tile(t, t.shape[0])
    w = np.repeat(wt, wt.shape[0]) * np.tile(wt, wt.shape[0])
    return _binary_kernels(a, b), w


def _check_common(d: Any, n: Any, prior: Any, init: Any, exact: Any) -> tuple[int, int, int]:
    d = check_int(d, "d", min_value=1)
    n = check_int(n, "n", min_value=1)
    if not isinstance(exact, bool):
        raise TypeError(f"exact must be a bool, got {type(exact).__name__}")
    S = check_prior_init(prior, init)
    return d, n, S


# --------------------------------------------------------------------------- memory budget

#: default memory budget (bytes) of :func:`population_quadratic`, :func:`factorised_quadratic`
#: and :func:`monte_carlo_quadratic`; pass ``max_bytes=`` to change it per call
DEFAULT_MAX_BYTES = 8 * 10**9


def _int_bytes(bits: float) -> float:
    """Approximate size of a numpy object-array slot holding a Python int of ``bits`` bits."""
    return 8.0 + 28.0 + 4.0 * math.ceil(max(bits, 1.0) / 30.0)


def _node_count(d: int, prior: Any, init: Any, exact: bool) -> int:
    branches = 2 if isinstance(init, CorrelatedInit) else 1
    if isinstance(prior, UniformBinaryPrior):
        deg = max(3 * d - 1, 1)
        if exact:
            return (deg + 1) * (deg + 2) // 2 * branches
        per_axis = deg // 2 + 1
        return per_axis * per_axis * branches
    return branches


def estimate_quadratic_bytes(
    d: int, n: int, *, prior: Any, init: Any, exact: bool = False, factorised: bool = False
) -> int:
    """Approximate peak memory (bytes) of :func:`population_quadratic` / :func:`factorised_quadratic`.

    Counts the dominant arrays (the ``(dm)^2`` matrix ``H``, the per-node moment tables, the
    upper-triangle GEMM operands and result, the index tables; in exact mode Python ints/Fractions
    of the expected bit size, and for Dirichlet priors the path-triple tables). It is an estimate
    for refusing hopeless requests before anything is allocated, not an exact account.

    Parameters
    ----------
    d, n : int
        Chain input length and number of context chains (validated as in
        :func:`population_quadratic`).
    prior, init :
        Kernel prior and initial law.
    exact : bool
        Rational (``True``) or float64 mode.
    factorised : bool
        The comparison variant :func:`factorised_quadratic`.

    Returns
    -------
    int
        Estimated bytes.
    """
    d, n, S = _check_common(d, n, prior, init, exact)
    m = (d + 1) * (d + 2) // 2
    dm = d * m
    mt = m * (m + 1) // 2
    dt = d * (d + 1) // 2
    Q = math.comb(d + 4, 4)
    tables = 8.0 * (6 * m * m + (d + 1) ** 4 + 5 * Q)
    if isinstance(prior, DirichletPrior):
        Nc = float(S) ** (d + 1)
        cell = 8.0 * S * S * 3 + (_int_bytes(12.0 * d) * 3 if exact else 24.0)
        per = _int_bytes(24.0 * d) if exact else 8.0
        return int(Nc * Nc * cell + per * (3 * d * d * m * m + dm * dm) + tables)
    W = _node_count(d, prior, init, exact)
    if not exact:
        blocks = 8.0 * 4 * min(W * mt, _FLOAT_BLOCK_ENTRIES + W)
        work = 8.0 * ((2 * S + 3) * W * Q + 4 * W * m) + blocks
        out = 8.0 * (dm * dm + dt * mt + dm)
        return int(work + out + tables)
    # exact: a chain moment is an integer over P D^d (D ~ 3d for the uniform prior's nodes)
    b1 = d * math.log2(max(3 * d, 2)) + 64.0
    b2 = 2.0 * b1 + math.log2(n + 1.0)
    work = W * Q * (S * S + 1) * _int_bytes(b1) + 3.0 * W * mt * _int_bytes(b2)
    flint_copy = W * mt * (16.0 + b2 / 8.0) + dt * mt * (16.0 + (b2 + b1 + 64.0) / 8.0)
    fractions = dt * mt * (64.0 + 2.0 * _int_bytes(b2 + b1 + 64.0))
    return int(work + flint_copy + fractions + 8.0 * dm * dm + tables)


def _check_max_bytes(max_bytes: Any) -> float:
    if max_bytes is None:
        return float(DEFAULT_MAX_BYTES)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, numbers.Real):
        raise TypeError(f"max_bytes must be a positive number of bytes or None, got {type(max_bytes).__name__}")
    v = float(max_bytes)
    if math.isnan(v) or v <= 0:
        raise ValueError(f"max_bytes must be a positive number of bytes, got {max_bytes!r}")
    return v


def _enforce_budget(need: float, max_bytes: Any, what: str) -> None:
    """ValueError (before any allocation) if the estimate ``need`` exceeds the budget."""
    limit = _check_max_bytes(max_bytes)
    if need > limit:
        raise ValueError(
            f"{what} needs about {need:.1e} bytes (> budget {limit:.1e} bytes; pass max_bytes= to raise it)"
        )


def _quadratic(
    d: int, n: int, prior: Any, init: Any, exact: bool, factorised: bool, *,
    max_bytes: Any = None, engine: str = "fast",
) -> Quadratic:
    d, n, S = _check_common(d, n, prior, init, exact)
    if engine not in ("fast", "reference"):
        raise ValueError(f"engine must be 'fast' or 'reference', got {engine!r}")
    if exact and isinstance(init, (BernoulliInit, CorrelatedInit)):
        _exactify(init.p, "p")  # name p itself (not the derived 1 - p) when it is a float
    if isinstance(prior, DirichletPrior):
        _check_dirichlet_size(d, S)  # the more specific message first
    need = estimate_quadratic_bytes(d, n, prior=prior, init=init, exact=exact, factorised=factorised)
    _enforce_budget(need, max_bytes, f"d={d}")
    if isinstance(prior, UniformBinaryPrior):
        K, w = _uniform_binary_nodes(d, exact, engine)
        return _node_quadratic(d, n, K, w, init, exact=exact, factorised=factorised, engine=engine)
    if isinstance(prior, FixedKernel):
        if exact:
            K = np.array([[list(prior.K_exact)]], dtype=object).reshape(1, S, S)
            w = np.array([Fraction(1)], dtype=object)
        else:
            K = np.array(prior.K, dtype=np.float64)[None]
            w = np.ones(1)
        return _node_quadratic(d, n, K, w, init, exact=exact, factorised=factorised, engine=engine)
    return _dirichlet_quadratic(d, n, prior, init, exact=exact, factorised=factorised, engine=engine)


def population_quadratic(
    d: int, n: int, *, prior: Any, init: Any, exact: bool = False, max_bytes: Any = None
) -> Quadratic:
    """The exact population quadratic ``(H, h, c)`` of MATH.md section 4 (kernel-conditioned).

    Parameters
    ----------
    d : int
        Chain input length, ``d >= 1``.
    n : int
        Number of context chains, ``n >= 1``.
    prior :
        :class:`UniformBinaryPrior` (any d, n; exact by quadrature of polynomial degree ``3d-1``),
        :class:`FixedKernel` (conditional objective, any ``S``) or :class:`DirichletPrior` (path
        enumeration; cost ``S^(3d+2)``, practical for ``d <= 3, S <= 4``).
    init :
        Initial law (:class:`BernoulliInit`, :class:`CorrelatedInit`, :class:`UniformInit`).
    exact : bool
        ``True`` returns Fractions (``p``, kernel entries, ``alpha`` and ``g`` values must then be
        exact numbers or floats, which are taken at their exact binary value only for kernels).
        The node contractions then run in ``flint.fmpz_mat`` (python-flint).
    max_bytes : float or None
        Memory budget in bytes (default :data:`DEFAULT_MAX_BYTES`, ``math.inf`` disables it). The
        estimate of :func:`estimate_quadratic_bytes` is checked before anything is allocated.

    Returns
    -------
    Quadratic

    Raises
    ------
    ValueError
        Bad ``d``/``n``, or the estimated memory exceeds ``max_bytes`` (the message states both).
    TypeError
        Wrong argument types (e.g. a float ``p`` in exact mode).
    """
    return _quadratic(d, n, prior, init, exact, factorised=False, max_bytes=max_bytes)


def factorised_quadratic(
    d: int, n: int, *, prior: Any, init: Any, exact: bool = False, max_bytes: Any = None
) -> Quadratic:
    """COMPARISON VARIANT ONLY: the paper's factorised ``H = E[x x^T] kron E[g g^T]``,
    ``h = E[y x] kron E[g]`` (treats query and context as independent although they share the
    random kernel). Differs from :func:`population_quadratic` for random kernels once ``d >= 2``.

    Parameters and errors as in :func:`population_quadratic` (including ``max_bytes``).
    """
    return _quadratic(d, n, prior, init, exact, factorised=True, max_bytes=max_bytes)


# --------------------------------------------------------------------------- Dirichlet rows

#: refuse Dirichlet enumerations with more joint path triples than this (memory/time guard)
MAX_DIRICHLET_TRIPLES = 2 * 10**7


def _check_dirichlet_size(d: int, S: int) -> None:
    triples = S ** (3 * d + 2)
    if triples > MAX_DIRICHLET_TRIPLES:
        raise ValueError(
            f"the Dirichlet enumeration needs S^(3d+2) = {triples} joint path triples for d={d}, "
            f"S={S} (limit {MAX_DIRICHLET_TRIPLES}); use monte_carlo_quadratic instead"
        )


@lru_cache(maxsize=None)
def _paths(S: int, L: int) -> np.ndarray:
    """All state paths of length ``L`` over ``{0..S-1}``: (S^L, L)."""
    return np.indices((S,) * L).reshape(L, -1).T.copy()


def _transition_counts(P: np.ndarray, S: int) -> np.ndarray:
    """(N, S*S) transition counts of each path (row ``r*S + s`` counts r -> s)."""
    N, L = P.shape
    C = np.zeros((N, S * S), dtype=np.int64)
    rows = np.arange(N)
    for t in range(L - 1):
        np.add.at(C, (rows, P[:, t] * S + P[:, t + 1]), 1)
    return C


class _DirichletWeights:
    """Joint law of several chains sharing one Dirichlet kernel: init law x closed-form moment.

    ``E_K[prod_r prod_s K_rs^{C_rs}] = prod_r [prod_s alpha^{(C_rs)}] / (S alpha)^{(C_r)}``.
    Float mode evaluates it with log-gamma tables; exact mode (alpha = a/b rational) uses integers:
    the powers of b cancel row by row, so the moment is ``prod_cells N(C_rs) * prod_r R(C_r) / L``
    with ``N(c) = prod_{i<c}(a+ib)``, ``R(c) = prod_{c<=i<cmax}(Sa+ib)`` and ``L = R(0)^S``.
    Initial laws are integers over a common denominator ``Dl`` (one factor per chain).
    """

    def __init__(self, S: int, alpha: Any, init: Any, cmax: int, exact: bool) -> None:
        self.S, self.exact, self.cmax = S, exact, cmax
        if exact:
            al = _exactify(alpha, "alpha")
            a, b = al.numerator, al.denominator
            N = [1]
            for i in range(cmax + 1):
                N.append(N[-1] * (a + i * b))
            R = [1] * (cmax + 2)
            for c in range(cmax, -1, -1):
                R[c] = R[c + 1] * (S * a + c * b)
            self.Ntab = np.array(N[: cmax + 2], dtype=object)
            self.Rtab = np.array(R[: cmax + 2], dtype=object)
            self.L = R[0] ** S
        else:
            al = float(alpha)
            i = np.arange(cmax + 1)
            self.la = np.concatenate([[0.0], np.cumsum(np.log(al + i))])
            self.lS = np.concatenate([[0.0], np.cumsum(np.log(S * al + i))])
        # initial law branches: list of (query weight per start state q0, context law given q0)
        if isinstance(init, CorrelatedInit):
            conv = (lambda v, nm: _exactify(v, nm)) if exact else (lambda v, nm: float(v))
            p = conv(init.p, "p")
            g = [conv(init.context_prob(q), f"g({q})") for q in (0, 1)]
            self.branches = [(q0, wq, [1 - g[q0], g[q0]]) for q0, wq in ((0, 1 - p), (1, p))]
        else:
            law = [(_exactify(v, "p") if exact else float(v)) for v in init.law(S)]
            self.branches = [(None, 1, law)]
        if exact:
            dens = [Fraction(v).denominator for _, wq, law in self.branches for v in [wq, *law]]
            self.Dl = 1
            for dd in dens:
                self.Dl = self.Dl * dd // math.gcd(self.Dl, dd)

    def _lawvec(self, vals: list) -> np.ndarray:
        if self.exact:
            return np.array([int(Fraction(v) * self.Dl) for v in vals], dtype=object)
        return np.array(vals, dtype=np.float64)

    def init_weight(self, q0: Any, ctx_starts: list) -> Any:
        """Initial-law weight; ``q0`` start state(s) of the query (or None: marginalised), ``ctx_starts``.

        Arrays broadcast. Exact mode: integers over ``Dl ** (1 + len(ctx_starts))``.
        """
        total = 0
        for bq, wq, law in self.branches:
            lv = self._lawvec(law)
            w = 1
            for cs in ctx_starts:
                w = w * lv[cs]
            if q0 is not None:
                if bq is None:  # i.i.d.: query start has the same law
                    w = w * lv[q0]
                else:
                    wqv = (int(Fraction(wq) * self.Dl) if self.exact else float(wq))
                    w = w * (np.asarray(q0) == bq) * wqv
            else:
                # marginalise the query start; still one Dl factor so that the exact
                # denominator is always Dl ** (1 + len(ctx_starts))
                wqv = (int(Fraction(wq) * self.Dl) if self.exact else float(wq))
                w = w * wqv
            total = total + w
        return total

    def moment(self, C: np.ndarray) -> Any:
        """Dirichlet moment of counts ``C`` (..., S*S); exact: integers over ``self.L``."""
        S = self.S
        rowsum = C.reshape(C.shape[:-1] + (S, S)).sum(axis=-1)
        if self.exact:
            num = np.prod(self.Ntab[C], axis=-1) * np.prod(self.Rtab[rowsum], axis=-1)
            return num
        return np.exp(self.la[C].sum(axis=-1) - self.lS[rowsum].sum(axis=-1))


def _dirichlet_quadratic(
    d: int, n: int, prior: DirichletPrior, init: Any, *, exact: bool, factorised: bool, engine: str = "fast"
) -> Quadratic:
    """Exact (H, h, c) under Dirichlet rows by enumerating joint paths of query + two contexts."""
    S = prior.num_states
    _check_dirichlet_size(d, S)
    m = num_pairs(d)
    Wt = _DirichletWeights(S, prior.alpha, init, cmax=3 * d + 2, exact=exact)
    dt = object if exact else np.float64
    vals = np.arange(S)
    vals = np.array([int(v) for v in vals], dtype=object) if exact else vals.astype(np.float64)
    Q = _paths(S, d)  # query input paths (times 0..d-1)
    Qf = _paths(S, d + 1)  # full query paths (with the label)
    Cp = _paths(S, d + 1)  # context paths
    CQ, CQf, CC = (_transition_counts(P, S) for P in (Q, Qf, Cp))
    Fq = (vals[Q][:, :, None] * vals[Q][:, None, :]).reshape(len(Q), d * d)  # x_j x_k
    iu, iv = np.triu_indices(d + 1)
    Gc = vals[Cp][:, iu] * vals[Cp][:, iv]  # (Nc, m) context G entries
    yx = vals[Qf][:, d : d + 1] * vals[Qf][:, :d]  # (Nqf, d)
    y2 = vals[Qf][:, d] * vals[Qf][:, d]
    c0 = Cp[:, 0]

    # exact denominators: every moment is an integer over L, the init weight of a term with
    # k context chains an integer over Dl^(k+1) (one factor for the query slot)
    def scale(k: int) -> Any:
        return Fraction(1, Wt.L * Wt.Dl**k) if exact else 1.0

    zero = (lambda shape: np.zeros(shape, dtype=object) * 0) if exact else (lambda shape: np.zeros(shape))
    if not factorised:
        H2 = zero((d * d, m * m))
        H4 = zero((d * d, m * m))
        for a in range(len(Q)):
            cnt = CQ[a][None, None, :] + CC[:, None, :] + CC[None, :, :]
            w3 = Wt.moment(cnt) * Wt.init_weight(Q[a, 0], [c0[:, None], c0[None, :]])
            M = Gc.T.dot(w3).dot(Gc)  # (m, m)
            H2 += np.outer(Fq[a], M.reshape(-1))
            w2 = Wt.moment(CQ[a][None, :] + CC) * Wt.init_weight(Q[a, 0], [c0])
            M4 = (Gc * w2[:, None]).T.dot(Gc)
            H4 += np.outer(Fq[a], M4.reshape(-1))
        inv_n = Fraction(1, n) if exact else 1.0 / n
        H4s = H4 * scale(2)
        H2s = H2 * scale(3)
        Hb = H4s * inv_n + H2s * (1 - inv_n)
        w2f = Wt.moment(CQf[:, None, :] + CC[None, :, :]) * Wt.init_weight(Qf[:, 0:1], [c0[None, :]])
        hb = yx.T.dot(w2f).dot(Gc) * scale(2)  # (d, m)
    else:
        w1q = Wt.moment(CQ) * Wt.init_weight(Q[:, 0], [])
        w1c = Wt.moment(CC) * Wt.init_weight(None, [c0])
        wcc = Wt.moment(CC[:, None, :] + CC[None, :, :]) * Wt.init_weight(None, [c0[:, None], c0[None, :]])
        inv_n = Fraction(1, n) if exact else 1.0 / n
        Exx = w1q.dot(Fq) * scale(1)
        Egg = (Gc * w1c[:, None]).T.dot(Gc) * scale(2) * inv_n + Gc.T.dot(wcc).dot(Gc) * scale(3) * (1 - inv_n)
        Hb = np.outer(Exx, Egg.reshape(-1))
        w1f = Wt.moment(CQf) * Wt.init_weight(Qf[:, 0], [])
        Eyx = w1f.dot(yx) * scale(1)
        Eg = w1c.dot(Gc) * scale(2)
        hb = np.outer(Eyx, Eg)
    w1f = Wt.moment(CQf) * Wt.init_weight(Qf[:, 0], [])
    c = w1f.dot(y2) * scale(1)
    H = np.asarray(Hb, dtype=dt).reshape(d, d, m, m).transpose(0, 2, 1, 3).reshape(d * m, d * m)
    return Quadratic(H=H, h=np.asarray(hb, dtype=dt).reshape(d * m), c=c, exact=exact)


# --------------------------------------------------------------------------- Monte Carlo


def monte_carlo_quadratic(
    d: int,
    n: int,
    *,
    prior: Any,
    init: Any,
    num_prompts: int,
    rng: Any,
    batch_size: int = 4096,
    max_bytes: Any = None,
) -> tuple[Quadratic, Quadratic]:
    """Monte Carlo estimate of ``(H, h, c)`` from ``num_prompts`` sampled prompts.

    Returns ``(estimate, stderr)``: ``H_hat = mean(F F^T)``, ``h_hat = mean(y F)``, ``c_hat =
    mean(y^2)`` with ``F = features(Z0)`` per prompt, and entrywise standard errors
    ``std / sqrt(B)`` (sample std, ddof=1), accumulated in batches of ``batch_size`` prompts
    (second moments via ``(F*F)^T (F*F)`` so memory stays O(batch*dm + dm^2)).

    ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES`): the estimated peak memory (several
    ``(dm)^2`` accumulators and one batch of features and prompts) is checked against it before
    anything is allocated; ``ValueError`` names ``d`` and both numbers if it is exceeded.
    """
    d, n, _ = _check_common(d, n, prior, init, False)
    B = check_int(num_prompts, "num_prompts", min_value=2)
    bs = check_int(batch_size, "batch_size", min_value=1)
    rng = check_rng(rng, "rng")
    dm = d * num_pairs(d)
    b_eff = min(bs, B)
    need = 8.0 * (7.0 * dm * dm + 4.0 * b_eff * dm + 4.0 * b_eff * (d + 1) * (n + 1))
    _enforce_budget(need, max_bytes, f"d={d}")
    sH = np.zeros((dm, dm))
    sH2 = np.zeros((dm, dm))
    sh = np.zeros(dm)
    sh2 = np.zeros(dm)
    sc = 0.0
    sc2 = 0.0
    done = 0
    while done < B:
        b = min(bs, B - done)
        P = sample_prompts(b, d, n, prior=prior, init=init, rng=rng)
        F = features(P.Z0)
        F2 = F * F
        y = P.y
        sH += F.T @ F
        sH2 += F2.T @ F2
        yF = y[:, None] * F
        sh += yF.sum(axis=0)
        sh2 += (yF * yF).sum(axis=0)
        y2 = y * y
        sc += y2.sum()
        sc2 += (y2 * y2).sum()
        done += b

    def mean_se(s: Any, s2: Any) -> tuple[Any, Any]:
        mean = s / B
        var = np.maximum(s2 / B - mean * mean, 0.0) * B / (B - 1)
        return mean, np.sqrt(var / B)

    Hm, Hs = mean_se(sH, sH2)
    hm, hs = mean_se(sh, sh2)
    cm, cs = mean_se(sc, sc2)
    return Quadratic(H=Hm, h=hm, c=cm), Quadratic(H=Hs, h=hs, c=cs)
