"""Every upload ends in a recorded status, on the local stack as on AWS: a function that runs past its Timeout fails
(its later AWS calls never happen), is retried, and the application ends ERROR with PROCESSING_LIMIT and an e-mail.

The template's own Timeouts are shortened with its parameters: DocumentTimeout=1 for part 1's DocumentLambdaFunction
(two retries, then DocumentDeadLetterQueue and its consumer), CheckTimeout=1 for part 2's CompareFaces and
CompareDetails (the state machine's retries, then RecordError). The local vision engines check a sample bundle within
a second, so those functions' AWS calls are slowed (kyc_local.lambdas.LATENCY_VARIABLE), as a slow dependency would.
"""

from __future__ import annotations

import email
from email import policy

import pytest

from kyc_local.lambdas import LATENCY_VARIABLE
from tests.local.conftest import final, kyc_up, upload, wait_for

APP = "8d247914"  # a bundle that passes every check when there is time to check it


SLOW = "DocumentLambdaFunction=0.4,CompareFacesLambdaFunction=0.6,CompareDetailsLambdaFunction=0.6"




@pytest.fixture(scope="module", params=["lambda", "stepfunctions"])
def limited(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"limits-{request.param}")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(LATENCY_VARIABLE, SLOW)
        with kyc_up(workdir, "--workflow", request.param, "--param", "DocumentTimeout=1", "--param", "CheckTimeout=1",
                    "--retry-wait", "2") as stack:
            yield request.param, stack


def test_an_invocation_past_its_timeout_ends_in_error_with_a_notification(limited):
    workflow, stack = limited
    upload(stack, APP)

    result = final(stack, APP, timeout=240)

    assert (result.status, result.reasons) == ("ERROR", ["PROCESSING_LIMIT"])
    item = stack.client("dynamodb").get_item(TableName=stack.info["table"], Key={"APP_UUID": {"S": APP}})["Item"]
    step = "DocumentLambdaFunction" if workflow == "lambda" else "PerformChecks"
    assert step in item["STATUS_DETAIL"]["S"] and "Sandbox.Timedout" in item["STATUS_DETAIL"]["S"]

    def mails() -> list[email.message.EmailMessage]:
        parsed = [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in stack.outbox()]
        return [mail for mail in parsed if mail["X-SNS-Attribute-app_uuid"] == APP]

    [mail] = wait_for(mails, 60, "the staff e-mail")
    assert mail["Subject"] == f"Application processing ERROR – {APP}"
    body = mail.get_content()
    assert "Reason code: PROCESSING_LIMIT" in body and "time or memory limit" in body
    assert stack.client("sqs").receive_message(QueueUrl=stack.resource("LicenseQueue")).get("Messages") is None


def test_part_1_retries_a_timed_out_upload_twice_like_aws(limited):
    workflow, stack = limited
    if workflow != "lambda":
        pytest.skip("part 1's asynchronous invocation")
    final(stack, APP, timeout=240)

    wait_for(lambda: stack.invocations("RecordDeadLetterLambdaFunction") >= 1, 30, "the dead-letter consumer's run")
    assert stack.invocations("DocumentLambdaFunction") == 3  # the first attempt and AWS's two retries
