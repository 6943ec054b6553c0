"""Intake: check the bundle, claim the upload, store its members; exactly once, whatever arrives twice."""

from __future__ import annotations

import pytest
from kyc.model import Reason, Status
from kyc.services.intake import ApplicationBusy, Claimed, Settled, invalid_key_id, unzip
from kyc.services.records import DOCUMENTS_DONE

from tests.support.bundles import APPLICANT, bundle
from tests.unit.services.conftest import APP, KEY


def test_a_valid_bundle_is_claimed_with_its_details_and_its_members_stored(world):
    etag = world.upload()

    intake = unzip(KEY, world.intake())

    assert isinstance(intake, Claimed)
    assert (intake.record.status, intake.record.etag, intake.record.details) == (Status.PROCESSING, etag, APPLICANT)
    assert world.applications.read(APP) == intake.record
    assert set(intake.members) == {"details", "selfie", "license"}
    assert world.store.types[intake.members["selfie"]] == "image/png"
    assert world.applications.writes == 1  # the claim is the one write


def test_a_refused_bundle_is_recorded_rejected_and_staff_told_once(world):
    world.upload(bundle(APP, extra={"../../etc/passwd": b"root"}))

    first, again = unzip(KEY, world.intake()), unzip(KEY, world.intake())

    assert isinstance(first, Settled) and first.status is Status.REJECTED
    assert isinstance(again, Settled) and again.status is Status.REJECTED
    record = world.applications.read(APP)
    assert record.reasons == (Reason.BUNDLE_INVALID,) and record.status_detail
    assert DOCUMENTS_DONE in record.effects
    assert world.notifier.checks == ["BUNDLE"]


def test_a_duplicate_event_after_the_steps_are_done_writes_nothing(world):
    world.upload()
    unzip(KEY, world.intake())
    world.applications.mark_done(APP, DOCUMENTS_DONE)
    writes = world.applications.writes

    assert unzip(KEY, world.intake()) == Settled(APP, world.store.etags[KEY], Status.PROCESSING)
    assert world.applications.writes == writes


def test_a_duplicate_event_while_the_first_run_holds_the_lease_is_told_to_retry(world):
    world.upload()
    unzip(KEY, world.intake())
    world.later(10)

    with pytest.raises(ApplicationBusy):
        unzip(KEY, world.intake())


def test_an_interrupted_run_is_resumed_once_its_lease_runs_out(world):
    world.upload()
    unzip(KEY, world.intake())
    world.later(91)

    resumed = unzip(KEY, world.intake())

    assert isinstance(resumed, Claimed) and resumed.record.details == APPLICANT


def test_another_bundle_for_an_application_in_use_is_refused_and_the_record_kept(world):
    world.upload()
    first = unzip(KEY, world.intake())
    world.upload(bundle(APP, {**APPLICANT, "FIRST_NAME": "Other"}))

    refused = unzip(KEY, world.intake())

    assert isinstance(refused, Settled) and refused.status is Status.PROCESSING
    assert world.applications.read(APP).details == first.record.details
    assert world.notifier.checks == ["BUNDLE"]
    assert "DUPLICATE_APPLICATION" in world.notifier.messages[0][1]


def test_an_event_for_an_upload_that_does_not_exist_records_nothing(world):
    intake = unzip(KEY, world.intake())

    assert intake == Settled(APP, "unread", None)
    assert world.applications.read(APP) is None and world.notifier.messages == []
    world.upload()
    assert isinstance(unzip(KEY, world.intake()), Claimed)  # the id is not blocked: its real upload is processed


def test_a_key_that_names_no_application_is_recorded_under_an_id_of_its_own(world):
    key = "zipped/not an id!.zip"

    intake = unzip(key, world.intake())

    assert intake == Settled(invalid_key_id(key), "unread", Status.REJECTED)
    assert world.applications.read(invalid_key_id(key)).reasons == (Reason.BUNDLE_INVALID,)


def test_a_failed_member_write_releases_the_lease_for_the_retry(world):
    world.upload()
    broken = world.intake()
    broken.store = _FailingWrites(world.store)

    with pytest.raises(OSError):
        unzip(KEY, broken)

    assert isinstance(unzip(KEY, world.intake()), Claimed)  # at once, not after the lease


class _FailingWrites:
    def __init__(self, inner):
        self._inner = inner

    def read_upload(self, key, max_bytes):
        return self._inner.read_upload(key, max_bytes)

    def put_member(self, key, body, content_type):
        raise OSError("S3 is down")
