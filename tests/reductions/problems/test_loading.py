"""load_problem (reductions.problems.loading): dispatch through the problem registry, file formats, errors."""

from __future__ import annotations

import pytest

from reductions import load_problem
from reductions.problems.base import Problem, problem_class


def test_load_problem_dispatch_and_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown problem"):
        load_problem({"problem": "sudoku"})
    with pytest.raises(ValueError, match='"problem"'):
        load_problem({"n": 3})
    bad = tmp_path / "x.txt"
    bad.write_text("hi")
    with pytest.raises(ValueError, match="suffix"):
        load_problem(bad)
    with pytest.raises(OSError):
        load_problem(tmp_path / "missing.json")
    broken = tmp_path / "b.json"
    broken.write_text("{")
    with pytest.raises(ValueError, match="JSON"):
        load_problem(broken)
    for name in ("cnf", "nae_sat", "set_splitting", "partition", "coloring", "separability", "lsa_program"):
        cls = problem_class(name)
        assert issubclass(cls, Problem) and cls.PROBLEM == name


def test_dimacs_files_are_read_by_the_registered_cnf_class(tmp_path):
    from reductions.problems.cnf import CNF
    from reductions.problems.problem import problems, register_problem, unregister_problem

    path = tmp_path / "f.cnf"
    path.write_text("p cnf 2 1\n1 -2 0\n")
    registered = list(problems().values())
    try:
        unregister_problem("cnf")
        register_problem(type("OtherCNF", (CNF,), {}))
        assert type(load_problem(path)).__name__ == "OtherCNF"
        unregister_problem("cnf")
        register_problem(type("NotCNF", (Problem,), {"PROBLEM": "cnf"}))
        with pytest.raises(TypeError, match="NotCNF.*does not derive from CNF"):
            load_problem(path)
    finally:  # the registry as it was, in its order
        for name in list(problems()):
            unregister_problem(name)
        for cls in registered:
            register_problem(cls)
    assert list(problems().values()) == registered
