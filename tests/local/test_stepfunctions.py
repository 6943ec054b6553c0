"""Part 2 on the real local stack with the real engines: S3 → EventBridge → StartDocumentWorkflowLambdaFunction →
DocumentStateMachine (moto's interpreter, the task handlers in-process) → LicenseQueue → SubmitLicense → HTTP validator
→ final status, driven from outside the stack's process like test_pipeline.py drives part 1."""

from __future__ import annotations

import pytest

from kyc_local.results import Result, read
from tests.local.conftest import (
    LAB,
    README_OUTCOMES,
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
    with kyc_up(tmp_path_factory.mktemp("stepfunctions"), "--workflow", "stepfunctions") as running:
        yield running


@pytest.fixture(scope="module")
def uploads(stack: RunningStack) -> dict[str, str]:
    """Every UnitTests bundle uploaded once: app id → ETag."""
    return {app_uuid: upload(stack, app_uuid) for app_uuid in README_OUTCOMES}


@pytest.fixture(scope="module")
def results(stack: RunningStack, uploads: dict[str, str]) -> dict[str, Result]:
    return {app_uuid: final(stack, app_uuid) for app_uuid in uploads}


def executions(stack: RunningStack) -> dict[str, str]:
    """DocumentStateMachine's executions: name → status."""
    sfn = stack.client("stepfunctions")
    listed = sfn.list_executions(stateMachineArn=stack.resource("DocumentStateMachine"))["executions"]
    return {execution["name"]: execution["status"] for execution in listed}


@pytest.mark.parametrize("app_uuid", README_OUTCOMES)
def test_every_sample_reaches_the_outcome_the_readme_gives(results: dict[str, Result], app_uuid: str) -> None:
    result = results[app_uuid]
    assert (result.status, result.reasons) == README_OUTCOMES[app_uuid]
    if app_uuid in LAB:  # the per-check outcomes part 1 gives (test_pipeline.py)
        assert {check: result.checks[check] for check in LAB[app_uuid][2]} == LAB[app_uuid][2]


def test_each_upload_ran_one_execution_and_part_1_never_ran(stack: RunningStack, uploads: dict[str, str],
                                                            results: dict[str, Result]) -> None:
    expected = {f"{app_uuid}-{etag}": "SUCCEEDED" for app_uuid, etag in uploads.items()}
    assert wait_for(lambda: executions(stack) == expected and expected, 30, "the executions to end")
    notification = stack.client("s3").get_bucket_notification_configuration(Bucket=stack.info["bucket"])
    assert "LambdaFunctionConfigurations" not in notification  # the executions came through EventBridge
    assert stack.invocations("DocumentLambdaFunction") == 0


def test_each_log_line_names_the_invocation_that_wrote_it(stack: RunningStack, results: dict[str, Result]) -> None:
    """Each task's function in the stack's one process, several at once, yet each line names its own function."""
    by_check, by_request = stack.log_labels()

    assert by_check == {
        "LICENSE_SELFIE_MATCH": {stack.resource("CompareFacesLambdaFunction")},
        "LICENSE_DETAILS_MATCH": {stack.resource("CompareDetailsLambdaFunction")},
        "LICENSE_VALIDATION": {stack.resource("SubmitLicenseLambdaFunction")},
    }
    assert {request: names for request, names in by_request.items() if len(names) > 1} == {}


def test_staff_are_mailed_as_in_part_1(stack: RunningStack, results: dict[str, Result]) -> None:
    expected = expected_mail(list(LAB))
    found = mailed_when_complete(stack, expected)
    assert {app: sorted(found[app]) for app in LAB} == expected


def test_a_duplicate_upload_starts_no_second_execution_and_makes_no_paid_call(
    stack: RunningStack, uploads: dict[str, str], results: dict[str, Result]
) -> None:
    wait_for(lambda: "RUNNING" not in executions(stack).values(), 30, "the executions to end")
    before, ran = stack.paid_calls(), executions(stack)
    starts = stack.invocations("StartDocumentWorkflowLambdaFunction")
    record = read(stack.client("dynamodb"), stack.info["table"], "8d247914")

    assert upload(stack, "8d247914") == uploads["8d247914"]
    wait_for(lambda: stack.invocations("StartDocumentWorkflowLambdaFunction") > starts, 30, "the duplicate's event")

    assert executions(stack) == ran
    assert stack.paid_calls() == before
    assert read(stack.client("dynamodb"), stack.info["table"], "8d247914") == record
