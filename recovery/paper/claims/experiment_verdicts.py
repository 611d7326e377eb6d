"""Pure verdict functions of the claims about the paper's training experiments: App. A, Figs 3 and 5."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from recovery.paper.claims.verdict_rules import HOLDS, fmt, grows_with

__all__ = [
    "verdict_appendix_a",
    "verdict_fig_3",
    "verdict_fig_5",
]


def verdict_appendix_a(
    losses: Mapping[int, tuple[float | None, float | None]],
    rel_tol: float,
    *,
    paper_layers: Sequence[int] = (1,),
) -> str:
    """Return the verdict of App. A: sparse and dense parameterisations reach the same final loss.

    Equal means relative difference <= ``rel_tol``.  All L agree -> ``holds``; the paper's setting
    (``paper_layers``) agrees but another L does not -> ``holds with conditions``; a paper-setting L
    disagrees -> ``fails``; nothing usable -> ``not checkable``.

    Parameters
    ----------
    losses : mapping
        ``{L: (loss_sparse, loss_dense)}`` (None or non-finite values are skipped).
    rel_tol : float
        Relative tolerance (finite, ``> 0``).
    paper_layers : sequence of int, optional
        The L values of the paper's setting (default ``(1,)``).

    Returns
    -------
    str
        The verdict.

    Raises
    ------
    ValueError
        If ``rel_tol`` is not finite and positive.

    Examples
    --------
    >>> verdict_appendix_a({1: (0.2, 0.2), 2: (0.1, 0.2)}, 0.05).split(" but")[0]
    "holds with conditions: equal at L in [1] (the paper's setting)"
    """
    if rel_tol <= 0 or not math.isfinite(rel_tol):
        raise ValueError(f"rel_tol must be finite and > 0, got {rel_tol}")
    usable, off = [], []
    for L in sorted(losses):
        ls, ld = losses[L]
        if ls is None or ld is None or not (math.isfinite(ls) and math.isfinite(ld)):
            continue
        usable.append(L)
        rel = abs(ls - ld) / max(abs(ls), abs(ld), 1e-300)
        if rel > rel_tol:
            off.append((L, ls, ld, rel))
    if not usable:
        return "not checkable: no finite final losses were computed"
    if not off:
        return HOLDS
    txt = "; ".join(
        f"L={L}: sparse {fmt(ls)} vs dense {fmt(ld)} (relative difference {fmt(rel)} > {fmt(rel_tol)})"
        for L, ls, ld, rel in off
    )
    if any(L in paper_layers for L, *_ in off):
        return f"fails: final losses differ: {txt}"
    ok = [L for L in usable if L not in {o[0] for o in off}]
    return f"holds with conditions: equal at L in {ok} (the paper's setting) but not at {txt}"


def verdict_fig_3(
    measured: Mapping[tuple[int, int], float],
    reported: Mapping[tuple[int, int], float],
    *,
    tol: float,
    trend_slack: float = 0.02,
    upper_bounds: Mapping[int, float] | None = None,
) -> str:
    """Return the verdict of Fig. 3: accuracy vs (``|S|``, L).

    The qualitative claim (for every ``|S|`` accuracy never drops by more than ``trend_slack`` when a
    layer is added, and the deepest model beats the shallowest by more than ``trend_slack``) decides
    between ``fails`` and the rest; the reported values (read off the paper's plot) decide between
    ``holds`` (all within ``tol``) and ``holds with conditions`` (trend right, some values off).  No
    measured value -> ``not checkable``.

    Parameters
    ----------
    measured : mapping
        Accuracies keyed by ``(S, L)``.
    reported : mapping
        The paper's accuracies keyed by ``(S, L)``.
    tol : float
        Absolute tolerance.
    trend_slack : float, optional
        Allowed drop, and required growth, of the accuracy (default 0.02).
    upper_bounds : mapping, optional
        Per ``|S|`` an accuracy no predictor can beat in our setting (the oracle that knows the
        kernel); reported values above it are named in the reason.

    Returns
    -------
    str
        The verdict.

    Examples
    --------
    >>> verdict_fig_3({(2, 1): 0.5, (2, 2): 0.8}, {(2, 2): 0.85}, tol=0.1)
    'holds'
    """
    # one branch per outcome of the evidence, from "holds" to "fails", each with its stated reason
    if not measured:
        return "not checkable: no accuracies were measured"
    states = sorted({s for s, _ in measured})
    broken = []
    for s in states:
        ls = sorted(l for (s2, l) in measured if s2 == s)
        for l1, l2 in zip(ls, ls[1:]):
            if measured[(s, l2)] < measured[(s, l1)] - trend_slack:
                broken.append(
                    f"|S|={s}: L={l1} {fmt(measured[(s, l1)])} > L={l2} {fmt(measured[(s, l2)])}"
                )
        # growth, not just no decrease: the deepest model must beat the shallowest by > slack
        if len(ls) >= 2 and measured[(s, ls[-1])] - measured[(s, ls[0])] <= trend_slack:
            broken.append(
                f"|S|={s}: no growth, L={ls[0]} {fmt(measured[(s, ls[0])])} vs L={ls[-1]} "
                f"{fmt(measured[(s, ls[-1])])}"
            )
    compared = [k for k in sorted(reported) if k in measured]
    off = [
        f"|S|={s},L={l}: {fmt(measured[(s, l)])} vs paper {fmt(reported[(s, l)])}"
        for (s, l) in compared
        if abs(measured[(s, l)] - reported[(s, l)]) > tol
    ]
    above = [
        f"|S|={s},L={l}: paper {fmt(reported[(s, l)])} > oracle bound {fmt(upper_bounds[s])}"
        for (s, l) in sorted(reported)
        if upper_bounds and s in upper_bounds and reported[(s, l)] > upper_bounds[s] + 0.01
    ]
    note = (
        f"; {len(above)} reported values exceed the accuracy of an oracle that knows the kernel ("
        + "; ".join(above) + ")"
    ) if above else ""
    if broken:
        return (
            "fails: in the reproduction accuracy does not grow with the number of layers ("
            + "; ".join(broken) + ")" + note
        )
    if not compared:
        return "holds with conditions: accuracy grows with L, but no reported value could be compared"
    if off:
        return (
            f"holds with conditions: accuracy grows with L for every |S| as reported, but "
            f"{len(off)}/{len(compared)} reported values differ by more than {fmt(tol)} ("
            + "; ".join(off)
            + ")" + note
        )
    return HOLDS



def verdict_fig_5(
    ds: Sequence[int] | None,
    gap_sampled: Sequence[float] | None,
    gap_population: Sequence[float] | None,
    *,
    ds_population: Sequence[int] | None = None,
    min_rho: float = 0.5,
) -> str:
    """Return the verdict of Fig. 5: the accuracy gap between the reparameterised linear model and 1-layer LSA grows with d.

    "Grows" is :func:`grows_with` (Spearman rho >= ``min_rho``, last > first); a side needs at least
    3 values of d.  Both growing -> ``holds``; one -> ``holds with conditions``; none -> ``fails``;
    no side -> ``not checkable``.

    Parameters
    ----------
    ds : sequence of int or None
        The ``d`` values of the sampled side.
    gap_sampled : sequence of float or None
        Per-d gap of the sampled reproduction (least squares minus LSA accuracy).
    gap_population : sequence of float or None
        Per-d gap from the population side (for example the accuracy of phi(psi(X*)) vs X*, or
        ``f* - ftilde*``).
    ds_population : sequence of int, optional
        The ``d`` values of the population side (default ``ds``).
    min_rho : float, optional
        Spearman threshold (default 0.5).

    Returns
    -------
    str
        The verdict.

    Examples
    --------
    >>> verdict_fig_5([1, 2, 3], [0.0, 0.1, 0.2], [0.0, 0.05, 0.1])
    'holds'
    """
    ds_population = ds_population if ds_population is not None else ds
    sides = []
    if ds is not None and gap_sampled is not None and len(gap_sampled) >= 3:
        g, rho = grows_with(list(ds), list(gap_sampled), min_rho)
        sides.append(("sampled reproduction", g, rho, gap_sampled))
    if ds_population is not None and gap_population is not None and len(gap_population) >= 3:
        g, rho = grows_with(list(ds_population), list(gap_population), min_rho)
        sides.append(("population computation", g, rho, gap_population))
    if not sides:
        return "not checkable: no per-d gaps were computed (need at least 3 values of d)"

    def desc(s: tuple[str, bool, float, Sequence[float]]) -> str:
        name, g, rho, gaps = s
        return (
            f"{name}: gap {'grows' if g else 'does not grow'} with d (Spearman rho {fmt(rho)}, "
            f"first {fmt(float(gaps[0]))}, last {fmt(float(gaps[-1]))})"
        )

    grows = [s for s in sides if s[1]]
    if len(grows) == len(sides) == 2:
        return HOLDS
    if len(sides) == 1:
        if grows:
            other = "population" if sides[0][0].startswith("sampled") else "sampled"
            return f"holds with conditions: {desc(sides[0])}; the {other} side was not available"
        return f"fails: {desc(sides[0])}"
    if grows:
        return "holds with conditions: " + "; ".join(desc(s) for s in sides)
    return "fails: " + "; ".join(desc(s) for s in sides)
