"""The SCIP decomposition cross-check of the certified best one-layer LSA (benchmarks.perf.crosscheck_best_scip)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.perf import crosscheck_best_scip as cc

pytest.importorskip("pyscipopt")
pytest.importorskip("pyomo")


def test_boxes_cover_the_patches():
    bx = cc.boxes(2, 3)
    assert len(bx) == 3 * 3**2
    for k in range(3):
        vol = sum(np.prod(hi - lo) for kk, lo, hi in bx if kk == k)
        assert vol == pytest.approx(2.0**2)
        assert all(np.all(lo >= -1) and np.all(hi <= 1) and np.all(lo < hi) for kk, lo, hi in bx if kk == k)



def test_scip_decomposition_certifies_d2(tmp_path):
    """d = 2, whole patches (S = 1): SCIP's decomposition bound agrees with our branch-and-bound."""
    out = tmp_path / "xc.json"
    doc = cc.crosscheck(2, 1, 25.0, out=str(out), progress=False)
    s = doc["summary"]
    bnb = doc["bnb"]
    assert bnb["certified_global"]
    f_cert = bnb["f_best"]
    assert doc["U"] == pytest.approx(f_cert, abs=1e-9)
    assert s["complete"] and s["boxes_total"] == 3 and s["boxes_done"] == 3
    lb = s["lower_bound_scip"]
    assert lb is not None
    assert lb <= f_cert + 1e-9  # a lower bound can not exceed a realised value
    assert lb >= f_cert - 1e-5  # ... and SCIP certifies f* within 1e-5
    assert s["certified_within_tol"]
    # the best SCIP primal (re-evaluated in float64) is a realised value, hence >= our lower bound
    assert s["best_primal_recheck"] >= bnb["lower_bound"] - 1e-12
    saved = json.loads(out.read_text())
    assert saved["summary"]["lower_bound_scip"] == pytest.approx(lb)
    assert len(saved["boxes"]) == 3 and len(saved["summary"]["smallest_bounds"]) == 3
