"""BilinearProgram / ProgramBuilder: validation, JSON round trips, phi structure, evaluation."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery.lsa.reparam import D_pattern, phi
from recovery.programs.program import SCHEMA, BilinearObjective, BilinearProgram, BilinearRow, ProgramBuilder


def random_program(rng: np.random.Generator, d: int, R: int) -> BilinearProgram:
    pb = ProgramBuilder(d)
    for _ in range(R):
        j = int(rng.integers(d))
        cells = {(int(rng.integers(d + 1)), int(rng.integers(d + 1))) for _ in range(3)}
        pb.add_row(j, [(u, v, float(rng.normal())) for u, v in sorted(cells)],
                   str(rng.choice(["==", "<=", ">="])), float(rng.normal()))
    pb.bound("b[0]", -1.0, 2)
    pb.fix("A[1,0]", Fraction(1, 3))
    pb.set_objective(0, [(0, 0, 1), (1, 2, Fraction(-2, 7))], constant=0.5)
    return pb.build("rand", {"seed": 1})


def test_json_round_trip_and_fraction_strings(tmp_path):
    p = random_program(np.random.default_rng(0), 3, 7)
    obj = p.to_json()
    assert obj["schema"] == SCHEMA and obj["d"] == 3
    assert obj["bounds"]["A[1,0]"] == ["1/3", "1/3"]
    assert obj["objective"]["D"][1] == [1, 2, "-2/7"]
    q = BilinearProgram.loads(p.dumps())
    assert q == p
    assert isinstance(q.fixed_values()["A[1,0]"], Fraction)
    path = tmp_path / "p.json"
    p.save(path)
    assert BilinearProgram.load(path) == p
    assert json.loads(path.read_text())["constraints"][0].keys() == {"j", "D", "sense", "rhs"}


values = st.one_of(
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.fractions(max_denominator=10**6),
)


@st.composite
def programs(draw):
    d = draw(st.integers(1, 3))
    idx = st.integers(0, d)
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        cells = draw(st.lists(st.tuples(idx, idx), max_size=4, unique=True))
        rows.append(BilinearRow(draw(st.integers(0, d - 1)),
                                tuple((u, v, draw(values)) for u, v in cells),
                                draw(st.sampled_from(["==", "<=", ">="])), draw(values)))
    bounds = {}
    for i in range(d + 1):
        lo = draw(st.one_of(st.none(), values))
        hi = draw(st.one_of(st.none(), values))
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        bounds[f"b[{i}]"] = (lo, hi)
    obj = None
    if draw(st.booleans()):
        obj = BilinearObjective(draw(st.integers(0, d - 1)), ((0, d, draw(values)),), draw(values))
    return BilinearProgram(d, tuple(rows), bounds, obj, draw(st.text(max_size=5)),
                           {"k": draw(st.integers())})


@settings(max_examples=50, deadline=None)
@given(programs())
def test_json_round_trip_hypothesis(p):
    q = BilinearProgram.loads(p.dumps())
    assert q == p
    # types survive too (Fraction stays Fraction, int stays int)
    for r1, r2 in zip(p.constraints, q.constraints):
        assert type(r1.rhs) is type(r2.rhs)
        assert [type(t[2]) for t in r1.D] == [type(t[2]) for t in r2.D]


def test_evaluate_rows_matches_dense_formula():
    rng = np.random.default_rng(3)
    d = 3
    p = random_program(rng, d, 9)
    b, A = rng.normal(size=d + 1), rng.normal(size=(d + 1, d))
    for r, row in enumerate(p.constraints):
        D = np.zeros((d + 1, d + 1))
        for u, v, w in row.D:
            D[u, v] = float(w)
        assert p.evaluate_rows(b, A)[r] == pytest.approx(b @ D @ A[:, row.j], abs=1e-12)
    o = p.objective
    Do = np.zeros((d + 1, d + 1))
    for u, v, w in o.D:
        Do[u, v] = float(w)
    assert p.evaluate_objective(b, A) == pytest.approx(b @ Do @ A[:, o.j] + 0.5, abs=1e-12)


@pytest.mark.parametrize("d", [1, 2, 4])
def test_from_phi_evaluates_to_phi_and_is_structured(d):
    rng = np.random.default_rng(d)
    b, A = rng.normal(size=d + 1), rng.normal(size=(d + 1, d))
    X = phi(b, A)
    p = BilinearProgram.from_phi(X, d)
    assert p.is_phi_structured()
    assert p.num_rows == d * (d + 1) * (d + 2) // 2
    np.testing.assert_allclose(p.evaluate_rows(b, A), X, atol=1e-12)
    # order does not matter, but every change of structure does
    shuffled = BilinearProgram(d, tuple(reversed(p.constraints)), {})
    assert shuffled.is_phi_structured()
    assert not BilinearProgram(d, p.constraints[1:], {}).is_phi_structured()
    assert not BilinearProgram(d, p.constraints + p.constraints[:1], {}).is_phi_structured()
    assert not BilinearProgram(d, p.constraints, {"b[0]": (0, None)}).is_phi_structured()
    r0 = p.constraints[0]
    assert not BilinearProgram(d, (BilinearRow(r0.j, r0.D, "<=", r0.rhs),) + p.constraints[1:],
                               {}).is_phi_structured()
    assert not BilinearProgram(d, (BilinearRow(r0.j, ((0, 0, 2.0),), "==", r0.rhs),)
                               + p.constraints[1:], {}).is_phi_structured()
    assert not BilinearProgram(d, p.constraints, {}, BilinearObjective(0, ())).is_phi_structured()


def test_phi_pattern_matches_D_pattern_module():
    d = 3
    p = BilinearProgram.from_phi(np.arange(d * 10, dtype=float), d)
    for row, (j, trip) in zip(p.constraints, D_pattern(d)):
        assert row.j == j and set(row.D) == set(map(tuple, trip))


@pytest.mark.parametrize("make, msg", [
    (lambda: BilinearProgram(2, (BilinearRow(2, ((0, 0, 1),), "==", 1),)), "column j=2 out of range"),
    (lambda: BilinearProgram(2, (BilinearRow(0, ((3, 0, 1),), "==", 1),)), "row=3 out of range"),
    (lambda: BilinearProgram(2, (BilinearRow(0, ((0, 3, 1),), "==", 1),)), "col=3 out of range"),
    (lambda: BilinearRow(0, ((0, 0, 1),), "=", 1), "sense must be one of"),
    (lambda: BilinearRow(0, ((0, 0, 1),), "==", math.nan), "rhs must be finite"),
    (lambda: BilinearRow(0, ((0, 0, math.inf),), "==", 1), "value must be finite"),
    (lambda: BilinearRow(0, ((0, 0, 1), (0, 0, 2)), "==", 1), "duplicate triplet"),
    (lambda: BilinearProgram(2, (), {"b[0]": (2, 1)}), "lo=2 > hi=1"),
    (lambda: BilinearProgram(2, (), {"c[0]": (0, 1)}), "bad variable name"),
    (lambda: BilinearProgram(2, (), {"A[0,2]": (0, 1)}), "out of range"),
    (lambda: BilinearProgram(2, (), {"b[3]": (0, 1)}), "out of range"),
    (lambda: BilinearProgram(2, (), {"b[0]": (math.nan, 1)}), "must be finite"),
    (lambda: BilinearProgram(2, (), {"b[0]": (0, 1), "b[ 0 ]": (0, 2)}), "given twice"),
    (lambda: BilinearProgram(0, ()), "d must be >= 1"),
    (lambda: BilinearProgram.loads('{"schema": "lsahard.bilinear/2", "d": 1, "bounds": {}, "constraints": []}'),
     "schema must be"),
    (lambda: BilinearProgram.loads('{"schema": "lsahard.bilinear/1", "d": 1, "bounds": {}, "constraints": [], "x": 1}'),
     "unknown key"),
    (lambda: BilinearProgram.loads('{"schema": "lsahard.bilinear/1", "d": 1, "bounds": {}, '
                                   '"constraints": [{"j": 0, "D": [[0, 0, NaN]], "sense": "==", "rhs": 1}]}'),
     "must be finite"),
    (lambda: BilinearProgram.loads('{"schema": "lsahard.bilinear/1", "d": 1, "bounds": {"b[0]": [0, "1/0"]}, '
                                   '"constraints": []}'), "zero denominator"),
    (lambda: BilinearProgram.loads("{nope"), "not valid JSON"),
])
def test_validation_messages(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_type_errors():
    with pytest.raises(TypeError, match="j must be an int"):
        BilinearRow(0.0, (), "==", 1)
    with pytest.raises(TypeError, match="value must be an int, float or Fraction"):
        BilinearRow(0, ((0, 0, "1"),), "==", 1)
    with pytest.raises(TypeError, match="bool"):
        BilinearRow(0, (), "==", True)


def test_infinite_bounds_normalised_and_free_dropped():
    p = BilinearProgram(1, (), {"b[0]": (-math.inf, math.inf), "b[1]": (-math.inf, 2.0)})
    assert p.bounds == {"b[1]": (None, 2.0)}
    assert BilinearProgram.loads(p.dumps()).bounds == {"b[1]": (None, 2.0)}


def test_point_from_values_fills_fixed_named_and_clipped_entries():
    """The one place solvers turn named values into (b, A): fixed values, then named values,
    every other entry 0 clipped into its bounds."""
    pb = ProgramBuilder(2)
    pb.fix("b[0]", 3).bound("A[1,0]", 1, 2).bound("b[2]", None, -1)
    b, A = pb.build().point_from_values({"A[0,1]": 5.0, "b[1]": -2.5})
    assert b.tolist() == [3.0, -2.5, -1.0]
    assert A.tolist() == [[0.0, 5.0], [1.0, 0.0], [0.0, 0.0]]
