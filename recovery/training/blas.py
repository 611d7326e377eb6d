"""Running numerical code with the bundled OpenBLAS limited to one thread.

On the shared, oversubscribed 2-core machine multi-threaded OpenBLAS spins on the small matrices of LSA training
and made e.g. a 1000 x 660 ``lstsq`` 30x slower in our measurements; :func:`single_thread_blas` (a context
manager) and :func:`one_blas_thread` (a decorator) pin it to one thread for the duration of a call.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
from pathlib import Path
from typing import Callable, Iterator, ParamSpec, TypeVar

__all__ = ["one_blas_thread", "single_thread_blas"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


@contextlib.contextmanager
def single_thread_blas() -> Iterator[None]:
    """Run the block with the bundled OpenBLAS of numpy and scipy limited to one thread.

    Best effort: the ``libscipy_openblas*`` libraries shipped in the ``numpy.libs`` and
    ``scipy.libs`` folders are set to one thread on entry and restored to their previous thread
    counts on exit.  On a shared, oversubscribed 2-core machine multi-threaded OpenBLAS spins and made
    e.g. a 1000 x 660 ``lstsq`` 30x slower in our measurements; without such libraries this does
    nothing.

    Yields
    ------
    None
        Control to the ``with`` block.

    Examples
    --------
    >>> import numpy as np
    >>> with single_thread_blas():
    ...     float(np.ones((2, 2)) @ np.ones(2) @ np.ones(2))
    4.0
    """
    handles = []
    for pkg in ("numpy", "scipy"):
        try:
            mod = __import__(pkg)
            if mod.__file__ is None:  # pragma: no cover - namespace package without a file
                continue
            libdir = Path(mod.__file__).resolve().parent.parent / f"{pkg}.libs"
            for f in sorted(libdir.glob("libscipy_openblas*.so")):
                lib = ctypes.CDLL(str(f))
                for suffix in ("64_", ""):
                    get = getattr(lib, f"scipy_openblas_get_num_threads{suffix}", None)
                    put = getattr(lib, f"scipy_openblas_set_num_threads{suffix}", None)
                    if get is not None and put is not None:
                        handles.append((put, int(get())))
                        put(1)
                        break
        except Exception:  # pragma: no cover - platform without the bundled libraries
            continue
    try:
        yield
    finally:
        for put, old in handles:
            put(old)


def one_blas_thread(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorate ``fn`` so that it runs inside :func:`single_thread_blas`.

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
        with single_thread_blas():
            return fn(*args, **kwargs)

    return wrapper
