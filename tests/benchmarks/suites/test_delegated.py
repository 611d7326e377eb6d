"""Delegated suites (benchmarks.suites.delegated): one call signature, one-line errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.suites import delegated
from lsahard.cli import main


def test_delegated_suite_errors_are_one_line(tmp_path, capsys, monkeypatch):
    def broken(out_dir, *, quick, time_limit, progress):
        raise ValueError("time_limit must be > 0 for this suite")

    monkeypatch.setitem(delegated.DELEGATED_SUITES, "claims", delegated.DelegatedSuite(broken, ""))
    rc = main(["bench", "--suite", "claims", "--out", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert rc == 2 and "--time-limit must be > 0" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(ValueError, match="name: unknown delegated suite"):
        delegated.run_delegated("no-such-suite", tmp_path / "d")


def test_delegated_suites_receive_out_dir_and_options(tmp_path, capsys, monkeypatch):
    def fake_paper(out_dir, *, quick, time_limit, progress):
        Path(out_dir, "args.json").write_text(json.dumps({"quick": quick, "time_limit": time_limit}))
        return {"a": 1, "b": 2}

    monkeypatch.setitem(delegated.DELEGATED_SUITES, "paper", delegated.DelegatedSuite(fake_paper, ""))
    out = tmp_path / "paper"
    assert main(["bench", "--suite", "paper", "--out", str(out)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert json.loads((out / "args.json").read_text()) == {"quick": True, "time_limit": None}
    assert info["results"] == 2 and "args.json" in info["files"]
    assert main(["bench", "--suite", "paper", "--full", "--out", str(tmp_path / "p2")]) == 0
    assert main(["bench", "--suite", "paper", "--full", "--time-limit", "3", "--out", str(tmp_path / "p3")]) == 0
    assert json.loads((tmp_path / "p3" / "args.json").read_text()) == {"quick": False, "time_limit": 3.0}
    assert json.loads((tmp_path / "p2" / "args.json").read_text()) == {"quick": False, "time_limit": None}
    capsys.readouterr()
    assert main(["bench", "--suite", "paper", "--resume", "--out", str(out)]) == 2
