"""The whole pipeline from template.yaml on the UnitTests bundles with the real engines, driven from outside the
stack's process with boto3: S3 → DocumentLambdaFunction → vision → DynamoDB → SNS → SQS → SubmitLicense → HTTP
validator → final status, the outbox, duplicates and the dead-letter path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kyc_local.results import Result, Runner, dead_letters, read
from tests.conftest import user_environment
from tests.local.conftest import (
    LAB,
    README_OUTCOMES,
    ROOT,
    SAMPLES,
    RunningStack,
    expected_mail,
    final,
    kyc_up,
    mailed_when_complete,
    upload,
    wait_for,
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> RunningStack:
    with kyc_up(tmp_path_factory.mktemp("pipeline")) as running:
        yield running


@pytest.fixture(scope="module")
def lab(stack: RunningStack) -> dict[str, Result]:
    for app_uuid in LAB:
        upload(stack, app_uuid)
    return {app_uuid: final(stack, app_uuid) for app_uuid in LAB}


@pytest.mark.parametrize("app_uuid", LAB)
def test_the_lab_bundles_reach_their_outcome(lab: dict[str, Result], app_uuid: str) -> None:
    status, reasons, checks = LAB[app_uuid]
    result = lab[app_uuid]
    assert (result.status, result.reasons) == (status, reasons)
    assert {check: result.checks[check] for check in checks} == checks


def test_staff_are_mailed_each_failed_check_and_each_final_status(stack: RunningStack, lab: dict[str, Result]) -> None:
    expected = expected_mail(list(LAB))
    found = mailed_when_complete(stack, expected)
    assert {app: sorted(found[app]) for app in LAB} == expected


def test_each_log_line_names_the_invocation_that_wrote_it(stack: RunningStack, lab: dict[str, Result]) -> None:
    """Every function runs in the stack's one process, ValidateLicense inside SubmitLicense's call, yet each line of
    the handlers' log names its own function and request, as on AWS, where a process serves one invocation."""
    by_check, by_request = stack.log_labels()

    document, submit = stack.resource("DocumentLambdaFunction"), stack.resource("SubmitLicenseLambdaFunction")
    assert by_check == {
        "LICENSE_SELFIE_MATCH": {document}, "LICENSE_DETAILS_MATCH": {document}, "LICENSE_VALIDATION": {submit},
    }
    assert {request: names for request, names in by_request.items() if len(names) > 1} == {}


def test_a_duplicate_upload_makes_no_second_paid_call(stack: RunningStack, lab: dict[str, Result]) -> None:
    before = stack.paid_calls()
    assert before["CompareFaces"] >= len(LAB)
    invocations = stack.invocations("DocumentLambdaFunction")
    record = read(stack.client("dynamodb"), stack.info["table"], "8d247914")
    upload(stack, "8d247914")
    wait_for(lambda: stack.invocations("DocumentLambdaFunction") > invocations, 60, "the duplicate's invocation")
    assert stack.paid_calls() == before
    assert read(stack.client("dynamodb"), stack.info["table"], "8d247914") == record


def test_a_hostile_bundle_is_rejected_before_any_paid_call(stack: RunningStack, lab: dict[str, Result]) -> None:
    before = stack.paid_calls()
    upload(stack, "d6e2b4f9")
    result = final(stack, "d6e2b4f9")
    assert (result.status, result.reasons) == ("REJECTED", ["BUNDLE_INVALID"])
    assert stack.paid_calls() == before


def test_a_licence_message_that_cannot_succeed_ends_in_the_dead_letter_queue(stack: RunningStack) -> None:
    sqs = stack.client("sqs")
    body = json.dumps({"app_uuid": "no-such-application", "uuid": "no-such-application", "driver_license_id": "X1"})
    sqs.send_message(QueueUrl=stack.resource("LicenseQueue"), MessageBody=body)

    def in_dead_letter_queue() -> list[dict]:
        response = sqs.receive_message(QueueUrl=stack.resource("LicenseDeadLetterQueue"), WaitTimeSeconds=1,
                                       VisibilityTimeout=0, MessageSystemAttributeNames=["All"])
        return response.get("Messages", [])

    (message,) = wait_for(in_dead_letter_queue, 60, "LicenseDeadLetterQueue")
    assert message["Body"] == body
    assert int(message["Attributes"]["ApproximateReceiveCount"]) >= 5  # received 5 times on LicenseQueue
    locate = dead_letters(sqs, {"LicenseDeadLetterQueue": stack.resource("LicenseDeadLetterQueue")})
    assert locate(Result("no-such-application")) == "a message is in LicenseDeadLetterQueue"
    assert locate(Result("7a135804")) == ""


def test_a_bundle_past_its_deadline_is_reported_with_where_it_stopped(stack: RunningStack,
                                                                       lab: dict[str, Result]) -> None:
    runner = Runner(stack.client("s3"), stack.client("dynamodb"), stack.info["bucket"], stack.info["table"],
                    timeout=0.0)
    (result,) = runner.run([SAMPLES / "5e0d7a21.zip"])  # the engines alone take longer than the first poll
    assert not result.final
    assert result.stopped_at == "no application record" or result.stopped_at.startswith("status ")
    assert final(stack, "5e0d7a21").reasons == ["LICENSE_EXPIRED"]  # it does finish, later


def test_kyc_status_reads_the_running_stack(stack: RunningStack, lab: dict[str, Result]) -> None:
    command = [sys.executable, "-m", "kyc_local.cli", "status", "7a135804", "--json", "--workdir", str(stack.workdir)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
                          env=user_environment())
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert (shown["status"], shown["reasons"]) == ("REJECTED", ["DETAILS_MISMATCH"])


@pytest.mark.parametrize("app_uuid", ["3b91f0c6", "c4a8e613"])
def test_the_other_samples_reach_the_outcome_the_readme_gives(stack: RunningStack, app_uuid: str) -> None:
    """With the tests above, every UnitTests bundle against UnitTests/README.md (part 2: test_stepfunctions.py)."""
    upload(stack, app_uuid)
    result = final(stack, app_uuid)
    assert (result.status, result.reasons) == README_OUTCOMES[app_uuid]
