"""The :class:`Report` of a run directory: every record, known answer and table the outputs are made of."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.report.comparisons import LevelRow, SizeRow, consistency_conflicts, level_table, size_table
from benchmarks.report.sessions import session_rows
from benchmarks.report.stats import config_of, growth_fit, instance_times, performance_ratios
from benchmarks.runner.results import (
    CLASSIFICATIONS,
    META_FILE,
    RESULTS_FILE,
    iter_lines,
    load_known_answers,
    read_json,
    read_records,
    sha256_file,
)

__all__ = ["Report", "build_report"]


@dataclass
class Report:
    """Everything the outputs of a run directory's report are made of.

    Attributes
    ----------
    directory : Path
        The run directory.
    records : list of dict
        Every usable record of ``results.jsonl``.
    known : dict of str to str
        Known answers (instance -> YES/NO).
    meta : dict
        ``meta.json`` with every session's warnings (of the first input, for a merge).
    checksum : str
        The sha256 of ``results.jsonl``.
    rows : list of SizeRow
        Per (family, size, configuration) table.
    profiles : dict
        Family -> configuration -> instance -> performance ratio.
    growth : dict
        Family -> configuration -> ``(a, b, n)`` growth fit or None.
    wrong : list of dict
        The runs that contradict the known answer.
    conflicts : list of str
        Instances with both a YES and a NO proof.
    refused : dict of str to list of str, optional
        Family -> configurations whose solver declined every run (not timed).
    levels : list of LevelRow, optional
        The cost of each encoding level.
    sessions : list of dict, optional
        See :func:`~benchmarks.report.sessions.session_rows`.
    figures : list of Path, optional
        The PNG files drawn.
    markdown_path : Path, optional
        ``report.md`` once written.
    """

    directory: Path
    records: list[dict[str, Any]]
    known: dict[str, str]
    meta: dict[str, Any]
    checksum: str
    rows: list[SizeRow]
    profiles: dict[str, dict[str, dict[str, float]]]      # family -> config -> instance -> ratio
    growth: dict[str, dict[str, tuple[float, float, int] | None]]  # family -> config -> (a, b, n)
    wrong: list[dict[str, Any]]
    conflicts: list[str]
    refused: dict[str, list[str]] = field(default_factory=dict)  # family -> configurations
    levels: list[LevelRow] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)  # see :func:`session_rows`
    figures: list[Path] = field(default_factory=list)
    markdown_path: Path | None = None

    def summary_text(self) -> str:
        """One line on the report (path, runs by classification, checksum), after a WRONG banner.

        Returns
        -------
        str
            The text printed by ``lsahard bench`` after a report.
        """
        counts: dict[str, int] = defaultdict(int)
        for r in self.records:
            counts[r.get("classification", "?")] += 1
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        text = f"report: {self.markdown_path} ({len(self.records)} runs: {parts}; sha256 {self.checksum[:16]})"
        if self.wrong or self.conflicts:
            text = (f"WRONG ANSWERS: {len(self.wrong)} runs contradict the known answer, "
                    f"{len(self.conflicts)} instances have conflicting proofs\n") + text
        return text


def _reportable(rec: Mapping[str, Any]) -> bool:
    """A record the report can use: the key fields plus an integer ``size``, a positive finite
    ``time_limit``, a numeric or null ``wall_s`` and a known ``classification`` (a hand-edited or
    foreign line that lacks them is skipped and counted, not allowed to crash the report)."""
    try:
        if isinstance(rec.get("size"), bool) or int(rec["size"]) != rec["size"]:
            return False
        lim = float(rec["time_limit"])
        wall = rec.get("wall_s")
        if wall is not None:
            float(wall)
    except (KeyError, TypeError, ValueError):
        return False
    return math.isfinite(lim) and lim > 0 and rec.get("classification") in CLASSIFICATIONS


def _run_meta(d: Path, recs: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``meta.json`` (of the first input, for a merge) with every session's warnings, and the sessions."""
    if not (d / META_FILE).exists():
        return {}, session_rows({}, recs) if any(r.get("session") for r in recs) else []
    meta = read_json(d / META_FILE)
    sessions = session_rows(meta, recs)
    warnings: list[str] = []
    for m in (meta.get("merged_from") or [meta]):
        listed = m.get("sessions") if isinstance(m, dict) else None
        parts = listed if isinstance(listed, list) else [m]
        for part in parts:  # every session's warnings, each once
            for w in (part.get("warnings") or []) if isinstance(part, dict) else []:
                if w not in warnings:
                    warnings.append(w)
    if meta.get("merged_from"):  # a merge: take suite/families from the inputs
        meta = {**meta["merged_from"][0], "shard": None}
    return {**meta, "warnings": warnings}, sessions


def _refused(recs: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Per family, the configurations whose solver declined every run (structurally not applicable)."""
    by_conf: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in recs:
        by_conf[(r["family"], config_of(r))].append(bool(r.get("refused")))
    refused: dict[str, list[str]] = defaultdict(list)
    for (fam, c), flags in sorted(by_conf.items()):
        if all(flags):
            refused[fam].append(c)
    return dict(refused)


def _profiles_and_growth(timed: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per family: the performance ratios of each configuration, and its growth fit."""
    profiles: dict[str, dict[str, dict[str, float]]] = {}
    growth: dict[str, dict[str, tuple[float, float, int] | None]] = {}
    for fam in sorted({r["family"] for r in timed}):
        frecs = [r for r in timed if r["family"] == fam]
        times = instance_times(frecs)
        instances = sorted({r["instance"] for r in frecs})
        for c in times:  # a configuration that never ran an instance did not solve it
            for inst in instances:
                times[c].setdefault(inst, math.inf)
        profiles[fam] = performance_ratios(times)
        growth[fam] = {c: growth_fit([r for r in frecs if config_of(r) == c]) for c in sorted(times)}
    return profiles, growth


def build_report(directory: str | os.PathLike[str]) -> Report:
    """The :class:`Report` of the run directory ``directory``.

    Reads its ``results.jsonl``, ``meta.json`` and known answers.  Records without the fields
    the report needs are skipped and counted in a warning; configurations whose solver refused
    every run are listed apart and not timed, profiled or fitted.

    Parameters
    ----------
    directory : path-like
        A run directory.

    Returns
    -------
    Report
        The report (no figures drawn, nothing written).

    Raises
    ------
    ValueError
        If it has no ``results.jsonl`` or holds no usable record.
    """
    d = Path(directory)
    res = d / RESULTS_FILE
    if not res.exists():
        raise ValueError(f"directory: {str(d)!r} has no {RESULTS_FILE}")
    recs = [r for r in read_records(res) if _reportable(r)]
    if not recs:
        raise ValueError(f"directory: {str(res)!r} holds no complete records")
    meta, sessions = _run_meta(d, recs)
    # malformed complete lines are skipped by read_records; say so in the header instead of
    # reporting on fewer runs silently
    n_lines = sum(1 for _ in iter_lines(res))
    if n_lines > len(recs):
        meta = {**meta, "warnings": list(meta.get("warnings") or [])
                + [f"{n_lines - len(recs)} malformed line(s) in {RESULTS_FILE} were skipped"]}
    # a refused configuration is listed apart; it is not timed, profiled or fitted
    refused = _refused(recs)
    timed = [r for r in recs if config_of(r) not in refused.get(r["family"], ())]
    level_order = {f: v.get("levels", []) for f, v in (meta.get("families") or {}).items()}
    profiles, growth = _profiles_and_growth(timed)
    wrong = [r for r in recs if r.get("classification") == "wrong"]
    return Report(d, recs, load_known_answers(d), meta, sha256_file(res), size_table(timed, level_order), profiles,
                  growth, wrong, consistency_conflicts(recs), refused, level_table(timed, level_order), sessions)
