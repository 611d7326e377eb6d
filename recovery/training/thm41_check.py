"""Checking Theorem 4.1 on sampled prompts.

The theta recursion is compared with the LSA forward pass and with the preconditioned multi-objective step
(MATH.md section 6).

:func:`recursion_errors` is the check itself (one batch of prompts, one set of Thm 4.1 blocks); it is what the
claims ledger (``recovery.paper.claims``) runs per configuration.  :func:`thm41_report` samples random prompts and
blocks, runs the check and adds the per-layer objective means and Generational Distances (``lsahard thm41``).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recovery.lsa.blas_threads import one_blas_thread
from recovery.lsa.model import lsa_forward
from recovery.lsa.prompts import sample_prompts
from recovery.training._args import check_positive
from recovery.training.gram import SUPPORTED_STATES, prior_and_init
from recovery.training.thm41 import (
    blocks_to_layers,
    objectives_per_layer,
    preconditioned_step,
    r1_jacobian,
    r2_jacobian,
    random_blocks,
    theta_recursion,
)
from recovery.validation import check_int

__all__ = ["DEFAULT_MAX_BYTES", "MAX_THM41_WORK", "RecursionErrors", "prompt_bytes", "recursion_errors",
           "thm41_report", "thm41_units"]

#: memory budget (bytes) of the sampled prompts, checked before sampling: sizes such as ``n = 1e8`` otherwise
#: run for minutes and end killed by the kernel
DEFAULT_MAX_BYTES = 4 * 2**30
#: work bound of :func:`thm41_report`: one preconditioned step and one GD least-squares solve per prompt and
#: layer, each costing about :func:`thm41_units` at ~2e5 units per second, so this is about one minute of work
MAX_THM41_WORK = 12_000_000


def thm41_units(d: int) -> float:
    """Return the rough cost of one (prompt, layer) check in units of 5 microseconds.

    Fitted to measured times (one core): 0.45 ms at d = 2, 60 ms at d = 100, 27 s at d = 200 (the GD
    least-squares solve of :func:`recovery.training.thm41.front_distance_r1` needs many more
    iterations for large d): ``100 + (d+1)^2 + 5.4e6 (d/200)^9``.

    Parameters
    ----------
    d : int
        Input length.

    Returns
    -------
    float
        Cost in units of 5 microseconds.

    Examples
    --------
    >>> round(thm41_units(2))
    109
    """
    return 100 + (d + 1) ** 2 + 5.4e6 * (d / 200) ** 9


def prompt_bytes(count: int, d: int, n: int, states: int) -> int:
    """Return the bytes held while ``count`` prompts are sampled and used.

    Counted: the int64 chains and the float64 ``Z0`` (``count x (d+1) x (n+1)`` each), a working copy
    of ``Z0``, the kernels and the Gram form (``(d+1)^2`` floats per prompt).

    Parameters
    ----------
    count : int
        Number of prompts.
    d : int
        Input length.
    n : int
        Number of context chains.
    states : int
        ``|S|``.

    Returns
    -------
    int
        Bytes.

    Examples
    --------
    >>> prompt_bytes(1, 1, 1, 2)
    192
    """
    per = 8 * (3 * (d + 1) * (n + 1) + states * states + (d + 1) ** 2 + 2 * (n + 1))
    return int(count) * per


@dataclass(frozen=True)
class RecursionErrors:
    """Errors of the Theorem 4.1 recursion on one batch.

    Attributes
    ----------
    forward_abs : float
        Max ``abs(Z_L[d, i] - (Z_0[d, i] + <theta_L, x_i>))`` over prompts and all ``n + 1`` columns.
    forward_rel : float
        The same for the query and the context labels relative to ``max(1, abs(Z_L[d, i]))``, and the
        absolute change of the untouched rows ``0..d-1``.
    step_abs : float
        Max error of ``w_{l+1} = -theta_{l+1}`` against
        :func:`recovery.training.thm41.preconditioned_step` (eq. (**) of
        :mod:`recovery.training.thm41`) at every layer, absolute.
    step_rel : float
        The same relative to ``max(1, abs(w_{l+1}))``.
    max_abs_prediction : float
        Max ``abs(Z_L[d, n])``.
    finite : bool
        The recursion and the forward pass stayed finite.
    """

    forward_abs: float
    forward_rel: float
    step_abs: float
    step_rel: float
    max_abs_prediction: float
    finite: bool


def _step_errors(Z0: np.ndarray, blocks: Sequence[Any], thetas: np.ndarray) -> tuple[float, float]:
    d, n = Z0.shape[1] - 1, Z0.shape[2] - 1
    X = Z0[:, :d, :n].transpose(0, 2, 1)
    y = Z0[:, d, :n]
    W = -thetas
    e_abs = e_rel = 0.0
    for bi in range(Z0.shape[0]):
        for l, blk in enumerate(blocks):
            J1, J2 = r1_jacobian(W[bi, l], X[bi], y[bi]), r2_jacobian(W[bi, l], X[bi], y[bi])
            diff = np.abs(preconditioned_step(W[bi, l], blk, J1, J2) - W[bi, l + 1])
            e_abs = max(e_abs, float(diff.max()))
            e_rel = max(e_rel, float(np.max(diff / np.maximum(1.0, np.abs(W[bi, l + 1])))))
    return e_abs, e_rel


def recursion_errors(Z0: np.ndarray, blocks: Sequence[Any]) -> RecursionErrors:
    """Check Theorem 4.1 on prompts ``Z0`` with Theorem 4.1 blocks ``blocks`` (one per layer).

    The theta recursion ``theta_{l+1} = theta_l + A_l^T G^(l) b_l`` (paper Theorem 4.1) predicts that
    the L-layer LSA changes only the label row, to ``y_i + <theta_L, x_i>``; and that
    ``w_l = -theta_l`` follows the preconditioned R1/R2 step (**).  Both are compared with
    :func:`recovery.lsa.model.lsa_forward`.

    Parameters
    ----------
    Z0 : numpy.ndarray
        Prompts, shape ``(B, d+1, n+1)``, query label ``Z0[:, d, n] = 0``.
    blocks : sequence of Thm41Block
        ``L`` blocks of dimension ``d`` (:func:`recovery.training.thm41.random_blocks`).

    Returns
    -------
    RecursionErrors
        The maxima over prompts, columns and layers; all NaN-free only when ``finite``.

    Examples
    --------
    >>> from recovery.training.thm41 import random_blocks
    >>> rng = np.random.default_rng(0)
    >>> Z0 = rng.integers(0, 2, (3, 3, 6)).astype(float); Z0[:, 2, 5] = 0.0
    >>> e = recursion_errors(Z0, random_blocks(2, 2, rng))
    >>> e.finite and e.forward_abs < 1e-12 and e.step_rel < 1e-12
    True
    """
    Z0 = np.asarray(Z0, dtype=float)
    d, n = Z0.shape[1] - 1, Z0.shape[2] - 1
    with np.errstate(all="ignore"):  # overflow is reported through `finite`
        thetas = np.asarray(theta_recursion(Z0, blocks))  # (B, L+1, d)
        ZL = np.asarray(lsa_forward(Z0, blocks_to_layers(blocks)))
        finite = bool(np.all(np.isfinite(thetas)) and np.all(np.isfinite(ZL)))
        expect = Z0[:, d, :] + np.einsum("bk,bki->bi", thetas[:, -1], Z0[:, :d, :])
        forward_abs = float(np.abs(ZL[:, d, :] - expect).max())
        rel = np.abs(ZL[:, d, :] - expect) / np.maximum(1.0, np.abs(ZL[:, d, :]))
        # the untouched rows must stay exactly as they were (only the label row moves)
        rows = float(np.max(np.abs(ZL[:, :d, :] - Z0[:, :d, :])))
        step_abs, step_rel = _step_errors(Z0, blocks, thetas) if finite else (math.inf, math.inf)
    return RecursionErrors(forward_abs=forward_abs, forward_rel=float(max(rel.max(), rows)), step_abs=step_abs,
                           step_rel=step_rel, max_abs_prediction=float(np.max(np.abs(ZL[:, d, n]))), finite=finite)


def _check_report_args(layers: Any, d: Any, n: Any, num_states: Any, prompts: Any, scale: Any,
                       max_bytes: Any) -> tuple[int, int, int, int, float]:
    layers, d, n = check_int(layers, "layers", min_value=1), check_int(d, "d", min_value=1), check_int(n, "n", min_value=1)
    prompts = check_int(prompts, "prompts", min_value=1)
    scale = check_positive(scale, "scale")
    if num_states not in SUPPORTED_STATES:
        raise ValueError(f"num_states must be one of {SUPPORTED_STATES}, got {num_states}")
    need = 2 * prompt_bytes(prompts, d, n, num_states)
    if not max_bytes > 0:
        raise ValueError(f"max_bytes must be > 0, got {max_bytes}")
    if need > max_bytes:
        raise ValueError(f"prompts = {prompts} with d = {d}, n = {n} need about {need:.3g} bytes (> budget max_bytes "
                         f"= {max_bytes:.3g}); use smaller sizes or raise max_bytes")
    work = prompts * (layers + 1) * thm41_units(d)
    if work > MAX_THM41_WORK:
        raise ValueError(f"prompts = {prompts} x (layers = {layers} + 1) least-squares checks at d = {d} would take "
                         f"about {work / 2e5:.3g} s (limit about {MAX_THM41_WORK / 2e5:.0f} s); use fewer prompts "
                         f"or layers")
    return layers, d, n, prompts, scale


def _objectives(Z0: np.ndarray, blocks: Sequence[Any], scale: float, layers: int) -> dict[str, list[Any]]:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # np.nanmean warns "Mean of empty slice" for a layer whose GD is undefined for every prompt (reported as
        # None); overflow is checked below
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            summ = objectives_per_layer(Z0, blocks).summary()
        except ValueError as exc:  # scipy's least_squares: "Residuals are not finite in the initial point."
            raise ValueError(f"the Generational Distance overflows float64 for scale = {scale} with layers = "
                             f"{layers} ({str(exc).strip().rstrip('.')}); lower scale") from None
    # GD(R1) is defined only where X^T X of the prompt is invertible (front_distance_r1 returns NaN otherwise,
    # e.g. binary chains with few context chains n for their length d)
    summ["gd_mean"] = [None if g != g else g for g in summ["gd_mean"]]
    finite_gd = np.array([g for g in summ["gd_mean"] if g is not None], dtype=float)
    values = np.concatenate([np.ravel(summ[k]) for k in ("R1_mean", "R2_mean")])
    if not (np.all(np.isfinite(values)) and np.all(np.isfinite(finite_gd))):
        raise ValueError(f"the objectives overflow float64 for scale = {scale} with layers = {layers}; lower scale")
    return summ


@one_blas_thread
def thm41_report(layers: int, d: int, n: int, *, num_states: int = 2, prompts: int = 20, scale: float = 0.3,
                 seed: int = 0, max_bytes: float = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Check Theorem 4.1 on random prompts and blocks: recursion errors, objectives and GD per layer.

    Prompts: binary (uniform kernel prior, ``Bern(0.5)`` starts) or Dirichlet(1) rows for
    ``num_states >= 3``; blocks: :func:`recovery.training.thm41.random_blocks` with std ``scale``;
    both from ``numpy.random.default_rng(seed)``.  The sizes are checked before sampling against
    ``max_bytes`` and a work bound of about one minute (:data:`MAX_THM41_WORK`).

    Parameters
    ----------
    layers : int
        Number of layers ``L`` (``>= 1``).
    d : int
        Chain length minus one (``>= 1``).
    n : int
        Number of context chains (``>= 1``).
    num_states : int, optional
        ``|S|`` in (2, 3, 4).
    prompts : int, optional
        Number of prompts ``B`` (``>= 1``).
    scale : float, optional
        Std of the random block entries (``> 0``).
    seed : int, optional
        Seed of the generator (``>= 0``).
    max_bytes : float, optional
        Memory budget of the sampled prompts in bytes (``inf``: none).

    Returns
    -------
    dict
        ``max_abs_error`` (``forward_abs`` of :func:`recursion_errors`), ``max_step_error``
        (``step_abs``), ``objectives_per_layer`` ({"R1", "R2"}: ``(L+1, d+1)`` means),
        ``generational_distance`` (L+1 means, None where ``X^T X`` is singular for every prompt, then
        with a ``generational_distance_note``), ``pareto_fraction``, ``front`` and the arguments.

    Raises
    ------
    TypeError
        If a count is not an integer.
    ValueError
        If an argument is out of range, the sizes exceed ``max_bytes`` or the work bound, or the
        forward pass or the objectives overflow float64 (lower ``scale``).

    Examples
    --------
    >>> r = thm41_report(2, 2, 6, prompts=3)
    >>> r["max_abs_error"] < 1e-10 and len(r["generational_distance"]) == 3
    True
    """
    layers, d, n, prompts, scale = _check_report_args(layers, d, n, num_states, prompts, scale, max_bytes)
    rng = np.random.default_rng(check_int(seed, "seed", min_value=0))
    prior, init = prior_and_init(num_states, 0.5)
    Z0 = sample_prompts(prompts, d, n, prior=prior, init=init, rng=rng).Z0
    blocks = random_blocks(d, layers, rng, scale=scale)
    err = recursion_errors(Z0, blocks)
    if not err.finite:
        raise ValueError(f"the forward pass overflows float64 for scale = {scale} with layers = {layers}; "
                         f"lower scale")
    summ = _objectives(Z0, blocks, scale, layers)
    out = {
        "layers": layers, "d": d, "n": n, "states": num_states, "prompts": prompts, "seed": seed,
        "max_abs_error": err.forward_abs,
        "max_step_error": err.step_abs,
        "objectives_per_layer": {"R1": summ["R1_mean"], "R2": summ["R2_mean"]},
        "generational_distance": summ["gd_mean"],
        "pareto_fraction": summ["pareto_fraction"],
        "front": "exact Pareto front of R1 (w <= w*), GD = mean distance of R1(w_l) to it",
    }
    if any(g is None for g in summ["gd_mean"]):
        out["generational_distance_note"] = ("null: X^T X is singular for every prompt (the n context chains do "
                                             "not determine w*), so the R1 front and its GD are undefined")
    return out
