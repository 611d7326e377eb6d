"""The statistics of a benchmark report: effective time, shifted geometric mean, performance ratios, growth fits.

Every definition here is what the report states in its "How to read" section:

* **Configuration**: ``level/solver`` (e.g. ``source/milp``, ``lsa_program/scip``): the same
  instance attacked at different encoding levels competes in one table, which is how the cost
  of each reduction step becomes visible.
* **Effective time** of a run: its solve wall time (capped at the time limit) if it is
  ``ok``; the time limit otherwise (timeouts, errors, unknown and wrong runs all count as
  unsolved at the limit, the SCIP/Mittelmann convention).
* **Shifted geometric mean** (SGM) with shift ``s``:
  ``SGM_s(t_1..t_n) = exp(mean(log(t_i + s))) - s``.  The shift damps the influence of very
  small times; we use ``s = 10`` s (the SCIP/Mittelmann convention) and show ``s = 1`` s as a
  sensitivity check.  Per family and size, SGMs are divided by the best (smallest) SGM among
  the configurations that ran every instance of that size: 1.00 = the fastest.
* **Dolan-More performance profile** (Dolan and More 2002): for instance ``p`` and
  configuration ``c``, ``r_{p,c} = t_{p,c} / min_c' t_{p,c'}`` over solved runs (infinity if
  ``c`` did not solve ``p``); ``rho_c(tau) = |{p : r_{p,c} <= tau}| / |P|``.  ``rho_c(1)`` is
  the fraction of instances where ``c`` was fastest, ``rho_c(inf)`` the fraction it solved.
  An instance with several seeds uses the mean effective time (solved only if every seed was).
* **Growth rate**: least squares fit ``log t = a + b * size`` to the per-size mean of
  ``log t`` over the largest :data:`GROWTH_POINTS` sizes at which EVERY run of the configuration
  was solved (so no point is censored by the limit, and the fit looks at the large-size end, not
  at the start-up overheads that dominate tiny sizes); the report shows ``b`` and the doubling
  size ``ln 2 / b`` (the size increase that doubles the time).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["SHIFTS", "GROWTH_POINTS", "solved", "effective_time", "config_of", "shifted_geometric_mean",
           "performance_ratios", "profile_value", "fit_growth", "growth_fit", "instance_times", "size_geomeans"]

#: shifts of the shifted geometric mean: 10 s (SCIP/Mittelmann), 1 s (sensitivity)
SHIFTS = (10.0, 1.0)

#: the growth fit uses at most this many of the largest fully solved sizes
GROWTH_POINTS = 4


def solved(rec: Mapping[str, Any]) -> bool:
    """Whether a run counts as solved (classification ``ok``).

    Parameters
    ----------
    rec : Mapping
        A result record.

    Returns
    -------
    bool
        True for an ``ok`` run.
    """
    return rec.get("classification") == "ok"


def effective_time(rec: Mapping[str, Any]) -> float:
    """Solve time of an ``ok`` run capped at its limit; the limit for every unsolved run.

    Timeouts, errors, unknown and wrong runs all count as unsolved at the limit (the
    SCIP/Mittelmann convention); a missing or negative ``wall_s`` of an ``ok`` run counts as 0.

    Parameters
    ----------
    rec : Mapping
        A result record (``time_limit``, ``classification``, ``wall_s``).

    Returns
    -------
    float
        Seconds, in ``[0, time_limit]``.

    Examples
    --------
    >>> effective_time({"classification": "ok", "wall_s": 3.5, "time_limit": 10})
    3.5
    >>> effective_time({"classification": "timeout", "wall_s": 12.0, "time_limit": 10})
    10.0
    """
    limit = float(rec["time_limit"])
    if solved(rec):
        return min(max(float(rec.get("wall_s") or 0.0), 0.0), limit)
    return limit


def config_of(rec: Mapping[str, Any]) -> str:
    """The configuration ``level/solver`` of a run.

    Parameters
    ----------
    rec : Mapping
        A result record.

    Returns
    -------
    str
        E.g. ``"lsa_program/scip"``.

    Examples
    --------
    >>> config_of({"level": "source", "solver": "milp"})
    'source/milp'
    """
    return f"{rec['level']}/{rec['solver']}"


def shifted_geometric_mean(times: Iterable[float], shift: float = 10.0) -> float:
    """Shifted geometric mean ``exp(mean(log(t + shift))) - shift`` (NaN for no times).

    The shift damps the influence of very small times; the report uses ``shift = 10`` s (the
    SCIP/Mittelmann convention) and ``shift = 1`` s as a sensitivity check (:data:`SHIFTS`).

    Parameters
    ----------
    times : iterable of float
        Times in seconds (>= 0).
    shift : float, optional
        The shift in seconds (>= 0).

    Returns
    -------
    float
        The SGM; NaN for no times.

    Raises
    ------
    ValueError
        For a negative time or a negative shift.

    Examples
    --------
    >>> round(shifted_geometric_mean([1.0, 4.0], shift=0.0), 12)
    2.0
    >>> round(shifted_geometric_mean([0.0, 30.0]), 6)
    10.0
    """
    t = np.asarray(list(times), dtype=float)
    if t.size == 0:
        return math.nan
    if np.any(t < 0):
        raise ValueError("times: expected non-negative values")
    if shift < 0:
        raise ValueError("shift: expected >= 0")
    return float(np.exp(np.mean(np.log(t + shift))) - shift)


def performance_ratios(times: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Dolan-More ratios ``r[c][p] = t[c][p] / min_c' t[c'][p]`` (inf where unsolved).

    A problem that no configuration solved gives inf for everyone; where the best time is 0,
    a configuration with time 0 gets ratio 1 and every other one inf.

    Parameters
    ----------
    times : Mapping of str to Mapping of str to float
        ``times[c][p]``: time of configuration ``c`` on problem ``p``; ``math.inf`` (or a
        missing entry) means unsolved.

    Returns
    -------
    dict of str to dict of str to float
        ``r[c][p]`` for every configuration and every problem any configuration ran.

    Examples
    --------
    >>> import math
    >>> r = performance_ratios({"a": {"p": 2.0, "q": 1.0}, "b": {"p": 4.0, "q": math.inf}})
    >>> r
    {'a': {'p': 1.0, 'q': 1.0}, 'b': {'p': 2.0, 'q': inf}}
    """
    configs = list(times)
    problems = sorted({p for c in configs for p in times[c]})
    out: dict[str, dict[str, float]] = {c: {} for c in configs}
    for p in problems:
        vals = [times[c].get(p, math.inf) for c in configs]
        best = min(vals)
        for c, v in zip(configs, vals):
            if not math.isfinite(v) or not math.isfinite(best):
                out[c][p] = math.inf
            elif best <= 0:
                out[c][p] = 1.0 if v <= 0 else math.inf
            else:
                out[c][p] = v / best
    return out


def profile_value(ratios: Mapping[str, float], tau: float) -> float:
    """The performance profile ``rho(tau)`` of one configuration.

    The fraction of problems with a finite ratio ``<= tau`` (so ``rho(inf)`` is the fraction
    solved: an unsolved problem's infinite ratio never counts).

    Parameters
    ----------
    ratios : Mapping of str to float
        Problem -> ratio of one configuration (:func:`performance_ratios`).
    tau : float
        The ratio threshold (>= 1; ``math.inf`` allowed).

    Returns
    -------
    float
        In ``[0, 1]``; NaN for no problems.

    Examples
    --------
    >>> import math
    >>> profile_value({"p": 1.0, "q": 3.0, "r": math.inf}, 2.0)
    0.3333333333333333
    >>> profile_value({"p": 1.0, "q": 3.0, "r": math.inf}, math.inf)
    0.6666666666666666
    """
    r = list(ratios.values())
    if not r:
        return math.nan
    return sum(1 for x in r if math.isfinite(x) and x <= tau) / len(r)


def fit_growth(sizes: Sequence[float], times: Sequence[float]) -> tuple[float, float] | None:
    """Least squares ``log t = a + b * size``; None with fewer than two distinct sizes.

    Points with a time <= 0 are left out.

    Parameters
    ----------
    sizes : sequence of float
        The sizes.
    times : sequence of float
        The times in seconds, one per size.

    Returns
    -------
    tuple of (float, float) or None
        ``(a, b)``, or None with fewer than two distinct sizes of positive time.

    Examples
    --------
    >>> a, b = fit_growth([1, 2, 3], [2.0, 4.0, 8.0])
    >>> round(b, 6) == round(math.log(2), 6)
    True
    """
    s = np.asarray(sizes, dtype=float)
    t = np.asarray(times, dtype=float)
    keep = t > 0
    s, t = s[keep], t[keep]
    if len(np.unique(s)) < 2:
        return None
    b, a = np.polyfit(s, np.log(t), 1)
    return float(a), float(b)


def growth_fit(recs: Sequence[Mapping[str, Any]], points: int = GROWTH_POINTS) -> tuple[float, float, int] | None:
    """The growth rate of one configuration: ``log t = a + b * size`` over its fully solved sizes.

    Fitted to the per-size mean of ``log t`` (effective times, at least 1e-6 s) over the largest
    ``points`` sizes at which every run in ``recs`` was solved, so no point is censored by the
    limit; ``ln 2 / b`` is the doubling size.

    Parameters
    ----------
    recs : sequence of Mapping
        The records of one configuration of one family.
    points : int, optional
        At most this many of the largest fully solved sizes (default :data:`GROWTH_POINTS`).

    Returns
    -------
    tuple of (float, float, int) or None
        ``(a, b, n_sizes)``; None if fewer than two such sizes.
    """
    by_size: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        by_size[int(r["size"])].append(r)
    full = sorted(s for s, rs in by_size.items() if rs and all(solved(r) for r in rs))[-points:]
    if len(full) < 2:
        return None
    ys = [float(np.mean([math.log(max(effective_time(r), 1e-6)) for r in by_size[s]])) for s in full]
    fit = fit_growth(full, [math.exp(y) for y in ys])
    return None if fit is None else (fit[0], fit[1], len(full))


def instance_times(recs: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """``times[config][instance]``: mean effective time over seeds, inf unless every seed solved.

    Parameters
    ----------
    recs : sequence of Mapping
        Result records.

    Returns
    -------
    dict of str to dict of str to float
        Configuration -> instance -> seconds (``math.inf`` if some seed did not solve it).
    """
    acc: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        acc[(config_of(r), r["instance"])].append(r)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (c, inst), rs in acc.items():
        if all(solved(r) for r in rs):
            out[c][inst] = float(np.mean([effective_time(r) for r in rs]))
        else:
            out[c][inst] = math.inf
    return dict(out)


def size_geomeans(recs: Sequence[Mapping[str, Any]]) -> dict[tuple[int, str], float]:
    """``(size, config) -> geometric mean of effective times`` (what the scaling plot shows).

    Parameters
    ----------
    recs : sequence of Mapping
        Result records (effective times below 1e-6 s count as 1e-6 s).

    Returns
    -------
    dict of (int, str) to float
        Seconds per (size, configuration).
    """
    acc: dict[tuple[int, str], list[float]] = defaultdict(list)
    for r in recs:
        acc[(int(r["size"]), config_of(r))].append(math.log(max(effective_time(r), 1e-6)))
    return {k: math.exp(float(np.mean(v))) for k, v in acc.items()}
