"""The application record in memory: the same port and the same rules as DynamoApplications, for the unit tests and
for offline use (kyc check)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime

from kyc.lifecycle import AWAITING, MAX_ATTEMPTS, RECORDABLE, REOPENABLE, reopened_status, sources, staff_may_move
from kyc.model import Check, CheckResult, Details, Outcome, Reason, Status, iso
from kyc.ports import (
    ApplicationRecord,
    AuditEvent,
    Claim,
    PastAttempt,
    PendingDecision,
    QueueEntry,
    QueueQuery,
    StaffDecision,
)
from kyc.queues import QUEUED, REVIEW_QUEUE, QueueSettings


@dataclass
class _Entry:
    record: ApplicationRecord
    upload_lease: datetime
    validation_lease: datetime | None = None


class MemoryApplications:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self.writes = 0  # successful writes, for tests that count them

    def read(self, app_uuid: str) -> ApplicationRecord | None:
        with self._lock:
            entry = self._entries.get(app_uuid)
            return entry.record if entry else None

    def claim(self, claim: Claim) -> ApplicationRecord | None:
        record = _claimed(claim)
        with self._lock:
            if claim.app_uuid in self._entries:
                return None
            self._entries[claim.app_uuid] = _Entry(record, claim.lease_until)
            self.writes += 1
        return record

    def start_attempt(self, claim: Claim, previous: ApplicationRecord) -> ApplicationRecord | None:
        if previous.status not in REOPENABLE or previous.attempt >= MAX_ATTEMPTS:
            return None
        with self._lock:
            entry = self._entries.get(claim.app_uuid)
            if entry is None or entry.record != previous:
                return None
            past = PastAttempt(
                previous.attempt, previous.etag, previous.status, previous.reasons, previous.created_at,
                previous.updated_at,
            )
            record = replace(
                _claimed(claim), attempt=previous.attempt + 1, past_attempts=(*previous.past_attempts, past)
            )
            self._entries[claim.app_uuid] = _Entry(record, claim.lease_until)
            self.writes += 1
            return record

    def take_upload_lease(self, app_uuid: str, etag: str, now: datetime, until: datetime) -> bool:
        with self._lock:
            entry = self._holding(app_uuid, etag=etag)
            if entry is None or entry.upload_lease > now:
                return False
            entry.upload_lease = until
            self.writes += 1
            return True

    def release_upload_lease(self, app_uuid: str, etag: str, now: datetime) -> None:
        with self._lock:
            entry = self._holding(app_uuid, etag=etag)
            if entry is not None:
                entry.upload_lease = now

    def record_details(self, app_uuid: str, etag: str, details: Details, now: datetime) -> bool:
        changes: dict[str, object] = {"details": dict(details), "status": Status.PROCESSING}
        return self._change(app_uuid, now, lambda _: changes, etag=etag, statuses=sources(Status.PROCESSING))

    def record_result(self, app_uuid: str, etag: str, result: CheckResult, now: datetime) -> bool:
        def add(record: ApplicationRecord) -> dict[str, object]:
            return {"results": {**record.results, result.check: result}}

        return self._change(app_uuid, now, add, etag=etag, statuses=RECORDABLE[result.check])

    def settle(
        self, app_uuid: str, status: Status, reasons: tuple[Reason, ...], now: datetime, *,
        etag: str | None = None, detail: str | None = None,
    ) -> bool:
        changes: dict[str, object] = {"status": status, "reasons": reasons}
        if detail is not None:
            changes["status_detail"] = detail
        return self._change(app_uuid, now, lambda _: changes, etag=etag, statuses=sources(status))

    def take_validation_lease(self, app_uuid: str, now: datetime, until: datetime) -> ApplicationRecord | None:
        with self._lock:
            entry = self._holding(app_uuid, statuses=AWAITING)
            if entry is None or (entry.validation_lease is not None and entry.validation_lease > now):
                return None
            entry.validation_lease = until
            self.writes += 1
            return entry.record

    def settle_validation(
        self, app_uuid: str, result: CheckResult, status: Status, reasons: tuple[Reason, ...], now: datetime
    ) -> bool:
        def settled(record: ApplicationRecord) -> dict[str, object]:
            return {"results": {**record.results, result.check: result}, "status": status, "reasons": reasons}

        return self._change(app_uuid, now, settled, statuses=RECORDABLE[result.check] & sources(status))

    def release_validation_lease(self, app_uuid: str, now: datetime) -> None:
        with self._lock:
            entry = self._holding(app_uuid, statuses=AWAITING)
            if entry is not None:
                entry.validation_lease = now

    def mark_done(self, app_uuid: str, effect: str) -> bool:
        with self._lock:
            entry = self._entries.get(app_uuid)
            if entry is None or effect in entry.record.effects:
                return False
            entry.record = replace(entry.record, effects=entry.record.effects | {effect})
            self.writes += 1
            return True

    def unmark(self, app_uuid: str, effect: str) -> None:
        with self._lock:
            entry = self._entries.get(app_uuid)
            if entry is not None:
                entry.record = replace(entry.record, effects=entry.record.effects - {effect})

    def decide(self, app_uuid: str, current: Status, decision: StaffDecision, now: datetime) -> bool:
        if not staff_may_move(current, decision.target):
            return False
        with self._lock:
            entry = self._holding(app_uuid, statuses=(current,))
            if entry is None or entry.record.pending is not None or not _acts(entry.record, decision.actor):
                return False
            entry.record = _decided(entry.record, decision, now)
            self.writes += 1
            return True

    def propose(self, app_uuid: str, current: Status, decision: StaffDecision, now: datetime) -> bool:
        if not staff_may_move(current, decision.target, confirmed=True):
            return False
        with self._lock:
            entry = self._holding(app_uuid, statuses=(current,))
            if entry is None or entry.record.pending is not None or not _acts(entry.record, decision.actor):
                return False
            entry.record = replace(entry.record, pending=PendingDecision(decision, iso(now)))
            self.writes += 1
            return True

    def confirm(self, app_uuid: str, confirmer: str, now: datetime) -> StaffDecision | None:
        with self._lock:
            entry = self._entries.get(app_uuid)
            pending = entry.record.pending if entry else None
            if entry is None or pending is None or pending.decision.actor == confirmer:
                return None
            entry.record = replace(_decided(entry.record, pending.decision, now), pending=None)
            self.writes += 1
            return pending.decision

    def reopen(
        self, app_uuid: str, checks: frozenset[Check], actor: str, forget: frozenset[str], now: datetime,
        lease_until: datetime,
    ) -> ApplicationRecord | None:
        target = reopened_status(checks)
        if target is None:
            return None
        with self._lock:
            entry = self._holding(app_uuid, statuses=(Status.ERROR,))
            if entry is None or entry.record.pending or not _acts(entry.record, actor):
                return None
            results = entry.record.results
            if any(check not in results or results[check].outcome is not Outcome.ERROR for check in checks):
                return None
            entry.record = replace(
                entry.record, status=target, reasons=(), status_detail=None,
                results={kept: value for kept, value in results.items() if kept not in checks},
                effects=entry.record.effects - forget, updated_at=iso(now), queue=None, assignee=None, queued_at="",
            )
            if Check.VALIDATION in checks:
                entry.validation_lease = None
            else:
                entry.upload_lease = lease_until
            self.writes += 1
            return entry.record

    def waiting(self, query: QueueQuery, limit: int) -> list[QueueEntry]:
        def wanted(record: ApplicationRecord) -> bool:
            return (
                record.queue == query.queue and record.status in query.statuses & QUEUED
                and (query.reason is None or query.reason in record.reasons)
                and (query.assignee is None or record.assignee == query.assignee)
                and not (query.unassigned and record.assignee is not None)
                and (query.queued_from is None or record.queued_at >= query.queued_from)
                and (query.queued_to is None or record.queued_at <= query.queued_to)
            )

        with self._lock:
            records = [entry.record for entry in self._entries.values() if wanted(entry.record)]
        records.sort(key=lambda record: (record.queued_at, record.app_uuid))
        return [
            QueueEntry(record.app_uuid, record.status, record.updated_at, record.reasons, record.attempt, record.queue
                       or "", record.assignee, record.queued_at)
            for record in records[:limit]
        ]

    def assign(self, app_uuid: str, queue: str, assignee: str | None, previous: str | None) -> bool:
        with self._lock:
            entry = self._holding(app_uuid, statuses=QUEUED)
            if entry is None or entry.record.queue != queue or entry.record.assignee != previous:
                return False
            entry.record = replace(entry.record, assignee=assignee)
            self.writes += 1
            return True

    def escalate(self, app_uuid: str, assignee: str, queue: str, now: datetime) -> bool:
        with self._lock:
            entry = self._holding(app_uuid, statuses=QUEUED)
            if entry is None or entry.record.queue in (None, queue) or entry.record.assignee != assignee:
                return False
            entry.record = replace(entry.record, queue=queue, assignee=None, queued_at=iso(now))
            self.writes += 1
            return True

    def _holding(
        self, app_uuid: str, *, etag: str | None = None, statuses: Collection[Status] | None = None
    ) -> _Entry | None:
        """The entry when it exists and the conditions hold."""
        entry = self._entries.get(app_uuid)
        if entry is None or (etag is not None and entry.record.etag != etag):
            return None
        if statuses is not None and entry.record.status not in statuses:
            return None
        return entry

    def _change(
        self,
        app_uuid: str,
        now: datetime,
        changes: Callable[[ApplicationRecord], dict[str, object]],
        *,
        etag: str | None = None,
        statuses: Collection[Status] | None = None,
    ) -> bool:
        """Apply `changes(record)` when the record exists and the conditions hold."""
        with self._lock:
            entry = self._holding(app_uuid, etag=etag, statuses=statuses)
            if entry is None:
                return False
            before = entry.record.status
            entry.record = replace(entry.record, updated_at=iso(now), **changes(entry.record))  # type: ignore[arg-type]
            if entry.record.status in QUEUED and before not in QUEUED:  # it enters the review queue
                entry.record = replace(entry.record, queue=REVIEW_QUEUE, assignee=None, queued_at=iso(now))
            self.writes += 1
            return True


def _decided(record: ApplicationRecord, decision: StaffDecision, now: datetime) -> ApplicationRecord:
    return replace(
        record, status=decision.target, reasons=decision.reasons, updated_at=iso(now),
        applicant_message=decision.applicant_message, queue=None, assignee=None, queued_at="",
    )


def _acts(record: ApplicationRecord, actor: str) -> bool:
    """Whether `actor` may decide the case: it waits in no queue, or it is assigned to them."""
    return record.queue is None or record.assignee == actor


class MemoryAuditTrail:
    """The audit trail in memory: append-only, numbered per case."""

    def __init__(self) -> None:
        self._events: dict[str, list[AuditEvent]] = {}
        self._lock = threading.Lock()

    def append(self, case_id: str, event: AuditEvent) -> int:
        with self._lock:
            events = self._events.setdefault(case_id, [])
            events.append(replace(event, sequence=len(events) + 1))
            return len(events)

    def events(self, case_id: str) -> list[AuditEvent]:
        with self._lock:
            return list(self._events.get(case_id, ()))


def _claimed(claim: Claim) -> ApplicationRecord:
    """The record of an attempt as its claim creates it."""
    rejection = claim.rejection
    return ApplicationRecord(
        app_uuid=claim.app_uuid,
        etag=claim.etag,
        status=Status.REJECTED if rejection else Status.PROCESSING,
        reasons=(rejection.reason,) if rejection else (),
        details=dict(claim.details),
        status_detail=rejection.detail if rejection else None,
        created_at=iso(claim.now),
        updated_at=iso(claim.now),
    )


class MemoryQueueSettings:
    """The queues' SLA versions in memory."""

    def __init__(self) -> None:
        self._versions: dict[int, QueueSettings] = {}
        self._lock = threading.Lock()

    def latest(self, limit: int) -> list[QueueSettings]:
        with self._lock:
            return [self._versions[version] for version in sorted(self._versions, reverse=True)[:limit]]

    def record(self, settings: QueueSettings) -> bool:
        with self._lock:
            if settings.version in self._versions:
                return False
            self._versions[settings.version] = settings
            return True
