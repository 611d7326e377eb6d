"""The ``lsahard`` command line.

Usage::

    lsahard [--version] COMMAND [ARGS ...]
    python -m lsahard.cli COMMAND [ARGS ...]

``COMMAND`` is one of ``bench``, ``claims``, ``optimum``, ``paper``, ``recover``, ``best``,
``reduce``, ``reductions``, ``solve``, ``export``, ``train`` and ``thm41``; ``lsahard COMMAND
--help`` describes each.

Every module of :data:`COMMANDS` defines ``register(subparsers)`` that adds its sub-command(s) and
sets ``func=handler`` with ``handler(args) -> int``; a new sub-command module is imported here and
added to :data:`COMMANDS`. ``main`` turns the library's ``ValueError``/``TypeError`` (and file
errors) into one line on stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from lsahard.cli import bench, claims, optimum, paper, recover, reduce, solve, train

__all__ = ["main", "build_parser", "OneLineParser", "COMMANDS"]

#: the sub-command modules, in the order their commands are listed by ``lsahard --help``
COMMANDS: tuple[ModuleType, ...] = (bench, claims, optimum, paper, recover, reduce, solve, train)


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line on stderr and exit code 2.

    Takes the arguments of :class:`argparse.ArgumentParser`; only :meth:`error` differs (no
    usage block is printed).
    """

    def error(self, message: str) -> NoReturn:
        """Write ``PROG: error: MESSAGE`` on stderr and exit with code 2.

        Parameters
        ----------
        message : str
            The usage error.

        Raises
        ------
        SystemExit
            Always, with code 2.
        """
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The ``lsahard`` parser with the sub-commands of every module of :data:`COMMANDS`.

    Returns
    -------
    argparse.ArgumentParser
        A :class:`OneLineParser` (sub-parsers too) with ``--version`` and a required ``COMMAND``.

    Examples
    --------
    >>> args = build_parser().parse_args(["bench", "report", "results/quick"])
    >>> args.command, args.action, args.paths
    ('bench', 'report', ['results/quick'])
    """
    parser = OneLineParser(
        prog="lsahard",
        description="Linear self-attention on Markov chains: exact objectives, realisability, "
        "reductions and solver benchmarks.",
    )
    try:
        from importlib.metadata import version

        ver = version("lsahard")
    except Exception:  # not installed (running from a source tree)
        ver = "unknown"
    parser.add_argument("--version", action="version", version=f"lsahard {ver}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for module in COMMANDS:
        module.register(sub)
    return parser


def _run_json(args: argparse.Namespace) -> int:
    """Run a ``--json`` command with file descriptor 1 pointing at stderr, so that whatever the
    solver libraries print (HiGHS's banner, SCIP's warnings) never mixes into the one JSON
    document, which is written to the real stdout at the end."""
    sys.stdout.flush()
    real_stdout = os.dup(1)
    buffer = io.StringIO()
    os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(buffer):
            code = int(args.func(args) or 0)
    finally:
        sys.stdout.flush()
        os.dup2(real_stdout, 1)
        os.close(real_stdout)
    sys.stdout.write(buffer.getvalue())
    sys.stdout.flush()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lsahard`` console script; returns the exit code.

    With ``--json``, file descriptor 1 points at stderr while the command runs, so that what the
    solver libraries print never mixes into the one JSON document written to stdout at the end.
    The library's ``ValueError``/``TypeError``/``KeyError`` and file errors become one line on
    stderr (``lsahard: error: ...``) and exit code 2, never a traceback.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The command's exit code; 0 for ``--help``, 2 for a usage or library error or a
        ``MemoryError``, 1 when stdout was closed early (broken pipe), 130 on Ctrl-C.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or usage error (2)
        return int(exc.code or 0)
    try:
        if getattr(args, "json", False):
            return _run_json(args)
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # the reader went away (e.g. piped into `head`): stop quietly, as the Python docs advise
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("lsahard: interrupted\n")
        return 130
    except MemoryError:
        # last resort: the commands check their sizes against budgets before allocating; a MemoryError
        # that still gets here is one line, not a traceback
        sys.stderr.write(f"lsahard: error: {args.command}: out of memory; use smaller sizes\n")
        return 2
    except (ValueError, TypeError, OSError, KeyError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, KeyError):
            msg = f"missing key {msg}"
        sys.stderr.write(f"lsahard: error: {msg}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
