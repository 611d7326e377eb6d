"""The documentation's examples and references stay in step with the package tree.

* every gallery script (``docs/gallery/plot_*.py``) imports only public names and has the title
  block sphinx-gallery needs;
* every module, function or class that the hand-written pages name (``{func}`recovery.x.y```,
  ```reductions.decide```, ``python -m benchmarks.perf.bench_exact``) can be imported, and every
  repository path they name (``tests/...py``, ``recovery/.../x.py``) exists. A page that still
  names a module that moved fails here with the page and line.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re

import pytest

from tests.paths import REPO

DOCS = REPO / "docs"
PACKAGES = ("recovery", "reductions", "benchmarks", "lsahard")
#: the hand-written pages checked here (the results pages carry historical commands of their runs)
PAGES = sorted([*DOCS.glob("*.md"), *(DOCS / "guides").glob("*.md"), *(DOCS / "theory").glob("*.md"),
                DOCS / "results" / "index.md", DOCS / "results" / "realisability.md", REPO / "README.md"])
GALLERY = sorted((DOCS / "gallery").glob("plot_*.py"))

_PKG = "|".join(PACKAGES)
#: a dotted name into one of the packages, inside backticks or a role
_DOTTED = re.compile(rf"(?<![\w./-])((?:{_PKG})(?:\.[A-Za-z_]\w*)+)(?![\w/]|\.\w)")
_PYTHON_M = re.compile(r"python -m ([A-Za-z_][\w.]*\w)(?![\w.<])")
_PATH = re.compile(rf"(?<![\w./-])((?:tests|docs|{_PKG})/[\w./-]*\.(?:py|md|cnf|png|json))(?:::\w+)?")
#: schema names (``lsahard.bilinear/1``) and placeholders are not module references
_NOT_A_NAME = re.compile(r"^lsahard\.[a-z_]+/\d")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        module = obj
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        if len(parts) == i + 1 and not hasattr(obj, "__module__") and getattr(module, "__file__", None):
            # a constant: it must be assigned in the module named, where the API pages document it
            source = open(module.__file__, encoding="utf-8").read()
            return re.search(rf"^{re.escape(parts[-1])}\s*[:=]", source, re.M) is not None
        return True
    return False


def _references(page):
    text = page.read_text(encoding="utf-8")
    if "<!-- layout:" in text:  # the README's generated layout (checked by test_readme_layout.py)
        start, end = text.index("<!-- layout:"), text.index("<!-- end of layout -->")
        text = text[:start] + "\n" * text[start:end].count("\n") + text[end:]
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in _DOTTED.finditer(line):
            if m.group(1).rsplit(".", 1)[1] in ("md", "py", "png", "json", "rst"):
                continue  # a file name such as reductions.md
            if not _NOT_A_NAME.match(line[m.start():]):
                yield lineno, "name", m.group(1)
        for m in _PYTHON_M.finditer(line):
            yield lineno, "python -m", m.group(1)
        for m in _PATH.finditer(line):
            if "<" not in m.group(1) and "*" not in m.group(1):
                yield lineno, "path", m.group(1)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_page_references_resolve(page):
    broken = []
    for lineno, kind, ref in _references(page):
        if kind == "name":
            ok = _resolves(ref)
        elif kind == "python -m":
            top = ref.split(".")[0]
            ok = top not in PACKAGES or importlib.util.find_spec(ref) is not None
        else:
            ok = (REPO / ref).exists() or (DOCS / ref).exists()
        if not ok:
            broken.append(f"{page.relative_to(REPO)}:{lineno}: {kind} {ref}")
    assert not broken, "references that do not resolve:\n" + "\n".join(broken)


def test_gallery_has_examples():
    assert len(GALLERY) >= 3
    assert (DOCS / "gallery" / "README.rst").is_file()


@pytest.mark.parametrize("script", GALLERY, ids=lambda p: p.name)
def test_gallery_script_uses_public_names(script):
    tree = ast.parse(script.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and "\n===" in doc, "a gallery script starts with a docstring whose title is underlined with ="
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            assert not any(part.startswith("_") for part in node.module.split(".")), node.module
            for alias in node.names:
                assert not alias.name.startswith("_"), f"{node.module}.{alias.name} is private"
                assert _resolves(f"{node.module}.{alias.name}"), f"{node.module}.{alias.name} does not exist"
