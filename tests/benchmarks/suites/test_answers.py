"""Known answers of instance files (benchmarks.suites.answers)."""
from __future__ import annotations

import json

import pytest

from benchmarks.suites.answers import read_answers
from tests.paths import REPO

EXAMPLES = REPO / "docs" / "examples" / "instances"


def test_read_answers_solu_and_json(tmp_path):
    solu = read_answers(EXAMPLES / "answers.solu")
    assert solu["tiny-sat"]["answer"] == "YES" and solu["tiny-unsat"]["answer"] == "NO"
    assert solu["k4"]["chi"] == 4
    j = tmp_path / "m.json"
    j.write_text(json.dumps({"tiny-sat.cnf": "SAT", "k4": {"colors": 3, "answer": "NO"}}))
    got = read_answers(j)
    assert got["tiny-sat.cnf"]["answer"] == "YES" and got["k4"] == {"answer": "NO", "colors": 3, "chi": None}
    j.write_text(json.dumps({"a": "maybe"}))
    with pytest.raises(ValueError, match="YES/NO"):
        read_answers(j)
    bad = tmp_path / "bad.solu"
    bad.write_text("=sat= a\nsomething else\n")
    with pytest.raises(ValueError, match=r"bad.solu:2"):
        read_answers(bad)
