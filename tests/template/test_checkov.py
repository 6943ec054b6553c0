"""checkov over template.yaml, once per workflow: every finding is fixed, or suppressed in the template with its reason.

checkov pins boto3 exactly (3.3.30: boto3==1.35.49), which cannot share an environment with the project's botocore,
so it runs from a tool environment of its own: `$CHECKOV`, else `checkov` on PATH, else
`.cache/checkov-venv/bin/checkov` (`python3 -m venv .cache/checkov-venv && .cache/checkov-venv/bin/pip install
checkov==3.3.30`). checkov keeps only the resources whose Condition holds for the parameters' defaults, so each
workflow is scanned as a copy of the template defaulting to it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.template.stack import ROOT, TEMPLATE

WORKFLOWS = ("Lambda", "StepFunctions")
DEFAULT_WORKFLOW = "    Default: Lambda\n"


def checkov() -> str:
    found = os.environ.get("CHECKOV") or shutil.which("checkov") or str(ROOT / ".cache/checkov-venv/bin/checkov")
    if not os.access(found, os.X_OK):
        pytest.fail(f"checkov not found (looked for {found}): see this module's docstring to install it")
    return found


def scan(template: Path) -> dict:
    """checkov's JSON report on one CloudFormation template, offline (no guideline download, no platform)."""
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(template.parent), "BC_SKIP_MAPPING": "TRUE",
                   "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "ERROR"}
    result = subprocess.run(
        [checkov(), "--file", str(template), "--framework", "cloudformation", "--skip-download", "--output", "json"],
        capture_output=True, text=True, timeout=300, env=environment, cwd=template.parent, check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module", params=WORKFLOWS)
def report(request, tmp_path_factory) -> tuple[str, dict]:
    source = TEMPLATE.read_text()
    assert source.count(DEFAULT_WORKFLOW) == 1
    copy = tmp_path_factory.mktemp(request.param) / "template.yaml"
    copy.write_text(source.replace(DEFAULT_WORKFLOW, f"    Default: {request.param}\n"))
    return request.param, scan(copy)


def test_checkov_finds_nothing_unsuppressed(report):
    workflow, found = report
    failed = [f"{c['check_id']} {c['resource']}" for c in found["results"]["failed_checks"]]
    assert failed == [], workflow
    assert found["summary"]["parsing_errors"] == 0


def test_the_scan_covers_the_workflow_it_was_given(report):
    """The resources of the other workflow are left out, those of this one checked (the key, the functions)."""
    workflow, found = report
    checked = {c["resource"] for kind in ("passed_checks", "skipped_checks") for c in found["results"][kind]}
    assert {"AWS::KMS::Key.DataKey", "AWS::S3::Bucket.DocumentBucket",
            "AWS::DynamoDB::Table.CustomerMetadataTable"} <= checked
    assert ("AWS::Serverless::Function.UnzipLambdaFunction" in checked) == (workflow == "StepFunctions")


def test_every_suppression_gives_its_reason(report):
    _, found = report
    skipped = found["results"]["skipped_checks"]
    assert skipped
    for check in skipped:
        reason = check.get("check_result", {}).get("suppress_comment", "")
        assert len(reason) > 40, f"{check['check_id']} on {check['resource']} is suppressed without a reason"
