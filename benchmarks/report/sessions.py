"""The sessions of a run directory: one row per invocation that wrote into its results file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks.runner.results import CLASSIFICATIONS

__all__ = ["session_rows", "session_lines", "counts_text"]


def counts_text(counts: Mapping[str, int]) -> str:
    """Classification counts as text, in a fixed order: ``"ok 9, timeout 1"``.

    The classifications of :data:`~benchmarks.runner.results.CLASSIFICATIONS` come first, then
    any other key sorted; zero counts are left out.

    Parameters
    ----------
    counts : Mapping of str to int
        Classification -> runs.

    Returns
    -------
    str
        The text (empty for no runs).

    Examples
    --------
    >>> counts_text({"timeout": 1, "ok": 9, "error": 0})
    'ok 9, timeout 1'
    """
    order = list(CLASSIFICATIONS) + sorted(set(counts) - set(CLASSIFICATIONS))
    return ", ".join(f"{k} {counts[k]}" for k in order if counts.get(k))


# over 60 lines only through its numpydoc docstring; the body is short
def session_rows(meta: Mapping[str, Any], recs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per invocation (session) that wrote into the results file, oldest first.

    Parameters
    ----------
    meta : Mapping
        Content of ``meta.json``: its ``sessions`` list (one entry per invocation, kept across
        ``--resume``), the ``sessions`` of each input of a merge (``merged_from``), or, for a file
        written before sessions were recorded, its top-level ``started_at`` / ``finished_at``.
    recs : sequence of Mapping
        Every record of the results file.  Runs are attributed to a session by their ``session``
        field; runs without one go to the single session without an id, or to a row of their own.

    Returns
    -------
    list of dict
        Ordered by start time.  Keys ``id``, ``started_at``, ``finished_at`` (None for an
        interrupted session), ``last_run_at`` (the latest ``finished_at`` of its runs), ``shard``,
        ``jobs``, ``wall_s``, ``runs`` and ``counts`` (classification -> runs, taken from the
        results file, so an interrupted session is counted too).
    """
    metas = [meta]
    if meta.get("merged_from"):
        metas = [m for m in meta["merged_from"] if isinstance(m, Mapping)]
    declared: list[Mapping[str, Any]] = []
    for m in metas:
        ss = m.get("sessions")
        if isinstance(ss, list):
            declared.extend(x for x in ss if isinstance(x, Mapping))
        elif m.get("started_at"):
            declared.append({"id": None, "started_at": m.get("started_at"),
                             "finished_at": m.get("finished_at"), "shard": m.get("shard"), "jobs": m.get("jobs")})
    by_id: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        sid = r.get("session")
        by_id[sid if isinstance(sid, str) else None].append(r)  # a hand-edited non-string id: untagged
    legacy = [x for x in declared if x.get("id") is None]
    rows: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for x in declared:
        sid = x.get("id")
        if sid is None and len(legacy) != 1:
            runs: list[Mapping[str, Any]] = []  # untagged runs cannot be told apart: own row below
        else:
            runs = by_id.get(sid, [])
            seen.add(sid)
        rows.append({"id": sid, "started_at": x.get("started_at"), "finished_at": x.get("finished_at"),
                     "shard": x.get("shard"), "jobs": x.get("jobs"), "wall_s": x.get("wall_s"), "runs": runs})
    for sid in sorted(set(by_id) - seen, key=lambda k: (k is not None, str(k))):
        rows.append({"id": sid, "started_at": None, "finished_at": None, "shard": None, "jobs": None,
                     "wall_s": None, "runs": by_id[sid]})
    for row in rows:
        runs = row.pop("runs")
        counts: dict[str, int] = defaultdict(int)
        for r in runs:
            counts[str(r.get("classification"))] += 1
        row["runs"] = len(runs)
        row["counts"] = dict(counts)
        stamps = [str(r["finished_at"]) for r in runs if r.get("finished_at")]
        row["last_run_at"] = max(stamps) if stamps else None
    rows = [r for r in rows if r["runs"] or r["started_at"]]
    rows.sort(key=lambda r: (r["started_at"] is None, str(r["started_at"])))  # merged shards: by start time
    return rows


def session_lines(sessions: Sequence[Mapping[str, Any]]) -> list[str]:
    """Header lines: overall start and end, and one line per session when there are several.

    Parameters
    ----------
    sessions : sequence of Mapping
        Rows of :func:`session_rows`.

    Returns
    -------
    list of str
        Markdown list lines (``[]`` for no sessions).
    """
    if not sessions:
        return []
    starts = [str(s["started_at"]) for s in sessions if s.get("started_at")]
    ends = [str(s.get("finished_at") or s.get("last_run_at")) for s in sessions
            if s.get("finished_at") or s.get("last_run_at")]
    last = sessions[-1]
    span = f"- started {min(starts)}" if starts else "- started ?"
    if last.get("finished_at"):
        span += f", finished {max(ends)}"
    else:
        span += " (not finished" + (f"; last run finished {max(ends)})" if ends else ")")
    walls = [float(s["wall_s"]) for s in sessions if isinstance(s.get("wall_s"), (int, float))]
    if len(sessions) > 1:
        span += f" over {len(sessions)} sessions"
        if walls:
            missing = len(sessions) - len(walls)
            span += f" ({sum(walls):.1f} s of session wall time" + \
                (f"; none recorded for {missing} of them)" if missing else ")")
    lines = [span]
    if len(sessions) > 1:
        for i, s in enumerate(sessions, 1):
            if s.get("started_at") is None:
                when = "runs without a recorded session"
            elif s.get("finished_at"):
                when = f"started {s['started_at']}, finished {s['finished_at']}"
            else:
                when = f"started {s['started_at']}, interrupted" + \
                    (f" (last run finished {s['last_run_at']})" if s.get("last_run_at") else "")
            extra = "".join([f", shard {s['shard']}" if s.get("shard") else "",
                             f", jobs {s['jobs']}" if s.get("jobs") else "",
                             f", {float(s['wall_s']):.1f} s" if isinstance(s.get("wall_s"), (int, float)) else ""])
            counts = counts_text(s.get("counts") or {})
            lines.append(f"  - session {i}: {when}{extra}: {s['runs']} runs" + (f" ({counts})" if counts else ""))
    return lines
