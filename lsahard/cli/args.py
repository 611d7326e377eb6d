"""Argument types and options shared by the subcommands, declared once.

Each type raises :class:`argparse.ArgumentTypeError` with a message naming the flag and what it
expects; :class:`lsahard.cli.OneLineParser` prints it as one line and exits with code 2.
"""
from __future__ import annotations

import argparse
import math
from collections.abc import Callable

__all__ = ["positive_float", "time_limit", "max_bytes", "seed", "positive_int", "open_probability", "add_json", "add_time_limit",
           "add_max_bytes", "add_seed"]


def _number(text: str, flag: str, what: str) -> float:
    try:
        return float(str(text).strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{flag} must be {what}, got {text!r}") from None


def positive_float(flag: str, unit: str = "a number") -> Callable[[str], float]:
    """An argparse type for ``flag``: a finite number > 0.

    Parameters
    ----------
    flag : str
        The option, named in the error message (e.g. ``"--grace"``).
    unit : str, optional
        What the number is, for the message (e.g. ``"a number of seconds"``).

    Returns
    -------
    callable
        ``parse(text) -> float``, raising :class:`argparse.ArgumentTypeError` otherwise.

    Examples
    --------
    >>> positive_float("--rtol")("1e-9")
    1e-09
    """
    def parse(text: str) -> float:
        v = _number(text, flag, f"{unit} > 0")
        if not (math.isfinite(v) and v > 0):
            raise argparse.ArgumentTypeError(f"{flag} must be a finite {unit.removeprefix('a ')} > 0, got {text!r}")
        return v
    parse.__name__ = flag
    return parse


def positive_int(flag: str, minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """A type for ``flag``: an integer in ``[minimum, maximum]`` (``1e3`` is refused: counts are written as integers).

    Parameters
    ----------
    flag : str
        The flag named in the messages.
    minimum : int, optional
        Smallest allowed value.
    maximum : int or None, optional
        Largest allowed value (None: no upper bound).

    Returns
    -------
    callable
        The argparse type.

    Examples
    --------
    >>> positive_int("--workers", 1, 8)("3")
    3
    """
    def parse(text: str) -> int:
        try:
            v = int(str(text).strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be an integer >= {minimum}, got {text!r}") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"{flag} must be an integer >= {minimum}, got {text!r}")
        if maximum is not None and v > maximum:
            raise argparse.ArgumentTypeError(f"{flag} must be <= {maximum}, got {text!r}")
        return v
    parse.__name__ = flag
    return parse


def open_probability(flag: str) -> Callable[[str], float]:
    """A type for ``flag``: a number in the open interval (0, 1).

    Parameters
    ----------
    flag : str
        The flag named in the messages.

    Returns
    -------
    callable
        The argparse type.

    Examples
    --------
    >>> open_probability("--p")("0.3")
    0.3
    """
    def parse(text: str) -> float:
        try:
            v = float(str(text).strip())
        except ValueError:
            v = float("nan")
        if not 0.0 < v < 1.0:  # also false for NaN
            raise argparse.ArgumentTypeError(f"{flag} must be a number in (0, 1), got {text!r}")
        return v
    parse.__name__ = flag
    return parse


#: ``--time-limit``: seconds, finite and > 0
time_limit = positive_float("--time-limit", "a number of seconds")
#: ``--seed``: an integer >= 0
seed = positive_int("--seed", minimum=0)


def max_bytes(text: str) -> float:
    """Parse ``--max-bytes``: a number of bytes > 0 (``2e10`` accepted) or ``inf`` for no budget.

    Parameters
    ----------
    text : str
        The option's value.

    Returns
    -------
    float
        Bytes (``inf``: no budget).

    Raises
    ------
    argparse.ArgumentTypeError
        For anything else (NaN included).

    Examples
    --------
    >>> max_bytes("2e10"), max_bytes("inf")
    (20000000000.0, inf)
    """
    v = _number(text, "--max-bytes", "a number of bytes > 0 or 'inf'")
    if not v > 0:  # also NaN
        raise argparse.ArgumentTypeError(f"--max-bytes must be a number of bytes > 0 or 'inf', got {text!r}")
    return v


def add_json(parser: argparse.ArgumentParser) -> None:
    """Add ``--json``: print exactly one JSON document on stdout.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser.
    """
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_time_limit(parser: argparse.ArgumentParser, default: float | None, what: str = "seconds") -> None:
    """Add ``--time-limit`` (seconds, finite and > 0) with ``default`` (None: the library's).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser.
    default : float or None
        The default (shown in the help).
    what : str, optional
        The help text.
    """
    shown = "" if default is None else f" (default {default:g})"
    parser.add_argument("--time-limit", type=time_limit, default=default, help=f"{what}{shown}")


def add_max_bytes(parser: argparse.ArgumentParser, default: float | None, what: str = "memory budget in bytes") -> None:
    """Add ``--max-bytes`` with ``default`` (None: the library's); checked before any large allocation.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser.
    default : float or None
        The default budget in bytes.
    what : str, optional
        The help text (``('inf': no budget)`` is appended).
    """
    parser.add_argument("--max-bytes", type=max_bytes, default=default, help=f"{what} ('inf': no budget)")


def add_seed(parser: argparse.ArgumentParser, default: int = 0) -> None:
    """Add ``--seed``: the seed (>= 0) of the ``numpy.random.Generator`` the command creates.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The sub-command's parser.
    default : int, optional
        The default seed.
    """
    parser.add_argument("--seed", type=seed, default=default, help=f"random seed >= 0 (default {default})")
