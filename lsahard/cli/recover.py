"""``lsahard recover`` and ``lsahard best`` (issue 3: realisability).

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

__all__ = ["register"]

BEST_MAX_D = 20  # largest --d accepted by ``lsahard best``
#: largest --starts accepted by ``lsahard best``: recovery.realizability.best.best_realizable draws every start vector up
#: front and runs the multistart without a time limit, so --starts 1e9 ended in a MemoryError traceback (or
#: the kernel's OOM killer) and --starts 1e7 ran for minutes
BEST_MAX_STARTS = 10_000
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
    return d, X


def _recover(args: argparse.Namespace) -> int:
    import numpy as np

    from recovery.lsa.reparam import num_pairs
    from recovery.realizability.realize import recover

    d, X = _load_recover_file(args.file)
    if d < 1:
        raise ValueError(f"'d' must be >= 1, got {d}")
    if len(X) != d * num_pairs(d):
        raise ValueError(f"'X' must have length d (d+1)(d+2)/2 = {d * num_pairs(d)} for d = {d}, got {len(X)}")
    res = recover(np.asarray(X, dtype=float), d, rtol=args.rtol)
    if args.json:
        print(json.dumps(res.to_json()))
        return 0
    print(f"d = {d}, ||X|| = {res.x_norm:.6g}, rtol = {res.rtol:g} (tol_abs = {res.tol_abs:.3g})")
    print(f"realizable: {res.realizable}")
    if res.realizable:
        print(f"residual: {res.residual:.3g} (absolute {res.residual_abs:.3g})")
        print(f"b: {res.b.tolist()}")
        print(f"A: {res.A.tolist()}")
    else:
        print(f"certificate ({res.certificate_kind}): {res.certificate}")
    return 0


def _best(args: argparse.Namespace) -> int:
    from recovery.validation import check_int, check_probability_open
    from recovery.realizability.best import best_realizable
    from recovery.lsa.population import population_quadratic
    from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior

    # the population quadratic costs grow steeply with d (d = 16 already takes minutes and a huge d
    # would end in a MemoryError traceback), so larger d is refused with a clear message
    d = check_int(args.d, "--d", min_value=1, max_value=BEST_MAX_D)
    n = check_int(args.n, "--n", min_value=1)
    p = check_probability_open(args.p, "--p")
    if args.certified and d > 4:
        raise ValueError(f"--certified supports --d <= 4, got {d}")
    starts = check_int(args.starts, "--starts", min_value=1, max_value=BEST_MAX_STARTS)
    if not (args.time_limit > 0 and math.isfinite(args.time_limit)):
        raise ValueError(f"--time-limit must be a finite number > 0, got {args.time_limit}")
    if not (args.gap_tol > 0 and math.isfinite(args.gap_tol)):
        raise ValueError(f"--gap-tol must be a finite number > 0, got {args.gap_tol}")
    # the rigorous (interval) certificate proves f* for the quadratic it is given: hand it the
    # exact rational data (p at its exact binary value), not a float rounding of them
    exact = bool(args.certified and args.certifier == "bnb")
    q = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(p) if exact else p),
                             exact=exact)
    workers = check_int(args.workers, "--workers", min_value=1, max_value=64)
    res = best_realizable(q, method=args.certifier if args.certified else "multistart", starts=starts,
                          rng=args.seed, time_limit=args.time_limit, gap_tol=args.gap_tol, workers=workers,
                          progress=True)
    if args.json:
        out = res.to_json()
        out.update({"n": n, "p": p})
        print(json.dumps(out, default=str))
        return 0
    print(f"binary chains, p = {p}, n = {n}, d = {d}")
    print(f"ftilde* (linear model)          = {res.ftilde_star:.10g}")
    tag = (f"certified global ({res.method})" if res.certified_global
           else f"{res.method}, not certified" if args.certified else "multistart, not certified")
    print(f"f* (best one-layer LSA)         = {res.f_best:.10g}  [{tag}]")
    if getattr(res, "f_lower", None) is not None and getattr(res, "f_upper", None) is not None:
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
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("recover", help="structured recovery: is X = phi(b, A)? (with certificate)",
                              description=__doc__.split("\n\n")[1])
    p.add_argument("file", help='JSON file {"d": D, "X": [...]}')
    p.add_argument("--rtol", type=float, default=1e-9, help="tolerance relative to ||X|| (default 1e-9)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_recover)

    q = subparsers.add_parser("best", help="best realisable one-layer LSA for binary chains",
                              description=__doc__.split("\n\n")[2])
    q.add_argument("--d", type=int, required=True, help=f"chain length minus one (1 <= d <= {BEST_MAX_D})")
    q.add_argument("--n", type=int, required=True, help="number of context chains")
    q.add_argument("--p", type=float, required=True, help="initial probability P(s_1 = 1), in (0, 1)")
    q.add_argument("--certified", action="store_true", help="global certificate (d <= 4)")
    q.add_argument("--certifier", choices=("bnb", "scip"), default="bnb",
                   help="with --certified: sphere/patch branch-and-bound (default) or SCIP")
    q.add_argument("--starts", type=int, default=10, help="random multistart directions, 1 <= K <= 10000 (default 10)")
    q.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    q.add_argument("--gap-tol", type=float, default=1e-5,
                   help="certified iff f* - lower bound <= GAP_TOL max(1, |f*|) (default 1e-5)")
    q.add_argument("--time-limit", type=float, default=900.0,
                   help="certifier time limit in seconds (default 900; d = 4 needs ~6 min in one process)")
    q.add_argument("--workers", type=int, default=1,
                   help="processes for the branch-and-bound (default 1); progress goes to stderr every 15 s")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=_best)
