"""Large proof-by-computation run of the reduction rules and chains.

``python -m benchmarks.perf.bench_reductions [--only NAME ...] [--limit N] [--json]``

``CHECKS`` maps a rule (or chain) name to a callable ``check(limit) -> dict`` that runs
:func:`reductions.proof.check_reduction` on up to ``limit`` instances (None = the whole family)
and returns ``{"instances": N, "yes": Y, "no": K, "family": description, "source_method": ...,
"target_method": ..., "seconds": s}``.  Any failure raises ``ReductionCheckError`` (the run stops
with the offending instance in the message).  A new rule registers its check with
``@register("rule_name")``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from reductions.problems.bm_program import BMProgram
from reductions.problems.partition import Partition
from reductions.problems.separability import Separability
from reductions.problems.values import as_points
from reductions.proof import (
    all_cnfs,
    all_colorings,
    all_nae_sats,
    all_set_splittings,
    check_reduction,
)
from reductions.rules.bm_program_to_lsa_program import reduce as bm_reduce
from reductions.rules.graph import chain, rule_module

__all__ = ["CHECKS", "register", "run_family", "main"]

CHECKS: dict[str, Callable[[int | None], dict]] = {}


def register(name: str):
    """Decorator adding ``check(limit) -> counts`` to :data:`CHECKS` under ``name``."""

    def deco(fn: Callable[[int | None], dict]) -> Callable[[int | None], dict]:
        CHECKS[name] = fn
        return fn

    return deco


def run_family(reduce, instances: Iterable, source_method: str, target_method: str,
               limit: int | None, family: str, time_limit: float | None = None) -> dict:
    """Check ``reduce`` on the instances (at most ``limit``); returns the counts."""
    t0 = time.perf_counter()
    counts = {"yes": 0, "no": 0}
    for inst in itertools.islice(instances, limit):
        counts[check_reduction(reduce, inst, source_method, target_method, time_limit=time_limit)] += 1
    return {
        "instances": counts["yes"] + counts["no"],
        **counts,
        "family": family,
        "source_method": source_method,
        "target_method": target_method,
        "seconds": round(time.perf_counter() - t0, 2),
    }


def _merge(*parts: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"instances": 0, "yes": 0, "no": 0, "family": [], "seconds": 0.0}
    for p in parts:
        for k in ("instances", "yes", "no", "seconds"):
            out[k] += p[k]
        out["family"].append(f"{p['family']} [{p['source_method']} vs {p['target_method']}]")
    out["family"] = "; ".join(out["family"])
    out["seconds"] = round(out["seconds"], 2)
    return out


def _rule(name: str):
    return rule_module(name).reduce


def _to(dst: str, via: tuple[str, ...] = ()):
    return lambda inst: chain(inst, dst, via=via)


def _split(limit: int | None, parts: int) -> list[int | None]:
    return [None] * parts if limit is None else [max(1, limit // parts)] * parts


@register("cnf_to_nae_sat")
def _cnf_to_nae(limit):
    a, b = _split(limit, 2)
    r = _rule("cnf_to_nae_sat")
    return _merge(
        run_family(r, all_cnfs(3, 4), "brute", "brute", a, "all CNFs, 3 vars, <= 4 clauses of width 1-3"),
        run_family(r, all_cnfs(4, 2), "milp", "brute", b, "all CNFs, 4 vars, <= 2 clauses of width 1-3"),
    )


@register("nae_sat_to_set_splitting")
def _nae_to_ss(limit):
    a, b = _split(limit, 2)
    r = _rule("nae_sat_to_set_splitting")
    return _merge(
        run_family(r, all_nae_sats(3, 4), "brute", "brute", a, "all NAE-SAT, 3 vars, <= 4 clauses of width 2-3"),
        run_family(r, all_nae_sats(4, 2, (1, 2, 3)), "brute", "milp", b,
                   "all NAE-SAT, 4 vars, <= 2 clauses of width 1-3"),
    )


@register("nae_sat_to_separability")
def _nae_to_sep(limit):
    a, b = _split(limit, 2)
    r = _rule("nae_sat_to_separability")
    return _merge(
        run_family(r, all_nae_sats(3, 3), "brute", "brute", a, "all NAE-SAT, 3 vars, <= 3 clauses of width 2-3"),
        run_family(r, all_nae_sats(3, 3, (1, 2, 3)), "milp", "milp", b,
                   "all NAE-SAT, 3 vars, <= 3 clauses of width 1-3 (mixed widths)"),
    )


@register("set_splitting_to_separability")
def _ss_to_sep(limit):
    a, b = _split(limit, 2)
    r = _rule("set_splitting_to_separability")
    return _merge(
        run_family(r, all_set_splittings(4, 3), "brute", "brute", a, "all set splitting, n = 4, <= 3 subsets"),
        run_family(r, all_set_splittings(5, 2), "milp", "milp", b, "all set splitting, n = 5, <= 2 subsets"),
    )


@register("coloring_to_cnf")
def _col_to_cnf(limit):
    a, b = _split(limit, 2)
    r = _rule("coloring_to_cnf")
    return _merge(
        run_family(r, all_colorings(4, (1, 2, 3, 4)), "brute", "brute", a, "all graphs <= 4 nodes, k = 1..4"),
        run_family(r, all_colorings(5, (2, 3)), "milp", "milp", b, "all graphs <= 5 nodes, k = 2, 3"),
    )


@register("chain:cnf->separability")
def _cnf_to_sep(limit):
    a, b = _split(limit, 2)
    return _merge(
        run_family(_to("separability"), all_cnfs(2, 4), "brute", "brute", a,
                   "all CNFs, 2 vars, <= 4 clauses (via nae_sat)"),
        run_family(_to("separability"), all_cnfs(3, 2), "brute", "milp", b,
                   "all CNFs, 3 vars, <= 2 clauses (via nae_sat)"),
    )


@register("chain:cnf->set_splitting->separability")
def _cnf_to_sep_ss(limit):
    return run_family(_to("separability", ("set_splitting",)), all_cnfs(2, 4), "brute", "milp", limit,
                      "all CNFs, 2 vars, <= 4 clauses (via nae_sat, set_splitting)")


@register("chain:coloring->separability")
def _col_to_sep(limit):
    a, b = _split(limit, 2)
    return _merge(
        run_family(_to("separability"), all_colorings(3, (1, 2)), "brute", "milp", a,
                   "all graphs <= 3 nodes, k = 1, 2 (via cnf, nae_sat)"),
        run_family(_to("separability"), all_colorings(4, (2,)), "milp", "milp", b,
                   "all graphs <= 4 nodes, k = 2 (via cnf, nae_sat)"),
    )


@register("chain:cnf->lsa_program")
def _cnf_to_lsa(limit):
    return run_family(_to("lsa_program"), all_cnfs(2, 3, (1, 2)), "brute", "highs-milp", limit,
                      "all CNFs, 2 vars, <= 3 clauses of width 1-2 (via nae_sat, separability, bm_program)",
                      time_limit=120.0)


# ---- R2's rules (separability -> bm_program -> lsa_program, partition -> lsa_program) ----------
def _separabilities(dim: int, grid: range, max_inside: int, max_outside: int):
    """Every instance with 1..max_inside inside and 0..max_outside outside points, all distinct,
    on the integer grid ``grid^dim``."""
    pts = [list(p) for p in itertools.product(grid, repeat=dim)]
    for ni in range(1, max_inside + 1):
        for P in itertools.combinations(range(len(pts)), ni):
            rest = [i for i in range(len(pts)) if i not in P]
            for nq in range(max_outside + 1):
                for Q in itertools.combinations(rest, nq):
                    yield Separability(inside=as_points(pts[i] for i in P), outside=as_points(pts[i] for i in Q))


def _bm_programs(dim: int, grid: range, max_inside: int, max_outside: int):
    for sep in _separabilities(dim, grid, max_inside, max_outside):
        yield BMProgram(inside=sep.inside, outside=sep.outside, dim=sep.dim)


@register("separability_to_bm_program")
def _sep_to_bm(limit):
    a, b = _split(limit, 2)
    r = _rule("separability_to_bm_program")
    return _merge(
        run_family(r, _separabilities(1, range(-3, 4), 2, 3), "brute", "milp", a,
                   "all dim-1 instances on {-3..3}, |P| <= 2, |Q| <= 3"),
        run_family(r, _separabilities(2, range(-1, 2), 2, 2), "brute", "milp", b,
                   "all dim-2 instances on {-1,0,1}^2, |P| <= 2, |Q| <= 2"),
    )


def _bm_to_lsa_check(limit, layout: str):
    a, b = _split(limit, 2)
    r = lambda inst: bm_reduce(inst, layout)  # noqa: E731
    return _merge(
        run_family(r, _bm_programs(1, range(-2, 3), 2, 3), "milp", "highs-milp", a,
                   f"all dim-1 BM programs on {{-2..2}}, |P| <= 2, |Q| <= 3 (layout {layout})"),
        run_family(r, _bm_programs(2, range(-1, 2), 2, 2), "milp", "highs-milp", b,
                   f"all dim-2 BM programs on {{-1,0,1}}^2, |P| <= 2, |Q| <= 2 (layout {layout})"),
    )


@register("bm_program_to_lsa_program")
def _bm_to_lsa(limit):
    return _bm_to_lsa_check(limit, "fixed")


@register("bm_program_to_lsa_program[compact]")
def _bm_to_lsa_compact(limit):
    return _bm_to_lsa_check(limit, "compact")


@register("partition_to_lsa_program")
def _partition_to_lsa(limit):
    fam = (Partition(values=v) for n in range(1, 6) for v in itertools.combinations_with_replacement(range(1, 6), n))
    return run_family(_rule("partition_to_lsa_program"), fam, "brute", "scip", limit,
                      "all multisets of n <= 5 values in 1..5 (SCIP on the LSA side)", time_limit=120.0)


@register("chain:set_splitting->lsa_program")
def _ss_to_lsa(limit):
    return run_family(_to("lsa_program"), all_set_splittings(3, 3), "brute", "highs-milp", limit,
                      "all set splitting, n = 3, <= 3 subsets (via separability, bm_program)", time_limit=120.0)


@register("chain:separability->lsa_program")
def _sep_to_lsa(limit):
    return run_family(_to("lsa_program"), _separabilities(2, range(-1, 2), 2, 2), "brute", "highs-milp", limit,
                      "all dim-2 separability on {-1,0,1}^2, |P| <= 2, |Q| <= 2 (via bm_program)",
                      time_limit=120.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.perf.bench_reductions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="rule/chain names (default: all)")
    parser.add_argument("--limit", type=int, default=None, help="instances per family part (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    names = args.only or list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        sys.stderr.write(f"bench_reductions: error: unknown check(s) {unknown}; expected some of {list(CHECKS)}\n")
        return 2
    results = {}
    for name in names:
        results[name] = CHECKS[name](args.limit)
        if not args.json:
            r = results[name]
            print(f"{name:40s} {r['instances']:6d} instances ({r['yes']} yes, {r['no']} no) "
                  f"{r['seconds']:8.1f} s   {r['family']}", flush=True)
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
