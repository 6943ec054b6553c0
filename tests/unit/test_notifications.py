"""Notification texts: the lab's subjects, SNS limits, and no personal data anywhere."""

from __future__ import annotations

from datetime import date

import pytest
from kyc.document_checks import assess_license
from kyc.faces import FaceBand, decide_face
from kyc.model import Check, CheckResult, FaceComparison, IdDocument, Outcome, Reason, Status
from kyc.notifications import application_rejected, check_failed, service_error

from tests.unit.builders import APPLICANT, DETAILS, FLOOR, LICENSE

LONG_ID = "a" * 64
TODAY = date(2025, 6, 15)


def details_failure() -> CheckResult:
    readings = {name: reading for name, reading in LICENSE.items() if name != "ADDRESS"}
    return assess_license(APPLICANT, IdDocument(readings), TODAY, 18, FLOOR)


@pytest.mark.parametrize(
    ("result", "subject"),
    [
        (CheckResult(Check.FACE, Outcome.FAIL, (Reason.SELFIE_MISMATCH,)), "License photo validation FAILED – app-1"),
        (
            CheckResult(Check.DETAILS, Outcome.FAIL, (Reason.DETAILS_MISMATCH,)),
            "Data validation between license and CSV FAILED – app-1",
        ),
        (
            CheckResult(Check.VALIDATION, Outcome.FAIL, (Reason.LICENSE_INVALID,)),
            "License validation by third party FAILED – app-1",
        ),
    ],
    ids=["face", "details", "validation"],
)
def test_check_failed_subjects_are_the_labs(result, subject):
    notification = check_failed("app-1", result, Status.REJECTED)
    assert notification.subject == subject
    assert notification.attributes == {"app_uuid": "app-1", "check": result.check.value, "outcome": "FAIL"}


@pytest.mark.parametrize(
    "notification",
    [
        check_failed(LONG_ID, CheckResult(Check.DETAILS, Outcome.FAIL), Status.REJECTED),
        check_failed(LONG_ID, CheckResult(Check.FACE, Outcome.FAIL), Status.REJECTED),
        check_failed(LONG_ID, CheckResult(Check.VALIDATION, Outcome.FAIL), Status.REJECTED),
        application_rejected(LONG_ID, Reason.BUNDLE_INVALID, "archive has more than 10 members"),
        service_error(LONG_ID, "Textract"),
    ],
    ids=["details", "face", "validation", "rejected", "error"],
)
def test_subjects_stay_under_100_characters_and_bodies_keep_the_full_id(notification):
    assert len(notification.subject) < 100
    assert "–" in notification.subject
    assert f"Application: {LONG_ID}\n" in notification.body
    assert notification.attributes["app_uuid"] == LONG_ID


def test_a_long_id_is_shortened_with_an_ellipsis():
    subject = check_failed(LONG_ID, CheckResult(Check.DETAILS, Outcome.FAIL), Status.REJECTED).subject
    assert subject.startswith("Data validation between license and CSV FAILED – aaaa")
    assert subject.endswith("a…")
    assert len(subject) == 99


def test_a_short_id_is_never_shortened():
    subject = check_failed("8d247914", CheckResult(Check.DETAILS, Outcome.FAIL), Status.REJECTED).subject
    assert subject.endswith("– 8d247914")


def test_details_body_lists_the_field_names_status_and_advice():
    body = check_failed("8d247914", details_failure(), Status.REVIEW).body
    assert "Check: LICENSE_DETAILS_MATCH" in body
    assert "Outcome: UNDECIDED" in body
    assert "Application status: REVIEW" in body
    assert "Reason codes: LICENSE_UNREADABLE" in body
    assert "Fields that do not match: none" in body
    assert "Fields that could not be read: ADDRESS" in body
    assert "What to do:" in body


def test_unknown_names_in_the_detail_are_never_echoed():
    result = CheckResult(
        Check.DETAILS,
        Outcome.FAIL,
        (Reason.DETAILS_MISMATCH,),
        {"mismatched": ["FIRST_NAME", "Zebulon"], "unreadable": "Quartermaine"},
    )
    body = check_failed("8d247914", result, Status.REJECTED).body
    assert "Fields that do not match: FIRST_NAME\n" in body
    assert "Zebulon" not in body and "Quartermaine" not in body


def test_face_body_gives_advice_per_reason():
    result = decide_face(FaceComparison(True, 2, 91.0, 0.0), FaceBand(70.0, 98.0))
    body = check_failed("8d247914", result, Status.REVIEW).body
    assert "MULTIPLE_FACES_SELFIE" in body
    assert "several faces" in body


def test_no_applicant_value_appears_in_any_output():
    details = details_failure()
    mismatch = assess_license(DETAILS, IdDocument(LICENSE), TODAY, 18, FLOOR)
    assert mismatch.detail["mismatched"] == ["FIRST_NAME", "LAST_NAME", "DOCUMENT_NUMBER", "ADDRESS"]
    notifications = [
        check_failed("8d247914", details, Status.REVIEW),
        check_failed("8d247914", mismatch, Status.REJECTED),
        check_failed("8d247914", decide_face(FaceComparison(True, 1, 12.5, 0.0), FaceBand(70.0, 98.0)), Status.REJECTED),
        application_rejected("8d247914", Reason.CSV_INVALID, "column FIRST_NAME starts like a spreadsheet formula"),
        service_error("8d247914", "Rekognition"),
    ]
    values = list(DETAILS.values()) + list(APPLICANT.values()) + [reading.text for reading in LICENSE.values()]
    for notification in notifications:
        text = notification.subject + notification.body + "".join(notification.attributes.values())
        for value in values:
            assert value not in text, (value, notification.subject)


def test_application_rejected_and_service_error():
    rejected = application_rejected("8d247914", Reason.IMAGE_INVALID, "member 'x_selfie.png' does not decode as PNG")
    assert rejected.subject == "Application bundle REJECTED – 8d247914"
    assert "Reason code: IMAGE_INVALID" in rejected.body
    assert "does not decode as PNG" in rejected.body
    assert rejected.attributes == {"app_uuid": "8d247914", "check": "BUNDLE", "outcome": "FAIL"}
    error = service_error("8d247914", "Textract")
    assert error.subject == "Application processing ERROR – 8d247914"
    assert "Failed service: Textract" in error.body and "SERVICE_ERROR" in error.body
    assert error.attributes == {"app_uuid": "8d247914", "check": "SERVICE", "outcome": "ERROR"}


def test_line_breaks_never_reach_a_subject():
    notification = application_rejected("bad\nid", Reason.BUNDLE_INVALID, "detail\r\nwith breaks")
    assert "\n" not in notification.subject and "\r" not in notification.subject
    assert "detail??with breaks" in notification.body


def test_an_errored_check_names_the_service():
    result = CheckResult(Check.FACE, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": "rekognition"})
    body = check_failed("8d247914", result, Status.ERROR).body
    assert "Failed service: rekognition" in body
    assert "Outcome: ERROR" in body and "beyond its retries" in body
