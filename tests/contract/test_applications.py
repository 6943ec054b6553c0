"""The application record's contract, run against both implementations: in memory and on DynamoDB (moto).

Every write is conditional: the status only moves forward (kyc.lifecycle), a document step writes only for its own
bundle (ETag), and the two leases keep duplicate runs from paying twice. Each rule has a test that fails when the
condition is taken out of either implementation."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.memory import MemoryApplications, MemoryQueueSettings
from kyc.adapters.queue_settings_dynamodb import DynamoQueueSettings
from kyc.lifecycle import MAX_ATTEMPTS
from kyc.model import Check, CheckResult, Outcome, Reason, Rejection, Status
from kyc.ports import Applications, Claim, QueueQuery, QueueSettingsStore, StaffDecision
from kyc.queues import QueueSettings
from moto import mock_aws

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)
DETAILS = {"FIRST_NAME": "Ada", "DOCUMENT_NUMBER": "D1234567"}
FACE = CheckResult(Check.FACE, Outcome.PASS, (), {"similarity": 99.5, "threshold": 80.0, "faces_in_selfie": 1})
FIELDS = {"FIRST_NAME": {"match": True, "rule": "name", "confidence": 98.0}}
DETAILS_RESULT = CheckResult(
    Check.DETAILS, Outcome.FAIL, (Reason.DETAILS_MISMATCH,), {"fields": FIELDS, "mismatched": ["ZIP_CODE_IN_ADDRESS"]}
)
VALID = CheckResult(Check.VALIDATION, Outcome.PASS, (), {"validator_reason": "format"})
AWAITING, APPROVED = Status.AWAITING_LICENSE_VALIDATION, Status.APPROVED
QUEUE_INDEX = {  # as template.yaml declares it
    "IndexName": "StatusUpdated",
    "KeySchema": [
        {"AttributeName": "APPLICATION_STATUS", "KeyType": "HASH"},
        {"AttributeName": "UPDATED_AT", "KeyType": "RANGE"},
    ],
    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["REASONS", "ATTEMPT"]},
}
WAITING_INDEX = {  # as template.yaml declares it
    "IndexName": "QueueWaiting",
    "KeySchema": [{"AttributeName": "QUEUE", "KeyType": "HASH"}, {"AttributeName": "QUEUED_AT", "KeyType": "RANGE"}],
    "Projection": {"ProjectionType": "INCLUDE",
                   "NonKeyAttributes": ["APPLICATION_STATUS", "REASONS", "ATTEMPT", "ASSIGNEE", "UPDATED_AT"]},
}


@pytest.fixture(params=["memory", "dynamodb"])
def applications(request) -> Applications:
    if request.param == "memory":
        yield MemoryApplications()
        return
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="CustomerMetadataTable",
            KeySchema=[{"AttributeName": "APP_UUID", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"}
                for name in ("APP_UUID", "APPLICATION_STATUS", "UPDATED_AT", "QUEUE", "QUEUED_AT")
            ],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[QUEUE_INDEX, WAITING_INDEX],
        )
        yield DynamoApplications("CustomerMetadataTable", dynamodb)


def claimed(applications: Applications, etag: str = "e1", app_uuid: str = "app1") -> None:
    claim = Claim(app_uuid, etag, T0, T0 + timedelta(seconds=90), T0 + timedelta(days=30), details=DETAILS)
    assert applications.claim(claim) is not None


def awaiting(applications: Applications) -> None:
    claimed(applications)
    assert applications.settle("app1", AWAITING, (), T0, etag="e1")


def test_a_claim_creates_the_application_once(applications):
    claim = Claim("app1", "e1", T0, T0 + timedelta(seconds=90), T0 + timedelta(days=30), details=DETAILS)
    record = applications.claim(claim)
    assert record is not None and record == applications.read("app1")
    assert (record.status, record.etag, record.details, record.results) == (Status.PROCESSING, "e1", DETAILS, {})
    assert record.created_at == "2026-12-01T12:00:00Z"
    assert applications.claim(claim) is None
    assert applications.read("other") is None


def test_a_refused_bundle_is_claimed_rejected_with_its_reason(applications):
    rejection = Rejection(Reason.CSV_INVALID, "missing columns: ADDRESS")
    claim = Claim("app1", "e1", T0, T0, T0 + timedelta(days=30), rejection=rejection)
    record = applications.claim(claim)
    assert record is not None and record == applications.read("app1")
    assert (record.status, record.reasons, record.status_detail) == (
        Status.REJECTED, (Reason.CSV_INVALID,), "missing columns: ADDRESS"
    )


def test_results_round_trip_with_their_similarity_and_field_report(applications):
    claimed(applications)
    assert applications.record_result("app1", "e1", FACE, T0)
    assert applications.record_result("app1", "e1", DETAILS_RESULT, LATER)
    record = applications.read("app1")
    assert record.results == {Check.FACE: FACE, Check.DETAILS: DETAILS_RESULT}
    assert record.updated_at == "2026-12-01T12:05:00Z"


def test_two_results_recorded_at_once_are_both_kept(applications):
    claimed(applications)
    with ThreadPoolExecutor(max_workers=2) as pool:
        written = list(pool.map(lambda r: applications.record_result("app1", "e1", r, T0), [FACE, DETAILS_RESULT]))
    assert written == [True, True]
    assert set(applications.read("app1").results) == {Check.FACE, Check.DETAILS}


@pytest.mark.parametrize("decided", [AWAITING, Status.REJECTED, Status.REVIEW, Status.ERROR])
def test_document_results_and_details_are_refused_once_the_documents_are_decided(applications, decided):
    claimed(applications)
    assert applications.settle("app1", decided, (), T0, etag="e1")
    assert not applications.record_result("app1", "e1", FACE, LATER)
    assert not applications.record_details("app1", "e1", {"FIRST_NAME": "Eve"}, LATER)
    record = applications.read("app1")
    assert (record.status, record.results, record.details) == (decided, {}, DETAILS)


def test_every_write_of_a_document_step_is_refused_for_another_bundle(applications):
    claimed(applications)
    assert not applications.record_result("app1", "e2", FACE, T0)
    assert not applications.record_details("app1", "e2", {"FIRST_NAME": "Eve"}, T0)
    assert not applications.settle("app1", Status.REJECTED, (), T0, etag="e2")
    assert not applications.take_upload_lease("app1", "e2", LATER, LATER + timedelta(seconds=90))
    record = applications.read("app1")
    assert (record.status, record.results, record.details) == (Status.PROCESSING, {}, DETAILS)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (AWAITING, Status.PROCESSING),
        (Status.REJECTED, AWAITING),
        (Status.REVIEW, Status.APPROVED),
        (Status.ERROR, Status.PROCESSING),
    ],
)
def test_the_status_never_moves_backwards(applications, first, then):
    claimed(applications)
    assert applications.settle("app1", first, (Reason.SERVICE_ERROR,), T0, etag="e1")
    assert not applications.settle("app1", then, (), LATER)
    record = applications.read("app1")
    assert (record.status, record.reasons) == (first, (Reason.SERVICE_ERROR,))


def test_a_final_status_is_final(applications):
    awaiting(applications)
    assert applications.settle_validation("app1", VALID, APPROVED, (), T0)
    for status in Status:
        assert not applications.settle("app1", status, (), LATER)
    assert applications.read("app1").status is APPROVED


def test_settling_records_its_detail(applications):
    claimed(applications)
    assert applications.settle("app1", Status.ERROR, (Reason.SERVICE_ERROR,), T0, detail="step Unzip failed")
    assert applications.read("app1").status_detail == "step Unzip failed"


def test_the_upload_lease_is_had_once_until_it_runs_out_or_is_released(applications):
    claimed(applications)  # leased until T0 + 90 s
    assert not applications.take_upload_lease("app1", "e1", T0 + timedelta(seconds=10), LATER)
    assert applications.take_upload_lease("app1", "e1", T0 + timedelta(seconds=90), LATER)
    assert not applications.take_upload_lease("app1", "e1", T0 + timedelta(seconds=91), LATER)
    applications.release_upload_lease("app1", "e1", T0 + timedelta(seconds=100))
    assert applications.take_upload_lease("app1", "e1", T0 + timedelta(seconds=100), LATER)


def test_the_validation_lease_is_had_only_while_awaiting_and_once(applications):
    claimed(applications)
    assert applications.take_validation_lease("app1", T0, LATER) is None  # still PROCESSING
    assert applications.settle("app1", AWAITING, (), T0, etag="e1")
    record = applications.take_validation_lease("app1", T0, LATER)
    assert record is not None and record.details == DETAILS and record.status is AWAITING
    assert applications.take_validation_lease("app1", T0 + timedelta(seconds=1), LATER) is None
    applications.release_validation_lease("app1", T0 + timedelta(seconds=2))
    assert applications.take_validation_lease("app1", T0 + timedelta(seconds=2), LATER) is not None


def test_the_validation_is_settled_once_with_its_status(applications):
    awaiting(applications)
    assert applications.settle_validation("app1", VALID, APPROVED, (), T0)
    invalid = CheckResult(Check.VALIDATION, Outcome.FAIL, (Reason.LICENSE_INVALID,), {})
    assert not applications.settle_validation("app1", invalid, Status.REJECTED, (Reason.LICENSE_INVALID,), LATER)
    record = applications.read("app1")
    assert (record.status, record.results[Check.VALIDATION]) == (APPROVED, VALID)
    assert applications.take_validation_lease("app1", LATER, LATER) is None


def test_the_validation_is_not_settled_before_the_documents_are(applications):
    claimed(applications)
    assert not applications.settle_validation("app1", VALID, APPROVED, (), T0)
    assert applications.read("app1").status is Status.PROCESSING


def test_an_effect_is_marked_done_once_and_can_be_forgotten(applications):
    claimed(applications)
    assert applications.mark_done("app1", "notified:bundle")
    assert not applications.mark_done("app1", "notified:bundle")
    assert applications.read("app1").effects == {"notified:bundle"}
    applications.unmark("app1", "notified:bundle")
    assert applications.mark_done("app1", "notified:bundle")


def test_nothing_is_written_for_an_application_that_does_not_exist(applications):
    assert not applications.record_details("nobody", "e1", DETAILS, T0)
    assert not applications.record_result("nobody", "e1", FACE, T0)
    assert not applications.settle("nobody", Status.ERROR, (), T0)
    assert not applications.take_upload_lease("nobody", "e1", T0, LATER)
    assert applications.take_validation_lease("nobody", T0, LATER) is None
    assert not applications.mark_done("nobody", "x")
    assert applications.read("nobody") is None


def next_claim(etag: str = "e2", **changes) -> Claim:
    return Claim("app1", etag, LATER, LATER + timedelta(seconds=90), LATER + timedelta(days=30), **changes)


def test_a_rejected_application_starts_its_next_attempt_keeping_the_first(applications):
    claimed(applications)
    assert applications.record_result("app1", "e1", FACE, T0)
    assert applications.settle("app1", Status.REJECTED, (Reason.SELFIE_MISMATCH,), T0, etag="e1")
    assert applications.mark_done("app1", "notified:LICENSE_SELFIE_MATCH")
    previous = applications.read("app1")

    record = applications.start_attempt(next_claim(details={"FIRST_NAME": "Ada"}), previous)

    assert record is not None and record == applications.read("app1")
    assert (record.attempt, record.etag, record.status) == (2, "e2", Status.PROCESSING)
    assert (record.results, record.effects, record.reasons) == ({}, frozenset(), ())
    assert record.details == {"FIRST_NAME": "Ada"}
    (past,) = record.past_attempts
    assert (past.attempt, past.etag, past.status, past.reasons) == (1, "e1", Status.REJECTED, (Reason.SELFIE_MISMATCH,))
    assert applications.record_result("app1", "e2", FACE, LATER)  # the new attempt's steps write for its bundle
    assert not applications.record_result("app1", "e1", FACE, LATER)  # the old bundle's no longer


def test_a_refused_bundle_is_an_attempt_too(applications):
    claimed(applications)
    assert applications.settle("app1", Status.ERROR, (Reason.SERVICE_ERROR,), T0, etag="e1", detail="step failed")
    rejection = Rejection(Reason.CSV_INVALID, "header: 2 unknown column(s)")

    record = applications.start_attempt(next_claim(rejection=rejection), applications.read("app1"))

    assert (record.status, record.status_detail, record.details) == (Status.REJECTED, rejection.detail, {})
    assert record == applications.read("app1")


@pytest.mark.parametrize("status", [Status.PROCESSING, AWAITING, Status.REVIEW, APPROVED])
def test_an_application_in_flight_under_review_or_approved_is_never_reopened(applications, status):
    claimed(applications)
    if status is APPROVED:
        assert applications.settle("app1", AWAITING, (), T0, etag="e1")
        assert applications.settle_validation("app1", VALID, APPROVED, (), T0)
    elif status is not Status.PROCESSING:
        assert applications.settle("app1", status, (), T0, etag="e1")
    before = applications.read("app1")

    assert applications.start_attempt(next_claim(), before) is None
    assert applications.read("app1") == before


def test_a_stale_view_of_the_record_starts_nothing(applications):
    claimed(applications)
    assert applications.settle("app1", Status.REJECTED, (), T0, etag="e1")
    first = applications.read("app1")
    assert applications.start_attempt(next_claim("e2"), first) is not None
    assert applications.settle("app1", Status.REJECTED, (), LATER, etag="e2")

    assert applications.start_attempt(next_claim("e3"), first) is None  # attempt 2 happened since
    assert applications.read("app1").etag == "e2"


def test_attempts_are_bounded(applications):
    claimed(applications)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        assert applications.settle("app1", Status.REJECTED, (), T0, etag=f"e{attempt - 1}")
        assert applications.start_attempt(next_claim(f"e{attempt}"), applications.read("app1")).attempt == attempt
    assert applications.settle("app1", Status.REJECTED, (), T0, etag=f"e{MAX_ATTEMPTS}")

    assert applications.start_attempt(next_claim("e-last"), applications.read("app1")) is None
    assert len(applications.read("app1").past_attempts) == MAX_ATTEMPTS - 1


# ---------------------------------------------------------------- staff decisions (the review console)


def in_review(applications: Applications, app_uuid: str = "app1", at: datetime = T0, assignee: str | None = "rita"):
    """A case waiting in the review queue, assigned to `assignee` (only the assignee decides it)."""
    claimed(applications, app_uuid=app_uuid)
    assert applications.settle(app_uuid, Status.REVIEW, (Reason.FACE_UNCERTAIN,), at, etag="e1")
    if assignee is not None:
        assert applications.assign(app_uuid, "review", assignee, None)


def test_a_staff_decision_moves_a_case_in_review_once(applications):
    in_review(applications)
    decision = StaffDecision(APPROVED, "rita")
    assert applications.decide("app1", Status.REVIEW, decision, LATER)
    assert not applications.decide("app1", Status.REVIEW, decision, LATER)  # the double click
    assert not applications.decide("app1", Status.REVIEW, StaffDecision(Status.REJECTED, "rita"), LATER)
    record = applications.read("app1")
    assert (record.status, record.reasons, record.updated_at) == (APPROVED, (), "2026-12-01T12:05:00Z")


def test_only_one_of_two_concurrent_decisions_is_made(applications):
    in_review(applications)
    decisions = [StaffDecision(APPROVED, "rita"), StaffDecision(Status.REJECTED, "sam", (Reason.SELFIE_MISMATCH,))] * 4
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda d: applications.decide("app1", Status.REVIEW, d, LATER), decisions))
    assert made.count(True) == 1
    assert applications.read("app1").status == decisions[made.index(True)].target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.PROCESSING, APPROVED),  # an automated step's business, not staff's
        (AWAITING, Status.REJECTED),
        (Status.REVIEW, Status.PROCESSING),
        (Status.REVIEW, Status.ERROR),
        (APPROVED, Status.REJECTED),
        (Status.REJECTED, APPROVED),  # an override of an automated rejection needs four eyes
    ],
)
def test_a_staff_decision_makes_only_staff_moves(applications, current, target):
    claimed(applications)
    if current is not Status.PROCESSING:
        assert applications.settle("app1", AWAITING, (), T0, etag="e1")
        if current is not AWAITING:
            assert applications.settle("app1", current, (), T0)
    assert not applications.decide("app1", current, StaffDecision(target, "rita"), LATER)
    assert applications.read("app1").status == current


def test_a_decision_on_a_status_the_decider_did_not_see_is_refused(applications):
    in_review(applications)
    assert not applications.decide("app1", Status.ERROR, StaffDecision(Status.REJECTED, "rita"), LATER)
    assert applications.read("app1").status == Status.REVIEW


def test_a_resubmission_request_keeps_its_message_for_the_applicant_until_the_next_attempt(applications):
    in_review(applications)
    ask = StaffDecision(Status.RESUBMISSION_REQUESTED, "rita", (Reason.SELFIE_MISMATCH,), "Retake the selfie.")
    assert applications.decide("app1", Status.REVIEW, ask, LATER)
    record = applications.read("app1")
    assert (record.status, record.applicant_message) == (Status.RESUBMISSION_REQUESTED, "Retake the selfie.")
    assert applications.start_attempt(next_claim(), record).applicant_message is None
    assert applications.read("app1").applicant_message is None


def test_four_eyes_a_proposal_waits_for_someone_else_to_confirm_it(applications):
    in_review(applications)
    proposal = StaffDecision(APPROVED, "rita")
    assert applications.propose("app1", Status.REVIEW, proposal, LATER)
    assert not applications.propose("app1", Status.REVIEW, StaffDecision(Status.REJECTED, "sam"), LATER)
    assert not applications.decide("app1", Status.REVIEW, StaffDecision(Status.REJECTED, "sam"), LATER)
    pending = applications.read("app1")
    assert pending.status == Status.REVIEW and pending.pending.decision == proposal
    assert pending.pending.proposed_at == "2026-12-01T12:05:00Z"
    assert applications.confirm("app1", "rita", LATER) is None  # nobody confirms their own
    assert applications.confirm("app1", "sue", LATER) == proposal
    assert applications.confirm("app1", "tom", LATER) is None  # once
    record = applications.read("app1")
    assert (record.status, record.pending) == (APPROVED, None)


def test_an_automated_rejection_is_overridden_only_by_a_confirmed_proposal(applications):
    claimed(applications)
    assert applications.settle("app1", Status.REJECTED, (Reason.SELFIE_MISMATCH,), T0, etag="e1")
    override = StaffDecision(APPROVED, "rita")
    assert not applications.decide("app1", Status.REJECTED, override, LATER)
    assert applications.propose("app1", Status.REJECTED, override, LATER)
    assert applications.read("app1").status == Status.REJECTED
    assert applications.confirm("app1", "sue", LATER) == override
    assert applications.read("app1").status == APPROVED


def test_a_new_attempt_drops_a_pending_proposal(applications):
    claimed(applications)
    assert applications.settle("app1", Status.REJECTED, (Reason.SELFIE_MISMATCH,), T0, etag="e1")
    assert applications.propose("app1", Status.REJECTED, StaffDecision(APPROVED, "rita"), LATER)
    assert applications.start_attempt(next_claim(), applications.read("app1")) is not None
    assert applications.read("app1").pending is None
    assert applications.confirm("app1", "sue", LATER) is None
    assert applications.read("app1").status == Status.PROCESSING


def waiting(applications: Applications, queue: str = "review", **filters) -> list[str]:
    query = QueueQuery(queue, filters.pop("statuses", frozenset({Status.REVIEW, Status.ERROR})), **filters)
    return [entry.app_uuid for entry in applications.waiting(query, 10)]


def test_a_case_in_review_or_error_waits_in_the_review_queue_longest_waiting_first(applications):
    for minute, app_uuid in [(3, "c"), (1, "a"), (2, "b")]:
        in_review(applications, app_uuid, T0 + timedelta(minutes=minute), assignee=None)
    claimed(applications, app_uuid="e")
    assert applications.settle("e", Status.ERROR, (Reason.SERVICE_ERROR,), T0 + timedelta(minutes=2, seconds=30))
    claimed(applications, app_uuid="p")  # PROCESSING: not a case
    assert waiting(applications) == ["a", "b", "e", "c"]
    entry = applications.waiting(QueueQuery("review", frozenset({Status.REVIEW})), 2)[0]
    assert (entry.app_uuid, entry.status, entry.reasons, entry.attempt) == ("a", Status.REVIEW, (Reason.FACE_UNCERTAIN,), 1)
    assert (entry.queue, entry.assignee, entry.queued_at) == ("review", None, "2026-12-01T12:01:00Z")
    record = applications.read("e")
    assert (record.queue, record.assignee, record.queued_at) == ("review", None, "2026-12-01T12:02:30Z")
    assert applications.read("p").queue is None and waiting(applications, "senior") == []
    assert applications.assign("a", "review", "rita", None)
    assert applications.decide("a", Status.REVIEW, StaffDecision(APPROVED, "rita"), LATER)  # it leaves the queue
    assert waiting(applications) == ["b", "e", "c"]
    assert (applications.read("a").queue, applications.read("a").assignee) == (None, None)


def test_the_queue_filters_by_status_reason_assignee_and_time(applications):
    for minute, app_uuid in [(1, "a"), (2, "b"), (3, "c")]:
        in_review(applications, app_uuid, T0 + timedelta(minutes=minute), assignee=None)
    claimed(applications, app_uuid="e")
    assert applications.settle("e", Status.ERROR, (Reason.SERVICE_ERROR,), T0 + timedelta(minutes=4))
    assert applications.assign("b", "review", "rita", None) and applications.assign("e", "review", "sam", None)
    assert waiting(applications, statuses=frozenset({Status.ERROR})) == ["e"]
    assert waiting(applications, reason=Reason.SERVICE_ERROR) == ["e"]
    assert waiting(applications, assignee="rita") == ["b"]
    assert waiting(applications, unassigned=True) == ["a", "c"]
    assert waiting(applications, queued_from="2026-12-01T12:02:00Z") == ["b", "c", "e"]
    assert waiting(applications, queued_to="2026-12-01T12:02:00Z") == ["a", "b"]
    assert waiting(applications, queued_from="2026-12-01T12:02:00Z", queued_to="2026-12-01T12:03:00Z") == ["b", "c"]
    assert waiting(applications, queued_from="2026-12-01T12:03:00Z", queued_to="2026-12-01T12:02:00Z") == []
    assert waiting(applications, unassigned=True, queued_from="2026-12-01T12:02:00Z") == ["c"]
    first = applications.waiting(QueueQuery("review", frozenset({Status.REVIEW, Status.ERROR})), 2)
    assert [entry.app_uuid for entry in first] == ["a", "b"] and first[1].assignee == "rita"


def test_a_filtered_queue_reads_on_past_the_cases_its_filter_drops(applications):
    for index in range(25):
        in_review(applications, f"c{index:02d}", T0 + timedelta(minutes=index), assignee="rita" if index < 20 else None)
    assert waiting(applications, unassigned=True)[:3] == ["c20", "c21", "c22"]
    query = QueueQuery("review", frozenset({Status.REVIEW}), unassigned=True)
    assert [entry.app_uuid for entry in applications.waiting(query, 1)] == ["c20"]
    assert len(applications.waiting(QueueQuery("review", frozenset({Status.REVIEW}), assignee="rita"), 100)) == 20


def test_a_case_is_assigned_once_and_only_its_assignee_decides_it(applications):
    in_review(applications, assignee=None)
    rita, sam = StaffDecision(APPROVED, "rita"), StaffDecision(APPROVED, "sam")
    assert not applications.decide("app1", Status.REVIEW, rita, LATER)  # nobody's case yet
    assert not applications.propose("app1", Status.REVIEW, rita, LATER)
    assert not applications.assign("app1", "senior", "rita", None)  # not in that queue
    assert applications.assign("app1", "review", "rita", None)
    assert not applications.assign("app1", "review", "sam", None)  # taken: only a take-over of rita's case
    assert applications.read("app1").assignee == "rita"
    assert not applications.decide("app1", Status.REVIEW, sam, LATER)
    assert not applications.propose("app1", Status.REVIEW, sam, LATER)
    assert applications.assign("app1", "review", "sam", "rita")  # a take-over of the case as seen
    assert not applications.decide("app1", Status.REVIEW, rita, LATER)
    assert applications.assign("app1", "review", None, "sam")  # released
    assert applications.read("app1").assignee is None
    assert applications.assign("app1", "review", "sam", None)
    assert applications.decide("app1", Status.REVIEW, sam, LATER)
    assert not applications.assign("app1", "review", "rita", None)  # decided: no longer waiting


def test_of_many_concurrent_takes_one_assigns_the_case(applications):
    in_review(applications, assignee=None)
    users = [f"user{index}" for index in range(8)]
    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(lambda user: applications.assign("app1", "review", user, None), users))
    assert taken.count(True) == 1 and applications.read("app1").assignee == users[taken.index(True)]


def test_escalation_moves_the_case_to_the_senior_queue_unassigned_waiting_anew(applications):
    in_review(applications)
    assert not applications.escalate("app1", "sam", "senior", LATER)  # not sam's case
    assert applications.escalate("app1", "rita", "senior", LATER)
    record = applications.read("app1")
    assert (record.queue, record.assignee, record.queued_at) == ("senior", None, "2026-12-01T12:05:00Z")
    assert waiting(applications) == [] and waiting(applications, "senior") == ["app1"]
    assert not applications.assign("app1", "review", "rita", None)
    assert applications.assign("app1", "senior", "sue", None)
    assert not applications.escalate("app1", "sue", "senior", LATER)  # there already
    assert applications.decide("app1", Status.REVIEW, StaffDecision(APPROVED, "sue"), LATER)


def test_a_confirmation_needs_no_assignment_and_takes_the_case_out_of_its_queue(applications):
    in_review(applications)
    assert applications.propose("app1", Status.REVIEW, StaffDecision(APPROVED, "rita"), LATER)
    assert applications.confirm("app1", "sue", LATER) is not None
    record = applications.read("app1")
    assert (record.status, record.queue, record.assignee) == (APPROVED, None, None) and waiting(applications) == []


def test_a_next_attempt_leaves_the_queue_and_a_later_review_enters_it_unassigned(applications):
    claimed(applications)
    assert applications.settle("app1", Status.ERROR, (Reason.SERVICE_ERROR,), T0, etag="e1")
    assert applications.assign("app1", "review", "rita", None)
    record = applications.start_attempt(next_claim(), applications.read("app1"))
    assert (record.queue, record.assignee, record.queued_at) == (None, None, "")
    assert waiting(applications) == []
    assert applications.settle("app1", Status.REVIEW, (Reason.FACE_UNCERTAIN,), LATER, etag="e2")
    record = applications.read("app1")
    assert (record.queue, record.assignee, record.queued_at) == ("review", None, "2026-12-01T12:05:00Z")


# ---------------------------------------------------------------- the queues' SLA settings


@pytest.fixture(params=["memory", "dynamodb"])
def queue_settings(request) -> QueueSettingsStore:
    if request.param == "memory":
        yield MemoryQueueSettings()
        return
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="AuditTable",
            KeySchema=[{"AttributeName": "CASE_ID", "KeyType": "HASH"}, {"AttributeName": "SEQUENCE", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "CASE_ID", "AttributeType": "S"},
                                  {"AttributeName": "SEQUENCE", "AttributeType": "N"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield DynamoQueueSettings("AuditTable", dynamodb)


def test_queue_settings_are_kept_as_versions_newest_first_each_once(queue_settings):
    assert queue_settings.latest(5) == []
    first = QueueSettings({"review": 12, "senior": 4}, 1, "ada", "2026-12-01T12:00:00Z")
    assert queue_settings.record(first)
    assert not queue_settings.record(QueueSettings({"review": 48, "senior": 4}, 1, "bob", "2026-12-01T12:01:00Z"))
    second = QueueSettings({"review": 6, "senior": 2}, 2, "bob", "2026-12-01T12:02:00Z")
    assert queue_settings.record(second)
    assert queue_settings.latest(1) == [second] and queue_settings.latest(5) == [second, first]


# ---------------------------------------------------------------- a staff re-run of a check that ended in ERROR

ERRORED = CheckResult(Check.DETAILS, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": "textract"})
MARKS = frozenset({"notified:LICENSE_DETAILS_MATCH", "notified:final", "document-done"})
DETAILS_ONLY = frozenset({Check.DETAILS})


def errored(applications: Applications, result: CheckResult = ERRORED) -> None:
    """A case that ended in ERROR after its checks: the face passed, `result` recorded, staff told."""
    claimed(applications)
    assert applications.record_result("app1", "e1", FACE, T0)
    assert applications.record_result("app1", "e1", result, T0)
    for effect in MARKS | {"notified:other"}:
        assert applications.mark_done("app1", effect)
    assert applications.settle("app1", Status.ERROR, (Reason.SERVICE_ERROR,), T0, etag="e1", detail="textract")
    assert applications.assign("app1", "review", "rita", None)  # the case waits in the review queue, taken by rita


def test_a_rerun_reopens_the_errored_check_once(applications):
    errored(applications)
    record = applications.reopen("app1", DETAILS_ONLY, "rita", MARKS, LATER, LATER + timedelta(seconds=90))
    assert record is not None and record == applications.read("app1")
    assert (record.status, record.reasons, record.status_detail) == (Status.PROCESSING, (), None)
    assert record.results == {Check.FACE: FACE}  # the passed check kept, the errored one removed
    assert record.effects == {"notified:other"} and record.updated_at == "2026-12-01T12:05:00Z"
    assert (record.queue, record.assignee) == (None, None)  # out of the queue while it runs
    assert applications.reopen("app1", DETAILS_ONLY, "rita", MARKS, LATER, LATER) is None  # twice
    # the re-run holds the upload lease, then records the check and settles as the document steps do
    assert not applications.take_upload_lease("app1", "e1", LATER, LATER + timedelta(seconds=1))
    assert applications.record_result("app1", "e1", DETAILS_RESULT, LATER)
    assert applications.settle("app1", Status.REJECTED, (Reason.DETAILS_MISMATCH,), LATER, etag="e1")
    assert applications.read("app1").results[Check.DETAILS].outcome is Outcome.FAIL


def test_only_one_of_concurrent_reruns_reopens(applications):
    errored(applications)
    with ThreadPoolExecutor(8) as pool:
        reopen = lambda _: applications.reopen("app1", DETAILS_ONLY, "rita", MARKS, LATER, LATER)
        reopened = list(pool.map(reopen, range(8)))
    assert sum(record is not None for record in reopened) == 1


def test_a_rerun_needs_an_error_case_and_that_checks_errored_result(applications):
    errored(applications)
    assert applications.reopen("app1", frozenset({Check.FACE}), "rita", MARKS, LATER, LATER) is None  # the face passed
    assert applications.reopen("app1", frozenset({Check.VALIDATION}), "rita", MARKS, LATER, LATER) is None  # never ran
    assert applications.reopen("app1", DETAILS_ONLY, "sam", MARKS, LATER, LATER) is None  # not the assignee
    assert applications.reopen("nobody", DETAILS_ONLY, "rita", MARKS, LATER, LATER) is None
    assert applications.propose("app1", Status.ERROR, StaffDecision(Status.REJECTED, "rita"), LATER)
    assert applications.reopen("app1", DETAILS_ONLY, "rita", MARKS, LATER, LATER) is None  # pending
    assert applications.confirm("app1", "sue", LATER) is not None
    assert applications.reopen("app1", DETAILS_ONLY, "rita", MARKS, LATER, LATER) is None  # REJECTED: decided
    assert applications.read("app1").status == Status.REJECTED


def test_both_errored_document_checks_reopen_in_one_write(applications):
    claimed(applications)
    face_errored = CheckResult(Check.FACE, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": "rekognition"})
    assert applications.record_result("app1", "e1", face_errored, T0)
    assert applications.record_result("app1", "e1", ERRORED, T0)
    assert applications.settle("app1", Status.ERROR, (Reason.SERVICE_ERROR,), T0, etag="e1")
    assert applications.assign("app1", "review", "rita", None)
    both = frozenset({Check.FACE, Check.DETAILS})
    assert applications.reopen("app1", both | {Check.VALIDATION}, "rita", MARKS, LATER, LATER) is None  # two statuses
    record = applications.reopen("app1", both, "rita", MARKS, LATER, LATER)
    assert record is not None and (record.status, record.results) == (Status.PROCESSING, {})


def test_an_error_without_an_errored_check_is_not_rerun(applications):
    claimed(applications)  # an invocation that hit its limit: ERROR with no result
    assert applications.settle("app1", Status.ERROR, (Reason.PROCESSING_LIMIT,), T0, etag="e1")
    assert all(applications.reopen("app1", frozenset({check}), "rita", MARKS, LATER, LATER) is None for check in Check)
    assert applications.read("app1").status == Status.ERROR


def test_a_rerun_of_the_validation_reopens_it_awaiting_with_its_lease_free(applications):
    awaiting(applications)
    assert applications.record_result("app1", "e1", FACE, T0) is False  # decided already: a control
    assert applications.take_validation_lease("app1", T0, T0 + timedelta(minutes=10)) is not None
    failed = CheckResult(Check.VALIDATION, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": "validator"})
    assert applications.settle_validation("app1", failed, Status.ERROR, (Reason.SERVICE_ERROR,), T0)
    assert applications.assign("app1", "review", "rita", None)
    marks = frozenset({"notified:LICENSE_VALIDATION", "notified:final"})
    record = applications.reopen("app1", frozenset({Check.VALIDATION}), "rita", marks, LATER, LATER)
    assert record is not None and (record.status, record.results) == (AWAITING, {})
    assert applications.take_validation_lease("app1", LATER, LATER + timedelta(minutes=5)) is not None  # at once
    assert applications.reopen("app1", frozenset({Check.VALIDATION}), "rita", marks, LATER, LATER) is None
    assert applications.settle_validation("app1", VALID, APPROVED, (), LATER)
