"""The status API's use case: status, reasons, attempt and the applicant's next step; never a personal value."""

from __future__ import annotations

import json

import pytest
from kyc.guidance import next_step
from kyc.lifecycle import MAX_ATTEMPTS
from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.ports import StaffDecision
from kyc.services.documents import process_upload
from kyc.services.status import UnknownApplication, application_status

from tests.support.bundles import APPLICANT, bundle
from tests.unit.services.conftest import APP, KEY


def test_an_application_s_status_names_no_personal_value(world):
    world.faces.similarity = 3.0
    world.upload()
    process_upload(KEY, world.documents())

    answer = application_status(APP, world.applications)

    assert answer == {
        "app_uuid": APP,
        "status": "AWAITING_LICENSE_VALIDATION",
        "reasons": ["SELFIE_MISMATCH"],
        "attempt": 1,
        "next_step": next_step(Status.AWAITING_LICENSE_VALIDATION, (Reason.SELFIE_MISMATCH,), 1),
        "updated_at": "2026-12-01T12:00:00Z",
    }
    text = json.dumps(answer).casefold()
    assert [value for value in APPLICANT.values() if len(value) > 3 and value.casefold() in text] == []


@pytest.mark.parametrize("app_uuid", ["nobody", "../etc", "x" * 65, ""])
def test_an_unknown_or_impossible_id_is_unknown(world, app_uuid):
    with pytest.raises(UnknownApplication):
        application_status(app_uuid, world.applications)


@pytest.mark.parametrize(
    ("status", "reasons", "attempt", "step"),
    [
        (Status.PROCESSING, (), 1, "Nothing to do: your application is being checked"),
        (Status.AWAITING_LICENSE_VALIDATION, (Reason.SELFIE_MISMATCH,), 1, "Nothing to do: your application is being"),
        (Status.APPROVED, (), 1, "Nothing to do: your application is approved"),
        (Status.REVIEW, (Reason.FACE_UNCERTAIN,), 1, "Nothing to do now: bank staff are reviewing"),
        (Status.REJECTED, (Reason.SELFIE_MISMATCH,), 1, "Retake the selfie"),
        (Status.REJECTED, (Reason.LICENSE_UNREADABLE,), 2, "Photograph the whole licence"),
        (Status.REJECTED, (Reason.DETAILS_MISMATCH, Reason.LICENSE_EXPIRED), 1, "Check that your details"),
        (Status.REJECTED, (Reason.SELFIE_MISMATCH,), MAX_ATTEMPTS, "Contact the bank"),
        (Status.ERROR, (Reason.SERVICE_ERROR,), 1, "Nothing to do now: the bank will retry"),
        (Status.RESUBMISSION_REQUESTED, (), 1, "Submit your application again"),
    ],
)
def test_the_next_step_follows_the_status_its_first_reason_and_the_attempts_left(status, reasons, attempt, step):
    assert next_step(status, reasons, attempt).startswith(step)


def test_a_resubmission_request_tells_the_applicant_staff_s_words_and_reopens_the_application(world):
    world.faces.similarity = 85.0  # inside the review band
    world.upload()
    process_upload(KEY, world.documents())
    world.applications.settle_validation(APP, CheckResult(Check.VALIDATION, Outcome.PASS), Status.REVIEW,
                                         (Reason.FACE_UNCERTAIN,), world.now)
    words = "Please retake the selfie without sunglasses."
    decision = StaffDecision(Status.RESUBMISSION_REQUESTED, "rita", applicant_message=words)
    assert world.applications.assign(APP, "review", "rita", None)  # only the case's assignee decides it
    assert world.applications.decide(APP, Status.REVIEW, decision, world.now)

    answer = application_status(APP, world.applications)

    assert (answer["status"], answer["next_step"]) == ("RESUBMISSION_REQUESTED", words)
    world.upload(bundle(APP, {**APPLICANT, "CITY_IN_ADDRESS": "Davis"}))
    process_upload(KEY, world.documents())
    answer = application_status(APP, world.applications)
    assert answer["attempt"] == 2 and answer["next_step"] != words
