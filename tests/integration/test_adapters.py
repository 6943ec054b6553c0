"""Adapters against moto, and the SigV4 validator client against a real local HTTP server."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
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
from kyc.model import Check, CheckResult, Outcome, Reason, Rejection, ServiceFailure, Status, UploadMissing
from kyc.ports import Claim

from tests.integration.conftest import BUCKET


def test_upload_larger_than_the_cap_is_rejected_without_reading_it(stack):
    stack.s3.put_object(Bucket=BUCKET, Key="zipped/big.zip", Body=b"x" * 2048)
    with pytest.raises(Rejection) as raised:
        S3DocumentStore(BUCKET).read_upload("zipped/big.zip", max_bytes=1024)
    assert raised.value.reason is Reason.BUNDLE_INVALID


def test_missing_upload_is_told_apart_from_a_bad_one(stack):
    with pytest.raises(UploadMissing):
        S3DocumentStore(BUCKET).read_upload("zipped/gone.zip", max_bytes=1024)


def test_upload_etag_is_unquoted(stack):
    etag = stack.s3.put_object(Bucket=BUCKET, Key="zipped/a.zip", Body=b"zip")["ETag"]
    assert S3DocumentStore(BUCKET).read_upload("zipped/a.zip", 1024).etag == etag.strip('"')


def test_the_item_holds_the_designs_attributes_with_their_types(stack):
    """DESIGN §3's item: the CSV fields as strings, the lab's BOOLs, the similarity as a number, the report a map."""
    apps = DynamoApplications("CustomerMetadataTable")
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    fields = {"FIRST_NAME": "Ünïcode", "ZIP_CODE_IN_ADDRESS": "02134"}
    claim = Claim("a9", "e9", now, now, now + timedelta(days=30), details=fields)
    assert apps.claim(claim)
    face = CheckResult(Check.FACE, Outcome.PASS, (), {"similarity": 99.125, "threshold": 80.0, "faces_in_selfie": 1})
    report = {"ZIP_CODE_IN_ADDRESS": {"match": False, "rule": "zip5", "confidence": 97.5}}
    evidence = {"ZIP_CODE_IN_ADDRESS": {"licence_value": "02135-1234", "applicant_form": "02134", "licence_form": "02135"}}
    details = CheckResult(Check.DETAILS, Outcome.FAIL, (Reason.DETAILS_MISMATCH,), {"fields": report}, evidence)
    assert apps.record_result("a9", "e9", face, now) and apps.record_result("a9", "e9", details, now)
    assert apps.settle("a9", Status.REJECTED, (Reason.DETAILS_MISMATCH,), now, etag="e9")
    item = stack.dynamodb.get_item(TableName="CustomerMetadataTable", Key={"APP_UUID": {"S": "a9"}})["Item"]
    assert item["FIRST_NAME"] == {"S": "Ünïcode"} and item["ZIP_CODE_IN_ADDRESS"] == {"S": "02134"}
    assert item["LICENSE_SELFIE_MATCH"] == {"BOOL": True} and item["LICENSE_DETAILS_MATCH"] == {"BOOL": False}
    assert "LICENSE_VALIDATION" not in item
    assert item["FACE_SIMILARITY"] == {"N": "99.125"}
    assert item["DETAILS_REPORT"]["M"]["ZIP_CODE_IN_ADDRESS"]["M"]["match"] == {"BOOL": False}
    assert item["DETAILS_REPORT"]["M"]["ZIP_CODE_IN_ADDRESS"]["M"]["licence_value"] == {"S": "02135-1234"}
    assert "02135" not in json.dumps(item["LICENSE_DETAILS_MATCH_RESULT"])  # the result's detail: names only
    assert item["APPLICATION_STATUS"] == {"S": "REJECTED"} and item["REASONS"] == {"L": [{"S": "DETAILS_MISMATCH"}]}
    assert item["EXPIRES_AT"] == {"N": str(int((now + timedelta(days=30)).timestamp()))}
    assert item["CREATED_AT"] == item["UPDATED_AT"] == {"S": "2026-12-01T12:00:00Z"}
    assert apps.read("a9").results == {Check.FACE: face, Check.DETAILS: details}


def test_a_table_that_cannot_be_written_is_a_service_failure(stack):
    with pytest.raises(ServiceFailure, match="ResourceNotFoundException"):
        DynamoApplications("NoSuchTable").take_validation_lease("a4", datetime.now(UTC), datetime.now(UTC))


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
    result = HttpLicenseValidator(validator_url, "us-east-1").validate({"driver_license_id": "D1234567", "state": "CA"})

    assert result.valid is True and result.reason == "format matches CA"
    (request,) = _Validator.seen
    assert request["body"] == {"driver_license_id": "D1234567", "state": "CA"}
    authorization = request["headers"]["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 ") and "/execute-api/aws4_request" in authorization
    assert "X-Amz-Date" in request["headers"]


def test_validator_errors_are_retried_then_reported_as_a_service_failure(validator_url):
    _Validator.status = 503
    with pytest.raises(ServiceFailure):
        HttpLicenseValidator(validator_url, "us-east-1", timeout=(1, 2)).validate({"driver_license_id": "D1"})
    assert len(_Validator.seen) == 4  # the first try and three retries


def test_unreachable_validator_is_a_service_failure():
    with pytest.raises(ServiceFailure):
        HttpLicenseValidator("http://127.0.0.1:9/license", "us-east-1", timeout=(0.2, 0.2)).validate({"driver_license_id": "D1"})
