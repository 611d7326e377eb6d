"""Render plain-text docstrings without reStructuredText warnings.

Many docstrings in lsahard are written as plain text: ``|x|`` for absolute values, ASCII tables,
short section underlines.  Sphinx reads them as reStructuredText, where ``|x|`` is a substitution
reference and a ragged table is an error, so ``sphinx-build -W`` would fail on text that reads
perfectly well in ``help()``.  This extension checks every docstring (after napoleon) with plain
docutils and, only where that check reports a problem,

1. escapes ``|`` outside inline literals and fixes short title underlines, and if that is not
   enough
2. keeps the first paragraph and shows the rest of the docstring verbatim as a literal block.

Docstrings that already parse cleanly are left untouched.  The source files are never changed.
Step 2 also logs a warning, so ``sphinx-build -W`` fails until the docstring is fixed.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import docutils.core
import docutils.utils
from sphinx.util import logging

_LOGGER = logging.getLogger(__name__)
#: the packages whose docstrings are checked
PACKAGES = ("lsahard", "recovery", "reductions", "benchmarks")

_ROLE = re.compile(r":[a-zA-Z0-9_:+-]+:`")
_LITERAL_SPLIT = re.compile(r"(``.+?``|`[^`]+`)")
_UNDERLINE = re.compile(r"^(\s*)([-=~^\"'`#*+])\2{2,}\s*$")
_TABLE_LINE = re.compile(r"^\s*[|+]")
_IGNORED = ("Unknown interpreted text role", "Unknown directive type", 'No role entry for',
            'No directive entry for', "Trying", "Unknown target name")


def _problems(lines: list[str], is_module: bool) -> list[str]:
    text = "\n".join(lines)
    text = _ROLE.sub("`", text)  # Sphinx roles: keep the text, drop the role
    # Sphinx-only directives: replace by a comment so docutils does not complain
    # (``math`` too: inside a Sphinx process the math directive needs Sphinx's environment)
    text = re.sub(r"(?m)^(\s*)\.\. (?!rubric::|note::|warning::|code-block::|image::|figure::)[a-z:-]+::", r"\1.. comment", text)
    stream = io.StringIO()
    settings = {"report_level": 2, "halt_level": 5, "warning_stream": stream, "file_insertion_enabled": False,
                "raw_enabled": False}
    try:
        doc = docutils.core.publish_doctree(text, settings_overrides=settings)
    except Exception as exc:  # pragma: no cover - defensive
        return [str(exc)]
    out = [m for m in re.split(r"\n(?=<string>:)", stream.getvalue().strip())
           if m and not any(s in m for s in _IGNORED)]
    if doc.traverse(docutils.nodes.problematic):
        out.append("problematic markup")
    if not is_module and doc.traverse(docutils.nodes.section):
        out.append("section title inside an object docstring")
    return out


def _escape_pipes(line: str) -> str:
    if _TABLE_LINE.match(line):
        return line
    parts = _LITERAL_SPLIT.split(line)
    return "".join(p if i % 2 else p.replace("|", r"\|") for i, p in enumerate(parts))


def _fix_underlines(lines: list[str]) -> list[str]:
    fixed = list(lines)
    for i in range(1, len(fixed)):
        m = _UNDERLINE.match(fixed[i])
        title = fixed[i - 1].rstrip()
        if m and title.strip() and not _UNDERLINE.match(title) and len(fixed[i].rstrip()) < len(title):
            fixed[i] = m.group(1) + m.group(2) * (len(title) - len(m.group(1)))
    return fixed


def _literal(lines: list[str]) -> list[str]:
    # first paragraph as text (escaped), the rest verbatim
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    head = [_escape_pipes(line) for line in lines[:end]]
    if _problems(head, False):
        head, end = [], 0
    rest = lines[end:]
    while rest and not rest[0].strip():
        rest = rest[1:]
    if not rest:
        return head
    return head + ["", "::", ""] + ["    " + line if line.strip() else "" for line in rest] + [""]


def process(app, what, name, obj, options, lines):
    if not lines:
        return
    if what != "module" and not str(getattr(obj, "__module__", "")).startswith(PACKAGES):
        return  # a name imported from another library: not ours to check
    is_module = what == "module"
    if not _problems(lines, is_module):
        return
    candidate = _fix_underlines([_escape_pipes(line) for line in lines])
    if _problems(candidate, is_module):
        candidate = _literal(lines)
        _LITERAL.append(name)
        # the text is still shown, but a docstring that is not valid reStructuredText fails the
        # -W build: the fallback keeps the page readable while the docstring gets fixed
        _LOGGER.warning("%s: docstring is not valid reStructuredText (%s); shown as a literal block",
                        name, _problems(lines, is_module)[0].splitlines()[0])
    lines[:] = candidate


#: objects whose docstring is shown (after its first paragraph) as a literal block
_LITERAL: list[str] = []


def _report(app, exception) -> None:
    path = os.environ.get("LSAHARD_LITERAL_DOCSTRINGS")
    if path:
        Path(path).write_text("\n".join(sorted(set(_LITERAL))) + "\n")


def setup(app):
    app.connect("autodoc-process-docstring", process, priority=900)
    app.connect("build-finished", _report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
