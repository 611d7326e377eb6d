"""Plugins: modules imported by name before a suite runs (``lsahard bench --plugin MODULE``).

A plugin module registers families (:func:`benchmarks.suites.families.register_family`), suites
(:func:`benchmarks.suites.catalog.register_suite`) or delegated suites
(:func:`benchmarks.suites.delegated.register_delegated`) when it is imported; its solvers are
named by ``"module:function"`` runner strings that the workers import.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType

__all__ = ["load_plugins"]


def load_plugins(modules: Sequence[str]) -> list[ModuleType]:
    """Import every module of ``modules``, in order.

    Parameters
    ----------
    modules : sequence of str
        Dotted module names (importable from ``sys.path``).

    Returns
    -------
    list of module
        The imported modules.

    Raises
    ------
    ValueError
        Naming the first module that cannot be imported.

    Examples
    --------
    >>> [m.__name__ for m in load_plugins(["benchmarks.suites.toy"])]
    ['benchmarks.suites.toy']
    """
    out = []
    for name in modules:
        try:
            out.append(importlib.import_module(name))
        except ImportError as exc:
            raise ValueError(f"modules: cannot import {name!r} ({exc})") from None
    return out
