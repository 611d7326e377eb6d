"""The written structure rules, checked: module size, plain imports, tests beside their modules,
no build-history wording.

Each check walks the source tree, so a module added tomorrow is checked too.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.paths import REPO

PACKAGES = ("lsahard", "recovery", "reductions", "benchmarks")
#: "about 400 lines at most": a module may run a little over while it holds one idea
MAX_MODULE_LINES = 450
#: where ``importlib.import_module`` is allowed: user plugins (``--plugin``) and the benchmark
#: worker, which imports the ``"module:function"`` runner a task names (a plugin's own runner)
IMPORT_MODULE_ALLOWED = {"benchmarks/suites/plugins.py", "benchmarks/runner/worker.py"}


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py") if "__pycache__" not in p.parts)


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.mark.parametrize("path", _sources(), ids=_rel)
def test_module_is_about_400_lines_at_most(path):
    n = len(path.read_text().splitlines())
    assert n <= MAX_MODULE_LINES, f"{_rel(path)} has {n} lines (> {MAX_MODULE_LINES}): split it by idea"


def _import_module_calls(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("import_module", "__import__"):
                lines.append(node.lineno)
    return lines


def test_importlib_only_for_plugins():
    offenders = []
    for path in _sources():
        if _rel(path) in IMPORT_MODULE_ALLOWED:
            continue
        calls = _import_module_calls(ast.parse(path.read_text()))
        offenders += [f"{_rel(path)}:{line}" for line in calls]
    assert not offenders, f"dynamic imports outside the plugin loader: {offenders}"


def test_the_check_can_fail():
    tree = ast.parse("import importlib\nm = importlib.import_module('x')\n")
    assert _import_module_calls(tree) == [2]


def test_every_test_folder_mirrors_a_package():
    missing = []
    for folder in sorted(p for p in (REPO / "tests").rglob("*") if p.is_dir() and "__pycache__" not in p.parts):
        rel = folder.relative_to(REPO / "tests")
        if rel.parts and not (REPO / rel).is_dir():
            missing.append(str(rel))
    assert not missing, f"test folders without a package of the same path: {missing}"


#: wording about how the code was produced, not about what it does
_HISTORY = re.compile(r"\b(issue \d+|being written|subagent|engineers?)\b", re.IGNORECASE)


def test_no_build_history_wording():
    texts = _sources() + sorted((REPO / "docs").rglob("*.md")) + sorted((REPO / "tests").rglob("*.py"))
    texts += [REPO / "README.md", REPO / "CHANGELOG.md"]
    hits = []
    for path in texts:
        if "_build" in path.parts or "auto_examples" in path.parts or path == Path(__file__):
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if _HISTORY.search(line):
                hits.append(f"{_rel(path)}:{i}: {line.strip()[:80]}")
    assert not hits, "\n".join(hits)
