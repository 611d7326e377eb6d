"""Instance files on disk (benchmarks.suites.instance_files)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.suites.instance_files import collect_paths, instance_name
from tests.paths import REPO

EXAMPLES = REPO / "docs" / "examples" / "instances"

#: the example set's truth, from the graphs and formulas themselves (K3, C5: 3-colourable; K4 not)
TRUTH_3 = {"tiny-sat": "YES", "tiny-unsat": "NO", "triangle": "YES", "c5": "YES", "k4": "NO"}


def _examples(tmp_path: Path) -> Path:
    d = tmp_path / "inst"
    shutil.copytree(EXAMPLES, d)
    return d


def test_collect_and_names(tmp_path):
    d = _examples(tmp_path)
    files = collect_paths([d])
    assert sorted(instance_name(f) for f in files) == sorted(TRUTH_3)
    # a glob and a single file; each file once
    again = collect_paths([str(d / "*.cnf"), d / "tiny-sat.cnf"])
    assert [f.name for f in again] == ["tiny-sat.cnf", "tiny-unsat.cnf"]
    assert instance_name("a/uf20-01.cnf.xz") == "uf20-01"
    with pytest.raises(ValueError, match="no such file"):
        collect_paths([tmp_path / "nope"])
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(ValueError, match="not an instance file"):
        collect_paths([tmp_path / "x.txt"])
