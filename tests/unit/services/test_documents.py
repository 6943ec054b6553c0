"""Part 1 end to end on the in-memory record: one upload to a recorded status, exactly once."""

from __future__ import annotations

from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.services.documents import process_upload
from kyc.services.records import DOCUMENTS_DONE

from tests.unit.services.conftest import APP, KEY


def test_an_upload_ends_awaiting_its_licence_validation_with_five_writes(world):
    world.upload()

    assert process_upload(KEY, world.documents()) is Status.AWAITING_LICENSE_VALIDATION

    record = world.applications.read(APP)
    assert {check: result.outcome for check, result in record.results.items()} == {
        Check.FACE: Outcome.PASS, Check.DETAILS: Outcome.PASS
    }
    assert world.queue.sent == [{"uuid": APP, "app_uuid": APP}]
    assert world.applications.writes == 5  # claim, two results, status, done


def test_every_check_runs_when_one_fails(world):
    world.faces.similarity = 3.0
    world.id_reader.fields["LAST_NAME"] = "Someone Else"
    world.upload()

    assert process_upload(KEY, world.documents()) is Status.AWAITING_LICENSE_VALIDATION

    assert world.applications.read(APP).reasons == (Reason.SELFIE_MISMATCH, Reason.DETAILS_MISMATCH)
    assert sorted(world.notifier.checks) == sorted([str(Check.FACE), str(Check.DETAILS)])


def test_a_duplicate_event_pays_nothing_and_writes_nothing(world):
    world.upload()
    process_upload(KEY, world.documents())
    writes = world.applications.writes

    assert process_upload(KEY, world.documents()) is Status.AWAITING_LICENSE_VALIDATION

    assert (len(world.faces.calls), len(world.id_reader.calls), world.applications.writes) == (1, 1, writes)


def test_a_rerun_after_the_final_status_never_moves_it_back_nor_pays_again(world):
    world.upload()
    process_upload(KEY, world.documents())
    world.applications.settle_validation(APP, CheckResult(Check.VALIDATION, Outcome.PASS), Status.APPROVED, (), world.now)
    world.applications.unmark(APP, DOCUMENTS_DONE)  # as if the first run died before marking its steps done
    world.later(600)  # its lease has run out

    assert process_upload(KEY, world.documents()) is Status.APPROVED

    assert world.applications.read(APP).status is Status.APPROVED
    assert (len(world.faces.calls), len(world.id_reader.calls)) == (1, 1)
