"""The conclusion: the status the results allow, the licence queued as a pointer, staff told once per failed check."""

from __future__ import annotations

from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.services.checks import both_checks
from kyc.services.conclusion import conclude, decide
from kyc.services.intake import unzip
from kyc.services.records import DOCUMENTS_DONE

from tests.unit.services.conftest import APP, KEY


def checked(world):
    world.upload()
    intake = unzip(KEY, world.intake())
    results = both_checks(intake.record, intake.members, world.face(), world.details())
    return world.applications.read(APP), results


def test_passing_checks_await_the_licence_validation_and_queue_a_pointer(world):
    app, results = checked(world)

    assert conclude(app, results, world.conclusion(), world.queue) is Status.AWAITING_LICENSE_VALIDATION

    record = world.applications.read(APP)
    assert record.status is Status.AWAITING_LICENSE_VALIDATION and DOCUMENTS_DONE in record.effects
    assert world.queue.sent == [{"uuid": APP, "app_uuid": APP}]
    assert world.notifier.messages == []


def test_a_failed_check_is_told_to_staff_once_and_the_licence_still_queued(world):
    world.faces.similarity = 12.0
    app, results = checked(world)

    conclude(app, results, world.conclusion(), world.queue)
    world.applications.unmark(APP, DOCUMENTS_DONE)
    conclude(app, results, world.conclusion(), world.queue)

    assert world.notifier.checks == [str(Check.FACE)]
    assert world.applications.read(APP).reasons == (Reason.SELFIE_MISMATCH,)


def test_a_resumed_conclusion_never_moves_a_decided_status_back(world):
    app, results = checked(world)
    conclude(app, results, world.conclusion(), world.queue)
    valid = CheckResult(Check.VALIDATION, Outcome.PASS)
    world.applications.settle_validation(APP, valid, Status.APPROVED, (), world.now)

    assert conclude(app, results, world.conclusion(), world.queue) is Status.APPROVED

    assert world.applications.read(APP).status is Status.APPROVED
    assert len(world.queue.sent) == 1


def test_decide_records_a_check_whose_task_failed_for_good_as_an_error(world):
    world.upload()
    intake = unzip(KEY, world.intake())
    branches = [{"check": str(Check.FACE), "outcome": "ERROR", "error": "Lambda.ServiceException"}]
    both_checks(intake.record, intake.members, world.face(), world.details())
    world.applications.read(APP)
    world2_results = world.applications.read(APP).results
    assert set(world2_results) == {Check.FACE, Check.DETAILS}

    assert decide(APP, intake.record.etag, branches, world.conclusion()) is Status.AWAITING_LICENSE_VALIDATION
    assert world.queue.sent == []  # part 2's ValidateSend sends it


def test_decide_without_a_result_records_the_service_that_failed(world):
    world.upload()
    intake = unzip(KEY, world.intake())
    branches = [{"check": str(Check.DETAILS), "outcome": "ERROR", "error": "States.Timeout"}]

    assert decide(APP, intake.record.etag, branches, world.conclusion()) is Status.ERROR

    record = world.applications.read(APP)
    assert record.results[Check.DETAILS].detail == {"service": "States.Timeout"}
    assert record.reasons == (Reason.SERVICE_ERROR,)
    assert sorted(world.notifier.checks) == sorted([str(Check.FACE), str(Check.DETAILS), "APPLICATION"])
    subject, body, attributes = world.notifier.messages[-1]  # the final status comes last, once
    assert subject == f"Application ERROR – {APP}" and attributes["outcome"] == "ERROR"
    assert f"- Data validation between license and CSV ({Check.DETAILS}): ERROR (SERVICE_ERROR)" in body
    assert f"- License validation by third party ({Check.VALIDATION}): not run" in body
