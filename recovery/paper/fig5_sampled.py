"""Fig. 5 of the paper (App. B.1), sampled: held-out accuracy of a trained 1-layer LSA vs the reparameterised
linear model ``X`` fitted by least squares on the features ``x_{n+1} kron g`` (MATH.md section 7), per ``d``.
The population version is :mod:`recovery.paper.fig5_population`.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from recovery.lsa.blas_threads import one_blas_thread
from recovery.lsa.reparam import features
from recovery.paper._shared import PAPER, fmt, log, plt_agg, sample, write_result
from recovery.training.loop import accuracy_of, compress_prompts, predict_gram, train

__all__ = ["fig5", "fig5_sentence"]


def fig5_sentence(ds: Sequence[int], summary: Mapping[int, Mapping[str, float]], train_size: int) -> str:
    """Return the computed agreement sentence of Fig. 5 from the per-d means.

    The claim "the gap grows with d" is tested on held-out AND on training prompts (criterion: the
    least-squares line of the gap rises by more than 0.01 over the d range).

    Parameters
    ----------
    ds : sequence of int
        The ``d`` values, increasing.
    summary : mapping
        Per ``d``: the means with keys lsa, ls, lsa_train_acc, ls_train_acc, lsa_train, ls_train.
    train_size : int
        Number of training prompts (named in the sentence).

    Returns
    -------
    str
        The sentence.
    """
    x = np.array(ds, float)

    def rise(key_ls: str, key_lsa: str) -> tuple[np.ndarray, float]:
        g = np.array([summary[d][key_ls] - summary[d][key_lsa] for d in ds])
        slope = float(np.polyfit(x, g, 1)[0]) if len(ds) > 1 else float("nan")
        return g, slope * (ds[-1] - ds[0])

    g_te, r_te = rise("ls", "lsa")
    g_tr, r_tr = rise("ls_train_acc", "lsa_train_acc")
    ok = all(summary[d]["ls_train"] <= summary[d]["lsa_train"] + 1e-12 for d in ds)

    def verdict(r: float) -> str:
        return "grows" if r > 0.01 else "does NOT grow"

    return (
        f"Computed: on HELD-OUT prompts the accuracy gap (least squares minus LSA) goes from {g_te[0]:+.3f} (d={ds[0]}) "
        f"to {g_te[-1]:+.3f} (d={ds[-1]}), fitted change {r_te:+.3f}: it {verdict(r_te)} with d, so the paper's claim is "
        f"{'reproduced' if r_te > 0.01 else 'NOT reproduced'} on held-out prompts. On the {train_size} TRAINING prompts "
        f"the gap goes from {g_tr[0]:+.3f} to {g_tr[-1]:+.3f} (fitted change {r_tr:+.3f}): it {verdict(r_tr)}, "
        f"{'as the paper reports' if r_tr > 0.01 else 'contrary to the paper'}. The unconstrained X has "
        f"{'the lower' if ok else 'NOT always the lower'} training MSE at every d (as it must: phi(b, A) is a subset of "
        f"R^dm); with dm approaching {train_size} it over-fits, which is why the held-out comparison turns in favour "
        f"of the LSA (criterion: fitted rise > 0.01 over the d range)."
    )


_KEYS = ("lsa", "ls", "lsa_mse", "ls_mse", "lsa_train", "ls_train", "lsa_train_acc", "ls_train_acc")


def _one_run(d: int, seed: int, n: int, train_size: int, test_size: int, steps: int, lr: float) -> dict[str, float]:
    """One seed at one ``d``: a trained 1-layer LSA and the least-squares ``X`` on the same prompts."""
    rng = np.random.default_rng([5, d, seed])
    tr = sample(train_size, d, n, 2, 0.5, rng)
    te = sample(test_size, d, n, 2, 0.5, rng)
    data = (compress_prompts(tr.Z0, tr.y), compress_prompts(te.Z0, te.y))
    r = train(layers=1, d=d, n=n, subspace="sparse", steps=steps, lr=lr, seed=100 * d + seed, data=data)
    Ftr, Fte = features(tr.Z0), features(te.Z0)
    X = np.linalg.lstsq(Ftr, tr.y, rcond=None)[0]
    yls = Fte @ X
    return {
        "lsa": r.accuracy,
        "ls": float(np.mean(np.clip(np.rint(yls), 0, 1) == te.y)),
        "lsa_mse": r.test_loss,
        "ls_mse": float(np.mean((yls - te.y) ** 2)),
        "lsa_train": r.best_loss,
        "ls_train": float(np.mean((Ftr @ X - tr.y) ** 2)),
        "lsa_train_acc": accuracy_of(predict_gram(data[0], r.layers()), tr.y, 2),
        "ls_train_acc": float(np.mean(np.clip(np.rint(Ftr @ X), 0, 1) == tr.y)),
    }


def _plot(ds: Sequence[int], rec: Mapping[int, Mapping[str, Sequence[float]]], path: Path) -> None:
    plt = plt_agg()
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, lab in (("lsa", "1-layer LSA (Adam)"), ("ls", "least-squares X")):
        m = [np.mean(rec[d][key]) for d in ds]
        s = [np.std(rec[d][key]) for d in ds]
        ax.errorbar(ds, m, yerr=s, marker="o", label=lab)
    ax.set_xlabel("d (chain length - 1)")
    ax.set_ylabel("held-out accuracy")
    ax.set_title("Fig. 5 reproduction (sampled, n+1 = 101)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


@one_blas_thread
def fig5(
    out_dir: str | Path,
    *,
    quick: bool = False,
    ds: Sequence[int] | None = None,
    n: int = 100,
    seeds: Sequence[int] | None = None,
    train_size: int = 1000,
    test_size: int | None = None,
    steps: int | None = None,
    lr: float = 0.01,
) -> dict[str, Any]:
    """Reproduce Fig. 5 (App. B.1), sampled: 1-layer LSA vs the least-squares reparameterised linear model.

    1-layer LSA (Adam lr 0.01, sparse subspace) vs the reparameterised linear model X fitted by least
    squares on the features ``x_{n+1} kron g``; n+1 = 101, Bern(0.5) start, 1000 training prompts;
    held-out accuracies per ``d`` (MATH.md section 7).  Writes ``fig5.md``, ``fig5.json`` and
    ``fig5.png`` into ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Output directory (created if missing).
    quick : bool, optional
        Fewer seeds, steps and prompts (a smoke run).
        Quick: d = 1..5, 2 seeds, 300 steps, 2000 test prompts (full: d = 1..10, 5 seeds, 1000
        steps, 5000).
    ds : sequence of int, optional
        The ``d`` values; default from ``quick``.
    n : int, optional
        Number of context chains (default 100).
    seeds : sequence of int, optional
        Seeds; default from ``quick``.
    train_size : int, optional
        Training prompts (default 1000).
    test_size : int, optional
        Test prompts; default from ``quick``.
    steps : int, optional
        Adam steps; default from ``quick``.
    lr : float, optional
        Adam learning rate (default 0.01).

    Returns
    -------
    dict
        ``name``, ``title``, ``table``, ``sentence``, ``png``, ``markdown``, ``wall_time``,
        ``cpu_time``, ``config``, ``summary`` (per d the means of lsa, ls, lsa_mse, ls_mse,
        lsa_train, ls_train, lsa_train_acc, ls_train_acc) and ``paper``.
    """
    ds = tuple(range(1, 6) if quick else range(1, 11)) if ds is None else tuple(ds)
    seeds = tuple(range(2 if quick else 5)) if seeds is None else tuple(seeds)
    steps = steps or (300 if quick else 1000)
    test_size = test_size or (2000 if quick else 5000)
    t0, c0 = time.monotonic(), time.process_time()
    rec: dict[int, dict[str, list[float]]] = {}
    for d in ds:
        for seed in seeds:
            e = rec.setdefault(d, {k: [] for k in _KEYS})
            for k, v in _one_run(d, seed, n, train_size, test_size, steps, lr).items():
                e[k].append(v)
        log(f"fig5 d={d}: LSA acc {np.mean(rec[d]['lsa']):.3f}, least squares acc {np.mean(rec[d]['ls']):.3f} "
             f"({time.monotonic() - t0:.0f}s)")
    wall, cpu = time.monotonic() - t0, time.process_time() - c0
    rows = ["| d | dm (features) | LSA acc | least-squares X acc | gap (LS − LSA) | train acc LSA / LS | LSA train / test MSE | LS train / test MSE |",
            "|---|---|---|---|---|---|---|---|"]
    for d in ds:
        arr = {k: np.array(v) for k, v in rec[d].items()}
        gap = arr["ls"] - arr["lsa"]
        m = (d + 1) * (d + 2) // 2
        rows.append(f"| {d} | {d * m} | {fmt(arr['lsa'].mean(), arr['lsa'].std())} | {fmt(arr['ls'].mean(), arr['ls'].std())} | "
                    f"{gap.mean():+.3f} | {arr['lsa_train_acc'].mean():.3f} / {arr['ls_train_acc'].mean():.3f} | {arr['lsa_train'].mean():.4f} / {arr['lsa_mse'].mean():.4f} | "
                    f"{arr['ls_train'].mean():.4f} / {arr['ls_mse'].mean():.4f} |")
    sentence = fig5_sentence(ds, {d: {k: float(np.mean(v)) for k, v in rec[d].items()} for d in ds}, train_size)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _plot(ds, rec, out / "fig5.png")
    res = {
        "name": "fig5",
        "title": "Fig. 5 (App. B.1, sampled): 1-layer LSA vs least-squares reparameterised model",
        "table": "\n".join(rows),
        "sentence": sentence,
        "png": str(out / "fig5.png"),
        "wall_time": wall,
        "cpu_time": cpu,
        "config": {"ds": list(ds), "n": n, "seeds": list(seeds), "train_size": train_size, "test_size": test_size,
                   "steps": steps, "lr": lr, "optimizer": "adam", "p": 0.5},
        "summary": {str(d): {k: float(np.mean(v)) for k, v in rec[d].items()} for d in ds},
        "paper": PAPER["fig5"],
    }
    return write_result(out, "fig5", res)
