"""The Textract adapter on AWS-shaped AnalyzeID responses: one IdentityDocument per page, front and back."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber
from kyc.adapters.textract import TextractIdReader, parse_analyze_id

BUCKET = "documentbucket-123456789012"
TYPES = ("FIRST_NAME", "LAST_NAME", "MIDDLE_NAME", "DOCUMENT_NUMBER", "DATE_OF_BIRTH", "ADDRESS", "COUNTRY")


def _document(index: int, values: dict[str, tuple[str, float]]) -> dict[str, Any]:
    """One page's IdentityDocument as AWS returns it: every type, empty ones with AWS's high confidence."""
    fields = []
    for name in TYPES:
        text, confidence = values.get(name, ("", 98.2))
        value: dict[str, Any] = {"Text": text, "Confidence": confidence}
        if name == "DATE_OF_BIRTH" and text:
            value["NormalizedValue"] = {"Value": "1977-08-31T00:00:00", "ValueType": "DATE"}
        fields.append({"Type": {"Text": name}, "ValueDetection": value})
    return {"DocumentIndex": index, "IdentityDocumentFields": fields, "Blocks": []}


FRONT = _document(1, {"FIRST_NAME": ("ANA", 98.5), "LAST_NAME": ("GARCÍA", 97.0), "DOCUMENT_NUMBER": ("I123", 60.1),
                      "DATE_OF_BIRTH": ("08/31/1977", 99.1), "COUNTRY": ("USA", 95.0)})
BACK = _document(2, {"DOCUMENT_NUMBER": ("I1234568", 99.4), "ADDRESS": ("2570 24TH STREET", 93.0),
                     "LAST_NAME": ("GARCIA", 40.0)})
RESPONSE = {"IdentityDocuments": [FRONT, BACK], "DocumentMetadata": {"Pages": 2}, "AnalyzeIDModelVersion": "1.0"}


@pytest.fixture
def textract():
    session = botocore.session.get_session()
    textract = session.create_client("textract", region_name="us-east-1", aws_access_key_id="testing",
                                     aws_secret_access_key="testing")
    with Stubber(textract) as stubber:  # validates the canned response against AnalyzeID's output shape
        yield textract, stubber


def test_fields_of_the_back_page_are_read(textract):
    client, stubber = textract
    pages = [{"S3Object": {"Bucket": BUCKET, "Name": key}} for key in ("a_license.png", "a_license_back.png")]
    stubber.add_response("analyze_id", RESPONSE, {"DocumentPages": pages})
    document = TextractIdReader(BUCKET, client).analyze(["a_license.png", "a_license_back.png"])
    assert document.get("ADDRESS").text == "2570 24TH STREET"  # only on the back
    assert document.get("FIRST_NAME").text == "ANA"  # only on the front
    assert document.get("DATE_OF_BIRTH").normalized == "1977-08-31T00:00:00"
    stubber.assert_no_pending_responses()


def test_a_field_on_both_pages_keeps_the_more_confident_reading():
    document = parse_analyze_id(RESPONSE)
    assert (document.get("DOCUMENT_NUMBER").text, document.get("DOCUMENT_NUMBER").confidence) == ("I1234568", 99.4)
    assert (document.get("LAST_NAME").text, document.get("LAST_NAME").confidence) == ("GARCÍA", 97.0)


def test_an_empty_field_never_replaces_a_read_one_despite_its_high_confidence():
    document = parse_analyze_id({"IdentityDocuments": [BACK, FRONT]})
    assert document.get("FIRST_NAME").text == "ANA" and document.get("COUNTRY").text == "USA"
    assert document.get("MIDDLE_NAME") is None and "MIDDLE_NAME" not in document.fields


def test_order_of_the_pages_does_not_change_the_result():
    assert parse_analyze_id({"IdentityDocuments": [BACK, FRONT]}) == parse_analyze_id(RESPONSE)


def test_no_documents_is_no_fields():
    assert parse_analyze_id({"IdentityDocuments": []}).fields == {}
