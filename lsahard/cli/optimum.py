"""``lsahard optimum``: the exact population quadratic and its closed-form optimum X* = H^-1 h."""
from __future__ import annotations

import argparse
import importlib
import json
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["register", "run", "parse_prior"]

#: largest d accepted with --exact (a TIME guard; memory is guarded by the library budget, see
#: --max-bytes). With python-flint the whole command takes seconds at d = 10 (see
#: docs/results/exact_speed.md); the exact solve of the (d*m)-dimensional system grows ~d^7 and
#: the sizes of the rationals with it, so d = 13+ would run for minutes to hours
EXACT_MAX_D = 12


def _number(text: str, name: str, exact: bool) -> Any:
    try:
        v = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{name} must be a number (e.g. 0.3 or 3/10), got {text!r}") from None
    if exact:
        return v
    try:
        return float(v)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number of float range, got {text!r}") from None


def parse_prior(spec: str, exact: bool) -> Any:
    """``uniform`` | ``fixed:P01,P10`` | ``dirichlet:S,ALPHA`` -> a kernel prior object."""
    from recovery.lsa.prompts import DirichletPrior, FixedKernel, UniformBinaryPrior

    spec = spec.strip()
    if spec == "uniform":
        return UniformBinaryPrior()
    kind, _, rest = spec.partition(":")
    parts = [s for s in rest.split(",")] if rest else []
    if kind == "fixed":
        if len(parts) != 2:
            raise ValueError(f"--prior fixed needs fixed:P01,P10, got {spec!r}")
        a = _number(parts[0], "--prior fixed P01", exact)
        b = _number(parts[1], "--prior fixed P10", exact)
        for nm, v in (("P01", a), ("P10", b)):
            if not 0 <= v <= 1:
                raise ValueError(f"--prior fixed {nm} must lie in [0, 1], got {v}")
        return FixedKernel([[1 - a, a], [b, 1 - b]])
    if kind == "dirichlet":
        if len(parts) != 2:
            raise ValueError(f"--prior dirichlet needs dirichlet:S,ALPHA, got {spec!r}")
        try:
            S = int(parts[0])
        except ValueError:
            raise ValueError(f"--prior dirichlet S must be an integer, got {parts[0]!r}") from None
        return DirichletPrior(S, _number(parts[1], "--prior dirichlet ALPHA", exact))
    raise ValueError(f"--prior must be uniform, fixed:P01,P10 or dirichlet:S,ALPHA, got {spec!r}")


def _realizable(X: np.ndarray, d: int, X_exact: Any) -> tuple[Any, Any]:
    """d = 1: the exact discriminant test; d > 1: recovery.realizability.realize.recover if present, else None."""
    from recovery.lsa.optimum import realizable_d1, realize_d1

    if d == 1:
        Xv = list(X_exact) if X_exact is not None else X
        ok = bool(realizable_d1(Xv))
        real = None
        if ok:
            b, A = realize_d1(Xv)
            real = {"b": [float(v) for v in b], "A": [[float(v) for v in row] for row in A]}
        return ok, real
    try:
        mod = importlib.import_module("recovery.realizability.realize")
    except ImportError:
        return None, None
    recover = getattr(mod, "recover", None)
    if recover is None:
        return None, None
    res = recover(X, d)
    return bool(res.realizable), None


def _max_bytes(text: Any) -> Any:
    """``--max-bytes``: None (library default), a positive number of bytes, or ``inf``."""
    if text is None:
        return None
    try:
        v = float(str(text).strip())
    except ValueError:
        raise ValueError(f"--max-bytes must be a number of bytes (e.g. 2e10 or inf), got {text!r}") from None
    if not v > 0:
        raise ValueError(f"--max-bytes must be positive, got {text!r}")
    return v


def run(args: argparse.Namespace) -> int:
    from recovery.lsa.exact_linalg import fraction_to_str
    from recovery.lsa.optimum import closed_form_optimum
    from recovery.lsa.population import population_quadratic
    from recovery.lsa.prompts import initial_law
    from recovery.validation import check_int

    # memory is checked by the library before anything is allocated (population_quadratic's
    # max_bytes budget; --max-bytes here), so there is no separate cap on d for the float mode
    d = check_int(args.d, "--d", min_value=1)
    n = check_int(args.n, "--n", min_value=1)
    exact = bool(args.exact)
    max_bytes = _max_bytes(args.max_bytes)
    prior = parse_prior(args.prior, exact)
    if exact and d > EXACT_MAX_D:
        raise ValueError(f"--exact supports --d <= {EXACT_MAX_D} (got {d}): the exact solve of H X = h "
                         "grows ~d^7 (minutes to hours beyond); drop --exact for the float mode (agrees to 1e-12)")
    p = None
    if args.p is not None:
        p = _number(args.p, "--p", exact)
        if not 0 < p < 1:
            raise ValueError(f"--p must lie in the open interval (0, 1), got {args.p}")
    try:
        init = initial_law(prior.num_states, p, args.init)
    except ValueError as exc:  # the library names its argument p; the CLI user knows --p
        raise ValueError(str(exc).replace("p ", "--p ", 1)) from None
    try:
        quad = population_quadratic(d, n, prior=prior, init=init, exact=exact, max_bytes=max_bytes)
    except ValueError as exc:
        # the library's budget message names its keyword; point CLI users at the flag
        raise ValueError(str(exc).replace("pass max_bytes= to raise it", "pass --max-bytes to raise it")) from None
    opt = closed_form_optimum(quad)
    realizable, realization = _realizable(opt.X_star, d, opt.X_star_exact)
    m = (d + 1) * (d + 2) // 2
    out: dict = {
        "d": d,
        "n": n,
        "p": None if p is None else float(p),
        "m": m,
        "prior": prior.to_json(),
        "init": init.to_json(),
        "exact": exact,
        "H": np.asarray(quad.H, dtype=float).tolist(),
        "h": np.asarray(quad.h, dtype=float).tolist(),
        "c": float(quad.c),
        "X_star": opt.X_star.tolist(),
        "ftilde_star": opt.ftilde_star,
        "min_eig_H": opt.min_eig_H,
        "realizable": realizable,
        "realization": realization,
    }
    if exact:
        out["p_exact"] = None if p is None else str(p)
        out["H_exact"] = [[fraction_to_str(v) for v in row] for row in quad.H]
        out["h_exact"] = [fraction_to_str(v) for v in quad.h]
        out["c_exact"] = fraction_to_str(quad.c)
        out["X_star_exact"] = [fraction_to_str(v) for v in opt.X_star_exact]
        out["ftilde_star_exact"] = fraction_to_str(opt.ftilde_star_exact)
        out["pd_certificate"] = opt.pd_certificate
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"population quadratic: d={d} n={n} p={out['p']} prior={args.prior} init={args.init} "
          f"({'exact rational' if exact else 'float'}), dimension d*m = {d * m}")
    print(f"  c = {out['c']:.12g}, min eig(H) = {opt.min_eig_H:.6g} (Lemma 3.1: "
          f"{'PD, strictly convex' if opt.min_eig_H > 0 else 'not PD'})")
    print(f"  ftilde* = {opt.ftilde_star:.12g}" + (f" = {fraction_to_str(opt.ftilde_star_exact)}" if exact else ""))
    if d * m <= 12:
        print("  X* = " + ", ".join(f"{v:.6g}" for v in opt.X_star))
    print(f"  realizable: {'unknown (no realisability module)' if realizable is None else realizable}")
    if realization is not None:
        print(f"  realising (b, A): b = {realization['b']}, A = {realization['A']}")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "optimum",
        help="exact population quadratic (H, h, c) and its closed-form optimum X* = H^-1 h",
        description="Exact one-layer population objective ftilde(X) = X^T H X - 2 h^T X + c "
        "(kernel-conditioned, MATH.md section 4) and X* = H^-1 h.",
    )
    p.add_argument("--d", type=int, required=True, help="chain input length d >= 1")
    p.add_argument("--n", type=int, required=True, help="number of context chains n >= 1")
    p.add_argument("--p", type=str, default=None, help="P(s_1 = 1) in (0, 1) (binary state spaces)")
    p.add_argument("--prior", type=str, default="uniform",
                   help="uniform | fixed:P01,P10 | dirichlet:S,ALPHA (default uniform)")
    p.add_argument("--init", choices=["iid", "correlated"], default="iid",
                   help="i.i.d. Bernoulli(p) starts (uniform for S > 2) or correlated (Thm 3.4, g(x)=(x-p)^2)")
    p.add_argument("--exact", action="store_true",
                   help=f"exact rational arithmetic through python-flint (d <= {EXACT_MAX_D})")
    p.add_argument("--max-bytes", type=str, default=None,
                   help="memory budget in bytes checked before allocation (default: the library's "
                   "recovery.lsa.population.DEFAULT_MAX_BYTES = 8e9; 'inf' disables it)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)
