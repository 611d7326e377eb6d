"""The README's layout section names every module of the four packages, and no module that is gone.

The modules are found by walking the package directories, so a module that is added, moved or
split fails this test until the section is regenerated with
``python docs/regenerate.py --layout --write``.
"""

import importlib.util
import sys

from tests.paths import REPO


def _load_regenerate():
    name = "lsahard_docs_regenerate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "docs" / "regenerate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


regenerate = _load_regenerate()


def test_layout_section_lists_exactly_the_package_modules():
    on_disk = {m.as_posix() for m in regenerate.package_modules(REPO)}
    in_readme = regenerate.parse_layout(regenerate.readme_layout_section(REPO / "README.md"))
    missing, stale = sorted(on_disk - in_readme), sorted(in_readme - on_disk)
    assert not missing and not stale, (
        f"README layout is out of date: missing {missing}, no longer present {stale}; "
        "run `python docs/regenerate.py --layout --write`")


def test_layout_round_trip():
    # what the generator writes, the parser reads back
    modules = regenerate.package_modules(REPO)
    assert regenerate.parse_layout(regenerate.layout(REPO, modules=modules)) == {m.as_posix() for m in modules}


def test_package_walk_sees_every_package():
    mods = {m.as_posix() for m in regenerate.package_modules(REPO)}
    for package in regenerate.PACKAGES:
        assert f"{package}/__init__.py" in mods
    assert "recovery/lsa/__init__.py" in mods
