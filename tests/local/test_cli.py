"""The `kyc` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import user_environment
from tests.local.conftest import ROOT, SAMPLES


def kyc(*args: str, workdir: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "kyc_local.cli", *args, "--workdir", str(workdir)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False,
                          env=user_environment())


@pytest.mark.parametrize("workflow", ["lambda", "stepfunctions"])
def test_run_prints_a_json_array_and_exits_zero(tmp_path: Path, workflow: str) -> None:
    bundles = [str(SAMPLES / "d6e2b4f9.zip"), str(SAMPLES / "9c358026.zip")]
    done = kyc("run", "--json", "--workflow", workflow, *bundles, workdir=tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)  # nothing but the JSON on standard output
    assert [(r["app_uuid"], r["status"], r["reasons"]) for r in results] == [
        ("d6e2b4f9", "REJECTED", ["BUNDLE_INVALID"]),
        ("9c358026", "REJECTED", ["SELFIE_MISMATCH"]),
    ]
    assert results[1]["checks"] == {"LICENSE_SELFIE_MATCH": "FAIL", "LICENSE_DETAILS_MATCH": "PASS",
                                    "LICENSE_VALIDATION": "PASS"}
    assert all(r["seconds"] > 0 for r in results)
    assert "paid calls: 1 CompareFaces, 1 AnalyzeID" in done.stderr
    assert f"in {tmp_path / 'outbox'}" in done.stderr
    assert (tmp_path / "logs" / "functions.log").stat().st_size > 0  # the handlers' logs, not the terminal


def test_run_refuses_what_it_cannot_run(tmp_path: Path) -> None:
    missing = kyc("run", str(tmp_path / "nope.zip"), workdir=tmp_path)
    assert (missing.returncode, "not found" in missing.stderr) == (2, True)
    badly_named = tmp_path / "not valid.zip"
    badly_named.write_bytes(b"PK")
    assert kyc("run", str(badly_named), workdir=tmp_path).returncode == 2
    unknown = kyc("run", "--workflow", "glue", str(SAMPLES / "8d247914.zip"), workdir=tmp_path)
    assert (unknown.returncode, "invalid choice" in unknown.stderr) == (2, True)


def test_status_without_a_running_stack(tmp_path: Path) -> None:
    done = kyc("status", "8d247914", workdir=tmp_path, timeout=60)
    assert (done.returncode, "no stack is running" in done.stderr) == (2, True)
