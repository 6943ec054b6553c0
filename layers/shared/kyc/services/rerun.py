"""A staff re-run of a check that ended in ERROR (the review console), once its cause is fixed.

The check is re-opened on the record (kyc.lifecycle.REOPENS; one conditional write, so a double click or a retry
re-runs nothing twice), then the application carries on exactly as its upload would, through the same core steps:
a document check (FACE, DETAILS) runs here, as DocumentLambdaFunction runs it, and the conclusion settles, queues
the licence and tells staff; the licence validation is handed to SubmitLicense as a pointer on LicenseQueue. Only the
re-run check is paid for again: a recorded result is never asked for twice. A case in ERROR with no errored check
(an invocation that hit its limit, a dead-lettered event) is not re-run: it can only be rejected or resubmitted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kyc import notifications
from kyc.evidence import member_key
from kyc.model import Check, CheckResult, Outcome, Reason, ServiceFailure, Status, iso
from kyc.observability import logger
from kyc.ports import ApplicationRecord, AuditEvent, FaceComparer, IdReader, LicenseQueue, StoredMembers
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps, both_checks, service_error
from kyc.services.conclusion import ConclusionDeps, conclude, license_message
from kyc.services.records import DOCUMENTS_DONE, log_status
from kyc.services.review import ACTING, Refused, ReviewDeps, Staff, _record, _require_assignee
from kyc.settings import Settings

DOCUMENT = (Check.FACE, Check.DETAILS)


@dataclass(frozen=True)
class RerunDeps:
    """What a re-run needs beyond the console's own ports: the paid services and the licence queue."""

    members: StoredMembers
    faces: FaceComparer
    id_reader: IdReader
    queue: LicenseQueue
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def errored_checks(record: ApplicationRecord) -> list[Check]:
    """The checks staff may re-run: those whose result ended ERROR, while the case is in ERROR."""
    if record.status is not Status.ERROR or record.pending is not None:
        return []
    return [check for check, result in record.results.items() if result.outcome is Outcome.ERROR]


def rerun(staff: Staff, app_uuid: str, check_name: str, deps: ReviewDeps, now: datetime) -> Status:
    """Re-run the case's errored check `check_name` (FACE, DETAILS, VALIDATION): the status it reached (a document
    check: its final status or AWAITING_LICENSE_VALIDATION; the validation: AWAITING_LICENSE_VALIDATION, settled by
    SubmitLicense). An audit event names the actor, the check and the move."""
    staff.require(ACTING)
    check = Check.__members__.get(check_name)
    record = _record(app_uuid, deps)
    errored = errored_checks(record)
    if check is None or check not in errored:
        raise Refused("only a check that ended in ERROR can be re-run, while the case is in ERROR")
    _require_assignee(staff, record)
    if deps.rerun is None:
        raise Refused("re-runs are not available here")
    run = deps.rerun()
    # a document check re-opens with the other one when that ended in ERROR too: both run again, in one re-run
    checks = frozenset(errored) & frozenset(DOCUMENT) if check in DOCUMENT else frozenset({check})
    members = _members(record, checks, run.members) if check in DOCUMENT else {}  # read before anything is written
    forget = {f"notified:{each}" for each in checks} | {notifications.FINAL_EFFECT}
    forget |= {DOCUMENTS_DONE} if check in DOCUMENT else set()
    lease_until = now + timedelta(seconds=run.settings.lease_seconds)
    reopened = deps.applications.reopen(app_uuid, checks, staff.username, frozenset(forget), now, lease_until)
    if reopened is None:
        raise Refused("the case has changed, or the check is being re-run already")
    log_status(app_uuid, reopened.status, ())
    names = "check " + ", ".join(sorted(each.name for each in checks))
    event = AuditEvent(staff.username, "rerun", iso(now), str(Status.ERROR), str(reopened.status), names)
    if check is Check.VALIDATION:
        return _queue_validation(reopened, record.results[check], record.reasons, event, deps, run)
    status = _run_documents(reopened, checks, members, event, deps, run)
    deps.trail.append(app_uuid, AuditEvent(staff.username, "rerun_concluded", iso(run.clock()),
                                           str(reopened.status), str(status), names))
    return status


def _run_documents(
    record: ApplicationRecord, checks: frozenset[Check], members: dict[str, str], event: AuditEvent,
    deps: ReviewDeps, run: RerunDeps,
) -> Status:
    """The re-run in the audit trail, then both document checks and the conclusion, as DocumentLambdaFunction runs
    them: a check that passed returns its recorded result; each re-opened one calls its service once (a failure
    beyond retries: ERROR again)."""
    apps, settings, clock = deps.applications, run.settings, run.clock
    queue = _Sent(run.queue)
    try:
        deps.trail.append(record.app_uuid, event)
        results = both_checks(
            record, members,
            FaceCheckDeps(applications=apps, settings=settings, clock=clock, faces=run.faces),
            DetailsCheckDeps(applications=apps, settings=settings, clock=clock, id_reader=run.id_reader),
        )  # fmt: skip
        return conclude(record, results, ConclusionDeps(apps, deps.notifier, clock, deps.console_url), queue)
    except Exception:
        _back_to_error(record, checks, queue.sent, deps, run)
        raise


@dataclass
class _Sent:
    """The licence queue, noting whether the pointer was sent."""

    queue: LicenseQueue
    sent: bool = False

    def send(self, message: dict[str, Any]) -> None:
        self.queue.send(message)
        self.sent = True


def _members(record: ApplicationRecord, checks: frozenset[Check], stored: StoredMembers) -> dict[str, str]:
    """The attempt's extracted members, as the upload's first step stored them (the licence back when it had one)."""
    members = {role: member_key(record.app_uuid, record.attempt, role) for role in ("selfie", "license")}
    back = member_key(record.app_uuid, record.attempt, "license_back")
    if Check.DETAILS in checks and stored.has_member(back):
        members["license_back"] = back
    return members


def _back_to_error(
    record: ApplicationRecord, checks: frozenset[Check], sent: bool, deps: ReviewDeps, run: RerunDeps
) -> None:
    """A re-run stopped by a failure outside the paid call (the record, the queue, a notification): the case returns
    to ERROR with an errored check staff can re-run, unless it has moved on. Still re-opened: each check is recorded
    ERROR unless its paid result is in. Settled awaiting the licence but its pointer not sent: the validation is
    recorded ERROR (a re-run of it sends the pointer). Best effort: the failure itself reaches the caller."""
    apps, now, app_uuid = deps.applications, run.clock(), record.app_uuid
    try:
        current = apps.read(app_uuid)
        if current is None:
            return
        if current.status is record.status:  # still re-opened
            for check in checks - current.results.keys():
                apps.record_result(app_uuid, record.etag, service_error(check, "console re-run"), now)
            settled = apps.settle(app_uuid, Status.ERROR, (Reason.SERVICE_ERROR,), now, etag=record.etag,
                                  detail="re-run failed")
        elif current.status is Status.AWAITING_LICENSE_VALIDATION and not sent:
            unsent = service_error(Check.VALIDATION, "sqs")
            settled = apps.settle_validation(app_uuid, unsent, Status.ERROR, (Reason.SERVICE_ERROR,), now)
        else:
            return
        if settled:
            log_status(app_uuid, Status.ERROR, (Reason.SERVICE_ERROR,))
    except ServiceFailure:
        logger.exception("re-run failed and the case could not be returned to ERROR")


def _queue_validation(
    record: ApplicationRecord, errored: CheckResult, reasons: tuple[Reason, ...], event: AuditEvent,
    deps: ReviewDeps, run: RerunDeps,
) -> Status:
    """The re-run in the audit trail, then the licence handed to SubmitLicense as the document steps hand it: a
    pointer on LicenseQueue. When either fails, the case returns to ERROR as it was (the same errored result), so
    that it can be re-run again."""
    try:
        deps.trail.append(record.app_uuid, event)
        run.queue.send(license_message(record.app_uuid))
    except Exception:
        deps.applications.settle_validation(record.app_uuid, errored, Status.ERROR, reasons, run.clock())
        raise
    return Status.AWAITING_LICENSE_VALIDATION
