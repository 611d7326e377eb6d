"""Tests for recovery.training.gram: the Gram-form forward pass vs lsa_forward, and the accuracy read-out."""
from __future__ import annotations

import numpy as np
import pytest

import recovery.training.loop as tr
from recovery.lsa.model import lsa_forward
from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training.loop import Subspace, compress_prompts


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


@pytest.mark.parametrize("name", ["dense", "sparse", "thm41"])
def test_gram_forward_agrees_with_lsa_forward(name):
    pr = _prompts(9, 4, 7, 4, seed=3)
    batch = compress_prompts(pr.Z0, pr.y)
    sub = Subspace(name, 4, 3)
    layers = sub.to_layers(sub.init(np.random.default_rng(5), 0.3))
    ref = lsa_forward(pr.Z0, layers)
    v = tr.forward_gram(batch.G0, batch.v0, layers)
    np.testing.assert_allclose(v, ref[:, :, -1], rtol=1e-10, atol=1e-12)
    # the loss is the mean squared error of the literal Z recursion's prediction
    loss, _ = tr.loss_and_grad_layers(batch, layers)
    assert loss == pytest.approx(np.mean((ref[:, -1, -1] - pr.y) ** 2), rel=1e-12)


def test_accuracy_rounds_and_clips():
    yhat = np.array([-0.7, 0.49, 0.51, 1.2, 2.6, 7.0])
    y = np.array([0, 0, 1, 1, 2, 2])
    assert tr.accuracy_of(yhat, y, 3) == 1.0
    assert tr.accuracy_of(yhat, y, 2) == pytest.approx(4 / 6)
