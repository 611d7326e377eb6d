"""The results file: the fsync'ed writer, a torn last line repaired, non-finite floats as null."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.runner import records


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_results_writer_repair_and_partial_lines(tmp_path):
    p = tmp_path / "r.jsonl"
    rec = {"family": "f", "level": "source", "instance": "i", "solver": "s", "seed": 0, "x": 1.5}
    with records.ResultsWriter(p) as w:
        w.write(rec)
        w.write({**rec, "seed": 1})
    p.write_bytes(p.read_bytes() + b'{"family": "f", "le')
    assert [r["seed"] for r in records.read_records(p)] == [0, 1]
    removed = records.repair(p)
    assert removed == len(b'{"family": "f", "le') and p.read_bytes().endswith(b"\n")
    with records.ResultsWriter(p) as w:
        w.write({**rec, "seed": 2, "x": float("nan")})  # non-finite -> null, still valid JSON
    recs = _lines(p)
    assert [r["seed"] for r in recs] == [0, 1, 2] and recs[2]["x"] is None
    with pytest.raises(ValueError, match="missing key"):
        with records.ResultsWriter(p) as w:
            w.write({"family": "f"})
