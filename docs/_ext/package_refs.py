"""Cross-references to the four packages: resolve re-exported names, and make broken ones errors
on the hand-written pages.

* ``{func}`recovery.recover``` names a function by its public re-export; the API pages document
  it once, where it is defined (``recovery.realizability.realize.recover``). When the Python
  domain does not find a target in ``recovery``, ``reductions``, ``benchmarks`` or ``lsahard``,
  this extension imports it, looks up the module that defines it and resolves the reference there.
* A reference into the four packages that still does not resolve is reported as a warning (an
  error under ``sphinx-build -W``) when it is written on a hand-written page (guides, theory,
  results, the gallery), so a page that names a module that moved fails the build. References
  inside docstrings (the ``api/`` pages) are left to Sphinx's defaults.
"""

from __future__ import annotations

import importlib

from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGES = ("recovery", "reductions", "benchmarks", "lsahard")


def resolve_object(target: str):
    """Import the longest importable module prefix of ``target`` and get the rest as attributes.

    Returns ``(module_name, object)`` or ``None`` when ``target`` does not name an object.
    """
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(name)
        except Exception:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return name, obj
    return None


def _defining_target(target: str) -> str | None:
    """Where the object named ``target`` is documented: its defining module and qualified name.
    An attribute or constant (no qualified name of its own) is documented beside its owner."""
    found = resolve_object(target)
    if found is None:
        parent, _, attr = target.rpartition(".")
        owner = resolve_object(parent) if parent else None
        # a dataclass field without a default is not an attribute of the class
        if owner is not None and attr in getattr(owner[1], "__dataclass_fields__", {}):
            defining = _defining_target(parent)
            return f"{defining}.{attr}" if defining else None
        return None
    _, obj = found
    if hasattr(obj, "__path__") or type(obj).__name__ == "module":
        return getattr(obj, "__name__", None)
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str) and target.endswith(qualname.split(".")[-1]):
        return f"{module}.{qualname}"
    parent, _, attr = target.rpartition(".")
    defining = _defining_target(parent) if parent and parent != found[0] else None
    return f"{defining}.{attr}" if defining else target


def _missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target.startswith(tuple(p + "." for p in PACKAGES)) and target not in PACKAGES:
        return None
    defining = _defining_target(target)
    if defining and defining != target:
        domain = env.get_domain("py")
        node = node.deepcopy()
        node["reftarget"] = defining
        resolved = domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], defining, node, contnode)
        if resolved is not None:
            return resolved
        # the object exists but has no entry of that type (e.g. a constant named with {func}): try any
        for _role, hit in domain.resolve_any_xref(env, node["refdoc"], app.builder, defining, node, contnode):
            return hit
    docname = node.get("refdoc", "")
    if not docname.startswith("api/"):
        what = "does not exist" if _defining_target(target) is None else "has no entry in the API reference"
        logger.warning("reference to %s: %s (a module or name that moved?)", target, what,
                       location=node, type="package_refs", subtype="unresolved")
    return None


def setup(app):
    app.connect("missing-reference", _missing_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
