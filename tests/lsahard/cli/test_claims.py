"""CLI tests of ``lsahard claims`` (in-process and once through a subprocess)."""
from __future__ import annotations

import json
import subprocess
import sys

from lsahard.cli import main
from recovery.paper.claims import CLAIM_IDS, outcome_of


def test_claims_quick_full_ledger_json(tmp_path, capsys):
    """End to end: every claim of the ledger in quick mode, one JSON object, files written."""
    out = tmp_path / "ledger"
    code = main(["claims", "--quick", "--json", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    doc = json.loads(captured.out)
    assert [r["id"] for r in doc["claims"]] == list(CLAIM_IDS)
    for r in doc["claims"]:
        assert {"id", "claim", "check", "verdict", "evidence", "command"} <= set(r)
        assert outcome_of(r["verdict"]) == r["outcome"]
        assert r["command"] == f"lsahard claims --only {r['id']} --json --quick"
    assert sum(doc["summary"].values()) == len(CLAIM_IDS)
    on_disk = json.loads((out / "claims.json").read_text())
    assert [r["verdict"] for r in on_disk["claims"]] == [r["verdict"] for r in doc["claims"]]
    assert (out / "claims.md").read_text().count("\n| ") == len(CLAIM_IDS) + 1  # separator + rows
    # every dependency is in the tree, so every claim is decided (a "not checkable" row here means
    # an API the ledger relies on has changed)
    for r in doc["claims"]:
        assert r["outcome"] != "not checkable", (r["id"], r["verdict"])
    by_id = {r["id"]: r for r in doc["claims"]}
    assert "population_spearman_rho" in by_id["fig-5"]["evidence"]


def test_claims_text_output(capsys):
    assert main(["claims", "--quick", "--only", "thm-4.1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("thm-4.1  holds") and "1 holds" in out
    # a repeated id still gives one row per claim
    assert main(["claims", "--quick", "--json", "--only", "thm-4.1,,thm-4.1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in doc["claims"]] == ["thm-4.1"]


def test_claims_bad_input(capsys):
    assert main(["claims", "--only", "thm-9.9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lsahard: error: only: unknown claim id") and err.count("\n") == 1
    assert main(["claims", "--bogus"]) == 2
    capsys.readouterr()
    # an unusable --out fails before any computation: one line, no progress output
    assert main(["claims", "--only", "thm-4.1", "--out", "/dev/null/x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lsahard: error: out_dir: cannot create") and err.count("\n") == 1


def test_claims_subprocess(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "lsahard.cli", "claims", "--quick", "--json", "--only", "thm-3.3,thm-3.4"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [r["id"] for r in doc["claims"]] == ["thm-3.3", "thm-3.4"]
    assert doc["claims"][0]["evidence"]["h_num_equal"] == doc["claims"][0]["evidence"]["h_num_points"]
