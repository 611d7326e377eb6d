r"""The one-layer reparameterisation :math:`\phi(b, A) = X` (paper Section 3, MATH.md Section 3).

Index conventions (code is 0-based; the paper is 1-based):

* ``b = P[d, :]`` (paper ``P[d+1, :]``), shape ``(d+1,)``; ``A = Q[:, :d]``, shape ``(d+1, d)``,
  ``a_j = A[:, j]`` for ``j = 0..d-1`` (paper ``j = 1..d``).
* ``m = (d+1)(d+2)/2`` unique entries of the symmetric Gram matrix ``G``: pairs ``(u, v)`` with
  ``0 <= u <= v <= d`` in row-major order ``(0,0), (0,1), ..., (0,d), (1,1), ..., (d,d)``;
  ``g = (G[u, v])_{(u,v)}``.  Paper pair ``(u', v')`` is our ``(u'-1, v'-1)``.
* ``X`` has ``d*m`` entries; entry ``r = j*m + pair_position(u, v)`` (paper ``r' = (j'-1) m + pos``
  with ``j' = j+1``) is :math:`X_r = b_u A_{v j} + b_v A_{u j}` for ``u < v`` and
  :math:`X_r = b_u A_{u j}` for ``u = v``, so that the one-layer prediction is ``b^T G A x = (x \otimes g)^T X`` and
  ``X_r = b^T D^{(r)} A[:, j]`` with ``D^{(r)} = E_{uv} + E_{vu}`` (u < v) or ``E_{uu}``.
* ``S_j = b a_j^T + a_j b^T`` (symmetric, ``(d+1) x (d+1)``) carries the same information as
  ``X^{(j)}``: ``S_j[u,u] = 2 X^{(j)}_{(u,u)}``, ``S_j[u,v] = X^{(j)}_{(u,v)}``.
"""
from __future__ import annotations

from functools import cache

import numpy as np

from recovery.validation import as_float_array, check_int

__all__ = [
    "num_pairs",
    "pairs",
    "pair_position",
    "flat_index",
    "unflat_index",
    "gram",
    "gvec",
    "features",
    "phi",
    "phi_block",
    "phi_matrix_in_A",
    "phi_matrix_in_b",
    "X_to_S",
    "S_to_X",
    "D_matrix",
    "D_pattern",
]


def num_pairs(d: int) -> int:
    """Number of unique entries of the symmetric ``(d+1) x (d+1)`` Gram matrix G.

    ``m = (d+1)(d+2)/2`` (MATH.md section 3): the length of ``g`` and of each block ``X^{(j)}``.

    Parameters
    ----------
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    int
        ``m = (d+1)(d+2)/2``.
    """
    d = check_int(d, "d", min_value=1)
    return (d + 1) * (d + 2) // 2


@cache
def _pairs(d: int) -> tuple[tuple[int, int], ...]:
    return tuple((u, v) for u in range(d + 1) for v in range(u, d + 1))


@cache
def _pair_arrays(d: int) -> tuple[np.ndarray, np.ndarray]:
    iu, iv = np.triu_indices(d + 1)  # row-major upper triangle == pairs(d) order
    return iu, iv


def pairs(d: int) -> list[tuple[int, int]]:
    """All pairs ``(u, v)`` with ``0 <= u <= v <= d`` in row-major order (the order of ``g``).

    Parameters
    ----------
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    list of tuple of int
        The ``m = (d+1)(d+2)/2`` pairs ``(0,0), (0,1), ..., (0,d), (1,1), ..., (d,d)``.
    """
    d = check_int(d, "d", min_value=1)
    return list(_pairs(d))


def pair_position(u: int, v: int, d: int) -> int:
    """Position of the pair ``{u, v}`` in :func:`pairs` (``u > v`` is allowed and swapped).

    Parameters
    ----------
    u, v : int
        Times in ``0..d`` (paper ``u + 1``, ``v + 1``).
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    int
        The index in ``0..m-1``.
    """
    d = check_int(d, "d", min_value=1)
    u = check_int(u, "u", min_value=0, max_value=d)
    v = check_int(v, "v", min_value=0, max_value=d)
    if u > v:
        u, v = v, u
    # rows 0..u-1 contribute (d+1) + d + ... + (d+2-u) entries
    return u * (d + 1) - u * (u - 1) // 2 + (v - u)


def flat_index(j: int, u: int, v: int, d: int) -> int:
    """Flat index ``r = j*m + pair_position(u, v)`` of ``X`` for ``j`` in ``0..d-1``.

    Parameters
    ----------
    j : int
        Column of ``A`` (block of ``X``), ``0 <= j <= d-1``.
    u, v : int
        The pair of times, each in ``0..d``.
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    int
        The index ``r`` in ``0..d*m-1``.
    """
    d = check_int(d, "d", min_value=1)
    j = check_int(j, "j", min_value=0, max_value=d - 1)
    return j * num_pairs(d) + pair_position(u, v, d)


def unflat_index(r: int, d: int) -> tuple[int, int, int]:
    """Inverse of :func:`flat_index`: ``r -> (j, u, v)``.

    Parameters
    ----------
    r : int
        Flat index in ``0..d*m-1``.
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    tuple of int
        ``(j, u, v)`` with ``u <= v``.
    """
    d = check_int(d, "d", min_value=1)
    m = num_pairs(d)
    r = check_int(r, "r", min_value=0, max_value=d * m - 1)
    j, p = divmod(r, m)
    u, v = _pairs(d)[p]
    return j, u, v


def _dim_from_Z0(Z0: np.ndarray) -> tuple[int, int]:
    if Z0.ndim < 2:
        raise ValueError(f"Z0 must have shape (..., d+1, n+1), got {Z0.shape}")
    d = Z0.shape[-2] - 1
    n = Z0.shape[-1] - 1
    if d < 1 or n < 1:
        raise ValueError(f"Z0 must have shape (..., d+1, n+1) with d >= 1 and n >= 1, got {Z0.shape}")
    return d, n


def gram(Z0: np.ndarray) -> np.ndarray:
    """Gram matrix ``G = (1/n) sum_{i<n} z_i z_i^T`` of the context columns (MATH.md section 3).

    Parameters
    ----------
    Z0 : array_like, shape (..., d+1, n+1)
        Prompt(s); the last column (the query) is not used.

    Returns
    -------
    numpy.ndarray, shape (..., d+1, d+1)
        The symmetric ``G``.
    """
    Z0 = as_float_array(Z0, "Z0")
    _, n = _dim_from_Z0(Z0)
    C = Z0[..., :, :n]
    return np.matmul(C, np.swapaxes(C, -1, -2)) / n


def gvec(G: np.ndarray) -> np.ndarray:
    """Upper-triangle entries ``g`` of a symmetric ``G`` in :func:`pairs` order.

    Parameters
    ----------
    G : array_like, shape (..., d+1, d+1)
        Symmetric matrices, ``d >= 1``.

    Returns
    -------
    numpy.ndarray, shape (..., m)
        ``g = (G[u, v])_{(u, v)}``.
    """
    G = as_float_array(G, "G")
    if G.ndim < 2 or G.shape[-1] != G.shape[-2] or G.shape[-1] < 2:
        raise ValueError(f"G must have shape (..., d+1, d+1) with d >= 1, got {G.shape}")
    iu, iv = _pair_arrays(G.shape[-1] - 1)
    return G[..., iu, iv]


def features(Z0: np.ndarray) -> np.ndarray:
    """Feature vector ``x_{n+1} kron g`` so that the one-layer prediction is ``features(Z0) @ X``.

    Parameters
    ----------
    Z0 : array_like, shape (..., d+1, n+1)
        Prompt(s); ``x_{n+1} = Z0[..., :d, n]`` (MATH.md section 3).

    Returns
    -------
    numpy.ndarray, shape (..., d*m)
        The features, entry ``j*m + pair_position(u, v)`` being ``x_j G[u, v]``.

    Examples
    --------
    >>> import numpy as np
    >>> Z0 = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]])  # d = 1, n = 2
    >>> features(Z0).tolist()  # x = 1, g = (G00, G01, G11) = (1/2, 1/2, 1)
    [0.5, 0.5, 1.0]
    """
    Z0 = as_float_array(Z0, "Z0")
    d, n = _dim_from_Z0(Z0)
    g = gvec(gram(Z0))
    x = Z0[..., :d, n]
    out = x[..., :, None] * g[..., None, :]
    return out.reshape(*out.shape[:-2], -1)


def _check_bA(b: np.ndarray, A: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    b = as_float_array(b, "b", ndim=1)
    if b.shape[0] < 2:
        raise ValueError(f"b must have length d+1 >= 2, got {b.shape[0]}")
    d = b.shape[0] - 1
    A = as_float_array(A, "A", shape=(d + 1, d))
    return b, A, d


def phi_block(b: np.ndarray) -> np.ndarray:
    """Matrix ``B(b)`` of shape ``(m, d+1)`` with ``X^{(j)} = B(b) @ a_j`` (phi is linear in A).

    Parameters
    ----------
    b : array_like, shape (d+1,)
        Last row of ``P``, ``d >= 1``.

    Returns
    -------
    numpy.ndarray, shape (m, d+1)
        ``B(b)``.
    """
    b = as_float_array(b, "b", ndim=1)
    if b.shape[0] < 2:
        raise ValueError(f"b must have length d+1 >= 2, got {b.shape[0]}")
    d = b.shape[0] - 1
    iu, iv = _pair_arrays(d)
    m = iu.size
    B = np.zeros((m, d + 1))
    rows = np.arange(m)
    # X_(u,v) = b_u a_v + b_v a_u  (u < v);   X_(u,u) = b_u a_u
    B[rows, iv] += b[iu]
    off = iu != iv
    B[rows[off], iu[off]] += b[iv[off]]
    return B


def phi(b: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``X = phi(b, A)`` in ``R^{d m}`` (MATH.md Section 3; gauge ``phi(c b, A/c) = phi(b, A)``).

    ``X_r = b_u A[v, j] + b_v A[u, j]`` (``u < v``) or ``b_u A[u, j]`` (``u = v``), ``r = j*m + pair_position(u, v)``.

    Parameters
    ----------
    b : array_like, shape (d+1,)
        Last row of ``P``, ``d >= 1``.
    A : array_like, shape (d+1, d)
        First ``d`` columns of ``Q``.

    Returns
    -------
    numpy.ndarray, shape (d*m,)
        ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> phi(np.array([1.0, 2.0]), np.array([[3.0], [4.0]])).tolist()  # (b0 a0, b0 a1 + b1 a0, b1 a1)
    [3.0, 10.0, 8.0]
    """
    b, A, d = _check_bA(b, A)
    return (phi_block(b) @ A).reshape(-1, order="F")


def phi_matrix_in_A(b: np.ndarray) -> np.ndarray:
    """Matrix ``M(b)`` of shape ``(d m, (d+1) d)`` with ``phi(b, A) = M(b) @ A.reshape(-1, order="F")``.

    Parameters
    ----------
    b : array_like, shape (d+1,)
        Last row of ``P``.

    Returns
    -------
    numpy.ndarray, shape (d*m, (d+1)*d)
        ``I_d kron B(b)`` (:func:`phi_block`).
    """
    B = phi_block(b)
    d = B.shape[1] - 1
    return np.kron(np.eye(d), B)


def phi_matrix_in_b(A: np.ndarray) -> np.ndarray:
    """Matrix ``C(A)`` of shape ``(d m, d+1)`` with ``phi(b, A) = C(A) @ b`` (phi is linear in b).

    Parameters
    ----------
    A : array_like, shape (d+1, d)
        First ``d`` columns of ``Q``, ``d >= 1``.

    Returns
    -------
    numpy.ndarray, shape (d*m, d+1)
        ``C(A)``.
    """
    A = as_float_array(A, "A", ndim=2)
    d = A.shape[1]
    if A.shape != (d + 1, d) or d < 1:
        raise ValueError(f"A must have shape (d+1, d) with d >= 1, got {A.shape}")
    iu, iv = _pair_arrays(d)
    m = iu.size
    C = np.zeros((d, m, d + 1))
    rows = np.arange(m)
    off = iu != iv
    for j in range(d):
        C[j, rows, iu] += A[iv, j]
        C[j, rows[off], iv[off]] += A[iu[off], j]
    return C.reshape(d * m, d + 1)


def X_to_S(X: np.ndarray, d: int) -> np.ndarray:
    """``X`` -> symmetric ``S`` with ``S_j = b a_j^T + a_j b^T`` when ``X = phi(b, A)`` (MATH.md section 3).

    Parameters
    ----------
    X : array_like, shape (d*m,)
        The reparameterised parameters.
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    numpy.ndarray, shape (d, d+1, d+1)
        ``S``.
    """
    d = check_int(d, "d", min_value=1)
    m = num_pairs(d)
    X = as_float_array(X, "X", shape=(d * m,))
    iu, iv = _pair_arrays(d)
    Xj = X.reshape(d, m)
    S = np.zeros((d, d + 1, d + 1))
    S[:, iu, iv] = Xj
    S[:, iv, iu] = Xj
    diag = np.arange(d + 1)
    S[:, diag, diag] *= 2.0
    return S


def S_to_X(S: np.ndarray) -> np.ndarray:
    """Inverse of :func:`X_to_S`: ``(d, d+1, d+1)`` symmetric -> ``X`` of length ``d m``.

    Parameters
    ----------
    S : array_like, shape (d, d+1, d+1)
        Stack of symmetric matrices, ``d >= 1``.

    Returns
    -------
    numpy.ndarray, shape (d*m,)
        ``X``.

    Raises
    ------
    ValueError
        If the shape is wrong or a matrix is not symmetric (to ``1e-12`` relative).
    """
    S = as_float_array(S, "S", ndim=3)
    d = S.shape[0]
    if d < 1 or S.shape != (d, d + 1, d + 1):
        raise ValueError(f"S must have shape (d, d+1, d+1) with d >= 1, got {S.shape}")
    if not np.allclose(S, np.swapaxes(S, 1, 2), rtol=0, atol=1e-12 * max(1.0, np.abs(S).max())):
        raise ValueError("S must be a stack of symmetric matrices")
    iu, iv = _pair_arrays(d)
    Xj = S[:, iu, iv].copy()
    Xj[:, iu == iv] *= 0.5
    return Xj.reshape(-1)


def D_matrix(r: int, d: int) -> np.ndarray:
    """``D^{(r)}``: ``E_uv + E_vu`` (u < v) or ``E_uu`` for ``(j, u, v) = unflat_index(r, d)``.

    Parameters
    ----------
    r : int
        Flat index in ``0..d*m-1``.
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    numpy.ndarray, shape (d+1, d+1)
        ``D^{(r)}``.
    """
    _, u, v = unflat_index(r, d)
    D = np.zeros((d + 1, d + 1))
    D[u, v] = 1.0
    D[v, u] = 1.0
    return D


def D_pattern(d: int) -> list[tuple[int, list[tuple[int, int, float]]]]:
    """For every ``r`` (in order): ``(j, triplets)`` with ``X_r = b^T D^{(r)} A[:, j]``.

    Triplets are sparse ``(row, col, value)``: row indexes ``b``, col indexes the rows of ``A``.

    Parameters
    ----------
    d : int
        Chain input length, ``d >= 1``.

    Returns
    -------
    list of (int, list of (int, int, float))
        ``d*m`` entries, one per ``r``.
    """
    d = check_int(d, "d", min_value=1)
    out: list[tuple[int, list[tuple[int, int, float]]]] = []
    for j in range(d):
        for u, v in _pairs(d):
            trip = [(u, u, 1.0)] if u == v else [(u, v, 1.0), (v, u, 1.0)]
            out.append((j, trip))
    return out
