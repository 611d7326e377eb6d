"""``lsahard recover`` and ``lsahard best`` (realisability and the best one-layer LSA).

``lsahard recover FILE.json [--rtol R] [--json]``: FILE holds ``{"d": D, "X": [...]}`` (``X`` of length
``D (D+1)(D+2)/2``, ordered as in ``recovery.lsa.reparam``); prints whether ``X = phi(b, A)`` for some
``(b, A)`` (spectral algorithm, :func:`recovery.realizability.realize.recover`) with ``b, A`` or the certificate.

``lsahard best --d D --n N --p P [--certified [--certifier bnb|scip]] [--starts K] [--seed S]
[--time-limit T] [--gap-tol G] [--workers W] [--json]``: the best realisable one-layer LSA for binary chains (``p01, p10 ~ U(0,1)``,
initial Bern(P), N context chains) with the chain ``ftilde* <= f* <= ftilde(phi(psi(X*)))``
(:func:`recovery.realizability.best.best_realizable`). ``--certified`` (d <= 4) adds a global lower bound from the
sphere/patch branch-and-bound (``--certifier bnb``, default) or SCIP (``--certifier scip``).
"""
from __future__ import annotations

import argparse
import json
import math
from fractions import Fraction
from typing import Any

import numpy as np

from lsahard.cli.args import add_json, add_seed, add_time_limit, open_probability, positive_float, positive_int
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.lsa.reparam import num_pairs
from recovery.realizability.best import BestLSA, best_realizable
from recovery.realizability.realize import recover

__all__ = ["register"]

BEST_MAX_D = 20  # largest --d accepted by ``lsahard best``
#: largest --starts accepted by ``lsahard best``: recovery.realizability.best.best_realizable draws every start vector up
#: front and runs the multistart without a time limit, so --starts 1e9 ended in a MemoryError traceback (or
#: the kernel's OOM killer) and --starts 1e7 ran for minutes
BEST_MAX_STARTS = 10_000
#: largest --workers accepted by ``lsahard best``
BEST_MAX_WORKERS = 64
_FLOAT_MAX = int(1.7976931348623157e308)  # largest finite float64, as an exact integer


def _load_recover_file(path: str) -> tuple[int, list]:
    with open(path, "rb") as fh:  # OSError (missing file, directory) -> exit 2 in main
        raw = fh.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(obj, dict) or "d" not in obj or "X" not in obj:
        raise ValueError(f"{path} must hold a JSON object with keys 'd' and 'X'")
    d, X = obj["d"], obj["X"]
    if isinstance(d, bool) or not isinstance(d, int):
        raise TypeError(f"'d' in {path} must be an integer, got {d!r}")
    if not isinstance(X, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in X):
        raise TypeError(f"'X' in {path} must be a list of numbers")
    # float(huge int) raises OverflowError (not an error main reports): test ints by magnitude
    if not all(math.isfinite(v) if isinstance(v, float) else abs(v) <= _FLOAT_MAX for v in X):
        raise ValueError(f"'X' in {path} must be finite (no NaN or inf) and within float64 range")
    if d < 1:
        raise ValueError(f"'d' must be >= 1, got {d}")
    if len(X) != d * num_pairs(d):
        raise ValueError(f"'X' must have length d (d+1)(d+2)/2 = {d * num_pairs(d)} for d = {d}, got {len(X)}")
    return d, X


def _recover(args: argparse.Namespace) -> int:
    d, X = _load_recover_file(args.file)
    res = recover(np.asarray(X, dtype=float), d, rtol=args.rtol)
    if args.json:
        print(json.dumps(res.to_json()))
        return 0
    print(f"d = {d}, ||X|| = {res.x_norm:.6g}, rtol = {res.rtol:g} (tol_abs = {res.tol_abs:.3g})")
    print(f"realizable: {res.realizable}")
    if res.realizable:
        if res.b is None or res.A is None:
            raise ValueError("a realizable Recovery must carry b and A")
        print(f"residual: {res.residual:.3g} (absolute {res.residual_abs:.3g})")
        print(f"b: {res.b.tolist()}")
        print(f"A: {res.A.tolist()}")
    else:
        print(f"certificate ({res.certificate_kind}): {res.certificate}")
    return 0


def _best(args: argparse.Namespace) -> int:
    if args.certified and args.d > 4:
        raise ValueError(f"--certified supports --d <= 4, got {args.d}")
    # the rigorous (interval) certificate proves f* for the quadratic it is given: hand it the
    # exact rational data (p at its exact binary value), not a float rounding of them
    exact = bool(args.certified and args.certifier == "bnb")
    q = population_quadratic(args.d, args.n, prior=UniformBinaryPrior(),
                             init=BernoulliInit(Fraction(args.p) if exact else args.p), exact=exact)
    res = best_realizable(q, method=args.certifier if args.certified else "multistart", starts=args.starts,
                          rng=args.seed, time_limit=args.time_limit, gap_tol=args.gap_tol, workers=args.workers,
                          progress=True)
    if args.json:
        out = res.to_json()
        out.update({"n": args.n, "p": args.p})
        print(json.dumps(out, default=str))
        return 0
    _print_best(res, args)
    return 0


def _print_best(res: BestLSA, args: argparse.Namespace) -> None:
    print(f"binary chains, p = {args.p}, n = {args.n}, d = {args.d}")
    print(f"ftilde* (linear model)          = {res.ftilde_star:.10g}")
    tag = (f"certified global ({res.method})" if res.certified_global
           else f"{res.method}, not certified" if args.certified else "multistart, not certified")
    print(f"f* (best one-layer LSA)         = {res.f_best:.10g}  [{tag}]")
    if res.f_lower is not None and res.f_upper is not None:
        print(f"verified interval for f*        = [{res.f_lower:.12g}, {res.f_upper:.12g}]  (ball arithmetic)")
    if res.lower_bound is not None:
        print(f"global lower bound              = {res.lower_bound:.10g}  "
              f"(gap {res.details['gap_abs']:.3g}, tolerance {res.details['gap_tol']:g} max(1, |f*|))")
    if "bnb" in res.details:
        bb = res.details["bnb"]
        print(f"branch-and-bound                = {bb['status']}, {bb['nodes']} boxes, {bb['seconds']:.2f} s")
    print(f"ftilde(phi(psi(X*)))            = {res.f_psi:.10g}")
    print(f"b: {res.b.tolist()}")
    print(f"A: {res.A.tolist()}")


def register(subparsers: Any) -> None:
    """Add ``lsahard recover`` and ``lsahard best`` (usage in the module docstring) to the ``lsahard`` sub-parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parsers of the ``lsahard`` parser.
    """
    p = subparsers.add_parser("recover", help="structured recovery: is X = phi(b, A)? (with certificate)",
                              description=__doc__.split("\n\n")[1])
    p.add_argument("file", help='JSON file {"d": D, "X": [...]}')
    p.add_argument("--rtol", type=positive_float("--rtol"), default=1e-9,
                   help="tolerance relative to ||X|| (default 1e-9)")
    add_json(p)
    p.set_defaults(func=_recover)

    q = subparsers.add_parser("best", help="best realisable one-layer LSA for binary chains",
                              description=__doc__.split("\n\n")[2])
    q.add_argument("--d", type=positive_int("--d", 1, BEST_MAX_D), required=True,
                   help=f"chain length minus one (1 <= d <= {BEST_MAX_D})")
    q.add_argument("--n", type=positive_int("--n"), required=True, help="number of context chains")
    q.add_argument("--p", type=open_probability("--p"), required=True, help="initial probability P(s_1 = 1), in (0, 1)")
    q.add_argument("--certified", action="store_true", help="global certificate (d <= 4)")
    q.add_argument("--certifier", choices=("bnb", "scip"), default="bnb",
                   help="with --certified: sphere/patch branch-and-bound (default) or SCIP")
    q.add_argument("--starts", type=positive_int("--starts", 1, BEST_MAX_STARTS), default=10,
                   help=f"random multistart directions, 1 <= K <= {BEST_MAX_STARTS} (default 10)")
    add_seed(q)
    q.add_argument("--gap-tol", type=positive_float("--gap-tol"), default=1e-5,
                   help="certified iff f* - lower bound <= GAP_TOL max(1, |f*|) (default 1e-5)")
    add_time_limit(q, 900.0, "certifier time limit in seconds (d = 4 needs a few minutes with --workers 2)")
    q.add_argument("--workers", type=positive_int("--workers", 1, BEST_MAX_WORKERS), default=1,
                   help="processes for the branch-and-bound (default 1); progress goes to stderr every 15 s")
    add_json(q)
    q.set_defaults(func=_best)
