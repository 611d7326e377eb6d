"""Tests of the reparameterisation phi (MATH.md Section 3), each an independent cross-check."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery.lsa.reparam import (
    D_matrix,
    D_pattern,
    S_to_X,
    X_to_S,
    features,
    flat_index,
    gram,
    gvec,
    num_pairs,
    pair_position,
    pairs,
    phi,
    phi_block,
    phi_matrix_in_A,
    phi_matrix_in_b,
    unflat_index,
)


def _naive_phi(b, A):
    """Direct transcription of the paper's definition with 1-based loops shifted to 0-based."""
    d = A.shape[1]
    out = []
    for j in range(d):
        for u in range(d + 1):
            for v in range(u, d + 1):
                out.append(b[u] * A[v, j] + b[v] * A[u, j] if u < v else b[u] * A[u, j])
    return np.array(out)


@pytest.mark.parametrize("d", [1, 2, 3, 5, 12])
def test_index_maps_are_inverse_bijections(d):
    m = num_pairs(d)
    assert m == len(pairs(d)) == (d + 1) * (d + 2) // 2
    for p, (u, v) in enumerate(pairs(d)):
        assert pair_position(u, v, d) == p == pair_position(v, u, d)
    seen = set()
    for r in range(d * m):
        j, u, v = unflat_index(r, d)
        assert flat_index(j, u, v, d) == r
        seen.add((j, u, v))
    assert len(seen) == d * m


@pytest.mark.parametrize("d", [1, 2, 4, 7])
def test_phi_matches_definition_and_linear_forms(d, rng):
    b = rng.standard_normal(d + 1)
    A = rng.standard_normal((d + 1, d))
    X = phi(b, A)
    np.testing.assert_allclose(X, _naive_phi(b, A), rtol=0, atol=1e-13)
    np.testing.assert_allclose(phi_matrix_in_A(b) @ A.reshape(-1, order="F"), X, atol=1e-13)
    np.testing.assert_allclose(phi_matrix_in_b(A) @ b, X, atol=1e-13)
    for j in range(d):
        np.testing.assert_allclose(phi_block(b) @ A[:, j], X.reshape(d, -1)[j], atol=1e-13)
    # gauge phi(c b, A / c) = phi(b, A)
    np.testing.assert_allclose(phi(3.5 * b, A / 3.5), X, rtol=1e-13, atol=1e-13)
    # D pattern: X_r = b^T D^(r) A[:, j(r)]
    for r, (j, trip) in enumerate(D_pattern(d)):
        D = np.zeros((d + 1, d + 1))
        for row, col, val in trip:
            D[row, col] += val
        np.testing.assert_array_equal(D, D_matrix(r, d))
        assert j == unflat_index(r, d)[0]
        assert abs(b @ D @ A[:, j] - X[r]) < 1e-12


@pytest.mark.parametrize("d", [1, 3, 6])
def test_S_matrices_round_trip_and_structure(d, rng):
    b = rng.standard_normal(d + 1)
    A = rng.standard_normal((d + 1, d))
    S = X_to_S(phi(b, A), d)
    for j in range(d):
        np.testing.assert_allclose(S[j], np.outer(b, A[:, j]) + np.outer(A[:, j], b), atol=1e-13)
    np.testing.assert_allclose(S_to_X(S), phi(b, A), atol=1e-13)
    Y = rng.standard_normal(d * num_pairs(d))
    np.testing.assert_allclose(S_to_X(X_to_S(Y, d)), Y, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(d=st.integers(1, 6), n=st.integers(1, 9), batch=st.integers(1, 4), seed=st.integers(0, 2**31))
def test_prediction_identity_bGAx_equals_features_dot_phi(d, n, batch, seed):
    """b^T G A x = (x kron g)^T phi(b, A) to 1e-12 (MATH.md Section 3)."""
    r = np.random.default_rng(seed)
    Z0 = r.integers(0, 3, size=(batch, d + 1, n + 1)).astype(float) + r.standard_normal((batch, d + 1, n + 1))
    Z0[:, d, n] = 0.0
    b = r.standard_normal(d + 1)
    A = r.standard_normal((d + 1, d))
    G = np.einsum("bui,bvi->buv", Z0[:, :, :n], Z0[:, :, :n]) / n
    lhs = np.einsum("u,buv,vj,bj->b", b, G, A, Z0[:, :d, n])
    rhs = features(Z0) @ phi(b, A)
    np.testing.assert_allclose(rhs, lhs, rtol=1e-12, atol=1e-12 * max(1.0, np.abs(lhs).max()))
    np.testing.assert_allclose(gram(Z0), G, atol=1e-13)
    iu, iv = np.triu_indices(d + 1)
    np.testing.assert_array_equal(gvec(G), G[:, iu, iv])


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="A must have shape"):
        phi(np.ones(3), np.ones((3, 3)))
    with pytest.raises(ValueError, match="b must have length"):
        phi(np.ones(1), np.ones((1, 0)))
    with pytest.raises(ValueError, match="finite"):
        phi(np.array([1.0, np.nan]), np.ones((2, 1)))
    with pytest.raises(TypeError, match="b must be a numeric array"):
        phi(["a", "b"], np.ones((2, 1)))
    with pytest.raises(ValueError, match="X must have shape"):
        X_to_S(np.ones(5), 1)
    with pytest.raises(ValueError, match="d must be >= 1"):
        num_pairs(0)
    with pytest.raises(TypeError, match="d must be an integer"):
        num_pairs(2.0)
    with pytest.raises(ValueError, match="r must be <="):
        unflat_index(3, 1)
    with pytest.raises(ValueError, match="symmetric"):
        S_to_X(np.array([[[1.0, 2.0], [0.0, 1.0]]]))
