"""``merge`` and ``lsahard bench merge``: corrupt inputs refused with one line, a torn last line accepted."""

from __future__ import annotations

import json

import pytest

from benchmarks.runner import merging
from lsahard.cli import main


def test_merge_rejects_corrupt_inputs(tmp_path, capsys):
    rec = {"family": "f", "level": "source", "instance": "i", "solver": "s", "seed": 0}
    good = json.dumps(rec) + "\n"
    cases = {
        "middle.jsonl": (good + "not json\n" + good).encode(),
        "notobj.jsonl": b"[1, 2]\n",
        "nokey.jsonl": b'{"a": 1}\n',
        "nullseed.jsonl": (json.dumps({**rec, "seed": None}) + "\n").encode(),
        "latin1.jsonl": b"\xff\xfe\n",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=name):
            merging.merge(tmp_path / ("o-" + name), [tmp_path / name])
        assert not (tmp_path / ("o-" + name)).exists()  # nothing written
        capsys.readouterr()
        assert main(["bench", "merge", str(tmp_path / ("c-" + name)), str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and name in err
    (tmp_path / "emptydir").mkdir()
    with pytest.raises(ValueError, match="has no results.jsonl"):
        merging.merge(tmp_path / "o-empty", [tmp_path / "emptydir"])
    # a trailing fragment without newline (a torn last write) is not corruption
    (tmp_path / "torn.jsonl").write_bytes((good + '{"family": "f", "le').encode())
    assert merging.merge(tmp_path / "o-torn", [tmp_path / "torn.jsonl"])["written"] == 1
