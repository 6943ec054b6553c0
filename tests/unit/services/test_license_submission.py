"""SubmitLicense on the in-memory record: the recorded licence validated once, whatever the message says."""

from __future__ import annotations

import json

import pytest
from kyc.model import Reason, Status
from kyc.services.documents import process_upload
from kyc.services.license_submission import (
    LicenseMessage,
    PoisonMessage,
    ValidationBusy,
    parse_message,
    submit_license,
)

from tests.support.bundles import APPLICANT
from tests.unit.services.conftest import APP, KEY


@pytest.fixture
def awaiting(world):
    world.upload()
    assert process_upload(KEY, world.documents()) is Status.AWAITING_LICENSE_VALIDATION
    return world


def test_the_recorded_licence_is_validated_and_the_application_approved(awaiting):
    message = parse_message(json.dumps({"app_uuid": APP, "driver_license_id": "FORGED1"}))

    assert submit_license(message, 1, awaiting.submit()) is Status.APPROVED

    assert awaiting.validator.requests == [{"driver_license_id": APPLICANT["DOCUMENT_NUMBER"], "state": "CA"}]
    assert awaiting.applications.read(APP).status is Status.APPROVED
    (subject, body, attributes), = awaiting.notifier.messages  # an approval is told too: the final status, once
    assert subject == f"Application APPROVED – {APP}"
    assert attributes == {"app_uuid": APP, "check": "APPLICATION", "outcome": "APPROVED"}
    assert body.count(": PASS") == 3
    assert f"Review console: <console URL>#/console/cases/{APP}" in body


def test_an_invalid_licence_rejects_and_tells_staff_once(awaiting):
    awaiting.validator.valid = False

    assert submit_license(LicenseMessage(APP), 1, awaiting.submit()) is Status.REJECTED
    assert submit_license(LicenseMessage(APP), 2, awaiting.submit()) is Status.REJECTED

    assert awaiting.applications.read(APP).reasons == (Reason.LICENSE_INVALID,)
    assert awaiting.notifier.checks == ["LICENSE_VALIDATION", "APPLICATION"]  # the check, then the final status
    assert "Final status: REJECTED" in awaiting.notifier.messages[-1][1]
    assert len(awaiting.validator.requests) == 1


def test_a_delivery_arriving_while_another_holds_the_lease_is_retried_later(awaiting):
    now = awaiting.now
    awaiting.applications.take_validation_lease(APP, now, now.replace(year=2999))

    with pytest.raises(ValidationBusy):
        submit_license(LicenseMessage(APP), 1, awaiting.submit())
    assert awaiting.validator.requests == []


def test_an_outage_is_retried_then_recorded_as_an_error_on_the_last_delivery(awaiting):
    awaiting.validator.failure = "HTTP 503"

    with pytest.raises(Exception, match="validator"):
        submit_license(LicenseMessage(APP), 1, awaiting.submit())
    assert submit_license(LicenseMessage(APP), 5, awaiting.submit()) is Status.ERROR

    assert awaiting.applications.read(APP).reasons == (Reason.SERVICE_ERROR,)


def test_the_override_is_honoured_only_in_test_mode(awaiting):
    awaiting.validator.valid = True
    submit_license(LicenseMessage(APP, validation_override=False), 1, awaiting.submit())

    assert "validation_override" not in awaiting.validator.requests[0]


@pytest.mark.parametrize(
    "body", ["{not json", "[]", json.dumps({"app_uuid": "../x"}), json.dumps({"driver_license_id": "D1"}), "x" * 5000]
)
def test_malformed_messages_are_poison(body):
    with pytest.raises(PoisonMessage):
        parse_message(body)


def test_a_message_for_no_application_is_poison(world):
    with pytest.raises(PoisonMessage):
        submit_license(LicenseMessage("nobody"), 1, world.submit())
