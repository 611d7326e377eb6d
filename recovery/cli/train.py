"""``lsahard train`` (train an L-layer LSA) and ``lsahard thm41`` (check the Thm 4.1 recursion)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["register", "run_train", "run_thm41"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train",
        help="train an L-layer linear self-attention model on sampled Markov prompts",
        description="Train an L-layer LSA (analytic gradients, Adam or L-BFGS) on sampled in-context Markov prompts; "
        "reports the training loss and the held-out accuracy (prediction rounded to the nearest state).",
    )
    p.add_argument("--states", type=int, required=True, help="number of states |S| (2, 3 or 4)")
    p.add_argument("--layers", type=int, required=True, help="number of LSA layers L >= 1")
    p.add_argument("--d", type=int, required=True, help="chain length minus one (d >= 1)")
    p.add_argument("--n", type=int, required=True, help="number of context chains (n >= 1)")
    p.add_argument("--subspace", choices=["dense", "sparse", "thm41"], default="dense")
    p.add_argument("--optimizer", choices=["adam", "lbfgs"], default="adam")
    p.add_argument("--objective", choices=["sampled", "population"], default="sampled",
                   help="population: exact ftilde(phi(b, A)) (needs --layers 1)")
    p.add_argument("--steps", type=int, default=1000, help="optimiser iterations (> 0)")
    p.add_argument("--lr", type=float, default=0.01, help="Adam learning rate (> 0)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--p", type=float, default=0.5, help="binary initial law Bern(p)")
    p.add_argument("--train-size", type=int, default=2000)
    p.add_argument("--test-size", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=None, help="Adam minibatch size (default: full batch)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds; best parameters so far are kept")
    p.add_argument("--init", type=Path, default=None, help="warm start from a previous --json output file")
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
    q.add_argument("--layers", type=int, required=True)
    q.add_argument("--d", type=int, required=True)
    q.add_argument("--n", type=int, required=True)
    q.add_argument("--states", type=int, default=2)
    q.add_argument("--prompts", type=int, default=20, help="number of random prompts")
    q.add_argument("--scale", type=float, default=0.3, help="std of the random parameters (> 0)")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=run_thm41)


def _positive(v: Any, name: str) -> None:
    if v is not None and not v > 0:
        raise ValueError(f"{name} must be positive, got {v}")


def run_train(args: argparse.Namespace) -> int:
    from ..training import single_thread_blas

    with single_thread_blas():
        return _run_train(args)


def run_thm41(args: argparse.Namespace) -> int:
    from ..training import single_thread_blas

    with single_thread_blas():
        return _run_thm41(args)


def _run_train(args: argparse.Namespace) -> int:
    from ..training import Subspace, TrainResult, train

    for name in ("steps", "lr", "train_size", "test_size", "batch_size", "time_limit", "layers", "d", "n"):
        _positive(getattr(args, name), "--" + name.replace("_", "-"))
    if args.states not in (2, 3, 4):
        raise ValueError(f"--states must be 2, 3 or 4, got {args.states}")
    init_theta = None
    if args.init is not None:
        prev = TrainResult.from_json(json.loads(args.init.read_text()))
        want = Subspace(args.subspace, args.d, args.layers).size
        if (prev.subspace, prev.d, prev.num_layers) != (args.subspace, args.d, args.layers):
            raise ValueError(
                f"--init has subspace={prev.subspace}, d={prev.d}, layers={prev.num_layers} "
                f"({len(prev.params)} parameters) but this run needs subspace={args.subspace}, d={args.d}, "
                f"layers={args.layers} ({want} parameters)"
            )
        init_theta = prev.theta
    r = train(
        num_states=args.states, layers=args.layers, d=args.d, n=args.n, subspace=args.subspace,
        optimizer=args.optimizer, objective=args.objective, steps=args.steps, lr=args.lr, seed=args.seed, p=args.p,
        train_size=args.train_size, test_size=args.test_size, batch_size=args.batch_size,
        time_limit=args.time_limit, progress=args.progress, init_theta=init_theta,
    )
    if args.json:
        print(json.dumps(r.to_json()))
    else:
        print(f"trained {r.num_layers}-layer LSA ({r.subspace}, {r.optimizer}, {r.objective}) |S|={r.num_states} "
              f"d={r.d} n={r.n} seed={r.seed}: {r.steps_done} evaluations in {r.wall_time:.2f} s"
              + (" (interrupted)" if r.interrupted else ""))
        print(f"final loss {r.final_loss:.6g}  best loss {r.best_loss:.6g}  held-out MSE {r.test_loss:.6g}  "
              f"held-out accuracy {r.accuracy:.4f}")
    return 0


def _run_thm41(args: argparse.Namespace) -> int:
    from .. import thm41 as t41
    from ..lsa import lsa_forward
    from ..training import SUPPORTED_STATES

    for name in ("layers", "d", "n", "prompts", "scale"):
        _positive(getattr(args, name), "--" + name)
    if args.states not in SUPPORTED_STATES:
        raise ValueError(f"--states must be one of {SUPPORTED_STATES}, got {args.states}")
    from ..experiments import _sample

    rng = np.random.default_rng(args.seed)
    pr = _sample(args.prompts, args.d, args.n, args.states, 0.5, rng)
    blocks = t41.random_blocks(args.d, args.layers, rng, scale=args.scale)
    thetas = t41.theta_recursion(pr.Z0, blocks)
    Z = lsa_forward(pr.Z0, t41.blocks_to_layers(blocks))
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
    trace = t41.objectives_per_layer(pr.Z0, blocks)
    summ = trace.summary()
    out = {
        "layers": args.layers, "d": d, "n": args.n, "states": args.states, "prompts": args.prompts, "seed": args.seed,
        "max_abs_error": err,
        "max_step_error": step_err,
        "objectives_per_layer": {"R1": summ["R1_mean"], "R2": summ["R2_mean"]},
        "generational_distance": summ["gd_mean"],
        "pareto_fraction": summ["pareto_fraction"],
        "front": "exact Pareto front of R1 (w <= w*), GD = mean distance of R1(w_l) to it",
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"theta recursion vs LSA forward: max |error| = {err:.3e}; preconditioned step vs recursion: "
              f"max |error| = {step_err:.3e}")
        print("layer  R1 least-squares  R2 last   GD(R1)   on Pareto set")
        for l in range(args.layers + 1):
            print(f"{l:5d}  {summ['R1_mean'][l][d]:16.6g}  {summ['R2_mean'][l][d]:8.4g}  {summ['gd_mean'][l]:7.4g}  "
                  f"{summ['pareto_fraction'][l]:.2f}")
    return 0
