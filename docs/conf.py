"""Sphinx configuration for the lsahard documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` from the repository root.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")

project = "lsahard"
author = "lsahard contributors"
copyright = "2025-2026, lsahard contributors"
try:
    from importlib.metadata import version as _version

    release = _version("lsahard")
except Exception:  # pragma: no cover - not installed
    release = "0.1.0"
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "plain_docstrings",
    "api_pages",
    "package_refs",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "figures/**/*.md",
    "figures/**/*.txt",
    "examples",
    "_ext",
    "results/_generated",  # fragments of docs/regenerate.py, included by the results pages
    "gallery",  # the example scripts; sphinx-gallery renders them into auto_examples/
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "auto_examples/*.md5",
    "auto_examples/*.txt",
]

# Markdown
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

# API reference
autosummary_generate = True
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_mock_imports = ["gurobipy", "maingopy"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
# "Attributes" sections as field lists: dataclass fields are also documented by autodoc itself
napoleon_use_ivar = True
add_module_names = False

# A short class name in a docstring (``:class:`Progress```) that two modules define is resolved to
# the first match instead of failing the build ("more than one target found"); references written
# with the full module path are unaffected.
suppress_warnings = ["ref.python"]

# References into the four packages on the hand-written pages must resolve (docs/_ext/package_refs.py):
# a {mod}/{func}/{class} role naming a module or function that moved fails the -W build, and
# re-exported names ({func}`recovery.recover`) resolve to the module that defines them.

# Example gallery: docs/gallery/plot_*.py run at build time into docs/auto_examples/ (git-ignored)
sphinx_gallery_conf = {
    "examples_dirs": "gallery",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "show_memory": False,
    "write_computation_times": False,  # no sg_execution_times.rst in docs/
    "plot_gallery": "True",
}

# HTML
html_theme = "pydata_sphinx_theme"
html_title = f"lsahard {release}"
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = ["_ext/static"]
html_css_files = ["lsahard.css"]
