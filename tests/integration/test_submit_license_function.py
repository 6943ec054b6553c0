"""SubmitLicenseLambdaFunction driven by events/sqs_license_batch.json against moto, the validator faked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.ports import Claim

from tests.integration.conftest import load_event
from tests.support.fakes import FlakyResultWrites
from tests.support.handlers import LambdaContext, handler_module

submit = handler_module("submit_license")
EVENT = load_event("sqs_license_batch.json")
APP = json.loads(EVENT["Records"][0]["body"])["app_uuid"]


def awaiting(stack, deps, face="PASS", details="PASS", app=APP):
    """An application whose document checks are recorded and whose licence validation is due."""
    apps, now = deps.applications, datetime.now(UTC)
    recorded = {"DOCUMENT_NUMBER": "D1234567", "STATE_IN_ADDRESS": "CA"}
    apps.claim(Claim(app, "etag", now, now, now + timedelta(days=30), details=recorded))
    face_reasons = () if face == "PASS" else (Reason.SELFIE_MISMATCH,)
    apps.record_result(app, "etag", CheckResult(Check.FACE, Outcome(face), face_reasons), now)
    apps.record_result(app, "etag", CheckResult(Check.DETAILS, Outcome(details)), now)
    apps.settle(app, Status.AWAITING_LICENSE_VALIDATION, face_reasons, now, etag="etag")


def test_valid_licence_approves_the_application(stack, submit_deps, validator):
    awaiting(stack, submit_deps)

    assert submit.handle(EVENT, LambdaContext(), submit_deps) == {"batchItemFailures": []}

    item = stack.item(APP)
    assert item["APPLICATION_STATUS"] == "APPROVED" and item["LICENSE_VALIDATION"] is True
    assert validator.requests == [{"driver_license_id": "D1234567", "state": "CA"}]
    (note,) = stack.notifications()  # the final status, once
    assert note["Subject"] == f"Application APPROVED – {APP}"
    assert "D1234567" not in json.dumps(note)


def test_invalid_licence_rejects_and_notifies(stack, submit_deps, validator):
    validator.valid = False
    awaiting(stack, submit_deps)

    submit.handle(EVENT, LambdaContext(), submit_deps)

    item = stack.item(APP)
    assert item["APPLICATION_STATUS"] == "REJECTED" and item["REASONS"] == ["LICENSE_INVALID"]
    check, final = stack.notifications()
    assert check["Subject"] == f"License validation by third party FAILED – {APP}"
    assert final["Subject"] == f"Application REJECTED – {APP}"
    assert "- License validation by third party (LICENSE_VALIDATION): FAIL (LICENSE_INVALID)" in final["Message"]
    assert "D1234567" not in json.dumps([check, final])


def test_earlier_failed_check_still_rejects_after_validation(stack, submit_deps):
    awaiting(stack, submit_deps, face="FAIL")

    submit.handle(EVENT, LambdaContext(), submit_deps)

    item = stack.item(APP)
    assert item["APPLICATION_STATUS"] == "REJECTED" and item["REASONS"] == ["SELFIE_MISMATCH"]


def test_duplicate_message_calls_the_validator_once(stack, submit_deps, validator):
    awaiting(stack, submit_deps)

    submit.handle(EVENT, LambdaContext(), submit_deps)
    submit.handle(EVENT, LambdaContext(), submit_deps)

    assert len(validator.requests) == 1


def test_delivery_arriving_during_the_validator_call_does_not_call_it_again(stack, submit_deps, validator):
    """Two deliveries of one message at once (SQS is at-least-once): the second, arriving while the first waits for
    the validator, is handed back to the queue instead of paying for a second call."""
    awaiting(stack, submit_deps)
    answer = validator.validate
    concurrent = []

    def validate_while_a_duplicate_arrives(request):
        concurrent.append(submit.handle(EVENT, LambdaContext(), submit_deps))
        return answer(request)

    submit_deps.validator = SimpleNamespace(validate=validate_while_a_duplicate_arrives)

    assert submit.handle(EVENT, LambdaContext(), submit_deps) == {"batchItemFailures": []}

    assert len(validator.requests) == 1
    assert concurrent == [{"batchItemFailures": [{"itemIdentifier": EVENT["Records"][0]["messageId"]}]}]
    assert stack.item(APP)["APPLICATION_STATUS"] == "APPROVED"
    submit.handle(EVENT, LambdaContext(), submit_deps)  # the duplicate's redelivery finds the application settled
    assert len(validator.requests) == 1


def test_validator_outage_is_retried_then_recorded_as_error(stack, submit_deps, validator):
    validator.failure = "HTTP 503"
    awaiting(stack, submit_deps)
    message_id = EVENT["Records"][0]["messageId"]

    assert submit.handle(EVENT, LambdaContext(), submit_deps) == {"batchItemFailures": [{"itemIdentifier": message_id}]}
    assert stack.item(APP)["APPLICATION_STATUS"] == "AWAITING_LICENSE_VALIDATION"

    last = json.loads(json.dumps(EVENT))
    last["Records"][0]["attributes"]["ApproximateReceiveCount"] = "5"
    assert submit.handle(last, LambdaContext(), submit_deps) == {"batchItemFailures": []}
    item = stack.item(APP)
    assert item["APPLICATION_STATUS"] == "ERROR" and item["REASONS"] == ["SERVICE_ERROR"]
    notes = stack.notifications()
    assert [n["MessageAttributes"]["outcome"]["Value"] for n in notes] == ["ERROR", "ERROR"]
    assert notes[-1]["Subject"] == f"Application ERROR – {APP}"


def test_the_validator_result_is_written_patiently_rather_than_paid_for_again(stack, submit_deps, validator):
    awaiting(stack, submit_deps)
    submit_deps.applications = FlakyResultWrites(submit_deps.applications, Check.VALIDATION, failures=2)

    assert submit.handle(EVENT, LambdaContext(), submit_deps) == {"batchItemFailures": []}

    assert len(validator.requests) == 1
    assert stack.item(APP)["APPLICATION_STATUS"] == "APPROVED"


def test_override_is_forwarded_only_in_test_mode(stack, submit_deps, validator, monkeypatch):
    awaiting(stack, submit_deps)
    event = json.loads(json.dumps(EVENT))
    event["Records"][0]["body"] = json.dumps({**json.loads(event["Records"][0]["body"]), "validation_override": False})

    submit.handle(event, LambdaContext(), submit_deps)

    assert "validation_override" not in validator.requests[0]


def test_poison_messages_fail_into_the_dead_letter_queue_after_five_receives(stack, submit_deps):
    stack.sqs.send_message(QueueUrl=stack.queue_url, MessageBody="{not json")
    stack.sqs.send_message(
        QueueUrl=stack.queue_url, MessageBody=json.dumps({"app_uuid": "unknown1", "driver_license_id": "X"})
    )
    receives = 0
    while True:
        messages = stack.sqs.receive_message(
            QueueUrl=stack.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            break
        receives += 1
        response = submit.handle(_as_event(messages), LambdaContext(), submit_deps)
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        assert failed == {m["MessageId"] for m in messages}
        assert receives <= 5

    assert receives == 5
    dead = stack.sqs.receive_message(QueueUrl=stack.dead_letter_url, MaxNumberOfMessages=10)["Messages"]
    assert len(dead) == 2


def _as_event(messages: list[dict]) -> dict:
    """The event Lambda's SQS event source mapping builds from received messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m["Attributes"],
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:LicenseQueue",
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }
