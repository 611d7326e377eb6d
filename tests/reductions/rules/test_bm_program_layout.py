"""Index layouts of the rule bm_program -> lsa_program (``reductions.rules.bm_program_layout``).

The dimension formula against an independent slot count, and the embedding of any BM point: the
program's rows at the embedded point are the BM constraints, its objective is ``z1^T z2``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from recovery.programs.program import parse_variable_name
from reductions.problems.bm_program import BMProgram
from reductions.rules import bm_program_to_lsa_program as rule
from reductions.rules.bm_program_layout import LAYOUTS, Layout, embed, layout_of, lsa_dimension
from reductions.rules.bm_program_to_lsa_program import reduce


def test_the_rule_module_re_exports_the_layout_names():
    for name in ("LAYOUTS", "lsa_dimension", "Layout", "layout_of", "embed"):
        assert name in rule.__all__ and getattr(rule, name) is globals()[name]


def _fits(m: int, k: int, n: int, d: int) -> bool:
    """Independent slot count of the fixed layout: b holds 2n+2+k variables and a 1; column 0
    holds z2, a 1 and k*n coordinates; columns 1..d-1 hold a -1 and whole inside points."""
    if 2 * n + 2 + k + 1 > d + 1 or k + 1 + k * n > d + 1:
        return False
    return sum((d + 1 - 1) // n for _ in range(1, d)) >= m


@pytest.mark.parametrize("m,k,n", [(2, 2, 2), (1, 0, 1), (5, 1, 1), (40, 1, 2), (3, 7, 3), (1, 4, 4), (200, 2, 1)])
def test_dimension_formula_minimal(m, k, n):
    d = lsa_dimension(m, k, n)
    assert _fits(m, k, n, d) and not _fits(m, k, n, d - 1)
    assert lsa_dimension(m, k, n, "compact") == k + n + 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rows_equal_bm_constraints_at_any_point(layout):
    """embed(any BM point): every row value equals the BM left-hand side, objective = z1.z2 (exact)."""
    rng = np.random.default_rng(4)
    for _ in range(15):
        m, k, n = (int(x) for x in rng.integers(1, 4, 3))
        bm = BMProgram(inside=rng.integers(-3, 4, (m, n)).tolist(), outside=rng.integers(-3, 4, (k, n)).tolist())
        pt = {key: rng.integers(-5, 6, size).astype(float).tolist()
              for key, size in (("w1", n), ("w2", n), ("z1", k), ("z2", k))}
        pt["g1"], pt["g2"] = float(rng.integers(-5, 6)), float(rng.integers(-5, 6))
        prog = reduce(bm, layout).target.program
        b, A = embed(bm, pt, layout)
        exact = bm.parse_solution(pt)
        want = []
        for i in ("1", "2"):
            want += [sum(c * w for c, w in zip(p, exact["w" + i])) - exact["g" + i] for p in bm.inside]
        for i in ("1", "2"):
            want += [z - sum(c * w for c, w in zip(q, exact["w" + i])) + exact["g" + i]
                     for q, z in zip(bm.outside, exact["z" + i])]
        got = [sum(Fraction(v) * Fraction(b[u]) * Fraction(A[c, row.j]) for u, c, v in row.D)
               for row in prog.constraints]
        assert sorted(got) == sorted(want)
        o = prog.objective
        obj = sum(Fraction(v) * Fraction(b[u]) * Fraction(A[c, o.j]) for u, c, v in o.D)
        assert obj == sum(a * c for a, c in zip(exact["z1"], exact["z2"]))
        # fixed entries are exactly what the embedding puts there
        for name, (lo, hi) in prog.bounds.items():
            if lo == hi:
                kind, i, j = parse_variable_name(name)
                assert (b[i] if kind == "b" else A[i, j]) == float(lo)


def test_layout_places_and_describes_the_variables():
    bm = BMProgram(inside=[[1, 0], [0, 1]], outside=[[2, 2], [-1, -1]])
    fixed, compact = layout_of(bm, "fixed"), layout_of(bm, "compact")
    assert fixed == Layout("fixed", 2, 2, 2, 8) and compact.d == 5
    assert fixed.place("z1", 1) == ("b", 1) and fixed.place("g2") == ("b", 2 + 2 * 2 + 1)
    assert compact.place("w2", 1) == ("A", 3) and compact.place("g1") == ("b", 4)
    assert fixed.to_json()["z2"] == "A[0..1,0]" and "data" in compact.to_json()
    with pytest.raises(ValueError, match="unknown BM variable"):
        fixed.place("x")
    with pytest.raises(ValueError, match="layout"):
        layout_of(bm, "paper")
    with pytest.raises(ValueError, match="n: expected an int >= 1"):
        lsa_dimension(1, 1, 0)
