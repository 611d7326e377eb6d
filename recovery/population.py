"""The exact one-layer population quadratic (MATH.md section 4; paper Lemmas 3.1, 3.2).

``ftilde(X) = E[((x kron g)^T X - y)^2] = X^T H X - 2 h^T X + c`` with ``X`` ordered as in
:mod:`recovery.phi` (entry ``j*m + pair_position(u, v)``) and

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

from ._validate import check_int, check_rng
from .phi import features, num_pairs
from .prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    UniformBinaryPrior,
    check_prior_init,
    sample_prompts,
)

__all__ = [
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
            H = np.asarray(self.H, dtype=object)
            h = np.asarray(self.h, dtype=object)
            for name, arr in (("H", H), ("h", h)):
                for v in arr.flat:
                    if not isinstance(v, (Fraction, numbers.Integral)) or isinstance(v, bool):
                        raise TypeError(f"{name} entries must be Fractions in exact mode, got {type(v).__name__}")
            H = np.vectorize(Fraction, otypes=[object])(H) if H.size else H
            h = np.vectorize(Fraction, otypes=[object])(h) if h.size else h
            if not isinstance(self.c, (Fraction, numbers.Integral)) or isinstance(self.c, bool):
                raise TypeError(f"c must be a Fraction in exact mode, got {type(self.c).__name__}")
            c: Any = Fraction(self.c)
        else:
            H = np.array(self.H, dtype=np.float64)
            h = np.array(self.h, dtype=np.float64)
            c = float(self.c)
            if not (np.all(np.isfinite(H)) and np.all(np.isfinite(h)) and math.isfinite(c)):
                raise ValueError("H, h and c must be finite")
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
        t0 = times[:, 0]
        alpha = [sum(pi[None, :, s] * KT[s, r][t0] for s in range(S)) * values[r] for r in range(S)]
        for k in range(1, times.shape[1]):
            gap = times[:, k] - times[:, k - 1]
            alpha = [sum(alpha[s] * KT[s, r][gap] for s in range(S)) * values[r] for r in range(S)]
        return sum(alpha).T  # (W, T)
    alpha = (pi[:, None, :, None] * Kpow[:, times[:, 0]]).sum(axis=2) * values
    for k in range(1, times.shape[1]):
        gap = times[:, k] - times[:, k - 1]
        alpha = (alpha[..., None] * Kpow[:, gap]).sum(axis=2) * values
    return alpha.sum(axis=-1)


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


def _node_moments(d: int, n: int, K: np.ndarray, piq: np.ndarray, pic: np.ndarray, values: np.ndarray) -> dict:
    """Per-node conditional moments (float): Mq (W,d,d), vq (W,d), cq (W,), Eg (W,m), Egg (W,m,m)."""
    tb = _tables(d)
    Kpow = _powers(K, d)
    allpairs = tb["pairs"]
    mq2 = _chain_moments(Kpow, piq, allpairs, values)  # (W, m): E[z_a z_b | K] for the query chain
    mc2 = _chain_moments(Kpow, pic, allpairs, values)  # (W, m): context chain
    mc4 = _chain_moments(Kpow, pic, tb["quads"], values)  # (W, Q)
    pos = tb["pos"]
    Egg = mc4[:, tb["idx4"]] / n + (1.0 - 1.0 / n) * (mc2[:, :, None] * mc2[:, None, :])
    return {
        "Mq": mq2[:, pos[:d, :d]],
        "vq": mq2[:, pos[:d, d]],
        "cq": mq2[:, pos[d, d]],
        "Eg": mc2,
        "Egg": Egg,
    }


def _assemble(d: int, w: np.ndarray, mom: dict, *, factorised: bool) -> "Quadratic":
    """Float ``H = sum_w w Mq kron Egg`` etc. (or the factorised ``(sum w Mq) kron (sum w Egg)``)."""
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


def _node_quadratic(d: int, n: int, K: np.ndarray, wK: np.ndarray, init: Any, *, exact: bool, factorised: bool) -> Quadratic:
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
        return _node_quadratic_exact(d, n, K_all, w_all, np.concatenate(piqs), np.concatenate(pics), factorised)
    values = np.arange(S, dtype=np.float64)
    mom = _node_moments(d, n, K_all, np.concatenate(piqs), np.concatenate(pics), values)
    return _assemble(d, w_all, mom, factorised=factorised)


def _sym_index(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle (i, j) of a k x k symmetric matrix and the (k, k) map to their position."""
    iu, iv = np.triu_indices(k)
    pos = np.zeros((k, k), dtype=np.intp)
    pos[iu, iv] = np.arange(iu.size)
    pos[iv, iu] = np.arange(iu.size)
    return iu, iv, pos


def _node_quadratic_exact(
    d: int, n: int, K: np.ndarray, w: np.ndarray, piq: np.ndarray, pic: np.ndarray, factorised: bool
) -> Quadratic:
    """Rational node sum in pure integer arithmetic (Fractions only at the very end).

    Kernels are integers over one common denominator ``D``, initial laws over ``P`` and node
    weights over ``Lw``. A moment whose last time is ``t`` is an integer over ``P D^t``; scaling it
    by ``D^(d-t)`` puts every moment over ``P D^d`` and ``E[G_p G_q | K]`` over ``n P^2 D^(2d)``.
    Only the upper triangles of the symmetric ``E[x x^T|K]`` and ``E[g g^T|K]`` are contracted.
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


def _uniform_binary_nodes(d: int, exact: bool) -> tuple[np.ndarray, np.ndarray]:
    deg = max(3 * d - 1, 1)  # total degree bound of every integrand (see module docstring)
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


def _quadratic(d: int, n: int, prior: Any, init: Any, exact: bool, factorised: bool) -> Quadratic:
    d, n, S = _check_common(d, n, prior, init, exact)
    if exact and isinstance(init, (BernoulliInit, CorrelatedInit)):
        _exactify(init.p, "p")  # name p itself (not the derived 1 - p) when it is a float
    if isinstance(prior, UniformBinaryPrior):
        K, w = _uniform_binary_nodes(d, exact)
        return _node_quadratic(d, n, K, w, init, exact=exact, factorised=factorised)
    if isinstance(prior, FixedKernel):
        if exact:
            K = np.array([[list(prior.K_exact)]], dtype=object).reshape(1, S, S)
            w = np.array([Fraction(1)], dtype=object)
        else:
            K = np.array(prior.K, dtype=np.float64)[None]
            w = np.ones(1)
        return _node_quadratic(d, n, K, w, init, exact=exact, factorised=factorised)
    return _dirichlet_quadratic(d, n, prior, init, exact=exact, factorised=factorised)


def population_quadratic(d: int, n: int, *, prior: Any, init: Any, exact: bool = False) -> Quadratic:
    """The exact population quadratic ``(H, h, c)`` of MATH.md section 4 (kernel-conditioned).

    ``prior``: :class:`UniformBinaryPrior` (any d, n; exact by quadrature of polynomial degree
    ``3d-1``), :class:`FixedKernel` (conditional objective, any ``S``) or :class:`DirichletPrior`
    (path enumeration; cost ``S^(3d+2)``, practical for ``d <= 3, S <= 4``). ``exact=True`` returns
    Fractions (``p``, kernel entries, ``alpha`` and ``g`` values must then be exact numbers or
    floats, which are taken at their exact binary value only for kernels).
    """
    return _quadratic(d, n, prior, init, exact, factorised=False)


def factorised_quadratic(d: int, n: int, *, prior: Any, init: Any, exact: bool = False) -> Quadratic:
    """COMPARISON VARIANT ONLY: the paper's factorised ``H = E[x x^T] kron E[g g^T]``,
    ``h = E[y x] kron E[g]`` (treats query and context as independent although they share the
    random kernel). Differs from :func:`population_quadratic` for random kernels once ``d >= 2``.
    """
    return _quadratic(d, n, prior, init, exact, factorised=True)


# --------------------------------------------------------------------------- Dirichlet rows

#: refuse Dirichlet enumerations with more joint path triples than this (memory/time guard)
MAX_DIRICHLET_TRIPLES = 2 * 10**7


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


def _dirichlet_quadratic(d: int, n: int, prior: DirichletPrior, init: Any, *, exact: bool, factorised: bool) -> Quadratic:
    """Exact (H, h, c) under Dirichlet rows by enumerating joint paths of query + two contexts."""
    S = prior.num_states
    triples = S ** (3 * d + 2)
    if triples > MAX_DIRICHLET_TRIPLES:
        raise ValueError(
            f"the Dirichlet enumeration needs S^(3d+2) = {triples} joint path triples for d={d}, "
            f"S={S} (limit {MAX_DIRICHLET_TRIPLES}); use monte_carlo_quadratic instead"
        )
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
) -> tuple[Quadratic, Quadratic]:
    """Monte Carlo estimate of ``(H, h, c)`` from ``num_prompts`` sampled prompts.

    Returns ``(estimate, stderr)``: ``H_hat = mean(F F^T)``, ``h_hat = mean(y F)``, ``c_hat =
    mean(y^2)`` with ``F = features(Z0)`` per prompt, and entrywise standard errors
    ``std / sqrt(B)`` (sample std, ddof=1), accumulated in batches of ``batch_size`` prompts
    (second moments via ``(F*F)^T (F*F)`` so memory stays O(batch*dm + dm^2)).
    """
    d, n, _ = _check_common(d, n, prior, init, False)
    B = check_int(num_prompts, "num_prompts", min_value=2)
    bs = check_int(batch_size, "batch_size", min_value=1)
    rng = check_rng(rng, "rng")
    dm = d * num_pairs(d)
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
