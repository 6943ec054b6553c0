"""RecordDeadLetterLambdaFunction against moto, driven by events/sqs_document_dead_letter_8d247914.json: the upload of
a timed-out invocation ends ERROR (PROCESSING_LIMIT) in CustomerMetadataTable and staff are told, through the
function's own wiring (kyc.bootstrap); a message it cannot read is the only failure of its batch."""

from __future__ import annotations

import copy
import json

import pytest
from kyc import bootstrap
from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.s3 import S3DocumentStore
from kyc.adapters.sns import SnsNotifier
from kyc.services.intake import IntakeDeps, unzip
from kyc.settings import get_settings

from tests.integration.conftest import load_event
from tests.support.bundles import bundle
from tests.support.handlers import LambdaContext, handler_module

APP = "8d247914"
record_dead_letter = handler_module("record_dead_letter")


@pytest.fixture
def consumer(stack, monkeypatch):
    """The handler as Lambda runs it: its dependencies built by bootstrap for this test's moto."""
    monkeypatch.setenv("RETENTION_DAYS", "30")
    bootstrap.record_error_dependencies.cache_clear()
    yield lambda event: record_dead_letter.lambda_handler(event, LambdaContext())
    bootstrap.record_error_dependencies.cache_clear()


def dead_letter_event(etag: str | None = None) -> dict:
    """The sample event, its failed S3 event naming the bundle `etag` (default: the sample's)."""
    event = load_event("sqs_document_dead_letter_8d247914.json")
    if etag is not None:
        body = json.loads(event["Records"][0]["body"])
        body["requestPayload"]["Records"][0]["s3"]["object"]["eTag"] = etag
        event["Records"][0]["body"] = json.dumps(body)
    return event


def claimed(stack) -> str:
    """Upload the bundle and claim it, as the timed-out invocation had before it was stopped."""
    etag = stack.upload(APP, bundle(APP)).strip('"')
    settings = get_settings()
    deps = IntakeDeps(S3DocumentStore(settings.bucket), DynamoApplications(settings.table),
                      SnsNotifier(settings.topic_arn), settings)
    unzip(f"zipped/{APP}.zip", deps)
    assert stack.item(APP)["APPLICATION_STATUS"] == "PROCESSING"
    return etag


def test_a_timed_out_upload_ends_in_error_with_its_reason_and_staff_are_told_once(stack, consumer):
    event = dead_letter_event(claimed(stack))

    assert consumer(event) == {"batchItemFailures": []}
    assert consumer(event) == {"batchItemFailures": []}  # delivered again: nothing twice

    item = stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["REASONS"]) == ("ERROR", ["PROCESSING_LIMIT"])
    assert item["STATUS_DETAIL"] == "step kyc-onboarding-DocumentLambdaFunction-AbCdEf123456 failed: Sandbox.Timedout"
    [note] = stack.notifications()
    assert note["Subject"] == f"Application processing ERROR – {APP}"
    assert "Reason code: PROCESSING_LIMIT" in note["Message"]
    assert note["MessageAttributes"]["app_uuid"]["Value"] == APP


def test_an_upload_never_claimed_is_recorded_for_the_bundle_its_event_names(stack, consumer):
    event = dead_letter_event()

    consumer(event)

    item = stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["BUNDLE_ETAG"]) == ("ERROR", "d41d8cd98f00b204e9800998ecf8427e")
    assert item["EXPIRES_AT"] > 0


def test_a_message_that_names_no_upload_is_the_only_failure_of_its_batch(stack, consumer):
    event = dead_letter_event(claimed(stack))
    unreadable = copy.deepcopy(event["Records"][0])
    unreadable["messageId"] = "unreadable"
    unreadable["body"] = json.dumps({"requestPayload": {"detail-type": "Scheduled Event"}})
    event["Records"].append(unreadable)

    assert consumer(event) == {"batchItemFailures": [{"itemIdentifier": "unreadable"}]}

    assert stack.item(APP)["APPLICATION_STATUS"] == "ERROR"
