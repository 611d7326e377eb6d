"""Structured recovery (paper Problem C.9): spectral algorithm vs SCIP on the same bilinear systems.

For every ``d`` four instance kinds (fixed seeds):

* ``planted``: ``X = phi(b, A)`` with Gaussian ``b, A`` (feasible);
* ``off_image`` / ``near_off_image``: planted ``X`` plus a random direction of norm ``0.3 ||X||`` /
  ``1e-3 ||X||`` (infeasible for d >= 2; for d = 1 the image is the full-dimensional cone
  ``X_2^2 >= 4 X_1 X_3`` so it may stay feasible);
* ``no_common`` (d >= 2): ``S_0 = b a_0^T + a_0 b^T``, ``S_1 = c a_1^T + a_1 c^T`` with independent
  Gaussian vectors, other blocks zero: every ``S_j`` has the right inertia, yet no common ``b``
  (d = 1: a definite ``S`` instead).

Spectral: :func:`recovery.realizability.realize.recover` (median wall time of 5 runs).  SCIP: the bilinear
equality system through Pyomo ``scip_direct`` (:func:`recovery.realizability.realize_scip.recover_scip`, box from
the gauge), with a per-instance time limit.  ``python -m benchmarks.perf.bench_recovery --out DIR``
writes ``DIR/bench_recovery.{md,json}``; :func:`run` is the entry point of the ``recovery`` suite.
While it runs, one progress line per instance goes to stderr (``--no-progress`` to silence them).

``python -m benchmarks.perf.bench_recovery --sweep N [--seed S]`` instead runs :func:`planted_sweep`: N random
planted ``X = phi(b, A)`` with degenerate structure (integer entries, zero entries of ``b``, zero or
sparse columns of ``A``, nearly rank-1 blocks, column scales ``1e-6..1e6``, overall scales
``1e-290..1e290``), d = 1..12, and counts every one that is NOT recovered (a realisable ``X`` wrongly
certified, or a residual above ``rtol``).  It prints one JSON object and exits 1 on any failure.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from recovery.lsa.reparam import S_to_X, num_pairs, phi
from recovery.realizability.realize import recover
from recovery.realizability.realize_scip import recover_scip

__all__ = ["instances", "run", "markdown", "planted_sweep", "main"]


def instances(d: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    g = np.random.default_rng([seed, d])
    b, A = g.standard_normal(d + 1), g.standard_normal((d + 1, d))
    X = phi(b, A)
    E = g.standard_normal(X.size)
    out = [("planted", X), ("off_image", X + 0.3 * np.linalg.norm(X) * E / np.linalg.norm(E)),
           ("near_off_image", X + 1e-3 * np.linalg.norm(X) * E / np.linalg.norm(E))]
    if d >= 2:
        b, a0, c, a1 = g.standard_normal((4, d + 1))
        S = np.zeros((d, d + 1, d + 1))
        S[0] = np.outer(b, a0) + np.outer(a0, b)
        S[1] = np.outer(c, a1) + np.outer(a1, c)
        out.append(("no_common", S_to_X(S)))
    else:
        out.append(("definite", np.array([1.0, 0.5, 1.0])))
    return out


def _time_spectral(X: np.ndarray, d: int, reps: int = 5) -> tuple[Any, float]:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        r = recover(X, d)
        times.append(time.perf_counter() - t0)
    return r, statistics.median(times)


def _progress_stream(progress: bool | TextIO | None) -> TextIO | None:
    """The stream progress lines go to.

    Parameters
    ----------
    progress : bool, file-like or None
        True: ``sys.stderr``; False or None: no progress lines; a file-like object (anything
        with ``write``): that object.

    Returns
    -------
    file-like or None
        The stream, or None for no progress output.
    """
    if progress is None or progress is False:
        return None
    if progress is True:
        return sys.stderr
    if not callable(getattr(progress, "write", None)):
        raise TypeError(f"progress: expected a bool or a writable stream, got {type(progress).__name__}")
    return progress


def _say(stream: TextIO | None, text: str) -> None:
    """Write one progress line to ``stream`` (nothing when it is None) and flush it.

    Parameters
    ----------
    stream : file-like or None
        Destination, from :func:`_progress_stream`.
    text : str
        The line, without its newline.
    """
    if stream is None:
        return
    stream.write(f"bench recovery: {text}\n")
    stream.flush()


def run(out_dir: str | Path | None = None, ds: Iterable[int] = range(1, 9), time_limit: float = 60.0,
        seed: int = 0, spectral_only_ds: Iterable[int] = (20, 50),
        progress: bool | TextIO | None = True) -> list[dict]:
    """Run the comparison; one dict per instance (d, kind, spectral verdict/kind/seconds, scip
    status/seconds, agree).  Writes ``bench_recovery.{json,md}`` into ``out_dir`` when given.

    ``progress``: True (default) writes one line per instance to stderr while the comparison runs
    (``[i/N] d=.. kind: spectral ..., SCIP ...``), plus a first and a last line; a stream writes
    them there instead; False is silent."""
    stream = _progress_stream(progress)
    ds, spectral_only_ds = [int(d) for d in ds], [int(d) for d in spectral_only_ds]
    plan = [(d, True) for d in ds] + [(d, False) for d in spectral_only_ds]
    total = sum(len(instances(d, seed)) for d, _ in plan)
    t_start = time.perf_counter()
    _say(stream, f"{total} instances (SCIP and spectral at d = {', '.join(map(str, ds)) or '-'}, "
                 f"spectral only at d = {', '.join(map(str, spectral_only_ds)) or '-'}; "
                 f"SCIP time limit {time_limit:g} s per instance)")
    rows: list[dict] = []
    for d, with_scip in plan:
        for kind, X in instances(d, seed):
            r, ts = _time_spectral(X, d)
            row = {"d": d, "dm": int(d * num_pairs(d)), "kind": kind, "spectral_realizable": r.realizable,
                   "spectral_certificate": r.certificate_kind, "spectral_s": ts, "scip_status": "not run",
                   "scip_s": None, "agree": None}
            if with_scip:
                s = recover_scip(X, d, time_limit=time_limit)
                scip_verdict = {"feasible": True, "infeasible": False}.get(s.status)
                row.update(scip_status=s.status, scip_s=s.seconds,
                           agree=None if scip_verdict is None else scip_verdict == r.realizable)
            rows.append(row)
            verdict = "realisable" if r.realizable else f"not realisable ({r.certificate_kind})"
            scip = "SCIP not run" if not with_scip else f"SCIP {row['scip_status']}" + (
                f" ({float(row['scip_s']):.2f} s)" if row["scip_s"] is not None else "")
            _say(stream, f"[{len(rows)}/{total}] d={d} {kind}: spectral {verdict} ({1e3 * ts:.2f} ms), {scip}; "
                         f"elapsed {time.perf_counter() - t_start:.1f} s")
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench_recovery.json").write_text(json.dumps(rows, indent=1))
        (out / "bench_recovery.md").write_text(markdown(rows, time_limit))
    disagree = sum(r["agree"] is False for r in rows)
    _say(stream, f"done: {len(rows)} instances in {time.perf_counter() - t_start:.1f} s, "
                 f"{disagree} disagreement(s)" + (f"; wrote {Path(out_dir) / 'bench_recovery.md'}" if out_dir else ""))
    return rows


def _degenerate_planted(g: np.random.Generator, t: int) -> tuple[int, np.ndarray]:
    d = int(g.integers(1, 13))
    b, A = g.standard_normal(d + 1), g.standard_normal((d + 1, d))
    mode = t % 10
    if mode == 1:  # integer-valued with many zeros
        b, A = g.integers(-2, 3, d + 1).astype(float), g.integers(-2, 3, (d + 1, d)).astype(float)
    elif mode == 2:  # zero columns of A
        A[:, g.random(d) < 0.5] = 0.0
    elif mode == 3:  # nearly rank-1 blocks: a_j almost parallel to b
        A = np.outer(b, g.standard_normal(d)) + 10.0 ** g.uniform(-13, -2) * g.standard_normal((d + 1, d))
    elif mode == 4:  # every block exactly rank 1
        A = np.outer(b, g.standard_normal(d))
    elif mode in (5, 8):  # b with zero entries (mode 8: and a single nonzero column of A)
        b[g.random(d + 1) < 0.6] = 0.0
        b[g.integers(d + 1)] = 1.0
        if mode == 8:
            col = g.integers(d)
            A[:, np.arange(d) != col] = 0.0
    elif mode == 6:  # sparse A
        A[g.random((d + 1, d)) < 0.8] = 0.0
    elif mode == 7:  # column scales
        A = A * 10.0 ** g.integers(-6, 7, d)
    elif mode == 9:  # unbalanced b and A
        b, A = b * 1e-6, A * 1e6
    X = phi(b, A)
    if g.random() < 0.3:
        X = X * 10.0 ** g.uniform(-290, 290)
    return d, X


def planted_sweep(n: int, seed: int = 0) -> dict:
    """Recover ``n`` random degenerate planted instances; returns counts and the first failures."""
    g = np.random.default_rng(seed)
    fails: list[dict] = []
    done = 0
    for t in range(n):
        d, X = _degenerate_planted(g, t)
        xmax = float(np.abs(X).max())
        if not np.all(np.isfinite(X)) or xmax == 0.0:
            continue
        done += 1
        r = recover(X, d)
        ok = r.realizable
        if ok:  # independent re-check, scaled so that nothing overflows
            if r.b is None or r.A is None:
                raise ValueError(f"recover reported X realisable for d = {d} without returning (b, A)")
            ok = np.linalg.norm(phi(r.b, r.A) / xmax - X / xmax) <= 1e-9 * np.linalg.norm(X / xmax) * (1 + 1e-12)
        if not ok:
            fails.append({"t": t, "d": d, "mode": t % 10, "certificate": r.certificate})
    return {"instances": done, "failures": len(fails), "first_failures": fails[:10], "seed": seed}


def markdown(rows: Sequence[dict], time_limit: float) -> str:
    head = ("| d | dm | instance | spectral verdict (certificate) | spectral time | SCIP verdict | SCIP time | agree |\n"
            "|---|---|---|---|---|---|---|---|\n")
    body = []
    for r in rows:
        v = "realisable" if r["spectral_realizable"] else f"not realisable ({r['spectral_certificate']})"
        st = r["scip_status"] if r["scip_status"] != "unknown" else f"unknown (time limit {time_limit:g} s)"
        sc = "-" if r["scip_s"] is None else f"{r['scip_s']:.3f} s"
        ag = "-" if r["agree"] is None else ("yes" if r["agree"] else "**NO**")
        body.append(f"| {r['d']} | {r['dm']} | {r['kind']} | {v} | {1e3 * r['spectral_s']:.2f} ms | {st} | {sc} | {ag} |\n")
    return head + "".join(body)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.perf.bench_recovery", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="bench_out/recovery")
    ap.add_argument("--dmax", type=int, default=8)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sweep", type=int, default=0, help="run planted_sweep(N) instead of the comparison")
    ap.add_argument("--no-progress", action="store_true", help="no progress lines on stderr")
    a = ap.parse_args(argv)
    if a.sweep > 0:
        res = planted_sweep(a.sweep, a.seed)
        print(json.dumps(res))
        return 1 if res["failures"] else 0
    rows = run(a.out, ds=range(1, a.dmax + 1), time_limit=a.time_limit, seed=a.seed, progress=not a.no_progress)
    print(markdown(rows, a.time_limit))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
