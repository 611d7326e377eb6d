"""The reduction graph as data and as a PNG drawing (problems as boxes, rules as arrows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reductions.rules.graph import format_graph, rules_graph

__all__ = ["draw_graph", "graph_summary"]


#: fixed drawing positions (x, y) of the problems; unknown nodes are placed on a bottom row
_POS = {
    "coloring": (0.0, 1.0), "cnf": (1.5, 1.0), "nae_sat": (3.0, 1.0), "set_splitting": (4.5, 2.0),
    "separability": (6.0, 1.0), "bm_program": (7.5, 1.0), "lsa_program": (9.0, 0.0), "partition": (0.0, -1.0),
}


def draw_graph(path: str | Path) -> str:
    """Draw the reduction graph (problems as boxes, rules as labelled arrows) as a PNG.

    Parameters
    ----------
    path : str or Path
        The PNG file to write (its name must end in ``.png``).

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    ValueError
        When ``path`` does not end in ``.png``.
    """
    if Path(path).suffix.lower() != ".png":
        raise ValueError(f"path: expected a file name ending in .png, got {str(path)!r}")
    import matplotlib  # optional plotting dependency, loaded only to draw

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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


def graph_summary(png: str | Path | None = None) -> dict[str, Any]:
    """The problems and rules of the graph (``text`` is :func:`reductions.rules.graph.format_graph`).

    Parameters
    ----------
    png : str, Path or None
        Also draw the graph into this PNG file (:func:`draw_graph`).

    Returns
    -------
    dict
        ``{"problems": [...], "rules": [{"rule", "source", "target", "available"}, ...],
        "png": path or None, "text": str}``.

    Examples
    --------
    >>> graph_summary()["rules"][0]["rule"]
    'cnf_to_nae_sat'
    """
    G = rules_graph()
    return {
        "problems": list(G.nodes),
        "rules": [{"rule": d["rule"], "source": u, "target": v, "available": d["available"]}
                  for u, v, d in G.edges(data=True)],
        "png": draw_graph(png) if png else None,
        "text": format_graph(G),
    }
