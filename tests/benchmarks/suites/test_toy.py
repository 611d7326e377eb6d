"""The toy family (benchmarks.suites.toy)."""
from __future__ import annotations

from benchmarks.suites import families


def test_toy_family_is_deterministic_and_half_planted():
    fam = families.get_family("toy")
    c1, c2 = fam.cases(5, 6), fam.cases(5, 6)
    assert [c.levels for c in c1] == [c.levels for c in c2]
    assert [c.planted for c in c1] == [True, False] * 3
    assert len({c.instance for c in c1}) == 6
    for c in c1:
        vals = c.levels[0].data["values"]
        assert c.answer == ("YES" if sum(vals) % 2 == 0 else "NO")
        # the "reduced" level has the same answer
        assert sum(c.levels[1].data["values"]) % 2 == sum(vals) % 2
