"""The figures of a report: a performance profile and a runtime-vs-size plot per family (PNG).

matplotlib is imported when the figures are drawn (``write_report(figures=False)`` needs no
plotting stack).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.report.build import Report
from benchmarks.report.comparisons import config_sort_key
from benchmarks.report.stats import size_geomeans

__all__ = ["draw_figures"]

#: a matplotlib line style: a name ("-", "--", ...) or a dash pattern ``(offset, (on, off, ...))``
LineStyle = str | tuple[int, tuple[int, ...]]


def _level_styles(configs: Sequence[str]) -> dict[str, LineStyle]:
    """One line style per level (solid, dashed, dash-dot, dotted, ...) so levels stay apart even
    when colours repeat."""
    cycle: list[LineStyle] = ["-", "--", "-.", (0, (1, 1)), (0, (5, 1, 1, 1, 1, 1))]
    levels: list[str] = []
    for c in configs:
        lv = c.split("/", 1)[0]
        if lv not in levels:
            levels.append(lv)
    return {c: cycle[levels.index(c.split("/", 1)[0]) % len(cycle)] for c in configs}


def _finish(fig: Any, ax: Any, path: Path) -> Path:
    """Grid, a legend to the right of the axes, save as PNG and close."""
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def _profile_figure(plt: Any, rep: Report, fam: str, prof: Mapping[str, Mapping[str, float]], path: Path) -> Path:
    """The Dolan-More performance profile ``rho_c(tau)`` of every configuration of ``fam``."""
    finite = [x for c in prof.values() for x in c.values() if math.isfinite(x)]
    tmax = max(finite + [2.0]) * 2.0
    taus = np.logspace(0, math.log10(tmax), 200)
    fig, ax = plt.subplots(figsize=(9, 4.6))
    cmap = plt.get_cmap("tab20")
    levels = (rep.meta.get("families") or {}).get(fam, {}).get("levels", [])
    order = sorted(prof, key=lambda c: config_sort_key(c, levels))
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
    out = _finish(fig, ax, path)
    plt.close(fig)
    return out


def _scaling_figure(plt: Any, rep: Report, fam: str, path: Path) -> Path:
    """Geometric mean time per size of every configuration of ``fam``, with its growth fit."""
    frows = [r for r in rep.rows if r.family == fam]
    fig, ax = plt.subplots(figsize=(9, 4.6))
    limit = max(float(r["time_limit"]) for r in rep.records if r["family"] == fam)
    configs = list(dict.fromkeys(r.config for r in frows))
    cmap = plt.get_cmap("tab20")
    styles = _level_styles(configs)
    gmean = size_geomeans([r for r in rep.records if r["family"] == fam])
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
    out = _finish(fig, ax, path)
    plt.close(fig)
    return out


def draw_figures(rep: Report) -> list[Path]:
    """Write ``figures/profile_<family>.png`` and ``figures/scaling_<family>.png`` into the report's directory.

    Parameters
    ----------
    rep : Report
        The report whose profiles, rows and growth fits are drawn.

    Returns
    -------
    list of Path
        The PNG files written, profiles first.
    """
    import matplotlib  # optional at import time: a report without figures needs no plotting stack

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figdir = rep.directory / "figures"
    figdir.mkdir(exist_ok=True)
    out = [_profile_figure(plt, rep, fam, prof, figdir / f"profile_{fam}.png") for fam, prof in rep.profiles.items()]
    out += [_scaling_figure(plt, rep, fam, figdir / f"scaling_{fam}.png") for fam in sorted({r.family for r in rep.rows})]
    return out
