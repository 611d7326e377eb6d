"""Reproductions of the paper's experiments (MATH.md section 7), each runnable alone (:func:`run_figure`)::

    lsahard paper experiments fig3 --out DIR [--quick]
    lsahard paper experiments fig5 --out DIR [--quick]
    lsahard paper experiments fig2 --out DIR [--quick]
    lsahard paper experiments appa --out DIR [--quick]
    lsahard paper experiments all  --out DIR [--quick]     # == run_paper_suite

Each writes ``<name>.md`` (Markdown table beside the paper's reported numbers and one computed sentence on
agreement), ``<name>.png`` and ``<name>.json`` into ``DIR`` and returns a dict with the same content.
Accuracy is always measured on HELD-OUT prompts.  The experiments live in :mod:`recovery.paper.fig3`,
:mod:`recovery.paper.fig5_sampled`, :mod:`recovery.paper.fig2` and :mod:`recovery.paper.appendix_a` (their public
names are importable from here).  Iteration counts are reduced w.r.t. the paper where stated in each figure's
``config`` (speed target: the whole Fig. 3, 45 trainings, within 5 minutes on 2 cores).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recovery.lsa.blas_threads import one_blas_thread
from recovery.paper._shared import PAPER, log
from recovery.paper.appendix_a import appendix_a
from recovery.paper.fig2 import fig2
from recovery.paper.fig3 import bayes_accuracies, fig3, fig3_sentence
from recovery.paper.fig5_sampled import fig5, fig5_sentence

__all__ = ["appendix_a", "bayes_accuracies", "fig2", "fig3", "fig3_sentence", "fig5", "fig5_sentence", "run_figure",
           "run_paper_suite", "FIGURES", "PAPER"]

#: the experiments by the name used on the command line
FIGURES: dict[str, Callable[..., dict[str, Any]]] = {"fig3": fig3, "fig5": fig5, "fig2": fig2, "appa": appendix_a}


@one_blas_thread
def run_paper_suite(out_dir: str | Path, quick: bool = False) -> dict[str, Any]:
    """Run Fig. 3, Fig. 5, Fig. 2 and Appendix A into ``out_dir``.

    Also writes ``paper_suite.md`` (all tables) and ``paper_suite.json``.

    Parameters
    ----------
    out_dir : str or Path
        Output directory (created if missing).
    quick : bool, optional
        Fewer seeds, steps and prompts (a smoke run).

    Returns
    -------
    dict
        ``{name: result dict}`` plus ``"total_wall_time"`` and ``"total_cpu_time"``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.monotonic(), time.process_time()
    results: dict[str, Any] = {}
    for name, fn in FIGURES.items():
        log(f"running {name} (quick={quick})")
        results[name] = fn(out, quick=quick)
    results["total_wall_time"] = time.monotonic() - t0
    results["total_cpu_time"] = time.process_time() - c0
    md = "\n\n".join(Path(r["markdown"]).read_text() + f"\n![{name}]({Path(r['png']).name})\n\n"
                     f"Wall time: {r['wall_time']:.1f} s (process CPU time {r['cpu_time']:.1f} s)."
                     for name, r in results.items() if isinstance(r, dict))
    (out / "paper_suite.md").write_text(md)
    (out / "paper_suite.json").write_text(json.dumps(results, indent=1, default=float))
    return results


def run_figure(figure: str, out_dir: str | Path, *, quick: bool = False) -> dict[str, Any]:
    """Run one experiment of :data:`FIGURES` (``fig3``, ``fig5``, ``fig2``, ``appa``) or ``all`` of them.

    Parameters
    ----------
    figure : str
        A key of :data:`FIGURES` or ``"all"`` (:func:`run_paper_suite`).
    out_dir : str or Path
        Output directory (created if missing).
    quick : bool
        Fewer seeds and iterations (a smoke run).

    Returns
    -------
    dict
        The experiment's result (``markdown``: path of its table, ``wall_time``), or for ``all`` the
        suite's (``total_wall_time``).

    Raises
    ------
    ValueError
        If ``figure`` is unknown.
    """
    if figure != "all" and figure not in FIGURES:
        raise ValueError(f"figure must be one of {[*FIGURES, 'all']}, got {figure!r}")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    if figure == "all":
        return run_paper_suite(out_dir, quick=quick)
    return FIGURES[figure](out_dir, quick=quick)
