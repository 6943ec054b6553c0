"""DocumentDeadLetterQueue's consumer on the in-memory record: every failed upload ends ERROR with the reason its
error gives, staff told once, whichever sender wrote the message; a settled application is left as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kyc.model import Reason, Status
from kyc.services.dead_letters import UnknownDeadLetter, failed_uploads, record_dead_letter
from kyc.services.documents import process_upload
from kyc.services.failure import FailureDeps
from kyc.services.intake import unzip

from tests.unit.services.conftest import APP, KEY

EVENTS = Path(__file__).resolve().parents[3] / "events"

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:kyc-DocumentLambdaFunction-AbC:$LATEST"


def deps(world) -> FailureDeps:
    return FailureDeps(world.applications, world.notifier, world.settings, world.clock)


def s3_event(etag: str, key: str = KEY) -> dict:
    return {"Records": [{"s3": {"object": {"key": key, "eTag": etag}}}]}


def eventbridge_event(etag: str, key: str = KEY) -> dict:
    return {"source": "aws.s3", "detail-type": "Object Created", "detail": {"object": {"key": key, "etag": etag}}}


def on_failure(event: dict, response: dict) -> str:
    """What Lambda's on-failure destination sends: the invocation record."""
    return json.dumps({
        "requestContext": {"functionArn": FUNCTION_ARN, "condition": "RetriesExhausted", "approximateInvokeCount": 3},
        "requestPayload": event,
        "responsePayload": response,
    })


TIMED_OUT = {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 60.00 seconds"}


def test_a_claimed_upload_that_timed_out_ends_in_processing_limit_and_staff_are_told_once(world):
    etag = world.upload()
    unzip(KEY, world.intake())  # claimed, PROCESSING, then the invocation was stopped
    body = on_failure(s3_event(etag), TIMED_OUT)

    assert record_dead_letter(body, {}, deps(world)) == [Status.ERROR]
    assert record_dead_letter(body, {}, deps(world)) == [Status.ERROR]  # SQS may deliver it again

    record = world.applications.read(APP)
    assert (record.status, record.reasons) == (Status.ERROR, (Reason.PROCESSING_LIMIT,))
    assert record.status_detail == "step kyc-DocumentLambdaFunction-AbC failed: Sandbox.Timedout"
    [(subject, body_text, attributes)] = world.notifier.messages
    assert subject == f"Application processing ERROR – {APP}"
    assert "Reason code: PROCESSING_LIMIT" in body_text and attributes["outcome"] == "ERROR"


def test_an_upload_never_claimed_is_claimed_for_its_bundle_and_recorded(world):
    assert record_dead_letter(on_failure(s3_event("e1"), TIMED_OUT), {}, deps(world)) == [Status.ERROR]

    record = world.applications.read(APP)
    assert (record.status, record.etag, record.reasons) == (Status.ERROR, "e1", (Reason.PROCESSING_LIMIT,))
    assert len(world.notifier.messages) == 1


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        ({"errorMessage": "2026-11-22T10:03:05Z 1f2e Task timed out after 60.00 seconds"}, Reason.PROCESSING_LIMIT),
        ({"errorType": "Runtime.OutOfMemory", "errorMessage": "Runtime exited with error: signal: killed"},
         Reason.PROCESSING_LIMIT),
        ({"errorMessage": "RequestId: 1f2e Error: Runtime exited with error: signal: killed"}, Reason.PROCESSING_LIMIT),
        ({"errorType": "ServiceFailure", "errorMessage": "dynamodb failed: ProvisionedThroughputExceeded"},
         Reason.SERVICE_ERROR),
        ({}, Reason.SERVICE_ERROR),
    ],
)
def test_the_reason_follows_the_error_lambda_reported(world, response, reason):
    record_dead_letter(on_failure(s3_event("e1"), response), {}, deps(world))

    assert world.applications.read(APP).reasons == (reason,)


@pytest.mark.parametrize(
    ("message", "reason"),
    [("2026-11-22T10:03:05Z 1f2e Task timed out after 60.00 seconds", Reason.PROCESSING_LIMIT),
     ("ValueError: something else", Reason.SERVICE_ERROR)],
)
def test_a_lambda_dead_letter_queue_message_is_the_event_with_the_error_in_its_attributes(world, message, reason):
    attributes = {"RequestID": "1f2e", "ErrorCode": "200", "ErrorMessage": message}

    assert record_dead_letter(json.dumps(s3_event("e1")), attributes, deps(world)) == [Status.ERROR]

    assert world.applications.read(APP).reasons == (reason,)


def test_part_2_dead_letters_are_eventbridge_events_undelivered_or_failed_by_the_starter(world):
    undelivered = json.dumps(eventbridge_event("e1"))
    attributes = {"ERROR_CODE": "THROTTLING", "ERROR_MESSAGE": "Rate exceeded", "RETRY_ATTEMPTS": "185"}
    starter_failed = on_failure(eventbridge_event("e2", "zipped/other.zip"), TIMED_OUT)

    assert record_dead_letter(undelivered, attributes, deps(world)) == [Status.ERROR]
    assert record_dead_letter(starter_failed, {}, deps(world)) == [Status.ERROR]

    first = world.applications.read(APP)
    assert (first.reasons, first.status_detail) == ((Reason.SERVICE_ERROR,), "step EventBridge delivery failed: THROTTLING")
    assert world.applications.read("other").reasons == (Reason.PROCESSING_LIMIT,)


def test_an_eventbridge_key_is_encoded_as_s3_notifications_encode_it():
    [upload] = failed_uploads(json.dumps(eventbridge_event("e1", "zipped/a b+c.zip")), {"ERROR_CODE": "X"})

    assert upload.key == "zipped/a+b%2Bc.zip"


def test_an_application_whose_document_steps_finished_is_left_as_it_is(world):
    """Its licence message is queued: a failure after the document steps changes nothing."""
    etag = world.upload()
    status = process_upload(KEY, world.documents())
    told = len(world.notifier.messages)

    assert record_dead_letter(on_failure(s3_event(etag), TIMED_OUT), {}, deps(world)) == [status]

    record = world.applications.read(APP)
    assert (record.status, record.reasons) == (status, ())
    assert len(world.notifier.messages) == told


def test_a_dead_letter_of_an_earlier_bundle_leaves_the_current_one_alone(world):
    etag = world.upload()
    unzip(KEY, world.intake())

    record_dead_letter(on_failure(s3_event("an-earlier-bundle"), TIMED_OUT), {}, deps(world))

    record = world.applications.read(APP)
    assert (record.status, record.etag) == (Status.PROCESSING, etag)
    assert world.notifier.messages == []


def test_only_the_error_name_is_recorded_never_its_message(world):
    response = {"errorType": "Boom<script>" * 20, "errorMessage": "Jane Q. Public, 1 Main St"}

    record_dead_letter(on_failure(s3_event("e1"), response), {}, deps(world))

    detail = world.applications.read(APP).status_detail
    assert "Jane" not in detail and "<" not in detail and len(detail) <= 200
    [(_, body, _)] = world.notifier.messages
    assert "Jane" not in body and "<script>" not in body


@pytest.mark.parametrize(
    "body",
    ["not json", "[1]", json.dumps({"Records": []}), json.dumps({"source": "aws.ec2"}),
     json.dumps(s3_event("")), on_failure({"detail": {}}, TIMED_OUT)],
)
def test_a_message_that_names_no_upload_is_refused_and_records_nothing(world, body):
    with pytest.raises(UnknownDeadLetter):
        record_dead_letter(body, {}, deps(world))

    assert world.applications.read(APP) is None


def test_the_sample_event_is_a_timed_out_document_invocation():
    [record] = json.loads((EVENTS / "sqs_document_dead_letter_8d247914.json").read_text())["Records"]

    [upload] = failed_uploads(record["body"], {})

    assert (upload.key, upload.error) == ("zipped/8d247914.zip", "Sandbox.Timedout")
    assert upload.step.startswith("kyc-onboarding-DocumentLambdaFunction-")
