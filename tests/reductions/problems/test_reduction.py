"""Reduction (reductions.problems.reduction): composition of the certificate maps and the chain metadata."""

from __future__ import annotations

import json

import pytest

from reductions import CNF
from reductions.problems.base import Reduction


def test_reduction_compose_maps_and_metadata():
    from reductions.rules import cnf_to_nae_sat, nae_sat_to_set_splitting

    f = CNF(2, [(1, 2), (-1,)])
    r1 = cnf_to_nae_sat.reduce(f)
    r2 = nae_sat_to_set_splitting.reduce(r1.target)
    r = Reduction.compose(r1, r2)
    assert r.source is f and r.target is r2.target
    assert [s["rule"] for s in r.steps] == ["cnf_to_nae_sat", "nae_sat_to_set_splitting"]
    sol = (False, True)
    assert r.forward(sol) == r2.forward(r1.forward(sol))
    assert r.target.check(r.forward(sol)) and f.check(r.backward(r.forward(sol)))
    meta = r.chain_json()
    assert meta["rules"] == ["cnf_to_nae_sat", "nae_sat_to_set_splitting"] and meta["size_matches"]
    json.dumps(meta)
    with pytest.raises(ValueError, match="compose"):
        Reduction.compose(r2, r1)
