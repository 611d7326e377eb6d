"""``lsahard train`` (train an L-layer LSA) and ``lsahard thm41`` (check the Thm 4.1 recursion).

Usage::

    lsahard train --states S --layers L --d D --n N [--subspace dense|sparse|thm41]
                  [--optimizer adam|lbfgs] [--objective sampled|population] [--steps K] [--lr LR]
                  [--seed SEED] [--p P] [--train-size M] [--test-size M] [--validation F]
                  [--batch-size B] [--time-limit T] [--init FILE] [--max-bytes B] [--progress] [--json]
    lsahard thm41 --layers L --d D --n N [--states S] [--prompts K] [--scale SIGMA] [--seed SEED]
                  [--max-bytes B] [--json]

``train`` fits an L-layer linear self-attention model on sampled in-context Markov prompts
(or, with ``--objective population`` and one layer, the exact ``ftilde(phi(b, A))`` of
Lemma 3.1) and reports the training loss and held-out accuracy.  ``thm41`` checks the theta
recursion of Theorem 4.1 against the LSA forward pass, the preconditioned step against the
recursion, the R1/R2 objectives per layer and the Generational Distance of R1 to its Pareto front.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsahard.cli import args as cli_args
from recovery.lsa.blas_threads import single_blas_thread
from recovery.training.loop import Subspace, TrainResult, default_train_size, train
from recovery.training.thm41_check import DEFAULT_MAX_BYTES, prompt_bytes, thm41_report
from recovery.validation import check_int

__all__ = ["register", "run_train", "run_thm41"]

# CLI limits: beyond them a run takes hours or ends in a MemoryError (the paper uses L <= 10, d <= 10)
MAX_LAYERS = 100
MAX_D = 200
MAX_D_POPULATION = 20  # the exact population quadratic takes minutes at d = 16 and ~9 GB at d = 30


def _bounded(flag: str, low: int, high: int | None = None) -> Callable[[str], int]:
    """A type for ``flag``: an integer in ``[low, high]`` (messages as the library's ``check_int``)."""
    def parse(text: str) -> int:
        try:
            v = int(str(text).strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be an integer, got {text!r}") from None
        if v < low:
            raise argparse.ArgumentTypeError(f"{flag} must be >= {low}, got {v}")
        if high is not None and v > high:
            raise argparse.ArgumentTypeError(f"{flag} must be <= {high}, got {v}")
        return v
    parse.__name__ = flag
    return parse


def _check_budget(need: int, max_bytes: float, what: str) -> None:
    if need > max_bytes:
        raise ValueError(f"{what} need about {need:.3g} bytes (> budget --max-bytes {max_bytes:.3g}); use smaller "
                         f"sizes or raise --max-bytes")


def register(subparsers: Any) -> None:
    """Add ``lsahard train`` (:func:`run_train`) and ``lsahard thm41`` (:func:`run_thm41`) to the sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    # one add_argument per flag of the two commands
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
    p.add_argument("--max-bytes", type=cli_args.max_bytes, default=DEFAULT_MAX_BYTES,
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
    q.add_argument("--layers", type=_bounded("--layers", 1, MAX_LAYERS), required=True,
                   help=f"number of layers (1 <= L <= {MAX_LAYERS})")
    q.add_argument("--d", type=_bounded("--d", 1, MAX_D), required=True,
                   help=f"chain length minus one (1 <= d <= {MAX_D})")
    q.add_argument("--n", type=_bounded("--n", 1), required=True, help="number of context chains (n >= 1)")
    q.add_argument("--states", type=int, choices=[2, 3, 4], default=2, help="number of states |S|")
    q.add_argument("--prompts", type=_bounded("--prompts", 1), default=20, help="number of random prompts")
    q.add_argument("--scale", type=cli_args.positive_float("--scale"), default=0.3,
                   help="std of the random parameters (> 0)")
    cli_args.add_seed(q)
    cli_args.add_max_bytes(q, DEFAULT_MAX_BYTES, f"memory budget of the sampled prompts, checked before sampling "
                           f"(default {DEFAULT_MAX_BYTES})")
    cli_args.add_json(q)
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


def _load_init(path: Path) -> dict[str, Any]:
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
    """Handler of ``lsahard train``: train with single-threaded BLAS and print the result.

    A ``MemoryError`` becomes a ``ValueError`` naming the sizes.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of the command.

    Returns
    -------
    int
        The exit code.
    """
    with single_blas_thread():
        try:
            return _run_train(args)
        except MemoryError:
            size = args.train_size if args.train_size is not None else default_train_size(args.d)
            raise ValueError(f"not enough memory for --d {args.d} --n {args.n} --train-size {size} "
                             f"--test-size {args.test_size}; use smaller sizes") from None


def _run_train(args: argparse.Namespace) -> int:
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
        r = _train_call(args, init_theta)
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


def _train_call(args: argparse.Namespace, init_theta: Any) -> TrainResult:
    return train(
        num_states=args.states, layers=args.layers, d=args.d, n=args.n, subspace=args.subspace,
        optimizer=args.optimizer, objective=args.objective, steps=args.steps, lr=args.lr, seed=args.seed, p=args.p,
        train_size=args.train_size, test_size=args.test_size, batch_size=args.batch_size,
        time_limit=args.time_limit, progress=args.progress, init_theta=init_theta, validation=args.validation,
    )


#: library parameter names -> the flags of ``lsahard thm41`` (the library's messages name its parameters)
_THM41_FLAGS = {"max_bytes": "--max-bytes", "scale": "--scale"}


def run_thm41(args: argparse.Namespace) -> int:
    """Handler of ``lsahard thm41``: print the Theorem 4.1 checks (or one JSON object).

    Library errors name the flags (``--max-bytes``, ``--scale``); a ``MemoryError`` becomes a
    ``ValueError`` naming the sizes.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of the command.

    Returns
    -------
    int
        0.
    """
    try:
        out = thm41_report(args.layers, args.d, args.n, num_states=args.states, prompts=args.prompts,
                           scale=args.scale, seed=args.seed, max_bytes=args.max_bytes)
    except MemoryError:
        raise ValueError(f"not enough memory for --d {args.d} --n {args.n} --prompts {args.prompts}; "
                         f"use smaller sizes") from None
    except ValueError as exc:
        msg = re.sub(r"\b(max_bytes|scale)\b", lambda m: _THM41_FLAGS[m.group(1)], str(exc))
        raise ValueError(msg) from None
    if args.json:
        print(json.dumps(out))
        return 0
    gd, summ, d = out["generational_distance"], out["objectives_per_layer"], args.d
    print(f"theta recursion vs LSA forward: max |error| = {out['max_abs_error']:.3e}; preconditioned step vs "
          f"recursion: max |error| = {out['max_step_error']:.3e}")
    print("layer  R1 least-squares  R2 last   GD(R1)   on Pareto set")
    for l in range(args.layers + 1):
        shown = "n/a" if gd[l] is None else f"{gd[l]:.4g}"
        print(f"{l:5d}  {summ['R1'][l][d]:16.6g}  {summ['R2'][l][d]:8.4g}  {shown:>7}  "
              f"{out['pareto_fraction'][l]:.2f}")
    if "generational_distance_note" in out:
        print(f"GD(R1) n/a: {out['generational_distance_note'].removeprefix('null: ')}")
    return 0
