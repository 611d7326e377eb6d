"""Training multilayer linear self-attention (LSA) on in-context Markov prompts (MATH.md section 2).

Model (paper eq. for LSA, MATH.md section 2): ``L`` layers, each
``Z <- Z + (1/n) P_l Z M Z^T Q_l Z`` with ``M = diag(1, ..., 1, 0)`` of size ``n + 1``; the prediction is
``yhat = Z_L[d, n]`` (0-based; the paper's ``Z_L[d+1, n+1]``).  Loss: mean squared error over prompts.

Gram compression (why training cost does not grow with ``n``)
--------------------------------------------------------------
Write ``G_l = (1/n) Z_l M Z_l^T`` (a (d+1) x (d+1) symmetric matrix per prompt).  One layer is
``Z_{l+1} = E_l Z_l`` with ``E_l = I + P_l G_l Q_l``, hence

* ``G_{l+1} = E_l G_l E_l^T``  and
* the query column ``v_{l+1} = E_l v_l`` (``v_0 = Z_0[:, n] = (x_{n+1}; 0)``).

So the whole L-layer forward pass needs only ``G_0`` (shape (B, d+1, d+1)) and ``v_0`` (shape (B, d+1)) per
prompt: cost ``O(B L d^3)`` instead of ``O(B L d^2 n)``.  ``tests/test_training.py`` checks this against
``recovery.lsa.model.lsa_forward`` (the literal Z recursion).

Analytic gradients (hand-written reverse mode)
-----------------------------------------------
With upstream gradients ``gG' = dLoss/dG_{l+1}`` and ``gv' = dLoss/dv_{l+1}`` and ``G = G_l`` symmetric:

* ``gE = (gG' + gG'^T) E G + gv' v^T``
* ``gG_l = E^T gG' E + P^T gE Q^T``,  ``gv_l = E^T gv'``
* ``gP_l = sum_batch gE Q^T G``,  ``gQ_l = sum_batch G P^T gE``

(from ``dG' = dE G E^T + E dG E^T + E G dE^T`` and ``dE = dP G Q + P dG Q + P G dQ``).  The tests compare
them with central finite differences.

Parameter subspaces (``subspace=``)
-----------------------------------
* ``dense``: every ``P_l, Q_l`` free (2 L (d+1)^2 parameters).
* ``sparse``: only the last row ``b_l`` of ``P_l`` and the first ``d`` columns ``A_l`` of ``Q_l`` free
  (the paper's sparse view; for ``L = 1`` this is ``(b, A)`` of MATH.md section 3).
* ``thm41``: ``P_l = [0; b_l^T]``, ``Q_l = [A_l, 0]`` with ``A_l = -[Abar_l; a_l^T]`` (paper Thm 4.1,
  MATH.md section 6).  As a SET this is the same subspace as ``sparse``; only the coordinates differ
  (``Abar_l``, ``a_l`` instead of ``A_l``: a sign flip and a split), which is what ``recovery.training.thm41`` needs.

Objectives (``objective=``)
---------------------------
* ``sampled``: mean squared error on a fixed training set of sampled prompts (full batch).
* ``population`` (``L = 1`` only): the exact population objective ``ftilde(phi(b, A)) = X^T H X - 2 h^T X + c``
  of MATH.md section 4, with ``(b, A) = (P[d, :], Q[:, :d])``; gradient by the chain rule through the bilinear
  ``phi``: ``grad_b = C(A)^T (2 H X - 2 h)`` with ``C(A) = phi_matrix_in_b(A)``, and
  ``grad_vec(A) = M(b)^T (2 H X - 2 h)`` with ``M(b) = phi_matrix_in_A(b)`` (column-major vec).

Speed: for ``L = 1`` with a full batch, the sampled loss is the empirical quadratic ``X^T H_B X - 2 h_B^T X + c_B`` in
``X = phi(b, A)`` (:func:`empirical_quadratic`), so each step costs ``O((dm)^2)`` whatever the number of prompts.
Training runs with the bundled OpenBLAS limited to one thread (:func:`single_thread_blas`): on the shared 2-core
machine multi-threaded OpenBLAS was up to 30x slower for the small matrices used here.

Model selection (``validation=``)
--------------------------------
With a validation split (by default a fifth of the prompts that :func:`train` samples for training; none when the
caller passes ``data``), the validation MSE is computed every ``eval_every`` steps and at the last iterate, and the
parameters with the LOWEST VALIDATION LOSS are returned (early stopping without stopping: the run goes on, the
selection keeps the best validated iterate).  A deeper LSA fits its training prompts better and better while its
held-out error grows (|S| = 3, L = 3, 2000 prompts: training MSE 0.55, held-out 0.79); selecting on prompts it
never trained on returns the iterate from before that point.  Without a split the parameters with the lowest
training objective are returned.

Accuracy: prediction rounded to the nearest state value and clipped to ``[0, S-1]``, compared with the label on
HELD-OUT prompts (never the training or validation set).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

SCHEMA = "lsahard.train_result/1"
SUBSPACES = ("dense", "sparse", "thm41")
OPTIMIZERS = ("adam", "lbfgs")
OBJECTIVES = ("sampled", "population")
SUPPORTED_STATES = (2, 3, 4)
#: fraction of the sampled training prompts held out for model selection when ``validation`` is not given
DEFAULT_VALIDATION = 0.2
#: prompts sampled for training (validation split included) when ``data`` and ``train_size`` are not given,
#: unless their compressed form would exceed :data:`DEFAULT_TRAIN_BYTES` (see :func:`default_train_size`)
DEFAULT_TRAIN_SIZE = 8000
#: memory for the compressed training prompts (8 (d+1)^2 bytes each) that the default size stays within
DEFAULT_TRAIN_BYTES = 256 * 2**20
#: the default never goes below this many training prompts
MIN_DEFAULT_TRAIN_SIZE = 2000
#: Adam minibatch size for L >= 2 when the prompts are sampled by :func:`train` and ``batch_size`` is None
DEFAULT_BATCH_SIZE = 800

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_TRAIN_BYTES",
    "DEFAULT_TRAIN_SIZE",
    "DEFAULT_VALIDATION",
    "MIN_DEFAULT_TRAIN_SIZE",
    "GramBatch",
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
    "single_thread_blas",
    "train",
]


# --------------------------------------------------------------------------------------------------------------
# validation helpers (kept local so this module does not depend on the exact signatures of recovery.validation)
# --------------------------------------------------------------------------------------------------------------
def _int(x: Any, name: str, min_value: int | None = None) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(x).__name__}")
    x = int(x)
    if min_value is not None and x < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {x}")
    return x


def _pos_real(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite positive number, got {x}")
    return x


def _fraction(x: Any, name: str) -> float:
    """``x`` as a float in ``[0, 1)``.

    Parameters
    ----------
    x : real number
        The value to check.
    name : str
        Argument name used in the error message.

    Returns
    -------
    float
        ``x`` as a float.

    Raises
    ------
    TypeError
        If ``x`` is not a real number (bools are refused).
    ValueError
        If ``x`` is not finite or outside ``[0, 1)``.
    """
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x) or not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must lie in [0, 1), got {x}")
    return x


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or numpy.random.Generator, got {type(seed).__name__}")
    return np.random.default_rng(int(seed))


@contextlib.contextmanager
def single_thread_blas():
    """Best effort: run the block with the bundled OpenBLAS libraries of numpy and scipy limited to one thread
    (restored afterwards).  On a shared, oversubscribed 2-core machine multi-threaded OpenBLAS spins and made
    e.g. a 1000 x 660 ``lstsq`` 30x slower in our measurements; without such libraries this does nothing."""
    import ctypes

    handles = []
    for pkg in ("numpy", "scipy"):
        try:
            mod = __import__(pkg)
            libdir = Path(mod.__file__).resolve().parent.parent / f"{pkg}.libs"
            for f in sorted(libdir.glob("libscipy_openblas*.so")):
                lib = ctypes.CDLL(str(f))
                for suffix in ("64_", ""):
                    get = getattr(lib, f"scipy_openblas_get_num_threads{suffix}", None)
                    put = getattr(lib, f"scipy_openblas_set_num_threads{suffix}", None)
                    if get is not None and put is not None:
                        handles.append((put, int(get())))
                        put(1)
                        break
        except Exception:  # pragma: no cover - platform without the bundled libraries
            continue
    try:
        yield
    finally:
        for put, old in handles:
            put(old)


# --------------------------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GramBatch:
    """Prompts compressed to what an LSA needs: ``G0`` (B, d+1, d+1), ``v0`` (B, d+1), labels ``y`` (B,)."""

    G0: np.ndarray
    v0: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        G0 = np.asarray(self.G0, dtype=float)
        v0 = np.asarray(self.v0, dtype=float)
        y = np.asarray(self.y, dtype=float)
        if G0.ndim != 3 or G0.shape[1] != G0.shape[2]:
            raise ValueError(f"G0 must have shape (B, d+1, d+1), got {G0.shape}")
        if v0.shape != G0.shape[:2]:
            raise ValueError(f"v0 must have shape {G0.shape[:2]}, got {v0.shape}")
        if y.shape != G0.shape[:1]:
            raise ValueError(f"y must have shape {G0.shape[:1]}, got {y.shape}")
        object.__setattr__(self, "G0", G0)
        object.__setattr__(self, "v0", v0)
        object.__setattr__(self, "y", y)

    @property
    def size(self) -> int:
        return int(self.G0.shape[0])

    @property
    def d(self) -> int:
        return int(self.G0.shape[1]) - 1


def compress_prompts(Z0: np.ndarray, y: np.ndarray) -> GramBatch:
    """``Z0`` (B, d+1, n+1), ``y`` (B,) -> GramBatch with ``G0 = (1/n) sum_{i<n} z_i z_i^T`` and ``v0 = Z0[:, :, n]``."""
    Z0 = np.asarray(Z0, dtype=float)
    if Z0.ndim != 3 or Z0.shape[2] < 2:
        raise ValueError(f"Z0 must have shape (B, d+1, n+1) with n >= 1, got {Z0.shape}")
    n = Z0.shape[2] - 1
    ctx = Z0[:, :, :n]
    G0 = np.matmul(ctx, ctx.transpose(0, 2, 1)) / n
    return GramBatch(G0=G0, v0=Z0[:, :, n].copy(), y=np.asarray(y, dtype=float))


def _prior_and_init(num_states: int, p: float):
    from recovery.lsa import prompts as _pr
    if num_states == 2:
        return _pr.UniformBinaryPrior(), _pr.BernoulliInit(p)
    return _pr.DirichletPrior(num_states, 1.0), _pr.UniformInit()


def make_prompts(
    size: int, d: int, n: int, *, num_states: int = 2, p: float = 0.5, rng: np.random.Generator
) -> GramBatch:
    """Sample ``size`` prompts with ``recovery.lsa.prompts.sample_prompts`` and compress them.

    Binary: kernel prior ``p01, p10 ~ U(0,1)`` and initial state ``Bern(p)``; ``|S| >= 3``: Dirichlet(1) rows and a
    uniform initial state (MATH.md section 1).
    """
    from recovery.lsa.prompts import sample_prompts

    if num_states not in SUPPORTED_STATES:
        raise ValueError(f"num_states must be one of {SUPPORTED_STATES}, got {num_states}")
    prior, init = _prior_and_init(num_states, p)
    pr = sample_prompts(size, d, n, prior=prior, init=init, rng=rng)
    return compress_prompts(pr.Z0, pr.y)


# --------------------------------------------------------------------------------------------------------------
# forward and backward in Gram form
# --------------------------------------------------------------------------------------------------------------
Layers = Sequence[tuple[np.ndarray, np.ndarray]]


def forward_gram(G0: np.ndarray, v0: np.ndarray, layers: Layers, *, keep: bool = False):
    """L-layer LSA in Gram form.  Returns the final query column ``v_L`` (B, d+1) (prediction ``v_L[:, d]``);
    with ``keep=True`` also the lists of per-layer inputs ``Gs`` and maps ``Es`` (for the backward pass)."""
    D = G0.shape[-1]
    eye = np.eye(D)
    G, v = G0, v0
    Gs, Es = [], []
    for P, Q in layers:
        E = eye + np.matmul(np.matmul(P, G), Q)
        if keep:
            Gs.append(G)
            Es.append(E)
        G = np.matmul(np.matmul(E, G), E.transpose(0, 2, 1))
        v = np.einsum("bij,bj->bi", E, v)
    return (v, Gs, Es) if keep else v


def _bsum_mm(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``sum_b X_b @ Y_b`` for (B, D, D) stacks as ONE gemm (einsum's path for this is ~10x slower)."""
    B, D, K = X.shape
    return X.transpose(1, 0, 2).reshape(D, B * K) @ Y.reshape(B * K, Y.shape[2])


def _backward(layers: Layers, Gs, Es, v0: np.ndarray, gv: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Reverse mode through the Gram-form layers (formulas in the module docstring)."""
    grads: list[tuple[np.ndarray, np.ndarray]] = [None] * len(layers)  # type: ignore[list-item]
    # query columns entering each layer (recomputed forward: cheap, O(B L D^2))
    vs = [v0]
    for E in Es[:-1]:
        vs.append(np.einsum("bij,bj->bi", E, vs[-1]))
    gG = None
    for l in range(len(layers) - 1, -1, -1):
        P, Q = layers[l]
        G, E, v = Gs[l], Es[l], vs[l]
        gE = gv[:, :, None] * v[:, None, :]
        if gG is not None:
            gE = gE + np.matmul(np.matmul(gG + gG.transpose(0, 2, 1), E), G)
        gP = _bsum_mm(np.matmul(gE, Q.T), G)  # sum_b gE Q^T G
        gQ = _bsum_mm(np.matmul(G, P.T), gE)  # sum_b G P^T gE
        grads[l] = (gP, gQ)
        gG_in = np.matmul(np.matmul(P.T, gE), Q.T)
        if gG is not None:
            gG_in = gG_in + np.matmul(np.matmul(E.transpose(0, 2, 1), gG), E)
        gG = gG_in
        gv = np.einsum("bji,bj->bi", E, gv)
    return grads


def loss_and_grad_layers(batch: GramBatch, layers: Layers) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Mean squared error ``(1/B) sum (yhat - y)^2`` and its gradient w.r.t. every ``(P_l, Q_l)``."""
    d = batch.d
    v, Gs, Es = forward_gram(batch.G0, batch.v0, layers, keep=True)
    r = v[:, d] - batch.y
    loss = float(np.mean(r * r))
    gv = np.zeros_like(v)
    gv[:, d] = 2.0 * r / batch.size
    return loss, _backward(layers, Gs, Es, batch.v0, gv)


def predict_gram(batch: GramBatch, layers: Layers) -> np.ndarray:
    return forward_gram(batch.G0, batch.v0, layers)[:, batch.d]


def accuracy_of(yhat: np.ndarray, y: np.ndarray, num_states: int) -> float:
    """Fraction of prompts whose prediction rounded to the nearest state (clipped to [0, S-1]) equals the label."""
    pred = np.clip(np.rint(yhat), 0, num_states - 1)
    return float(np.mean(pred == np.rint(y)))


# --------------------------------------------------------------------------------------------------------------
# population objective (L = 1)
# --------------------------------------------------------------------------------------------------------------
def population_loss_and_grad_layers(H: np.ndarray, h: np.ndarray, c: float, layers: Layers):
    """``ftilde(phi(b, A))`` with ``(b, A) = (P[d, :], Q[:, :d])`` of the single layer, and its gradient as
    ``[(gP, gQ)]`` (nonzero only in the last row of gP and the first d columns of gQ)."""
    from recovery.lsa.reparam import phi, phi_matrix_in_A, phi_matrix_in_b

    if len(layers) != 1:
        raise ValueError(f"the population objective needs exactly 1 layer, got {len(layers)}")
    P, Q = layers[0]
    D = P.shape[0]
    d = D - 1
    b, A = P[d, :].copy(), Q[:, :d].copy()
    X = phi(b, A)
    HX = H @ X
    loss = float(X @ HX - 2.0 * h @ X + c)
    gX = 2.0 * (HX - h)
    gb = phi_matrix_in_b(A).T @ gX
    gA = (phi_matrix_in_A(b).T @ gX).reshape((D, d), order="F")
    gP = np.zeros_like(P)
    gQ = np.zeros_like(Q)
    gP[d, :] = gb
    gQ[:, :d] = gA
    return loss, [(gP, gQ)]


def empirical_quadratic(batch: GramBatch) -> tuple[np.ndarray, np.ndarray, float]:
    """``(H, h, c)`` with ``(1/B) sum (F_b X - y_b)^2 = X^T H X - 2 h^T X + c``, ``F_b = x_{n+1} kron g`` the
    one-layer features (``recovery.lsa.reparam.features``): ``H = F^T F / B``, ``h = F^T y / B``, ``c = mean(y^2)``."""
    from recovery.lsa.reparam import gvec

    d = batch.d
    g = gvec(batch.G0)
    x = batch.v0[:, :d]
    F = (x[:, :, None] * g[:, None, :]).reshape(batch.size, -1)
    return F.T @ F / batch.size, F.T @ batch.y / batch.size, float(np.mean(batch.y**2))


# --------------------------------------------------------------------------------------------------------------
# parameter subspaces
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subspace:
    """Coordinates ``theta`` (flat float64 vector) of a family of L-layer LSA parameters (see module docstring)."""

    name: str
    d: int
    num_layers: int

    def __post_init__(self) -> None:
        if self.name not in SUBSPACES:
            raise ValueError(f"subspace must be one of {SUBSPACES}, got {self.name!r}")
        _int(self.d, "d", 1)
        _int(self.num_layers, "layers", 1)

    @property
    def per_layer(self) -> int:
        D = self.d + 1
        return 2 * D * D if self.name == "dense" else D + D * self.d

    @property
    def size(self) -> int:
        return self.per_layer * self.num_layers

    def _chunks(self, theta: np.ndarray):
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.size,):
            raise ValueError(f"theta must have shape ({self.size},), got {theta.shape}")
        k = self.per_layer
        return [theta[l * k : (l + 1) * k] for l in range(self.num_layers)]

    def to_layers(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        d, D = self.d, self.d + 1
        out = []
        for c in self._chunks(theta):
            if self.name == "dense":
                out.append((c[: D * D].reshape(D, D).copy(), c[D * D :].reshape(D, D).copy()))
                continue
            P = np.zeros((D, D))
            Q = np.zeros((D, D))
            P[d, :] = c[:D]
            if self.name == "sparse":
                Q[:, :d] = c[D:].reshape(D, d)
            else:  # thm41: c = (b, vec Abar (d x d, row-major), a); A = -[Abar; a^T]
                Q[:d, :d] = -c[D : D + d * d].reshape(d, d)
                Q[d, :d] = -c[D + d * d :]
            out.append((P, Q))
        return out

    def grad_to_theta(self, grads: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Pull back per-layer gradients (gP, gQ) to the coordinates theta."""
        d = self.d
        parts = []
        for gP, gQ in grads:
            if self.name == "dense":
                parts += [gP.ravel(), gQ.ravel()]
            elif self.name == "sparse":
                parts += [gP[d, :], gQ[:, :d].ravel()]
            else:
                parts += [gP[d, :], -gQ[:d, :d].ravel(), -gQ[d, :d]]
        return np.concatenate(parts)

    def from_layers(self, layers: Layers) -> np.ndarray:
        """Coordinates of given layers (projection onto the subspace for sparse/thm41)."""
        d = self.d
        parts = []
        for P, Q in layers:
            P = np.asarray(P, dtype=float)
            Q = np.asarray(Q, dtype=float)
            if self.name == "dense":
                parts += [P.ravel(), Q.ravel()]
            elif self.name == "sparse":
                parts += [P[d, :], Q[:, :d].ravel()]
            else:
                parts += [P[d, :], -Q[:d, :d].ravel(), -Q[d, :d]]
        return np.concatenate(parts)

    def init(self, rng: np.random.Generator, scale: float) -> np.ndarray:
        return scale * rng.standard_normal(self.size)

    def named_params(self, theta: np.ndarray) -> list[dict[str, list]]:
        """Per-layer parameters in the subspace's own names (JSON friendly)."""
        d, D = self.d, self.d + 1
        out = []
        for c, (P, Q) in zip(self._chunks(theta), self.to_layers(theta)):
            if self.name == "dense":
                out.append({"P": P.tolist(), "Q": Q.tolist()})
            elif self.name == "sparse":
                out.append({"b": c[:D].tolist(), "A": c[D:].reshape(D, d).tolist()})
            else:
                out.append(
                    {
                        "b": c[:D].tolist(),
                        "Abar": c[D : D + d * d].reshape(d, d).tolist(),
                        "a": c[D + d * d :].tolist(),
                    }
                )
        return out


# --------------------------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainResult:
    """Outcome of :func:`train`.  ``params`` are the SELECTED parameters, as flat subspace coordinates: those with
    the lowest validation loss when a validation split was used (``val_size > 0``), else those with the lowest
    training objective; ``layers()`` gives the dense ``(P_l, Q_l)``.  ``best_loss`` is the training objective at
    the selected parameters, ``best_step`` the step at which they were reached, ``val_loss`` their validation
    MSE (None without a split).  ``history`` is ``((step, training loss), ...)``, ``val_history``
    ``((step, validation loss), ...)``.  ``interrupted``: stopped by Ctrl-C; ``diverged``: stopped because the
    loss became non-finite (the selection is among the finite iterates and ``final_loss`` is the last finite
    loss)."""

    subspace: str
    num_states: int
    num_layers: int
    d: int
    n: int
    seed: int
    optimizer: str
    objective: str
    final_loss: float
    best_loss: float
    test_loss: float
    accuracy: float
    params: tuple[float, ...]
    history: tuple[tuple[int, float], ...]
    steps_done: int
    wall_time: float
    interrupted: bool = False
    diverged: bool = False
    val_loss: float | None = None
    val_size: int = 0
    best_step: int | None = None
    val_history: tuple[tuple[int, float], ...] = ()
    schema: str = field(default=SCHEMA)

    def __post_init__(self) -> None:
        if self.schema != SCHEMA:
            raise ValueError(f"schema must be {SCHEMA!r}, got {self.schema!r}")
        sub = Subspace(self.subspace, self.d, self.num_layers)
        if len(self.params) != sub.size:
            raise ValueError(f"params must have {sub.size} entries for this subspace, got {len(self.params)}")
        object.__setattr__(self, "params", tuple(float(t) for t in self.params))
        object.__setattr__(self, "history", tuple((int(s), float(v)) for s, v in self.history))
        object.__setattr__(self, "val_history", tuple((int(s), float(v)) for s, v in self.val_history))
        if self.val_loss is not None:
            object.__setattr__(self, "val_loss", float(self.val_loss))
        object.__setattr__(self, "val_size", _int(self.val_size, "val_size", 0))
        if self.best_step is not None:
            object.__setattr__(self, "best_step", _int(self.best_step, "best_step", 0))

    @property
    def theta(self) -> np.ndarray:
        return np.array(self.params)

    def layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return Subspace(self.subspace, self.d, self.num_layers).to_layers(self.theta)

    def to_json(self) -> dict[str, Any]:
        sub = Subspace(self.subspace, self.d, self.num_layers)
        return {
            "schema": self.schema,
            "subspace": self.subspace,
            "num_states": self.num_states,
            "layers": self.num_layers,
            "d": self.d,
            "n": self.n,
            "seed": self.seed,
            "optimizer": self.optimizer,
            "objective": self.objective,
            "final_loss": self.final_loss,
            "best_loss": self.best_loss,
            "test_loss": self.test_loss,
            "accuracy": self.accuracy,
            "theta": list(self.params),
            "params": sub.named_params(self.theta),
            "history": [list(h) for h in self.history],
            "steps_done": self.steps_done,
            "wall_time": self.wall_time,
            "interrupted": self.interrupted,
            "diverged": self.diverged,
            "val_loss": self.val_loss,
            "val_size": self.val_size,
            "best_step": self.best_step,
            "val_history": [list(h) for h in self.val_history],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TrainResult":
        if not isinstance(data, dict):
            raise TypeError("data must be a dict")
        try:
            return cls(
                subspace=data["subspace"],
                num_states=int(data["num_states"]),
                num_layers=int(data["layers"]),
                d=int(data["d"]),
                n=int(data["n"]),
                seed=int(data["seed"]),
                optimizer=data["optimizer"],
                objective=data["objective"],
                final_loss=float(data["final_loss"]),
                best_loss=float(data["best_loss"]),
                test_loss=float(data["test_loss"]),
                accuracy=float(data["accuracy"]),
                params=tuple(data["theta"]),
                history=tuple(tuple(h) for h in data["history"]),
                steps_done=int(data["steps_done"]),
                wall_time=float(data["wall_time"]),
                interrupted=bool(data["interrupted"]),
                diverged=bool(data.get("diverged", False)),  # absent in files written before this field
                # the model-selection fields are absent in files written before validation splits existed
                val_loss=None if data.get("val_loss") is None else float(data["val_loss"]),
                val_size=int(data.get("val_size", 0)),
                best_step=None if data.get("best_step") is None else int(data["best_step"]),
                val_history=tuple(tuple(h) for h in data.get("val_history", ())),
                schema=data["schema"],
            )
        except KeyError as exc:
            raise ValueError(f"train result JSON lacks field {exc.args[0]!r}") from None

    def dumps(self) -> str:
        return json.dumps(self.to_json())


# --------------------------------------------------------------------------------------------------------------
# optimisation
# --------------------------------------------------------------------------------------------------------------
class _Progress:
    """Throttled progress line on stderr (at most one line per ``every`` seconds)."""

    def __init__(self, enabled: bool, label: str, every: float = 2.0) -> None:
        self.enabled, self.label, self.every = enabled, label, every
        self.last = -math.inf

    def __call__(self, step: int, total: int, loss: float, best: float, force: bool = False,
                 val: float | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if force or now - self.last >= self.every:
            self.last = now
            extra = "" if val is None else f" best validation {val:.6g}"
            print(f"[train {self.label}] step {step}/{total} loss {loss:.6g} best {best:.6g}{extra}", file=sys.stderr)


class _TimeUp(Exception):
    pass


def _adam(grad, theta, steps, lr, deadline, on_step, betas=(0.9, 0.999), eps=1e-8):
    """Adam (Kingma & Ba) with bias correction; ``grad(theta, k)`` -> gradient, ``on_step(theta, k)`` after step k."""
    m = np.zeros_like(theta)
    s = np.zeros_like(theta)
    b1, b2 = betas
    for t in range(1, steps + 1):
        if deadline is not None and time.monotonic() > deadline:
            break
        g = grad(theta, t - 1)
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        on_step(theta, t)
    return theta


def _lbfgs(fg, theta, steps, deadline):
    from scipy.optimize import minimize

    def f(th):
        if deadline is not None and time.monotonic() > deadline:
            raise _TimeUp
        return fg(th)

    try:
        res = minimize(f, theta, jac=True, method="L-BFGS-B", options={"maxiter": steps, "maxfun": 2 * steps + 20})
        return res.x
    except _TimeUp:
        return None


def _one_blas_thread(fn: Callable) -> Callable:
    """Decorator: run ``fn`` inside :func:`single_thread_blas` (signature kept via functools.wraps)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with single_thread_blas():
            return fn(*args, **kwargs)

    return wrapper


@_one_blas_thread
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
    """Train an L-layer LSA and return the selected parameters (see "Model selection" in the module docstring).

    Data: ``train_size`` training (default :func:`default_train_size`) and ``test_size`` held-out prompts are
    sampled from ``seed`` (or given as
    ``data=(train_batch, test_batch)`` or ``data=(train_batch, validation_batch, test_batch)``).
    ``validation``: fraction in ``[0, 1)`` of the training prompts held out (a random subset) for model
    selection; default :data:`DEFAULT_VALIDATION` when the prompts are sampled here, 0 when ``data`` is given
    (a three-part ``data`` brings its own validation prompts), always 0 for ``objective='population'``.  With
    a split, the validation MSE is computed every ``eval_every`` steps and at the last iterate, and the
    parameters with the lowest validation MSE are returned; without one, those with the lowest training
    objective.  With ``batch_size`` smaller than the training pool Adam uses minibatches drawn without
    replacement from the pool and the tracked objective is the loss on the whole pool, evaluated every
    ``eval_every`` steps; otherwise every step is full batch.  ``batch_size=None``: full batch, except for
    ``L >= 2`` on prompts sampled here (no ``data``), where minibatches of :data:`DEFAULT_BATCH_SIZE` keep a
    step's cost independent of ``train_size`` (one layer needs no minibatches: its full-batch step costs
    ``O((dm)^2)`` whatever the number of prompts).  ``objective='population'`` (L = 1) minimises the exact
    ``ftilde(phi(b, A))``; ``population=(H, h, c)`` may be passed, else it is computed with
    ``recovery.lsa.population.population_quadratic``.  ``optimizer`` is ``adam`` (``lr``) or ``lbfgs``.
    Stops after ``steps`` iterations or ``time_limit`` seconds; Ctrl-C returns the result selected so far with
    ``interrupted=True``.  ``final_loss`` is the training objective at the last iterate, ``best_loss`` the
    training objective at the returned parameters, ``val_loss`` their validation MSE, ``test_loss``/``accuracy``
    are on the held-out test prompts.  Runs with the bundled OpenBLAS limited to one thread
    (:func:`single_thread_blas`).
    """
    num_states = _int(num_states, "num_states")
    if num_states not in SUPPORTED_STATES:
        raise ValueError(f"num_states must be one of {SUPPORTED_STATES}, got {num_states}")
    L = _int(layers, "layers", 1)
    d = _int(d, "d", 1)
    n = _int(n, "n", 1)
    steps = _int(steps, "steps", 1)
    lr = _pos_real(lr, "lr")
    init_scale = _pos_real(init_scale, "init_scale")
    if time_limit is not None:
        time_limit = _pos_real(time_limit, "time_limit")
    if batch_size is not None:
        batch_size = _int(batch_size, "batch_size", 1)
        if optimizer == "lbfgs":
            raise ValueError("batch_size (minibatches) needs optimizer='adam'; L-BFGS is full batch")
    eval_every = _int(eval_every, "eval_every", 1)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if objective == "population" and L != 1:
        raise ValueError(f"objective='population' needs layers=1, got layers={L}")
    if validation is not None:
        validation = _fraction(validation, "validation")
        if validation > 0 and objective == "population":
            raise ValueError("validation must be 0 with objective='population' (the exact objective has no "
                             f"sampled prompts to hold out), got {validation}")
    if data is not None and (not isinstance(data, (tuple, list)) or len(data) not in (2, 3)):
        raise TypeError("data must be a tuple (train, test) or (train, validation, test) of GramBatch")
    if data is not None and len(data) == 3 and validation:
        raise ValueError(f"validation must be 0 or None when data brings its own validation batch, got {validation}")
    if data is not None and len(data) == 3 and objective == "population":
        raise ValueError("data with a validation batch needs objective='sampled' (the population objective is "
                         "selected by its own value)")
    sub = Subspace(subspace, d, L)
    rng = _rng(seed)
    seed_int = int(seed) if not isinstance(seed, np.random.Generator) else -1
    val_b: GramBatch | None = None
    if data is None:
        train_size = default_train_size(d) if train_size is None else _int(train_size, "train_size", 1)
        _int(test_size, "test_size", 1)
        train_b = make_prompts(train_size, d, n, num_states=num_states, p=p, rng=rng)
        test_b = make_prompts(test_size, d, n, num_states=num_states, p=p, rng=rng)
    else:
        parts = dict(zip(("train", "validation", "test") if len(data) == 3 else ("train", "test"), data))
        for nm, bt in parts.items():
            if not isinstance(bt, GramBatch):
                raise TypeError(f"data[{nm}] must be a GramBatch")
            if bt.d != d:
                raise ValueError(f"data[{nm}] has d = {bt.d}, expected d = {d}")
        train_b, test_b, val_b = parts["train"], parts["test"], parts.get("validation")
    if validation is None:
        validation = DEFAULT_VALIDATION if data is None and objective == "sampled" else 0.0
    if batch_size is None and data is None and objective == "sampled" and L >= 2 and optimizer == "adam":
        batch_size = DEFAULT_BATCH_SIZE
    if validation > 0:
        train_b, val_b = _split(train_b, validation, rng)
    if objective == "population":
        if population is None:
            from recovery.lsa.population import population_quadratic

            population = _population_for(num_states, d, n, p, population_quadratic)
        H, h, c = (np.asarray(population[0], float), np.asarray(population[1], float), float(population[2]))

        def layer_fg(lay):
            return population_loss_and_grad_layers(H, h, c, lay)

    elif L == 1 and (batch_size is None or batch_size >= train_b.size):
        # one layer, full batch: the sampled loss is the EMPIRICAL quadratic in X = phi(b, A) (MATH.md section 3),
        # so each step costs O((dm)^2) instead of O(B d^3)
        He, he, ce = empirical_quadratic(train_b)

        def layer_fg(lay):
            return population_loss_and_grad_layers(He, he, ce, lay)

    else:

        def layer_fg(lay):
            return loss_and_grad_layers(train_b, lay)

    theta0 = sub.init(rng, init_scale) if init_theta is None else np.asarray(init_theta, dtype=float).copy()
    if theta0.shape != (sub.size,):
        raise ValueError(f"init_theta must have shape ({sub.size},), got {theta0.shape}")

    # best["loss"]/["theta"]/["step"]: the selected iterate (lowest validation loss with a split, else lowest
    # training loss) and its training loss; best["val"]: its validation loss
    best = {"loss": math.inf, "theta": theta0.copy(), "last": math.inf, "step": None, "val": math.inf}
    history: list[tuple[int, float]] = []
    val_history: list[tuple[int, float]] = []
    counter = {"k": 0}
    final = {"now": False}  # the last iterate is always validated
    prog = _Progress(progress, f"S={num_states} L={L} {subspace}")
    record_every = max(1, steps // 200)

    def validation_loss(theta):
        yhat = predict_gram(val_b, sub.to_layers(theta))
        vl = float(np.mean((yhat - val_b.y) ** 2))
        return vl if math.isfinite(vl) else math.inf

    def record(theta, loss, k):
        if not math.isfinite(loss):
            raise FloatingPointError(f"training diverged (loss = {loss}); lower lr")
        best["last"] = loss
        if val_b is None:
            if loss < best["loss"]:
                best["loss"], best["theta"], best["step"] = loss, theta.copy(), k
        elif (final["now"] or k % eval_every == 0) and not (val_history and val_history[-1][0] == k):
            vl = validation_loss(theta)
            val_history.append((k, vl))
            if vl < best["val"] or best["step"] is None:
                best["loss"], best["theta"], best["step"], best["val"] = loss, theta.copy(), k, vl
        if not history or k - history[-1][0] >= record_every:
            history.append((k, loss))
        prog(k, steps, loss, best["loss"], val=None if val_b is None else best["val"])

    def fg(theta):
        # full-batch objective: every evaluation is tracked (this is what L-BFGS and full-batch Adam call)
        loss, grads = layer_fg(sub.to_layers(theta))
        k = counter["k"]
        counter["k"] = k + 1
        record(theta, loss, k)
        return loss, sub.grad_to_theta(grads)

    minibatch = objective == "sampled" and batch_size is not None and batch_size < train_b.size
    if minibatch:
        perm = {"idx": rng.permutation(train_b.size), "pos": 0}

        def grad(theta, k):
            if perm["pos"] + batch_size > train_b.size:
                perm["idx"], perm["pos"] = rng.permutation(train_b.size), 0
            sel = perm["idx"][perm["pos"] : perm["pos"] + batch_size]
            perm["pos"] += batch_size
            mb = GramBatch(train_b.G0[sel], train_b.v0[sel], train_b.y[sel])
            _, grads = loss_and_grad_layers(mb, sub.to_layers(theta))
            counter["k"] = k + 1
            return sub.grad_to_theta(grads)

        def evaluate(theta, k):
            # the tracked objective is the loss on the WHOLE training pool, every `eval_every` steps
            yhat = predict_gram(train_b, sub.to_layers(theta))
            record(theta, float(np.mean((yhat - train_b.y) ** 2)), k)

        def on_step(theta, k):
            if k % eval_every == 0:
                evaluate(theta, k)

        evaluate(theta0, 0)
    else:

        def grad(theta, k):
            return fg(theta)[1]

        def on_step(theta, k):
            return None

    t0 = time.monotonic()
    deadline = None if time_limit is None else t0 + time_limit
    interrupted = diverged = False
    theta_last = None
    # overflow in a diverging run is detected by record() (non-finite loss): no RuntimeWarning noise
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            if optimizer == "adam":
                theta_last = _adam(grad, theta0, steps, lr, deadline, on_step)
            else:
                theta_last = _lbfgs(fg, theta0, steps, deadline)
            if theta_last is not None:  # loss of the final iterate
                final["now"] = True
                if minibatch:
                    evaluate(theta_last, counter["k"])
                else:
                    fg(theta_last)
        except KeyboardInterrupt:
            interrupted = True
        except FloatingPointError:
            if best["step"] is None:
                raise
            diverged = True
    wall = time.monotonic() - t0
    prog(counter["k"], steps, best["last"], best["loss"], force=True, val=None if val_b is None else best["val"])
    theta_best = best["theta"]
    lay = sub.to_layers(theta_best)
    yhat = predict_gram(test_b, lay)
    return TrainResult(
        subspace=subspace,
        num_states=num_states,
        num_layers=L,
        d=d,
        n=n,
        seed=seed_int,
        optimizer=optimizer,
        objective=objective,
        final_loss=float(best["last"]),
        best_loss=float(best["loss"]),
        test_loss=float(np.mean((yhat - test_b.y) ** 2)),
        accuracy=accuracy_of(yhat, test_b.y, num_states),
        params=tuple(theta_best.tolist()),
        history=tuple(history),
        steps_done=counter["k"],
        wall_time=wall,
        interrupted=interrupted,
        diverged=diverged,
        val_loss=None if val_b is None else float(best["val"]),
        val_size=0 if val_b is None else val_b.size,
        best_step=best["step"],
        val_history=tuple(val_history),
    )


def default_train_size(d: int) -> int:
    """Number of training prompts :func:`train` samples when ``train_size`` is not given.

    Parameters
    ----------
    d : int
        Chain length minus one (``d >= 1``).

    Returns
    -------
    int
        :data:`DEFAULT_TRAIN_SIZE`, lowered for large ``d`` so that the compressed prompts
        (``8 (d+1)^2`` bytes each) stay within :data:`DEFAULT_TRAIN_BYTES`, but never below
        :data:`MIN_DEFAULT_TRAIN_SIZE` (8000 up to d = 63, 2000 from d = 129 on).
    """
    d = _int(d, "d", 1)
    fits = DEFAULT_TRAIN_BYTES // (8 * (d + 1) ** 2)
    return int(max(MIN_DEFAULT_TRAIN_SIZE, min(DEFAULT_TRAIN_SIZE, fits)))


def _split(batch: GramBatch, fraction: float, rng: np.random.Generator) -> tuple[GramBatch, GramBatch]:
    """Hold out a random ``fraction`` of ``batch`` for validation.

    Parameters
    ----------
    batch : GramBatch
        The training prompts.
    fraction : float
        Share of the prompts to hold out, in ``(0, 1)``.
    rng : numpy.random.Generator
        Source of the random subset.

    Returns
    -------
    (GramBatch, GramBatch)
        The remaining training prompts and the validation prompts (disjoint, together ``batch``).

    Raises
    ------
    ValueError
        If either part would be empty (names ``validation`` and the number of prompts).
    """
    n_val = round(fraction * batch.size)
    if n_val < 1 or n_val >= batch.size:
        raise ValueError(f"validation = {fraction} of {batch.size} training prompts leaves "
                         f"{n_val} for validation and {batch.size - n_val} for training; both need at least 1")
    perm = rng.permutation(batch.size)
    tr_i, va_i = np.sort(perm[n_val:]), np.sort(perm[:n_val])
    return (GramBatch(batch.G0[tr_i], batch.v0[tr_i], batch.y[tr_i]),
            GramBatch(batch.G0[va_i], batch.v0[va_i], batch.y[va_i]))


def _population_for(num_states: int, d: int, n: int, p: float, population_quadratic: Callable) -> tuple:
    """Exact ``(H, h, c)`` from ``recovery.lsa.population.population_quadratic`` for the prior of :func:`make_prompts`
    (binary: uniform kernel prior, Bern(p) start; |S| >= 3: Dirichlet(1) rows, uniform start)."""
    prior, init = _prior_and_init(num_states, p)
    q = population_quadratic(d, n, prior=prior, init=init)
    return np.asarray(q.H, dtype=float), np.asarray(q.h, dtype=float), float(q.c)
