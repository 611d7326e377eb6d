"""Instance files read with their known answers: manifest, chromatic number, the exact source decider."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.suites import instance_loading
from tests.paths import REPO

EXAMPLES = REPO / "docs" / "examples" / "instances"

#: the example set's truth, from the graphs and formulas themselves (K3, C5: 3-colourable; K4 not)
TRUTH_3 = {"tiny-sat": "YES", "tiny-unsat": "NO", "triangle": "YES", "c5": "YES", "k4": "NO"}


def _examples(tmp_path: Path) -> Path:
    d = tmp_path / "inst"
    shutil.copytree(EXAMPLES, d)
    return d


def test_known_answers_manifest_chi_and_decider(tmp_path):
    d = _examples(tmp_path)
    got = {fi.name: (fi.answer, fi.provenance, fi.family) for fi in
           instance_loading.load_instances([d], answers=d / "answers.solu", colors=3)}
    assert {k: v[0] for k, v in got.items()} == TRUTH_3
    assert got["k4"][1].startswith("manifest (chi") and got["tiny-sat"][1] == "manifest"
    assert got["c5"][2] == "coloring-files" and got["tiny-sat"][2] == "cnf-files"
    # without --colors a graph runs with k = chi (a YES instance)
    nocol = {fi.name: (fi.answer, fi.problem.k) for fi in
             instance_loading.load_instances([d / "k4.col"], answers=d / "answers.solu")}
    assert nocol == {"k4": ("YES", 4)}
    # no manifest: the exact source decider (PySAT) gives the answers
    dec = {fi.name: (fi.answer, fi.provenance) for fi in instance_loading.load_instances([d], colors=3)}
    assert {k: v[0] for k, v in dec.items()} == TRUTH_3
    assert dec["tiny-sat"][1].startswith("sat decider")
    # no colours at all for a .col: a clear error
    with pytest.raises(ValueError, match="colours"):
        instance_loading.load_instances([d / "c5.col"])
