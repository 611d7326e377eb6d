"""``lsahard train`` (train an L-layer LSA) and ``lsahard thm41`` (check the Thm 4.1 recursion)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from recovery.validation import check_int

__all__ = ["register", "run_train", "run_thm41"]

# CLI limits: beyond them a run takes hours or ends in a MemoryError (the paper uses L <= 10, d <= 10)
MAX_LAYERS = 100
MAX_D = 200
MAX_D_POPULATION = 20  # the exact population quadratic takes minutes at d = 16 and ~9 GB at d = 30
#: memory budget (bytes) of the sampled prompts, checked before sampling (``--max-bytes``); sizes such as
#: ``--test-size 1e8`` or ``thm41 --n 1e8`` otherwise ran for minutes, ignored --time-limit (sampling is not
#: covered by it) and ended killed by the kernel
DEFAULT_MAX_BYTES = 4 * 2**30
#: ``thm41`` work bound: one preconditioned step and one GD least-squares solve per prompt and layer, each
#: costing about :func:`thm41_units` at ~2e5 units per second, so this is about one minute of work
MAX_THM41_WORK = 12_000_000


def thm41_units(d: int) -> float:
    """Rough cost of one (prompt, layer) check of ``thm41`` in units of 5 microseconds, fitted to measured times
    (one core): 0.45 ms at d = 2, 60 ms at d = 100, 27 s at d = 200 (the GD least-squares solve of
    recovery.training.thm41.front_distance_r1 needs many more iterations for large d)."""
    return 100 + (d + 1) ** 2 + 5.4e6 * (d / 200) ** 9


def _max_bytes(text: str) -> float:
    """``--max-bytes``: a number of bytes > 0 (``1e9`` accepted), or ``inf`` for no budget."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--max-bytes must be a number of bytes > 0 or 'inf', got {text!r}") from None
    if not v > 0:  # also NaN
        raise argparse.ArgumentTypeError(f"--max-bytes must be a number of bytes > 0 or 'inf', got {text!r}")
    return v


def prompt_bytes(count: int, d: int, n: int, states: int) -> int:
    """Bytes held while ``count`` prompts are sampled and used: the int64 chains and the float64 ``Z0``
    (``count x (d+1) x (n+1)`` each), a working copy of ``Z0``, the kernels and the Gram form
    (``(d+1)^2`` floats per prompt)."""
    per = 8 * (3 * (d + 1) * (n + 1) + states * states + (d + 1) ** 2 + 2 * (n + 1))
    return int(count) * per


def _check_budget(need: int, max_bytes: float, what: str) -> None:
    if need > max_bytes:
        raise ValueError(f"{what} need about {need:.3g} bytes (> budget --max-bytes {max_bytes:.3g}); use smaller "
                         f"sizes or raise --max-bytes")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train",
        help="train an L-layer linear self-attention model on sampled Markov prompts",
        description="Train an L-layer LSA (analytic gradients, Adam or L-BFGS) on sampled in-context Markov prompts; "
        "reports the training loss and the held-out accuracy (prediction rounded to the nearest state). By default a "
        "fifth of the training prompts is held out and the parameters with the lowest validation loss are kept.",
    )
    p.add_argument("--states", type=int, required=True, help="number of states |S| (2, 3 or 4)")
    p.add_argument("--layers", type=int, required=True, help="number of LSA layers (1 <= L <= 100)")
    p.add_argument("--d", type=int, required=True,
                   help="chain length minus one (1 <= d <= 200; <= 20 with --objective population)")
    p.add_argument("--n", type=int, required=True, help="number of context chains (n >= 1)")
    p.add_argument("--subspace", choices=["dense", "sparse", "thm41"], default="dense")
    p.add_argument("--optimizer", choices=["adam", "lbfgs"], default="adam")
    p.add_argument("--objective", choices=["sampled", "population"], default="sampled",
                   help="population: exact ftilde(phi(b, A)) (needs --layers 1)")
    p.add_argument("--steps", type=int, default=1000, help="optimiser iterations (> 0)")
    p.add_argument("--lr", type=float, default=0.01, help="Adam learning rate (> 0)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--p", type=float, default=0.5, help="binary initial law Bern(p)")
    p.add_argument("--train-size", type=int, default=None,
                   help="training prompts, validation split included (default 8000, fewer for d > 63 so that "
                        "they stay within 256 MiB, at least 2000)")
    p.add_argument("--test-size", type=int, default=2000, help="held-out test prompts (default 2000)")
    p.add_argument("--validation", type=float, default=None,
                   help="fraction of the training prompts held out to select the parameters with the lowest "
                        "validation loss, in [0, 1) (default 0.2; 0: select by training loss; population "
                        "objective: 0)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="Adam minibatch size (default: 800 for --layers >= 2 with Adam on the sampled objective, "
                        "else full batch)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds; the parameters selected so far are kept")
    p.add_argument("--init", type=Path, default=None, help="warm start from a previous --json output file")
    p.add_argument("--max-bytes", type=_max_bytes, default=DEFAULT_MAX_BYTES,
                   help=f"memory budget of the sampled prompts, checked before sampling (default {DEFAULT_MAX_BYTES}; "
                        "'inf' disables it)")
    p.add_argument("--progress", action="store_true", help="progress lines on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_train)

    q = subparsers.add_parser(
        "thm41",
        help="check the Thm 4.1 theta recursion, R1/R2 objectives and GD per layer on random prompts",
        description="Random parameters in the Thm 4.1 subspace and random prompts: the theta recursion vs the LSA "
        "forward pass, the preconditioned step (R1, R2 gradients) vs the recursion, per-layer objective means and "
        "the Generational Distance of R1 to its exact Pareto front.",
    )
    q.add_argument("--layers", type=int, required=True, help="number of layers (1 <= L <= 100)")
    q.add_argument("--d", type=int, required=True, help="chain length minus one (1 <= d <= 200)")
    q.add_argument("--n", type=int, required=True)
    q.add_argument("--states", type=int, default=2)
    q.add_argument("--prompts", type=int, default=20, help="number of random prompts")
    q.add_argument("--scale", type=float, default=0.3, help="std of the random parameters (> 0)")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--max-bytes", type=_max_bytes, default=DEFAULT_MAX_BYTES,
                   help=f"memory budget of the sampled prompts, checked before sampling (default {DEFAULT_MAX_BYTES}; "
                        "'inf' disables it)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=run_thm41)


def _positive(v: Any, name: str) -> None:
    if v is not None and not v > 0:
        raise ValueError(f"{name} must be > 0, got {v}")


def _limits(args: argparse.Namespace) -> None:
    if args.layers > MAX_LAYERS:
        raise ValueError(f"--layers must be <= {MAX_LAYERS}, got {args.layers}")
    if args.d > MAX_D:
        raise ValueError(f"--d must be <= {MAX_D}, got {args.d}")
    if getattr(args, "objective", None) == "population" and args.d > MAX_D_POPULATION:
        raise ValueError(f"--objective population supports --d <= {MAX_D_POPULATION}, got {args.d}")


def _seed(v: int) -> None:
    if v < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {v}")


def _load_init(path: Path) -> dict:
    """Read a previous ``lsahard train --json`` output; every failure is a ValueError/OSError naming --init."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"--init {path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--init {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"--init {path} must hold the JSON object printed by 'lsahard train --json'")
    return obj


def run_train(args: argparse.Namespace) -> int:
    from recovery.training.loop import default_train_size, single_thread_blas

    with single_thread_blas():
        try:
            return _run_train(args)
        except MemoryError:
            size = args.train_size if args.train_size is not None else default_train_size(args.d)
            raise ValueError(f"not enough memory for --d {args.d} --n {args.n} --train-size {size} "
                             f"--test-size {args.test_size}; use smaller sizes") from None


def run_thm41(args: argparse.Namespace) -> int:
    from recovery.training.loop import single_thread_blas

    with single_thread_blas():
        try:
            return _run_thm41(args)
        except MemoryError:
            raise ValueError(f"not enough memory for --d {args.d} --n {args.n} --prompts {args.prompts}; "
                             f"use smaller sizes") from None


def _run_train(args: argparse.Namespace) -> int:
    from recovery.training.loop import Subspace, TrainResult, train

    for name in ("steps", "train_size", "test_size", "batch_size", "layers", "d", "n"):
        if getattr(args, name) is not None:
            check_int(getattr(args, name), "--" + name.replace("_", "-"), min_value=1)
    for name in ("lr", "time_limit"):
        _positive(getattr(args, name), "--" + name.replace("_", "-"))
    if args.validation is not None and not 0.0 <= args.validation < 1.0:  # also false for NaN
        raise ValueError(f"--validation must lie in [0, 1), got {args.validation}")
    if args.validation and args.objective == "population":
        raise ValueError(f"--validation must be 0 with --objective population (no sampled prompts to hold out), "
                         f"got {args.validation}")
    if args.states not in (2, 3, 4):
        raise ValueError(f"--states must be 2, 3 or 4, got {args.states}")
    _seed(args.seed)
    _limits(args)
    if args.objective == "sampled":
        from recovery.training.loop import default_train_size

        size = args.train_size if args.train_size is not None else default_train_size(args.d)
        # the training and the test prompts are sampled one after the other; the compressed training prompts
        # (in prompt_bytes' Gram term) stay while the test prompts are sampled
        _check_budget(prompt_bytes(max(size, args.test_size), args.d, args.n, args.states), args.max_bytes,
                      f"--train-size {size} + --test-size {args.test_size} prompts with --d {args.d} --n {args.n}")
    init_theta = None
    if args.init is not None:
        try:
            prev = TrainResult.from_json(_load_init(args.init))
        except (TypeError, ValueError) as exc:
            msg = str(exc)
            raise ValueError(msg if msg.startswith("--init") else f"--init {args.init}: {msg}") from None
        want = Subspace(args.subspace, args.d, args.layers).size
        if (prev.subspace, prev.d, prev.num_layers) != (args.subspace, args.d, args.layers):
            raise ValueError(
                f"--init has subspace={prev.subspace}, d={prev.d}, layers={prev.num_layers} "
                f"({len(prev.params)} parameters) but this run needs subspace={args.subspace}, d={args.d}, "
                f"layers={args.layers} ({want} parameters)"
            )
        init_theta = prev.theta
    try:
        r = _train_call(train, args, init_theta)
    except FloatingPointError as exc:  # non-finite loss before any finite one (e.g. a huge --init)
        raise ValueError(f"{exc} (--lr = {args.lr})") from None
    if r.diverged:
        print(f"lsahard train: the loss became non-finite after {r.steps_done} evaluations; the best finite "
              f"parameters are reported (lower --lr)", file=sys.stderr)
    if args.json:
        print(json.dumps(r.to_json()))
    else:
        print(f"trained {r.num_layers}-layer LSA ({r.subspace}, {r.optimizer}, {r.objective}) |S|={r.num_states} "
              f"d={r.d} n={r.n} seed={r.seed}: {r.steps_done} evaluations in {r.wall_time:.2f} s"
              + (" (interrupted)" if r.interrupted else "") + (" (diverged)" if r.diverged else ""))
        if r.val_size:
            print(f"selected by validation loss ({r.val_size} prompts held out): step {r.best_step}, "
                  f"validation MSE {r.val_loss:.6g}")
        chosen = "selected loss" if r.val_size else "best loss"
        print(f"final loss {r.final_loss:.6g}  {chosen} {r.best_loss:.6g}  held-out MSE {r.test_loss:.6g}  "
              f"held-out accuracy {r.accuracy:.4f}")
    return 0


def _train_call(train: Any, args: argparse.Namespace, init_theta: Any) -> Any:
    return train(
        num_states=args.states, layers=args.layers, d=args.d, n=args.n, subspace=args.subspace,
        optimizer=args.optimizer, objective=args.objective, steps=args.steps, lr=args.lr, seed=args.seed, p=args.p,
        train_size=args.train_size, test_size=args.test_size, batch_size=args.batch_size,
        time_limit=args.time_limit, progress=args.progress, init_theta=init_theta, validation=args.validation,
    )


def _run_thm41(args: argparse.Namespace) -> int:
    from recovery.training import thm41 as t41
    from recovery.lsa.model import lsa_forward

    for name in ("layers", "d", "n", "prompts"):
        check_int(getattr(args, name), "--" + name, min_value=1)
    _positive(args.scale, "--scale")
    _seed(args.seed)
    _limits(args)
    if not np.isfinite(args.scale):
        raise ValueError(f"--scale must be finite, got {args.scale}")
    _check_budget(prompt_bytes(args.prompts, args.d, args.n, args.states) * 2, args.max_bytes,
                  f"--prompts {args.prompts} with --d {args.d} --n {args.n}")
    work = args.prompts * (args.layers + 1) * thm41_units(args.d)
    if work > MAX_THM41_WORK:
        raise ValueError(f"--prompts {args.prompts} x (--layers {args.layers} + 1) least-squares checks at --d {args.d} "
                         f"would take about {work / 2e5:.3g} s (limit about {MAX_THM41_WORK / 2e5:.0f} s); use fewer "
                         f"prompts or layers")
    with np.errstate(all="ignore"):  # overflow is reported below as one clear error, not as warnings
        return _thm41_body(args, t41, lsa_forward)


def _thm41_body(args: argparse.Namespace, t41: Any, lsa_forward: Any) -> int:
    from recovery.training.loop import SUPPORTED_STATES

    if args.states not in SUPPORTED_STATES:
        raise ValueError(f"--states must be one of {SUPPORTED_STATES}, got {args.states}")
    from recovery.paper.experiments import _sample

    rng = np.random.default_rng(args.seed)
    pr = _sample(args.prompts, args.d, args.n, args.states, 0.5, rng)
    blocks = t41.random_blocks(args.d, args.layers, rng, scale=args.scale)
    thetas = t41.theta_recursion(pr.Z0, blocks)
    Z = lsa_forward(pr.Z0, t41.blocks_to_layers(blocks))
    if not (np.all(np.isfinite(thetas)) and np.all(np.isfinite(Z))):
        raise ValueError(f"the forward pass overflows float64 for --scale {args.scale} with --layers {args.layers}; "
                         f"lower --scale")
    d = args.d
    expect = pr.Z0[:, d, :] + np.einsum("bk,bki->bi", thetas[:, -1], pr.Z0[:, :d, :])
    err = float(np.abs(Z[:, d, :] - expect).max())
    # preconditioned gradient step (**) with the analytic R1/R2 Jacobians vs the recursion
    W = -thetas
    step_err = 0.0
    for bi in range(args.prompts):
        X, y = pr.Z0[bi, :d, : args.n].T, pr.Z0[bi, d, : args.n]
        for l, blk in enumerate(blocks):
            s = t41.preconditioned_step(W[bi, l], blk, t41.r1_jacobian(W[bi, l], X, y), t41.r2_jacobian(W[bi, l], X, y))
            step_err = max(step_err, float(np.abs(s - W[bi, l + 1]).max()))
    import warnings

    with warnings.catch_warnings():
        # np.nanmean warns "Mean of empty slice" for a layer whose GD is undefined for every prompt
        # (reported below as null); numpy's overflow warnings are covered by the checks below
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            trace = t41.objectives_per_layer(pr.Z0, blocks)
        except ValueError as exc:  # scipy's least_squares: "Residuals are not finite in the initial point."
            raise ValueError(f"the Generational Distance overflows float64 for --scale {args.scale} with --layers "
                             f"{args.layers} ({str(exc).strip().rstrip('.')}); lower --scale") from None
        summ = trace.summary()
    # GD(R1) is defined only where X^T X of the prompt is invertible (recovery.training.thm41.front_distance_r1 returns
    # NaN otherwise, e.g. binary chains with few context chains n for their length d): a layer where no prompt
    # has it is reported as null, not as an overflow
    gd_mean = [None if g != g else g for g in summ["gd_mean"]]
    out = {
        "layers": args.layers, "d": d, "n": args.n, "states": args.states, "prompts": args.prompts, "seed": args.seed,
        "max_abs_error": err,
        "max_step_error": step_err,
        "objectives_per_layer": {"R1": summ["R1_mean"], "R2": summ["R2_mean"]},
        "generational_distance": gd_mean,
        "pareto_fraction": summ["pareto_fraction"],
        "front": "exact Pareto front of R1 (w <= w*), GD = mean distance of R1(w_l) to it",
    }
    if any(g is None for g in gd_mean):
        out["generational_distance_note"] = ("null: X^T X is singular for every prompt (the n context chains do "
                                             "not determine w*), so the R1 front and its GD are undefined")
    finite_gd = np.array([g for g in gd_mean if g is not None], dtype=float)
    if not (np.all(np.isfinite(np.concatenate([np.ravel(summ[k]) for k in ("R1_mean", "R2_mean")])))
            and np.all(np.isfinite(finite_gd))):
        raise ValueError(f"the objectives overflow float64 for --scale {args.scale} with --layers {args.layers}; "
                         f"lower --scale")
    if args.json:
        print(json.dumps(out))
    else:
        print(f"theta recursion vs LSA forward: max |error| = {err:.3e}; preconditioned step vs recursion: "
              f"max |error| = {step_err:.3e}")
        print("layer  R1 least-squares  R2 last   GD(R1)   on Pareto set")
        for l in range(args.layers + 1):
            gd = "n/a" if gd_mean[l] is None else f"{gd_mean[l]:.4g}"
            print(f"{l:5d}  {summ['R1_mean'][l][d]:16.6g}  {summ['R2_mean'][l][d]:8.4g}  {gd:>7}  "
                  f"{summ['pareto_fraction'][l]:.2f}")
        if "generational_distance_note" in out:
            print(f"GD(R1) n/a: {out['generational_distance_note'].removeprefix('null: ')}")
    return 0
