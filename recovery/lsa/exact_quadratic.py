"""The exact rational node sum of the population quadratic in integer arithmetic (python-flint).

The same sums as :mod:`recovery.lsa.float_quadratic` (MATH.md section 4) over rational kernel nodes:
every moment is scaled to an integer over one common denominator and each contraction over the
nodes is one ``flint.fmpz_mat`` product; Fractions are formed only for the final entries of ``H``.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.chain_moments import _chain_moments, _sym_index, _tables, _unfold_symmetric
from recovery.lsa.exact_linalg import exact_gemm
from recovery.lsa.flint_matrices import fractions_over
from recovery.lsa.quadratic import Quadratic

__all__ = ["_to_int_rows", "_node_quadratic_exact"]


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
    mom = _integer_moments(d, n, K, w, piq, pic)
    if engine == "reference":
        return _assemble_reference(d, mom, factorised)
    return _assemble_flint(d, mom, factorised)


def _integer_moments(d: int, n: int, K: np.ndarray, w: np.ndarray, piq: np.ndarray, pic: np.ndarray) -> dict:
    """The integer numerators of the node moments and their common denominators (see above).

    Returns ``wi`` (W,), ``Mq`` (W, d(d+1)/2), ``vq`` (W, d), ``cq`` (W,), ``mc2`` (W, m) and
    ``Egg`` (W, m(m+1)/2) (object arrays of Python ints), with ``Lw``, ``den_1`` (one chain
    moment) and ``den_gg`` (``E[G_p G_q | K]``).
    """
    W, S, _ = K.shape
    tb = _tables(d)
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
    allpairs, quads = tb["pairs"], tb["quads"]
    mq2 = _chain_moments(Kpow, piqi, allpairs, values) * Dpow[d - allpairs[:, 1]]
    mc2 = _chain_moments(Kpow, pici, allpairs, values) * Dpow[d - allpairs[:, 1]]
    mc4 = _chain_moments(Kpow, pici, quads, values) * Dpow[d - quads[:, 3]]
    den_1 = P * D**d
    ju, jv, _ = _sym_index(d)
    pu, pv, _ = _sym_index(tb["m"])
    pos = tb["pos"]
    return {
        "wi": wi, "Lw": Lw, "den_1": den_1, "den_gg": n * den_1 * den_1,
        "Mq": mq2[:, pos[ju, jv]], "vq": mq2[:, pos[:d, d]], "cq": mq2[:, pos[d, d]], "mc2": mc2,
        "Egg": mc4[:, tb["idx4"][pu, pv]] * den_1 + (n - 1) * (mc2[:, pu] * mc2[:, pv]),
    }


def _frac(arr: Any, den: int) -> np.ndarray:
    """Object array of ``Fraction(v, den)``."""
    return fractions_over(arr, den)


def _assemble_reference(d: int, mom: dict, factorised: bool) -> Quadratic:
    """The pre-flint path (numpy object-integer GEMM, Fractions for every entry of ``H``): kept only
    as the independent reference of the tests and ``benchmarks.perf.bench_exact``."""
    m = (d + 1) * (d + 2) // 2
    wi, Lw, den_1, den_gg = mom["wi"], mom["Lw"], mom["den_1"], mom["den_gg"]
    Mq, Egg, vq, mc2 = mom["Mq"], mom["Egg"], mom["vq"], mom["mc2"]
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
    _, _, jpos = _sym_index(d)
    _, _, ppos = _sym_index(m)
    # H[(j,p),(k,q)] = T[sym(j,k), sym(p,q)]
    H = T[jpos[:, None, :, None], ppos[None, :, None, :]].reshape(d * m, d * m)
    c = Fraction(int(wi.dot(mom["cq"])), Lw * den_1)
    return Quadratic(H=_frac(H, Hden), h=_frac(hb, hden).reshape(d * m), c=c, exact=True)


def _assemble_flint(d: int, mom: dict, factorised: bool) -> Quadratic:
    """Every contraction over the nodes is one ``fmpz_mat`` product (python-flint)."""
    m = (d + 1) * (d + 2) // 2
    wi, Lw, den_1, den_gg = mom["wi"], mom["Lw"], mom["den_1"], mom["den_gg"]
    Mq, Egg, vq, mc2 = mom["Mq"], mom["Egg"], mom["vq"], mom["mc2"]
    W = wi.shape[0]
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
    H = _unfold_symmetric(_frac(T, Hden), d, m)
    c = Fraction(int(exact_gemm(wrow, mom["cq"].reshape(W, 1), check=False)[0, 0]), Lw * den_1)
    return Quadratic._from_owned(H, _frac(hb, hden).reshape(d * m), c, exact=True)
