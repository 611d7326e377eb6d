"""Symbolic size formulas (reductions.rules.size_formula): parsing, exact evaluation, refusals."""

from __future__ import annotations

import pytest

from reductions.rules.size_formula import evaluate_formula, formula_text, parse_formula


def test_names_resolve_to_source_then_params_then_earlier_entries():
    f = parse_formula({"n_vars": "n_vars + 1", "d": "n_vars * k", "rows": "(d + 1)**2 if box is not None else -d"})
    assert evaluate_formula(f, {"n_vars": 2, "k": 3}, {"box": None}, {}) == {"n_vars": 3, "d": 6, "rows": -6}
    assert evaluate_formula(f, {"n_vars": 2, "k": 3}, {"box": 2}, {})["rows"] == 49


def test_functions_and_builtins():
    f = parse_formula({"d": "twice(max(a, 1)) // 3"})
    assert evaluate_formula(f, {"a": 4}, {}, {"twice": lambda x: 2 * x}) == {"d": 2}
    assert formula_text({"a": "b + 1", "c": "2"}) == "a = b + 1; c = 2"


@pytest.mark.parametrize("formula, match", [
    ({}, "non-empty"), ({"a": ""}, "non-empty"), ({"a": "1 +"}, "cannot parse"), ("a = 1", "mapping"),
])
def test_malformed_formulas_are_refused(formula, match):
    with pytest.raises(ValueError, match=match):
        parse_formula(formula)


@pytest.mark.parametrize("text, match", [
    ("unknown + 1", "unknown name"), ("__import__('os')", "unsupported"), ("a.real", "unsupported"),
    ("[a]", "unsupported"), ("a / 2", "unsupported"),
])
def test_only_whitelisted_expressions_evaluate(text, match):
    with pytest.raises(ValueError, match=match):
        evaluate_formula(parse_formula({"x": text}), {"a": 1}, {}, {})
