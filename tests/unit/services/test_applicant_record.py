"""Part 2's WriteToDynamo: the stored CSV recorded while the document checks are open, never after."""

from __future__ import annotations

from kyc.model import Status
from kyc.services.applicant_record import DetailsRecordDeps, record_stored_details
from kyc.services.intake import unzip

from tests.support.bundles import APPLICANT
from tests.unit.services.conftest import APP, KEY


def test_the_stored_details_are_recorded_until_the_documents_are_decided(world):
    world.upload()
    intake = unzip(KEY, world.intake())
    deps = DetailsRecordDeps(world.store, world.applications, world.clock)
    etag = intake.record.etag

    assert record_stored_details(APP, etag, intake.members["details"], deps)
    assert world.applications.read(APP).details == APPLICANT
    world.applications.settle(APP, Status.REVIEW, (), world.now, etag=etag)
    assert not record_stored_details(APP, etag, intake.members["details"], deps)
    assert not record_stored_details(APP, "another-bundle", intake.members["details"], deps)
    assert world.applications.read(APP).status is Status.REVIEW
