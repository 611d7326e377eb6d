"""Running small dense float computations with the bundled OpenBLAS limited to one thread.

The exact path only uses floating point to *propose* certificates (a Cholesky factor, its inverse,
a few Lanczos steps) on matrices of a few hundred rows. On a shared, oversubscribed machine a
multi-threaded OpenBLAS spins on such sizes and took several times longer than one thread;
:func:`single_blas_thread` pins the OpenBLAS libraries bundled with numpy and scipy to one thread
for the duration of a block (best effort: without such libraries it does nothing).
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy
import scipy

__all__ = ["single_blas_thread", "one_blas_thread"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


@lru_cache(maxsize=1)
def _thread_controls() -> tuple[tuple[Any, Any], ...]:
    """``(get, set)`` thread-count functions of the bundled OpenBLAS libraries (found once)."""
    out: list[tuple[Any, Any]] = []
    for mod, name in ((numpy, "numpy"), (scipy, "scipy")):
        if mod.__file__ is None:  # pragma: no cover - numpy and scipy are regular packages
            continue
        libdir = Path(mod.__file__).resolve().parent.parent / f"{name}.libs"
        for f in sorted(libdir.glob("libscipy_openblas*.so")):
            try:
                lib = ctypes.CDLL(str(f))
            except OSError:  # pragma: no cover - unloadable library
                continue
            for suffix in ("64_", ""):
                get = getattr(lib, f"scipy_openblas_get_num_threads{suffix}", None)
                put = getattr(lib, f"scipy_openblas_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    out.append((get, put))
                    break
    return tuple(out)


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Run the block with the bundled OpenBLAS limited to one thread (restored afterwards).

    Returns
    -------
    contextlib.AbstractContextManager
        A context manager; the previous thread counts are restored on exit.

    Examples
    --------
    >>> import numpy as np
    >>> with single_blas_thread():
    ...     float(np.linalg.cholesky(np.eye(3) * 4.0)[0, 0])
    2.0
    """
    saved = []
    for get, put in _thread_controls():
        saved.append((put, int(get())))
        put(1)
    try:
        yield
    finally:
        for put, old in saved:
            put(old)


def one_blas_thread(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorate ``fn`` so that it runs inside :func:`single_blas_thread`.

    The signature, name and docstring of ``fn`` are kept via ``functools.wraps``.

    Parameters
    ----------
    fn : callable
        The function to wrap.

    Returns
    -------
    callable
        ``fn`` with the bundled OpenBLAS limited to one thread while it runs.

    Examples
    --------
    >>> @one_blas_thread
    ... def double(x):
    ...     return 2 * x
    >>> double(21)
    42
    """

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with single_blas_thread():
            return fn(*args, **kwargs)

    return wrapper
