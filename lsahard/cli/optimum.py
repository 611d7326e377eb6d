"""``lsahard optimum``: the exact population quadratic and its closed-form optimum X* = H^-1 h.

Usage::

    lsahard optimum --d D --n N [--p P] [--prior uniform|fixed:P01,P10|dirichlet:S,ALPHA]
                    [--init iid|correlated] [--exact] [--max-bytes B] [--json]

Prints ``ftilde(X) = X^T H X - 2 h^T X + c`` (paper Lemmas 3.1 and 3.2, MATH.md section 4), its
minimiser ``X* = H^-1 h`` and whether ``X*`` is realisable as ``phi(b, A)`` (Theorem 3.5).
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from lsahard.cli import args as cli_args
from recovery.lsa.exact_linalg import fraction_to_str
from recovery.lsa.memory import DEFAULT_MAX_BYTES
from recovery.lsa.optimum_problem import EXACT_MAX_D, OptimumProblem, solve_optimum_problem
from recovery.lsa.prompts import INIT_KINDS
from recovery.realizability.realize import recover

__all__ = ["register", "run"]


def _realizable(prob: OptimumProblem) -> tuple[bool, Any]:
    """d = 1: the exact discriminant test and a realising (b, A); d > 1: the spectral recovery."""
    if prob.d > 1:
        return bool(recover(prob.opt.X_star, prob.d).realizable), None
    ok, ba = prob.realization_d1()
    if ba is None:
        return ok, None
    b, A = ba
    return ok, {"b": [float(v) for v in b], "A": [[float(v) for v in row] for row in A]}


def _report(prob: OptimumProblem, realizable: bool, realization: Any, exact_strings: bool) -> dict[str, Any]:
    quad, opt, d = prob.quad, prob.opt, prob.d
    out: dict[str, Any] = {
        "d": d, "n": prob.n, "p": None if prob.p is None else float(prob.p), "m": (d + 1) * (d + 2) // 2,
        "prior": prob.prior.to_json(), "init": prob.init.to_json(), "exact": prob.exact,
        "H": np.asarray(quad.H, dtype=float).tolist(), "h": np.asarray(quad.h, dtype=float).tolist(),
        "c": float(quad.c), "X_star": opt.X_star.tolist(), "ftilde_star": opt.ftilde_star,
        "min_eig_H": opt.min_eig_H, "realizable": realizable, "realization": realization,
    }
    if prob.exact and exact_strings:
        if opt.X_star_exact is None or opt.ftilde_star_exact is None:
            raise ValueError("an exact optimum must carry X_star_exact and ftilde_star_exact")
        out["p_exact"] = None if prob.p is None else str(prob.p)
        out["H_exact"] = [[fraction_to_str(v) for v in row] for row in quad.H]
        out["h_exact"] = [fraction_to_str(v) for v in quad.h]
        out["c_exact"] = fraction_to_str(quad.c)
        out["X_star_exact"] = [fraction_to_str(v) for v in opt.X_star_exact]
        out["ftilde_star_exact"] = fraction_to_str(opt.ftilde_star_exact)
        out["pd_certificate"] = opt.pd_certificate
    return out


def _print_text(out: Mapping[str, Any], prob: OptimumProblem, args: argparse.Namespace) -> None:
    d, m = out["d"], out["m"]
    print(f"population quadratic: d={d} n={out['n']} p={out['p']} prior={args.prior} init={args.init} "
          f"({'exact rational' if out['exact'] else 'float'}), dimension d*m = {d * m}")
    print(f"  c = {out['c']:.12g}, min eig(H) = {out['min_eig_H']:.6g} (Lemma 3.1: "
          f"{'PD, strictly convex' if out['min_eig_H'] > 0 else 'not PD'})")
    exact = f" = {fraction_to_str(prob.opt.ftilde_star_exact)}" if prob.exact else ""
    print(f"  ftilde* = {out['ftilde_star']:.12g}{exact}")
    if d * m <= 12:
        print("  X* = " + ", ".join(f"{v:.6g}" for v in out["X_star"]))
    print(f"  realizable: {out['realizable']}")
    if out["realization"] is not None:
        print(f"  realising (b, A): b = {out['realization']['b']}, A = {out['realization']['A']}")


def run(args: argparse.Namespace) -> int:
    """Handler of ``lsahard optimum``: solve the problem and print it as text or one JSON object.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of the command.

    Returns
    -------
    int
        0.
    """
    prob = solve_optimum_problem(args.d, args.n, prior=args.prior, p=args.p, init=args.init, exact=args.exact,
                                 max_bytes=args.max_bytes)
    out = _report(prob, *_realizable(prob), exact_strings=args.json)
    if args.json:
        print(json.dumps(out))
    else:
        _print_text(out, prob, args)
    return 0


def register(subparsers: Any) -> None:
    """Add ``lsahard optimum`` (handler :func:`run`) to the ``lsahard`` sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    p = subparsers.add_parser(
        "optimum",
        help="exact population quadratic (H, h, c) and its closed-form optimum X* = H^-1 h",
        description="Exact one-layer population objective ftilde(X) = X^T H X - 2 h^T X + c "
        "(kernel-conditioned, MATH.md section 4) and X* = H^-1 h.",
    )
    p.add_argument("--d", type=cli_args.positive_int("--d"), required=True, help="chain input length d >= 1")
    p.add_argument("--n", type=cli_args.positive_int("--n"), required=True, help="number of context chains n >= 1")
    p.add_argument("--p", type=str, default=None,
                   help="P(s_1 = 1) in (0, 1), e.g. 0.3 or 3/10 (binary state spaces)")
    p.add_argument("--prior", type=str, default="uniform",
                   help="uniform | fixed:P01,P10 | dirichlet:S,ALPHA (default uniform)")
    p.add_argument("--init", choices=list(INIT_KINDS), default="iid",
                   help="i.i.d. Bernoulli(p) starts (uniform for S > 2) or correlated (Thm 3.4, g(x)=(x-p)^2)")
    p.add_argument("--exact", action="store_true",
                   help=f"exact rational arithmetic through python-flint (d <= {EXACT_MAX_D})")
    cli_args.add_max_bytes(p, None, what=f"memory budget in bytes checked before allocation (default {DEFAULT_MAX_BYTES:.0e})")
    cli_args.add_json(p)
    p.set_defaults(func=run)
