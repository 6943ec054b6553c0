"""The review console's pages, rendered on the server: escaped text, no inline script or style (the CSP forbids both),
every state-changing form with its CSRF token. Field names, verdicts and rules only: never an applicant's value."""

from __future__ import annotations

from datetime import datetime
from html import escape

from kyc.lifecycle import STAFF_NEXT
from kyc.model import Status
from kyc.ports import QueueEntry
from kyc.services.review import REJECT_REASONS, CaseView, Staff

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


def queue_page(staff: Staff, entries: list[QueueEntry], csrf: str, now: datetime) -> str:
    rows = "".join(
        f'<tr><td><a data-nav href="/console/cases/{escape(e.app_uuid)}">{escape(e.app_uuid)}</a></td>'
        f"<td>{escape(str(e.status))}</td><td>{escape(', '.join(map(str, e.reasons)))}</td><td>{e.attempt}</td>"
        f"<td>{escape(e.updated_at)} ({_age(e.updated_at, now)})</td></tr>"
        for e in entries
    )
    take = _form("/console/next", csrf, "", "Take next") if staff.groups & {"reviewer", "senior"} else ""
    return _page(staff, (
        f"<h1>Queue</h1>{take}<table id=\"queue\"><thead><tr><th>Application</th><th>Status</th><th>Reasons</th>"
        f"<th>Attempt</th><th>Waiting since</th></tr></thead><tbody>{rows}</tbody></table>"
        + ("" if entries else "<p>No case is waiting.</p>")
    ))


def case_page(staff: Staff, case: CaseView, csrf: str, now: datetime, notice: str = "") -> str:
    record = case.record
    low, high = case.face_band
    similarity = "not measured" if case.similarity is None else f"{case.similarity:.1f}"
    band = "" if case.similarity is None else (
        "PASS" if case.similarity >= high else "FAIL" if case.similarity < low else "REVIEW band"
    )
    fields = "".join(
        f'<tr class="{escape(verdict)}"><td>{escape(name)}</td><td>{escape(verdict)}</td><td>{escape(rule)}</td></tr>'
        for name, verdict, rule in case.fields
    )
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
        f"<dt>Age</dt><dd>{_age(record.created_at, now)}</dd><dt>Attempt</dt><dd>{record.attempt}</dd></dl>"
        '<section class="evidence"><figure><img id="selfie" alt="Selfie" src="'
        f'{escape(case.selfie_url)}"><figcaption>Selfie</figcaption></figure><figure><img id="licence" '
        f'alt="Licence" src="{escape(case.license_url)}"><figcaption>Licence (front)</figcaption></figure></section>'
        f'<p id="face">Face similarity <b>{similarity}</b> {band} (fail below {low:g}, pass at {high:g})</p>'
        '<h2>Details: licence against the application</h2><table id="fields"><thead><tr><th>Field</th>'
        f"<th>Verdict</th><th>Rule</th></tr></thead><tbody>{fields}</tbody></table>"
        f"<h2>Checks</h2><ul>{checks}</ul>"
        + (f"<h2>Earlier attempts</h2><ul>{attempts}</ul>" if attempts else "")
        + _actions(staff, case, csrf)
        + f'<h2>Timeline</h2><ol id="timeline">{timeline}</ol>'
        + f'<p id="export">Export the audit trail: <a data-download href="/console/cases/{record.app_uuid}/trail/json">'
        f'JSON</a> · <a data-download href="/console/cases/{record.app_uuid}/trail/csv">CSV</a></p>'
        + '<p><button id="print" type="button">Print the case report</button></p>'
    )
    return _page(staff, body)


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
    comment = '<label>Comment <input name="note" maxlength="500" required></label>'
    forms.append(_form(f"{base}/comment", csrf, comment, "Comment"))
    forms.append(_form(f"{base}/escalate", csrf, comment, "Escalate to a senior"))
    return '<h2>Decision</h2><div class="actions">' + "".join(forms) + "</div>"


def message_page(staff: Staff, title: str, text: str) -> str:
    return _page(staff, f'<h1>{escape(title)}</h1><p role="alert">{escape(text)}</p>'
                        '<p><a data-nav href="/console/queue">← Queue</a></p>')


def _age(moment: str, now: datetime) -> str:
    try:
        then = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=now.tzinfo)
    except ValueError:
        return "unknown"
    minutes = max(0, int((now - then).total_seconds() // 60))
    return f"{minutes // 1440}d {minutes // 60 % 24}h" if minutes >= 1440 else f"{minutes // 60}h {minutes % 60}m"
