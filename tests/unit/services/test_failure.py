"""Part 2's RecordError: ERROR with a bounded detail, staff told once; a settled application left alone."""

from __future__ import annotations

from kyc.model import Reason, Status
from kyc.services.failure import FailureDeps, record_failure
from kyc.services.intake import unzip

from tests.support.bundles import bundle
from tests.unit.services.conftest import APP, KEY


def deps(world) -> FailureDeps:
    return FailureDeps(world.applications, world.notifier, world.settings, world.clock)


def test_a_claimed_application_ends_in_error_and_staff_are_told_once(world):
    etag = world.upload()
    unzip(KEY, world.intake())

    assert record_failure(KEY, etag, "CompareFaces", "States.Timeout", deps(world)) is Status.ERROR
    assert record_failure(KEY, etag, "CompareFaces", "States.Timeout", deps(world)) is Status.ERROR

    record = world.applications.read(APP)
    assert (record.reasons, record.status_detail) == (
        (Reason.PROCESSING_LIMIT,), "step CompareFaces failed: States.Timeout"
    )
    assert world.notifier.checks == ["PROCESSING"] or len(world.notifier.messages) == 1


def test_a_task_that_failed_other_than_at_its_limit_is_a_service_error(world):
    etag = world.upload()
    unzip(KEY, world.intake())

    record_failure(KEY, etag, "WriteToDynamo", "ServiceFailure", deps(world))

    assert world.applications.read(APP).reasons == (Reason.SERVICE_ERROR,)
    [(_, body, _)] = world.notifier.messages
    assert "Reason code: SERVICE_ERROR" in body


def test_an_upload_never_claimed_is_recorded_in_error(world):
    assert record_failure(KEY, "e1", "Unzip", "Lambda.TooManyRequestsException", deps(world)) is Status.ERROR

    record = world.applications.read(APP)
    assert (record.status, record.etag) == (Status.ERROR, "e1")


def test_a_settled_application_is_left_as_it_is(world):
    etag = world.upload(bundle(APP, extra={"../x": b"x"}))
    unzip(KEY, world.intake())
    told = len(world.notifier.messages)

    assert record_failure(KEY, etag, "Unzip", "States.Timeout", deps(world)) is Status.REJECTED

    assert world.applications.read(APP).reasons == (Reason.BUNDLE_INVALID,)
    assert len(world.notifier.messages) == told


def test_the_recorded_detail_is_bounded(world):
    etag = world.upload()
    unzip(KEY, world.intake())

    record_failure(KEY, etag, "Decide", "X" * 10_000, deps(world))

    assert len(world.applications.read(APP).status_detail) <= 200
