"""The package namespace: submodules reachable as attributes, no export spelled like a submodule."""
import importlib
import subprocess
import sys
import types

import pytest


@pytest.mark.parametrize("module,function", [("programs.verification", "verify"), ("lsa.reparam", "phi")])
def test_submodule_attribute_is_the_module(module, function):
    code = (
        f"import recovery.{module}, types; "
        f"assert isinstance(recovery.{module}, types.ModuleType), type(recovery.{module}); "
        f"assert callable(recovery.{module}.{function})"
    )
    # A fresh interpreter, so that the import order of other tests does not matter.
    subprocess.run([sys.executable, "-c", code], check=True)


def test_functions_still_importable_from_their_modules():
    from recovery.lsa.reparam import phi
    from recovery.programs.verification import verify

    assert callable(phi) and callable(verify)
    import recovery

    assert isinstance(recovery.programs.verification, types.ModuleType)
    assert isinstance(recovery.lsa.reparam, types.ModuleType)


def test_no_exported_name_shadows_a_submodule():
    import pkgutil

    import recovery

    for info in pkgutil.iter_modules(recovery.__path__):
        value = getattr(recovery, info.name, None)
        if value is not None:
            assert isinstance(value, types.ModuleType), info.name
        assert importlib.import_module(f"recovery.{info.name}") is not None


def test_no_module_shares_a_name_with_a_function_of_its_package():
    """``import recovery.x.y; recovery.x.y.f`` must always reach the module y, in every subpackage."""
    import pkgutil

    import recovery

    for info in pkgutil.walk_packages(recovery.__path__, "recovery."):
        parent_name, _, leaf = info.name.rpartition(".")
        parent = importlib.import_module(parent_name)
        value = getattr(parent, leaf, None)
        assert value is None or isinstance(value, types.ModuleType), info.name
