"""Generate the API reference pages from the package tree, so that they never list a module that
moved or miss one that was added.

For each top-level package (``lsahard``, ``recovery``, ``reductions``, ``benchmarks``) it writes
``api/<package>.rst`` (the package docstring's first line, then one section per subpackage with an
autosummary table) and ``api/modules/<module>.rst`` (``automodule`` with its public members).
Private modules (a leading underscore) and scripts that run when imported are left out.
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

PACKAGES = ("recovery", "reductions", "benchmarks", "lsahard")
#: modules that do their work at import time (scripts), so autodoc must not import them
SKIP = {"lsahard.__main__", "lsahard.cli.__main__", "benchmarks.perf.fig5_dense_check"}


def _modules(package: str) -> list[str]:
    pkg = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(pkg.__path__, package + "."):
        if any(part.startswith("_") for part in info.name.split(".")) or info.name in SKIP:
            continue
        names.append(info.name)
    return sorted(names)


def _title(module: str) -> str:
    doc = (importlib.import_module(module).__doc__ or "").strip().splitlines()
    return doc[0].rstrip(".") if doc else module


def _write(path: Path, text: str) -> None:
    # only rewrite on change, so that Sphinx does not rebuild every page each time
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _package_page(package: str, modules: list[str]) -> str:
    title = f"``{package}``"
    lines = [title, "=" * len(title), "", _title(package) + ".", ""]
    groups: dict[str, list[str]] = {}
    for m in modules:
        parts = m.split(".")
        group = ".".join(parts[:2]) if len(parts) > 2 or (len(parts) == 2 and _is_package(m)) else package
        groups.setdefault(group, []).append(m)
    for group, members in groups.items():
        head = f"``{group}``" + ("" if group == package else f": {_title(group)}")
        lines += [head, "-" * len(head), "", ".. autosummary::", ""]
        lines += [f"   ~{m}" for m in members] + [""]
    lines += [".. toctree::", "   :hidden:", ""] + [f"   modules/{m}" for m in modules] + [""]
    return "\n".join(lines)


def _is_package(module: str) -> bool:
    return hasattr(importlib.import_module(module), "__path__")


def generate(app) -> None:
    api = Path(app.srcdir) / "api"
    (api / "modules").mkdir(parents=True, exist_ok=True)
    wanted = {m for package in PACKAGES for m in _modules(package)}
    for stale in (api / "modules").glob("*.rst"):  # pages of modules that moved or were removed
        if stale.stem not in wanted:
            stale.unlink()
    for package in PACKAGES:
        modules = _modules(package)
        _write(api / f"{package}.rst", _package_page(package, modules))
        for m in modules:
            title = f"``{m}``"
            # __all__ may list re-exports (a package's public names, a module kept for its old import
            # path); every name is documented once, on the page of the module that defines it
            extra = "   :ignore-module-all:\n"
            _write(api / "modules" / f"{m}.rst",
                   f"{title}\n{'=' * len(title)}\n\n.. automodule:: {m}\n   :members:\n{extra}")


def setup(app):
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
