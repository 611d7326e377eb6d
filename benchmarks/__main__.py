"""``python -m benchmarks ...``: the same command as ``lsahard bench ...``."""

from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from recovery.cli import OneLineParser
    from recovery.cli.bench import add_arguments, handle

    parser = OneLineParser(prog="python -m benchmarks",
                           description="lsahard benchmark runner (same as `lsahard bench`)")
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(handle(args) or 0)
    except KeyboardInterrupt:
        sys.stderr.write("python -m benchmarks: interrupted (finished runs are saved; use --resume)\n")
        return 130
    except (ValueError, TypeError, OSError, KeyError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"python -m benchmarks: error: {msg}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
