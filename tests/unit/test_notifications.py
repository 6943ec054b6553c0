"""Notification texts: the lab's subjects, SNS limits, and no personal data anywhere."""

from __future__ import annotations

from datetime import date

import pytest
from kyc.document_checks import assess_license
from kyc.faces import FaceBand, decide_face
from kyc.model import Check, CheckResult, FaceComparison, IdDocument, Outcome, Reason, Status
from kyc.notifications import (
    MAX_SUBJECT_CHARS,
    application_rejected,
    check_failed,
    confirmation_waiting,
    final_status,
    service_error,
    staff_decision,
)

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


# -- the final status ------------------------------------------------------------------------------------------------


def final_of_a_review(console_url: str | None = None):
    face = decide_face(FaceComparison(True, 1, 85.0, 0.0), FaceBand(70.0, 97.5))
    validation = CheckResult(Check.VALIDATION, Outcome.PASS, (), {"validator_reason": "format"})
    return final_status(
        "8d247914", Status.REVIEW, (Reason.FACE_UNCERTAIN, Reason.LICENSE_UNREADABLE),
        [face, details_failure(), validation], console_url=console_url,
    )


def test_the_final_message_tells_every_check_with_its_reasons_and_explanation():
    notification = final_of_a_review()
    body = notification.body
    assert notification.subject == "Application REVIEW – 8d247914"
    assert notification.attributes == {"app_uuid": "8d247914", "check": "APPLICATION", "outcome": "REVIEW"}
    assert "Final status: REVIEW" in body
    assert f"- License photo validation ({Check.FACE}): UNDECIDED (FACE_UNCERTAIN)" in body
    assert "Face similarity: 85.0 (pass at >= 97.5, fail below 70)" in body
    assert f"- Data validation between license and CSV ({Check.DETAILS}): UNDECIDED (LICENSE_UNREADABLE)" in body
    assert "Fields that could not be read: ADDRESS" in body
    assert f"- License validation by third party ({Check.VALIDATION}): PASS" in body
    assert "review the application in the console" in body
    assert "FAILED" not in notification.subject + body


def test_the_final_message_links_the_review_console_or_a_placeholder():
    assert "Review console: <console URL>#/console/cases/8d247914\n" in final_of_a_review().body
    linked = final_of_a_review("https://console.example/").body
    assert "Review console: https://console.example#/console/cases/8d247914\n" in linked


def test_an_undecided_check_is_not_called_failed():
    result = decide_face(FaceComparison(True, 1, 85.0, 0.0), FaceBand(70.0, 97.5))
    notification = check_failed("8d247914", result, Status.AWAITING_LICENSE_VALIDATION)
    assert notification.subject == "License photo validation NEEDS REVIEW – 8d247914"
    assert "FAILED" not in notification.body
    assert "a message with the final status follows" in notification.body


def test_the_final_message_carries_no_applicant_value():
    mismatch = assess_license(DETAILS, IdDocument(LICENSE), TODAY, 18, FLOOR)
    notification = final_status("8d247914", Status.REJECTED, mismatch.reasons, [mismatch])
    text = notification.subject + notification.body + "".join(notification.attributes.values())
    values = list(DETAILS.values()) + list(APPLICANT.values()) + [reading.text for reading in LICENSE.values()]
    assert "Fields that do not match: FIRST_NAME, LAST_NAME, DOCUMENT_NUMBER, ADDRESS" in text
    for value in values:
        if len(value) > 2:  # a two-letter state code is inside ordinary words (PASS, APPLICATION)
            assert value not in text, value


def test_a_staff_decision_names_the_app_the_decision_and_the_role_never_the_person():
    message = staff_decision("8d247914", Status.REJECTED, (Reason.UNDERAGE,), "reviewer",
                             console_url="https://console.example/console")
    assert message.subject == "Staff decision REJECTED – 8d247914"
    assert message.attributes == {"app_uuid": "8d247914", "check": "STAFF_DECISION", "outcome": "REJECTED"}
    assert message.body.startswith("Application: 8d247914\nDecision: REJECTED\nDecided by: a reviewer\n"
                                   "Reason codes: UNDERAGE\n")
    assert "Review console: https://console.example/console#/console/cases/8d247914\n" in message.body
    confirmed = staff_decision("8d247914", Status.APPROVED, (), "senior", confirmed=True)
    assert "Decided by: a senior, confirming another member of staff's proposal (four-eyes)" in confirmed.body
    assert "open the account" in confirmed.body


def test_a_proposal_asks_a_senior_to_confirm_and_its_subject_fits_sns():
    message = confirmation_waiting("x" * 64, Status.APPROVED, "reviewer")
    assert len(message.subject) <= MAX_SUBJECT_CHARS and message.subject.startswith("Four-eyes confirmation WAITING")
    assert message.attributes["audience"] == "senior" and message.attributes["outcome"] == "PENDING"
    assert "Proposed decision: APPROVED\nProposed by: a reviewer\n" in message.body
