"""Training multilayer linear self-attention (LSA) on in-context Markov prompts (MATH.md section 2): :func:`train`.

The model, the Gram-form forward pass and the prompts are in :mod:`recovery.training.gram`, the objectives and
their analytic gradients in :mod:`recovery.training.gradients`, the parameter subspaces (``dense``, ``sparse``,
``thm41``) in :mod:`recovery.training.subspace`, the optimisers in :mod:`recovery.training.optim`, the argument
checks in :mod:`recovery.training.settings`, the training, validation and test prompts in
:mod:`recovery.training.batches` and the result type in :mod:`recovery.training.result`; their public names are
importable from here as well.

Objectives (``objective=``)
---------------------------
* ``sampled``: mean squared error on a fixed training set of sampled prompts (full batch or Adam minibatches).
* ``population`` (``L = 1`` only): the exact population objective ``ftilde(phi(b, A)) = X^T H X - 2 h^T X + c``
  of MATH.md section 4.

Speed: for ``L = 1`` with a full batch, the sampled loss is the empirical quadratic in ``X = phi(b, A)``
(:func:`empirical_quadratic`), so each step costs ``O((dm)^2)`` whatever the number of prompts.  Training runs
with the bundled OpenBLAS limited to one thread (:func:`single_blas_thread`): on the shared 2-core machine
multi-threaded OpenBLAS was up to 30x slower for the small matrices used here.

Model selection (``validation=``)
---------------------------------
With a validation split (by default a fifth of the prompts that :func:`train` samples for training; none when the
caller passes ``data``), the validation MSE is computed every ``eval_every`` steps and at the last iterate, and the
parameters with the LOWEST VALIDATION LOSS are returned (early stopping without stopping: the run goes on, the
selection keeps the best validated iterate).  A deeper LSA fits its training prompts better and better while its
held-out error grows (``|S| = 3``, L = 3, 2000 prompts: training MSE 0.55, held-out 0.79); selecting on prompts it
never trained on returns the iterate from before that point.  Without a split the parameters with the lowest
training objective are returned (:class:`recovery.training.selection.Selection`).

Accuracy: prediction rounded to the nearest state value and clipped to ``[0, S-1]``, compared with the label on
HELD-OUT prompts (never the training or validation set).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from recovery.lsa.blas_threads import one_blas_thread, single_blas_thread
from recovery.lsa.population import population_quadratic
from recovery.training.batches import (
    DEFAULT_TRAIN_BYTES,
    DEFAULT_TRAIN_SIZE,
    DEFAULT_VALIDATION,
    MIN_DEFAULT_TRAIN_SIZE,
    _batches,
    default_train_size,
)
from recovery.training.gradients import empirical_quadratic, loss_and_grad_layers, population_loss_and_grad_layers
from recovery.training.gram import (
    SUPPORTED_STATES,
    GramBatch,
    Layers,
    accuracy_of,
    compress_prompts,
    forward_gram,
    make_prompts,
    predict_gram,
    prior_and_init,
)
from recovery.training.optim import Progress, adam, lbfgs
from recovery.training.result import SCHEMA, TrainResult
from recovery.training.selection import Selection
from recovery.training.settings import OBJECTIVES, OPTIMIZERS, _check_data, _check_settings, _Settings
from recovery.training.subspace import SUBSPACES, Subspace
from recovery.validation import check_rng

#: Adam minibatch size for L >= 2 when the prompts are sampled by :func:`train` and ``batch_size`` is None
DEFAULT_BATCH_SIZE = 800
#: ``layers -> (objective, [(gP, gQ), ...])``: a training objective and its gradient per layer
LayerObjective = Callable[[Layers], tuple[float, list[tuple[np.ndarray, np.ndarray]]]]

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_TRAIN_BYTES",
    "DEFAULT_TRAIN_SIZE",
    "DEFAULT_VALIDATION",
    "MIN_DEFAULT_TRAIN_SIZE",
    "OBJECTIVES",
    "OPTIMIZERS",
    "SCHEMA",
    "SUBSPACES",
    "SUPPORTED_STATES",
    "GramBatch",
    "Layers",
    "Subspace",
    "TrainResult",
    "accuracy_of",
    "compress_prompts",
    "default_train_size",
    "empirical_quadratic",
    "forward_gram",
    "loss_and_grad_layers",
    "make_prompts",
    "population_loss_and_grad_layers",
    "predict_gram",
    "single_blas_thread",
    "train",
]


def _layer_objective(cfg: _Settings, train_b: GramBatch, batch_size: int | None, population: Any,
                     p: float) -> LayerObjective:
    """``layers -> (objective, [(gP, gQ), ...])`` of the full training objective."""
    if cfg.objective == "population":
        if population is None:
            population = _population_for(cfg.num_states, cfg.d, cfg.n, p, population_quadratic)
        H, h, c = (np.asarray(population[0], float), np.asarray(population[1], float), float(population[2]))
        return lambda lay: population_loss_and_grad_layers(H, h, c, lay)
    if cfg.L == 1 and (batch_size is None or batch_size >= train_b.size):
        # one layer, full batch: the sampled loss is the EMPIRICAL quadratic in X = phi(b, A) (MATH.md section 3),
        # so each step costs O((dm)^2) instead of O(B d^3)
        He, he, ce = empirical_quadratic(train_b)
        return lambda lay: population_loss_and_grad_layers(He, he, ce, lay)
    return lambda lay: loss_and_grad_layers(train_b, lay)


class _Steps:
    """The callbacks the optimisers see: ``fg`` (full objective and gradient, every call tracked), ``grad`` and
    ``on_step`` for Adam (minibatch gradients, the whole pool evaluated every ``eval_every`` steps) and
    ``finish`` (track the last iterate)."""

    def __init__(self, sub: Subspace, layer_fg: LayerObjective, sel: Selection, train_b: GramBatch,
                 batch_size: int | None, minibatch: bool, rng: np.random.Generator) -> None:
        self.sub, self.layer_fg, self.sel, self.train_b = sub, layer_fg, sel, train_b
        self.batch_size, self.minibatch, self.rng = batch_size, minibatch, rng
        if minibatch:
            self.idx, self.pos = rng.permutation(train_b.size), 0
            self.evaluate(sel.theta, 0)

    def fg(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grads = self.layer_fg(self.sub.to_layers(theta))
        k = self.sel.evaluations
        self.sel.evaluations = k + 1
        self.sel.record(theta, loss, k)
        return loss, self.sub.grad_to_theta(grads)

    def grad(self, theta: np.ndarray, k: int) -> np.ndarray:
        if not self.minibatch:
            return self.fg(theta)[1]
        tb, bs = self.train_b, self.batch_size
        if bs is None:
            raise ValueError("minibatch gradients need a batch_size")
        if self.pos + bs > tb.size:
            self.idx, self.pos = self.rng.permutation(tb.size), 0
        sel = self.idx[self.pos : self.pos + bs]
        self.pos += bs
        _, grads = loss_and_grad_layers(GramBatch(tb.G0[sel], tb.v0[sel], tb.y[sel]), self.sub.to_layers(theta))
        self.sel.evaluations = k + 1
        return self.sub.grad_to_theta(grads)

    def evaluate(self, theta: np.ndarray, k: int) -> None:
        # the tracked objective is the loss on the WHOLE training pool
        yhat = predict_gram(self.train_b, self.sub.to_layers(theta))
        self.sel.record(theta, float(np.mean((yhat - self.train_b.y) ** 2)), k)

    def on_step(self, theta: np.ndarray, k: int) -> None:
        if self.minibatch and k % self.sel.eval_every == 0:
            self.evaluate(theta, k)

    def finish(self, theta_last: np.ndarray) -> None:
        self.sel.final = True
        if self.minibatch:
            self.evaluate(theta_last, self.sel.evaluations)
        else:
            self.fg(theta_last)


def _optimise(cfg: _Settings, steps: _Steps, theta0: np.ndarray) -> tuple[bool, bool]:
    """Run the optimiser; returns ``(interrupted, diverged)``."""
    deadline = None if cfg.time_limit is None else time.monotonic() + cfg.time_limit
    # overflow in a diverging run is detected by Selection.record (non-finite loss): no RuntimeWarning noise
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            theta_last: np.ndarray | None
            if cfg.optimizer == "adam":
                theta_last = adam(steps.grad, theta0, cfg.steps, cfg.lr, deadline, steps.on_step)
            else:
                theta_last = lbfgs(steps.fg, theta0, cfg.steps, deadline)
            if theta_last is not None:
                steps.finish(theta_last)
        except KeyboardInterrupt:
            return True, False
        except FloatingPointError:
            if steps.sel.step is None:
                raise
            return False, True
    return False, False


@one_blas_thread
def train(
    *,
    num_states: int = 2,
    layers: int = 1,
    d: int = 5,
    n: int = 10,
    subspace: str = "dense",
    optimizer: str = "adam",
    objective: str = "sampled",
    steps: int = 1000,
    lr: float = 0.01,
    seed: int | np.random.Generator = 0,
    train_size: int | None = None,
    test_size: int = 2000,
    batch_size: int | None = None,
    eval_every: int = 25,
    p: float = 0.5,
    init_scale: float = 0.1,
    time_limit: float | None = None,
    progress: bool = False,
    data: tuple[GramBatch, ...] | None = None,
    population: tuple[np.ndarray, np.ndarray, float] | None = None,
    init_theta: np.ndarray | None = None,
    validation: float | None = None,
) -> TrainResult:
    """Train an L-layer LSA and return the selected parameters.

    The model is the L-layer LSA of paper eq. (2.2) (``Z <- Z + (1/n) P_l Z M Z^T Q_l Z``,
    prediction ``Z_L[d, n]``), trained on in-context Markov prompts as in paper Section 4, in the
    Gram form of :mod:`recovery.training.gram`.  Which iterate is returned is described under "Model
    selection" in the module docstring.

    Data: ``train_size`` training (default :func:`default_train_size`) and ``test_size`` held-out
    prompts are sampled from ``seed``, or given as ``data=(train_batch, test_batch)`` or
    ``data=(train_batch, validation_batch, test_batch)``.  With a validation split, the validation MSE
    is computed every ``eval_every`` steps and at the last iterate, and the parameters with the lowest
    validation MSE are returned; without one, those with the lowest training objective.

    Minibatches: with ``batch_size`` smaller than the training pool Adam uses minibatches drawn
    without replacement from the pool and the tracked objective is the loss on the whole pool,
    evaluated every ``eval_every`` steps; otherwise every step is full batch.  One layer needs no
    minibatches: its full-batch step costs ``O((dm)^2)`` whatever the number of prompts
    (:func:`empirical_quadratic`).

    Stops after ``steps`` iterations or ``time_limit`` seconds; Ctrl-C returns the result selected so
    far with ``interrupted=True``.  Runs with the bundled OpenBLAS limited to one thread
    (:func:`single_blas_thread`).

    Parameters
    ----------
    num_states : int, optional
        ``|S|``, one of :data:`SUPPORTED_STATES` (2, 3, 4); default 2.
    layers : int, optional
        Number of layers ``L >= 1``; default 1.
    d : int, optional
        Chain length minus one (``d >= 1``); default 5.
    n : int, optional
        Number of context chains (``n >= 1``); default 10.
    subspace : {"dense", "sparse", "thm41"}, optional
        Parameter subspace (:class:`Subspace`); default ``"dense"``.
    optimizer : {"adam", "lbfgs"}, optional
        ``adam`` (learning rate ``lr``) or ``lbfgs`` (L-BFGS-B, full batch); default ``"adam"``.
    objective : {"sampled", "population"}, optional
        ``sampled``: mean squared error on the training prompts; ``population`` (``L = 1`` only):
        minimises the exact ``ftilde(phi(b, A))`` (MATH.md section 4).  Default ``"sampled"``.
    steps : int, optional
        Iteration budget (``>= 1``); default 1000.
    lr : float, optional
        Adam learning rate (``> 0``); default 0.01.
    seed : int or numpy.random.Generator, optional
        Source of the prompts, the validation split, the minibatches and the initial parameters;
        default 0.  A Generator is recorded as ``seed = -1`` in the result.
    train_size : int, optional
        Prompts sampled for training, validation split included (``>= 1``); default
        :func:`default_train_size` ``(d)``.  Ignored with ``data``.
    test_size : int, optional
        Held-out prompts sampled for ``test_loss`` and ``accuracy`` (``>= 1``); default 2000.
    batch_size : int, optional
        Adam minibatch size (``>= 1``; not allowed with ``lbfgs``).  ``None``: full batch, except for
        ``L >= 2`` on prompts sampled here (no ``data``), where minibatches of
        :data:`DEFAULT_BATCH_SIZE` keep a step's cost independent of ``train_size``.
    eval_every : int, optional
        Validation (and, with minibatches, pool evaluation) period in steps (``>= 1``); default 25.
    p : float, optional
        ``P(x_1 = 1)`` of the binary initial law; default 0.5.
    init_scale : float, optional
        Standard deviation of the random initial coordinates (``> 0``); default 0.1.
    time_limit : float, optional
        Wall-clock limit in seconds (``> 0``); ``None`` for none.
    progress : bool, optional
        Print a throttled progress line on stderr.
    data : tuple of GramBatch, optional
        ``(train, test)`` or ``(train, validation, test)`` prompts instead of sampling them.
    population : tuple (H, h, c), optional
        The population quadratic for ``objective='population'``; computed with
        ``recovery.lsa.population.population_quadratic`` when not given.
    init_theta : numpy.ndarray, optional
        Initial coordinates, shape ``(Subspace(subspace, d, layers).size,)``; random when not given.
    validation : float, optional
        Fraction in ``[0, 1)`` of the training prompts held out (a random subset) for model
        selection.  Default :data:`DEFAULT_VALIDATION` when the prompts are sampled here, 0 when
        ``data`` is given (a three-part ``data`` brings its own validation prompts), always 0 for
        ``objective='population'``.

    Returns
    -------
    TrainResult
        ``params``: the selected coordinates; ``final_loss``: the training objective at the last
        iterate; ``best_loss``: the training objective at the returned parameters; ``val_loss``: their
        validation MSE; ``test_loss`` and ``accuracy``: on the held-out test prompts.

    Raises
    ------
    TypeError
        If an argument has the wrong type (e.g. ``data`` is not a tuple of :class:`GramBatch`).
    ValueError
        If an argument is out of range or the arguments do not fit together (e.g.
        ``objective='population'`` with ``layers > 1``, ``batch_size`` with ``lbfgs``, a validation
        split that leaves an empty part, ``data`` of another ``d``, ``init_theta`` of the wrong shape).

    Examples
    --------
    >>> import numpy as np
    >>> r = train(layers=1, d=2, n=4, steps=5, train_size=50, test_size=20, seed=np.random.default_rng(0))
    >>> r.num_layers, r.val_size, len(r.params) == Subspace("dense", 2, 1).size
    (1, 10, True)
    >>> 0.0 <= r.accuracy <= 1.0 and r.best_loss <= r.history[0][1]
    True
    """
    # long for its keyword signature and docstring only: the body is the sequence of steps defined above
    cfg = _check_settings(num_states, layers, d, n, steps, lr, init_scale, time_limit, batch_size, eval_every,
                          optimizer, objective, validation)
    _check_data(data, cfg)
    sub = Subspace(subspace, cfg.d, cfg.L)
    rng = check_rng(seed, "seed")
    train_b, val_b, test_b = _batches(cfg, data, train_size, test_size, p, rng)
    batch_size = cfg.batch_size
    if batch_size is None and data is None and objective == "sampled" and cfg.L >= 2 and optimizer == "adam":
        batch_size = DEFAULT_BATCH_SIZE
    layer_fg = _layer_objective(cfg, train_b, batch_size, population, p)
    theta0 = sub.init(rng, cfg.init_scale) if init_theta is None else np.asarray(init_theta, dtype=float).copy()
    if theta0.shape != (sub.size,):
        raise ValueError(f"init_theta must have shape ({sub.size},), got {theta0.shape}")
    prog = Progress(progress, f"S={cfg.num_states} L={cfg.L} {subspace}")
    sel = Selection(theta0, sub, val_b, cfg.eval_every, cfg.steps, prog)
    minibatch = objective == "sampled" and batch_size is not None and batch_size < train_b.size
    callbacks = _Steps(sub, layer_fg, sel, train_b, batch_size, minibatch, rng)
    t0 = time.monotonic()
    interrupted, diverged = _optimise(cfg, callbacks, theta0)
    wall = time.monotonic() - t0
    prog(sel.evaluations, cfg.steps, sel.last, sel.loss, force=True, val=sel.shown_val)
    yhat = predict_gram(test_b, sub.to_layers(sel.theta))
    return TrainResult(
        subspace=subspace, num_states=cfg.num_states, num_layers=cfg.L, d=cfg.d, n=cfg.n,
        seed=int(seed) if not isinstance(seed, np.random.Generator) else -1,
        optimizer=optimizer, objective=objective, final_loss=float(sel.last), best_loss=float(sel.loss),
        test_loss=float(np.mean((yhat - test_b.y) ** 2)), accuracy=accuracy_of(yhat, test_b.y, cfg.num_states),
        params=tuple(sel.theta.tolist()), history=tuple(sel.history), steps_done=sel.evaluations, wall_time=wall,
        interrupted=interrupted, diverged=diverged, val_loss=None if val_b is None else float(sel.val),
        val_size=0 if val_b is None else val_b.size, best_step=sel.step, val_history=tuple(sel.val_history),
    )


def _population_for(num_states: int, d: int, n: int, p: float,
                    population_quadratic: Callable[..., Any]) -> tuple[np.ndarray, np.ndarray, float]:
    """Exact ``(H, h, c)`` from ``population_quadratic`` for the prior of :func:`make_prompts`.

    Binary: uniform kernel prior, Bern(p) start; ``|S| >= 3``: Dirichlet(1) rows, uniform start.
    """
    prior, init = prior_and_init(num_states, p)
    q = population_quadratic(d, n, prior=prior, init=init)
    return np.asarray(q.H, dtype=float), np.asarray(q.h, dtype=float), float(q.c)
