"""Generic verdict rules of the claims ledger: combining partial verdicts, scans, error bounds, cross-checks,
multiple-testing thresholds and trends.

A verdict is ``"holds"``, ``"holds with conditions: <reason>"``, ``"fails: <reason>"`` or
``"not checkable: <reason>"`` (see :func:`recovery.paper.claims.result.outcome_of`).  The claim-specific
verdicts built from these are in :mod:`recovery.paper.claims.verdicts`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import Any

from scipy.stats import spearmanr

from recovery.paper.claims.result import OUTCOMES, outcome_of

__all__ = [
    "HOLDS",
    "combine_verdicts",
    "fmt",
    "format_point",
    "grows_with",
    "reason",
    "verdict_cross_check",
    "verdict_from_max_error",
    "verdict_from_scan",
    "z_threshold",
]

HOLDS = "holds"

# severity order used when several partial verdicts are combined: the worst one wins
_SEVERITY = {"holds": 0, "holds with conditions": 1, "not checkable": 2, "fails": 3}


def reason(verdict: str) -> str:
    """Return the reason part of a verdict (empty for ``holds``).

    Parameters
    ----------
    verdict : str
        A well-formed verdict.

    Returns
    -------
    str
        The text after ``"<kind>: "``.

    Raises
    ------
    ValueError
        If ``verdict`` is malformed.

    Examples
    --------
    >>> reason("fails: 2 points"), reason("holds")
    ('2 points', '')
    """
    kind = outcome_of(verdict)
    return "" if kind == "holds" else verdict[len(kind) + 2:]


def fmt(x: Any) -> str:
    """Format a number shortly for verdict reasons.

    Parameters
    ----------
    x : object
        Bools, None and ints as ``str``; floats with 4 significant digits (scientific notation
        outside ``[1e-3, 1e4)``); anything else as ``str``.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> fmt(0.123456), fmt(1e-7), fmt(3)
    ('0.1235', '1.000e-07', '3')
    """
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if x == 0 or (1e-3 <= abs(x) < 1e4):
            return f"{x:.4g}"
        return f"{x:.3e}"
    return str(x)


def format_point(point: Mapping[str, Any], keys: Sequence[str]) -> str:
    """Return ``"p=0.1, n=3"`` from the coordinate ``keys`` of a scan point.

    Parameters
    ----------
    point : mapping
        A scan point.
    keys : sequence of str
        The coordinates to show (missing ones are skipped).

    Returns
    -------
    str
        The coordinates as ``key=value`` pairs.

    Examples
    --------
    >>> format_point({"p": 0.1, "n": 3, "ok": False}, ("p", "n"))
    'p=0.1, n=3'
    """
    return ", ".join(f"{k}={fmt(point[k])}" for k in keys if k in point)


def combine_verdicts(parts: Sequence[str], labels: Sequence[str] | None = None) -> str:
    """Combine partial verdicts of one claim: the most severe kind wins.

    Severity: fails > not checkable > holds with conditions > holds.  The reason lists the reasons
    of the parts of the winning kind (prefixed by their label), then the milder non-``holds`` parts
    as ``also <kind>: ...``.  Empty ``parts`` -> ``not checkable: nothing was checked``.

    Parameters
    ----------
    parts : sequence of str
        Partial verdicts.
    labels : sequence of str, optional
        One label per part (empty labels are not shown).

    Returns
    -------
    str
        The combined verdict.

    Raises
    ------
    ValueError
        If ``labels`` and ``parts`` differ in length or a part is malformed.

    Examples
    --------
    >>> combine_verdicts(["holds", "fails: x too big", "holds with conditions: small n"])
    'fails: x too big; also holds with conditions (small n)'
    """
    parts = list(parts)
    if labels is not None and len(labels) != len(parts):
        raise ValueError("labels must have the same length as parts")
    if not parts:
        return "not checkable: nothing was checked"
    kinds = [outcome_of(p) for p in parts]
    worst = max(kinds, key=lambda k: _SEVERITY[k])
    if worst == "holds":
        return HOLDS

    def lab(i: int) -> str:
        return f"{labels[i]}: " if labels is not None and labels[i] else ""

    main = [lab(i) + reason(p) for i, (p, k) in enumerate(zip(parts, kinds)) if k == worst]
    extra = [
        f"also {k} ({lab(i) + reason(p)})"
        for i, (p, k) in enumerate(zip(parts, kinds))
        if k != worst and k != "holds"
    ]
    return f"{worst}: " + "; ".join(main + extra)


def verdict_from_scan(
    points: Sequence[Mapping[str, Any]],
    *,
    what: str,
    coord_keys: Sequence[str],
    threshold_key: str | None = None,
    max_examples: int = 3,
) -> str:
    """Return the verdict of a claim that should hold at every point of a parameter grid.

    Each point has ``"ok"``: ``True`` (the property holds there, decided), ``False`` (violated,
    decided) or ``None`` (undecided, e.g. a float quantity within its error bound).

    * no points, or every point undecided -> ``not checkable``;
    * all decided points hold and none undecided -> ``holds``;
    * no violation but some undecided -> ``holds with conditions`` (decided on k of N points);
    * violations, all with ``threshold_key <= t0`` while every point with ``threshold_key > t0``
      holds (and there is at least one such point) -> ``holds with conditions: ... only for
      <threshold_key> >= t1 (...); fails for <threshold_key> <= t0 at k/N grid points (...)``,
      t1 the smallest scanned value above t0;
    * other violations -> ``fails`` with the count and up to ``max_examples`` examples.

    Parameters
    ----------
    points : sequence of mapping
        Grid points with ``"ok"`` and their coordinates.
    what : str
        The property, quoted in the reason.
    coord_keys : sequence of str
        Coordinates named in the examples.
    threshold_key : str, optional
        A coordinate above which the property may hold (e.g. ``"n"``).
    max_examples : int, optional
        Examples named in the reason (default 3).

    Returns
    -------
    str
        The verdict.

    Raises
    ------
    ValueError
        If a point's ``"ok"`` is not True, False or None.

    Examples
    --------
    >>> pts = [{"n": 1, "ok": False}, {"n": 2, "ok": True}, {"n": 3, "ok": True}]
    >>> verdict_from_scan(pts, what="P", coord_keys=("n",), threshold_key="n").split(";")[0]
    "holds with conditions: 'P' only for n >= 2 (true at every scanned point with 2 <= n <= 3)"
    """
    # one branch per outcome of the evidence, from "holds" to "fails", each with its stated reason
    pts = list(points)
    for i, pt in enumerate(pts):
        ok = pt.get("ok", "missing")
        if not (ok is True or ok is False or ok is None):
            raise ValueError(f"points[{i}]['ok'] must be True, False or None")
    total = len(pts)
    if total == 0:
        return f"not checkable: no grid points were scanned for '{what}'"
    bad = [pt for pt in pts if pt["ok"] is False]
    undecided = [pt for pt in pts if pt["ok"] is None]
    good = [pt for pt in pts if pt["ok"] is True]

    def examples(sel: Sequence[Mapping[str, Any]]) -> str:
        return "; ".join(format_point(pt, coord_keys) for pt in sel[:max_examples])

    if not bad:
        if not undecided:
            return HOLDS
        if not good:
            return f"not checkable: '{what}' undecided within tolerance at all {total} points"
        return (
            f"holds with conditions: '{what}' decided and true at {len(good)}/{total} points; "
            f"undecided within tolerance at {len(undecided)} (e.g. {examples(undecided)})"
        )
    if threshold_key is not None and all(threshold_key in pt for pt in pts):
        t0 = max(pt[threshold_key] for pt in bad)
        above = [pt for pt in pts if pt[threshold_key] > t0]
        if above and all(pt["ok"] is True for pt in above):
            t_min = min(pt[threshold_key] for pt in above)
            t_max = max(pt[threshold_key] for pt in above)
            # state the failing range explicitly (the paper claims "for every n"), and how far
            # up the evidence reaches (a finite grid proves nothing beyond its largest point)
            return (
                f"holds with conditions: '{what}' only for {threshold_key} >= {fmt(t_min)} "
                f"(true at every scanned point with {fmt(t_min)} <= {threshold_key} <= {fmt(t_max)}); "
                f"fails for {threshold_key} <= {fmt(t0)} at {len(bad)}/{total} grid points "
                f"(e.g. {examples(bad)})"
            )
    return f"fails: '{what}' violated at {len(bad)}/{total} points (e.g. {examples(bad)})"


def verdict_from_max_error(max_error: float | None, tol: float, *, what: str) -> str:
    """Return ``holds`` if ``max_error <= tol``, ``fails`` if larger, ``not checkable`` if missing/NaN.

    Parameters
    ----------
    max_error : float or None
        The largest error measured.
    tol : float
        The tolerance (finite, ``>= 0``).
    what : str
        The quantity, named in the reason.

    Returns
    -------
    str
        The verdict.

    Raises
    ------
    ValueError
        If ``tol`` is negative or not finite.

    Examples
    --------
    >>> verdict_from_max_error(1e-15, 1e-10, what="error"), verdict_from_max_error(0.5, 1e-10, what="error")
    ('holds', 'fails: error = 0.5 exceeds the tolerance 1.000e-10')
    """
    if tol < 0 or not math.isfinite(tol):
        raise ValueError(f"tol must be finite and >= 0, got {tol}")
    if max_error is None or (isinstance(max_error, float) and math.isnan(max_error)):
        return f"not checkable: no value of {what} was computed"
    if max_error <= tol:
        return HOLDS
    return f"fails: {what} = {fmt(float(max_error))} exceeds the tolerance {fmt(float(tol))}"


def verdict_cross_check(disagreements: int, checked: int, *, what: str) -> str:
    """Compare two independent computations of the same thing.

    ``holds`` if they never disagree, else ``not checkable`` (the evidence itself is then in doubt,
    whichever side is wrong).

    Parameters
    ----------
    disagreements : int
        Points where the two disagree.
    checked : int
        Points compared.
    what : str
        The two computations, named in the reason.

    Returns
    -------
    str
        The verdict.

    Raises
    ------
    ValueError
        Unless ``0 <= disagreements <= checked``.

    Examples
    --------
    >>> verdict_cross_check(1, 4, what="A and B")
    'not checkable: A and B disagree at 1/4 points'
    """
    if disagreements < 0 or checked < 0 or disagreements > checked:
        raise ValueError(f"need 0 <= disagreements <= checked, got {disagreements}, {checked}")
    if disagreements == 0:
        return HOLDS
    return f"not checkable: {what} disagree at {disagreements}/{checked} points"


def z_threshold(num_tests: int, family_alpha: float = 1e-3, floor: float = 4.0) -> float:
    """Return the two-sided ``abs(z)`` threshold for ``num_tests`` entrywise comparisons (Bonferroni, at least 4).

    ``max(floor, Phi^-1(1 - family_alpha / (2 num_tests)))``: with N independent entries the chance
    that a correct estimator exceeds it anywhere is at most ``family_alpha``.

    Parameters
    ----------
    num_tests : int
        Number of comparisons (``>= 1``).
    family_alpha : float, optional
        Family-wise error rate (default ``1e-3``).
    floor : float, optional
        Smallest threshold returned (default 4).

    Returns
    -------
    float
        The threshold.

    Raises
    ------
    ValueError
        If ``num_tests < 1``.

    Examples
    --------
    >>> z_threshold(1), round(z_threshold(10 ** 6), 2)
    (4.0, 6.11)
    """
    if num_tests < 1:
        raise ValueError(f"num_tests must be >= 1, got {num_tests}")
    q = NormalDist().inv_cdf(1.0 - family_alpha / (2.0 * num_tests))
    return max(floor, q)




def grows_with(xs: Sequence[float], ys: Sequence[float], min_rho: float = 0.5) -> tuple[bool, float]:
    """Decide whether ``ys`` grows with ``xs``: Spearman rho >= ``min_rho`` and the last y > the first y.

    Parameters
    ----------
    xs : sequence of float
        Abscissae (sorted internally).
    ys : sequence of float
        Values, same length ``>= 3``.
    min_rho : float, optional
        Spearman threshold (default 0.5).

    Returns
    -------
    grows : bool
        Whether ``ys`` grows with ``xs`` (False for constant ``ys``).
    rho : float
        The Spearman rank correlation (0 for constant ``ys``).

    Raises
    ------
    ValueError
        If the lengths differ or are below 3.

    Examples
    --------
    >>> g, rho = grows_with([1, 2, 3, 4], [0.1, 0.3, 0.2, 0.5])
    >>> g, round(rho, 3)
    (True, 0.8)
    """
    if len(xs) != len(ys) or len(xs) < 3:
        raise ValueError("grows_with needs xs and ys of equal length >= 3")
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    y_sorted = [ys[i] for i in order]
    if max(y_sorted) == min(y_sorted):
        return False, 0.0
    rho = float(spearmanr([xs[i] for i in order], y_sorted).statistic)
    return (rho >= min_rho and y_sorted[-1] > y_sorted[0]), rho


assert set(_SEVERITY) == set(OUTCOMES)
