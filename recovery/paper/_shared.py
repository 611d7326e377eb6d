"""Plumbing shared by the paper's experiments: the paper's reported values, prompt sampling, table cells,
plots and the ``<name>.md``/``<name>.json`` files every experiment writes."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts

__all__ = ["PAPER", "fmt", "log", "plt_agg", "sample", "write_result"]

# numbers as reported by the paper (MATH.md section 7); None = reported only qualitatively
PAPER: dict[str, Any] = {
    "fig3": {
        # (|S|, L) -> mean accuracy; "1-layer near chance" except |S| = 3 at 0.55
        (2, 1): None, (3, 1): 0.55, (4, 1): None,
        (2, 2): 0.85, (3, 2): 0.80, (4, 2): 0.60,
        (2, 3): 0.95, (3, 3): 0.98, (4, 3): 0.85,
    },
    "fig5": "accuracy of 1-layer LSA vs the least-squares reparameterised linear model; the gap grows with d",
    "fig2": "objective values of R1, R2 and Generational Distance per layer (10 layers, Thm 4.1 subspace)",
    "appa": "sparse and dense parameterisations reach the same loss",
}


def log(msg: str) -> None:
    """Print one progress line on stderr.

    Parameters
    ----------
    msg : str
        The message, printed after ``[experiments]``.
    """
    print(f"[experiments] {msg}", file=sys.stderr, flush=True)


def sample(size: int, d: int, n: int, S: int, p: float, rng: np.random.Generator) -> Any:
    """Sample ``size`` prompts of the paper's priors (MATH.md section 1).

    Binary (``S = 2``): a uniform kernel prior and ``Bern(p)`` starts; else Dirichlet(1) rows and
    uniform starts.

    Parameters
    ----------
    size : int
        Number of prompts.
    d : int
        Chain length minus one.
    n : int
        Number of context chains.
    S : int
        Number of states ``|S|``.
    p : float
        ``P(x_1 = 1)`` of the binary initial law (unused for ``S >= 3``).
    rng : numpy.random.Generator
        Source of the prompts.

    Returns
    -------
    Prompts
        The result of ``recovery.lsa.prompts.sample_prompts`` (``Z0`` of shape ``(size, d+1, n+1)``,
        ``y``, ``states``, ``kernels``).

    Examples
    --------
    >>> import numpy as np
    >>> sample(4, 2, 3, 2, 0.5, np.random.default_rng(0)).Z0.shape
    (4, 3, 4)
    """
    if S == 2:
        return sample_prompts(size, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(p), rng=rng)
    return sample_prompts(size, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def fmt(m: float, s: float | None = None) -> str:
    """Format ``m`` (and ``± s``) with three decimals; a dash for a missing value.

    Parameters
    ----------
    m : float or None
        The value; ``None`` or NaN gives a dash.
    s : float, optional
        A spread shown as ``± s``.

    Returns
    -------
    str
        The formatted cell.

    Examples
    --------
    >>> fmt(0.12345), fmt(0.5, 0.01), fmt(None)
    ('0.123', '0.500 ± 0.010', '–')
    """
    if m is None or (isinstance(m, float) and math.isnan(m)):
        return "–"
    return f"{m:.3f}" if s is None else f"{m:.3f} ± {s:.3f}"


def plt_agg() -> Any:
    """Return ``matplotlib.pyplot`` on the non-interactive Agg backend.

    Returns
    -------
    module
        ``matplotlib.pyplot``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_result(out_dir: Path, name: str, res: dict[str, Any]) -> dict[str, Any]:
    """Write ``<name>.md`` (title, table, sentence) and ``<name>.json`` into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Output directory (created if missing).
    name : str
        File stem.
    res : dict
        The result; needs ``title``, ``table`` and ``sentence``.  The path of the Markdown file is
        stored in it as ``markdown``.

    Returns
    -------
    dict
        ``res`` (with ``markdown`` added).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    md = f"### {res['title']}\n\n{res['table']}\n\n{res['sentence']}\n"
    (out_dir / f"{name}.md").write_text(md)
    res["markdown"] = str(out_dir / f"{name}.md")
    (out_dir / f"{name}.json").write_text(json.dumps(res, indent=1, default=float))
    return res
