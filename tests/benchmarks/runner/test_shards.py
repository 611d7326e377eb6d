"""Shards of a suite (benchmarks.runner.shards)."""
from __future__ import annotations

import pytest

from benchmarks.runner.shards import parse_shard


def test_parse_shard():
    assert parse_shard("2/3") == (2, 3)
    for bad in ("3/2", "0/1", "a/b", "1", "1/0", "1/2/3"):
        with pytest.raises(ValueError, match="shard must be"):
            parse_shard(bad)
