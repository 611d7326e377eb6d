r"""Population version of the paper's Fig. 5 (App. B.1): linear model vs best one-layer LSA vs psi(X*).

For binary chains (``p01, p10 ~ U(0,1)``), initial law Bern(p), ``n`` context chains and ``d`` in a
range, with the exact population quadratic ``ftilde`` (``recovery.lsa.population``):

* ``ftilde* = min_X ftilde`` (the reparameterised linear model, ``X* = H^{-1} h``);
* ``f* = min_{b,A} ftilde(phi(b, A))`` (best one-layer LSA, :func:`recovery.realizability.best.best_realizable`,
  certified (branch-and-bound) for ``d <= certified_max_d``, multistart otherwise);
* ``f_psi = ftilde(phi(psi(X*)))`` (the paper's route: project ``X*`` onto the image of ``phi``).

Each predictor ``X`` predicts ``features(Z0) @ X`` on ``batch`` freshly sampled prompts; accuracy is
the fraction of prompts where the prediction rounded to the nearest state in {0, 1} equals the
label.  The sample MSE of each predictor is reported next to its population value as a Monte Carlo
check (standard error in the JSON).

``lsahard paper fig5 --out DIR`` (:func:`write_fig5_population`) writes ``DIR/fig5_population.{md,json,png}``.
"""
from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from recovery.lsa.optimum import closed_form_optimum
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior, sample_prompts
from recovery.lsa.reparam import features, phi
from recovery.realizability.best import best_realizable, psi
from recovery.validation import check_int, check_probability_open, check_rng

__all__ = ["fig5_population", "fig5_markdown", "write_fig5_population"]


def _accuracy(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.clip(np.rint(pred), 0, 1) == y))


def fig5_population(ds: Sequence[int] = range(1, 11), *, n: int = 100, p: float = 0.5, batch: int = 2000,
                    starts: int = 40, certified_max_d: int = 4, time_limit: float = 1800.0,
                    rng: Any = 0, workers: int = 1, progress: bool = False) -> list[dict[str, Any]]:
    """Compute the population version of Fig. 5: one row per ``d``.

    For binary chains (uniform kernel prior, Bern(p) start, ``n`` context chains) with the exact
    population quadratic: ``ftilde*`` (the reparameterised linear model, ``X* = H^{-1} h``, paper
    Lemma 3.1), ``f* = min ftilde(phi(b, A))`` (best one-layer LSA) and
    ``f_psi = ftilde(phi(psi(X*)))`` (paper Remark C.15), with sampled accuracies and MSEs of the three
    predictors (module docstring).

    Parameters
    ----------
    ds : sequence of int, optional
        The ``d`` values (default 1..10).
    n : int, optional
        Number of context chains (default 100).
    p : float, optional
        ``P(x_1 = 1)`` in (0, 1) (default 0.5).
    batch : int, optional
        Sampled prompts per ``d`` for accuracies and MSEs (default 2000).
    starts : int, optional
        Multistarts of ``f*`` and ``psi`` (default 40).
    certified_max_d : int, optional
        Largest ``d`` (at most 4) certified by branch-and-bound; multistart above.
    time_limit : float, optional
        Seconds per ``best_realizable`` call (default 1800).
    rng : int or numpy.random.Generator, optional
        Seed or generator (default 0).
    workers : int, optional
        Worker processes of ``best_realizable``.
    progress : bool, optional
        Progress output of ``best_realizable``.

    Returns
    -------
    list of dict
        Keys: d, ftilde_star, f_star, f_psi, certified (a proof: interval-verified branch-and-bound on
        the exact rational quadratic, ``f_lower <= f* <= f_upper``), lower_bound, f_lower, f_upper,
        method, starts_total, starts_at_best (multistart runs ending within 1e-9 of f*), acc_*,
        mse_*, mse_se_*, seconds; ``acc_linear``/``acc_lsa``/``acc_psi`` refer to ``X*``,
        ``phi(b*, A*)``, ``phi(psi(X*))``.

    Raises
    ------
    TypeError
        If a count is not an integer or ``rng`` is neither a seed nor a Generator.
    ValueError
        If a count is below 1, ``p`` is outside (0, 1) or the seed is negative.
    """
    n = check_int(n, "n", min_value=1)
    p = check_probability_open(p, "p")
    batch = check_int(batch, "batch", min_value=1)
    rng = check_rng(rng)
    rows = []
    for d in ds:
        d = check_int(d, "d", min_value=1)
        t0 = time.perf_counter()
        q = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(p))
        opt = closed_form_optimum(q)
        method = "certified" if d <= min(certified_max_d, 4) else "multistart"
        # the certificate is a proof for the exact rational quadratic (recovery.realizability.interval): the
        # certified path gets the data as Fractions (p taken at its exact binary value)
        qc = (population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(Fraction(p)), exact=True)
              if method == "certified" else q)
        best = best_realizable(qc, method=method, starts=starts, rng=rng, time_limit=time_limit, workers=workers,
                               progress=progress)
        bp, Ap = psi(opt.X_star, d, starts=starts, rng=rng)
        preds = {"linear": opt.X_star, "lsa": phi(best.b, best.A), "psi": phi(bp, Ap)}
        P = sample_prompts(batch, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(p), rng=rng)
        F = features(P.Z0)
        row: dict[str, Any] = {"d": d, "ftilde_star": float(opt.ftilde_star), "f_star": best.f_best,
                     "f_psi": float(q.ftilde(preds["psi"])), "certified": best.certified_global,
                     "lower_bound": best.lower_bound, "f_lower": best.f_lower, "f_upper": best.f_upper,
                     "method": method,
                     "starts_total": best.details["starts_total"], "starts_at_best": best.details["starts_at_best"]}
        for k, X in preds.items():
            yhat = F @ X
            se2 = (yhat - P.y) ** 2
            row[f"acc_{k}"] = _accuracy(yhat, P.y)
            row[f"mse_{k}"] = float(se2.mean())
            row[f"mse_se_{k}"] = float(se2.std(ddof=1) / np.sqrt(batch)) if batch > 1 else float("nan")
        row["seconds"] = time.perf_counter() - t0
        rows.append(row)
    return rows


def fig5_markdown(rows: Sequence[Mapping[str, Any]], *, n: int, p: float, batch: int) -> str:
    """Return the rows of :func:`fig5_population` as a Markdown table with a one-line preamble.

    Parameters
    ----------
    rows : sequence of mapping
        Rows of :func:`fig5_population`.
    n : int
        Number of context chains (for the preamble).
    p : float
        ``P(x_1 = 1)`` (for the preamble).
    batch : int
        Sampled prompts per ``d`` (for the preamble).

    Returns
    -------
    str
        The Markdown text.
    """
    head = ("| d | ftilde* (linear) | f* (best 1-layer LSA) | certified | starts at best | ftilde(phi(psi(X*))) | "
            "acc linear | acc LSA | acc psi | sample MSE linear / LSA / psi |\n"
            "|---|---|---|---|---|---|---|---|---|---|\n")
    body = "".join(
        f"| {r['d']} | {r['ftilde_star']:.6f} | {r['f_star']:.6f} | {'yes' if r['certified'] else 'no'} | "
        f"{r['starts_at_best']}/{r['starts_total']} | "
        f"{r['f_psi']:.6f} | {r['acc_linear']:.3f} | {r['acc_lsa']:.3f} | {r['acc_psi']:.3f} | "
        f"{r['mse_linear']:.4f} / {r['mse_lsa']:.4f} / {r['mse_psi']:.4f} |\n" for r in rows)
    return (f"Binary chains, p01, p10 ~ U(0,1), initial Bern({p}), n = {n} context chains; accuracies on "
            f"{batch} sampled prompts per d (prediction rounded to the nearest state).\n\n" + head + body)


def _plot(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ds = [r["d"] for r in rows]
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for key, lab, mk in (("ftilde_star", "linear model ftilde*", "o"), ("f_star", "best 1-layer LSA f*", "s"),
                         ("f_psi", "ftilde(phi(psi(X*)))", "^")):
        ax[0].plot(ds, [r[key] for r in rows], marker=mk, label=lab)
    ax[0].set_xlabel("d")
    ax[0].set_ylabel("population loss")
    ax[0].legend()
    for key, lab, mk in (("acc_linear", "linear model X*", "o"), ("acc_lsa", "best 1-layer LSA", "s"),
                         ("acc_psi", "phi(psi(X*))", "^")):
        ax[1].plot(ds, [r[key] for r in rows], marker=mk, label=lab)
    ax[1].set_xlabel("d")
    ax[1].set_ylabel("accuracy (rounded prediction)")
    ax[1].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_fig5_population(out_dir: str | Path, *, dmax: int = 10, n: int = 100, p: float = 0.5, batch: int = 2000,
                          starts: int = 40, certified_max_d: int = 4, time_limit: float = 1800.0, workers: int = 1,
                          seed: int = 0, progress: bool = False) -> str:
    """Run :func:`fig5_population` for ``d = 1..dmax`` and write ``fig5_population.{md,json,png}`` into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Output directory (created if missing).
    dmax : int
        Largest ``d`` (``>= 1``).
    n : int, optional
        Number of context chains, as in :func:`fig5_population`.
    p : float, optional
        ``P(x_1 = 1)``, as in :func:`fig5_population`.
    batch : int, optional
        Sampled prompts per ``d``, as in :func:`fig5_population`.
    starts : int, optional
        Multistarts, as in :func:`fig5_population`.
    certified_max_d : int, optional
        As in :func:`fig5_population`.
    time_limit : float, optional
        As in :func:`fig5_population`.
    workers : int, optional
        As in :func:`fig5_population`.
    seed : int, optional
        Seed of the generator passed as ``rng`` (``>= 0``).
    progress : bool, optional
        As in :func:`fig5_population`.

    Returns
    -------
    str
        The Markdown table (:func:`fig5_markdown`), also written to ``fig5_population.md``.

    Raises
    ------
    TypeError
        If ``dmax`` or ``seed`` is not an integer.
    ValueError
        If ``dmax < 1`` or ``seed < 0``.
    """
    dmax = check_int(dmax, "dmax", min_value=1)
    seed = check_int(seed, "seed", min_value=0)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = fig5_population(range(1, dmax + 1), n=n, p=p, batch=batch, starts=starts, certified_max_d=certified_max_d,
                           rng=seed, time_limit=time_limit, workers=workers, progress=progress)
    md = fig5_markdown(rows, n=n, p=p, batch=batch)
    (out / "fig5_population.md").write_text(md)
    (out / "fig5_population.json").write_text(json.dumps(rows, indent=1))
    _plot(rows, out / "fig5_population.png")
    return md
