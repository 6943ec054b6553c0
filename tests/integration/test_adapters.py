"""Adapters against moto, and the SigV4 validator client against a real local HTTP server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import boto3
import pytest
from kyc.adapters import aws
from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.rekognition import RekognitionFaces
from kyc.adapters.s3 import S3DocumentStore
from kyc.adapters.sns import SnsNotifier
from kyc.adapters.textract import parse_analyze_id
from kyc.adapters.validator_http import HttpLicenseValidator
from kyc.model import Reason, Rejection, ServiceFailure
from kyc.ports import Condition

from tests.integration.conftest import BUCKET


def test_upload_larger_than_the_cap_is_rejected_without_reading_it(stack):
    stack.s3.put_object(Bucket=BUCKET, Key="zipped/big.zip", Body=b"x" * 2048)
    with pytest.raises(Rejection) as raised:
        S3DocumentStore(BUCKET).read_upload("zipped/big.zip", max_bytes=1024)
    assert raised.value.reason is Reason.BUNDLE_INVALID


def test_missing_upload_is_a_rejection_not_a_crash(stack):
    with pytest.raises(Rejection):
        S3DocumentStore(BUCKET).read_upload("zipped/gone.zip", max_bytes=1024)


def test_upload_etag_is_unquoted(stack):
    etag = stack.s3.put_object(Bucket=BUCKET, Key="zipped/a.zip", Body=b"zip")["ETag"]
    assert S3DocumentStore(BUCKET).read_upload("zipped/a.zip", 1024).etag == etag.strip('"')


def test_conditional_writes_refuse_stale_updates(stack):
    apps = DynamoApplications("CustomerMetadataTable")
    assert apps.create({"APP_UUID": "a1", "BUNDLE_ETAG": "e1", "APPLICATION_STATUS": "PROCESSING", "SCORE": 0.5})
    assert not apps.create({"APP_UUID": "a1"})
    assert not apps.update("a1", {"APPLICATION_STATUS": "REJECTED"}, Condition(etag="other"))
    assert not apps.update("a1", {"APPLICATION_STATUS": "REJECTED"}, Condition(statuses=frozenset({"RECEIVED"})))
    assert apps.update("a1", {"APPLICATION_STATUS": "REJECTED", "MAP": {"x": 1.25}}, Condition(etag="e1"))
    assert apps.get("a1")["MAP"] == {"x": 1.25} and apps.get("a1")["SCORE"] == 0.5
    assert not apps.update("missing", {"A": 1}, Condition())


def test_every_kind_of_value_a_record_holds_comes_back_as_written(stack):
    apps = DynamoApplications("CustomerMetadataTable")
    record = {"APP_UUID": "a9", "TEXT": "Ünïcode", "COUNT": 12, "SIMILARITY": 99.125, "ZERO": 0, "FLAG": False,
              "NOTHING": None, "REASONS": ["SELFIE_MISMATCH", "UNDERAGE"], "EMPTY": [],
              "NESTED": {"checks": {"LICENSE_SELFIE_MATCH": "PASS"}, "scores": [0.5, 1]}}
    assert apps.create(record)
    assert apps.get("a9") == record
    stored = stack.dynamodb.get_item(TableName="CustomerMetadataTable", Key={"APP_UUID": {"S": "a9"}})["Item"]
    assert stored["SIMILARITY"] == {"N": "99.125"} and stored["FLAG"] == {"BOOL": False}
    with pytest.raises(TypeError):
        apps.create({"APP_UUID": "a10", "WHEN": object()})


def test_markers_are_added_once(stack):
    apps = DynamoApplications("CustomerMetadataTable")
    apps.create({"APP_UUID": "a2"})
    assert apps.add_marker("a2", "notified:X")
    assert not apps.add_marker("a2", "notified:X")
    apps.remove_marker("a2", "notified:X")
    assert apps.add_marker("a2", "notified:X")


def test_lease_can_be_taken_only_once_expired(stack):
    apps = DynamoApplications("CustomerMetadataTable")
    apps.create({"APP_UUID": "a3", "BUNDLE_ETAG": "e", "LEASE_UNTIL": "2026-01-01T00:01:00Z"})
    assert not apps.update("a3", {"LEASE_UNTIL": "x"}, Condition(etag="e", lease_expired_at="2026-01-01T00:00:00Z"))
    assert apps.update("a3", {"LEASE_UNTIL": "x"}, Condition(etag="e", lease_expired_at="2026-01-01T00:02:00Z"))


def test_a_conditional_update_can_return_the_item_as_written(stack):
    apps = DynamoApplications("CustomerMetadataTable")
    apps.create({"APP_UUID": "a4", "APPLICATION_STATUS": "AWAITING_LICENSE_VALIDATION", "SCORE": 0.5})
    awaiting = Condition(statuses=frozenset({"AWAITING_LICENSE_VALIDATION"}))
    assert apps.update_and_read("a4", {"LEASE": "x"}, awaiting) == {
        "APP_UUID": "a4", "APPLICATION_STATUS": "AWAITING_LICENSE_VALIDATION", "SCORE": 0.5, "LEASE": "x"}
    assert apps.update_and_read("a4", {"LEASE": "y"}, Condition(statuses=frozenset({"PROCESSING"}))) is None
    assert apps.update_and_read("missing", {"LEASE": "y"}, awaiting) is None
    assert apps.get("a4")["LEASE"] == "x"
    with pytest.raises(ServiceFailure):
        DynamoApplications("NoSuchTable").update_and_read("a4", {"LEASE": "z"}, awaiting)


def test_notifier_makes_its_client_on_the_first_message_only(stack):
    topic_arn = boto3.client("sns").create_topic(Name="ApplicationNotifications")["TopicArn"]
    aws.client.cache_clear()
    notifier = SnsNotifier(topic_arn)
    assert aws.client.cache_info().currsize == 0  # an application that passes never pays for it

    notifier.publish("subject", "body", {"app_uuid": "a"})
    notifier.publish("subject", "body", {"app_uuid": "b"})
    assert aws.client.cache_info().misses == 1


def test_compare_faces_response_is_read(stack):
    for key in ("unzipped/a_license.png", "unzipped/a_selfie.png"):
        stack.s3.put_object(Bucket=BUCKET, Key=key, Body=b"image")
    comparison = RekognitionFaces(BUCKET).compare("unzipped/a_license.png", "unzipped/a_selfie.png", 80)
    assert comparison.source_has_face and comparison.target_face_count >= 1
    assert 0 <= comparison.similarity <= 100 and comparison.threshold == 80


def test_analyze_id_response_is_read_with_normalised_dates():
    response = {
        "IdentityDocuments": [
            {
                "DocumentIndex": 1,
                "IdentityDocumentFields": [
                    {"Type": {"Text": "FIRST_NAME"}, "ValueDetection": {"Text": "ANA", "Confidence": 98.5}},
                    {
                        "Type": {"Text": "DATE_OF_BIRTH"},
                        "ValueDetection": {
                            "Text": "8/31/1977",
                            "NormalizedValue": {"Value": "1977-08-31T00:00:00", "ValueType": "Date"},
                            "Confidence": 97.0,
                        },
                    },
                    {"Type": {"Text": "MIDDLE_NAME"}, "ValueDetection": {"Text": "", "Confidence": 99.0}},
                ],
            }
        ]
    }
    document = parse_analyze_id(response)
    assert document.get("FIRST_NAME").text == "ANA" and document.get("FIRST_NAME").confidence == 98.5
    assert document.get("DATE_OF_BIRTH").normalized == "1977-08-31T00:00:00"
    assert document.get("MIDDLE_NAME") is None


class _Validator(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict]] = []
    status: ClassVar[int] = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append({"headers": dict(self.headers), "body": json.loads(body)})
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"valid": True, "reason": "format matches CA"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def validator_url():
    _Validator.seen, _Validator.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Validator)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/license"
    server.shutdown()


def test_validator_requests_are_signed_with_sigv4(validator_url):
    result = HttpLicenseValidator(validator_url).validate({"driver_license_id": "D1234567", "state": "CA"})

    assert result.valid is True and result.reason == "format matches CA"
    (request,) = _Validator.seen
    assert request["body"] == {"driver_license_id": "D1234567", "state": "CA"}
    authorization = request["headers"]["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 ") and "/execute-api/aws4_request" in authorization
    assert "X-Amz-Date" in request["headers"]


def test_validator_errors_are_retried_then_reported_as_a_service_failure(validator_url):
    _Validator.status = 503
    with pytest.raises(ServiceFailure):
        HttpLicenseValidator(validator_url, timeout=(1, 2)).validate({"driver_license_id": "D1"})
    assert len(_Validator.seen) == 4  # the first try and three retries


def test_unreachable_validator_is_a_service_failure():
    with pytest.raises(ServiceFailure):
        HttpLicenseValidator("http://127.0.0.1:9/license", timeout=(0.2, 0.2)).validate({"driver_license_id": "D1"})
