"""Tests for recovery.paper.appendix_a on a tiny configuration."""
from __future__ import annotations

import pytest

from recovery.paper import appendix_a as ex


def test_appendix_a_tiny(tmp_path):
    r = ex.appendix_a(tmp_path, seeds=(0,), steps=200, train_size=400, test_size=400, layers=(1,))
    s = r["summary"]["1"]
    # L = 1: dense and sparse coincide on the prediction, so converged L-BFGS losses agree
    assert s["dense_train"] == pytest.approx(s["sparse_train"], rel=1e-6)
    pop = r["population"]
    assert pop["f_star"] >= pop["ftilde_star"] - 1e-12
