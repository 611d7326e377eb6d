"""Known answers of instance files: a JSON map or MIPLIB-style ``.solu`` text (``--answers FILE``).

JSON: an object mapping a file (its name, its name without suffix, or its path) to
``"YES"``/``"NO"`` (``SAT``/``UNSAT`` too) or to an object ``{"answer": ..., "colors": K, "chi": X}``.
``.solu``: ``=sat= NAME``, ``=unsat= NAME``, ``=inf= NAME`` (NO) and ``=chi= NAME X`` (chromatic
number: a graph is K-colourable iff K >= X).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

__all__ = ["read_answers"]

#: a .solu line: =tag= NAME [VALUE]
_SOLU = re.compile(r"^=(\w+)=\s+(\S+)(?:\s+(\S+))?\s*$")


_YESNO = {"yes": "YES", "sat": "YES", "true": "YES", "no": "NO", "unsat": "NO", "false": "NO"}


def _answer_word(value: Any, where: str) -> str | None:
    if value is None:
        return None
    w = _YESNO.get(str(value).strip().lower())
    if w is None:
        raise ValueError(f"{where}: expected YES/NO (or SAT/UNSAT), got {value!r}")
    return w


def _int_field(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected an integer >= 1, got {value!r}")
    try:
        x = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected an integer >= 1, got {value!r}") from None
    if x < 1 or x != float(value):
        raise ValueError(f"{where}: expected an integer >= 1, got {value!r}")
    return x


def read_answers(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Read the answers manifest ``path`` into ``key -> {"answer", "colors", "chi"}``.

    JSON (an object) or ``.solu`` text (any other content).  Keys are as written (a file name, a
    name without suffix, or a path); :func:`benchmarks.suites.instances.load_instances` matches
    them to the files.  In JSON, ``SAT``/``TRUE`` mean YES and ``UNSAT``/``FALSE`` NO (any case),
    and ``k`` is accepted for ``colors``.  In ``.solu`` text, blank lines and ``#`` comments are
    skipped, and the other MIPLIB tags (``=opt=``, ``=best=``, ``=unkn=``) carry no decision
    answer and are ignored.

    Parameters
    ----------
    path : path-like
        A JSON or ``.solu`` manifest (UTF-8 text).

    Returns
    -------
    dict of str to dict
        ``key -> {"answer": "YES"/"NO"/None, "colors": K or None, "chi": X or None}``.

    Raises
    ------
    ValueError
        If the file cannot be read or is not UTF-8, for invalid JSON, an unknown key in an
        entry, an answer that is not YES/NO, a colour count or chromatic number that is not an
        integer >= 1, or a ``.solu`` line of another form (naming the file and line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = pathlib.Path(tmp) / "answers.solu"
    ...     _ = f.write_text("=sat= uf20-01\\n=chi= myciel3 4\\n")
    ...     read_answers(f)
    {'uf20-01': {'answer': 'YES', 'colors': None, 'chi': None}, 'myciel3': {'answer': None, 'colors': None, 'chi': 4}}
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"answers: cannot read {str(p)!r} ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"answers: {str(p)!r} is not UTF-8 text") from None
    out: dict[str, dict[str, Any]] = {}
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"answers: {p}: invalid JSON ({exc})") from None
        for key, val in data.items():
            where = f"answers: {p}: {key!r}"
            if isinstance(val, dict):
                unknown = set(val) - {"answer", "colors", "k", "chi"}
                if unknown:
                    raise ValueError(f"{where}: unknown keys {sorted(unknown)} (answer, colors, chi)")
                ent = {"answer": _answer_word(val.get("answer"), where),
                       "colors": _int_field(val.get("colors", val.get("k")), where + " colors"),
                       "chi": _int_field(val.get("chi"), where + " chi")}
            else:
                ent = {"answer": _answer_word(val, where), "colors": None, "chi": None}
            out[str(key)] = ent
        return out
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _SOLU.match(line)
        if not m:
            raise ValueError(f"answers: {p}:{lineno}: expected '=sat= NAME', '=unsat= NAME' or "
                             f"'=chi= NAME K', got {line!r}")
        tag, name, value = m.group(1).lower(), m.group(2), m.group(3)
        ent = out.setdefault(name, {"answer": None, "colors": None, "chi": None})
        if tag == "sat":
            ent["answer"] = "YES"
        elif tag in ("unsat", "inf"):
            ent["answer"] = "NO"
        elif tag == "chi":
            ent["chi"] = _int_field(value, f"answers: {p}:{lineno}: chi")
        # other MIPLIB tags (=opt=, =best=, =unkn=) carry no decision answer: ignored
    return out
