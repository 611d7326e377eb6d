"""The package namespace keeps submodules reachable as attributes of ``recovery``."""
import importlib
import subprocess
import sys
import types

import pytest


@pytest.mark.parametrize("module,function", [("verify", "verify"), ("phi", "phi")])
def test_submodule_attribute_is_the_module(module, function):
    code = (
        f"import recovery.{module}, types; "
        f"assert isinstance(recovery.{module}, types.ModuleType), type(recovery.{module}); "
        f"assert callable(recovery.{module}.{function})"
    )
    # A fresh interpreter, so that the import order of other tests does not matter.
    subprocess.run([sys.executable, "-c", code], check=True)


def test_functions_still_importable_from_their_modules():
    from recovery.phi import phi
    from recovery.verify import verify

    assert callable(phi) and callable(verify)
    import recovery

    assert isinstance(recovery.verify, types.ModuleType)
    assert isinstance(recovery.phi, types.ModuleType)


def test_no_exported_name_shadows_a_submodule():
    import pkgutil

    import recovery

    for info in pkgutil.iter_modules(recovery.__path__):
        value = getattr(recovery, info.name, None)
        if value is not None:
            assert isinstance(value, types.ModuleType), info.name
        assert importlib.import_module(f"recovery.{info.name}") is not None
