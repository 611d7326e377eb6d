"""The markdown text of a report (``DIR/report.md``): banner, run header, tables and how to read them."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks.report.build import Report
from benchmarks.report.comparisons import LevelRow
from benchmarks.report.sessions import counts_text, session_lines
from benchmarks.report.stats import profile_value
from benchmarks.runner.results import KNOWN_FILE, RESULTS_FILE

__all__ = ["render_markdown", "level_markdown", "proof_counts_text", "HOW_TO_READ"]


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


def proof_counts_text(records: Sequence[Mapping[str, Any]]) -> str:
    """Decided answers by what proves them, and the undecided runs: ``"YES exact 12, undecided 5"``.

    ``exact``: a witness passing an exact check, or an exact refutation; ``solver proof``: a
    solver's infeasibility or dual bound; records written before proofs were recorded count as
    ``unrecorded``.

    Parameters
    ----------
    records : sequence of Mapping
        Result records.

    Returns
    -------
    str
        Counts in a fixed order, or ``"none"``.

    Examples
    --------
    >>> proof_counts_text([{"answer": "YES", "proof": "exact"}, {"answer": None}])
    'YES exact 1, undecided 1'
    """
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
    lines += session_lines(rep.sessions)
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
    lines.append(f"- results: `{RESULTS_FILE}`, {len(recs)} runs ({counts_text(total)}"
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



def level_markdown(levels: Sequence[LevelRow]) -> list[str]:
    """The "cost of each encoding level" table (also used for the README).

    Parameters
    ----------
    levels : sequence of LevelRow
        Rows of :func:`benchmarks.report.comparisons.level_table`.

    Returns
    -------
    list of str
        Markdown lines (heading, explanation, table); ``[]`` for no rows.
    """
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
    """The whole ``report.md`` text.

    A WRONG-answer banner if any, the run header, the outcomes per family, the cost of each
    encoding level, the per-family tables, and :data:`HOW_TO_READ`.

    Parameters
    ----------
    rep : Report
        A built report.

    Returns
    -------
    str
        Markdown ending with a newline.
    """
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
