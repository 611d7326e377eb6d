"""Exact separability decider without big-M: indicator constraints in SCIP (pyscipopt).

For integer data P (inside, ``|P| x dim``) and Q (outside, ``|Q| x dim``) the model is

.. math::

    \\text{find } (w_1, g_1, w_2, g_2) \\in \\mathbb{R}^{2(\\mathrm{dim}+1)},\\; y \\in \\{0,1\\}^{|Q|}
    \\text{ with}\\quad
    p \\cdot w_i - g_i \\ge 1 \\quad (p \\in P,\\ i = 1, 2), \\qquad
    y_q = 1 \\Rightarrow q \\cdot w_1 - g_1 \\le -1, \\qquad
    y_q = 0 \\Rightarrow q \\cdot w_2 - g_2 \\le -1,

and :math:`y_{q_0} = 1` for the first outside point (the two planes are interchangeable).  The
implications are SCIP indicator constraints (``Model.addConsIndicator``; SCIP enforces them by
branching and by bound propagation on the slack, so no constant M enters any row), and the
continuous variables are free.  The instance is separable iff the model is feasible: by the
margin-1 normalisation of :mod:`reductions.problems.separability` a split (Q_1, Q_2) of Q is
strictly separable on both sides iff both margin-1 systems are feasible, which is the model with
``y`` fixed to the split's indicator.

SCIP settings: output hidden (``hideOutput``; SCIP never writes to stdout), ``limits/time`` from
the caller, default numerics (feasibility tolerance 1e-6; nothing below 1e-9 is ever set, so no
exact/GMP mode is needed).  A feasible point is *not* trusted: the caller takes only its split
``y`` and re-solves the two margin-1 LPs of that split, then checks the resulting planes exactly
(:func:`reductions.deciders.source.decide`).  A NO is SCIP's status ``"infeasible"`` (its branch-and-bound
proof under its tolerances, proof level "solver proof").
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyscipopt import Model, quicksum

from reductions.deciders.highs_models import sep_lp
from reductions.deciders.separability_planes import exact_planes, integer_points, trivial_planes
from reductions.deciders.timer import Timer

__all__ = ["scip_split", "scip_separability"]


def scip_split(P: np.ndarray, Q: np.ndarray, time_limit: float | None = None) -> tuple[str, np.ndarray | None, str]:
    """Search a split of the outside points with the indicator model of the module docstring.

    Parameters
    ----------
    P, Q : numpy.ndarray
        Inside / outside points, shapes (n_inside, dim) and (n_outside, dim), integer-valued floats (scale
        rational data by its common denominator first; the answer is unchanged); ``n_outside >= 1``.
    time_limit : float or None
        Seconds for SCIP (``limits/time``); None = no limit.

    Returns
    -------
    kind : str
        ``"feasible"`` (SCIP found a point; ``split`` is set), ``"infeasible"`` (SCIP proved the
        model infeasible) or ``"unknown"`` (time limit, another status, or a SCIP error).
    split : numpy.ndarray of bool or None
        ``split[l]`` True iff outside point l is assigned to plane 1 (``y_l = 1``).
    text : str
        SCIP's status (and the error message, if any) for the Decision status.

    Raises
    ------
    ValueError
        When ``Q`` is not 2-D or has no row.
    """
    P = np.asarray(P, dtype=float)
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2 or Q.shape[0] == 0:
        raise ValueError(f"Q: expected at least one outside point, got shape {Q.shape}")
    dim = Q.shape[1]
    P = P.reshape(-1, dim)
    m = Model("separability_indicator")
    m.hideOutput()
    if time_limit is not None:
        m.setParam("limits/time", max(1e-3, float(time_limit)))
    w = [[m.addVar(lb=None, ub=None, name=f"w{i + 1}_{t}") for t in range(dim)] for i in range(2)]
    g = [m.addVar(lb=None, ub=None, name=f"g{i + 1}") for i in range(2)]

    def lin(point, i):
        return quicksum(float(point[t]) * w[i][t] for t in range(dim) if point[t] != 0) - g[i]

    for pi, p in enumerate(P):
        for i in range(2):
            m.addCons(lin(p, i) >= 1, name=f"in{pi}_{i + 1}")
    y = []
    for l, q in enumerate(Q):
        yl = m.addVar(vtype="B", lb=1.0 if l == 0 else 0.0, ub=1.0, name=f"y{l}")
        y.append(yl)
        m.addConsIndicator(lin(q, 0) <= -1, binvar=yl, activeone=True, name=f"out{l}_1")
        m.addConsIndicator(lin(q, 1) <= -1, binvar=yl, activeone=False, name=f"out{l}_2")
    try:
        m.optimize()
        status = m.getStatus()
        if m.getNSols() > 0:
            sol = m.getBestSol()
            split = np.array([m.getSolVal(sol, v) > 0.5 for v in y], dtype=bool)
            return "feasible", split, f"SCIP status {status}"
    except Exception as exc:  # noqa: BLE001 -- any SCIP failure ("error in LP solver", ...) proves nothing
        return "unknown", None, f"SCIP error ({exc})"
    finally:
        m.freeProb()
    if status == "infeasible":
        return "infeasible", None, "SCIP status infeasible"
    return "unknown", None, f"SCIP status {status}"


def scip_separability(inst: Any, timer: Timer) -> tuple[str, Any, str]:
    """Method ``"scip"`` for separability.

    SCIP's split (indicator model of :func:`scip_split`) -> the two margin-1 LPs of that split
    (HiGHS, :func:`reductions.deciders.highs_models.sep_lp`) -> exact planes
    (:func:`reductions.deciders.separability_planes.exact_planes`).

    Parameters
    ----------
    inst : Separability
        The instance.
    timer : Timer
        The run's budget (its remaining time is SCIP's time limit).

    Returns
    -------
    kind : str
        ``"feasible"``, ``"infeasible"`` (SCIP's proof), ``"unknown"``, or ``"unverified"`` (a
        margin-1 LP of SCIP's split is infeasible: SCIP's point was a tolerance point).
    witness : tuple or None
        The exact planes ``(w1, g1, w2, g2)`` (not yet checked), or None.
    text : str
        SCIP's status text.
    """
    P, Q, L = integer_points(inst)
    if Q.shape[0] == 0:
        return "feasible", trivial_planes(inst.dim), "no outside point"
    kind, split, text = scip_split(P, Q, timer.remaining())
    if split is None:
        return kind, None, text
    s1, s2 = sep_lp(P, Q[split]), sep_lp(P, Q[~split])
    if s1 is None or s2 is None:
        return "unverified", None, text + "; a margin-1 LP of SCIP's split is infeasible (tolerance point)"
    return kind, exact_planes(inst, L, s1, s2), text + "; split re-solved by two margin-1 LPs"
