"""solve_program (reductions.deciders.program_solve): one certified solver run on a program or its file."""

from __future__ import annotations

import json

from recovery.programs.program import ProgramBuilder
from reductions.deciders.program_solve import solve_program


def _program():
    pb = ProgramBuilder(1)
    pb.add_row(0, [(0, 0, 1)], "==", 2)
    return pb.build()


def test_program_and_file_give_the_same_answer(tmp_path):
    path = tmp_path / "p.json"
    _program().save(path)
    a = solve_program(_program(), "lm", time_limit=10)
    b = solve_program(path, "lm", time_limit=10)
    assert a.answer.answer == b.answer.answer == "yes"
    doc = json.loads(json.dumps(b.to_json()))
    assert doc["answer"] == "yes" and doc["answer_proof"] == "exact"
    assert b.text().startswith("answer: yes") and str(path) in b.text()


def test_infinite_memory_budget_means_none():
    assert solve_program(_program(), "lm", time_limit=10, max_bytes=float("inf")).result.status == "feasible"
