"""The ports: what the core needs from the world. Adapters implement them; tests pass fakes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from kyc.model import (
    Check,
    CheckResult,
    Details,
    FaceComparison,
    IdDocument,
    Reason,
    Rejection,
    Status,
    ValidationResult,
)
from kyc.queues import QueueSettings


@dataclass(frozen=True)
class Upload:
    key: str
    etag: str
    body: bytes


class DocumentStore(Protocol):
    def read_upload(self, key: str, max_bytes: int) -> Upload:
        """The uploaded zip; raises kyc.model.Rejection(BUNDLE_INVALID) when larger than max_bytes, UploadMissing when
        there is no such object."""

    def put_member(self, key: str, body: bytes, content_type: str) -> None: ...


class StoredMembers(Protocol):
    def has_member(self, key: str) -> bool:
        """Whether an extracted member is stored at `key` (a bundle's optional licence back)."""


class FaceComparer(Protocol):
    def compare(self, source_key: str, target_key: str, threshold: float) -> FaceComparison:
        """CompareFaces of the licence (source) against the selfie (target), both S3 keys."""


class IdReader(Protocol):
    def analyze(self, page_keys: list[str]) -> IdDocument:
        """AnalyzeID over the licence pages (front, and back when present), S3 keys."""


class Notifier(Protocol):
    def publish(self, subject: str, body: str, attributes: dict[str, str]) -> None: ...


class LicenseQueue(Protocol):
    def send(self, message: dict[str, Any]) -> None: ...


class Workflows(Protocol):
    def start(self, name: str, payload: dict[str, Any]) -> bool:
        """Start the document workflow's execution `name`; False when one of that name has run already.

        Step Functions answers a start of a running execution with the same name and input like the first start.
        """


class LicenseValidator(Protocol):
    def validate(self, request: dict[str, Any]) -> ValidationResult:
        """POST /license; raises kyc.model.ServiceFailure when the validator cannot answer."""


@dataclass(frozen=True)
class PastAttempt:
    """An earlier attempt of an application, as it ended."""

    attempt: int
    etag: str
    status: Status
    reasons: tuple[Reason, ...]
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ApplicationRecord:
    """One application as recorded: what every step and every reader (status, console) works from."""

    app_uuid: str
    etag: str  # the bundle the application was claimed for
    status: Status
    reasons: tuple[Reason, ...] = ()
    details: Details = field(default_factory=dict)
    results: dict[Check, CheckResult] = field(default_factory=dict)
    effects: frozenset[str] = frozenset()  # effects marked done exactly once (notifications, the document steps)
    status_detail: str | None = None  # why a bundle was refused or a step failed: short, never personal
    created_at: str = ""
    updated_at: str = ""
    attempt: int = 1
    past_attempts: tuple[PastAttempt, ...] = ()
    pending: PendingDecision | None = None  # a four-eyes decision awaiting a senior's confirmation
    applicant_message: str | None = None  # staff's words to the applicant with a resubmission request
    queue: str | None = None  # the staff queue the case waits in (kyc.queues), while it is in REVIEW or ERROR
    assignee: str | None = None  # the staff member the waiting case is assigned to
    queued_at: str = ""  # when the case entered its queue (its due time: this plus the queue's SLA)


@dataclass(frozen=True)
class StaffDecision:
    """A staff member's decision on an application: the status it sets (kyc.lifecycle.STAFF_NEXT) and why."""

    target: Status
    actor: str  # the staff member's user name
    reasons: tuple[Reason, ...] = ()
    applicant_message: str | None = None  # only with RESUBMISSION_REQUESTED


@dataclass(frozen=True)
class PendingDecision:
    """A decision proposed for four-eyes, recorded on the application until a senior confirms it."""

    decision: StaffDecision
    proposed_at: str


@dataclass(frozen=True)
class QueueEntry:
    """One case in the staff queue: only what the queue index carries (never a personal value)."""

    app_uuid: str
    status: Status
    updated_at: str
    reasons: tuple[Reason, ...]
    attempt: int
    queue: str = ""
    assignee: str | None = None
    queued_at: str = ""


@dataclass(frozen=True)
class QueueQuery:
    """Which cases of one queue to list: each filter, when given, narrows the list (times inclusive, ISO-8601 UTC)."""

    queue: str
    statuses: frozenset[Status]
    reason: Reason | None = None
    assignee: str | None = None
    unassigned: bool = False
    queued_from: str | None = None
    queued_to: str | None = None


@dataclass(frozen=True)
class Claim:
    """A new application for an upload: the bundle's details when it passed every rule, or why it was refused."""

    app_uuid: str
    etag: str
    now: datetime
    lease_until: datetime
    expires_at: datetime  # personal data is not kept past this
    details: Details = field(default_factory=dict)
    rejection: Rejection | None = None


class Applications(Protocol):
    """The application record (CustomerMetadataTable). Every write is conditional and enforces kyc.lifecycle: a
    write whose condition does not hold changes nothing and answers False."""

    def read(self, app_uuid: str) -> ApplicationRecord | None: ...

    def claim(self, claim: Claim) -> ApplicationRecord | None:
        """Record a new application (PROCESSING with its details, or REJECTED); None when the id is taken."""

    def start_attempt(self, claim: Claim, previous: ApplicationRecord) -> ApplicationRecord | None:
        """The application's next attempt, for a new bundle, while `previous` is its record and it may be reopened
        (kyc.lifecycle.REOPENABLE, fewer than MAX_ATTEMPTS); the earlier attempt is kept as a PastAttempt. None when
        the record has changed since `previous` or may not be reopened."""

    def take_upload_lease(self, app_uuid: str, etag: str, now: datetime, until: datetime) -> bool:
        """Lease the document steps of this bundle to the caller, unless another run holds the lease."""

    def release_upload_lease(self, app_uuid: str, etag: str, now: datetime) -> None: ...

    def record_details(self, app_uuid: str, etag: str, details: Details, now: datetime) -> bool:
        """The applicant's details, while the document checks are open; the application PROCESSING."""

    def record_result(self, app_uuid: str, etag: str, result: CheckResult, now: datetime) -> bool:
        """A document check's result, while the document checks are open (kyc.lifecycle.RECORDABLE)."""

    def settle(
        self, app_uuid: str, status: Status, reasons: tuple[Reason, ...], now: datetime, *,
        etag: str | None = None, detail: str | None = None,
    ) -> bool:
        """Move the status forward (kyc.lifecycle.NEXT), for this bundle when `etag` is given."""

    def take_validation_lease(self, app_uuid: str, now: datetime, until: datetime) -> ApplicationRecord | None:
        """The record of an application awaiting its licence validation, leased to the caller; None when there is
        no such application or another caller holds the lease."""

    def settle_validation(
        self, app_uuid: str, result: CheckResult, status: Status, reasons: tuple[Reason, ...], now: datetime
    ) -> bool:
        """The validator's result and the final status it gives, in one write, while the application awaits it."""

    def release_validation_lease(self, app_uuid: str, now: datetime) -> None: ...

    def mark_done(self, app_uuid: str, effect: str) -> bool:
        """Mark an effect done; False when it was done already (the caller must not repeat it)."""

    def unmark(self, app_uuid: str, effect: str) -> None:
        """Forget an effect whose doing failed, so that a retry does it."""

    def decide(self, app_uuid: str, current: Status, decision: StaffDecision, now: datetime) -> bool:
        """A staff decision: the status moves from `current` (the status the decider saw) to the decision's target
        when kyc.lifecycle.staff_may_move allows it unconfirmed, no four-eyes decision is pending and, while the case
        waits in a queue, the decider is its assignee. False otherwise, and for every repeat (double click, retry)."""

    def propose(self, app_uuid: str, current: Status, decision: StaffDecision, now: datetime) -> bool:
        """Record a four-eyes decision as pending, while the status is `current`, the move is a staff move, no
        other decision is pending and, while the case waits in a queue, the proposer is its assignee."""

    def confirm(self, app_uuid: str, confirmer: str, now: datetime) -> StaffDecision | None:
        """Carry out the pending decision, confirmed by `confirmer`, who must not be its proposer; the decision
        carried out, or None (nothing pending, own proposal, already confirmed)."""

    def reopen(
        self, app_uuid: str, checks: frozenset[Check], actor: str, forget: frozenset[str], now: datetime,
        lease_until: datetime,
    ) -> ApplicationRecord | None:
        """Re-open checks that ended in ERROR for a staff re-run (checks that kyc.lifecycle.REOPENS sends to one
        status), while the application is ERROR, each of their results is ERROR, no decision is pending and, while
        the case waits in a queue, `actor` is its assignee. One write: the status moves to REOPENS' status (no
        reasons, no detail) and the case leaves its queue, the errored results are removed, the effects `forget` are
        unmarked, and for document checks the upload lease is taken until `lease_until` (the re-run holds it as the
        document steps do), for the validation its lease is freed. The record as written; None otherwise, and for
        every repeat (double click, retry)."""

    def waiting(self, query: QueueQuery, limit: int) -> list[QueueEntry]:
        """The cases waiting in the query's queue that pass its filters, longest waiting first, through the queue
        index (never a scan)."""

    def assign(self, app_uuid: str, queue: str, assignee: str | None, previous: str | None) -> bool:
        """Assign the case to `assignee` (None: unassign it) while it waits in `queue` assigned to `previous`."""

    def escalate(self, app_uuid: str, assignee: str, queue: str, now: datetime) -> bool:
        """Move the waiting case, assigned to `assignee`, to another `queue`: unassigned, waiting from `now`."""


@dataclass(frozen=True)
class AuditEvent:
    """One entry of a case's audit trail: who did what, when, the status before and after, and a staff note."""

    actor: str
    action: str  # viewed, approved, rejected, resubmission_requested, proposed, confirmed, commented, ...
    at: str
    old: str = ""
    new: str = ""
    note: str = ""
    sequence: int = 0  # given by the trail: 1, 2, ... per case


class AuditTrail(Protocol):
    """The append-only audit trail: events are added, never changed nor removed."""

    def append(self, case_id: str, event: AuditEvent) -> int:
        """Add the event as the case's next; its sequence number. Two appends never take the same number."""

    def events(self, case_id: str) -> list[AuditEvent]:
        """The case's events in sequence order."""


class QueueSettingsStore(Protocol):
    """The queues' SLAs, each change an immutable version kept with who made it and when."""

    def latest(self, limit: int) -> list[QueueSettings]:
        """The most recent versions, newest first (none before the first change)."""

    def record(self, settings: QueueSettings) -> bool:
        """Keep `settings` as its version; False when that version exists (another change came first)."""


class Presigner(Protocol):
    def url(self, key: str, seconds: int) -> str:
        """A URL that lets a browser GET the object for `seconds`."""
