"""Soundness sweep over public instances with known answers: no wrong answer at any level.

``python -m benchmarks.suites.public_soundness --out DIR [--shared PATH] [--time-limit S] [--max-d D]``

Reads the SATLIB/kissat CNFs and DIMACS colouring graphs of ``PATH`` (default: the ``shared/
instances`` folder next to the repository) with their answers (``answers.solu``), pushes every
instance down its reduction chain and decides every level with every applicable method:

* ``cnf``, ``nae_sat``: PySAT (``sat``); colouring graphs at ``k = chi`` and ``k = chi - 1``:
  ``sat`` at the colouring and CNF levels;
* ``separability``: SCIP indicator constraints (``scip``) and the big-M MILP (``milp``);
* ``lsa_program`` in both layouts of ``bm_program_to_lsa_program`` (``fixed``, the paper's, while
  its d <= ``--max-d``; ``compact``), with the solvers of ``--solvers``; LSA answers are certified
  at the source (:func:`reductions.deciders.certify.answer_for_result`).

Each run is one JSON line in ``DIR/runs.jsonl``; ``DIR/summary.md`` counts answers by level,
method and proof level (``exact``, ``solver proof``, undecided) and lists wrong answers.  The exit
code is 1 when any answer contradicts ``answers.solu``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from recovery.programs.solvers import available_solvers, solve
from reductions import LSAProgram, chain, decide, load_problem
from reductions.deciders.certify import answer_for_result
from reductions.problems.base import Reduction
from reductions.rules.graph import rule_module

__all__ = ["read_answers", "sweep", "summary_markdown", "main"]

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "instances"
DEFAULT_SOLVERS = ("scip", "highs-milp", "z3", "lm", "mccormick")
LEVEL_METHODS = {"cnf": ("sat",), "nae_sat": ("sat",), "separability": ("scip", "milp")}


def read_answers(path: Path) -> dict[str, Any]:
    """Read ``answers.solu``: name -> True/False (``=sat=``/``=unsat=``) or the chromatic number.

    Other lines are ignored.

    Parameters
    ----------
    path : Path
        The ``answers.solu`` file.

    Returns
    -------
    dict of str to bool or int
        True for ``=sat=``, False for ``=unsat=``, the chromatic number for ``=chi= NAME X``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = pathlib.Path(tmp) / "answers.solu"
    ...     _ = f.write_text("=sat= uf20-01\\n=unsat= uuf50-01\\n=chi= myciel3 4\\n")
    ...     read_answers(f)
    {'uf20-01': True, 'uuf50-01': False, 'myciel3': 4}
    """
    out: dict[str, Any] = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("=sat=", "=unsat="):
            out[parts[1]] = parts[0] == "=sat="
        elif len(parts) == 3 and parts[0] == "=chi=":
            out[parts[1]] = int(parts[2])
    return out


def _sources(shared: Path, answers: Mapping[str, Any]) -> Iterator[tuple[str, Any, bool]]:
    for path in sorted((shared / "cnf").glob("*.cnf")):
        if path.stem in answers:
            yield path.stem, load_problem(path), bool(answers[path.stem])
    for path in sorted((shared / "col").glob("*.edgelist")):
        chi = answers.get(path.stem)
        if isinstance(chi, int):
            for k, truth in ((chi, True), (chi - 1, False)):
                if k >= 1:
                    yield f"{path.stem}@k={k}", load_problem(path, k=k), truth


def _record(name: str, level: str, method: str, truth: bool, answer: str, proof: str, wall: float,
            detail: str) -> dict[str, Any]:
    wrong = (answer == "yes" and not truth) or (answer == "no" and truth)
    return {"instance": name, "level": level, "method": method, "truth": "YES" if truth else "NO",
            "answer": answer, "proof": proof, "wrong": wrong, "wall_s": round(wall, 3), "detail": detail[:200]}


def _decide_level(name: str, red: Reduction, method: str, truth: bool, time_limit: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    d = decide(red.target, method, time_limit=time_limit)
    answer = "unknown"
    if d.answer is True and red.source.check(red.backward(d.witness)):
        answer = "yes"
    elif d.answer is False and d.proof in ("exact", "solver proof"):
        answer = "no"
    return _record(name, red.target.PROBLEM, method, truth, answer, d.proof if answer != "unknown" else "none",
                   time.perf_counter() - t0, d.status)


def _lsa_reductions(source: Any, max_d: int) -> Iterator[tuple[str, Reduction]]:
    to_bm = chain(source, "bm_program")
    rule = rule_module("bm_program_to_lsa_program")
    for layout in ("compact", "fixed"):
        if rule.predicted_size(to_bm.target, layout)["d"] <= max_d:
            yield f"lsa_program/{layout}", Reduction.compose(to_bm, rule.reduce(to_bm.target, layout=layout))


def _runs(name: str, source: Any, truth: bool, solvers: tuple[str, ...], time_limit: float,
          max_d: int) -> Iterator[dict[str, Any]]:
    levels = ["cnf", "nae_sat", "separability"] if source.PROBLEM == "cnf" else ["coloring", "cnf", "separability"]
    for level in levels:
        red = Reduction.identity(source) if level == source.PROBLEM else chain(source, level)
        for method in LEVEL_METHODS.get(level, ("sat",)):
            yield _decide_level(name, red, method, truth, time_limit)
    for level, red in _lsa_reductions(source, max_d):
        target = red.target
        if not isinstance(target, LSAProgram):
            raise ValueError(f"{name}: {level}: expected the chain to end in an lsa_program, "
                             f"got {type(target).__name__}")
        for solver in solvers:
            t0 = time.perf_counter()
            try:
                r = solve(target.program, solver, time_limit=time_limit)
            except ValueError as exc:  # over the memory budget: refused before allocation
                yield _record(name, level, solver, truth, "unknown", "none", time.perf_counter() - t0, str(exc))
                continue
            ans = answer_for_result(red, r)
            yield _record(name, level, solver, truth, ans.answer, ans.proof, time.perf_counter() - t0,
                          f"{r.status}: {ans.reason}")


def sweep(shared: Path, out: Path, *, solvers: tuple[str, ...] = DEFAULT_SOLVERS, time_limit: float = 5.0,
          max_d: int = 400, only: str = "") -> list[dict[str, Any]]:
    """Run the sweep (see the module docstring); returns the records, also written to ``out``.

    Every run is appended to ``out/runs.jsonl`` as it finishes (a wrong one is also printed on
    stderr), a progress line per instance goes to stderr, and ``out/summary.md`` is written at
    the end (:func:`summary_markdown`).

    Parameters
    ----------
    shared : Path
        Folder with ``cnf/``, ``col/`` and ``answers.solu``.
    out : Path
        Output directory (created).
    solvers : tuple of str, optional
        LSA solvers; those not installed are dropped.
    time_limit : float, optional
        Seconds per run.
    max_d : int, optional
        Largest ``d`` of an LSA program (per layout).
    only : str, optional
        Only instances whose name contains this text.

    Returns
    -------
    list of dict
        One record per run: ``instance``, ``level``, ``method``, ``truth``, ``answer``,
        ``proof``, ``wrong``, ``wall_s``, ``detail``.
    """
    answers = read_answers(shared / "answers.solu")
    installed = available_solvers()
    solvers = tuple(s for s in solvers if installed.get(s))
    out.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    with open(out / "runs.jsonl", "w") as fh:
        for name, source, truth in _sources(shared, answers):
            if only and only not in name:
                continue
            for rec in _runs(name, source, truth, solvers, time_limit, max_d):
                records.append(rec)
                fh.write(json.dumps(rec) + "\n")
                fh.flush()
                if rec["wrong"]:
                    sys.stderr.write(f"WRONG: {rec}\n")
            sys.stderr.write(f"[{time.perf_counter() - t0:7.1f} s] {name}: {len(records)} runs so far\n")
    (out / "summary.md").write_text(summary_markdown(records))
    return records


def summary_markdown(records: Sequence[Mapping[str, Any]]) -> str:
    """Markdown table: runs per (level, method) by answer and proof level, and the wrong ones.

    Parameters
    ----------
    records : sequence of Mapping
        Records of :func:`sweep`.

    Returns
    -------
    str
        The table (columns runs, yes exact, no exact, no solver proof, undecided, wrong), then
        ``Wrong answers: N.`` and one line per wrong record.

    Examples
    --------
    >>> rec = {"level": "cnf", "method": "sat", "answer": "yes", "proof": "exact", "wrong": False}
    >>> print(summary_markdown([rec]))
    | level | method | runs | yes exact | no exact | no solver proof | undecided | wrong |
    |---|---|---|---|---|---|---|---|
    | cnf | sat | 1 | 1 | 0 | 0 | 0 | 0 |
    <BLANKLINE>
    Wrong answers: 0.
    <BLANKLINE>
    """
    rows: dict[tuple[str, str], Counter] = {}
    for r in records:
        key = (r["level"], r["method"])
        c = rows.setdefault(key, Counter())
        c["runs"] += 1
        c[f"{r['answer']} {r['proof']}" if r["answer"] != "unknown" else "undecided"] += 1
        c["wrong"] += int(r["wrong"])
    cols = ["runs", "yes exact", "no exact", "no solver proof", "undecided", "wrong"]
    lines = ["| level | method | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for (level, method), c in sorted(rows.items()):
        lines.append(f"| {level} | {method} | " + " | ".join(str(c.get(k, 0)) for k in cols) + " |")
    wrong = [r for r in records if r["wrong"]]
    lines += ["", f"Wrong answers: {len(wrong)}."] + [f"- {json.dumps(r)}" for r in wrong]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the sweep (usage in the module docstring).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        1 when any answer contradicts ``answers.solu``, else 0 (argparse exits 2 on bad usage).
    """
    ap = argparse.ArgumentParser(prog="python -m benchmarks.suites.public_soundness", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--shared", default=str(DEFAULT_SHARED), help="folder with cnf/, col/ and answers.solu")
    ap.add_argument("--time-limit", type=float, default=5.0, help="seconds per run (default 5)")
    ap.add_argument("--max-d", type=int, default=400, help="largest d of a fixed-layout LSA program (default 400)")
    ap.add_argument("--solvers", default=",".join(DEFAULT_SOLVERS), help="LSA solvers, comma-separated")
    ap.add_argument("--only", default="", help="only instances whose name contains this text")
    a = ap.parse_args(argv)
    if not a.time_limit > 0 or a.max_d < 1:
        ap.error("need --time-limit > 0 and --max-d >= 1")
    shared = Path(a.shared)
    if not (shared / "answers.solu").is_file():
        ap.error(f"--shared: no answers.solu in {shared}")
    records = sweep(shared, Path(a.out), solvers=tuple(s for s in a.solvers.split(",") if s),
                    time_limit=a.time_limit, max_d=a.max_d, only=a.only)
    sys.stdout.write(summary_markdown(records))
    return 1 if any(r["wrong"] for r in records) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
