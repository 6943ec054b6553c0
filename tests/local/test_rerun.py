"""A staff re-run on the local runtime, in both workflows: an application whose AnalyzeID failed for good (an outage
injected by kyc_local.faults) ends ERROR; once the outage is over, a reviewer signed in through the local Cognito
re-runs the check from the console's HTTP API, and the application reaches its normal final status with exactly one
more AnalyzeID call and no second CompareFaces. The same for the licence validation, whose validator was unreachable.

Each scenario runs a stack in a process of its own (the handlers keep their settings per process): this module, run
as `python -m tests.local.test_rerun WORKFLOW CHECK WORKDIR`, prints the scenario's figures as JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from tests.conftest import user_environment

ROOT = Path(__file__).resolve().parents[2]
APP = "8d247914"  # the lab's bundle that passes every check


@pytest.mark.parametrize("workflow", ["lambda", "stepfunctions"])
@pytest.mark.parametrize("check", ["DETAILS", "VALIDATION"])
def test_a_check_that_failed_for_good_is_rerun_from_the_console_and_the_case_carries_on(tmp_path, workflow, check):
    command = [sys.executable, "-m", "tests.local.test_rerun", workflow, check, str(tmp_path)]
    done = subprocess.run(command, check=False, cwd=ROOT, env=user_environment(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])

    assert figures["after_failure"] == {"status": "ERROR", "errored": [check]}
    assert figures["rerun"] == {"status": 200, "notice": True}
    assert figures["double_click"] == 409
    assert figures["final"] == "APPROVED"
    paid, validator = figures["paid_calls"], figures["validator_calls"]
    if check == "DETAILS":  # AnalyzeID never answered during the outage (not billed); once more on the re-run
        assert paid["failed"] == {"CompareFaces": 1} and paid["final"] == {"CompareFaces": 1, "AnalyzeID": 1}
        assert validator == {"failed": 0, "final": 1}
    else:  # the documents' checks were not made again; the validator was called once, by the re-run
        assert paid["failed"] == paid["final"] == {"CompareFaces": 1, "AnalyzeID": 1}
        assert validator == {"failed": 0, "final": 1}
    assert figures["trail"][0] == ["rita", "rerun", "ERROR", figures["reopened"], f"check {check}"]
    assert f"Application APPROVED – {APP}" in figures["mail"]  # the final status told to staff as usual


# ---------------------------------------------------------------- the scenario, in a process of its own


def scenario(workflow: str, check: str, workdir: Path) -> dict[str, Any]:
    from kyc import bootstrap
    from kyc.adapters.audit_dynamodb import DynamoAuditTrail
    from kyc.adapters.validator_http import HttpLicenseValidator

    from kyc_local.stack import LocalStack, StackOptions

    with LocalStack(StackOptions(workdir=workdir, workflow=workflow, retry_wait=0.2)) as stack:
        stack.ready()
        submit = bootstrap.submit_license_dependencies()  # SubmitLicense's own wiring, as its handler gets it
        working = submit.validator
        if check == "DETAILS":
            stack.faults.outage("textract.AnalyzeID")
        else:  # the validator unreachable: nothing listens on the discard port
            submit.validator = HttpLicenseValidator("http://127.0.0.1:9/license", submit.settings.region)
        bucket = stack.resource("DocumentBucket")
        stack.client("s3").put_object(Bucket=bucket, Key=f"zipped/{APP}.zip",
                                      Body=(ROOT / "UnitTests" / f"{APP}.zip").read_bytes())
        failed = _wait(stack, lambda record: record["status"] == "ERROR")
        stack.faults.restore()
        submit.validator = working  # the cause fixed
        figures: dict[str, Any] = {
            "after_failure": {"status": failed["status"], "errored": failed["errored"]},
            "paid_calls": {"failed": stack.meter.applications().get(APP, {})},
        }
        validator_before = _invocations(stack, "ValidateLicenseLambdaFunction")

        console = _Console(stack.api_urls["ConsoleApi"], "rita")
        console.post(f"/console/cases/{APP}/assign", {})
        status, body = console.post(f"/console/cases/{APP}/rerun", {"check": check})
        figures["rerun"] = {"status": status, "notice": f"{check} re-run: the case is now" in body}
        figures["double_click"] = console.post(f"/console/cases/{APP}/rerun", {"check": check})[0]
        final = _wait(stack, lambda record: record["status"] in ("APPROVED", "REJECTED", "REVIEW", "ERROR"))
        stack.settle()
        figures["final"] = final["status"]
        figures["paid_calls"]["final"] = stack.meter.applications().get(APP, {})
        figures["validator_calls"] = {"failed": validator_before,
                                      "final": _invocations(stack, "ValidateLicenseLambdaFunction")}
        trail = DynamoAuditTrail(stack.resource("AuditTable"), stack.client("dynamodb")).events(APP)
        figures["trail"] = [[e.actor, e.action, e.old, e.new, e.note] for e in trail if e.action.startswith("rerun")]
        figures["reopened"] = "PROCESSING" if check == "DETAILS" else "AWAITING_LICENSE_VALIDATION"
        figures["mail"] = _mail(stack, f"Application {final['status']} – {APP}")
        return figures


def _mail(stack: Any, awaited: str, timeout: float = 60.0) -> list[str]:
    """The outbox's subjects once `awaited` is among them (the final e-mail follows the final status), or at the
    timeout."""
    deadline = time.monotonic() + timeout
    while True:
        subjects = [str(message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"])
                    for path in sorted(stack.outbox_folder.glob("*.eml"))]
        if awaited in subjects or time.monotonic() > deadline:
            return subjects
        time.sleep(0.2)


def _wait(stack: Any, condition: Any, timeout: float = 240.0) -> dict[str, Any]:
    from kyc.adapters.dynamodb import DynamoApplications

    applications = DynamoApplications(stack.resource("CustomerMetadataTable"), stack.client("dynamodb"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = applications.read(APP)
        if record is not None:
            seen = {"status": str(record.status),
                    "errored": [check.name for check, result in record.results.items() if result.outcome == "ERROR"]}
            if condition(seen):
                return seen
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {APP}")


def _invocations(stack: Any, function: str) -> int:
    group = f"/aws/lambda/{stack.resource(function)}"
    logs = stack.client("logs")
    try:
        events = logs.filter_log_events(logGroupName=group).get("events", [])
    except logs.exceptions.ResourceNotFoundException:
        return 0
    return sum(event["message"].startswith("REPORT ") for event in events)


class _Console:
    """The console's HTTP API as the browser uses it: signed in through its Cognito route, forms with the CSRF token
    of the page they come from."""

    def __init__(self, url: str, user: str):
        import os

        from kyc_local.console import DEMO_PASSWORD

        self.url = url
        answer = self._call("POST", "/console/auth", json.dumps({
            "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": os.environ["CONSOLE_CLIENT_ID"],
            "AuthParameters": {"USERNAME": user, "PASSWORD": DEMO_PASSWORD},
        }).encode(), {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
                      "Content-Type": "application/x-amz-json-1.1"})[1]
        self.token = json.loads(answer)["AuthenticationResult"]["IdToken"]

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        page = self._call("GET", f"/console/cases/{APP}", None, self._auth())[1]
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        body = urlencode({"csrf": csrf, **form}).encode()
        return self._call("POST", path, body, {**self._auth(), "Content-Type": "application/x-www-form-urlencoded"})

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _call(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, str]:
        request = Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()


if __name__ == "__main__":
    print(json.dumps(scenario(sys.argv[1], sys.argv[2], Path(sys.argv[3]))))
