"""Attempts: an upload after REJECTED, ERROR or a resubmission request starts the next attempt, decided on its own,
with the earlier attempt's record and evidence kept; an upload over an application in flight, under review or
approved is refused, truthfully."""

from __future__ import annotations

import pytest
from kyc.evidence import member_key
from kyc.lifecycle import MAX_ATTEMPTS
from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.services.documents import process_upload
from kyc.services.records import DOCUMENTS_DONE

from tests.support.bundles import APPLICANT, bundle
from tests.unit.services.conftest import APP, KEY


def rejected_for_its_selfie(world) -> None:
    world.faces.similarity = 3.0
    world.upload()
    process_upload(KEY, world.documents())
    world.applications.settle_validation(
        APP, CheckResult(Check.VALIDATION, Outcome.PASS), Status.REJECTED, (Reason.SELFIE_MISMATCH,), world.now
    )


def test_a_corrected_bundle_after_a_rejection_is_decided_as_attempt_two(world):
    rejected_for_its_selfie(world)
    first_selfie = world.store.objects[member_key(APP, 1, "selfie")]
    world.faces.similarity = 99.9
    world.later(60)
    world.upload(bundle(APP, {**APPLICANT, "ADDRESS": "1600 Capitol Mall"}))
    world.id_reader.fields["ADDRESS"] = "1600 Capitol Mall"

    assert process_upload(KEY, world.documents()) is Status.AWAITING_LICENSE_VALIDATION

    record = world.applications.read(APP)
    assert (record.attempt, record.reasons, record.details["ADDRESS"]) == (2, (), "1600 Capitol Mall")
    (first,) = record.past_attempts
    assert (first.attempt, first.status, first.reasons) == (1, Status.REJECTED, (Reason.SELFIE_MISMATCH,))
    assert world.store.objects[member_key(APP, 1, "selfie")] == first_selfie  # attempt 1's evidence intact
    assert member_key(APP, 2, "selfie") in world.store.objects
    assert (len(world.faces.calls), len(world.id_reader.calls)) == (2, 2)  # one of each per attempt
    assert world.queue.sent[-1] == {"uuid": APP, "app_uuid": APP}


def test_a_duplicate_event_of_the_new_attempt_pays_nothing_more(world):
    rejected_for_its_selfie(world)
    world.upload(bundle(APP, {**APPLICANT, "CITY_IN_ADDRESS": "Davis"}))
    process_upload(KEY, world.documents())

    process_upload(KEY, world.documents())

    assert world.applications.read(APP).attempt == 2
    assert (len(world.faces.calls), len(world.id_reader.calls)) == (2, 2)


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REVIEW, Status.AWAITING_LICENSE_VALIDATION])
def test_an_upload_over_an_application_that_may_not_be_reopened_is_refused_truthfully(world, status):
    world.upload()
    process_upload(KEY, world.documents())
    if status is not Status.AWAITING_LICENSE_VALIDATION:
        world.applications.settle_validation(APP, CheckResult(Check.VALIDATION, Outcome.PASS), status, (), world.now)
    before, approved_selfie = world.applications.read(APP), world.store.objects[member_key(APP, 1, "selfie")]
    world.upload(bundle(APP, {**APPLICANT, "FIRST_NAME": "Other"}))

    assert process_upload(KEY, world.documents()) is status

    after = world.applications.read(APP)
    assert (after.status, after.etag, after.attempt, after.details) == (status, before.etag, 1, before.details)
    assert world.store.objects[member_key(APP, 1, "selfie")] == approved_selfie
    subject, body, attributes = world.notifier.messages[-1]
    assert subject == f"Upload REFUSED – {APP}" and f"Application status: {status} (unchanged)" in body
    assert "REJECTED" not in body and attributes["outcome"] == "REFUSED"
    assert len(world.faces.calls) == 1


def test_attempts_stop_at_the_limit_with_a_truthful_refusal(world):
    world.id_reader.fields["LAST_NAME"] = "Nobody"  # every attempt's details mismatch: REJECTED each time
    for attempt in range(1, MAX_ATTEMPTS + 1):
        world.upload(bundle(APP, {**APPLICANT, "CITY_IN_ADDRESS": f"City {attempt}"}))
        process_upload(KEY, world.documents())
        world.applications.settle_validation(
            APP, CheckResult(Check.VALIDATION, Outcome.PASS), Status.REJECTED, (), world.now
        )
    world.upload(bundle(APP, {**APPLICANT, "CITY_IN_ADDRESS": "One more"}))

    assert process_upload(KEY, world.documents()) is Status.REJECTED

    assert world.applications.read(APP).attempt == MAX_ATTEMPTS
    assert f"all {MAX_ATTEMPTS} attempts" in world.notifier.messages[-1][1]
    assert DOCUMENTS_DONE in world.applications.read(APP).effects
