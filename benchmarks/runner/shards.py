"""Shards of a suite: ``--shard I/K`` runs the tasks whose key hashes to slice ``I`` of ``K``."""

from __future__ import annotations

from hashlib import sha256
from typing import Any, Sequence

__all__ = ["shard_of", "parse_shard"]


def shard_of(key: Sequence[Any], k: int) -> int:
    """0-based shard of a task key: sha256 of ``"|".join(key)`` mod ``k`` (stable everywhere)."""
    digest = sha256("|".join(str(x) for x in key).encode()).hexdigest()
    return int(digest[:16], 16) % int(k)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``"I/K"`` (1 <= I <= K) -> ``(I, K)``; None -> None.

    Parameters
    ----------
    text : str or None
        The shard, ``"I/K"``.

    Returns
    -------
    tuple of int, or None
        ``(I, K)``; ValueError (naming ``shard``) for anything else.

    Examples
    --------
    >>> parse_shard("2/3")
    (2, 3)
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
