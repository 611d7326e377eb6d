"""Tests for recovery.lsa.quadratic: JSON round trip, exact evaluation and bad input."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import (
    BernoulliInit,
    UniformBinaryPrior,
)
from recovery.lsa.quadratic import Quadratic

F = Fraction


def test_quadratic_json_round_trip():
    qe = population_quadratic(1, 3, prior=UniformBinaryPrior(), init=BernoulliInit(F(1, 4)), exact=True)
    back = Quadratic.from_json(qe.to_json())
    assert back.exact and np.all(back.H == qe.H) and back.c == qe.c
    qf = qe.to_float()
    back = Quadratic.from_json(qf.to_json())
    np.testing.assert_array_equal(back.H, qf.H)
    with pytest.raises(ValueError, match="schema"):
        Quadratic.from_json({"schema": "nope"})


@pytest.mark.parametrize(
    "call,exc,word",
    [
        (lambda: Quadratic(H=np.eye(2), h=np.zeros(2), c=0.0), ValueError, "h has length"),
        (lambda: Quadratic(H=np.eye(2), h=np.zeros(3), c=0.0), ValueError, "H must have shape"),
        (lambda: Quadratic(H=np.full((3, 3), np.nan), h=np.zeros(3), c=0.0), ValueError, "finite"),
        (lambda: Quadratic(H=np.eye(3), h=np.zeros(3), c=0.0, exact=True), TypeError, "Fraction"),
    ],
)
def test_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
