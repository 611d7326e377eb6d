"""The documentation site builds with warnings as errors (the README's command, into a tmp dir)."""

import pytest

from tests.paths import REPO

DOCS = REPO / "docs"


def test_docs_build_without_warnings(tmp_path):
    pytest.importorskip("sphinx", reason="sphinx is not installed (pip install -e '.[docs]')")
    pytest.importorskip("myst_parser", reason="myst-parser is not installed (pip install -e '.[docs]')")
    pytest.importorskip("pydata_sphinx_theme", reason="pydata-sphinx-theme is not installed (pip install -e '.[docs]')")
    pytest.importorskip("sphinx_gallery", reason="sphinx-gallery is not installed (pip install -e '.[docs]')")
    from sphinx.cmd.build import build_main

    out = tmp_path / "html"
    code = build_main(["-W", "-b", "html", "-q", str(DOCS), str(out)])
    assert code == 0, "sphinx-build -W reported warnings or errors (see the captured output above)"
    assert (out / "index.html").is_file()
