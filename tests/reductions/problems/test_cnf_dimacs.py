"""The DIMACS CNF reader and writer (``reductions.problems.cnf_dimacs``), directly and through ``CNF``."""

from __future__ import annotations

import pytest

from reductions import CNF, load_problem
from reductions.problems.cnf_dimacs import format_dimacs, parse_dimacs


def test_dimacs_reads_multiline_clauses_and_percent_terminator(tmp_path):
    text = "c hello\np cnf 3 2\n1 -2\n 3 0 -1\n0\n%\n0\n"
    f = CNF.from_dimacs(text)
    assert f.n_vars == 3 and f.clauses == ((1, -2, 3), (-1,))
    path = tmp_path / "f.cnf"
    f.write_dimacs(path)
    assert load_problem(path) == f
    assert load_problem(str(path)) == f


@pytest.mark.parametrize(
    "text, line",
    [
        ("p cnf 2 1\n1 0\n0\n", 3),  # an empty clause makes 2 clauses for a header of 1
        ("p cnf 2 1\n1 3 0\n", 2),  # literal out of range
        ("p cnf 2 1\n1 x 0\n", 2),  # non-integer token
        ("c only\n1 2 0\n", 2),  # clause before header
        ("p cnf 2\n1 0\n", 1),  # malformed header
        ("p cnf 2 2\n1 0\n", 2),  # clause count mismatch (reported at the last line)
        ("p cnf 2 1\n1 2\n", 2),  # not terminated
    ],
)
def test_malformed_dimacs_names_the_line(text, line):
    with pytest.raises(ValueError, match=f"line {line}"):
        CNF.from_dimacs(text)


def test_dimacs_without_header_and_empty_clause():
    with pytest.raises(ValueError, match="problem line"):
        CNF.from_dimacs("c nothing\n")
    # the empty clause is the false clause: a legal, unsatisfiable CNF (kissat-false.cnf)
    false = CNF.from_dimacs("p cnf 0 1\n0\n")
    assert false.clauses == ((),) and not false.check(())


def test_parse_dimacs_returns_counts_and_clauses():
    assert parse_dimacs("p cnf 3 2\n1 -2\n 3 0 -1\n0\n") == (3, ((1, -2, 3), (-1,)))
    assert parse_dimacs("p cnf 0 1\n0\n") == (0, ((),))
    with pytest.raises(ValueError, match="line 2: empty clause"):
        parse_dimacs("p cnf 0 1\n0\n", allow_empty_clause=False)
    with pytest.raises(ValueError, match="^f.cnf: line 2: second problem line$"):
        parse_dimacs("p cnf 1 0\np cnf 1 0\n", source="f.cnf")
    with pytest.raises(TypeError, match="expected text"):
        parse_dimacs(b"p cnf 1 0\n")  # type: ignore[arg-type]


def test_long_tokens_are_cut_in_messages():
    with pytest.raises(ValueError, match=r"'x{37}'\.\.\. is not an integer literal"):
        parse_dimacs("p cnf 1 1\n" + "x" * 100 + " 0\n")
    with pytest.raises(ValueError, match="out of range"):
        parse_dimacs("p cnf 1 1\n" + "9" * 5000 + " 0\n")


def test_format_dimacs_is_read_back():
    text = format_dimacs(3, [(1, -2), (), (3,)], comment="two\nlines")
    assert text == "c two\nc lines\np cnf 3 3\n1 -2 0\n 0\n3 0\n"
    assert parse_dimacs(text) == (3, ((1, -2), (), (3,)))
    assert format_dimacs(0, []) == "p cnf 0 0\n"
    assert CNF(3, [(1, -2), (3,)]).to_dimacs() == format_dimacs(3, [(1, -2), (3,)])
