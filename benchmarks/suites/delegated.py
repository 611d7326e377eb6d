"""Delegated suites: suites that run their own benchmark code instead of the runner's tasks.

``paper``   :func:`recovery.paper.experiments.run_paper_suite` (the paper's experiments).
``claims``  :func:`recovery.paper.claims.run_claims` (the project's claims, checked by computation).

Every delegated suite is called the same way::

    run(out_dir: pathlib.Path, *, quick: bool, time_limit: float | None, progress: bool) -> Any

``out_dir`` exists when it is called and the suite writes its own files there; ``quick`` asks for
the quick (not the full) version; ``time_limit`` is a per-run limit in seconds (None: the suite's
own); ``progress`` asks for progress lines on stderr.  A suite ignores an option it has no use
for.  More suites are added with :func:`register_delegated` (the ``recovery`` suite of
:mod:`benchmarks.perf.bench_recovery` is registered by the command line, which sits above the
performance scripts).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recovery.paper.claims import run_claims
from recovery.paper.experiments import run_paper_suite

__all__ = ["DelegatedSuite", "DELEGATED_SUITES", "register_delegated", "run_delegated"]


@dataclass(frozen=True)
class DelegatedSuite:
    """A delegated suite: ``run(out_dir, *, quick, time_limit, progress)`` and a one-line description.

    Attributes
    ----------
    run : callable
        Called as in the module docstring.
    description : str
        One line, shown in the list of suites.
    """

    run: Callable[..., Any]
    description: str


def _stderr_line(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _run_paper(out_dir: Path, *, quick: bool, time_limit: float | None, progress: bool) -> Any:
    # the paper's experiments have no per-run limit and log on their own
    return run_paper_suite(out_dir, quick=quick)


def _run_claims(out_dir: Path, *, quick: bool, time_limit: float | None, progress: bool) -> Any:
    return run_claims(out_dir, quick=quick, progress=_stderr_line if progress else None)


#: name -> delegated suite
DELEGATED_SUITES: dict[str, DelegatedSuite] = {
    "paper": DelegatedSuite(_run_paper, "the paper's experiments"),
    "claims": DelegatedSuite(_run_claims, "the project's claims, checked by computation"),
}


def register_delegated(name: str, suite: DelegatedSuite, *, replace: bool = False) -> DelegatedSuite:
    """Add a delegated suite under ``name``.

    Parameters
    ----------
    name : str
        The suite's name (``lsahard bench --suite NAME``).
    suite : DelegatedSuite
        Its ``run`` follows the call signature of the module docstring.
    replace : bool
        Replace a delegated suite of the same name (else ValueError).

    Returns
    -------
    DelegatedSuite
        ``suite`` itself.

    Raises
    ------
    TypeError
        If ``suite`` is not a :class:`DelegatedSuite`.
    ValueError
        For an empty name, or a name already taken when ``replace`` is False.
    """
    if not isinstance(suite, DelegatedSuite):
        raise TypeError(f"suite must be a DelegatedSuite, got {type(suite).__name__}")
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    if name in DELEGATED_SUITES and not replace:
        raise ValueError(f"name: delegated suite {name!r} is already registered")
    DELEGATED_SUITES[name] = suite
    return suite


def run_delegated(name: str, out_dir: str | Path, *, quick: bool = True, time_limit: float | None = None,
                  progress: bool = True) -> Any:
    """Run the delegated suite ``name`` into ``out_dir``.

    Parameters
    ----------
    name : str
        A key of :data:`DELEGATED_SUITES`.
    out_dir : str or Path
        Created if needed; the suite writes its own files there.
    quick : bool
        The quick version (default) or the full one.
    time_limit : float, optional
        Seconds per run, > 0 (None: the suite's own).
    progress : bool
        Progress lines on stderr.

    Returns
    -------
    Any
        What the suite's ``run`` returns (a list or dict of results).

    Raises
    ------
    ValueError
        For an unknown name (naming the choices) or a ``time_limit`` that is not a finite
        number > 0.
    """
    if name not in DELEGATED_SUITES:
        raise ValueError(f"name: unknown delegated suite {name!r}; choose one of {', '.join(DELEGATED_SUITES)}")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, (int, float))
                                   or not math.isfinite(time_limit) or time_limit <= 0):
        raise ValueError(f"time_limit must be a finite number of seconds > 0, got {time_limit!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return DELEGATED_SUITES[name].run(out, quick=bool(quick), time_limit=None if time_limit is None else float(time_limit),
                                      progress=bool(progress))
