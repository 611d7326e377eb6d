"""The report's markdown (benchmarks.report.markdown)."""
from __future__ import annotations

from benchmarks.report.markdown import proof_counts_text


def test_answers_are_counted_by_proof_level():
    recs = [{"answer": "YES", "proof": "exact"}, {"answer": "YES", "proof": "exact"},
            {"answer": "NO", "proof": "solver proof"}, {"answer": None, "proof": "none"},
            {"answer": "NO"}]
    assert proof_counts_text(recs) == "YES exact 2, NO solver proof 1, NO unrecorded 1, undecided 1"
