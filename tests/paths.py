"""Locations the tests read: the repository and the public instances beside it (``../shared``)."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "instances"
