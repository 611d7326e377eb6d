"""One lower bound for d, one message: every check of d says ``d must be >= 1`` (CLI: ``--d must be >= 1`` or
``--d must be an integer >= 1``), for d = 0 and for negative d alike."""
import re

import numpy as np
import pytest

import recovery.training.loop as tr
import recovery.training.thm41 as t41
from lsahard.cli import main
from recovery.realizability.best import psi


@pytest.mark.parametrize("d", [0, -1, -7])
@pytest.mark.parametrize("call", [
    lambda d: tr.train(d=d, steps=1),
    lambda d: tr.Subspace("dense", d, 1),
    lambda d: tr.default_train_size(d),
    lambda d: t41.random_blocks(d, 2, np.random.default_rng(0)),
    lambda d: t41.blocks_from_theta(np.zeros(3), d, 1),
    lambda d: psi(np.ones(3), d),
], ids=["train", "Subspace", "default_train_size", "random_blocks", "blocks_from_theta", "psi"])
def test_library_d_bound(call, d):
    with pytest.raises(ValueError, match=rf"^d must be >= 1, got {d}$"):
        call(d)


def test_thm41_num_layers_bound():
    with pytest.raises(ValueError, match="num_layers must be >= 1, got 0"):
        t41.random_blocks(2, 0, np.random.default_rng(0))


@pytest.mark.parametrize("d", ["0", "-1"])
@pytest.mark.parametrize("argv", [
    ["train", "--states", "2", "--layers", "1", "--n", "3"],
    ["thm41", "--layers", "1", "--n", "3"],
    ["best", "--n", "3", "--p", "0.5"],
], ids=["train", "thm41", "best"])
def test_cli_d_bound(argv, d, capsys):
    assert main(argv + ["--d", d]) == 2
    err = capsys.readouterr().err
    # the library's check_int ("--d must be >= 1, got 0") or an argparse type of lsahard.cli.args
    # ("--d must be an integer >= 1, got '0'")
    assert err.count("\n") == 1 and re.search(rf"--d must be (an integer )?>= 1, got '?{d}'?$", err.strip())
