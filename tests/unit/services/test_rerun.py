"""A staff re-run of a check that ended in ERROR: re-opened once, then carried on as the upload would, paying only for
the re-run check; refused for anything else. The in-memory record and fakes for every other port."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from kyc.adapters.memory import MemoryAuditTrail, MemoryQueueSettings
from kyc.model import Check, Outcome, Reason, ServiceFailure, Status
from kyc.services.documents import process_upload
from kyc.services.license_submission import LicenseMessage, submit_license
from kyc.services.rerun import RerunDeps, errored_checks, rerun
from kyc.services.review import Forbidden, Refused, ReviewDeps, Staff, UnknownCase

from tests.support.fakes import FlakyNotifier, FlakyResultWrites
from tests.unit.services.conftest import APP, KEY

RITA, SAM = Staff("rita", frozenset({"reviewer"})), Staff("sam", frozenset({"senior"}))


class Presigner:
    def url(self, key: str, seconds: int) -> str:
        return f"https://evidence.example/{key}"


@dataclass
class FailingQueue:
    def send(self, message: dict) -> None:
        raise ServiceFailure("sqs", "InternalError")


def console(world, queue=None, notifier=None) -> ReviewDeps:
    run = RerunDeps(world.store, world.faces, world.id_reader, queue or world.queue, world.settings, world.clock)
    return ReviewDeps(
        world.applications, world.trail, Presigner(), (70.0, 97.5), notifier or world.notifier,
        queue_settings=MemoryQueueSettings(), rerun=lambda: run,
    )


@pytest.fixture
def world(world):
    world.trail = MemoryAuditTrail()
    return world


def ended_in_error(world, failing: str, owner: str = "rita") -> None:
    """An upload whose `failing` service ("faces", "id_reader") failed beyond its retries; the case taken by `owner`."""
    getattr(world, failing).failure = "ThrottlingException"
    world.upload()
    assert process_upload(KEY, world.documents()) is Status.ERROR
    getattr(world, failing).failure = None  # the cause fixed
    assert world.applications.assign(APP, "review", owner, None)
    world.later(60)


def test_a_failed_analyze_id_is_rerun_once_and_the_case_carries_on_as_its_upload_would(world):
    ended_in_error(world, "id_reader")
    assert (len(world.faces.calls), len(world.id_reader.calls)) == (1, 1)
    assert errored_checks(world.applications.read(APP)) == [Check.DETAILS]

    assert rerun(RITA, APP, "DETAILS", console(world), world.now) is Status.AWAITING_LICENSE_VALIDATION

    assert (len(world.faces.calls), len(world.id_reader.calls)) == (1, 2)  # AnalyzeID once more, the face not again
    record = world.applications.read(APP)
    assert record.status is Status.AWAITING_LICENSE_VALIDATION and record.results[Check.DETAILS].outcome is Outcome.PASS
    assert world.queue.sent == [{"uuid": APP, "app_uuid": APP}]
    rerun_event, concluded = world.trail.events(APP)
    assert (rerun_event.actor, rerun_event.action, rerun_event.old, rerun_event.new, rerun_event.note) == (
        "rita", "rerun", "ERROR", "PROCESSING", "check DETAILS")
    assert (concluded.old, concluded.new) == ("PROCESSING", "AWAITING_LICENSE_VALIDATION")
    # the licence is validated as usual, and staff told of the final status
    world.notifier.messages.clear()
    assert submit_license(LicenseMessage(APP), 1, world.submit()) is Status.APPROVED
    assert [subject for subject, _, _ in world.notifier.messages] == [f"Application APPROVED – {APP}"]


def test_when_both_document_checks_failed_one_rerun_runs_both_and_the_case_carries_on(world):
    world.faces.failure = world.id_reader.failure = "ThrottlingException"
    world.upload()
    assert process_upload(KEY, world.documents()) is Status.ERROR
    world.faces.failure = world.id_reader.failure = None
    assert world.applications.assign(APP, "review", "rita", None)
    assert errored_checks(world.applications.read(APP)) == [Check.FACE, Check.DETAILS]

    assert rerun(RITA, APP, "FACE", console(world), world.now) is Status.AWAITING_LICENSE_VALIDATION

    assert (len(world.faces.calls), len(world.id_reader.calls)) == (2, 2)  # each once more
    assert world.trail.events(APP)[0].note == "check DETAILS, FACE"


def test_a_double_click_reruns_nothing_twice(world):
    ended_in_error(world, "id_reader")
    deps = console(world)
    rerun(RITA, APP, "DETAILS", deps, world.now)
    with pytest.raises(Refused):
        rerun(RITA, APP, "DETAILS", deps, world.now)
    assert len(world.id_reader.calls) == 2 and len(world.queue.sent) == 1


def test_a_failed_compare_faces_is_rerun_without_analyze_id(world):
    ended_in_error(world, "faces")
    assert rerun(RITA, APP, "FACE", console(world), world.now) is Status.AWAITING_LICENSE_VALIDATION
    assert (len(world.faces.calls), len(world.id_reader.calls)) == (2, 1)


def test_a_rerun_while_the_service_still_fails_ends_in_error_again_told_to_staff_and_can_be_rerun(world):
    ended_in_error(world, "id_reader")
    world.id_reader.failure = "ThrottlingException"
    world.notifier.messages.clear()
    assert rerun(RITA, APP, "DETAILS", console(world), world.now) is Status.ERROR
    assert any("ERROR" in subject for subject, _, _ in world.notifier.messages)  # the final status, as usual
    assert errored_checks(world.applications.read(APP)) == [Check.DETAILS]
    world.id_reader.failure = None
    assert world.applications.assign(APP, "review", "rita", None)  # back in the queue: taken again
    assert rerun(RITA, APP, "DETAILS", console(world), world.now) is Status.AWAITING_LICENSE_VALIDATION
    assert (len(world.faces.calls), len(world.id_reader.calls)) == (1, 3)


def test_a_failed_validation_is_rerun_through_the_licence_queue_with_one_more_validator_call(world):
    world.upload()
    assert process_upload(KEY, world.documents()) is Status.AWAITING_LICENSE_VALIDATION
    world.validator.failure = "ConnectTimeout"
    assert submit_license(LicenseMessage(APP), world.settings.max_receives, world.submit()) is Status.ERROR
    world.validator.failure = None
    assert world.applications.assign(APP, "review", "sam", None)
    world.queue.sent.clear()

    assert rerun(SAM, APP, "VALIDATION", console(world), world.now) is Status.AWAITING_LICENSE_VALIDATION

    assert world.queue.sent == [{"uuid": APP, "app_uuid": APP}]
    assert submit_license(LicenseMessage(APP), 1, world.submit()) is Status.APPROVED
    assert len(world.validator.requests) == 2 and (len(world.faces.calls), len(world.id_reader.calls)) == (1, 1)
    assert world.trail.events(APP)[0].new == "AWAITING_LICENSE_VALIDATION"


def test_a_validation_that_cannot_be_queued_returns_to_error_as_it_was(world):
    world.upload()
    process_upload(KEY, world.documents())
    world.validator.failure = "ConnectTimeout"
    submit_license(LicenseMessage(APP), world.settings.max_receives, world.submit())
    assert world.applications.assign(APP, "review", "sam", None)
    with pytest.raises(ServiceFailure):
        rerun(SAM, APP, "VALIDATION", console(world, queue=FailingQueue()), world.now)
    record = world.applications.read(APP)
    assert record.status is Status.ERROR and errored_checks(record) == [Check.VALIDATION]


def test_a_pointer_that_cannot_be_sent_after_a_rerun_leaves_the_validation_to_rerun(world):
    ended_in_error(world, "id_reader")
    with pytest.raises(ServiceFailure):
        rerun(RITA, APP, "DETAILS", console(world, queue=FailingQueue()), world.now)
    record = world.applications.read(APP)
    assert record.status is Status.ERROR and errored_checks(record) == [Check.VALIDATION]
    assert record.results[Check.DETAILS].outcome is Outcome.PASS  # the paid result kept: never paid again


def test_a_result_that_cannot_be_recorded_returns_the_case_to_error_to_rerun(world, monkeypatch):
    ended_in_error(world, "id_reader")
    monkeypatch.setattr("kyc.services.records.time.sleep", lambda _: None)
    deps = replace(console(world), applications=FlakyResultWrites(world.applications, Check.DETAILS, failures=5))
    with pytest.raises(ServiceFailure):
        rerun(RITA, APP, "DETAILS", deps, world.now)
    record = world.applications.read(APP)
    assert record.status is Status.ERROR and errored_checks(record) == [Check.DETAILS]


def test_a_notice_that_fails_after_the_pointer_was_sent_leaves_the_case_to_the_licence_step(world):
    ended_in_error(world, "id_reader")
    world.id_reader.fields = {}  # nothing readable: a check staff are told of, which SNS fails to send
    with pytest.raises(ServiceFailure):
        rerun(RITA, APP, "DETAILS", console(world, notifier=FlakyNotifier(world.notifier, 5)), world.now)
    assert world.applications.read(APP).status is Status.AWAITING_LICENSE_VALIDATION
    assert world.queue.sent == [{"uuid": APP, "app_uuid": APP}]  # SubmitLicense settles it as usual


@pytest.mark.parametrize("check", ["FACE", "VALIDATION", "LICENSE_DETAILS_MATCH", ""])
def test_only_the_errored_check_is_rerun(world, check):
    ended_in_error(world, "id_reader")
    with pytest.raises(Refused):
        rerun(RITA, APP, check, console(world), world.now)
    assert world.applications.read(APP).status is Status.ERROR and len(world.faces.calls) == 1


def test_an_error_without_an_errored_check_is_for_resubmission_only(world):
    world.upload()
    process_upload(KEY, world.documents())  # both checks passed, then the licence step hit its limit
    assert world.applications.settle(APP, Status.ERROR, (Reason.PROCESSING_LIMIT,), world.now)
    assert world.applications.assign(APP, "review", "rita", None)
    assert errored_checks(world.applications.read(APP)) == []
    for check in ("FACE", "DETAILS", "VALIDATION"):
        with pytest.raises(Refused):
            rerun(RITA, APP, check, console(world), world.now)


def test_only_the_assignee_and_only_acting_roles_rerun(world):
    ended_in_error(world, "id_reader", owner="sam")
    with pytest.raises(Refused):
        rerun(RITA, APP, "DETAILS", console(world), world.now)
    with pytest.raises(Forbidden):
        rerun(Staff("audrey", frozenset({"auditor"})), APP, "DETAILS", console(world), world.now)
    with pytest.raises(UnknownCase):
        rerun(SAM, "no-such-case", "DETAILS", console(world), world.now)
    assert len(world.id_reader.calls) == 1 and world.trail.events(APP) == []


class DownTrail:
    def append(self, case_id, event):
        raise ServiceFailure("dynamodb", "InternalServerError")

    def events(self, case_id):
        return []


@pytest.mark.parametrize(("failing", "check"), [("id_reader", "DETAILS"), (None, "VALIDATION")])
def test_a_rerun_the_audit_trail_cannot_record_is_not_made(world, failing, check):
    if failing:
        ended_in_error(world, failing)
    else:
        world.upload()
        process_upload(KEY, world.documents())
        world.validator.failure = "ConnectTimeout"
        submit_license(LicenseMessage(APP), world.settings.max_receives, world.submit())
        assert world.applications.assign(APP, "review", "rita", None)
    with pytest.raises(ServiceFailure):
        rerun(RITA, APP, check, replace(console(world), trail=DownTrail()), world.now)
    record = world.applications.read(APP)
    assert record.status is Status.ERROR and errored_checks(record) == [Check[check]]
    assert len(world.id_reader.calls) == 1 and world.queue.sent == ([] if failing else [{"uuid": APP, "app_uuid": APP}])
