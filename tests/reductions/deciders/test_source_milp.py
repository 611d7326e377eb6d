"""HiGHS MILP models of the source problems (reductions.deciders.source_milp): the big-M box bound and
the soundness of NO answers (only a solver's proof of infeasibility may become answer False)."""

from __future__ import annotations

import numpy as np
import pytest

from reductions import Partition, Separability, decide
from reductions.deciders.highs_models import sep_lp as _sep_lp
from reductions.deciders.source_milp import separability_box_bound


def test_separability_box_bound_covers_lp_vertices():
    """The box B of the big-M must contain a margin-1 separation whenever one exists: minimise
    random objectives over the margin-1 polyhedron intersected with a 10x larger box and check
    that feasibility within B itself is never lost (an LP within B exists iff one within 10B)."""
    import scipy.sparse as sp

    from reductions.deciders.source import highs_milp

    rng = np.random.default_rng(11)
    for _ in range(40):
        dim = int(rng.integers(1, 4))
        P = rng.integers(-3, 4, size=(int(rng.integers(1, 4)), dim)).astype(float)
        Q = rng.integers(-3, 4, size=(int(rng.integers(1, 4)), dim)).astype(float)
        B = separability_box_bound(P, Q)
        A = np.vstack([np.hstack([-P, np.ones((len(P), 1))]), np.hstack([Q, -np.ones((len(Q), 1))])])
        free = _sep_lp(P, Q) is not None

        def boxed(b):
            status, x = highs_milp(np.zeros(dim + 1), sp.csr_matrix(A), np.full(len(A), -np.inf), -np.ones(len(A)),
                                   np.full(dim + 1, -b), np.full(dim + 1, b), np.zeros(dim + 1, bool))
            return x is not None

        assert boxed(B) == free


def test_milp_answer_counts_only_infeasibility_proofs():
    """Every HiGHS model status: only kInfeasible / kUnboundedOrInfeasible (zero objective) are
    proofs; "Model error", "Solve error", time limits ... must stay unknown."""
    import highspy

    from reductions.deciders.highs_models import milp_answer as _milp_answer

    h = highspy.Highs()
    proofs = {highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible}
    seen = 0
    for name in dir(highspy.HighsModelStatus):
        if not name.startswith("k"):
            continue
        st_ = getattr(highspy.HighsModelStatus, name)
        text = h.modelStatusToString(st_)
        assert (_milp_answer(text, None) == "infeasible") == (st_ in proofs), text
        seen += 1
    assert seen >= 15


@pytest.mark.parametrize("status", ["Model error", "Solve error", "Unknown", "Time limit reached", "Unbounded"])
def test_failed_highs_run_never_answers_no(monkeypatch, status):
    import reductions.deciders.source_milp as S
    from reductions import CNF

    unsat = CNF(n_vars=1, clauses=((1,), (-1,)))
    assert decide(unsat, "milp").answer is False  # the real proof
    monkeypatch.setattr(S, "highs_milp", lambda *a, **k: (status, None))
    for inst in (unsat, Partition([1, 2]), Separability(inside=[[0]], outside=[[0]])):
        d = decide(inst, "milp")
        assert d.answer is None, (status, d)
