"""Shards of a suite: ``--shard I/K`` runs the tasks whose key hashes to slice ``I`` of ``K``."""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import sha256
from typing import Any

__all__ = ["shard_of", "parse_shard"]


def shard_of(key: Sequence[Any], k: int) -> int:
    """0-based shard of a task key: sha256 of ``"|".join(key)`` mod ``k`` (stable everywhere).

    The first 16 hex digits of the sha256 of the key's fields joined by ``"|"`` are read as an
    integer and reduced mod ``k``, so every machine and every Python process puts a task in the
    same shard (unlike Python's salted ``hash``).

    Parameters
    ----------
    key : sequence
        A task key, e.g. :meth:`benchmarks.runner.task.Task.key`; each field is formatted with ``str``.
    k : int
        Number of shards (>= 1).

    Returns
    -------
    int
        The shard, in ``0 .. k-1``.

    Examples
    --------
    >>> 0 <= shard_of(("toy", "source", "toy-n2-00p", "toy-fast", 0), 3) < 3
    True
    """
    digest = sha256("|".join(str(x) for x in key).encode()).hexdigest()
    return int(digest[:16], 16) % int(k)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """Parse a shard ``"I/K"`` (1 <= I <= K) into ``(I, K)``; None gives None.

    Parameters
    ----------
    text : str or None
        The shard, ``"I/K"`` with integers ``1 <= I <= K`` (1-based slice ``I`` of ``K``).

    Returns
    -------
    tuple of int, or None
        ``(I, K)``, or None when ``text`` is None.

    Raises
    ------
    ValueError
        For anything else (the message names ``shard``).

    Examples
    --------
    >>> parse_shard("2/3")
    (2, 3)
    >>> parse_shard(None) is None
    True
    >>> parse_shard("4/3")
    Traceback (most recent call last):
    ...
    ValueError: shard must be I/K with 1 <= I <= K, got '4/3'
    """
    if text is None:
        return None
    parts = str(text).split("/")
    try:
        if len(parts) != 2:
            raise ValueError
        i, k = int(parts[0]), int(parts[1])
    except ValueError:
        raise ValueError(f"shard must be I/K with integers 1 <= I <= K, got {text!r}") from None
    if k < 1 or not 1 <= i <= k:
        raise ValueError(f"shard must be I/K with 1 <= I <= K, got {text!r}")
    return i, k
