"""Benchmark reports: ``lsahard bench report DIR`` -> ``DIR/report.md``, ``DIR/report.json`` and ``DIR/figures/*.png``.

:func:`write_report` builds the :class:`~benchmarks.report.build.Report` of a run directory and
writes its outputs.  The numbers are defined in :mod:`~benchmarks.report.stats` (effective time,
shifted geometric mean, Dolan-More ratios, growth fits); the tables in
:mod:`~benchmarks.report.comparisons`, the sessions in :mod:`~benchmarks.report.sessions`, the
markdown in :mod:`~benchmarks.report.markdown` and the figures in :mod:`~benchmarks.report.figures`.
Their public names are importable from here too.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from benchmarks.report.build import Report, build_report
from benchmarks.report.comparisons import LevelRow, SizeRow, consistency_conflicts, level_table, size_table
from benchmarks.report.figures import draw_figures
from benchmarks.report.markdown import HOW_TO_READ, level_markdown, proof_counts_text, render_markdown
from benchmarks.report.sessions import session_rows
from benchmarks.report.stats import (
    GROWTH_POINTS,
    SHIFTS,
    config_of,
    effective_time,
    fit_growth,
    growth_fit,
    performance_ratios,
    profile_value,
    shifted_geometric_mean,
    solved,
)

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
    "SizeRow",
    "size_table",
    "LevelRow",
    "level_table",
    "level_markdown",
    "consistency_conflicts",
    "proof_counts_text",
    "render_markdown",
    "HOW_TO_READ",
    "Report",
    "build_report",
    "write_report",
    "report_json",
    "session_rows",
]


def report_json(rep: Report) -> dict[str, Any]:
    """The report's numbers as one JSON-ready dict (``DIR/report.json``).

    NaN becomes None and infinity the string ``"inf"``.

    Parameters
    ----------
    rep : Report
        A built report.

    Returns
    -------
    dict
        ``schema`` (``lsahard.bench-report/1``), ``results_sha256``, ``runs``, ``sessions``,
        ``wrong``, ``conflicts``, ``not_applicable``, ``levels``, ``sizes``, ``profiles``
        (``rho`` at tau = 1, 2, 10, 100, inf) and ``growth`` (``a``, ``b``, ``sizes``,
        ``doubling_size``).
    """
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
    """Build the report of a run directory and write ``report.md``, ``report.json`` and the figures.

    Parameters
    ----------
    directory : path
        A run directory (its ``results.jsonl``, ``meta.json``, known answers).
    figures : bool
        Also draw ``figures/profile_<family>.png`` and ``figures/scaling_<family>.png``.

    Returns
    -------
    Report
        With ``markdown_path`` and ``figures`` set.

    Raises
    ------
    ValueError
        If the directory has no ``results.jsonl`` or it holds no usable record.
    """
    rep = build_report(directory)
    if figures:
        rep.figures = draw_figures(rep)
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
