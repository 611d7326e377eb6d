"""Tests for recovery.training.batches: the validation split and the default number of training prompts."""
from __future__ import annotations

import numpy as np
import pytest

import recovery.training.batches as tr
from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training.loop import compress_prompts, train


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def _dirichlet_batch(B, seed, d=3, n=5):
    pr = _prompts(B, d, n, 3, seed)
    return compress_prompts(pr.Z0, pr.y)


def test_validation_split_is_a_disjoint_random_subset():
    b = _dirichlet_batch(50, 4)
    rest, val = tr._split(b, 0.2, np.random.default_rng(0))
    assert (rest.size, val.size) == (40, 10)
    rows = {tuple(np.round(g.ravel(), 12)) for g in b.G0}
    got = [tuple(np.round(g.ravel(), 12)) for g in np.concatenate([rest.G0, val.G0])]
    assert len(set(got)) == 50 and set(got) == rows
    # the validation split of train(): carved from the training prompts, its size reported
    r = train(num_states=3, layers=1, d=3, n=5, steps=5, seed=0, data=(b, b), validation=0.2)
    assert r.val_size == 10 and r.val_loss is not None
    # a fraction that leaves either part empty is refused, naming the argument
    with pytest.raises(ValueError, match="validation"):
        train(num_states=3, layers=1, d=3, n=5, steps=5, seed=0, data=(b, b), validation=0.001)


def test_default_train_size_shrinks_only_for_large_d():
    assert tr.default_train_size(5) == tr.DEFAULT_TRAIN_SIZE
    assert tr.default_train_size(200) == tr.MIN_DEFAULT_TRAIN_SIZE
    big = tr.default_train_size(100)
    assert tr.MIN_DEFAULT_TRAIN_SIZE < big < tr.DEFAULT_TRAIN_SIZE and 8 * 101**2 * big <= tr.DEFAULT_TRAIN_BYTES
