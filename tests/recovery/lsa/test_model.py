"""Tests of the LSA forward pass against a literal transcription of the layer formula."""
import numpy as np
import pytest

from recovery.lsa.model import lsa_forward, predict, predict_one_layer, sparse_to_dense
from recovery.lsa.reparam import features, phi


def _literal_forward(Z, layers):
    """Z <- Z + (1/n) P Z M Z^T Q Z with the explicit (n+1)x(n+1) mask M, one prompt at a time."""
    n = Z.shape[1] - 1
    M = np.diag([1.0] * n + [0.0])
    for P, Q in layers:
        Z = Z + P @ Z @ M @ Z.T @ Q @ Z / n
    return Z


@pytest.mark.parametrize("d,n,L", [(1, 1, 1), (2, 5, 2), (3, 4, 3), (5, 10, 4)])
def test_batched_forward_matches_literal_formula(d, n, L, rng):
    Z0 = rng.standard_normal((6, d + 1, n + 1))
    Z0[:, d, n] = 0.0
    layers = [(0.3 * rng.standard_normal((d + 1, d + 1)), 0.3 * rng.standard_normal((d + 1, d + 1))) for _ in range(L)]
    out = lsa_forward(Z0, layers)
    for i in range(Z0.shape[0]):
        np.testing.assert_allclose(out[i], _literal_forward(Z0[i], layers), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(predict(Z0, layers), out[:, d, n])
    np.testing.assert_allclose(lsa_forward(Z0[0], layers), out[0])


@pytest.mark.parametrize("d,n", [(1, 3), (4, 7)])
def test_sparse_one_layer_view_equals_dense_and_phi(d, n, rng):
    Z0 = rng.integers(0, 2, size=(5, d + 1, n + 1)).astype(float)
    Z0[:, d, n] = 0.0
    b = rng.standard_normal(d + 1)
    A = rng.standard_normal((d + 1, d))
    dense = predict(Z0, [sparse_to_dense(b, A)])
    np.testing.assert_allclose(predict_one_layer(Z0, b, A), dense, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(features(Z0) @ phi(b, A), dense, rtol=1e-12, atol=1e-12)
    # entries of P, Q outside the sparse view do not change the prediction of one layer
    P, Q = sparse_to_dense(b, A)
    P2, Q2 = P.copy(), Q.copy()
    P2[:d, :] = rng.standard_normal((d, d + 1))
    Q2[:, d] = rng.standard_normal(d + 1)
    np.testing.assert_allclose(predict(Z0, [(P2, Q2)]), dense, rtol=1e-12, atol=1e-12)


def test_forward_bad_input():
    with pytest.raises(ValueError, match="layers\\[0\\].P must have shape"):
        lsa_forward(np.zeros((2, 3, 4)), [(np.zeros((2, 2)), np.zeros((3, 3)))])
    with pytest.raises(ValueError, match="at least one"):
        lsa_forward(np.zeros((2, 3, 4)), [])
    with pytest.raises(ValueError, match="Z0 must have shape"):
        lsa_forward(np.zeros((3,)), [(np.zeros((2, 2)), np.zeros((2, 2)))])
    with pytest.raises(ValueError, match="finite"):
        predict_one_layer(np.full((1, 2, 3), np.inf), np.ones(2), np.ones((2, 1)))
    with pytest.raises(TypeError, match="layers must be"):
        lsa_forward(np.zeros((1, 2, 3)), np.zeros((1, 2, 2, 2)))
