"""The exact population quadratic under Dirichlet kernel rows, by enumeration of joint state paths.

Each kernel row ``K[r, :] ~ Dirichlet(alpha 1_S)``. ``H``, ``h`` and ``c`` involve at most three
chains (the query and two context chains) sharing one kernel; their joint law is the initial law
times ``E[prod_s K_rs^{c_s}] = prod_s alpha^{(c_s)} / (S alpha)^{(c_r)}`` (rising factorials) of
the summed transition counts (MATH.md section 4). The cost is ``S^(3d+2)`` path triples.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np

from recovery.lsa._checks import exactify
from recovery.lsa.exact_linalg import exact_gemm
from recovery.lsa.prompts import CorrelatedInit, DirichletPrior
from recovery.lsa.quadratic import Quadratic
from recovery.lsa.reparam import num_pairs

__all__ = ["MAX_DIRICHLET_TRIPLES", "_check_dirichlet_size", "_dirichlet_quadratic"]

#: refuse Dirichlet enumerations with more joint path triples than this (memory/time guard)
MAX_DIRICHLET_TRIPLES = 2 * 10**7


def _check_dirichlet_size(d: int, S: int) -> None:
    triples = S ** (3 * d + 2)
    if triples > MAX_DIRICHLET_TRIPLES:
        raise ValueError(
            f"the Dirichlet enumeration needs S^(3d+2) = {triples} joint path triples for d={d}, "
            f"S={S} (limit {MAX_DIRICHLET_TRIPLES}); use monte_carlo_quadratic instead"
        )


@cache
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
            al = exactify(alpha, "alpha")
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
            alf = float(alpha)
            steps = np.arange(cmax + 1)
            self.la = np.concatenate([[0.0], np.cumsum(np.log(alf + steps))])
            self.lS = np.concatenate([[0.0], np.cumsum(np.log(S * alf + steps))])
        # initial law branches: list of (query weight per start state q0, context law given q0)
        self.branches: list[tuple[int | None, Any, list[Any]]]
        if isinstance(init, CorrelatedInit):
            conv = (lambda v, nm: exactify(v, nm)) if exact else (lambda v, nm: float(v))
            p = conv(init.p, "p")
            g = [conv(init.context_prob(q), f"g({q})") for q in (0, 1)]
            self.branches = [(q0, wq, [1 - g[q0], g[q0]]) for q0, wq in ((0, 1 - p), (1, p))]
        else:
            law = [(exactify(v, "p") if exact else float(v)) for v in init.law(S)]
            self.branches = [(None, 1, law)]
        if exact:
            dens = [Fraction(v).denominator for _, wq, law in self.branches for v in [wq, *law]]
            self.Dl = 1
            for dd in dens:
                self.Dl = self.Dl * dd // math.gcd(self.Dl, dd)

    def _lawvec(self, vals: Sequence[Any]) -> np.ndarray:
        if self.exact:
            return np.array([int(Fraction(v) * self.Dl) for v in vals], dtype=object)
        return np.array(vals, dtype=np.float64)

    def init_weight(self, q0: Any, ctx_starts: Sequence[Any]) -> Any:
        """Initial-law weight; ``q0`` start state(s) of the query (or None: marginalised), ``ctx_starts``.

        Arrays broadcast. Exact mode: integers over ``Dl ** (1 + len(ctx_starts))``.
        """
        total: Any = 0
        for bq, wq, law in self.branches:
            lv = self._lawvec(law)
            w: Any = 1  # int, float or a broadcast array of them
            for cs in ctx_starts:
                w = w * lv[cs]
            if q0 is not None:
                if bq is None:  # i.i.d.: query start has the same law
                    w = w * lv[q0]
                else:
                    wqv: int | float = int(Fraction(wq) * self.Dl) if self.exact else float(wq)
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
    """Exact (H, h, c) under Dirichlet rows by enumerating joint paths of query + two contexts.

    ``engine="fast"`` runs the exact matrix products in ``flint.fmpz_mat``; ``"reference"`` uses
    the numpy object-integer GEMM (an independent check).
    """
    S = prior.num_states
    _check_dirichlet_size(d, S)
    m = num_pairs(d)
    t = _path_tables(d, S, exact)
    t["Wt"] = Wt = _DirichletWeights(S, prior.alpha, init, cmax=3 * d + 2, exact=exact)
    t["mm"] = (lambda A, B: exact_gemm(A, B)) if exact and engine == "fast" else (lambda A, B: A.dot(B))
    t["inv_n"] = Fraction(1, n) if exact else 1.0 / n

    # exact denominators: every moment is an integer over L, the init weight of a term with
    # k context chains an integer over Dl^(k+1) (one factor for the query slot)
    def scale(k: int) -> Any:
        return Fraction(1, Wt.L * Wt.Dl**k) if exact else 1.0

    t["scale"] = scale
    Hb, hb = (_factorised_blocks if factorised else _conditional_blocks)(t, d, m, exact)
    w1f = Wt.moment(t["CQf"]) * Wt.init_weight(t["Qf"][:, 0], [])
    c = w1f.dot(t["y2"]) * scale(1)
    dt = object if exact else np.float64
    H = np.asarray(Hb, dtype=dt).reshape(d, d, m, m).transpose(0, 2, 1, 3).reshape(d * m, d * m)
    return Quadratic(H=H, h=np.asarray(hb, dtype=dt).reshape(d * m), c=c, exact=exact)


def _path_tables(d: int, S: int, exact: bool) -> dict[str, Any]:
    """Paths, transition counts and the feature values of the query and context chains."""
    vals = np.arange(S)
    vals = np.array([int(v) for v in vals], dtype=object) if exact else vals.astype(np.float64)
    Q = _paths(S, d)  # query input paths (times 0..d-1)
    Qf = _paths(S, d + 1)  # full query paths (with the label)
    Cp = _paths(S, d + 1)  # context paths
    iu, iv = np.triu_indices(d + 1)
    return {
        "Q": Q, "Qf": Qf, "c0": Cp[:, 0],
        "CQ": _transition_counts(Q, S), "CQf": _transition_counts(Qf, S), "CC": _transition_counts(Cp, S),
        "Fq": (vals[Q][:, :, None] * vals[Q][:, None, :]).reshape(len(Q), d * d),  # x_j x_k
        "Gc": vals[Cp][:, iu] * vals[Cp][:, iv],  # (Nc, m) context G entries
        "yx": vals[Qf][:, d : d + 1] * vals[Qf][:, :d],  # (Nqf, d)
        "y2": vals[Qf][:, d] * vals[Qf][:, d],
    }


def _conditional_blocks(t: dict[str, Any], d: int, m: int, exact: bool) -> tuple[Any, Any]:
    """``H`` as (d*d, m*m) blocks and ``h`` (d, m): query and contexts share the kernel."""
    Wt, mm, scale, inv_n = t["Wt"], t["mm"], t["scale"], t["inv_n"]
    Q, CQ, CC, Gc, Fq, c0 = t["Q"], t["CQ"], t["CC"], t["Gc"], t["Fq"], t["c0"]
    H2 = np.zeros((d * d, m * m), dtype=object) * 0 if exact else np.zeros((d * d, m * m))
    H4 = H2.copy()
    for a in range(len(Q)):
        cnt = CQ[a][None, None, :] + CC[:, None, :] + CC[None, :, :]
        w3 = Wt.moment(cnt) * Wt.init_weight(Q[a, 0], [c0[:, None], c0[None, :]])
        H2 += np.outer(Fq[a], mm(mm(Gc.T, w3), Gc).reshape(-1))
        w2 = Wt.moment(CQ[a][None, :] + CC) * Wt.init_weight(Q[a, 0], [c0])
        H4 += np.outer(Fq[a], mm((Gc * w2[:, None]).T, Gc).reshape(-1))
    Hb = H4 * scale(2) * inv_n + H2 * scale(3) * (1 - inv_n)
    w2f = Wt.moment(t["CQf"][:, None, :] + CC[None, :, :]) * Wt.init_weight(t["Qf"][:, 0:1], [c0[None, :]])
    return Hb, mm(mm(t["yx"].T, w2f), Gc) * scale(2)


def _factorised_blocks(t: dict[str, Any], d: int, m: int, exact: bool) -> tuple[Any, Any]:
    """The comparison variant: ``E[x x^T] kron E[g g^T]`` and ``E[y x] kron E[g]``."""
    Wt, mm, scale, inv_n = t["Wt"], t["mm"], t["scale"], t["inv_n"]
    CC, Gc, c0 = t["CC"], t["Gc"], t["c0"]
    w1q = Wt.moment(t["CQ"]) * Wt.init_weight(t["Q"][:, 0], [])
    w1c = Wt.moment(CC) * Wt.init_weight(None, [c0])
    wcc = Wt.moment(CC[:, None, :] + CC[None, :, :]) * Wt.init_weight(None, [c0[:, None], c0[None, :]])
    Exx = w1q.dot(t["Fq"]) * scale(1)
    Egg = mm((Gc * w1c[:, None]).T, Gc) * scale(2) * inv_n + mm(mm(Gc.T, wcc), Gc) * scale(3) * (1 - inv_n)
    w1f = Wt.moment(t["CQf"]) * Wt.init_weight(t["Qf"][:, 0], [])
    return np.outer(Exx, Egg.reshape(-1)), np.outer(w1f.dot(t["yx"]) * scale(1), w1c.dot(Gc) * scale(2))
