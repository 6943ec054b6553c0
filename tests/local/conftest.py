"""The local runtime end to end: `kyc up` runs in a process of its own and the tests drive it from outside, the way
the AWS CLI or an SDK would (the handlers keep settings per process, so one stack per process is the rule)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import boto3

from kyc_local.results import Result, read
from tests.conftest import user_environment

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "UnitTests"
FIXTURE_APP = Path(__file__).resolve().parent / "fixture_app" / "template.yaml"
LAB = {
    "8d247914": ("APPROVED", [], {"LICENSE_SELFIE_MATCH": "PASS", "LICENSE_DETAILS_MATCH": "PASS",
                                  "LICENSE_VALIDATION": "PASS"}),
    "7a135804": ("REJECTED", ["DETAILS_MISMATCH"], {"LICENSE_DETAILS_MATCH": "FAIL"}),
    "9c358026": ("REJECTED", ["SELFIE_MISMATCH"], {"LICENSE_SELFIE_MATCH": "FAIL"}),
}
SUBJECTS = {
    "7a135804": "Data validation between license and CSV FAILED – 7a135804",
    "9c358026": "License photo validation FAILED – 9c358026",
}


def _readme_outcomes() -> dict[str, tuple[str, list[str]]]:
    """UnitTests/README.md's table: app id → (expected status, reasons)."""
    outcomes = {}
    for line in (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`") and cells[0].endswith('.zip`'):
            reasons = [] if cells[2] in ("—", "-", "") else [reason.strip() for reason in cells[2].split(",")]
            outcomes[cells[0].strip("`").removesuffix(".zip")] = (cells[1], reasons)
    return outcomes


README_OUTCOMES = _readme_outcomes()


@dataclass
class RunningStack:
    info: dict[str, Any]  # what `kyc up` wrote to <workdir>/stack.json
    workdir: Path
    process: subprocess.Popen

    def client(self, service: str) -> Any:
        return boto3.session.Session().client(
            service, endpoint_url=self.info["aws_url"], region_name=self.info["region"],
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )

    def resource(self, logical_id: str) -> str:
        return self.info["resources"][logical_id]

    def paid_calls(self) -> dict[str, int]:
        with urlopen(self.info["meter_url"], timeout=5) as response:
            return json.load(response)

    def invocations(self, function_logical_id: str) -> int:
        """REPORT lines the runtime wrote to the function's CloudWatch log group: one per invocation."""
        logs = self.client("logs")
        group = f"/aws/lambda/{self.resource(function_logical_id)}"
        events = logs.filter_log_events(logGroupName=group).get("events", [])
        return sum(event["message"].startswith("REPORT ") for event in events)

    def outbox(self) -> list[Path]:
        return sorted(Path(self.info["outbox"]).glob("*.eml"))

    def log_labels(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """From the handlers' log (their Powertools lines in the runtime's log file): the functions named on each
        check's "check recorded" lines, and the functions named on each request's lines."""
        lines = (self.workdir / "logs" / "functions.log").read_text(encoding="utf-8").splitlines()
        by_check: dict[str, set[str]] = {}
        by_request: dict[str, set[str]] = {}
        for record in (json.loads(line) for line in lines if line.startswith('{"level"')):
            if record["message"] == "check recorded":
                by_check.setdefault(record["check"], set()).add(record["function_name"])
            by_request.setdefault(record["function_request_id"], set()).add(record["function_name"])
        return by_check, by_request


def mailed(stack: RunningStack) -> dict[str, list[str]]:
    """The outbox's e-mails: their subjects by application, each checked to name its application in the body."""
    found: dict[str, list[str]] = {}
    for path in stack.outbox():
        email = message_from_bytes(path.read_bytes(), policy=policy.default)
        app_uuid = email["X-SNS-Attribute-app_uuid"]
        assert app_uuid in email.get_content()
        found.setdefault(app_uuid, []).append(str(email["Subject"]))
    return found


def mailed_when_complete(stack: RunningStack, expected: dict[str, list[str]]) -> dict[str, list[str]]:
    """The outbox once every application has at least as many e-mails as `expected` gives it."""

    def complete() -> dict[str, list[str]] | None:
        mail = mailed(stack)
        return mail if all(len(mail.get(app, [])) >= len(want) for app, want in expected.items()) else None

    return wait_for(complete, 20, "the e-mails")


def expected_mail(app_uuids: list[str]) -> dict[str, list[str]]:
    """Each failed check's e-mail (the lab's subjects) and one e-mail of the final status, by application."""
    return {app: sorted([*([SUBJECTS[app]] if app in SUBJECTS else []), f"Application {LAB[app][0]} – {app}"])
            for app in app_uuids}


def upload(stack: RunningStack, app_uuid: str) -> str:
    """Upload a UnitTests bundle to zipped/; returns its ETag."""
    body = (SAMPLES / f"{app_uuid}.zip").read_bytes()
    put = stack.client("s3").put_object(Bucket=stack.info["bucket"], Key=f"zipped/{app_uuid}.zip", Body=body)
    return put["ETag"].strip('"')


def final(stack: RunningStack, app_uuid: str, timeout: float = 120) -> Result:
    dynamodb = stack.client("dynamodb")
    return wait_for(lambda: (r := read(dynamodb, stack.info["table"], app_uuid)).final and r, timeout, app_uuid)


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextmanager
def kyc_up(workdir: Path, *args: str, timeout: float = 240.0) -> Iterator[RunningStack]:
    """Start `kyc up` in a subprocess, wait until it is ready, stop it with Ctrl-C (SIGINT) afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    output = open(workdir / "kyc-up.out", "w+", encoding="utf-8")  # noqa: SIM115 (closed below)
    command = [sys.executable, "-m", "kyc_local.cli", "up", "--workdir", str(workdir), "--retry-wait", "0", *args]
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT, env=user_environment())
    stack_file = workdir / "stack.json"
    try:
        def ready() -> dict[str, Any] | None:
            if process.poll() is not None:
                output.seek(0)
                raise AssertionError(f"kyc up exited with {process.returncode}:\n{output.read()}")
            if stack_file.exists():
                info = json.loads(stack_file.read_text())
                return info if info["pid"] == process.pid else None
            return None

        yield RunningStack(wait_for(ready, timeout, "kyc up"), workdir, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
        output.close()
