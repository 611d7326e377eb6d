"""Where a benchmark ran: Python and package versions, host, OS, CPU and memory."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import highspy
import psutil
import pyscipopt

from recovery.programs.solvers.isolation import captured_output

__all__ = ["versions_info", "machine_info"]

_VERSION_PACKAGES = ("lsahard", "numpy", "scipy", "highspy", "pyscipopt", "pyomo", "networkx", "cvxpy",
                     "maingopy", "gurobipy", "psutil")


def versions_info() -> dict[str, str]:
    """Python and package versions (installed distributions only).

    Also the versions of the SCIP and HiGHS libraries themselves (``scip``, ``highs``; the
    Python bindings' versions differ from them) where they can be read.

    Returns
    -------
    dict of str to str
        ``"python"`` and each installed package of the benchmark stack -> its version.
    """
    out = {"python": platform.python_version()}
    for pkg in _VERSION_PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    # the solver libraries themselves (the Python bindings' versions differ from them)
    try:
        out["scip"] = str(pyscipopt.Model().version())
    except Exception:  # noqa: BLE001 - a version is informative only
        pass
    try:
        with captured_output():  # Highs() prints its banner on fd 1
            h = highspy.Highs()
        out["highs"] = f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # noqa: BLE001 - a version is informative only
        pass
    return out


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    """Host, OS, CPU model, logical CPUs and memory of this machine.

    Returns
    -------
    dict
        ``host``, ``system`` (OS and release), ``arch``, ``cpu`` (model name), ``cpus`` (logical
        CPUs) and, where psutil can read it, ``mem_gb`` (total memory in GiB, one decimal).
    """
    info: dict[str, Any] = {
        "host": platform.node(),
        "system": f"{platform.system()} {platform.release()}",
        "arch": platform.machine(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
    }
    try:
        info["mem_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except Exception:  # psutil is a dependency, but memory is only informative
        pass
    return info
