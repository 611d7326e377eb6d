"""Applying the reduction graph to an instance file: the target files, the chain and the certificates.

:func:`reduce_to_files` reads an instance (any format of
:func:`reductions.problems.loading.load_problem`), composes the rules on the shortest path to the
target problem (through the problems in ``via``), writes ``out/target.json`` (for ``lsa_program``
also ``out/target.nl`` and ``out/target.gms`` through Pyomo; for ``cnf`` also ``out/target.cnf``)
and ``out/chain.json`` (the rules applied and the sizes).  With ``witness`` it decides the source
exactly (HiGHS MILP), maps its solution forward and checks it on the target; with
``solve_target`` it decides the target (an exact decider, or a ``recovery.programs.solvers`` name
for LSA programs), maps the solution back and checks it on the source: the reported ``answer`` is
``yes`` only when that check passes, ``no`` only with a proof, else ``unknown``
(:mod:`reductions.deciders.certify`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recovery.programs.solvers.pyomo_model import export_program
from reductions.deciders.certify import certify
from reductions.deciders.source import decide
from reductions.problems.cnf import CNF
from reductions.problems.loading import load_problem
from reductions.problems.lsa_program import LSAProgram
from reductions.problems.reduction import Reduction
from reductions.problems.values import to_jsonable
from reductions.rules.graph import chain

__all__ = ["ReduceReport", "reduce_to_files", "write_target"]


@dataclass
class ReduceReport:
    """What :func:`reduce_to_files` did.

    Attributes
    ----------
    data : dict
        One JSON document (keys listed in :func:`reduce_to_files`).
    lines : list of str
        A text report, one line per fact.
    """

    data: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The text report, one line per fact.

        Returns
        -------
        str
            ``lines`` joined by newlines.
        """
        return "\n".join(self.lines)


def write_target(red: Reduction, out: Path) -> list[str]:
    """Write the target of ``red`` (JSON, plus its native formats) and ``chain.json`` into ``out``.

    ``target.json`` always; ``target.nl`` and ``target.gms`` (Pyomo) for an ``lsa_program``
    target; ``target.cnf`` (DIMACS) for a ``cnf`` target; then ``chain.json`` (the rules applied
    and the sizes).

    Parameters
    ----------
    red : Reduction
        The reduction (or chain) whose target is written.
    out : pathlib.Path
        An existing directory.

    Returns
    -------
    list of str
        The paths written, in order.
    """
    target = red.target
    written = []
    (out / "target.json").write_text(json.dumps(target.to_json(), indent=1) + "\n")
    written.append(str(out / "target.json"))
    if isinstance(target, LSAProgram):
        for fmt in ("nl", "gms"):
            written.append(export_program(target.program, out / f"target.{fmt}", fmt))
    elif isinstance(target, CNF):
        target.write_dimacs(out / "target.cnf", comment=f"lsahard reduce: {red.rule}")
        written.append(str(out / "target.cnf"))
    (out / "chain.json").write_text(json.dumps(red.chain_json(), indent=1) + "\n")
    written.append(str(out / "chain.json"))
    return written


def _short(x: Any, limit: int = 200) -> str:
    s = json.dumps(to_jsonable(x))
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _forward(red: Reduction, out: Path, time_limit: float, report: ReduceReport) -> None:
    """Decide the source by MILP and carry a YES witness forward to the target."""
    d = decide(red.source, "milp", time_limit=time_limit)
    entry: dict[str, Any] = {"source_answer": d.answer, "source_status": d.status}
    report.lines.append(f"source decided by MILP: answer={d.answer} ({d.status}, {d.wall_s:.3f} s)")
    if d.answer:
        tsol = red.forward(d.witness)
        ok = bool(red.target.check(tsol))
        entry.update(source_witness=to_jsonable(d.witness), target_witness_ok=ok)
        (out / "forward_witness.json").write_text(json.dumps(to_jsonable(tsol)) + "\n")
        report.lines.append(f"source witness {_short(d.witness)}")
        report.lines.append(f"forward witness on the target: feasible={ok} (wrote {out / 'forward_witness.json'})")
    report.data["forward"] = entry


def _backward(red: Reduction, method: str, out: Path, time_limit: float, report: ReduceReport) -> None:
    """Decide the target with ``method`` and certify its answer at the source."""
    d = decide(red.target, method, time_limit=time_limit)
    ans = certify(red, d.answer, d.witness, d.proof, d.status)
    report.data["backward"] = {"target_answer": d.answer, "target_status": d.status, "target_proof": d.proof,
                               "wall_s": d.wall_s, **{f"source_{k}": v for k, v in ans.to_json().items()}}
    report.lines.append(f"target decided by {method}: answer={d.answer} ({d.status}, {d.wall_s:.3f} s)")
    if ans.witness is not None:
        (out / "backward_solution.json").write_text(json.dumps(to_jsonable(ans.witness)) + "\n")
        report.lines.append(f"backward solution {_short(ans.witness)}: passes the source's exact check")
    report.lines.append(f"answer: {ans.answer}  proof: {ans.proof}  ({ans.reason})")
    report.data["answer"] = ans.to_json()


def reduce_to_files(instance: Any, to: str, out: str | Path, *, via: Iterable[str] = (), k: int | None = None,
                    witness: bool = False, solve_target: str | None = None,
                    time_limit: float = 60.0) -> ReduceReport:
    """Reduce ``instance`` to the problem ``to`` and write the target and the chain into ``out``.

    Parameters
    ----------
    instance : Problem, dict, str or Path
        Anything :func:`reductions.problems.loading.load_problem` reads.
    to : str
        The target problem (a node of the reduction graph).
    out : str or Path
        Output directory (created).
    via : iterable of str
        Problems the path must pass through, in order.
    k : int or None
        Number of colours when ``instance`` is a graph file.
    witness : bool
        Decide the source (HiGHS MILP), map a YES witness forward and check it on the target.
    solve_target : str or None
        Decide the target with this method (:func:`reductions.deciders.source.decide`), map the
        solution back and certify the answer at the source.
    time_limit : float
        Seconds per decision (> 0).

    Returns
    -------
    ReduceReport
        ``data`` with the keys ``source``, ``target``, ``rules``, ``source_size``, ``target_size``,
        ``size_matches``, ``written`` (and ``forward``, ``backward``, ``answer`` when asked), and
        the same as text lines.

    Examples
    --------
    >>> import tempfile
    >>> from reductions import CNF
    >>> with tempfile.TemporaryDirectory() as out:
    ...     rep = reduce_to_files(CNF(n_vars=2, clauses=((1, 2),)), "nae_sat", out)
    >>> rep.data["rules"], rep.data["size_matches"]
    (['cnf_to_nae_sat'], True)
    """
    if not (isinstance(time_limit, (int, float)) and not isinstance(time_limit, bool) and 0 < time_limit < float("inf")):
        raise ValueError(f"time_limit must be a finite number of seconds > 0, got {time_limit!r}")
    source = load_problem(instance, k=k)
    red = chain(source, to, via=[v.strip() for v in via if v.strip()])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = write_target(red, out)
    report = ReduceReport(data={
        "source": source.PROBLEM, "target": red.target.PROBLEM, "rules": [s["rule"] for s in red.steps],
        "source_size": source.size(), "target_size": red.size, "size_matches": red.size_matches,
        "written": written,
    })
    report.lines.append(f"source {source.PROBLEM} {source.size()}")
    for s in red.steps:
        ok = "ok" if all(s["target_size"].get(key) == v for key, v in s["predicted_size"].items()) else "MISMATCH"
        report.lines.append(f"  --{s['rule']}--> {s['target']} {s['target_size']} (size formula {ok})")
    report.lines.append("wrote " + ", ".join(written))
    if witness:
        _forward(red, out, time_limit, report)
    if solve_target:
        _backward(red, solve_target, out, time_limit, report)
    report.data = to_jsonable(report.data)
    return report
