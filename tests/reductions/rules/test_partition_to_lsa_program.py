"""Rule partition -> lsa_program (our gauge/copy/sign/balance construction).

LSA side decided by the global solver SCIP on every multiset of n <= 4 values in 1..4 (the
construction is invariant under permuting the values -- relabelling indices 1..n of b and A --
so multisets cover all ordered instances); source side by brute force and R1's MILP.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery.programs.solvers import solve
from recovery.programs.verification import verify
from reductions.deciders.source import decide
from reductions.problems.lsa_program import LSAProgram
from reductions.problems.partition import Partition
from reductions.rules import partition_to_lsa_program as rule
from reductions.rules.graph import chain


def _signs(inst: Partition):
    return [s for s in itertools.product((-1, 1), repeat=inst.n) if inst.check(s)]


def test_all_multisets_n4_values4_scip():
    tally = {True: 0, False: 0}
    for n in range(1, 5):
        for vals in itertools.combinations_with_replacement(range(1, 5), n):
            inst = Partition(values=vals)
            red = rule.reduce(inst)
            assert red.size == red.predicted_size
            sols = _signs(inst)
            yes = bool(sols)
            assert decide(inst, "milp").answer == yes
            res = solve(red.target.program, solver="scip", time_limit=30)
            assert res.status in ("feasible", "optimal", "infeasible"), res.log[-300:]
            assert (res.status != "infeasible") == yes, (vals, res.status)
            if yes:
                assert res.verified and red.target.check((res.b, res.A))
                assert inst.check(red.backward((res.b, res.A)))
            tally[yes] += 1
    assert tally == {True: 23, False: 46}  # counted independently: see test_multiset_counts


def test_multiset_counts():
    """The 69 multisets split 23 YES / 46 NO (YES iff even sum and a subset sums to half)."""
    yes = 0
    total = 0
    for n in range(1, 5):
        for vals in itertools.combinations_with_replacement(range(1, 5), n):
            total += 1
            half, rem = divmod(sum(vals), 2)
            yes += rem == 0 and any(sum(c) == half for r in range(n + 1) for c in itertools.combinations(vals, r))
    assert (total, yes) == (69, 23)


def test_all_ordered_instances_forward_and_backward_exact():
    """Every ordered instance with n <= 4, values <= 4: every partition maps to an LSA solution
    (exact verifier, zero violation) and back to itself; NO instances have no such s."""
    count = 0
    for n in range(1, 5):
        for vals in itertools.product(range(1, 5), repeat=n):
            inst = Partition(values=vals)
            red = rule.reduce(inst)
            assert red.size == red.predicted_size
            for s in _signs(inst):
                b, A = red.forward(s)
                ver = verify(red.target.program, b, A, tol=0.0)
                assert ver.ok and ver.max_violation == 0.0
                assert red.backward((b, A)) == s
            count += 1
    assert count == 4 + 16 + 64 + 256


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=8), st.integers(-6, 6), st.data())
def test_property_gauge_orbit_and_soundness(values, e, data):
    """(c b, A / c) with c = ±2^e stays exactly feasible and maps back to the same signs; and a
    perturbed sign vector (not a partition) is never exactly feasible."""
    inst = Partition(values=values)
    red = rule.reduce(inst, box=None)
    s = tuple(data.draw(st.lists(st.sampled_from((-1, 1)), min_size=len(values), max_size=len(values))))
    c = float(data.draw(st.sampled_from((-1, 1)))) * 2.0 ** e
    b = np.concatenate([[1.0], np.array(s, dtype=float)]) * c
    A = np.zeros((len(values) + 1, len(values)))
    A[:, 0] = np.concatenate([[1.0], np.array(s, dtype=float)]) / c
    ok = verify(red.target.program, b, A, tol=0.0).ok
    assert ok == inst.check(s)  # exactly the partitions are feasible along the gauge orbit
    if ok:
        assert red.backward((b, A)) == s


def test_soundness_on_random_points_near_feasible():
    """Rows force b_i = ±b_0: a point with |b_i| != |b_0| violates a sign row."""
    inst = Partition(values=[1, 1])
    red = rule.reduce(inst)
    b = np.array([1.0, 1.5, -1.0])
    A = np.zeros((3, 2))
    A[:, 0] = b / 1.0
    assert not red.target.check((b, A))


def test_structure_and_not_phi():
    inst = Partition(values=[3, 1, 1, 2, 2, 1])
    red = rule.reduce(inst)
    prog = red.target.program
    assert prog.d == 6 and prog.num_rows == 14
    assert all(row.j == 0 and row.sense == "==" for row in prog.constraints)
    assert not prog.is_phi_structured() and prog.metadata["is_phi_structured"] is False
    assert red.steps[0]["is_phi_structured"] is False
    again = LSAProgram.from_json(red.target.to_json())
    assert again.program == prog
    # box=None leaves b and A[:, 0] free
    assert rule.reduce(inst, box=None).size == rule.predicted_size(inst, box=None)


def test_chain_from_partition_and_multistart():
    inst = Partition(values=[2, 1, 1])
    red = chain(inst, "lsa_program")
    assert red.rule == "partition_to_lsa_program"
    res = solve(red.target.program, solver="multistart", time_limit=20, seed=1)
    # a heuristic may fail, but any point it claims must map back to a partition
    if res.status in ("feasible", "optimal"):
        assert inst.check(red.backward((res.b, res.A)))


def test_bad_input():
    inst = Partition(values=[1, 1])
    red = rule.reduce(inst)
    with pytest.raises(ValueError):
        red.forward((1, 1))
    with pytest.raises(ValueError, match="box"):
        rule.reduce(inst, box=0)
    with pytest.raises(TypeError):
        rule.reduce([1, 1])
    with pytest.raises(ValueError):
        red.backward((np.zeros(2), np.zeros((3, 2))))
