"""Symbolic size formulas of the rules: declared once as text, evaluated exactly on a source size.

A rule declares its target size as ``{target size key: expression}``, e.g. ::

    {"n_vars": "n_vars + 1", "n_clauses": "n_clauses", "max_width": "max_width + 1 if n_clauses else 0"}

An expression is integer arithmetic (``+ - * // **``, unary minus), comparisons, ``a if c else b``,
``max``/``min`` and the functions the rule names.  A name resolves to the source's ``size()``
entry, else to a keyword parameter of the rule's ``reduce`` (``box``, ``layout``), else to a target
entry computed earlier in the formula (``d`` in ``(d + 1)**2``).  The same text is shown in the
documentation tables and evaluated by :meth:`reductions.rules.registry.Rule.predicted_size`.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["parse_formula", "evaluate_formula", "formula_text"]

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv,
           ast.Pow: operator.pow}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not}
_BUILTINS: dict[str, Callable[..., Any]] = {"max": max, "min": min}


def parse_formula(formula: Mapping[str, str]) -> dict[str, ast.Expression]:
    """Parse every expression of ``formula``.

    Parameters
    ----------
    formula : Mapping[str, str]
        ``{target size key: expression}`` (module docstring), non-empty.

    Returns
    -------
    dict of str to ast.Expression
        One parsed expression per key, in the formula's order; evaluated by
        :func:`evaluate_formula`.

    Raises
    ------
    ValueError
        When ``formula`` is not a non-empty mapping of str to non-empty str, or an expression does
        not parse (the message names its key).

    Examples
    --------
    >>> sorted(parse_formula({"n_vars": "n_vars + 1"}))
    ['n_vars']
    """
    if not isinstance(formula, Mapping) or not formula:
        raise ValueError(f"size_formula: expected a non-empty mapping key -> expression, got {formula!r}")
    out = {}
    for key, text in formula.items():
        if not isinstance(key, str) or not isinstance(text, str) or not text.strip():
            raise ValueError(f"size_formula: expected str -> non-empty str, got {key!r}: {text!r}")
        try:
            out[key] = ast.parse(text.strip(), mode="eval")
        except SyntaxError as exc:
            raise ValueError(f"size_formula[{key!r}]: cannot parse {text!r} ({exc.msg})") from None
    return out


def _eval(node: ast.AST, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> Any:
    # a closed whitelist of node types: the formula text is data, never executed as Python
    if isinstance(node, ast.Expression):
        return _eval(node.body, names, functions)
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (int, str))):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise ValueError(f"size formula: unknown name {node.id!r}")
        return names[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, names, functions), _eval(node.right, names, functions))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, names, functions)
    if isinstance(node, ast.IfExp):
        test = _eval(node.test, names, functions)
        return _eval(node.body if test else node.orelse, names, functions)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return _COMPARE[type(node.ops[0])](_eval(node.left, names, functions),
                                            _eval(node.comparators[0], names, functions))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions \
            and not node.keywords:
        return functions[node.func.id](*(_eval(a, names, functions) for a in node.args))
    raise ValueError(f"size formula: unsupported expression {ast.unparse(node)!r}")


def evaluate_formula(parsed: Mapping[str, ast.Expression], source_size: Mapping[str, int],
                     params: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> dict[str, int]:
    """The target size ``{key: int}`` of a parsed formula on one source.

    Parameters
    ----------
    parsed : mapping
        :func:`parse_formula` of the rule's formula.
    source_size : mapping
        ``source.size()``.
    params : mapping
        The keyword parameters of the rule's ``reduce`` (defaults filled in).
    functions : mapping
        Extra functions the formula may call (``max`` and ``min`` are always there).

    Returns
    -------
    dict
        One int per key of the formula, in its order.

    Examples
    --------
    >>> f = parse_formula({"d": "n + k", "rows": "(d + 1)**2 if box is not None else d"})
    >>> evaluate_formula(f, {"n": 2, "k": 1}, {"box": 2}, {})
    {'d': 3, 'rows': 16}
    """
    calls = {**_BUILTINS, **functions}
    out: dict[str, int] = {}
    for key, expr in parsed.items():
        names = {**out, **params, **source_size}
        out[key] = int(_eval(expr, names, calls))
    return out


def formula_text(formula: Mapping[str, str]) -> str:
    """One line ``key = expression; ...`` for the documentation tables.

    Parameters
    ----------
    formula : Mapping[str, str]
        ``{target size key: expression}``.

    Returns
    -------
    str
        The entries joined by ``"; "``.

    Examples
    --------
    >>> formula_text({"n_vars": "n_vars + 1", "n_clauses": "n_clauses"})
    'n_vars = n_vars + 1; n_clauses = n_clauses'
    """
    return "; ".join(f"{k} = {v}" for k, v in formula.items())
