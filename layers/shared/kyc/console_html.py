"""The review console's pages, rendered on the server: escaped text, no inline script or style (the CSP forbids both),
every state-changing form with its CSRF token. Personal values (the applicant's details, the licence's as read) appear
in the case page's body only, escaped: never in an address, a header, the queue or any other page."""

from __future__ import annotations

from datetime import datetime
from html import escape

from kyc.lifecycle import STAFF_NEXT
from kyc.model import Reason, Status
from kyc.ports import ApplicationRecord
from kyc.queues import MAX_SLA_HOURS, QUEUED, QUEUES, REVIEW_QUEUE, TAKERS, QueueSettings, left_or_late, moment, span
from kyc.services.rerun import errored_checks
from kyc.services.review import REJECT_REASONS, CaseView, FieldRow, Staff
from kyc.services.review_queue import QueueFilter, QueueView

_HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KYC review console</title>'
    '<link rel="stylesheet" href="/console/static/console.css">'
    '<script src="/console/static/console.js" defer></script></head>'
)


def shell(client_id: str) -> str:
    """The page the browser loads: sign-in, then every page fetched with the bearer token into <main>."""
    return (
        f'{_HEAD}<body data-client-id="{escape(client_id)}"><header><strong>KYC review console</strong>'
        '<span id="who"></span><button id="signout" hidden>Sign out</button></header>'
        '<main><h1>Sign in</h1><form id="signin"><label>User name <input name="username" autocomplete="username" '
        'required></label><label>Password <input name="password" type="password" autocomplete="current-password" '
        'required></label><button>Sign in</button><p id="message" role="alert"></p></form></main></body></html>'
    )


def _page(staff: Staff, body: str) -> str:
    roles = ", ".join(sorted(staff.groups)) or "no role"
    return f'{_HEAD}<body><main data-user="{escape(staff.username)} ({escape(roles)})">{body}</main></body></html>'


def _form(action: str, csrf: str, inner: str, button: str, css: str = "") -> str:
    return (
        f'<form method="post" action="{escape(action)}" class="{css}"><input type="hidden" name="csrf" '
        f'value="{escape(csrf)}">{inner}<button>{escape(button)}</button></form>'
    )


def queue_page(staff: Staff, view: QueueView, csrf: str, now: datetime) -> str:
    """One queue, longest waiting first: its filters (a GET form: statuses, reasons, user names, dates only), each
    case's SLA ("left 3h 12m" / "late 1d 2h") and assignee, and "Take next"."""
    chosen = view.filter
    tabs = " · ".join(
        f"<b>{escape(name)} queue</b>" if name == chosen.queue
        else f'<a data-nav href="/console/queue?queue={escape(name)}">{escape(name)} queue</a>'
        for name in QUEUES
    )  # fmt: skip
    rows = "".join(
        f'<tr class="{"late" if due_at is not None and due_at <= now else "due"}">'
        f'<td><a data-nav href="/console/cases/{escape(e.app_uuid)}">{escape(e.app_uuid)}</a></td>'
        f"<td>{escape(str(e.status))}</td><td>{escape(', '.join(map(str, e.reasons)))}</td><td>{e.attempt}</td>"
        f"<td>{escape(e.queued_at)} ({_age(e.queued_at, now)})</td>"
        f'<td class="sla">{escape(left_or_late(due_at, now))}</td><td class="assignee">{escape(e.assignee or "—")}</td>'
        "</tr>"
        for e, due_at in view.entries
    )
    take = _form("/console/next", csrf, "", "Take next") if staff.groups & {"reviewer", "senior"} else ""
    admin = '<p><a data-nav href="/console/queues">Queues and SLAs</a></p>' if "admin" in staff.groups else ""
    sla = view.settings.sla(chosen.queue)
    return _page(staff, (
        f'<h1>Queue</h1><p class="tabs">{tabs}</p><p>SLA of the {escape(chosen.queue)} queue: {sla} h.</p>'
        f"{admin}{take}{_filters(chosen)}<table id=\"queue\"><thead><tr><th>Application</th><th>Status</th>"
        "<th>Reasons</th><th>Attempt</th><th>Waiting since</th><th>SLA</th><th>Assignee</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        + ("" if view.entries else "<p>No case is waiting.</p>")
    ))


def _filters(chosen: QueueFilter) -> str:
    def options(name: str, values: tuple[str, ...], selected: str) -> str:
        listed = "".join(f'<option{" selected" if value == selected else ""}>{escape(value)}</option>'
                         for value in values)
        return f'<select name="{name}"><option value="">any</option>{listed}</select>'

    def box(name: str, label: str, checked: bool) -> str:
        return f'<label><input type="checkbox" name="{name}" value="1"{" checked" if checked else ""}> {label}</label>'

    return (
        '<form method="get" action="/console/queue" id="filters" class="filters">'
        f'<input type="hidden" name="queue" value="{escape(chosen.queue)}">'
        f"<label>Status {options('status', tuple(sorted(str(s) for s in QUEUED)), chosen.status)}</label>"
        f"<label>Reason {options('reason', tuple(str(r) for r in Reason), chosen.reason)}</label>"
        f'<label>Assignee <input name="assignee" value="{escape(chosen.assignee)}" size="10"></label>'
        + box("unassigned", "unassigned", chosen.unassigned) + box("mine", "mine", chosen.mine)
        + box("overdue", "overdue", chosen.overdue)
        + f'<label>Waiting from <input type="date" name="from" value="{escape(chosen.date_from)}"></label>'
        f'<label>to <input type="date" name="to" value="{escape(chosen.date_to)}"></label>'
        '<button>Filter</button> <a data-nav href="/console/queue?queue=' + escape(chosen.queue) + '">Clear</a></form>'
    )


def settings_page(staff: Staff, history: list[QueueSettings], csrf: str, notice: str = "") -> str:
    """The queues' SLAs: an admin changes them (over the version they saw); every version with who set it, when."""
    settings = history[0]
    rows = "".join(
        f"<tr><td>{version.version}</td><td>{escape(version.changed_at or '—')}</td>"
        f"<td>{escape(version.changed_by or 'defaults')}</td>"
        + "".join(f"<td>{version.sla(name)}</td>" for name in QUEUES) + "</tr>"
        for version in history
    )
    form = ""
    if "admin" in staff.groups:
        inputs = "".join(
            f'<label>{escape(name)} queue SLA (hours) <input name="{escape(name)}" type="number" min="1" '
            f'max="{MAX_SLA_HOURS}" value="{settings.sla(name)}" required></label>'
            for name in QUEUES
        )
        form = _form("/console/queues", csrf, f'<input type="hidden" name="version" value="{settings.version}">'
                     + inputs, "Save SLAs", "sla")
    return _page(staff, (
        '<p><a data-nav href="/console/queue">← Queue</a></p>'
        + (f'<p class="notice" role="status">{escape(notice)}</p>' if notice else "")
        + f"<h1>Queues and SLAs</h1>{form}<h2>Changes</h2><table id=\"slas\"><thead><tr><th>Version</th>"
        "<th>At</th><th>By</th>" + "".join(f"<th>{escape(name)} (h)</th>" for name in QUEUES)
        + f"</tr></thead><tbody>{rows}</tbody></table>"
    ))


def _assignment(staff: Staff, case: CaseView, csrf: str) -> str:
    """Who the waiting case is assigned to, and the caller's moves: assign to me (a senior: take over), release."""
    record = case.record
    if record.queue is None:
        return ""
    base = f"/console/cases/{record.app_uuid}"
    owner = record.assignee
    text = f"Assigned to <b>{escape(owner)}</b>." if owner else "Unassigned."
    forms = []
    if staff.groups & TAKERS[record.queue] and owner != staff.username and (owner is None or "senior" in staff.groups):
        forms.append(_form(f"{base}/assign", csrf, "", "Assign to me" if owner is None else "Take over"))
    if owner is not None and (owner == staff.username or staff.groups & {"senior", "admin"}):
        forms.append(_form(f"{base}/release", csrf, "", "Release"))
    return f'<section id="assignment"><h2>Assignment</h2><p>{text}</p><div class="actions">{"".join(forms)}</div></section>'


def case_page(staff: Staff, case: CaseView, csrf: str, now: datetime, notice: str = "") -> str:
    record = case.record
    low, high = case.face_band
    similarity = "not measured" if case.similarity is None else f"{case.similarity:.1f}"
    band = "" if case.similarity is None else (
        "PASS" if case.similarity >= high else "FAIL" if case.similarity < low else "REVIEW band"
    )
    fields = "".join(_field_row(row) for row in case.fields)
    checks = "".join(
        f"<li>{escape(str(check))}: {escape(str(result.outcome))} {escape(', '.join(map(str, result.reasons)))}</li>"
        for check, result in record.results.items()
    )
    attempts = "".join(
        f"<li>attempt {past.attempt}: {escape(str(past.status))} {escape(', '.join(map(str, past.reasons)))}</li>"
        for past in record.past_attempts
    )
    timeline = "".join(
        f"<li>#{event.sequence} {escape(event.at)} <b>{escape(event.actor)}</b> {escape(event.action)}"
        + (f" {escape(event.old)} → {escape(event.new)}" if event.new else "")
        + (f" <q>{escape(event.note)}</q>" if event.note else "")
        + "</li>"
        for event in case.timeline
    )
    body = (
        '<p><a data-nav href="/console/queue">← Queue</a></p>'
        + (f'<p class="notice" role="status">{escape(notice)}</p>' if notice else "")
        + f'<h1>Case {escape(record.app_uuid)}</h1><dl class="facts"><dt>Status</dt><dd id="status">'
        f"{escape(str(record.status))}</dd><dt>Reasons</dt><dd>{escape(', '.join(map(str, record.reasons)))}</dd>"
        f"<dt>Age</dt><dd>{_age(record.created_at, now)}</dd><dt>Attempt</dt><dd>{record.attempt}</dd>"
        + _queue_facts(case, now) + "</dl>"
        f'<section class="evidence">{_viewer("selfie", "Selfie", case.selfie_url)}'
        f'{_viewer("licence", "Licence (front)", case.license_url)}</section>'
        f'<p id="face">Face similarity <b>{similarity}</b> {band} (fail below {low:g}, pass at {high:g})</p>'
        '<h2>Details: licence against the application</h2><table id="fields"><thead><tr><th rowspan="2">Field</th>'
        '<th rowspan="2">Application</th><th rowspan="2">Licence (as read)</th><th colspan="2">Compared as</th>'
        '<th rowspan="2">Verdict</th><th rowspan="2">Rule</th><th rowspan="2">Confidence</th></tr>'
        f"<tr><th>application</th><th>licence</th></tr></thead><tbody>{fields}</tbody></table>"
        f"<h2>Checks</h2><ul>{checks}</ul>"
        + (f"<h2>Earlier attempts</h2><ul>{attempts}</ul>" if attempts else "")
        + _assignment(staff, case, csrf)
        + _actions(staff, case, csrf)
        + f'<h2>Timeline</h2><ol id="timeline">{timeline}</ol>'
        + f'<p id="export">Export the audit trail: <a data-download href="/console/cases/{record.app_uuid}/trail/json">'
        f'JSON</a> · <a data-download href="/console/cases/{record.app_uuid}/trail/csv">CSV</a></p>'
        + '<p><button id="print" type="button">Print the case report</button></p>'
    )
    return _page(staff, body)


def _viewer(image_id: str, caption: str, url: str) -> str:
    """An evidence image with its toolbar (console.js: zoom, rotate, reset with CSS transforms; drag to pan)."""
    tools = "".join(
        f'<button type="button" data-view="{view}" data-image="{image_id}" title="{title}" aria-label="{title}">'
        f"{label}</button>"
        for view, label, title in (("zoom-in", "+", "Zoom in"), ("zoom-out", "−", "Zoom out"),
                                   ("rotate", "⟳ 90°", "Rotate 90° clockwise"), ("reset", "Reset", "Reset the view"))
    )
    return (
        f'<figure class="viewer"><div class="tools" role="toolbar" aria-label="{escape(caption)}">{tools}'
        f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer" data-full="{image_id}">Open full size</a>'
        f'</div><div class="frame"><img id="{image_id}" alt="{escape(caption)}" src="{escape(url)}" draggable="false">'
        f"</div><figcaption>{escape(caption)}</figcaption></figure>"
    )


def _field_row(row: FieldRow) -> str:
    """A row of the details table; "—" where there is no value (not returned, not compared)."""
    cells = (row.name, row.applicant, row.licence, row.applicant_form, row.licence_form, row.verdict, row.rule,
             "—" if row.confidence is None else f"{row.confidence:.1f}")
    values = ("", "value", "value", "form", "form", "", "", "number")
    return f'<tr class="{escape(row.verdict)}">' + "".join(
        f'<td class="{css}">{escape(cell) if cell else "—"}</td>' if css else f"<td>{escape(cell)}</td>"
        for cell, css in zip(cells, values, strict=True)
    ) + "</tr>"


def _actions(staff: Staff, case: CaseView, csrf: str) -> str:
    record = case.record
    base = f"/console/cases/{record.app_uuid}"
    pending = record.pending
    if pending is not None:
        text = (
            f'<p id="pending">Four-eyes: {escape(pending.decision.actor)} proposed {escape(str(pending.decision.target))}'
            f" at {escape(pending.proposed_at)}; a senior must confirm.</p>"
        )
        if "senior" in staff.groups and pending.decision.actor != staff.username:
            text += _form(f"{base}/confirm", csrf, "", "Confirm decision")
        return "<h2>Decision</h2>" + text
    if not staff.groups & {"reviewer", "senior"}:
        return '<p id="readonly">Read only: your role cannot act on cases.</p>'
    if record.queue is not None and record.assignee != staff.username:
        return '<h2>Decision</h2><p id="not-yours">Only the case\'s assignee acts on it.</p>'
    seen = f'<input type="hidden" name="seen" value="{escape(str(record.status))}">'
    note = '<label>Comment <input name="note" maxlength="500"></label>'
    allowed = STAFF_NEXT.get(record.status, frozenset())
    forms = []
    if Status.APPROVED in allowed:
        label = "Propose approval (four-eyes)" if case.needs_four_eyes else "Approve"
        forms.append(_form(f"{base}/approve", csrf, seen + note, label))
    if Status.REJECTED in allowed:
        options = "".join(f"<option>{escape(str(reason))}</option>" for reason in REJECT_REASONS)
        forms.append(_form(f"{base}/reject", csrf, f'{seen}<label>Reason <select name="reason">{options}</select>'
                           f"</label>{note}", "Reject"))
    if Status.RESUBMISSION_REQUESTED in allowed:
        message = '<label>Message to the applicant <input name="message" maxlength="500" required></label>'
        forms.append(_form(f"{base}/resubmit", csrf, seen + message + note, "Request resubmission"))
    forms += _reruns(record, base, csrf)
    comment = '<label>Comment <input name="note" maxlength="500" required></label>'
    forms.append(_form(f"{base}/comment", csrf, comment, "Comment"))
    if record.queue == REVIEW_QUEUE:
        forms.append(_form(f"{base}/escalate", csrf, comment, "Escalate to a senior"))
    return '<h2>Decision</h2><div class="actions">' + "".join(forms) + "</div>"


def _reruns(record: ApplicationRecord, base: str, csrf: str) -> list[str]:
    """A "Re-run <check>" form per check that ended in ERROR; an ERROR case without one: resubmission only."""
    if record.status is not Status.ERROR:
        return []
    checks = errored_checks(record)
    if not checks:
        none = "No check ended in ERROR (a processing limit, an undelivered event): reject it or ask for a resubmission."
        return [f'<p id="rerun-none">{none}</p>']
    return [_form(f"{base}/rerun", csrf, f'<input type="hidden" name="check" value="{check.name}">',
                  f"Re-run {check.name}", "rerun") for check in checks]


def _queue_facts(case: CaseView, now: datetime) -> str:
    record = case.record
    if record.queue is None:
        return ""
    due_at = "—" if case.due_at is None else case.due_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'<dt>Queue</dt><dd id="queue-name">{escape(record.queue)}</dd><dt>SLA</dt><dd id="sla">due {due_at} '
        f"({escape(left_or_late(case.due_at, now))})</dd><dt>Assignee</dt>"
        f'<dd id="assignee">{escape(record.assignee or "unassigned")}</dd>'
    )


def message_page(staff: Staff, title: str, text: str) -> str:
    return _page(staff, f'<h1>{escape(title)}</h1><p role="alert">{escape(text)}</p>'
                        '<p><a data-nav href="/console/queue">← Queue</a></p>')


def _age(text: str, now: datetime) -> str:
    then = moment(text)
    return "unknown" if then is None else span((now - then).total_seconds())
