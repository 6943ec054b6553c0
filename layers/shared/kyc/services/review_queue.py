"""The review console's queues: a queue with its filters, "take next", assignment, escalation, and the SLAs.

Only a waiting case's assignee decides, proposes, comments on or escalates it (kyc.services.review refuses the others
and the record's write conditions hold it under a race). A senior may take over a case assigned to someone else; the
assignee, a senior or an admin may release one. Escalation moves the case to the senior queue unassigned, where only
seniors take it. A four-eyes confirmation needs no assignment: the checker is a second senior, not the case's owner.
An admin sets each queue's SLA; every change is a version kept with who made it and when."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kyc.model import Reason, iso
from kyc.ports import AuditEvent, QueueEntry, QueueQuery
from kyc.queues import (
    DEFAULT_SETTINGS,
    MAX_SLA_HOURS,
    QUEUED,
    QUEUES,
    SENIOR_QUEUE,
    TAKERS,
    QueueSettings,
    current,
    due,
)
from kyc.services.review import ACTING, MAX_NOTE, READING, Forbidden, Refused, ReviewDeps, Staff, _record

ADMIN = frozenset({"admin"})
RELEASING = frozenset({"senior", "admin"})  # besides the assignee
_USERNAME = re.compile(r"[\w.@+-]{1,128}")  # a Cognito user name (a staff member's, never an applicant's)
_PAGE = 100
_TAKE_ROUNDS = 3  # "take next" lost every candidate to another taker: look again, at most this often


@dataclass(frozen=True)
class QueueFilter:
    """The queue page's filters, as the query string gives them (statuses, reasons, user names, dates only)."""

    queue: str
    status: str = ""
    reason: str = ""
    assignee: str = ""
    unassigned: bool = False
    mine: bool = False
    overdue: bool = False
    date_from: str = ""  # YYYY-MM-DD: the day the case entered its queue, from
    date_to: str = ""  # ... to, inclusive


@dataclass(frozen=True)
class QueueView:
    filter: QueueFilter
    entries: list[tuple[QueueEntry, datetime | None]]  # each case with its due time
    settings: QueueSettings
    may_take: bool  # the caller takes from this queue


def queue_filter(params: Mapping[str, str]) -> QueueFilter:
    """The filters of GET /console/queue (the review queue by default); Refused for a value that is not one."""
    chosen = QueueFilter(
        queue=params.get("queue") or QUEUES[0],
        status=params.get("status", ""),
        reason=params.get("reason", ""),
        assignee=params.get("assignee", ""),
        unassigned=params.get("unassigned") == "1",
        mine=params.get("mine") == "1",
        overdue=params.get("overdue") == "1",
        date_from=params.get("from", ""),
        date_to=params.get("to", ""),
    )
    if chosen.queue not in QUEUES or (chosen.status and chosen.status not in {str(s) for s in QUEUED}):
        raise Refused("no such queue or status")
    if chosen.reason and chosen.reason not in {str(reason) for reason in Reason}:
        raise Refused("no such reason")
    if chosen.assignee and not _USERNAME.fullmatch(chosen.assignee):
        raise Refused("not a user name")
    for day in (chosen.date_from, chosen.date_to):
        if day and not _day(day):
            raise Refused("a date is YYYY-MM-DD")
    return chosen


def queue(staff: Staff, params: Mapping[str, str], deps: ReviewDeps, now: datetime, limit: int = _PAGE) -> QueueView:
    """One queue's cases, longest waiting first, filtered on its index; each with its due time."""
    staff.require(READING)
    chosen = queue_filter(params)
    settings = current(deps.queue_settings)
    sla = settings.sla(chosen.queue)
    until = [f"{chosen.date_to}T23:59:59Z"] if chosen.date_to else []
    if chosen.overdue:  # due before now: entered the queue more than its SLA ago
        until.append(iso(now - timedelta(hours=sla, seconds=1)))
    query = QueueQuery(
        queue=chosen.queue,
        statuses=frozenset(s for s in QUEUED if not chosen.status or str(s) == chosen.status),
        reason=Reason(chosen.reason) if chosen.reason else None,
        assignee=staff.username if chosen.mine else chosen.assignee or None,
        unassigned=chosen.unassigned,
        queued_from=f"{chosen.date_from}T00:00:00Z" if chosen.date_from else None,
        queued_to=min(until) if until else None,
    )
    entries = deps.applications.waiting(query, limit)
    return QueueView(chosen, [(entry, due(entry.queued_at, sla)) for entry in entries], settings,
                     bool(staff.groups & TAKERS[chosen.queue]))


def take_next(staff: Staff, deps: ReviewDeps, now: datetime) -> str | None:
    """Assign the caller the case that has waited longest unassigned in the queues they take from; its id, or None
    when none waits. A case another taker wins first is passed over for the next."""
    staff.require(ACTING)
    queues = [name for name in QUEUES if staff.groups & TAKERS[name]]
    for _ in range(_TAKE_ROUNDS):
        candidates = sorted(
            (entry for name in queues
             for entry in deps.applications.waiting(QueueQuery(name, QUEUED, unassigned=True), 5)),
            key=lambda entry: (entry.queued_at, entry.app_uuid),
        )  # fmt: skip
        if not candidates:
            return None
        for entry in candidates:
            if deps.applications.assign(entry.app_uuid, entry.queue, staff.username, None):
                deps.trail.append(entry.app_uuid, AuditEvent(staff.username, "assigned", iso(now), note="take next"))
                return entry.app_uuid
    return None


def assign_to_me(staff: Staff, app_uuid: str, deps: ReviewDeps, now: datetime) -> None:
    """Assign the case to the caller: unassigned, or (a senior) taken over from its assignee."""
    staff.require(ACTING)
    record = _record(app_uuid, deps)
    if record.queue is None:
        raise Refused("the case waits in no queue")
    if not staff.groups & TAKERS[record.queue]:
        raise Forbidden
    if record.assignee == staff.username:
        return
    if record.assignee is not None and "senior" not in staff.groups:
        raise Refused(f"the case is assigned to {record.assignee}: only a senior takes it over")
    if not deps.applications.assign(app_uuid, record.queue, staff.username, record.assignee):
        raise Refused("the case has changed: open it again")
    note = f"taken over from {record.assignee}" if record.assignee else ""
    deps.trail.append(app_uuid, AuditEvent(staff.username, "assigned", iso(now), note=note))


def release(staff: Staff, app_uuid: str, deps: ReviewDeps, now: datetime) -> None:
    """Unassign the case, back to its queue: by its assignee, a senior or an admin."""
    staff.require(ACTING | RELEASING)
    record = _record(app_uuid, deps)
    if record.queue is None or record.assignee is None:
        raise Refused("the case is not assigned")
    if record.assignee != staff.username and not staff.groups & RELEASING:
        raise Forbidden
    if not deps.applications.assign(app_uuid, record.queue, None, record.assignee):
        raise Refused("the case has changed: open it again")
    deps.trail.append(app_uuid, AuditEvent(staff.username, "released", iso(now), note=f"from {record.assignee}"))


def escalate(staff: Staff, app_uuid: str, note: str, deps: ReviewDeps, now: datetime) -> None:
    """Move the caller's case to the senior queue, unassigned, its SLA running anew; the reason in the trail."""
    staff.require(ACTING)
    if not note.strip() or len(note) > MAX_NOTE:
        raise Refused("an escalation needs a comment of 1 to 500 characters")
    record = _record(app_uuid, deps)
    if record.queue == SENIOR_QUEUE:
        raise Refused("the case is in the senior queue already")
    if record.assignee != staff.username:
        raise Refused("only the case's assignee escalates it: assign it to yourself first")
    if not deps.applications.escalate(app_uuid, staff.username, SENIOR_QUEUE, now):
        raise Refused("the case has changed: open it again")
    deps.trail.append(app_uuid, AuditEvent(staff.username, "escalated", iso(now), record.queue or "", SENIOR_QUEUE,
                                           note.strip()))


def settings_history(staff: Staff, deps: ReviewDeps, limit: int = 20) -> list[QueueSettings]:
    """The SLAs in force first, then the earlier versions (the defaults when no admin changed them)."""
    staff.require(READING)
    return deps.queue_settings.latest(limit) or [DEFAULT_SETTINGS]


def change_slas(staff: Staff, form: Mapping[str, str], deps: ReviewDeps, now: datetime) -> QueueSettings:
    """An admin's new SLAs (whole hours per queue), over the version they saw."""
    staff.require(ADMIN)
    settings = current(deps.queue_settings)
    if form.get("version") != str(settings.version):
        raise Refused("the SLAs were changed meanwhile: open the page again")
    hours: dict[str, int] = {}
    for name in QUEUES:
        value = form.get(name, "")
        if not value.isdigit() or not 1 <= int(value) <= MAX_SLA_HOURS:
            raise Refused(f"an SLA is 1 to {MAX_SLA_HOURS} hours")
        hours[name] = int(value)
    if hours == {name: settings.sla(name) for name in QUEUES}:
        raise Refused("nothing changed")
    changed = QueueSettings(hours, settings.version + 1, staff.username, iso(now))
    if not deps.queue_settings.record(changed):
        raise Refused("the SLAs were changed meanwhile: open the page again")
    return changed


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
