"""The document checks: each paid for once and recorded as soon as it is known."""

from __future__ import annotations

import pytest
from kyc.model import Check, Outcome, Reason, ServiceFailure
from kyc.services.checks import both_checks, details_step, face_check, face_step
from kyc.services.intake import unzip
from kyc.services.records import NotClaimed

from tests.support.fakes import FlakyResultWrites
from tests.unit.services.conftest import APP, KEY


def claimed(world):
    world.upload()
    return unzip(KEY, world.intake())


def test_both_checks_are_paid_once_and_recorded(world):
    intake = claimed(world)

    results = both_checks(intake.record, intake.members, world.face(), world.details())

    assert [r.outcome for r in results] == [Outcome.PASS, Outcome.PASS]
    assert world.applications.read(APP).results == {Check.FACE: results[0], Check.DETAILS: results[1]}
    assert len(world.faces.calls) == len(world.id_reader.calls) == 1


def test_a_recorded_result_is_not_paid_for_again(world):
    intake = claimed(world)
    both_checks(intake.record, intake.members, world.face(), world.details())
    resumed = world.applications.read(APP)

    both_checks(resumed, intake.members, world.face(), world.details())

    assert len(world.faces.calls) == len(world.id_reader.calls) == 1


def test_one_check_failing_to_record_keeps_the_others_paid_result(world):
    intake = claimed(world)
    face = world.face()
    face.applications = FlakyResultWrites(world.applications, Check.FACE, failures=99)

    with pytest.raises(ServiceFailure):
        both_checks(intake.record, intake.members, face, world.details())

    assert set(world.applications.read(APP).results) == {Check.DETAILS}


def test_a_service_outage_is_an_error_result_naming_the_service(world):
    intake = claimed(world)
    world.faces.failure = "ThrottlingException"

    result = face_check(intake.record, intake.members, world.face())

    assert (result.outcome, result.reasons, result.detail) == (Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": "rekognition"})


def test_a_result_is_not_recorded_once_the_documents_are_decided(world):
    intake = claimed(world)
    world.applications.settle(APP, intake.record.status.REVIEW, (), world.now, etag=intake.record.etag)

    face_check(intake.record, intake.members, world.face())

    assert world.applications.read(APP).results == {}


def test_the_workflow_tasks_read_the_application_claimed_for_their_bundle(world):
    intake = claimed(world)

    assert details_step(APP, intake.record.etag, intake.members, world.details()).outcome is Outcome.PASS
    with pytest.raises(NotClaimed):
        face_step(APP, "another-bundle", intake.members, world.face())
    assert world.faces.calls == []
