"""Exact margin-1 planes of the BM program (``reductions.problems.bm_planes``).

The margin rescaling, purification to a vertex and the Cramer/Hadamard box on full instances are
also exercised by ``tests/reductions/rules/test_separability_to_bm_program.py``.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from reductions.problems import bm_program
from reductions.problems.bm_planes import _nullspace, _rref, basic_plane, plane_slacks, rescale_plane, vertex_box


def test_bm_program_re_exports_the_plane_functions():
    for name in ("plane_slacks", "rescale_plane", "basic_plane", "vertex_box"):
        assert name in bm_program.__all__
    assert bm_program.vertex_box is vertex_box and bm_program.rescale_plane is rescale_plane


def test_plane_slacks_are_exact():
    pts = [(F(1, 3), F(2)), (F(0), F(-1))]
    assert plane_slacks(pts, [F(3), F(1, 2)], F(1, 7)) == [F(1) + F(1) - F(1, 7), F(-1, 2) - F(1, 7)]


def test_rescale_plane_edge_cases():
    inside, outside = [(F(0),)], [(F(2),)]
    assert rescale_plane(inside, [], [5.0], 3) == ((F(0),), F(-1))  # nothing to cut off
    w, g = rescale_plane([], outside, [1], 0)  # only the outside side: shifted to c = -1
    assert plane_slacks(outside, w, g) == [F(-1)]
    assert rescale_plane(inside, outside, [1], 1) is None  # wrong orientation: does not separate


def test_rref_and_nullspace():
    rows = [[F(1), F(2), F(3)], [F(2), F(4), F(6)], [F(0), F(1), F(1)]]
    R, piv = _rref(rows, 3)
    assert piv == [0, 1] and len(R) == 2
    (v,) = _nullspace(rows, 3)
    assert all(sum(a * b for a, b in zip(r, v)) == 0 for r in rows) and any(v)
    assert _nullspace([], 2) == [[F(1), F(0)], [F(0), F(1)]]


def test_basic_plane_keeps_the_margin_and_rejects_infeasible_starts():
    inside, outside = [(F(0),)], [(F(2),)]
    w, g = basic_plane(inside, outside, [F(-100)], F(-50))
    assert min(plane_slacks(inside, w, g)) >= 1 and max(plane_slacks(outside, w, g)) <= -1
    W, G, _ = vertex_box(inside, outside, 1)
    assert abs(w[0]) <= W and abs(g) <= G
    with pytest.raises(ValueError, match="not feasible"):
        basic_plane(inside, outside, [F(1)], F(0))


def test_vertex_box_scales_with_denominators():
    assert vertex_box([(F(0),)], [(F(2),), (F(-2),)], 1) == (6, 6, 19)
    W, G, Z = vertex_box([(F(0),)], [(F(1, 2),)], 1)
    assert W == 2 * G and Z >= W // 2 + G + 1
