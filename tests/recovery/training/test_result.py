"""Tests for recovery.training.result: the JSON form of TrainResult."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training.loop import compress_prompts, train
from recovery.training.result import TrainResult


def _dirichlet_batch(B, seed, d=3, n=5):
    rng = np.random.default_rng(seed)
    pr = sample_prompts(B, d, n, prior=DirichletPrior(3, 1.0), init=UniformInit(), rng=rng)
    return compress_prompts(pr.Z0, pr.y)


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def test_json_round_trip_and_validation():
    pr = _prompts(100, 2, 4, 4, seed=0)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    r = train(num_states=4, layers=2, d=2, n=4, subspace="thm41", steps=20, seed=3, data=data)
    js = json.loads(r.dumps())
    assert set(js["params"][0]) == {"b", "Abar", "a"}
    assert TrainResult.from_json(js) == r
    js["theta"] = js["theta"][:-1]
    with pytest.raises(ValueError, match="params"):
        TrainResult.from_json(js)
    with pytest.raises(ValueError, match="final_loss"):
        TrainResult.from_json({k: v for k, v in r.to_json().items() if k != "final_loss"})


def test_json_round_trip_with_validation_fields():
    b = _dirichlet_batch(60, 5, d=2, n=3)
    r = train(num_states=3, layers=2, d=2, n=3, steps=30, seed=1, data=(b, b), validation=0.25, eval_every=5)
    js = json.loads(r.dumps())
    assert js["val_size"] == 15 and js["best_step"] == r.best_step and len(js["val_history"]) == len(r.val_history)
    assert TrainResult.from_json(js) == r
    for k in ("val_loss", "val_size", "best_step", "val_history"):  # files written before these fields
        del js[k]
    old = TrainResult.from_json(js)
    assert old.val_size == 0 and old.val_loss is None and old.best_step is None and old.val_history == ()
