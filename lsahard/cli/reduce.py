"""``lsahard reduce`` and ``lsahard reductions``: apply the reduction graph from the command line.

``lsahard reduce INSTANCE --to NAME --out DIR`` reads INSTANCE (.json problem, DIMACS .cnf, or a
networkx graph file with ``--k``), composes the rules on the shortest path to NAME (through the
problems listed in ``--via``) and writes ``DIR/target.json`` (for ``lsa_program`` also
``DIR/target.nl`` and ``DIR/target.gms`` through Pyomo; for ``cnf`` also ``DIR/target.cnf``) and
``DIR/chain.json`` (the rules applied and the sizes).  ``--witness`` decides the source exactly
(HiGHS MILP), maps its solution forward and checks it on the target; ``--solve-target METHOD``
decides the target (an exact decider, or a ``recovery.programs.solvers`` name for LSA programs), maps the
solution back and checks it on the source: the reported ``answer`` is ``yes`` only when that
check passes, ``no`` only with a proof, else ``unknown`` (``reductions.deciders.certify``).

``lsahard reductions [--png FILE]`` prints the graph of problems and rules and draws it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["register", "draw_graph"]


def _positive_float(text: str) -> float:
    # ArgumentTypeError (not ValueError) so that argparse prints this message, not "invalid value"
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (v > 0 and v != float("inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text!r}")
    return v


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "reduce",
        help="reduce a problem instance along the reduction graph",
        description="Reduce INSTANCE to the problem NAME; write DIR/target.json and DIR/chain.json.",
    )
    p.add_argument("instance", help="instance file: .json (problem JSON), .cnf (DIMACS) or a graph file")
    p.add_argument("--to", required=True, metavar="NAME", help="target problem name")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created)")
    p.add_argument("--via", default="", metavar="P1,P2", help="comma-separated intermediate problems")
    p.add_argument("--k", type=int, default=None, help="number of colours for graph files")
    p.add_argument("--witness", action="store_true",
                   help="decide the source (HiGHS MILP), map its solution forward and check it on the target")
    p.add_argument("--solve-target", default=None, metavar="METHOD",
                   help="decide the target (milp|brute, or a recovery solver name for lsa_program), "
                        "map the solution back and check it on the source")
    p.add_argument("--time-limit", type=_positive_float, default=60.0, help="seconds per solve (default 60)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_reduce)

    g = subparsers.add_parser("reductions", help="print the reduction graph (and draw it as PNG)")
    g.add_argument("--png", default=None, metavar="FILE", help="write a PNG drawing of the graph")
    g.add_argument("--json", action="store_true", help="print one JSON object")
    g.set_defaults(func=_reductions)


def _write_target(red, out: Path) -> list[str]:
    target = red.target
    written = []
    (out / "target.json").write_text(json.dumps(target.to_json(), indent=1) + "\n")
    written.append(str(out / "target.json"))
    if target.PROBLEM == "lsa_program":
        from recovery.programs.solvers.pyomo_model import export_program

        for fmt in ("nl", "gms"):
            written.append(export_program(target.program, out / f"target.{fmt}", fmt))
    elif target.PROBLEM == "cnf":
        target.write_dimacs(out / "target.cnf", comment=f"lsahard reduce: {red.rule}")
        written.append(str(out / "target.cnf"))
    chain = red.chain_json()
    (out / "chain.json").write_text(json.dumps(chain, indent=1) + "\n")
    written.append(str(out / "chain.json"))
    return written


def _reduce(args) -> int:
    from reductions import chain, decide, load_problem
    from reductions.problems.base import _jsonable
    from reductions.deciders.certify import certify

    source = load_problem(args.instance, k=args.k)
    via = [v.strip() for v in args.via.split(",") if v.strip()]
    red = chain(source, args.to, via=via)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = _write_target(red, out)
    report: dict[str, Any] = {
        "source": source.PROBLEM,
        "target": red.target.PROBLEM,
        "rules": [s["rule"] for s in red.steps],
        "source_size": source.size(),
        "target_size": red.size,
        "size_matches": red.size_matches,
        "written": written,
    }
    lines = [f"source {source.PROBLEM} {source.size()}"]
    for s in red.steps:
        ok = "ok" if all(s["target_size"].get(k) == v for k, v in s["predicted_size"].items()) else "MISMATCH"
        lines.append(f"  --{s['rule']}--> {s['target']} {s['target_size']} (size formula {ok})")
    lines.append("wrote " + ", ".join(written))

    if args.witness:
        d = decide(source, "milp", time_limit=args.time_limit)
        entry: dict[str, Any] = {"source_answer": d.answer, "source_status": d.status}
        lines.append(f"source decided by MILP: answer={d.answer} ({d.status}, {d.wall_s:.3f} s)")
        if d.answer:
            tsol = red.forward(d.witness)
            ok = bool(red.target.check(tsol))
            entry.update(source_witness=_jsonable(d.witness), target_witness_ok=ok)
            (out / "forward_witness.json").write_text(json.dumps(_jsonable(tsol)) + "\n")
            lines.append(f"source witness {_short(d.witness)}")
            lines.append(f"forward witness on the target: feasible={ok} (wrote {out / 'forward_witness.json'})")
        report["forward"] = entry

    if args.solve_target:
        d = decide(red.target, args.solve_target, time_limit=args.time_limit)
        ans = certify(red, d.answer, d.witness, d.proof, d.status)
        entry = {"target_answer": d.answer, "target_status": d.status, "target_proof": d.proof,
                 "wall_s": d.wall_s, **{f"source_{k}": v for k, v in ans.to_json().items()}}
        lines.append(f"target decided by {args.solve_target}: answer={d.answer} ({d.status}, {d.wall_s:.3f} s)")
        if ans.witness is not None:
            (out / "backward_solution.json").write_text(json.dumps(_jsonable(ans.witness)) + "\n")
            lines.append(f"backward solution {_short(ans.witness)}: passes the source's exact check")
        lines.append(f"answer: {ans.answer}  proof: {ans.proof}  ({ans.reason})")
        report["backward"] = entry
        report["answer"] = ans.to_json()

    if args.json:
        print(json.dumps(_jsonable(report)))
    else:
        print("\n".join(lines))
    return 0


def _short(x: Any, limit: int = 200) -> str:
    from reductions.problems.base import _jsonable

    s = json.dumps(_jsonable(x))
    return s if len(s) <= limit else s[: limit - 3] + "..."


#: fixed drawing positions (x, y) of the problems; unknown nodes are placed on a bottom row
_POS = {
    "coloring": (0.0, 1.0), "cnf": (1.5, 1.0), "nae_sat": (3.0, 1.0), "set_splitting": (4.5, 2.0),
    "separability": (6.0, 1.0), "bm_program": (7.5, 1.0), "lsa_program": (9.0, 0.0), "partition": (0.0, -1.0),
}


def draw_graph(path: str | Path) -> str:
    """Draw the reduction graph (problems as boxes, rules as labelled arrows) as a PNG."""
    if Path(path).suffix.lower() != ".png":
        raise ValueError(f"--png: expected a file name ending in .png, got {str(path)!r}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reductions.rules.graph import rules_graph

    G = rules_graph()
    pos = dict(_POS)
    for i, v in enumerate(v for v in G.nodes if v not in pos):
        pos[v] = (1.5 * i, -2.0)
    fig, ax = plt.subplots(figsize=(13, 4.8))
    box = dict(boxstyle="round,pad=0.45", fc="#dde8f5", ec="#234")
    label = {v: ax.text(*pos[v], v, ha="center", va="center", fontsize=10, bbox=box, zorder=3) for v in G.nodes}
    for u, v, d in G.edges(data=True):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", lw=1.3, shrinkA=3, shrinkB=3, mutation_scale=16,
                                    patchA=label[u].get_bbox_patch(), patchB=label[v].get_bbox_patch(),
                                    color="#333" if d["available"] else "#c33",
                                    linestyle="-" if d["available"] else "--"))
        xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
        ax.text(xm, ym + 0.13, d["rule"], ha="center", va="bottom", fontsize=7.5, color="#124", zorder=2,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_title("lsahard reduction graph: problems (boxes) and rules (arrows)")
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return str(path)


def _reductions(args) -> int:
    from reductions.rules.graph import format_graph, rules_graph

    G = rules_graph()
    png = draw_graph(args.png) if args.png else None
    if args.json:
        print(json.dumps({
            "problems": list(G.nodes),
            "rules": [{"rule": d["rule"], "source": u, "target": v, "available": d["available"]}
                      for u, v, d in G.edges(data=True)],
            "png": png,
        }))
    else:
        print(format_graph(G))
        if png:
            print(f"wrote {png}")
    return 0
