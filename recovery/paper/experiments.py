"""Reproductions of the paper's experiments (MATH.md section 7), each runnable alone::

    python -m recovery.paper.experiments fig3 --out DIR [--quick]
    python -m recovery.paper.experiments fig5 --out DIR [--quick]
    python -m recovery.paper.experiments fig2 --out DIR [--quick]
    python -m recovery.paper.experiments appa --out DIR [--quick]
    python -m recovery.paper.experiments all  --out DIR [--quick]     # == run_paper_suite

Each writes ``<name>.md`` (Markdown table beside the paper's reported numbers and one computed sentence on
agreement), ``<name>.png`` and ``<name>.json`` into ``DIR`` and returns a dict with the same content.
Accuracy is always measured on HELD-OUT prompts.  Baselines printed with Fig. 3: chance ``1/|S|``, the exact
Bayes-optimal accuracy given the prompt (posterior-mean transition row from the Dirichlet(1)/uniform prior and the
transition counts of the context and query chains) and the oracle accuracy ``E[max_s K[x_d, s]]`` (kernel known).
Iteration counts are reduced w.r.t. the paper where stated in each figure's ``config`` (speed target: the whole
Fig. 3, 45 trainings, within 5 minutes on 2 cores).
"""
from __future__ import annotations

import argparse
import functools
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from recovery.training.loop import GramBatch, accuracy_of, compress_prompts, predict_gram, single_thread_blas, train

__all__ = ["appendix_a", "bayes_accuracies", "fig2", "fig3", "fig5", "main", "run_paper_suite", "PAPER"]

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


def _one_thread(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with single_thread_blas():
            return fn(*args, **kwargs)

    return wrapper


def _log(msg: str) -> None:
    print(f"[experiments] {msg}", file=sys.stderr, flush=True)


def _sample(size: int, d: int, n: int, S: int, p: float, rng: np.random.Generator):
    from recovery.lsa.prompts import BernoulliInit, DirichletPrior, UniformBinaryPrior, UniformInit, sample_prompts

    if S == 2:
        return sample_prompts(size, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(p), rng=rng)
    return sample_prompts(size, d, n, prior=DirichletPrior(S, 1.0), init=UniformInit(), rng=rng)


def bayes_accuracies(prompts: Any, num_states: int) -> tuple[float, float, float]:
    """(Bayes-optimal accuracy, oracle accuracy, rounded-posterior-mean accuracy) on sampled prompts whose kernel rows have a Dirichlet(1) prior
    (binary: ``p01, p10 ~ U(0,1)`` = Beta(1,1)).  Bayes: predict ``argmax_s (c[x_d, s] + 1)`` with ``c`` the
    transition counts of all context chains and of the query input; score against the sampled label.
    Oracle: ``mean_b max_s K_b[x_d, s]`` (expected accuracy when the kernel is known).  Rounded posterior mean:
    accuracy of ``round(E[y | prompt])``, the limit of a squared-loss regressor read out by rounding."""
    st = np.asarray(prompts.states)  # (B, n+1, d+1)
    B, n1, d1 = st.shape
    S = num_states
    n, d = n1 - 1, d1 - 1
    src = np.concatenate([st[:, :n, :-1].reshape(B, -1), st[:, n, : d - 1]], axis=1) if d > 1 else st[:, :n, 0]
    dst = np.concatenate([st[:, :n, 1:].reshape(B, -1), st[:, n, 1:d]], axis=1) if d > 1 else st[:, :n, 1]
    counts = np.zeros((B, S, S))
    np.add.at(counts, (np.repeat(np.arange(B), src.shape[1]), src.ravel(), dst.ravel()), 1.0)
    last = st[:, n, d - 1]
    row = counts[np.arange(B), last] + 1.0
    pred = np.argmax(row, axis=1)
    y = st[:, n, d]
    K = np.asarray(prompts.kernels)
    oracle = float(np.mean(K[np.arange(B), last].max(axis=1)))
    # the best a squared-loss regressor can aim at: the posterior mean E[y | prompt], rounded to a state
    post_mean = (row / row.sum(axis=1, keepdims=True)) @ np.arange(S, dtype=float)
    mean_acc = float(np.mean(np.clip(np.rint(post_mean), 0, S - 1) == y))
    return float(np.mean(pred == y)), oracle, mean_acc


def _fmt(m: float, s: float | None = None) -> str:
    if m is None or (isinstance(m, float) and math.isnan(m)):
        return "–"
    return f"{m:.3f}" if s is None else f"{m:.3f} ± {s:.3f}"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _write(out_dir: Path, name: str, res: dict) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = f"### {res['title']}\n\n{res['table']}\n\n{res['sentence']}\n"
    (out_dir / f"{name}.md").write_text(md)
    res["markdown"] = str(out_dir / f"{name}.md")
    (out_dir / f"{name}.json").write_text(json.dumps(res, indent=1, default=float))
    return res


# ----------------------------------------------------------------------------------------------------- Fig. 3
@_one_thread
def fig3(
    out_dir: str | Path,
    *,
    quick: bool = False,
    states: Sequence[int] = (2, 3, 4),
    layers: Sequence[int] = (1, 2, 3),
    seeds: Sequence[int] | None = None,
    d: int = 5,
    n: int = 10,
    steps: int | None = None,
    lr: float = 0.01,
    train_size: int | None = None,
    batch_size: int = 500,
    test_size: int | None = None,
    subspace: str = "dense",
) -> dict:
    """Fig. 3: accuracy of L-layer LSA (L = 1, 2, 3) for |S| = 2, 3, 4; 10 context chains of length 6 (d = 5)."""
    seeds = tuple(range(2 if quick else 5)) if seeds is None else tuple(seeds)
    steps = steps or (150 if quick else 600)
    train_size = train_size or (3000 if quick else 10000)
    test_size = test_size or (2000 if quick else 5000)
    t0, c0 = time.monotonic(), time.process_time()
    acc: dict[tuple[int, int], list[float]] = {}
    loss: dict[tuple[int, int], list[float]] = {}
    base: dict[int, list[tuple[float, float]]] = {}
    for S in states:
        for seed in seeds:
            rng = np.random.default_rng([3, S, seed])
            tr = _sample(train_size, d, n, S, 0.5, rng)
            te = _sample(test_size, d, n, S, 0.5, rng)
            base.setdefault(S, []).append(bayes_accuracies(te, S))
            data = (compress_prompts(tr.Z0, tr.y), compress_prompts(te.Z0, te.y))
            for L in layers:
                r = train(num_states=S, layers=L, d=d, n=n, subspace=subspace, steps=steps, lr=lr,
                          seed=1000 * S + 10 * seed + L, data=data, batch_size=batch_size, eval_every=50)
                acc.setdefault((S, L), []).append(r.accuracy)
                loss.setdefault((S, L), []).append(r.test_loss)
                _log(f"fig3 |S|={S} L={L} seed={seed}: acc {r.accuracy:.3f} test mse {r.test_loss:.4f} "
                     f"({r.wall_time:.1f}s, {time.monotonic() - t0:.0f}s total)")
    wall, cpu = time.monotonic() - t0, time.process_time() - c0
    rows = ["| \\|S\\| | " + " | ".join(f"L={L} ours (paper)" for L in layers)
            + " | chance | Bayes-optimal | round(posterior mean) | oracle (K known) |",
            "|---|" + "---|" * (len(layers) + 4)]
    summary = {}
    for S in states:
        cells = []
        for L in layers:
            a = np.array(acc[(S, L)])
            pv = PAPER["fig3"].get((S, L))
            cells.append(f"{_fmt(a.mean(), a.std())} ({'near chance' if pv is None else f'{pv:.2f}'})")
            summary[f"S{S}_L{L}"] = {"mean": float(a.mean()), "std": float(a.std()), "paper": pv,
                                     "test_mse": float(np.mean(loss[(S, L)]))}
        bay = np.array(base[S])
        summary[f"S{S}_bayes"] = float(bay[:, 0].mean())
        summary[f"S{S}_oracle"] = float(bay[:, 1].mean())
        summary[f"S{S}_postmean"] = float(bay[:, 2].mean())
        rows.append(f"| {S} | " + " | ".join(cells) + f" | {1 / S:.3f} | {bay[:, 0].mean():.3f} | {bay[:, 2].mean():.3f} "
                    f"| {bay[:, 1].mean():.3f} |")
    # computed sentence
    above = [(S, L, pv) for (S, L), pv in PAPER["fig3"].items()
             if pv is not None and S in states and L in layers and pv > summary[f"S{S}_oracle"] + 0.01]
    close = [(S, L) for (S, L), pv in PAPER["fig3"].items()
             if pv is not None and S in states and L in layers and abs(summary[f"S{S}_L{L}"]["mean"] - pv) <= 0.05]
    comparable = [(S, L) for (S, L), pv in PAPER["fig3"].items() if pv is not None and S in states and L in layers]
    mono = all(summary[f"S{S}_L{layers[i]}"]["mean"] <= summary[f"S{S}_L{layers[i + 1]}"]["mean"] + 0.01
               for S in states for i in range(len(layers) - 1))
    gap_bayes = max(summary[f"S{S}_bayes"] - summary[f"S{S}_L{max(layers)}"]["mean"] for S in states)
    l1 = [summary[f"S{S}_L1"]["mean"] - 1 / S for S in states] if 1 in layers else []
    gap_mean = max(summary[f"S{S}_postmean"] - summary[f"S{S}_L{max(layers)}"]["mean"] for S in states)
    if l1 and max(l1) <= 0.05:
        l1_text = "One layer is near chance (within 0.05) for every |S|, as the paper reports. "
    elif l1:
        l1_text = ("One layer is above chance by " + ", ".join(f"{v:+.3f}" for v in l1) + " (|S| = "
                   + ", ".join(map(str, states)) + "), i.e. NOT near chance as the paper reports. ")
    else:
        l1_text = ""
    sentence = (
        f"Computed: accuracy {'never drops by more than 0.01 when a layer is added' if mono else 'drops by more than 0.01 somewhere when a layer is added'}; "
        f"{len(close)} of {len(comparable)} reported paper values are matched within 0.05. "
        f"With L = {max(layers)} our LSA is within {gap_bayes:.3f} of the exact Bayes-optimal accuracy and within "
        f"{gap_mean:.3f} of the rounded posterior mean (the squared-loss target) for every |S|. "
        + l1_text
        + (f"{len(above)} reported paper values ({', '.join(f'|S|={S},L={L}: {pv:.2f}' for S, L, pv in above)}) "
           f"EXCEED the oracle accuracy E[max_s K[x_d,s]] that even a predictor knowing the kernel cannot beat under "
           f"the priors of MATH.md section 1 (uniform / Dirichlet(1) kernels), so the paper's Fig. 3 cannot have used "
           f"these priors with sampled labels; the computation, not the paper, decides for our setting."
           if above else "No paper value exceeds the oracle bound.")
    )
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, S in enumerate(states):
        m = [summary[f"S{S}_L{L}"]["mean"] for L in layers]
        s = [summary[f"S{S}_L{L}"]["std"] for L in layers]
        ax.errorbar(layers, m, yerr=s, marker="o", color=f"C{i}", label=f"|S|={S} ours")
        pl = [(L, PAPER["fig3"].get((S, L))) for L in layers if PAPER["fig3"].get((S, L)) is not None]
        if pl:
            ax.plot([a for a, _ in pl], [b for _, b in pl], "x--", color=f"C{i}", label=f"|S|={S} paper")
        ax.axhline(summary[f"S{S}_oracle"], color=f"C{i}", ls=":", lw=1)
    ax.set_xlabel("layers L")
    ax.set_ylabel("held-out accuracy")
    ax.set_xticks(list(layers))
    ax.set_title("Fig. 3 reproduction (dotted: oracle bound)")
    ax.legend(fontsize=7)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out / "fig3.png", dpi=110)
    plt.close(fig)
    res = {
        "name": "fig3",
        "title": "Fig. 3: accuracy vs depth (10 context chains of length 6)",
        "table": "\n".join(rows),
        "sentence": sentence,
        "png": str(out / "fig3.png"),
        "wall_time": wall,
        "cpu_time": cpu,
        "num_trainings": len(states) * len(layers) * len(seeds),
        "config": {"states": list(states), "layers": list(layers), "seeds": list(seeds), "d": d, "n": n,
                   "steps": steps, "lr": lr, "optimizer": "adam", "train_size": train_size,
                   "batch_size": batch_size, "test_size": test_size, "subspace": subspace,
                   "note": "paper: gradient descent, iteration count not given; ours: Adam minibatches from a fixed "
                           "training pool, best pool loss kept"},
        "summary": summary,
    }
    return _write(out, "fig3", res)


# ----------------------------------------------------------------------------------------------------- Fig. 5
def fig5_sentence(ds: Sequence[int], summary: dict, train_size: int) -> str:
    """The computed agreement sentence of Fig. 5 from the per-d means (keys lsa, ls, lsa_train_acc, ls_train_acc,
    lsa_train, ls_train): the claim "the gap grows with d" is tested on held-out AND on training prompts
    (criterion: the least-squares line of the gap rises by more than 0.01 over the d range)."""
    x = np.array(ds, float)

    def rise(key_ls, key_lsa):
        g = np.array([summary[d][key_ls] - summary[d][key_lsa] for d in ds])
        slope = float(np.polyfit(x, g, 1)[0]) if len(ds) > 1 else float("nan")
        return g, slope * (ds[-1] - ds[0])

    g_te, r_te = rise("ls", "lsa")
    g_tr, r_tr = rise("ls_train_acc", "lsa_train_acc")
    ok = all(summary[d]["ls_train"] <= summary[d]["lsa_train"] + 1e-12 for d in ds)

    def verdict(r):
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


@_one_thread
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
) -> dict:
    """Fig. 5 (App. B.1), sampled: 1-layer LSA (Adam lr 0.01) vs the reparameterised linear model X fitted by
    least squares on the features ``x_{n+1} kron g``; n+1 = 101, Bern(0.5) start, 1000 training prompts."""
    from recovery.lsa.reparam import features

    ds = tuple(range(1, 6) if quick else range(1, 11)) if ds is None else tuple(ds)
    seeds = tuple(range(2 if quick else 5)) if seeds is None else tuple(seeds)
    steps = steps or (300 if quick else 1000)
    test_size = test_size or (2000 if quick else 5000)
    t0, c0 = time.monotonic(), time.process_time()
    rec: dict[int, dict[str, list[float]]] = {}
    for d in ds:
        for seed in seeds:
            rng = np.random.default_rng([5, d, seed])
            tr = _sample(train_size, d, n, 2, 0.5, rng)
            te = _sample(test_size, d, n, 2, 0.5, rng)
            data = (compress_prompts(tr.Z0, tr.y), compress_prompts(te.Z0, te.y))
            r = train(layers=1, d=d, n=n, subspace="sparse", steps=steps, lr=lr, seed=100 * d + seed, data=data)
            Ftr, Fte = features(tr.Z0), features(te.Z0)
            X = np.linalg.lstsq(Ftr, tr.y, rcond=None)[0]
            yls = Fte @ X
            ls_acc = float(np.mean(np.clip(np.rint(yls), 0, 1) == te.y))
            ls_tr = float(np.mean((Ftr @ X - tr.y) ** 2))
            ls_tr_acc = float(np.mean(np.clip(np.rint(Ftr @ X), 0, 1) == tr.y))
            lsa_tr_acc = accuracy_of(predict_gram(data[0], r.layers()), tr.y, 2)
            e = rec.setdefault(d, {k: [] for k in ("lsa", "ls", "lsa_mse", "ls_mse", "lsa_train", "ls_train",
                                                   "lsa_train_acc", "ls_train_acc")})
            e["lsa_train_acc"].append(lsa_tr_acc)
            e["ls_train_acc"].append(ls_tr_acc)
            e["lsa"].append(r.accuracy)
            e["ls"].append(ls_acc)
            e["lsa_mse"].append(r.test_loss)
            e["ls_mse"].append(float(np.mean((yls - te.y) ** 2)))
            e["lsa_train"].append(r.best_loss)
            e["ls_train"].append(ls_tr)
        _log(f"fig5 d={d}: LSA acc {np.mean(rec[d]['lsa']):.3f}, least squares acc {np.mean(rec[d]['ls']):.3f} "
             f"({time.monotonic() - t0:.0f}s)")
    wall, cpu = time.monotonic() - t0, time.process_time() - c0
    rows = ["| d | dm (features) | LSA acc | least-squares X acc | gap (LS − LSA) | train acc LSA / LS | LSA train / test MSE | LS train / test MSE |",
            "|---|---|---|---|---|---|---|---|"]
    for d in ds:
        e = {k: np.array(v) for k, v in rec[d].items()}
        gap = e["ls"] - e["lsa"]
        m = (d + 1) * (d + 2) // 2
        rows.append(f"| {d} | {d * m} | {_fmt(e['lsa'].mean(), e['lsa'].std())} | {_fmt(e['ls'].mean(), e['ls'].std())} | "
                    f"{gap.mean():+.3f} | {e['lsa_train_acc'].mean():.3f} / {e['ls_train_acc'].mean():.3f} | {e['lsa_train'].mean():.4f} / {e['lsa_mse'].mean():.4f} | "
                    f"{e['ls_train'].mean():.4f} / {e['ls_mse'].mean():.4f} |")
    sentence = fig5_sentence(ds, {d: {k: float(np.mean(v)) for k, v in rec[d].items()} for d in ds}, train_size)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, lab in (("lsa", "1-layer LSA (Adam)"), ("ls", "least-squares X")):
        m = [np.mean(rec[d][key]) for d in ds]
        s = [np.std(rec[d][key]) for d in ds]
        ax.errorbar(ds, m, yerr=s, marker="o", label=lab)
    ax.set_xlabel("d (chain length - 1)")
    ax.set_ylabel("held-out accuracy")
    ax.set_title("Fig. 5 reproduction (sampled, n+1 = 101)")
    ax.legend()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out / "fig5.png", dpi=110)
    plt.close(fig)
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
    return _write(out, "fig5", res)


# ----------------------------------------------------------------------------------------------------- Fig. 2
@_one_thread
def fig2(
    out_dir: str | Path,
    *,
    quick: bool = False,
    num_layers: int = 10,
    d: int = 4,
    n: int = 100,
    p: float = 0.5,
    steps: int | None = None,
    lr: float = 0.005,
    train_size: int | None = None,
    batch_size: int = 500,
    eval_prompts: int | None = None,
    seed: int = 0,
) -> dict:
    """Fig. 2: a ``num_layers``-layer LSA trained in the Thm 4.1 subspace (100 context chains of length 5,
    Bern(p) start); per layer l = 0..L: R1 and R2 at ``w_l = -theta_l`` (means over held-out prompts), the GD of
    R1(w_l) to the exact R1 Pareto front, and the query prediction error of ``<theta_l, x_{n+1}>``.
    Two read-outs: the paper's ``yhat = Z_L[d, n]`` and the sign-flipped ``yhat = -Z_L[d, n]`` of
    transformers-as-gradient-descent constructions (trained with target ``-y``)."""
    from recovery.training import thm41 as t41
    steps = steps or (100 if quick else 400)
    train_size = train_size or (2000 if quick else 10000)
    eval_prompts = eval_prompts or (20 if quick else 50)
    t0, c0 = time.monotonic(), time.process_time()
    rng = np.random.default_rng([2, seed])
    tr = _sample(train_size, d, n, 2, p, rng)
    te = _sample(max(eval_prompts, 1000), d, n, 2, p, rng)
    tr_b, te_b = compress_prompts(tr.Z0, tr.y), compress_prompts(te.Z0, te.y)
    out_rows = {}
    tables = []
    from recovery.lsa.model import lsa_forward

    for sign, label in ((1, "paper read-out yhat = Z_L[d,n]"), (-1, "flipped read-out yhat = -Z_L[d,n]")):
        data = (GramBatch(tr_b.G0, tr_b.v0, sign * tr_b.y), GramBatch(te_b.G0, te_b.v0, sign * te_b.y))
        r = train(layers=num_layers, d=d, n=n, subspace="thm41", steps=steps, lr=lr, seed=seed, data=data,
                  batch_size=batch_size, eval_every=25, init_scale=0.05)
        blocks = t41.blocks_from_theta(r.theta, d, num_layers)
        Zev = te.Z0[:eval_prompts]
        thetas = t41.theta_recursion(Zev, blocks)
        ZL = lsa_forward(Zev, t41.blocks_to_layers(blocks))
        err = float(np.abs(ZL[:, -1, -1] - np.einsum("bk,bk->b", thetas[:, -1], Zev[:, :d, -1])).max())
        trace = t41.objectives_per_layer(Zev, blocks)
        q = np.einsum("blk,bk->bl", thetas, Zev[:, :d, -1]) * sign  # prediction after l layers
        mse = ((q - te.y[:eval_prompts, None]) ** 2).mean(axis=0)
        s = trace.summary()
        rows = [f"#### {label}: trained held-out MSE {r.test_loss:.4f}, accuracy {r.accuracy if sign == 1 else float(np.mean(np.clip(np.rint(-lsa_forward(te.Z0, r.layers())[:, -1, -1]), 0, 1) == te.y)):.3f}; "
                f"max |theta recursion − forward| = {err:.1e}",
                "",
                "| layer l | R1: mean linear f_k | R1: least squares f_d | R2: mean h_k | R2: h_d | GD of R1 to front | fraction on Pareto set | query MSE |",
                "|---|---|---|---|---|---|---|---|"]
        R1 = np.array(s["R1_mean"])
        R2 = np.array(s["R2_mean"])
        for l in range(num_layers + 1):
            rows.append(f"| {l} | {R1[l, :d].mean():.4f} | {R1[l, d]:.4f} | {R2[l, :d].mean():.4f} | {R2[l, d]:.4f} | "
                        f"{s['gd_mean'][l]:.4f} | {s['pareto_fraction'][l]:.2f} | {mse[l]:.4f} |")
        tables.append("\n".join(rows))
        out_rows[label] = {"R1_mean": s["R1_mean"], "R2_mean": s["R2_mean"], "gd_mean": s["gd_mean"],
                           "pareto_fraction": s["pareto_fraction"], "query_mse": mse.tolist(),
                           "max_abs_error": err, "test_mse": r.test_loss}
        _log(f"fig2 {label}: GD per layer {np.round(s['gd_mean'], 4).tolist()} ({time.monotonic() - t0:.0f}s)")
    wall, cpu = time.monotonic() - t0, time.process_time() - c0

    def trend(v):
        v = np.asarray(v)
        return "decreases" if v[-1] < v[0] else "increases"

    sent = []
    for label, o in out_rows.items():
        gd = np.asarray(o["gd_mean"])
        ls = np.asarray(o["R1_mean"])[:, d]
        sent.append(f"with the {label}, the GD of R1 {trend(gd)} from {gd[0]:.4f} (l=0) to {gd[-1]:.4f} (l={num_layers}) "
                    f"and the least-squares objective f_d {trend(ls)} from {ls[0]:.4f} to {ls[-1]:.4f}")
    sentence = ("Computed: " + "; ".join(sent) + ". The paper reports these curves only as a plot (no numbers), so "
                "only the trend can be compared. The theta recursion matches the LSA forward pass to the error shown.")
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    ls_ = np.arange(num_layers + 1)
    for i, (label, o) in enumerate(out_rows.items()):
        R1 = np.array(o["R1_mean"])
        R2 = np.array(o["R2_mean"])
        axes[0].plot(ls_, R1[:, d], marker="o", color=f"C{i}", label=f"R1 f_d, {label.split(':')[0]}")
        axes[0].plot(ls_, R1[:, :d].mean(axis=1), ls="--", color=f"C{i}", label="R1 mean f_k")
        axes[1].plot(ls_, R2[:, d], marker="o", color=f"C{i}", label="R2 h_d")
        axes[1].plot(ls_, R2[:, :d].mean(axis=1), ls="--", color=f"C{i}", label="R2 mean h_k")
        axes[2].plot(ls_, o["gd_mean"], marker="o", color=f"C{i}", label=label)
    axes[0].set_title("R1 objectives")
    axes[1].set_title("R2 objectives")
    axes[2].set_title("GD of R1 to its Pareto front")
    for ax in axes:
        ax.set_xlabel("layer l")
        ax.legend(fontsize=6)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out / "fig2.png", dpi=110)
    plt.close(fig)
    res = {
        "name": "fig2",
        "title": f"Fig. 2: {num_layers}-layer LSA in the Thm 4.1 subspace (n = {n} chains of length {d + 1}, p = {p})",
        "table": "\n\n".join(tables),
        "sentence": sentence,
        "png": str(out / "fig2.png"),
        "wall_time": wall,
        "cpu_time": cpu,
        "config": {"layers": num_layers, "d": d, "n": n, "p": p, "steps": steps, "lr": lr, "train_size": train_size,
                   "batch_size": batch_size, "eval_prompts": eval_prompts, "seed": seed,
                   "front": "exact Pareto front of R1 {R1(w* - mu): mu >= 0}; GD = distance of the layer's R1 vector"},
        "summary": out_rows,
        "paper": PAPER["fig2"],
    }
    return _write(out, "fig2", res)


# ------------------------------------------------------------------------------------------------ Appendix A
@_one_thread
def appendix_a(
    out_dir: str | Path,
    *,
    quick: bool = False,
    d: int = 1,
    n: int = 30,
    p: float = 0.3,
    train_size: int | None = None,
    test_size: int | None = None,
    seeds: Sequence[int] | None = None,
    steps: int | None = None,
    lr: float = 0.01,
    layers: Sequence[int] = (1, 2),
    optimizer: str = "lbfgs",
) -> dict:
    """App. A: sparse vs dense parameterisation, chains of length 2 (d = 1), p = 0.3, 30 context chains, 10K
    prompts; full batch, L-BFGS by default (converged losses are what can be compared).  L = 1 is the paper's setting (there the prediction depends only on (b, A), so the
    dense extra entries get exactly zero gradient); L = 2 is added as the non-trivial case.  For L = 1 the exact
    population optimum ``f*`` (L-BFGS on ftilde(phi(b, A))) and the convex bound ``ftilde*`` are shown."""
    train_size = train_size or (3000 if quick else 10000)
    test_size = test_size or (3000 if quick else 10000)
    seeds = tuple(range(2 if quick else 5)) if seeds is None else tuple(seeds)
    steps = steps or (200 if quick else 1000)
    t0, c0 = time.monotonic(), time.process_time()
    res_l: dict[int, dict[str, list[float]]] = {}
    for seed in seeds:
        rng = np.random.default_rng([11, seed])
        tr = _sample(train_size, d, n, 2, p, rng)
        te = _sample(test_size, d, n, 2, p, rng)
        data = (compress_prompts(tr.Z0, tr.y), compress_prompts(te.Z0, te.y))
        for L in layers:
            for sub in ("sparse", "dense"):
                r = train(layers=L, d=d, n=n, subspace=sub, optimizer=optimizer, steps=steps, lr=lr,
                          seed=7 * seed + L, data=data, p=p)
                e = res_l.setdefault(L, {})
                e.setdefault(f"{sub}_train", []).append(r.best_loss)
                e.setdefault(f"{sub}_test", []).append(r.test_loss)
                e.setdefault(f"{sub}_acc", []).append(r.accuracy)
            _log(f"appA seed={seed} L={L}: sparse {res_l[L]['sparse_train'][-1]:.5f} dense {res_l[L]['dense_train'][-1]:.5f} "
                 f"({time.monotonic() - t0:.0f}s)")
    pop = None
    try:
        from recovery.lsa.population import population_quadratic
        from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior

        q = population_quadratic(d, n, prior=UniformBinaryPrior(), init=BernoulliInit(p))
        H, h, c = np.asarray(q.H, float), np.asarray(q.h, float), float(q.c)
        rp = train(layers=1, d=d, n=n, subspace="sparse", objective="population", optimizer="lbfgs", steps=500,
                   seed=0, data=data, population=(H, h, c))
        pop = {"f_star": rp.best_loss, "ftilde_star": float(c - h @ np.linalg.solve(H, h))}
    except Exception as exc:  # population module unavailable: report without it
        _log(f"appA: population optimum not computed ({exc})")
    wall, cpu = time.monotonic() - t0, time.process_time() - c0
    rows = ["| L | sparse train MSE | dense train MSE | max rel. diff | sparse test MSE | dense test MSE | sparse acc | dense acc |",
            "|---|---|---|---|---|---|---|---|"]
    rels = {}
    for L in layers:
        e = {k: np.array(v) for k, v in res_l[L].items()}
        rel = float(np.max(np.abs(e["sparse_train"] - e["dense_train"]) / e["sparse_train"]))
        rels[L] = rel
        rows.append(f"| {L} | {_fmt(e['sparse_train'].mean(), e['sparse_train'].std())} | "
                    f"{_fmt(e['dense_train'].mean(), e['dense_train'].std())} | {rel:.2e} | "
                    f"{e['sparse_test'].mean():.5f} | {e['dense_test'].mean():.5f} | {e['sparse_acc'].mean():.3f} | "
                    f"{e['dense_acc'].mean():.3f} |")
    if pop is not None:
        rows.append("")
        rows.append(f"Exact population values (L = 1): f* = min ftilde(phi(b, A)) = {pop['f_star']:.5f}, "
                    f"convex bound ftilde* = c − hᵀH⁻¹h = {pop['ftilde_star']:.5f}.")
    sentence = ("Computed: " + "; ".join(f"at L = {L} the sparse and dense final training losses differ by at most "
                                          f"{rels[L]:.1e} (relative) over {len(seeds)} seeds" for L in layers)
                + ". The paper's claim (same loss) is "
                + ("reproduced" if all(v < 0.02 for v in rels.values()) else "NOT reproduced for every L (see table)")
                + "; at L = 1 it holds by construction (only the last row of P and the first d columns of Q "
                  "influence the prediction).")
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    width = 0.35
    for i, sub in enumerate(("sparse", "dense")):
        ax.bar(np.arange(len(layers)) + (i - 0.5) * width, [np.mean(res_l[L][f"{sub}_train"]) for L in layers], width,
               yerr=[np.std(res_l[L][f"{sub}_train"]) for L in layers], label=sub)
    if pop is not None:
        ax.axhline(pop["f_star"], color="k", ls=":", lw=1, label="population f* (L=1)")
    vals = [v for L in layers for sub in ("sparse", "dense") for v in res_l[L][f"{sub}_train"]]
    vals += [pop["f_star"]] if pop is not None else []
    ax.set_ylim(min(vals) - 0.02 * (max(vals) - min(vals) + 1e-3), max(vals) + 0.2 * (max(vals) - min(vals) + 1e-3))
    ax.set_xticks(np.arange(len(layers)))
    ax.set_xticklabels([f"L={L}" for L in layers])
    ax.set_ylabel("final training MSE")
    ax.set_title("App. A: sparse vs dense (d=1, n=30, p=0.3)")
    ax.legend(fontsize=7)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out / "appa.png", dpi=110)
    plt.close(fig)
    res = {
        "name": "appa",
        "title": "Appendix A: sparse vs dense parameterisation (length-2 chains, p = 0.3, 30 context chains)",
        "table": "\n".join(rows),
        "sentence": sentence,
        "png": str(out / "appa.png"),
        "wall_time": wall,
        "cpu_time": cpu,
        "config": {"d": d, "n": n, "p": p, "train_size": train_size, "test_size": test_size, "seeds": list(seeds),
                   "steps": steps, "lr": lr, "layers": list(layers), "optimizer": f"{optimizer} (full batch)"},
        "summary": {str(L): {k: float(np.mean(v)) for k, v in res_l[L].items()} for L in layers},
        "population": pop,
        "paper": PAPER["appa"],
    }
    return _write(out, "appa", res)


# ------------------------------------------------------------------------------------------------------ suite
FIGURES = {"fig3": fig3, "fig5": fig5, "fig2": fig2, "appa": appendix_a}


@_one_thread
def run_paper_suite(out_dir: str | Path, quick: bool = False) -> dict:
    """Run Fig. 3, Fig. 5, Fig. 2 and Appendix A into ``out_dir``; returns ``{name: result dict}`` plus
    ``"total_wall_time"``.  Also writes ``paper_suite.md`` (all tables) and ``paper_suite.json``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.monotonic(), time.process_time()
    results: dict[str, Any] = {}
    for name, fn in FIGURES.items():
        _log(f"running {name} (quick={quick})")
        results[name] = fn(out, quick=quick)
    results["total_wall_time"] = time.monotonic() - t0
    results["total_cpu_time"] = time.process_time() - c0
    md = "\n\n".join(Path(r["markdown"]).read_text() + f"\n![{name}]({Path(r['png']).name})\n\n"
                     f"Wall time: {r['wall_time']:.1f} s (process CPU time {r['cpu_time']:.1f} s)."
                     for name, r in results.items() if isinstance(r, dict))
    (out / "paper_suite.md").write_text(md)
    (out / "paper_suite.json").write_text(json.dumps(results, indent=1, default=float))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m recovery.paper.experiments", description=__doc__.split("\n")[0])
    ap.add_argument("figure", choices=[*FIGURES, "all"])
    ap.add_argument("--out", required=True, help="output directory for .md/.png/.json")
    ap.add_argument("--quick", action="store_true", help="fewer seeds/iterations (smoke run)")
    args = ap.parse_args(argv)
    try:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        ap.error(f"--out {args.out}: {exc.strerror}")
    if args.figure == "all":
        res = run_paper_suite(args.out, quick=args.quick)
        print(f"wrote {args.out}/paper_suite.md in {res['total_wall_time']:.1f} s")
    else:
        res = FIGURES[args.figure](args.out, quick=args.quick)
        print(Path(res["markdown"]).read_text())
        print(f"wall time {res['wall_time']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
