"""Tests for recovery.lsa.memory: the byte budget refuses before allocating; the estimate covers the arrays."""
import math
from fractions import Fraction

import pytest

from recovery.lsa.memory import DEFAULT_MAX_BYTES, estimate_quadratic_bytes
from recovery.lsa.population import factorised_quadratic, monte_carlo_quadratic, population_quadratic
from recovery.lsa.prompts import (
    BernoulliInit,
    DirichletPrior,
    UniformBinaryPrior,
    UniformInit,
)

F = Fraction


def test_budget_refuses_before_allocating():
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as exc:
            population_quadratic(2000, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    msg = str(exc.value)
    assert msg.startswith("d=2000 needs about ") and "bytes (> budget 8.0e+09 bytes" in msg
    assert "max_bytes=" in msg
    assert peak < 50 * 2**20  # refused before anything large was allocated
    need = float(msg.split("about ")[1].split(" bytes")[0])
    assert need == pytest.approx(estimate_quadratic_bytes(2000, 5, prior=UniformBinaryPrior(),
                                                          init=BernoulliInit(0.3)), rel=0.1)


@pytest.mark.parametrize(
    "call",
    [
        lambda mb: population_quadratic(3, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), max_bytes=mb),
        lambda mb: population_quadratic(2, 5, prior=UniformBinaryPrior(), init=BernoulliInit(F(1, 3)), exact=True,
                                        max_bytes=mb),
        lambda mb: factorised_quadratic(3, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), max_bytes=mb),
        lambda mb: population_quadratic(2, 3, prior=DirichletPrior(3, 0.5), init=UniformInit(), max_bytes=mb),
        lambda mb: monte_carlo_quadratic(2, 3, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), num_prompts=50,
                                         rng=0, max_bytes=mb),
    ],
)
def test_budget_override(call):
    with pytest.raises(ValueError, match=r"d=\d+ needs about .* bytes \(> budget 1\.0e\+03 bytes; pass max_bytes="):
        call(1000)
    out = call(math.inf)  # the override lifts the limit; the result is computed
    assert out is not None
    with pytest.raises(ValueError, match="max_bytes"):
        call(0)
    with pytest.raises(ValueError, match="max_bytes"):
        call(float("nan"))
    with pytest.raises(TypeError, match="max_bytes"):
        call("1e9")


def test_budget_estimate_covers_the_arrays():
    """The estimate is at least the size of the H it returns (float64 and pointer arrays)."""
    for d in (2, 5, 9):
        q = population_quadratic(d, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
        assert estimate_quadratic_bytes(d, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3)) >= q.H.nbytes
    assert DEFAULT_MAX_BYTES == 8 * 10**9
    # d = 24 float fits the default budget (d = 24 is feasible in 24 GB)
    assert estimate_quadratic_bytes(24, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3)) < DEFAULT_MAX_BYTES
    # monte carlo: d = 60 is refused with its own estimate
    with pytest.raises(ValueError, match="d=60 needs about"):
        monte_carlo_quadratic(60, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3), num_prompts=10, rng=0)
