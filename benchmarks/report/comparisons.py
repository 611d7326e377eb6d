"""The comparison tables of a report: per (family, size, configuration), per encoding level, and conflicts."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.report.stats import SHIFTS, config_of, effective_time, shifted_geometric_mean, solved

__all__ = ["SizeRow", "size_table", "LevelRow", "level_table", "consistency_conflicts", "config_sort_key"]


@dataclass
class SizeRow:
    """One row of the size table: a configuration of a family at one size.

    Attributes
    ----------
    family : str
        Family name.
    size : int
        The family's size parameter.
    config : str
        ``level/solver``.
    runs : int
        Runs of the configuration at this size.
    solved : int
        Of which ``ok``.
    wrong : int
        Of which ``wrong``.
    timeouts : int
        Of which ``timeout``.
    complete : bool
        The configuration ran every instance of this (family, size).
    sgm : dict of float to float, optional
        Shift -> shifted geometric mean of the effective times (seconds).
    ratio : dict of float to float, optional
        Shift -> SGM divided by the best SGM among the complete configurations (NaN if not
        complete).
    """

    family: str
    size: int
    config: str
    runs: int
    solved: int
    wrong: int
    timeouts: int
    complete: bool  # ran every instance of this (family, size)
    sgm: dict[float, float] = field(default_factory=dict)
    ratio: dict[float, float] = field(default_factory=dict)


def config_sort_key(config: str, levels: Sequence[str]) -> tuple[int, str, str]:
    """Sort key of a configuration: its level's position in the chain, then level and solver.

    Parameters
    ----------
    config : str
        ``level/solver``.
    levels : sequence of str
        The family's levels in chain order; for a level not in it: ``source`` first, the LSA
        program last, the rest alphabetically between.

    Returns
    -------
    tuple of (int, str, str)
        ``(rank, level, solver)``.

    Examples
    --------
    >>> sorted(["lsa_program/scip", "source/milp", "nae_sat/milp"], key=lambda c: config_sort_key(c, ()))
    ['source/milp', 'nae_sat/milp', 'lsa_program/scip']
    """
    level, _, solver = config.partition("/")
    if level in levels:
        rank = list(levels).index(level)
    else:  # unknown chain: source first, the LSA program last, the rest alphabetically between
        rank = {"source": -1, "lsa_program": 10**6}.get(level, 0)
    return (rank, level, solver)


def size_table(recs: Sequence[Mapping[str, Any]],
               level_order: Mapping[str, Sequence[str]] | None = None) -> list[SizeRow]:
    """Per (family, size, configuration): runs, solved, SGMs and SGM ratios to the best.

    Rows are ordered by size, then by the level's position in the family's chain
    (``level_order[family]``), then by solver.  The SGMs are of the effective times, for every
    shift of :data:`~benchmarks.report.stats.SHIFTS`; the ratios divide by the best SGM among
    the configurations that ran every instance of the size (1.00 = the fastest).

    Parameters
    ----------
    recs : sequence of Mapping
        Result records.
    level_order : Mapping of str to sequence of str, optional
        Family -> its levels in chain order.

    Returns
    -------
    list of SizeRow
        The rows, by family and size.
    """
    groups: dict[tuple[str, int], list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        groups[(r["family"], int(r["size"]))].append(r)
    rows: list[SizeRow] = []
    for (fam, size) in sorted(groups):
        g = groups[(fam, size)]
        instances = {r["instance"] for r in g}
        by_conf: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for r in g:
            by_conf[config_of(r)].append(r)
        these = []
        levels = (level_order or {}).get(fam, ())
        for c in sorted(by_conf, key=lambda c: config_sort_key(c, levels)):
            rs = by_conf[c]
            row = SizeRow(fam, size, c, len(rs), sum(solved(r) for r in rs),
                          sum(r.get("classification") == "wrong" for r in rs),
                          sum(r.get("classification") == "timeout" for r in rs),
                          {r["instance"] for r in rs} == instances)
            for s in SHIFTS:
                row.sgm[s] = shifted_geometric_mean([effective_time(r) for r in rs], s)
            these.append(row)
        for s in SHIFTS:
            best = min((row.sgm[s] for row in these if row.complete), default=math.nan)
            for row in these:
                row.ratio[s] = row.sgm[s] / best if row.complete and best > 0 else math.nan
        rows.extend(these)
    return rows


@dataclass
class LevelRow:
    """One row of the "cost of each encoding level" table.

    Attributes
    ----------
    family : str
        Family name.
    level : str
        The encoding level.
    instances : int
        Instances run at every level of the family.
    best : str
        Best solver at this level (most solved, then smallest SGM10).
    solved : int
        Runs of the best solver that were solved.
    runs : int
        Runs of the best solver.
    sgm10 : float
        SGM (shift 10 s) of the best solver's effective times.
    ratio : float
        ``sgm10`` / smallest ``sgm10`` among the levels of the family.
    solved_by_any : int
        Instances solved by at least one solver at this level.
    """

    family: str
    level: str
    instances: int
    best: str            # best solver at this level (most solved, then smallest SGM10)
    solved: int          # runs of the best solver that were solved
    runs: int
    sgm10: float
    ratio: float         # sgm10 / smallest sgm10 among the levels of the family
    solved_by_any: int   # instances solved by at least one solver at this level


def level_table(recs: Sequence[Mapping[str, Any]],
                level_order: Mapping[str, Sequence[str]] | None = None) -> list[LevelRow]:
    """The cost of each encoding level: per family and level, the best solver on common instances.

    Only the instances that were run at EVERY level of the family count (so levels are compared
    on the same instances), and only solvers that ran every one of them.

    Parameters
    ----------
    recs : sequence of Mapping
        Result records.
    level_order : Mapping of str to sequence of str, optional
        Family -> its levels in chain order.

    Returns
    -------
    list of LevelRow
        Rows by family, levels in chain order.
    """
    out: list[LevelRow] = []
    for fam in sorted({r["family"] for r in recs}):
        frecs = [r for r in recs if r["family"] == fam]
        levels = sorted({r["level"] for r in frecs},
                        key=lambda lv: config_sort_key(lv + "/", (level_order or {}).get(fam, ())))
        per_level = {lv: {r["instance"] for r in frecs if r["level"] == lv} for lv in levels}
        common = set.intersection(*per_level.values()) if per_level else set()
        if not common:
            continue
        rows = []
        for lv in levels:
            lrecs = [r for r in frecs if r["level"] == lv and r["instance"] in common]
            best = None
            for solver in sorted({r["solver"] for r in lrecs}):
                srecs = [r for r in lrecs if r["solver"] == solver]
                if {r["instance"] for r in srecs} != common:
                    continue  # did not run every common instance
                key = (-sum(solved(r) for r in srecs),
                       shifted_geometric_mean([effective_time(r) for r in srecs], 10.0))
                if best is None or key < best[0]:
                    best = (key, solver, srecs)
            if best is None:
                continue
            (neg_solved, sgm), solver, srecs = best
            any_solved = len({r["instance"] for r in lrecs if solved(r)})
            rows.append(LevelRow(fam, lv, len(common), solver, -neg_solved, len(srecs), sgm, math.nan, any_solved))
        lo = min((r.sgm10 for r in rows), default=math.nan)
        for r in rows:
            r.ratio = r.sgm10 / lo if lo > 0 else math.nan
        out.extend(rows)
    return out


def consistency_conflicts(recs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Find the instances where one run proved YES and another proved NO (whatever the known answer).

    A YES whose witness failed verification (``verified`` False) is not counted as a proof.

    Parameters
    ----------
    recs : sequence of Mapping
        Result records.

    Returns
    -------
    list of str
        ``"INSTANCE: YES by CONFIGS; NO by CONFIGS"``, sorted by instance.

    Examples
    --------
    >>> recs = [{"instance": "i", "level": "source", "solver": "milp", "answer": "YES"},
    ...         {"instance": "i", "level": "lsa_program", "solver": "scip", "answer": "NO"}]
    >>> consistency_conflicts(recs)
    ['i: YES by source/milp; NO by lsa_program/scip']
    """
    ans: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"YES": set(), "NO": set()})
    for r in recs:
        a = r.get("answer")
        if a in ("YES", "NO") and not (a == "YES" and r.get("verified") is False):
            ans[r["instance"]][a].add(config_of(r))
    out = []
    for inst in sorted(ans):
        if ans[inst]["YES"] and ans[inst]["NO"]:
            out.append(f"{inst}: YES by {', '.join(sorted(ans[inst]['YES']))}; "
                       f"NO by {', '.join(sorted(ans[inst]['NO']))}")
    return out
