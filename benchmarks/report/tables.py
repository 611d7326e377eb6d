"""Benchmark reports: ``lsahard bench report DIR`` -> ``DIR/report.md`` and ``DIR/figures/*.png``.

Numbers (every definition here is what the report states in its "How to read" section):

* **Configuration**: ``level/solver`` (e.g. ``source/milp``, ``lsa_program/scip``): the same
  instance attacked at different encoding levels competes in one table, which is how the cost
  of each reduction step becomes visible.
* **Effective time** of a run: its solve wall time (capped at the time limit) if it is
  ``ok``; the time limit otherwise (timeouts, errors, unknown and wrong runs all count as
  unsolved at the limit, the SCIP/Mittelmann convention).
* **Shifted geometric mean** (SGM) with shift ``s``:
  ``SGM_s(t_1..t_n) = exp(mean(log(t_i + s))) - s``.  The shift damps the influence of very
  small times; we use ``s = 10`` s (the SCIP/Mittelmann convention) and show ``s = 1`` s as a
  sensitivity check.  Per family and size, SGMs are divided by the best (smallest) SGM among
  the configurations that ran every instance of that size: 1.00 = the fastest.
* **Dolan-More performance profile** (Dolan and More 2002): for instance ``p`` and
  configuration ``c``, ``r_{p,c} = t_{p,c} / min_c' t_{p,c'}`` over solved runs (infinity if
  ``c`` did not solve ``p``); ``rho_c(tau) = |{p : r_{p,c} <= tau}| / |P|``.  ``rho_c(1)`` is
  the fraction of instances where ``c`` was fastest, ``rho_c(inf)`` the fraction it solved.
  An instance with several seeds uses the mean effective time (solved only if every seed was).
* **Growth rate**: least squares fit ``log t = a + b * size`` to the per-size mean of
  ``log t`` over the largest :data:`GROWTH_POINTS` sizes at which EVERY run of the configuration
  was solved (so no point is censored by the limit, and the fit looks at the large-size end, not
  at the start-up overheads that dominate tiny sizes); the report shows ``b`` and the doubling
  size ``ln 2 / b`` (the size increase that doubles the time).
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from benchmarks.runner.results import (CLASSIFICATIONS, KNOWN_FILE, META_FILE, RESULTS_FILE, _iter_lines, load_known_answers,
                                read_json, read_records, sha256_file)

__all__ = [
    "SHIFTS",
    "effective_time",
    "solved",
    "config_of",
    "shifted_geometric_mean",
    "performance_ratios",
    "profile_value",
    "fit_growth",
    "growth_fit",
    "GROWTH_POINTS",
    "size_table",
    "level_table",
    "consistency_conflicts",
    "Report",
    "build_report",
    "write_report",
    "report_json",
    "session_rows",
]

#: shifts of the shifted geometric mean: 10 s (SCIP/Mittelmann), 1 s (sensitivity)
SHIFTS = (10.0, 1.0)

#: the growth fit uses at most this many of the largest fully solved sizes
GROWTH_POINTS = 4


def solved(rec: Mapping[str, Any]) -> bool:
    return rec.get("classification") == "ok"


def effective_time(rec: Mapping[str, Any]) -> float:
    """Solve time of an ``ok`` run capped at its limit; the limit for every unsolved run."""
    limit = float(rec["time_limit"])
    if solved(rec):
        return min(max(float(rec.get("wall_s") or 0.0), 0.0), limit)
    return limit


def config_of(rec: Mapping[str, Any]) -> str:
    return f"{rec['level']}/{rec['solver']}"


def shifted_geometric_mean(times: Iterable[float], shift: float = 10.0) -> float:
    """``exp(mean(log(t + shift))) - shift`` (NaN for no times)."""
    t = np.asarray(list(times), dtype=float)
    if t.size == 0:
        return math.nan
    if np.any(t < 0):
        raise ValueError("times: expected non-negative values")
    if shift < 0:
        raise ValueError("shift: expected >= 0")
    return float(np.exp(np.mean(np.log(t + shift))) - shift)


def performance_ratios(times: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Dolan-More ratios ``r[c][p] = t[c][p] / min_c' t[c'][p]`` (inf where unsolved).

    ``times[c][p]``: time of configuration ``c`` on problem ``p``; ``math.inf`` (or a missing
    entry) means unsolved.  A problem that no configuration solved gives inf for everyone.
    """
    configs = list(times)
    problems = sorted({p for c in configs for p in times[c]})
    out: dict[str, dict[str, float]] = {c: {} for c in configs}
    for p in problems:
        vals = [times[c].get(p, math.inf) for c in configs]
        best = min(vals)
        for c, v in zip(configs, vals):
            if not math.isfinite(v) or not math.isfinite(best):
                out[c][p] = math.inf
            elif best <= 0:
                out[c][p] = 1.0 if v <= 0 else math.inf
            else:
                out[c][p] = v / best
    return out


def profile_value(ratios: Mapping[str, float], tau: float) -> float:
    """``rho(tau)``: the fraction of problems with a finite ratio ``<= tau`` (so ``rho(inf)`` is
    the fraction solved: an unsolved problem's infinite ratio never counts)."""
    r = list(ratios.values())
    if not r:
        return math.nan
    return sum(1 for x in r if math.isfinite(x) and x <= tau) / len(r)


def fit_growth(sizes: Sequence[float], times: Sequence[float]) -> tuple[float, float] | None:
    """Least squares ``log t = a + b * size``; None with fewer than two distinct sizes."""
    s = np.asarray(sizes, dtype=float)
    t = np.asarray(times, dtype=float)
    keep = t > 0
    s, t = s[keep], t[keep]
    if len(np.unique(s)) < 2:
        return None
    b, a = np.polyfit(s, np.log(t), 1)
    return float(a), float(b)


def growth_fit(recs: Sequence[Mapping[str, Any]], points: int = GROWTH_POINTS) -> tuple[float, float, int] | None:
    """``(a, b, n_sizes)`` of ``log t = a + b * size`` fitted to the per-size mean of ``log t``
    over the largest ``points`` sizes at which every run in ``recs`` was solved (None if fewer
    than two such sizes)."""
    by_size: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        by_size[int(r["size"])].append(r)
    full = sorted(s for s, rs in by_size.items() if rs and all(solved(r) for r in rs))[-points:]
    if len(full) < 2:
        return None
    ys = [float(np.mean([math.log(max(effective_time(r), 1e-6)) for r in by_size[s]])) for s in full]
    fit = fit_growth(full, [math.exp(y) for y in ys])
    return None if fit is None else (fit[0], fit[1], len(full))


def _instance_times(recs: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """``times[config][instance]``: mean effective time over seeds, inf unless every seed solved."""
    acc: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        acc[(config_of(r), r["instance"])].append(r)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (c, inst), rs in acc.items():
        if all(solved(r) for r in rs):
            out[c][inst] = float(np.mean([effective_time(r) for r in rs]))
        else:
            out[c][inst] = math.inf
    return dict(out)


@dataclass
class SizeRow:
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


def _config_sort_key(config: str, levels: Sequence[str]) -> tuple:
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
    (``level_order[family]``), then by solver."""
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
        for c in sorted(by_conf, key=lambda c: _config_sort_key(c, levels)):
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
    """The cost of each encoding level: per family and level, the best solver on the instances
    that were run at EVERY level of the family (so levels are compared on the same instances)."""
    out: list[LevelRow] = []
    for fam in sorted({r["family"] for r in recs}):
        frecs = [r for r in recs if r["family"] == fam]
        levels = sorted({r["level"] for r in frecs},
                        key=lambda lv: _config_sort_key(lv + "/", (level_order or {}).get(fam, ())))
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
    """Instances where one run proved YES and another proved NO (whatever the known answer)."""
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


# ---------------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------------

def _fmt(x: float, nd: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.{nd}f}"


def _fmt_t(x: float) -> str:
    if x is None or math.isnan(x):
        return "-"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


@dataclass
class Report:
    directory: Path
    records: list[dict[str, Any]]
    known: dict[str, str]
    meta: dict[str, Any]
    checksum: str
    rows: list[SizeRow]
    profiles: dict[str, dict[str, dict[str, float]]]      # family -> config -> instance -> ratio
    growth: dict[str, dict[str, tuple[float, float, int] | None]]  # family -> config -> (a, b, n)
    wrong: list[dict[str, Any]]
    conflicts: list[str]
    refused: dict[str, list[str]] = field(default_factory=dict)  # family -> configurations
    levels: list[LevelRow] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)  # see :func:`session_rows`
    figures: list[Path] = field(default_factory=list)
    markdown_path: Path | None = None

    def summary_text(self) -> str:
        counts: dict[str, int] = defaultdict(int)
        for r in self.records:
            counts[r.get("classification", "?")] += 1
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        text = f"report: {self.markdown_path} ({len(self.records)} runs: {parts}; sha256 {self.checksum[:16]})"
        if self.wrong or self.conflicts:
            text = (f"WRONG ANSWERS: {len(self.wrong)} runs contradict the known answer, "
                    f"{len(self.conflicts)} instances have conflicting proofs\n") + text
        return text


def _counts_text(counts: Mapping[str, int]) -> str:
    """``"ok 9, timeout 1"`` (classification counts in a fixed order)."""
    order = list(CLASSIFICATIONS) + sorted(set(counts) - set(CLASSIFICATIONS))
    return ", ".join(f"{k} {counts[k]}" for k in order if counts.get(k))


def session_rows(meta: Mapping[str, Any], recs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per invocation (session) that wrote into the results file, oldest first.

    Parameters
    ----------
    meta : Mapping
        Content of ``meta.json``: its ``sessions`` list (one entry per invocation, kept across
        ``--resume``), the ``sessions`` of each input of a merge (``merged_from``), or, for a file
        written before sessions were recorded, its top-level ``started_at`` / ``finished_at``.
    recs : sequence of Mapping
        Every record of the results file.  Runs are attributed to a session by their ``session``
        field; runs without one go to the single session without an id, or to a row of their own.

    Returns
    -------
    list of dict
        Ordered by start time.  Keys ``id``, ``started_at``, ``finished_at`` (None for an
        interrupted session), ``last_run_at`` (the latest ``finished_at`` of its runs), ``shard``,
        ``jobs``, ``wall_s``, ``runs`` and ``counts`` (classification -> runs, taken from the
        results file, so an interrupted session is counted too).
    """
    metas = [meta]
    if meta.get("merged_from"):
        metas = [m for m in meta["merged_from"] if isinstance(m, Mapping)]
    declared: list[Mapping[str, Any]] = []
    for m in metas:
        ss = m.get("sessions")
        if isinstance(ss, list):
            declared.extend(x for x in ss if isinstance(x, Mapping))
        elif m.get("started_at"):
            declared.append({"id": None, "started_at": m.get("started_at"),
                             "finished_at": m.get("finished_at"), "shard": m.get("shard"), "jobs": m.get("jobs")})
    by_id: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        sid = r.get("session")
        by_id[sid if isinstance(sid, str) else None].append(r)  # a hand-edited non-string id: untagged
    legacy = [x for x in declared if x.get("id") is None]
    rows: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for x in declared:
        sid = x.get("id")
        if sid is None and len(legacy) != 1:
            runs: list[Mapping[str, Any]] = []  # untagged runs cannot be told apart: own row below
        else:
            runs = by_id.get(sid, [])
            seen.add(sid)
        rows.append({"id": sid, "started_at": x.get("started_at"), "finished_at": x.get("finished_at"),
                     "shard": x.get("shard"), "jobs": x.get("jobs"), "wall_s": x.get("wall_s"), "runs": runs})
    for sid in sorted(set(by_id) - seen, key=lambda k: (k is not None, str(k))):
        rows.append({"id": sid, "started_at": None, "finished_at": None, "shard": None, "jobs": None,
                     "wall_s": None, "runs": by_id[sid]})
    for row in rows:
        runs = row.pop("runs")
        counts: dict[str, int] = defaultdict(int)
        for r in runs:
            counts[str(r.get("classification"))] += 1
        row["runs"] = len(runs)
        row["counts"] = dict(counts)
        stamps = [str(r["finished_at"]) for r in runs if r.get("finished_at")]
        row["last_run_at"] = max(stamps) if stamps else None
    rows = [r for r in rows if r["runs"] or r["started_at"]]
    rows.sort(key=lambda r: (r["started_at"] is None, str(r["started_at"])))  # merged shards: by start time
    return rows


def _session_lines(sessions: Sequence[Mapping[str, Any]]) -> list[str]:
    """Header lines: overall start and end, and one line per session when there are several."""
    if not sessions:
        return []
    starts = [str(s["started_at"]) for s in sessions if s.get("started_at")]
    ends = [str(s.get("finished_at") or s.get("last_run_at")) for s in sessions
            if s.get("finished_at") or s.get("last_run_at")]
    last = sessions[-1]
    span = f"- started {min(starts)}" if starts else "- started ?"
    if last.get("finished_at"):
        span += f", finished {max(ends)}"
    else:
        span += " (not finished" + (f"; last run finished {max(ends)})" if ends else ")")
    walls = [float(s["wall_s"]) for s in sessions if isinstance(s.get("wall_s"), (int, float))]
    if len(sessions) > 1:
        span += f" over {len(sessions)} sessions"
        if walls:
            missing = len(sessions) - len(walls)
            span += f" ({sum(walls):.1f} s of session wall time" + \
                (f"; none recorded for {missing} of them)" if missing else ")")
    lines = [span]
    if len(sessions) > 1:
        for i, s in enumerate(sessions, 1):
            if s.get("started_at") is None:
                when = "runs without a recorded session"
            elif s.get("finished_at"):
                when = f"started {s['started_at']}, finished {s['finished_at']}"
            else:
                when = f"started {s['started_at']}, interrupted" + \
                    (f" (last run finished {s['last_run_at']})" if s.get("last_run_at") else "")
            extra = "".join([f", shard {s['shard']}" if s.get("shard") else "",
                             f", jobs {s['jobs']}" if s.get("jobs") else "",
                             f", {float(s['wall_s']):.1f} s" if isinstance(s.get("wall_s"), (int, float)) else ""])
            counts = _counts_text(s.get("counts") or {})
            lines.append(f"  - session {i}: {when}{extra}: {s['runs']} runs" + (f" ({counts})" if counts else ""))
    return lines


def proof_counts_text(records: list[dict[str, Any]]) -> str:
    """``"YES exact 12, NO solver proof 3, undecided 5"``: decided answers by what proves them
    (``exact``: a witness passing an exact check, or an exact refutation; ``solver proof``: a
    solver's infeasibility or dual bound; records written before proofs were recorded count as
    ``unrecorded``), and the undecided runs."""
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        answer = r.get("answer")
        if answer in ("YES", "NO"):
            counts[f"{answer} {r.get('proof') or 'unrecorded'}"] += 1
        else:
            counts["undecided"] += 1
    order = ["YES exact", "NO exact", "NO solver proof", "YES unrecorded", "NO unrecorded", "undecided"]
    keys = [k for k in order if counts.get(k)] + sorted(k for k in counts if k not in order)
    return ", ".join(f"{k} {counts[k]}" for k in keys) or "none"


def _header_lines(rep: Report) -> list[str]:
    recs = rep.records
    machines = {json.dumps(r.get("machine", {}), sort_keys=True) for r in recs}
    versions: dict[str, set[str]] = defaultdict(set)
    for r in recs:
        for k, v in (r.get("versions") or {}).items():
            versions[k].add(str(v))
    limits = sorted({float(r["time_limit"]) for r in recs})
    lines = ["## Run", ""]
    suite = rep.meta.get("suite")
    several = len(rep.sessions) > 1  # shard and jobs are then given per session
    if suite:
        lines.append(f"- suite: `{suite}`"
                     + (f", shard {rep.meta['shard']}" if rep.meta.get("shard") and not several else "")
                     + (f", jobs {rep.meta['jobs']}" if rep.meta.get("jobs") and not several else ""))
    lines += _session_lines(rep.sessions)
    for m in sorted(machines):
        md = json.loads(m)
        lines.append(f"- machine: {md.get('cpu', '?')}, {md.get('cpus', '?')} logical CPUs, "
                     f"{md.get('mem_gb', '?')} GiB, {md.get('system', '?')} ({md.get('host', '?')})")
    vtxt = ", ".join(f"{k} {'/'.join(sorted(v))}" for k, v in sorted(versions.items()))
    lines.append(f"- versions: {vtxt}")
    lines.append(f"- time limit per run: {', '.join(f'{x:g} s' for x in limits)} "
                 "(unsolved runs are counted at the limit)")
    total: dict[str, int] = defaultdict(int)
    for r in recs:
        total[str(r.get("classification"))] += 1
    lines.append(f"- results: `{RESULTS_FILE}`, {len(recs)} runs ({_counts_text(total)}"
                 + (", all sessions" if several else "") + f"), sha256 `{rep.checksum}`")
    lines.append(f"- answers by proof: {proof_counts_text(recs)}")
    n_yes = sum(v == "YES" for v in rep.known.values())
    lines.append(f"- known answers (`{KNOWN_FILE}`): {len(rep.known)} instances "
                 f"({n_yes} YES, {len(rep.known) - n_yes} NO, by construction or brute force)")
    for w in rep.meta.get("warnings", []) or []:
        lines.append(f"- warning: {w}")
    lines.append("")
    return lines


def _banner(rep: Report) -> list[str]:
    if not rep.wrong and not rep.conflicts:
        return ["No run contradicted a known answer, and no two runs proved opposite answers.", ""]
    lines = ["> **WRONG ANSWERS FOUND.** The runs below proved an answer that contradicts the known",
             "> answer (or another run's proof). Do not trust these solvers' results on this data.", ">"]
    for r in rep.wrong[:50]:
        lines.append(f"> - `{r['family']}/{r['level']}/{r['instance']}` solver `{r['solver']}` "
                     f"seed {r['seed']}: proved {r.get('answer')}, known {r.get('known_answer')}")
    for c in rep.conflicts[:50]:
        lines.append(f"> - conflicting proofs: {c}")
    lines.append("")
    return lines


def _family_sections(rep: Report) -> list[str]:
    lines: list[str] = []
    fams = sorted({r.family for r in rep.rows})
    for fam in fams:
        desc = ((rep.meta.get("families") or {}).get(fam) or {}).get("description", "")
        lines += [f"## Family `{fam}`", ""]
        if desc:
            lines += [desc, ""]
        sizes: dict[int, set[str]] = defaultdict(set)
        for r in rep.records:
            if r["family"] == fam:
                sizes[int(r["size"])].add(r["instance"])
        parts = []
        for size in sorted(sizes):
            ans = [rep.known.get(i) for i in sizes[size]]
            yes, no = ans.count("YES"), ans.count("NO")
            unk = len(ans) - yes - no
            parts.append(f"{size}: {len(ans)} ({yes} YES, {no} NO" + (f", {unk} unknown)" if unk else ")"))
        lines += ["Instances per size (known answers): " + "; ".join(parts) + ".", ""]
        lines += ["| size | configuration | solved | SGM(10 s) [s] | SGM10 / best | SGM(1 s) [s] | SGM1 / best | timeouts | wrong |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
        for row in [r for r in rep.rows if r.family == fam]:
            lines.append(f"| {row.size} | `{row.config}` | {row.solved}/{row.runs} | {_fmt_t(row.sgm[10.0])} | "
                         f"{_fmt(row.ratio[10.0])} | {_fmt_t(row.sgm[1.0])} | {_fmt(row.ratio[1.0])} | "
                         f"{row.timeouts} | {'**' + str(row.wrong) + '**' if row.wrong else 0} |")
        lines.append("")
        if rep.refused.get(fam):
            lines += ["Not applicable (the solver declined every instance of this program class): "
                      + ", ".join(f"`{c}`" for c in rep.refused[fam]) + ".", ""]
        prof = rep.profiles.get(fam, {})
        if prof:
            n_p = len(next(iter(prof.values())))
            lines += [f"Performance profile over {n_p} instances (all sizes): rho(tau) = fraction of "
                      "instances solved within tau times the fastest configuration.", "",
                      "| configuration | rho(1) | rho(2) | rho(10) | rho(100) | rho(inf) = solved | growth b [1/size] | doubling size |",
                      "|---|---:|---:|---:|---:|---:|---:|---:|"]
            for c in sorted(prof, key=lambda c: (-profile_value(prof[c], math.inf), -profile_value(prof[c], 1.0), c)):
                g = rep.growth.get(fam, {}).get(c)
                if g is None:
                    gb, dbl = "-", "-"
                else:
                    gb = f"{g[1]:.3f}"
                    dbl = f"{math.log(2) / g[1]:.2f}" if g[1] > 1e-9 else "no growth"
                lines.append(f"| `{c}` | {_fmt(profile_value(prof[c], 1.0))} | {_fmt(profile_value(prof[c], 2.0))} | "
                             f"{_fmt(profile_value(prof[c], 10.0))} | {_fmt(profile_value(prof[c], 100.0))} | "
                             f"{_fmt(profile_value(prof[c], math.inf))} | {gb} | {dbl} |")
            lines.append("")
        for fig in rep.figures:
            if fig.stem in (f"profile_{fam}", f"scaling_{fam}"):
                lines.append(f"![{fig.stem}](figures/{fig.name})")
        lines.append("")
    return lines


HOW_TO_READ = """## How to read this report

- A *configuration* is `level/solver`: `source` is the original problem, intermediate levels are
  named by their problem, `lsa_program` is the final generalised LSA recovery program. All levels
  of one instance have the same answer (the reductions preserve it), so comparing levels shows
  what each encoding step costs.
- *Classification*: `ok` = a proven answer (YES with an exactly re-checked witness, or a proof of NO)
  that agrees with the known answer; `wrong` = contradicts it; `timeout`, `error`, `unknown`
  (finished without proving anything, e.g. a heuristic on a NO instance, or an "optimal" label
  without a proven bound). Only `ok` counts as solved.
- *SGM(s)*: shifted geometric mean `exp(mean(log(t + s))) - s` of the per-run times, unsolved runs
  counted at the time limit. Shift 10 s is the SCIP/Mittelmann convention: for times well below
  10 s it behaves like the arithmetic mean, so a few very fast runs cannot make a configuration
  look good (a plain geometric mean of 0.001 s and 2 s is 0.045 s; SGM(10) is 0.95 s); for times
  far above the shift it is the geometric mean. The 1 s column is the sensitivity check: it weighs
  the small times more. If every run of a configuration took the same time t, both columns show t.
  `/ best` divides by the smallest SGM of the configurations that ran every instance of that
  size: 1.00 is the fastest, 3.00 three times slower in this mean. Runs take at least the
  process and solver start-up time, so at tiny sizes the ratios mostly measure overheads.
- *Performance profile* (Dolan and More 2002): for each instance, each configuration's time is
  divided by the fastest time on that instance; rho(tau) is the fraction of instances a
  configuration solved within a factor tau of the fastest. rho(1) = how often it was the fastest,
  rho(inf) = how often it solved the instance at all. Higher and further left is better.
- *Growth b*: slope of the least-squares line log(t) = a + b * size through the per-size mean of
  log(t), over the (at most 4) largest sizes at which every run of the configuration was solved:
  time grows by a factor e^b per unit of size and doubles every ln(2)/b units. Sizes with an
  unsolved run are left out (their times are censored by the limit), and at tiny sizes start-up
  overheads dominate, so treat b as a rough local rate, not an asymptotic law.
"""


def _reportable(rec: Mapping[str, Any]) -> bool:
    """A record the report can use: the key fields plus an integer ``size``, a positive finite
    ``time_limit``, a numeric or null ``wall_s`` and a known ``classification`` (a hand-edited or
    foreign line that lacks them is skipped and counted, not allowed to crash the report)."""
    try:
        if isinstance(rec.get("size"), bool) or int(rec["size"]) != rec["size"]:
            return False
        lim = float(rec["time_limit"])
        wall = rec.get("wall_s")
        if wall is not None:
            float(wall)
    except (KeyError, TypeError, ValueError):
        return False
    return math.isfinite(lim) and lim > 0 and rec.get("classification") in CLASSIFICATIONS


def build_report(directory: str | os.PathLike[str]) -> Report:
    d = Path(directory)
    res = d / RESULTS_FILE
    if not res.exists():
        raise ValueError(f"bench report: {str(d)!r} has no {RESULTS_FILE}")
    recs = [r for r in read_records(res) if _reportable(r)]
    if not recs:
        raise ValueError(f"bench report: {str(res)!r} holds no complete records")
    known = load_known_answers(d)
    meta: dict[str, Any] = {}
    sessions: list[dict[str, Any]] = []
    if (d / META_FILE).exists():
        meta = read_json(d / META_FILE)
        sessions = session_rows(meta, recs)
        warnings: list[str] = []
        for m in (meta.get("merged_from") or [meta]):
            parts = m.get("sessions") if isinstance(m, dict) and isinstance(m.get("sessions"), list) else [m]
            for part in parts:  # every session's warnings, each once
                for w in (part.get("warnings") or []) if isinstance(part, dict) else []:
                    if w not in warnings:
                        warnings.append(w)
        if "merged_from" in meta and meta["merged_from"]:  # a merge: take suite/families from the inputs
            first = meta["merged_from"][0]
            meta = {**first, "shard": None}
        meta = {**meta, "warnings": warnings}
    elif any(r.get("session") for r in recs):
        sessions = session_rows({}, recs)
    # malformed complete lines are skipped by read_records; say so in the header instead of
    # reporting on fewer runs silently
    n_lines = sum(1 for _ in _iter_lines(res))
    if n_lines > len(recs):
        meta = {**meta, "warnings": list(meta.get("warnings") or [])
                + [f"{n_lines - len(recs)} malformed line(s) in {RESULTS_FILE} were skipped"]}
    # a configuration whose solver declined every run (structurally not applicable) is listed
    # apart; it is not timed, profiled or fitted
    by_conf: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in recs:
        by_conf[(r["family"], config_of(r))].append(bool(r.get("refused")))
    refused: dict[str, list[str]] = defaultdict(list)
    for (fam, c), flags in sorted(by_conf.items()):
        if all(flags):
            refused[fam].append(c)
    timed = [r for r in recs if config_of(r) not in refused.get(r["family"], ())]
    level_order = {f: v.get("levels", []) for f, v in (meta.get("families") or {}).items()}
    rows = size_table(timed, level_order)
    profiles: dict[str, dict[str, dict[str, float]]] = {}
    growth: dict[str, dict[str, tuple[float, float, int] | None]] = {}
    for fam in sorted({r["family"] for r in timed}):
        frecs = [r for r in timed if r["family"] == fam]
        times = _instance_times(frecs)
        instances = sorted({r["instance"] for r in frecs})
        for c in times:  # a configuration that never ran an instance did not solve it
            for inst in instances:
                times[c].setdefault(inst, math.inf)
        profiles[fam] = performance_ratios(times)
        growth[fam] = {}
        for c in sorted(times):
            growth[fam][c] = growth_fit([r for r in frecs if config_of(r) == c])
    wrong = [r for r in recs if r.get("classification") == "wrong"]
    return Report(d, recs, known, meta, sha256_file(res), rows, profiles, growth, wrong,
                  consistency_conflicts(recs), dict(refused), level_table(timed, level_order), sessions)


def _level_styles(configs: Sequence[str]) -> dict[str, str]:
    """One line style per level (solid, dashed, dash-dot, dotted, ...) so levels stay apart even
    when colours repeat."""
    cycle = ["-", "--", "-.", (0, (1, 1)), (0, (5, 1, 1, 1, 1, 1))]
    levels: list[str] = []
    for c in configs:
        lv = c.split("/", 1)[0]
        if lv not in levels:
            levels.append(lv)
    return {c: cycle[levels.index(c.split("/", 1)[0]) % len(cycle)] for c in configs}


def _size_geomeans(recs: Sequence[Mapping[str, Any]]) -> dict[tuple[int, str], float]:
    """``(size, config) -> geometric mean of effective times`` (what the scaling plot shows)."""
    acc: dict[tuple[int, str], list[float]] = defaultdict(list)
    for r in recs:
        acc[(int(r["size"]), config_of(r))].append(math.log(max(effective_time(r), 1e-6)))
    return {k: math.exp(float(np.mean(v))) for k, v in acc.items()}


def _plots(rep: Report) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figdir = rep.directory / "figures"
    figdir.mkdir(exist_ok=True)
    out: list[Path] = []
    for fam, prof in rep.profiles.items():
        finite = [x for c in prof.values() for x in c.values() if math.isfinite(x)]
        tmax = max(finite + [2.0]) * 2.0
        taus = np.logspace(0, math.log10(tmax), 200)
        fig, ax = plt.subplots(figsize=(9, 4.6))
        cmap = plt.get_cmap("tab20")
        levels = (rep.meta.get("families") or {}).get(fam, {}).get("levels", [])
        order = sorted(prof, key=lambda c: _config_sort_key(c, levels))
        styles = _level_styles(order)
        for i, c in enumerate(order):
            r = np.array(sorted(prof[c].values()))
            rho = [(r <= t).mean() for t in taus]
            ax.step(taus, rho, where="post", label=c, color=cmap(i % 20), lw=1.3, ls=styles[c])
        ax.set_xscale("log", base=2)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("tau (time / fastest time on the instance)")
        ax.set_ylabel("fraction of instances solved within tau")
        ax.set_title(f"Performance profile: {fam}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        fig.tight_layout()
        p = figdir / f"profile_{fam}.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        out.append(p)
    for fam in sorted({r.family for r in rep.rows}):
        frows = [r for r in rep.rows if r.family == fam]
        sizes = sorted({r.size for r in frows})
        if len(sizes) < 1:
            continue
        fig, ax = plt.subplots(figsize=(9, 4.6))
        limit = max(float(r["time_limit"]) for r in rep.records if r["family"] == fam)
        configs = []
        for r in frows:
            if r.config not in configs:
                configs.append(r.config)
        cmap = plt.get_cmap("tab20")
        styles = _level_styles(configs)
        gmean = _size_geomeans([r for r in rep.records if r["family"] == fam])
        for i, c in enumerate(configs):
            pts = [(r.size, gmean[(r.size, c)], r.solved == r.runs) for r in frows if r.config == c]
            xs = [p[0] for p in pts]
            ys = [max(p[1], 1e-4) for p in pts]
            line, = ax.plot(xs, ys, marker="o", ms=4, lw=1, label=c, color=cmap(i % 20), ls=styles[c])
            # hollow markers: sizes where some run was not solved (its time is censored)
            hx = [x for x, p in zip(xs, pts) if not p[2]]
            hy = [y for y, p in zip(ys, pts) if not p[2]]
            if hx:
                ax.plot(hx, hy, ls="none", marker="o", ms=4, mfc="white", mec=line.get_color())
            g = rep.growth.get(fam, {}).get(c)
            if g is not None:
                fitted = [x for x, p in zip(xs, pts) if p[2]][-g[2]:]
                xx = np.linspace(min(fitted), max(fitted), 20)
                ax.plot(xx, np.exp(g[0] + g[1] * xx), ls=":", lw=1.2, color=line.get_color())
                line.set_label(f"{c} (b={g[1]:.2f})")
        ax.axhline(limit, color="k", ls="--", lw=0.8)
        ax.set_yscale("log")
        ax.set_xlabel("size")
        ax.set_ylabel("geometric mean time [s]\n(unsolved runs at the limit)")
        ax.set_title(f"Runtime vs size: {fam} (dashed: time limit; dotted: fit log t = a + b size; "
                     "hollow: some runs unsolved)")
        ax.title.set_fontsize(8)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        fig.tight_layout()
        p = figdir / f"scaling_{fam}.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        out.append(p)
    return out


def level_markdown(levels: Sequence[LevelRow]) -> list[str]:
    """The "cost of each encoding level" table (also used for the README)."""
    if not levels:
        return []
    lines = ["## Cost of each encoding level", "",
             "Per family, on the instances that were run at every level: the best solver of each level "
             "(most runs solved, then the smallest SGM(10 s)), its SGM(10 s) over those runs, and that "
             "SGM relative to the family's fastest level.", "",
             "| family | level | instances | best solver | solved | SGM(10 s) [s] | x fastest level | solved by any solver |",
             "|---|---|---:|---|---:|---:|---:|---:|"]
    for r in levels:
        lines.append(f"| {r.family} | `{r.level}` | {r.instances} | `{r.best}` | {r.solved}/{r.runs} | "
                     f"{_fmt_t(r.sgm10)} | {_fmt(r.ratio, 1)} | {r.solved_by_any}/{r.instances} |")
    lines.append("")
    return lines


def render_markdown(rep: Report) -> str:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rep.records:
        counts[r["family"]][r.get("classification", "?")] += 1
    lines = ["# lsahard benchmark report", ""]
    lines += _banner(rep)
    lines += _header_lines(rep)
    n_refused: dict[str, int] = defaultdict(int)
    for r in rep.records:
        n_refused[r["family"]] += bool(r.get("refused"))
    lines += ["## Outcomes", "", "| family | runs | ok | timeout | unknown | error (of which refused) | wrong |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for fam in sorted(counts):
        c = counts[fam]
        lines.append(f"| {fam} | {sum(c.values())} | {c['ok']} | {c['timeout']} | {c['unknown']} | "
                     f"{c['error']} ({n_refused[fam]}) | {'**' + str(c['wrong']) + '**' if c['wrong'] else 0} |")
    lines.append("")
    lines += level_markdown(rep.levels)
    lines += _family_sections(rep)
    lines.append(HOW_TO_READ)
    return "\n".join(lines) + "\n"


def report_json(rep: Report) -> dict[str, Any]:
    """The report's numbers as one JSON-ready dict (``DIR/report.json``)."""
    def num(x: float) -> float | str | None:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return None
        if isinstance(x, float) and math.isinf(x):
            return "inf"
        return x

    return {
        "schema": "lsahard.bench-report/1",
        "results_sha256": rep.checksum,
        "runs": len(rep.records),
        "sessions": [dict(x) for x in rep.sessions],
        "wrong": [{k: r.get(k) for k in ("family", "level", "instance", "solver", "seed", "answer", "known_answer")}
                  for r in rep.wrong],
        "conflicts": rep.conflicts,
        "not_applicable": rep.refused,
        "levels": [{"family": r.family, "level": r.level, "instances": r.instances, "best_solver": r.best,
                    "solved": r.solved, "runs": r.runs, "sgm10_s": num(r.sgm10), "x_fastest_level": num(r.ratio),
                    "solved_by_any": r.solved_by_any} for r in rep.levels],
        "sizes": [{"family": r.family, "size": r.size, "config": r.config, "runs": r.runs, "solved": r.solved,
                   "timeouts": r.timeouts, "wrong": r.wrong,
                   "sgm_s": {f"{k:g}": num(v) for k, v in r.sgm.items()},
                   "sgm_ratio": {f"{k:g}": num(v) for k, v in r.ratio.items()}} for r in rep.rows],
        "profiles": {fam: {c: {f"{t:g}": num(profile_value(rat, t)) for t in (1.0, 2.0, 10.0, 100.0, math.inf)}
                           for c, rat in prof.items()} for fam, prof in rep.profiles.items()},
        "growth": {fam: {c: None if g is None else {"a": g[0], "b": g[1], "sizes": g[2],
                                                    "doubling_size": num(math.log(2) / g[1]) if g[1] > 1e-9 else None}
                         for c, g in gr.items()} for fam, gr in rep.growth.items()},
    }


def write_report(directory: str | os.PathLike[str], *, figures: bool = True) -> Report:
    """Build the report of a run directory and write ``report.md``, ``report.json`` and the PNG
    figures (``figures/profile_<family>.png``, ``figures/scaling_<family>.png``)."""
    rep = build_report(directory)
    if figures:
        rep.figures = _plots(rep)
    text = render_markdown(rep)
    path = rep.directory / "report.md"
    tmp = path.with_name("report.md.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    jtmp = rep.directory / "report.json.tmp"
    jtmp.write_text(json.dumps(report_json(rep), indent=1, sort_keys=True), encoding="utf-8")
    os.replace(jtmp, rep.directory / "report.json")
    rep.markdown_path = path
    return rep
