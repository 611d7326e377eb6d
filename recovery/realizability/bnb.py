r"""Best-first branch-and-bound over the ``d + 1`` patches of the sphere (``method="bnb"`` of
:func:`recovery.realizability.best.best_realizable`; paper Remark C.15, MATH.md Section 5).

Every ``b != 0`` is, up to the gauge, ``e_k + sum_{i != k} t_i e_i`` with ``t in [-1, 1]^d``; the
search bounds boxes of these patches with :class:`recovery.realizability.patch_bounds._BoxBounds`
(the bound of :func:`recovery.realizability.patch_bounds.patch_box_lower_bound`), prunes those whose
bound reaches ``U - tol`` and splits the others, optionally in several worker processes
(:func:`_bnb_certify`).  With ``record=True`` the pruned boxes (leaves) are returned for the
rigorous re-verification of :mod:`recovery.realizability.interval`.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.optimize import minimize

from recovery.lsa.reparam import phi
from recovery.realizability.inner import SimpleQuadratic, _Inner
from recovery.realizability.patch_bounds import _BoxBounds

__all__ = ["PROGRESS_EVERY", "INTERVAL_SEARCH_SLACK"]

#: seconds between two progress lines of a search
PROGRESS_EVERY = 15.0
#: with the interval re-verification the float search prunes at ``U - INTERVAL_SEARCH_SLACK tol``
INTERVAL_SEARCH_SLACK = 0.98


class _Search:
    """State of one best-first search (see :func:`_bnb_run`): the incumbent, the counters and the
    recorded leaves; the open boxes live in the tuple ``state`` of :func:`_bnb_run`."""

    def __init__(self, q: SimpleQuadratic, d: int, best: tuple, shrink: bool, record: bool,
                 gap_tol: float = 0.0) -> None:
        self.q, self.d, self.best, self.gap_tol = q, d, best, gap_tol
        # the cheaper eigenvalue bound of step 2 (a slightly lower, still valid bound: 3 869 992 instead
        # of 3 862 730 boxes at d = 4, with an eigenvalue step about 3 times cheaper than eigvalsh)
        self.pb = _BoxBounds(q, d, shrink, lam_bound="trace_power")
        self.inner = _Inner(q, d)
        self.nodes = self.won_shrunk = self.polished = 0
        self.record = record
        self.leaves: list = []  # pruned boxes (record=True), for the interval re-verification

    def evaluate(self, ks: np.ndarray, ts: np.ndarray, ws: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bounds, splitting scores and shrunk-metric wins of the boxes; every box centre is a
        candidate incumbent."""
        lb = np.empty(ks.size)
        sc = np.empty((ks.size, self.d))
        win = np.zeros(ks.size, bool)
        for k in np.unique(ks):
            sel = np.flatnonzero(ks == k)
            for s in range(0, sel.size, 8192):
                idx = sel[s:s + 8192]
                # boxes that the shrunk metric already prunes skip the exact one (same pruning, fewer solves)
                U = self.best[2]
                lo, val, _ = self.pb.evaluate(int(k), ts[idx], ws[idx], U, prune_at=U - self.gap_tol * max(1.0, abs(U)))
                lb[idx] = lo
                sc[idx] = self.pb.last_score
                win[idx] = self.pb.last_win
                self.nodes += idx.size
                self.won_shrunk += self.pb.won_shrunk
                j = int(np.argmin(val))
                if val[j] < self.best[2] - 1e-12 * max(1.0, abs(self.best[2])):
                    self._polish(int(k), ts[idx[j]])
        return lb, sc, win

    def _polish(self, k: int, t: np.ndarray) -> None:
        """Polish an improving centre locally; keep it only if the direct value improves."""
        bc = np.zeros(self.d + 1)
        bc[k] = 1.0
        bc[self.pb.J[k]] = t
        res = minimize(self.inner.value_grad, bc / np.linalg.norm(bc), jac=True, method="BFGS",
                       options={"maxiter": 200, "gtol": 1e-10})
        self.polished += 1
        for bb in (bc, res.x):
            bn = bb / np.linalg.norm(bb)
            Ab, _ = self.inner.solve(bn)
            fb = self.q.ftilde(phi(bn, Ab))
            if fb < self.best[2]:
                self.best = (bn, Ab, fb)

    def prune(self, state: tuple, tol: float) -> tuple:
        """Move the open boxes with bound ``>= U - tol`` to the leaves (with the metric that won them,
        which the interval re-verification tries first)."""
        open_k, open_t, open_w, open_lb, open_s, open_win, pruned_lb, pruned_vol = state
        keep = open_lb < self.best[2] - tol
        if np.all(keep):
            return state
        if self.record:
            self.leaves.append((open_k[~keep], open_t[~keep], open_w[~keep], open_win[~keep]))
        pruned_lb = min(pruned_lb, float(open_lb[~keep].min()))
        pruned_vol += float(np.prod(2.0 * open_w[~keep], axis=1).sum())
        return (open_k[keep], open_t[keep], open_w[keep], open_lb[keep], open_s[keep], open_win[keep], pruned_lb,
                pruned_vol)

    def branch(self, state: tuple, batch: int) -> tuple:
        """Split the ``batch`` open boxes of smallest bound in two along their highest-scoring side."""
        open_k, open_t, open_w, open_lb, open_s, open_win, pruned_lb, pruned_vol = state
        nb = min(batch, open_lb.size)
        sel = np.argpartition(open_lb, nb - 1)[:nb] if nb < open_lb.size else np.arange(open_lb.size)
        rest = np.ones(open_lb.size, bool)
        rest[sel] = False
        ax = np.argmax(open_s[sel], axis=1)
        rows = np.arange(nb)
        ws2 = open_w[sel].copy()
        ws2[rows, ax] *= 0.5
        tl, tr = open_t[sel].copy(), open_t[sel].copy()
        tl[rows, ax] -= ws2[rows, ax]
        tr[rows, ax] += ws2[rows, ax]
        ck = np.concatenate([open_k[sel], open_k[sel]])
        ct = np.concatenate([tl, tr])
        cw = np.concatenate([ws2, ws2])
        clb, cs, cwin = self.evaluate(ck, ct, cw)
        parent = np.concatenate([open_lb[sel], open_lb[sel]])
        cwin = np.where(parent > clb, np.concatenate([open_win[sel], open_win[sel]]), cwin)
        clb = np.maximum(clb, parent)  # parent bound also holds
        return (np.concatenate([open_k[rest], ck]), np.concatenate([open_t[rest], ct]),
                np.concatenate([open_w[rest], cw]), np.concatenate([open_lb[rest], clb]),
                np.concatenate([open_s[rest], cs]), np.concatenate([open_win[rest], cwin]), pruned_lb, pruned_vol)


def _bnb_run(q: SimpleQuadratic, d: int, best: tuple, boxes: tuple, time_limit: float, gap_tol: float,
             batch: int, shrink: bool, progress: str | None = None, in_worker: bool = False,
             record: bool = False) -> dict:
    """Best-first branch-and-bound over the given boxes ``(k, t, w)`` (see :func:`_bnb_certify`);
    ``progress`` (a label) prints one status line to stderr every ``PROGRESS_EVERY`` seconds.
    ``in_worker``: a pool worker turns SIGINT into a stop flag checked once per round (an exception
    could hit the pool's own result hand-over); the main process takes Ctrl-C as KeyboardInterrupt."""
    t0 = time.perf_counter()
    stop = [False]
    if in_worker:
        signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))
    next_report = t0 + PROGRESS_EVERY
    se = _Search(q, d, best, shrink, record, gap_tol)
    open_k, open_t, open_w = boxes
    status = "gap closed"
    # The search state is one tuple, replaced only after a round has finished: an interrupt
    # (Ctrl-C) at any point leaves the last complete state, whose open and pruned boxes still cover
    # every patch, so its lower bound stays valid.
    try:
        open_lb, open_s, open_win = se.evaluate(open_k, open_t, open_w)
    except KeyboardInterrupt:
        open_lb = np.full(open_k.size, se.pb.c0 - se.pb.full._margin_res(se.best[2]))
        open_s, open_win = np.zeros((open_k.size, d)), np.zeros(open_k.size, bool)
        status = "interrupted"
    state = (open_k, open_t, open_w, open_lb, open_s, open_win, np.inf, 0.0)
    rounds = 0
    try:
        while status != "interrupted":
            U = se.best[2]
            tol = gap_tol * max(1.0, abs(U))
            state = se.prune(state, tol)
            open_lb, pruned_lb = state[3], state[6]
            LB = min(pruned_lb, float(open_lb.min()) if open_lb.size else np.inf, U)
            now = time.perf_counter()
            status = ("gap closed" if open_lb.size == 0 or U - LB <= tol else "interrupted" if stop[0]
                      else "time limit" if now - t0 > time_limit else "")
            if status:
                break
            if progress is not None and now >= next_report:
                next_report = now + PROGRESS_EVERY
                print(f"bnb{progress}: {now - t0:.0f} s, {se.nodes} boxes, {open_lb.size} open, lower bound "
                      f"{LB:.8f}, gap {U - LB:.2e} (tolerance {tol:.1e})", file=sys.stderr, flush=True)
            rounds += 1
            state = se.branch(state, batch)
    except KeyboardInterrupt:
        status = "interrupted"
    return _run_result(se, state, status, rounds, t0)


def _run_result(se: _Search, state: tuple, status: str, rounds: int, t0: float) -> dict:
    """The result dict of one search from its last complete state."""
    open_w, open_lb, pruned_lb, pruned_vol = state[2], state[3], state[6], state[7]
    U = se.best[2]
    LB = min(pruned_lb, float(open_lb.min()) if open_lb.size else np.inf, U)
    return {"status": status, "lower_bound": float(LB), "b": se.best[0], "A": se.best[1], "f": U,
            "nodes": int(se.nodes), "open_boxes": int(open_lb.size), "rounds": rounds, "polished": se.polished,
            "won_by_shrunk_metric": int(se.won_shrunk), "shrunk_metric": se.pb.shrunk is not None,
            "seconds": time.perf_counter() - t0,
            "min_halfwidth": float(open_w.min()) if open_w.size else None, "pruned_volume": pruned_vol,
            "trivial_open_boxes": int(np.sum(open_lb <= se.pb.c0)) if open_lb.size else 0,
            "leaves": _stack_leaves(se.leaves, se.d) if se.record else None}


def _stack_leaves(leaves: list, d: int) -> tuple:
    """The leaves ``(k, t, w, won_by_shrunk)`` of several searches (or rounds) as one tuple of arrays."""
    if not leaves:
        return (np.zeros(0, int), np.zeros((0, d)), np.zeros((0, d)), np.zeros(0, bool))
    return tuple(np.concatenate([lv[i] for lv in leaves]) for i in range(4))


def _bnb_certify(q: SimpleQuadratic, d: int, b_inc: np.ndarray, A_inc: np.ndarray, U: float,
                 time_limit: float, gap_tol: float, batch: int = 2048, init_split: int = 4,
                 shrink: bool = True, workers: int = 1, progress: bool = False, record: bool = False) -> dict:
    """Best-first branch-and-bound over the ``d + 1`` patches (see :func:`patch_box_lower_bound`).

    Incumbent ``U`` (float value of ``(b_inc, A_inc)``); every box centre evaluated in the exact metric
    is a candidate (with the shrunk metric, :meth:`_BoxBounds.evaluate` skips the exact one where it
    cannot change the pruning decision, and on centres whose shrunk value, a lower bound of ``f``,
    is not below ``U - tol``).  Each box gets the shrunk-metric bound (step 7 of
    :func:`patch_box_lower_bound`; when ``H`` is badly conditioned and ``shrink`` is on) and the
    exact-metric bound where it was evaluated, the larger of the two.
    Boxes with lower bound ``>= U - tol`` (``tol = gap_tol max(1, |U|)``) are pruned; each round
    splits the ``batch`` open boxes of smallest bound in half along the side with the largest share of
    the bound's loss (``w_i`` times its coefficient in ``2 Al + Y + 2 sqrt(Y) Gam``; where the bound is
    trivial, ``w_i sqrt(trace(G0^{-1} N_i^T N_i))``, its share of ``eta``).
    Stops when ``U - LB <= tol`` (``LB`` = min over all leaves, pruned or open), at ``time_limit``
    or at Ctrl-C (``status = "interrupted"``; the bound of the last completed round is returned).

    ``workers > 1`` deals the initial ``(d + 1) init_split^d`` boxes round-robin to that many processes,
    each running its own search with the same incumbent; the lower bound is the minimum of theirs
    (each is a bound over its share of the patches), the incumbent the best of theirs.
    """
    t0 = time.perf_counter()
    g = (np.arange(init_split) + 0.5) * (2.0 / init_split) - 1.0
    grid = np.stack(np.meshgrid(*([g] * d), indexing="ij"), -1).reshape(-1, d)
    ks = np.repeat(np.arange(d + 1), grid.shape[0])
    ts = np.tile(grid, (d + 1, 1))
    ws = np.full(ts.shape, 1.0 / init_split)
    best = (np.asarray(b_inc, float), np.asarray(A_inc, float), float(U))
    workers = max(1, min(int(workers), ks.size))
    if workers == 1:
        runs = [_bnb_run(q, d, best, (ks, ts, ws), time_limit, gap_tol, batch, shrink,
                         "" if progress else None, False, record)]
    else:
        shares = [np.arange(i, ks.size, workers) for i in range(workers)]
        # fork (where available): the workers need no re-import of the caller's __main__, so a plain
        # script without a ``__main__`` guard works
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
            futs = [ex.submit(_bnb_run, q, d, best, (ks[s], ts[s], ws[s]), time_limit, gap_tol, batch, shrink,
                              f" worker {i + 1}/{workers}" if progress else None, True, record)
                    for i, s in enumerate(shares)]
            try:
                runs = [f.result() for f in futs]
            except KeyboardInterrupt:
                # Ctrl-C reaches the whole process group; a SIGINT sent to this process alone is
                # forwarded, so that every worker stops and returns its last complete state
                for proc in list(getattr(ex, "_processes", {}).values()):
                    try:
                        os.kill(proc.pid, signal.SIGINT)
                    except (OSError, AttributeError):
                        pass
                runs = [f.result() for f in futs]
    top = min(runs, key=lambda r: r["f"])
    U = top["f"]
    tol = gap_tol * max(1.0, abs(U))
    LB = min(min(r["lower_bound"] for r in runs), U)
    status = ("gap closed" if U - LB <= tol
              else "interrupted" if any(r["status"] == "interrupted" for r in runs) else "time limit")
    mh = [r["min_halfwidth"] for r in runs if r["min_halfwidth"] is not None]
    return {"status": status, "lower_bound": float(LB), "b": top["b"], "A": top["A"], "f": U,
            "gap": float(U - LB), "tol": float(tol), "nodes": sum(r["nodes"] for r in runs),
            "open_boxes": sum(r["open_boxes"] for r in runs), "rounds": max(r["rounds"] for r in runs),
            "polished": sum(r["polished"] for r in runs), "workers": workers,
            "shrunk_metric": any(r["shrunk_metric"] for r in runs),
            "won_by_shrunk_metric": sum(r["won_by_shrunk_metric"] for r in runs),
            "seconds": time.perf_counter() - t0, "min_halfwidth": min(mh) if mh else None,
            "pruned_volume_fraction": sum(r["pruned_volume"] for r in runs) / ((d + 1) * 2.0**d),
            "trivial_open_boxes": sum(r["trivial_open_boxes"] for r in runs),
            "leaves": _stack_leaves([r["leaves"] for r in runs], d) if record else None}

