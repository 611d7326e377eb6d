"""Tests for recovery.training.loop: optimiser behaviour, model selection, interruption, time limit, bad input."""
from __future__ import annotations

import json
import time
import warnings

import numpy as np
import pytest

import recovery.training.loop as tr
from recovery.lsa.model import lsa_forward
from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts
from recovery.training.loop import GramBatch, Subspace, TrainResult, compress_prompts, train


def _prompts(B, d, n, S, seed):
    rng = np.random.default_rng(seed)
    if S == 2:
        return sample_prompts(B, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
    return sample_prompts(B, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def _fd_grad(f, theta, eps=1e-6):
    E = np.eye(theta.size)
    return np.array([(f(theta + eps * e) - f(theta - eps * e)) / (2 * eps) for e in E])


def test_training_decreases_loss_and_keeps_best():
    pr = _prompts(600, 3, 6, 2, seed=2)
    te = _prompts(600, 3, 6, 2, seed=3)
    data = (compress_prompts(pr.Z0, pr.y), compress_prompts(te.Z0, te.y))
    r = train(layers=2, d=3, n=6, subspace="dense", steps=150, lr=0.02, seed=4, data=data)
    assert r.steps_done == 151  # 150 gradient evaluations + the final iterate
    first = r.history[0][1]
    assert r.best_loss < 0.8 * first
    assert r.best_loss <= r.final_loss
    assert r.best_loss <= min(v for _, v in r.history)
    # returned params reproduce best_loss on the training set and the reported held-out metrics
    lay = r.layers()
    assert tr.loss_and_grad_layers(data[0], lay)[0] == pytest.approx(r.best_loss, rel=1e-12)
    yhat = lsa_forward(te.Z0, lay)[:, -1, -1]
    assert r.test_loss == pytest.approx(np.mean((yhat - te.y) ** 2), rel=1e-10)
    assert r.accuracy == pytest.approx(np.mean(np.clip(np.rint(yhat), 0, 1) == te.y))


def test_adam_and_lbfgs_agree_on_population_objective():
    from recovery.lsa.population import population_quadratic

    d, n = 2, 8
    q = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    pop = (np.asarray(q.H, float), np.asarray(q.h, float), float(q.c))
    te = _prompts(500, d, n, 2, seed=1)
    data = (compress_prompts(te.Z0, te.y),) * 2
    kw = dict(layers=1, d=d, n=n, subspace="sparse", objective="population", seed=0, data=data, population=pop)
    r1 = train(optimizer="lbfgs", steps=500, **kw)
    r2 = train(optimizer="adam", steps=3000, lr=0.02, **kw)
    # both are above the convex lower bound ftilde* = c - h^T H^{-1} h and agree with each other
    lower = pop[2] - pop[1] @ np.linalg.solve(pop[0], pop[1])
    assert r1.best_loss >= lower - 1e-10 and r2.best_loss >= lower - 1e-10
    assert r2.best_loss == pytest.approx(r1.best_loss, rel=2e-3)


def test_minibatch_mode_tracks_pool_loss():
    pr = _prompts(800, 2, 5, 3, seed=5)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    r = train(num_states=3, layers=2, d=2, n=5, subspace="sparse", steps=100, lr=0.02, seed=1, data=data,
              batch_size=100, eval_every=10)
    # evaluations at steps 0, 10, ..., 100 on the whole pool
    assert [k for k, _ in r.history] == list(range(0, 101, 10))
    assert tr.loss_and_grad_layers(data[0], r.layers())[0] == pytest.approx(r.best_loss, rel=1e-12)
    assert r.best_loss < r.history[0][1]


def test_keyboard_interrupt_returns_best_so_far(monkeypatch):
    pr = _prompts(300, 2, 5, 2, seed=6)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    real = tr.loss_and_grad_layers
    calls = {"k": 0}

    def flaky(batch, layers):
        calls["k"] += 1
        if calls["k"] > 40:
            raise KeyboardInterrupt
        return real(batch, layers)

    monkeypatch.setattr(tr, "loss_and_grad_layers", flaky)
    r = train(layers=2, d=2, n=5, subspace="dense", steps=1000, lr=0.05, seed=0, data=data)
    assert r.interrupted and r.steps_done == 40
    monkeypatch.setattr(tr, "loss_and_grad_layers", real)
    assert real(data[0], r.layers())[0] == pytest.approx(r.best_loss, rel=1e-12)


def test_time_limit_is_honoured():
    pr = _prompts(200, 2, 5, 2, seed=6)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    t0 = time.monotonic()
    r = train(layers=2, d=2, n=5, steps=10**8, lr=0.01, seed=0, data=data, time_limit=0.5)
    elapsed = time.monotonic() - t0
    assert 0.5 <= r.wall_time <= 0.6 and elapsed < 1.5
    assert not r.interrupted and 0 < r.steps_done < 10**8


@pytest.mark.parametrize(
    "kw, exc, msg",
    [
        (dict(steps=0), ValueError, "steps"),
        (dict(steps=2.5), TypeError, "steps"),
        (dict(lr=0.0), ValueError, "lr"),
        (dict(lr=-1e-3), ValueError, "lr"),
        (dict(num_states=5), ValueError, "num_states"),
        (dict(num_states=1), ValueError, "num_states"),
        (dict(subspace="diag"), ValueError, "subspace"),
        (dict(optimizer="sgd"), ValueError, "optimizer"),
        (dict(objective="population", layers=2), ValueError, "layers"),
        (dict(init_theta=np.zeros(3)), ValueError, "init_theta"),
        (dict(optimizer="lbfgs", batch_size=10), ValueError, "batch_size"),
        (dict(time_limit=-1.0), ValueError, "time_limit"),
    ],
)
def test_bad_input(kw, exc, msg):
    pr = _prompts(20, 2, 3, 2, seed=0)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    args = dict(layers=1, d=2, n=3, steps=2, seed=0, data=data)
    args.update(kw)
    with pytest.raises(exc, match=msg):
        train(**args)


def test_shape_mismatches_are_rejected():
    pr = _prompts(20, 2, 3, 2, seed=0)
    b = compress_prompts(pr.Z0, pr.y)
    with pytest.raises(ValueError, match="d = 2"):
        train(layers=1, d=3, n=3, steps=2, seed=0, data=(b, b))
    with pytest.raises(ValueError, match="y must have shape"):
        GramBatch(b.G0, b.v0, b.y[:-1])
    with pytest.raises(ValueError, match="theta"):
        Subspace("dense", 2, 1).to_layers(np.zeros(5))


def test_sparse_and_thm41_coordinates_train_identically():
    """thm41 is the sparse subspace with sign-flipped A coordinates; Adam is sign-equivariant per coordinate, so
    the two trainings from corresponding starts give the same losses and the same layers."""
    pr = _prompts(300, 2, 5, 3, seed=13)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    s_sp, s_t = Subspace("sparse", 2, 2), Subspace("thm41", 2, 2)
    th = s_sp.init(np.random.default_rng(1), 0.3)
    th_t = s_t.from_layers(s_sp.to_layers(th))
    kw = dict(num_states=3, layers=2, d=2, n=5, steps=60, lr=0.02, seed=0, data=data)
    r1 = train(subspace="sparse", init_theta=th, **kw)
    r2 = train(subspace="thm41", init_theta=th_t, **kw)
    assert r2.best_loss == pytest.approx(r1.best_loss, rel=1e-10)
    for (P1, Q1), (P2, Q2) in zip(r1.layers(), r2.layers()):
        np.testing.assert_allclose(P1, P2, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(Q1, Q2, rtol=1e-8, atol=1e-12)


def test_divergence_returns_best_finite_iterate():
    # lr far too large: the loss becomes non-finite; the best finite iterate is kept and flagged
    pr = _prompts(100, 2, 5, 2, seed=8)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow must not leak RuntimeWarnings
        r = train(layers=2, d=2, n=5, subspace="dense", steps=200, lr=1e150, seed=0, data=data)
    assert r.diverged and not r.interrupted and r.steps_done < 201
    assert np.isfinite(r.best_loss) and np.isfinite(r.final_loss)
    assert tr.loss_and_grad_layers(data[0], r.layers())[0] == pytest.approx(r.best_loss, rel=1e-12)
    js = json.loads(r.dumps())
    assert js["diverged"] is True and TrainResult.from_json(js) == r
    del js["diverged"]  # files written before the field existed still load
    assert TrainResult.from_json(js).diverged is False
    ok = train(layers=1, d=2, n=5, steps=5, seed=0, data=data)
    assert not ok.diverged


def test_time_limit_stop_keeps_best_parameters():
    pr = _prompts(200, 2, 5, 2, seed=9)
    data = (compress_prompts(pr.Z0, pr.y),) * 2
    r = train(layers=2, d=2, n=5, steps=10**8, lr=0.01, seed=0, data=data, time_limit=0.3)
    assert r.best_loss <= min(v for _, v in r.history)
    assert tr.loss_and_grad_layers(data[0], r.layers())[0] == pytest.approx(r.best_loss, rel=1e-12)


# ------------------------------------------------------------------------------------------------------------
# model selection on a validation split
# ------------------------------------------------------------------------------------------------------------
def _dirichlet_batch(B, seed, d=3, n=5):
    pr = _prompts(B, d, n, 3, seed)
    return compress_prompts(pr.Z0, pr.y)


def _mse(batch, layers):
    return float(np.mean((tr.predict_gram(batch, layers) - batch.y) ** 2))


@pytest.mark.parametrize("mode", [{}, {"batch_size": 10}, {"optimizer": "lbfgs"}],
                         ids=["adam-full-batch", "adam-minibatch", "lbfgs"])
def test_parameters_with_lowest_validation_loss_are_returned(mode):
    """40 training prompts, 2 dense layers: the training loss keeps falling while the validation loss turns and
    grows tenfold (over-fitting).  The returned parameters are those of the validated iterate with the lowest
    validation loss - not the last iterate, and not the one with the lowest training loss."""
    tr_b, va_b, te_b = _dirichlet_batch(40, 1), _dirichlet_batch(400, 2), _dirichlet_batch(400, 3)
    kw = dict(num_states=3, layers=2, d=3, n=5, steps=400, lr=0.02, seed=0, eval_every=10, **mode)
    r = train(data=(tr_b, va_b, te_b), **kw)
    steps, vals = zip(*r.val_history)
    assert r.val_size == 400 and steps[0] == 0 and steps[-1] >= r.steps_done - 1  # first and last iterate
    # the scenario: validation loss goes up late, far above its minimum
    assert vals[-1] > 3 * min(vals) and r.best_step < steps[-1]
    assert r.best_step == steps[int(np.argmin(vals))] and r.val_loss == min(vals)
    lay = r.layers()
    # the returned parameters reproduce the selected validation loss, training loss and test metrics ...
    assert _mse(va_b, lay) == pytest.approx(r.val_loss, rel=1e-10)
    assert _mse(tr_b, lay) == pytest.approx(r.best_loss, rel=1e-10)
    assert r.test_loss == pytest.approx(_mse(te_b, lay), rel=1e-10)
    # ... which are not those of the last iterate (validation loss vals[-1]) nor of the lowest training loss
    assert _mse(va_b, lay) < vals[-1] / 3
    assert r.best_loss > 1.5 * min(v for _, v in r.history)
    # without a validation split the same run selects by training loss and does much worse on held-out prompts
    plain = train(data=(tr_b, te_b), **kw)
    assert plain.val_size == 0 and plain.val_loss is None and plain.val_history == ()
    assert plain.best_loss <= min(v for _, v in plain.history)
    assert plain.test_loss > 2 * r.test_loss


@pytest.mark.parametrize("kw, exc, msg", [
    ({"validation": 1.0}, ValueError, r"validation must lie in \[0, 1\)"),
    ({"validation": -0.1}, ValueError, "validation must lie"),
    ({"validation": float("nan")}, ValueError, "validation must lie"),
    ({"validation": True}, TypeError, "validation must be a real number"),
    ({"validation": "0.2"}, TypeError, "validation"),
    ({"objective": "population", "validation": 0.2}, ValueError, "validation must be 0 with objective='population'"),
    ({"data": "x"}, TypeError, "data must be a tuple"),
])
def test_bad_validation_arguments(kw, exc, msg):
    b = _dirichlet_batch(20, 0, d=2, n=3)
    args = {"layers": 1, "d": 2, "n": 3, "steps": 2, "seed": 0, "data": (b, b), "num_states": 3}
    args.update(kw)
    with pytest.raises(exc, match=msg):
        train(**args)
    with pytest.raises(ValueError, match="validation must be 0 or None"):
        train(layers=1, d=2, n=3, steps=2, seed=0, data=(b, b, b), validation=0.5)
    with pytest.raises(ValueError, match="data with a validation batch needs objective='sampled'"):
        train(layers=1, d=2, n=3, steps=2, seed=0, data=(b, b, b), objective="population")


def test_defaults_hold_out_a_validation_split_and_size_the_data():
    """Without ``data``, train() samples its prompts and holds out DEFAULT_VALIDATION of them; minibatches for
    L >= 2 (the default number of prompts: tests/recovery/training/test_batches.py)."""
    r = train(num_states=2, layers=2, d=2, n=3, steps=3, seed=0, train_size=100, test_size=10)
    assert r.val_size == 20 and len(r.val_history) == 2  # steps 0 and 3
    r = train(num_states=2, layers=1, d=2, n=3, steps=3, seed=0, train_size=100, test_size=10, validation=0)
    assert r.val_size == 0 and r.val_loss is None


def test_default_three_layers_do_not_over_fit():
    """|S| = 3, d = 5, n = 10 with the default sizes: held-out MSE of 3 layers not above that of 1 layer (with
    2000 training prompts and selection by training loss it was 0.79 against 0.73)."""
    r1 = train(num_states=3, layers=1, d=5, n=10, seed=0)
    r3 = train(num_states=3, layers=3, d=5, n=10, seed=0)
    assert r1.val_size == r3.val_size == int(tr.DEFAULT_VALIDATION * tr.DEFAULT_TRAIN_SIZE)
    assert r3.test_loss <= r1.test_loss + 0.01
    assert r3.accuracy >= r1.accuracy - 0.01
    # the selected 3-layer parameters generalise: held-out MSE close to the validation MSE
    assert abs(r3.test_loss - r3.val_loss) < 0.05


def test_selection_validation_loss_needs_a_validation_batch():
    from recovery.training.selection import Selection

    sel = Selection(np.zeros(4), Subspace("sparse", 1, 1), None, 1, 10, lambda *a, **k: None)
    with pytest.raises(ValueError, match="validation batch"):
        sel.validation_loss(np.zeros(4))


def test_one_blas_thread_keeps_the_wrapped_function():
    from recovery.lsa.blas_threads import one_blas_thread

    @one_blas_thread
    def scaled(x: float, *, k: float = 2.0) -> float:
        """Docstring kept."""
        return k * x

    assert scaled(3.0, k=4.0) == 12.0
    assert scaled.__name__ == "scaled" and scaled.__doc__ == "Docstring kept."
