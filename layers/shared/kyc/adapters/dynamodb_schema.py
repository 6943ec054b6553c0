"""The application record's item schema on CustomerMetadataTable: a record's values as an item and back.

Item: APP_UUID; BUNDLE_ETAG; APPLICATION_STATUS; REASONS; the eight CSV fields; per check the lab's BOOL (when
decided) and `<CHECK>_RESULT` {outcome, reasons, detail}; FACE_SIMILARITY; DETAILS_REPORT; STATUS_DETAIL;
CREATED_AT / UPDATED_AT (ISO-8601 UTC); EXPIRES_AT (TTL, epoch seconds); LEASE_UNTIL and VALIDATION_LEASE_UNTIL;
ATTEMPT and ATTEMPTS (the earlier attempts' summaries); MARKERS (the effects done); PENDING_DECISION (a four-eyes
decision awaiting confirmation) and APPLICANT_MESSAGE (staff's words with a resubmission request). The staff queue
reads the index WAITING_INDEX (QUEUE, QUEUED_AT; the status, REASONS, ATTEMPT and ASSIGNEE projected), which holds only
the cases waiting in a queue (an item has QUEUE, QUEUED_AT and maybe ASSIGNEE while it is in REVIEW or ERROR); the
index StatusUpdated (APPLICATION_STATUS, UPDATED_AT) is no longer read. No client here: readers of the table (the local runtime) use it without the adapter.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer

from kyc.model import DETAIL_FIELDS, Check, CheckResult, Outcome, Reason, Status, iso, split_evidence
from kyc.ports import ApplicationRecord, Claim, PastAttempt, PendingDecision, QueueEntry, StaffDecision
from kyc.queues import QUEUED, REVIEW_QUEUE

_deserializer = TypeDeserializer()  # Powertools' copy of boto3's, without importing boto3 (kyc.adapters.aws)
Item = dict[str, Any]
UPLOAD_LEASE = "LEASE_UNTIL"
VALIDATION_LEASE = "VALIDATION_LEASE_UNTIL"
STATUS = "APPLICATION_STATUS"
PENDING = "PENDING_DECISION"
MESSAGE = "APPLICANT_MESSAGE"
QUEUE, ASSIGNEE, QUEUED_AT = "QUEUE", "ASSIGNEE", "QUEUED_AT"
WAITING_INDEX = "QueueWaiting"
QUEUE_ONLY = (QUEUE, ASSIGNEE, QUEUED_AT)
"""What a case has only while it waits in a queue: removed when it leaves (a decision, its next attempt)."""


def to_dynamo(value: Any) -> dict[str, Any]:
    """A record's value as a DynamoDB attribute value; a float is stored as the number it prints as."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": str(Decimal(str(value)))}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {str(k): to_dynamo(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_dynamo(v) for v in value]}
    raise TypeError(f"no DynamoDB type for {type(value).__name__}")


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return type(value)(_from_dynamo(v) for v in value)
    return value


def result_attributes(result: CheckResult) -> Item:
    """One check's attributes: the lab's BOOL (when decided), its result map, and the similarity or report."""
    detail = {key: value for key, value in result.detail.items() if key != "fields"}
    values: Item = {
        f"{result.check}_RESULT": {
            "outcome": str(result.outcome),
            "reasons": [str(reason) for reason in result.reasons],
            "detail": detail,
        }
    }
    if result.value is not None:
        values[str(result.check)] = result.value
    if result.check is Check.FACE and result.detail.get("similarity") is not None:
        values["FACE_SIMILARITY"] = result.detail["similarity"]
    if result.check is Check.DETAILS and "fields" in result.detail:
        fields = result.detail["fields"]  # with, per field, its evidence (the licence's value, the forms compared)
        values["DETAILS_REPORT"] = {name: {**entry, **result.evidence.get(name, {})} for name, entry in fields.items()}
    return values


def check_attributes(check: Check) -> tuple[str, ...]:
    """What records one check besides its result map: the lab's BOOL, and the similarity or the field report."""
    extra = {Check.FACE: ("FACE_SIMILARITY",), Check.DETAILS: ("DETAILS_REPORT",)}.get(check, ())
    return (str(check), *extra)


def _result(item: Item, check: Check) -> CheckResult | None:
    recorded = item.get(f"{check}_RESULT")
    if not recorded:
        return None
    detail = dict(recorded.get("detail") or {})
    evidence: dict[str, dict[str, str]] = {}
    if check is Check.DETAILS and "DETAILS_REPORT" in item:
        detail["fields"], evidence = split_evidence(item["DETAILS_REPORT"])
    reasons = tuple(Reason(reason) for reason in recorded.get("reasons", []))
    return CheckResult(check, Outcome(recorded["outcome"]), reasons, detail, evidence)


def attempt_item(claim: Claim, attempt: int) -> Item:
    """The item of an application's attempt as its claim creates it: PROCESSING with the bundle's details, or
    REJECTED with the reason the bundle was refused."""
    rejection = claim.rejection
    item: Item = {
        "APP_UUID": claim.app_uuid,
        "BUNDLE_ETAG": claim.etag,
        "ATTEMPT": attempt,
        **status_values(
            Status.REJECTED if rejection else Status.PROCESSING, (rejection.reason,) if rejection else (), claim.now
        ),
        **claim.details,
        "CREATED_AT": iso(claim.now),
        "EXPIRES_AT": int(claim.expires_at.timestamp()),
        UPLOAD_LEASE: iso(claim.lease_until),
    }
    if rejection:
        item["STATUS_DETAIL"] = rejection.detail
    return item


ATTEMPT_ONLY = (
    *DETAIL_FIELDS, *(str(check) for check in Check), *(f"{check}_RESULT" for check in Check),
    "FACE_SIMILARITY", "DETAILS_REPORT", "STATUS_DETAIL", "MARKERS", VALIDATION_LEASE, PENDING, MESSAGE,
    *QUEUE_ONLY,
)  # fmt: skip
"""What belongs to one attempt only: removed when the next attempt starts, unless it sets them anew."""


def past_attempt_value(record: ApplicationRecord) -> Item:
    """An attempt's summary, kept on the item when the next attempt starts."""
    return {
        "attempt": record.attempt,
        "etag": record.etag,
        "status": str(record.status),
        "reasons": [str(reason) for reason in record.reasons],
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def _past_attempt(value: Item) -> PastAttempt:
    return PastAttempt(
        attempt=int(value["attempt"]),
        etag=str(value["etag"]),
        status=Status(value["status"]),
        reasons=tuple(Reason(reason) for reason in value.get("reasons") or ()),
        created_at=str(value.get("created_at", "")),
        updated_at=str(value.get("updated_at", "")),
    )


def record_from_item(item: Item) -> ApplicationRecord:
    """The record an item holds (a plain item, as boto3's resource layer or a stream gives it, or a typed one)."""
    results = {check: result for check in Check if (result := _result(item, check)) is not None}
    return ApplicationRecord(
        app_uuid=item["APP_UUID"],
        etag=item.get("BUNDLE_ETAG", ""),
        status=Status(item["APPLICATION_STATUS"]),
        reasons=tuple(Reason(reason) for reason in item.get("REASONS") or ()),
        details={name: item[name] for name in DETAIL_FIELDS if name in item},
        results=results,
        effects=frozenset(item.get("MARKERS") or ()),
        status_detail=item.get("STATUS_DETAIL"),
        created_at=item.get("CREATED_AT", ""),
        updated_at=item.get("UPDATED_AT", ""),
        attempt=int(item.get("ATTEMPT", 1)),
        past_attempts=tuple(_past_attempt(value) for value in item.get("ATTEMPTS") or ()),
        pending=_pending(item[PENDING]) if item.get(PENDING) else None,
        applicant_message=item.get(MESSAGE),
        queue=item.get(QUEUE),
        assignee=item.get(ASSIGNEE),
        queued_at=item.get(QUEUED_AT, ""),
    )


def pending_value(decision: StaffDecision, now: datetime) -> Item:
    """A four-eyes decision as PENDING_DECISION holds it."""
    return {
        "target": str(decision.target),
        "actor": decision.actor,
        "reasons": [str(reason) for reason in decision.reasons],
        "message": decision.applicant_message,
        "proposed_at": iso(now),
    }


def _pending(value: Item) -> PendingDecision:
    decision = StaffDecision(
        Status(value["target"]), str(value["actor"]), tuple(Reason(reason) for reason in value.get("reasons") or ()),
        value.get("message"),
    )
    return PendingDecision(decision, str(value["proposed_at"]))


def decision_values(decision: StaffDecision, now: datetime) -> Item:
    """What a staff decision sets (APPLICANT_MESSAGE only with a message: removed otherwise)."""
    values = status_values(decision.target, decision.reasons, now)
    if decision.applicant_message is not None:
        values[MESSAGE] = decision.applicant_message
    return values


def queue_entry(item: Item) -> QueueEntry:
    """A case as the queue index holds it."""
    return QueueEntry(
        app_uuid=item["APP_UUID"],
        status=Status(item[STATUS]),
        updated_at=item.get("UPDATED_AT", ""),
        reasons=tuple(Reason(reason) for reason in item.get("REASONS") or ()),
        attempt=int(item.get("ATTEMPT", 1)),
        queue=item.get(QUEUE, ""),
        assignee=item.get(ASSIGNEE),
        queued_at=item.get(QUEUED_AT, ""),
    )


def status_values(status: Status, reasons: tuple[Reason, ...], now: datetime) -> Item:
    """What a status change sets: a case reaching REVIEW or ERROR enters the review queue (kyc.queues)."""
    values: Item = {"APPLICATION_STATUS": str(status), "REASONS": [str(r) for r in reasons], "UPDATED_AT": iso(now)}
    if status in QUEUED:
        values |= {QUEUE: REVIEW_QUEUE, QUEUED_AT: iso(now)}
    return values


def plain_item(item: dict[str, Any]) -> Item:
    """A typed DynamoDB item (as GetItem returns it) in plain values."""
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}
