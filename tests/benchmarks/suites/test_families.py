"""Benchmark families: deterministic instances, known answers cross-checked, one real tiny suite."""

from __future__ import annotations

import pytest

from benchmarks.runner import results
from benchmarks.suites import catalog as suites
from benchmarks.suites import families
from benchmarks.suites.families import ChainFamily

CHAINS = sorted(n for n, f in families.FAMILIES.items() if isinstance(f, ChainFamily))


def test_register_family_hook():
    class Mine(families.ToyFamily):
        pass

    fam = Mine("toy-test-hook", ("toy-fast",))
    families.register_family(fam)
    try:
        assert families.get_family("toy-test-hook") is fam
        with pytest.raises(ValueError, match="already registered"):
            families.register_family(fam)
        with pytest.raises(TypeError):
            families.register_family(object())  # type: ignore[arg-type]
    finally:
        families.FAMILIES.pop("toy-test-hook")


def test_real_tiny_suite_end_to_end(tmp_path):
    out = tmp_path / "tiny"
    summary = suites.run_suite("tiny", out, jobs=2, progress=False)
    recs = results.read_records(out)
    known = results.load_known_answers(out)
    assert summary.executed == len(recs) > 0
    assert {r["level"] for r in recs} == {"source", "lsa_program"}
    assert not any(r["classification"] == "wrong" for r in recs)
    # every decided run agrees with the known answer, and the exact source deciders decide all
    for r in recs:
        if r["answer"] is not None:
            assert r["answer"] == known[r["instance"]]
        if r["level"] == "source":
            assert r["classification"] == "ok"
        if r["classification"] == "error":
            assert r["refused"], r["error"]
    scip = [r for r in recs if r["solver"] == "scip"]
    assert scip and all(r["classification"] in ("ok", "timeout") for r in scip)
