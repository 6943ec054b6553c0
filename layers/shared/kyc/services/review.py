"""The review console's use cases: a case with its evidence, decisions with four-eyes, comments (the queues:
kyc.services.review_queue).

Every use case checks the caller's role first (auditor: read only; a four-eyes confirmation: senior only) and records
what it did, views of evidence included, in the audit trail. Statuses move only through the application record's
staff rules (kyc.lifecycle.STAFF_NEXT). A decision, a confirmation and a proposal tell staff (SNS) once: only after
their conditional write succeeded, so a double click or a retry, refused by the record, sends nothing.

The case view carries the applicant's values and the licence's (the details table): for the case page only."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from kyc import notifications
from kyc.evidence import member_key
from kyc.model import Check, Outcome, Reason, ServiceFailure, Status, iso
from kyc.notifications import Notification
from kyc.observability import logger, metrics
from kyc.ports import (
    ApplicationRecord,
    Applications,
    AuditEvent,
    AuditTrail,
    Notifier,
    Presigner,
    QueueSettingsStore,
    StaffDecision,
)
from kyc.queues import current, due

if TYPE_CHECKING:
    from collections.abc import Callable

    from kyc.services.rerun import RerunDeps

_APP_UUID = re.compile(r"[A-Za-z0-9_-]{1,64}")
ACTING, CONFIRMING, READING = frozenset({"reviewer", "senior"}), frozenset({"senior"}), frozenset(
    {"reviewer", "senior", "admin", "auditor"}
)
URL_SECONDS = 240  # the evidence's presigned URLs (within five minutes)
MAX_NOTE = 500
DECISIONS = {"approve": Status.APPROVED, "reject": Status.REJECTED, "resubmit": Status.RESUBMISSION_REQUESTED}
REJECT_REASONS = (
    Reason.SELFIE_MISMATCH, Reason.DETAILS_MISMATCH, Reason.LICENSE_INVALID, Reason.LICENSE_EXPIRED,
    Reason.LICENSE_UNREADABLE, Reason.UNDERAGE, Reason.DUPLICATE_APPLICATION,
)  # fmt: skip


class Forbidden(Exception):
    """The caller's role does not allow this."""


class UnknownCase(Exception):
    """No such application."""


class Refused(Exception):
    """The request cannot be carried out as it stands (already decided, not a staff move, own proposal, bad input)."""


@dataclass(frozen=True)
class Staff:
    username: str
    groups: frozenset[str]

    def require(self, allowed: frozenset[str]) -> None:
        if not self.groups & allowed:
            raise Forbidden


@dataclass(frozen=True)
class ReviewDeps:
    applications: Applications
    trail: AuditTrail
    presigner: Presigner
    face_band: tuple[float, float]  # FACE_FAIL_THRESHOLD, FACE_PASS_THRESHOLD
    notifier: Notifier  # staff e-mail (SNS ApplicationNotifications): decisions and four-eyes proposals
    console_url: str | None = None  # linked from those e-mails
    queue_settings: QueueSettingsStore = field(kw_only=True)  # the queues' SLAs (kyc.services.review_queue)
    rerun: Callable[[], RerunDeps] | None = field(default=None, kw_only=True)  # re-runs' services, built on first use


@dataclass(frozen=True)
class FieldRow:
    """One row of the details table: the application's value against the licence's, as the rule compared them.
    Personal values: shown on the case page only. "" where there is nothing (not returned, not compared)."""

    name: str
    applicant: str  # the application's value (CSV)
    licence: str  # the licence's value as AnalyzeID read it
    applicant_form: str  # the normalised forms the rule compared
    licence_form: str
    verdict: str  # match, mismatch, unreadable
    rule: str
    confidence: float | None


@dataclass(frozen=True)
class CaseView:
    record: ApplicationRecord
    selfie_url: str
    license_url: str
    similarity: float | None
    face_band: tuple[float, float]
    fields: list[FieldRow]
    timeline: list[AuditEvent]
    needs_four_eyes: bool
    due_at: datetime | None = None  # while the case waits in a queue: when its SLA runs out


def open_case(staff: Staff, app_uuid: str, deps: ReviewDeps, now: datetime) -> CaseView:
    """The case with its evidence; the view of the evidence is an audit event."""
    staff.require(READING)
    record = _record(app_uuid, deps)
    deps.trail.append(app_uuid, AuditEvent(staff.username, "viewed", iso(now), note=f"attempt {record.attempt}"))
    face = record.results.get(Check.FACE)
    details = record.results.get(Check.DETAILS)
    report: dict[str, Any] = details.detail.get("fields", {}) if details else {}
    evidence = details.evidence if details else {}
    similarity = face.detail.get("similarity") if face else None
    return CaseView(
        record=record,
        selfie_url=deps.presigner.url(member_key(app_uuid, record.attempt, "selfie"), URL_SECONDS),
        license_url=deps.presigner.url(member_key(app_uuid, record.attempt, "license"), URL_SECONDS),
        similarity=float(similarity) if similarity is not None else None,
        face_band=deps.face_band,
        fields=[_row(name, entry, evidence.get(name, {}), record) for name, entry in report.items()],
        timeline=deps.trail.events(app_uuid),
        needs_four_eyes=_needs_four_eyes(record, Status.APPROVED),
        due_at=due(record.queued_at, current(deps.queue_settings).sla(record.queue)) if record.queue else None,
    )


def decide(
    staff: Staff, app_uuid: str, action: str, seen: str, deps: ReviewDeps, now: datetime, *,
    reason: str = "", note: str = "", message: str = "",
) -> str:
    """Approve, reject or ask for a resubmission of the case as the decider `seen` it: "decided", or "proposed" when
    it needs a senior's confirmation (approving over a failed check, overriding a rejection)."""
    staff.require(ACTING)
    target, current = DECISIONS.get(action), _status(seen)
    if target is None or len(note) > MAX_NOTE or len(message) > MAX_NOTE:
        raise Refused("not a decision")
    reasons: tuple[Reason, ...] = ()
    if target is Status.REJECTED:
        if reason not in {str(r) for r in REJECT_REASONS}:
            raise Refused("a rejection needs a reason from the list")
        reasons = (Reason(reason),)
    if target is Status.RESUBMISSION_REQUESTED and not message.strip():
        raise Refused("a resubmission request needs a message for the applicant")
    decision = StaffDecision(target, staff.username, reasons, message.strip() or None)
    record = _record(app_uuid, deps)
    _require_assignee(staff, record)
    if _needs_four_eyes(record, target):
        if not deps.applications.propose(app_uuid, current, decision, now):
            raise Refused("the case has changed or a decision is pending")
        deps.trail.append(app_uuid, AuditEvent(staff.username, "proposed", iso(now), str(current), str(target), note))
        waiting = notifications.confirmation_waiting(app_uuid, target, _role(staff), deps.console_url)
        _tell(app_uuid, waiting, deps, now)
        return "proposed"
    if not deps.applications.decide(app_uuid, current, decision, now):
        raise Refused("the case has changed or is decided already")
    deps.trail.append(app_uuid, AuditEvent(staff.username, action, iso(now), str(current), str(target), note))
    told = notifications.staff_decision(app_uuid, target, reasons, _role(staff), console_url=deps.console_url)
    _tell(app_uuid, told, deps, now)
    return "decided"


def confirm(staff: Staff, app_uuid: str, deps: ReviewDeps, now: datetime) -> None:
    """A senior's confirmation of another person's pending decision."""
    staff.require(CONFIRMING)
    record = _record(app_uuid, deps)
    decision = deps.applications.confirm(app_uuid, staff.username, now)
    if decision is None:
        raise Refused("nothing to confirm, or your own proposal")
    old, new = str(record.status), str(decision.target)
    deps.trail.append(app_uuid, AuditEvent(staff.username, "confirmed", iso(now), old, new, f"by {decision.actor}"))
    message = notifications.staff_decision(
        app_uuid, decision.target, decision.reasons, "senior", confirmed=True, console_url=deps.console_url
    )
    _tell(app_uuid, message, deps, now)


def comment(staff: Staff, app_uuid: str, note: str, deps: ReviewDeps, now: datetime) -> None:
    """A comment on the case in the audit trail (escalation: kyc.services.review_queue.escalate)."""
    staff.require(ACTING)
    if not note.strip() or len(note) > MAX_NOTE:
        raise Refused("a comment of 1 to 500 characters")
    _require_assignee(staff, _record(app_uuid, deps))
    deps.trail.append(app_uuid, AuditEvent(staff.username, "commented", iso(now), note=note.strip()))


TRAIL_COLUMNS = ("sequence", "at", "actor", "action", "old", "new", "note")
TRAIL_FORMS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def export_trail(staff: Staff, app_uuid: str, form: str, deps: ReviewDeps, now: datetime) -> tuple[str, str]:
    """A case's audit trail as JSON or CSV for any role (auditors export it); the export is itself an event.
    Returns (content type, body). A CSV cell that a spreadsheet would run as a formula is quoted with a leading '."""
    staff.require(READING)
    if form not in TRAIL_FORMS:
        raise UnknownCase(app_uuid)
    _record(app_uuid, deps)
    deps.trail.append(app_uuid, AuditEvent(staff.username, "exported", iso(now), note=form))
    rows = [{column: getattr(event, column) for column in TRAIL_COLUMNS} for event in deps.trail.events(app_uuid)]
    if form == "json":
        return TRAIL_FORMS[form], json.dumps({"case": app_uuid, "events": rows}, indent=2, ensure_ascii=False)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TRAIL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: _cell(value) for name, value in row.items()} for row in rows)
    return TRAIL_FORMS[form], out.getvalue()


def _cell(value: object) -> object:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _role(staff: Staff) -> str:
    """The role a decision is made in (the e-mail names the role, never the person)."""
    return "senior" if "senior" in staff.groups else "reviewer"


def _tell(app_uuid: str, message: Notification, deps: ReviewDeps, now: datetime) -> None:
    """Tell staff of a decision written a moment ago. The decision stands when SNS fails: the failure is logged,
    counted and put in the case's timeline (a retry of the request would be refused, and must not decide again)."""
    try:
        deps.notifier.publish(message.subject, message.body, message.attributes)
    except ServiceFailure as failure:
        logger.error("staff not notified", extra={"app_uuid": app_uuid, "notification": message.attributes["check"],
                                                  "service": failure.service, "error": failure.detail})
        metrics.add_metric(name="StaffNotificationFailed", unit=MetricUnit.Count, value=1)
        deps.trail.append(app_uuid, AuditEvent("system", "notification_failed", iso(now),
                                               note=f"{message.attributes['check']} e-mail not sent"))
        return
    logger.info("staff notified", extra={"app_uuid": app_uuid, "notification": message.attributes["check"]})


def _row(name: str, entry: dict[str, Any], evidence: dict[str, str], record: ApplicationRecord) -> FieldRow:
    confidence = entry.get("confidence")
    return FieldRow(
        name, str(record.details.get(name, "")), str(evidence.get("licence_value", "")),
        str(evidence.get("applicant_form", "")), str(evidence.get("licence_form", "")),
        _verdict(entry.get("match")), str(entry.get("rule", "")),
        float(confidence) if isinstance(confidence, int | float) else None,
    )


def _require_assignee(staff: Staff, record: ApplicationRecord) -> None:
    """A case waiting in a queue is acted on by its assignee only (the record's writes hold this under a race)."""
    if record.queue is not None and record.assignee != staff.username:
        owner = f"assigned to {record.assignee}" if record.assignee else "not assigned to you"
        raise Refused(f"the case is {owner}: only its assignee acts on it")


def _needs_four_eyes(record: ApplicationRecord, target: Status) -> bool:
    failed = any(result.outcome is Outcome.FAIL for result in record.results.values())
    return target is Status.APPROVED and (failed or record.status is Status.REJECTED)


def _record(app_uuid: str, deps: ReviewDeps) -> ApplicationRecord:
    record = deps.applications.read(app_uuid) if _APP_UUID.fullmatch(app_uuid) else None
    if record is None:
        raise UnknownCase
    return record


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise Refused("unknown status") from None


def _verdict(match: object) -> str:
    return "match" if match is True else "mismatch" if match is False else "unreadable"
